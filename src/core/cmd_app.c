/*
 * App netFn (06h): device identity, BMC basics, channels and the commands
 * that manage RMCP+ sessions.  User accounts are in cmd_user.c.
 */
#include <stdio.h>

#include "core/crypto.h"
#include "core/rmcp.h"

/*
 * Get Device ID byte 6: what this BMC implements.  Bits are added as the
 * SDR, SEL, FRU and chassis models land; a client must never be told of a
 * device we don't have.
 */
#define DEVICE_SUPPORT 0x07 /* sensor device, SDR repository, SEL */

#define IPMI_FORUM_IANA_LO 0xf2 /* 7154 = 001BF2h, LS byte first */
#define IPMI_FORUM_IANA_MID 0x1b

uint8_t
cmd_get_device_id(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	const struct bmc_conf *c = &ctx->bmc->conf;

	(void)rq;
	wbuf_put_u8(rs, c->device_id);
	wbuf_put_u8(rs, c->device_rev & 0x0f); /* bit 7 = 0: use the SDR repository */
	wbuf_put_u8(rs, c->fw_major & 0x7f); /* bit 7 = 0: normal operation */
	wbuf_put_u8(rs, c->fw_minor);
	wbuf_put_u8(rs, 0x02); /* IPMI 2.0 */
	wbuf_put_u8(rs, (uint8_t)(DEVICE_SUPPORT | (ctx->bmc->nfrus ? 0x08 : 0))); /* FRU inventory */
	wbuf_put_u8(rs, (uint8_t)c->manufacturer_id);
	wbuf_put_u8(rs, (uint8_t)(c->manufacturer_id >> 8));
	wbuf_put_u8(rs, (uint8_t)((c->manufacturer_id >> 16) & 0x0f));
	wbuf_put_u16le(rs, c->product_id);
	wbuf_put_bytes(rs, c->aux_fw_rev, 4);
	return CC_OK;
}

static uint8_t
reset(struct cmd_ctx *ctx, uint32_t warm)
{
	/* The reply goes out first; the edge resets the instance afterwards. */
	bmc_fx(ctx->out, FX_RESET_BMC, warm);
	bmc_logf(ctx->bmc, BMC_LOG_INFO, "%s reset requested", warm ? "warm" : "cold");
	return CC_OK;
}

uint8_t
cmd_cold_reset(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	(void)rq;
	(void)rs;
	return reset(ctx, 0);
}

uint8_t
cmd_warm_reset(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	(void)rq;
	(void)rs;
	return reset(ctx, 1);
}

uint8_t
cmd_get_self_test_results(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	(void)ctx;
	(void)rq;
	wbuf_put_u8(rs, 0x55); /* no error */
	wbuf_put_u8(rs, 0x00);
	return CC_OK;
}

uint8_t
cmd_get_acpi_power_state(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	bool on = ctx->bmc->chassis.power_on;

	(void)rq;
	/* S0/G0 working and D0 while the host has power; S5/G2 soft-off and D3 when not. */
	wbuf_put_u8(rs, on ? 0x00 : 0x05);
	wbuf_put_u8(rs, on ? 0x00 : 0x03);
	return CC_OK;
}

uint8_t
cmd_get_device_guid(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	(void)rq;
	wbuf_put_bytes(rs, ctx->bmc->conf.device_guid, 16);
	return CC_OK;
}

uint8_t
cmd_get_system_guid(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	(void)rq;
	wbuf_put_bytes(rs, ctx->bmc->conf.system_guid, 16);
	return CC_OK;
}

uint8_t
cmd_set_bmc_global_enables(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint8_t v = buf_get_u8(rq);

	(void)rs;
	/* Bits 3:0 are defined; 4 is reserved; 7:5 are OEM, and we have none. */
	if (v & 0xf0)
		return CC_INVALID_FIELD;
	ctx->bmc->params.global_enables = v;
	ctx_persist(ctx, FX_SAVE_PARAM, BMC_PARAM_GLOBAL_ENABLES);
	return CC_OK;
}

uint8_t
cmd_get_bmc_global_enables(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	(void)rq;
	wbuf_put_u8(rs, ctx->bmc->params.global_enables);
	return CC_OK;
}

/*
 * The system interface's message queue and event buffer (IPMI 2.0 22.3-22.8),
 * which the host's driver polls: nothing is ever bridged or buffered to it,
 * so the flags read 0 and the queues are empty (80h, "no data").
 */
uint8_t
cmd_clear_message_flags(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	(void)ctx;
	(void)rq;
	(void)rs;
	return CC_OK;
}

uint8_t
cmd_get_message_flags(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	(void)ctx;
	(void)rq;
	wbuf_put_u8(rs, 0x00);
	return CC_OK;
}

uint8_t
cmd_get_message(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	(void)ctx;
	(void)rq;
	(void)rs;
	return 0x80; /* data not available: the queue is empty */
}

uint8_t
cmd_read_event_message_buffer(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	(void)ctx;
	(void)rq;
	(void)rs;
	return 0x80; /* no data: events go to the SEL, not to the buffer */
}

uint8_t
cmd_get_channel_auth_caps(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct bmc *bmc = ctx->bmc;
	uint8_t b1 = buf_get_u8(rq), b2 = buf_get_u8(rq), ch, priv, status = 0, auth15;
	bool v2 = (b1 & 0x80) != 0;

	ch = ctx_channel(ctx, b1);
	priv = b2 & 0x0f;
	if ((b1 & 0x70) != 0 || ch != CHANNEL_LAN || priv < PRIV_CALLBACK || priv > PRIV_OEM)
		return CC_INVALID_FIELD;
	/*
	 * Bit 7 says the 2.0 extended data follows (CHECKLIST 2).  1.5
	 * authentication types are listed only when 1.5 sessions are enabled:
	 * those enabled for the requested privilege (LAN parameter 2).  Only
	 * non-null user names; no null user, no anonymous login.
	 */
	auth15 = bmc->conf.ipmi15_auth_types
	    ? bmc->params.lan.auth_enables[priv - 1] & AUTHTYPE_SUPPORTED_MASK & bmc->conf.ipmi15_auth_types
	    : 0;
	if (params_kg_set(bmc))
		status |= 0x20;
	status |= 0x04;
	wbuf_put_u8(rs, ch);
	wbuf_put_u8(rs, (uint8_t)((v2 ? 0x80 : 0x00) | auth15));
	wbuf_put_u8(rs, status);
	wbuf_put_u8(rs, v2 ? (uint8_t)(0x02 | (bmc->conf.ipmi15_auth_types ? 0x01 : 0)) : 0x00);
	wbuf_put_fill(rs, 0x00, 4); /* OEM IANA, OEM aux */
	return CC_OK;
}

/*
 * IPMI 1.5 sessions exist only when enabled; otherwise CCh, never 81h/82h,
 * which would tell whether a name exists (CHECKLIST 21).
 */
uint8_t
cmd_get_session_challenge(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint8_t type = buf_get_u8(rq) & 0x0f, name[16];

	buf_get_bytes(rq, name, 16);
	return lan15_challenge(ctx, type, name, rs);
}

/*
 * A new 1.5 session is activated in lan15.c, where the packet's AuthCode is
 * checked.  Inside an active 1.5 session this repeats the session's data;
 * anywhere else there is nothing to activate.
 */
uint8_t
cmd_activate_session(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct session *s = ctx->sess;

	(void)rq;
	if (s == NULL || !s->v15)
		return CC_INVALID_FIELD;
	wbuf_put_u8(rs, s->auth_type);
	wbuf_put_u32le(rs, s->bmc_sid);
	wbuf_put_u32le(rs, s->in_high + 1);
	wbuf_put_u8(rs, s->max_priv);
	return CC_OK;
}

uint8_t
cmd_set_session_privilege(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint8_t want = buf_get_u8(rq), limit;
	struct session *s = ctx->sess;

	if (s == NULL)
		return CC_NOT_SUPPORTED_NOW;
	if (want & 0xf0)
		return CC_INVALID_FIELD;
	if (want != 0) {
		if (want < PRIV_USER || want > PRIV_OEM)
			return CC_INVALID_FIELD;
		limit = s->max_priv;
		if (limit > ctx->bmc->params.chan.v_priv)
			limit = ctx->bmc->params.chan.v_priv;
		if (want > limit)
			return 0x81; /* exceeds the channel or user privilege limit */
		s->priv = want;
	}
	wbuf_put_u8(rs, s->priv);
	return CC_OK;
}

uint8_t
cmd_close_session(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint32_t sid = buf_get_u32le(rq);
	struct session *t;

	(void)rs;
	if (ctx->sess == NULL)
		return CC_NOT_SUPPORTED_NOW;
	if (sid == 0) {
		if (rq->left != 1)
			return CC_REQ_LEN;
		t = session_by_handle(ctx->bmc, buf_get_u8(rq));
		if (t == NULL)
			return 0x88; /* invalid session handle */
	} else {
		t = session_find(ctx->bmc, sid);
		if (t == NULL || t->state != SESS_ACTIVE)
			return 0x87; /* invalid session ID */
	}
	if (t != ctx->sess && ctx->priv < PRIV_ADMIN)
		return CC_INSUFFICIENT_PRIV;
	ctx->close_target = t;
	return CC_OK;
}

uint8_t
cmd_get_session_info(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct bmc *bmc = ctx->bmc;
	uint8_t idx = buf_get_u8(rq);
	struct session *s = NULL;

	switch (idx) {
	case 0x00:
		if (rq->left != 0)
			return CC_REQ_LEN;
		s = ctx->sess;
		break;
	case 0xfe:
		if (rq->left != 1)
			return CC_REQ_LEN;
		s = session_by_handle(bmc, buf_get_u8(rq));
		break;
	case 0xff:
		if (rq->left != 4)
			return CC_REQ_LEN;
		s = session_find(bmc, buf_get_u32le(rq));
		if (s != NULL && s->state != SESS_ACTIVE)
			s = NULL;
		break;
	default:
		if (rq->left != 0)
			return CC_REQ_LEN;
		if (idx > BMC_MAX_SESSIONS)
			return CC_INVALID_FIELD;
		s = session_nth_active(bmc, idx);
		break;
	}
	wbuf_put_u8(rs, s ? s->handle : 0);
	wbuf_put_u8(rs, bmc->conf.max_sessions & 0x3f);
	wbuf_put_u8(rs, (uint8_t)(session_count(bmc, SESS_ACTIVE) & 0x3f));
	/* No session there: the short form ends `session info all` (CHECKLIST 7). */
	if (s == NULL)
		return CC_OK;
	wbuf_put_u8(rs, s->uid & 0x3f);
	wbuf_put_u8(rs, s->priv & 0x0f);
	wbuf_put_u8(rs, (s->v15 ? 0x00 : 0x10) | CHANNEL_LAN); /* IPMI 1.5 or 2.0/RMCP+, channel 1 */
	if (s->peer.family == 4)
		wbuf_put_bytes(rs, s->peer.ip, 4);
	else
		wbuf_put_fill(rs, 0, 4);
	wbuf_put_fill(rs, 0, 6); /* the console's MAC is not known to a UDP socket */
	wbuf_put_u16le(rs, s->peer.port);
	return CC_OK;
}

uint8_t
cmd_set_channel_access(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct channel_access *ca = &ctx->bmc->params.chan;
	uint8_t ch = ctx_channel(ctx, buf_get_u8(rq));
	uint8_t b2 = buf_get_u8(rq), b3 = buf_get_u8(rq);
	uint8_t amode = b2 >> 6, pmode = b3 >> 6, priv = b3 & 0x0f, access = b2 & 0x3f;

	(void)rs;
	if (ch != CHANNEL_LAN || amode == 3 || pmode == 3)
		return CC_INVALID_FIELD;
	/*
	 * Only "always available" with authentication on: turning the LAN
	 * channel off or per-message/user-level authentication off would make
	 * this BMC lie or lock everyone out.
	 */
	if (amode != 0 && (access & 0x1f) != 0x02)
		return CC_INVALID_FIELD;
	if (pmode != 0 && (priv < PRIV_CALLBACK || priv > PRIV_OEM))
		return CC_INVALID_FIELD;
	if (amode == 1)
		ca->access = access;
	if (amode == 2)
		ca->v_access = access;
	if (pmode == 1)
		ca->priv = priv;
	if (pmode == 2)
		ca->v_priv = priv;
	if (amode == 1 || pmode == 1)
		ctx_persist(ctx, FX_SAVE_PARAM, BMC_PARAM_CHANNEL_ACCESS);
	return CC_OK;
}

uint8_t
cmd_get_channel_access(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	const struct channel_access *ca = &ctx->bmc->params.chan;
	uint8_t ch = ctx_channel(ctx, buf_get_u8(rq)), mode = buf_get_u8(rq) >> 6;

	if (ch != CHANNEL_LAN || (mode != 1 && mode != 2))
		return CC_INVALID_FIELD;
	wbuf_put_u8(rs, mode == 1 ? ca->access : ca->v_access);
	wbuf_put_u8(rs, mode == 1 ? ca->priv : ca->v_priv);
	return CC_OK;
}

uint8_t
cmd_get_channel_info(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint8_t ch = ctx_channel(ctx, buf_get_u8(rq));

	if (ch == CHANNEL_SYSTEM) {
		/* The host's own interface: KCS, no sessions, interrupts not specified. */
		wbuf_put_u8(rs, ch);
		wbuf_put_u8(rs, 0x0c); /* system interface */
		wbuf_put_u8(rs, 0x05); /* KCS */
		wbuf_put_u8(rs, 0x00); /* session-less */
		wbuf_put_u8(rs, IPMI_FORUM_IANA_LO);
		wbuf_put_u8(rs, IPMI_FORUM_IANA_MID);
		wbuf_put_u8(rs, 0x00);
		wbuf_put_u8(rs, 0xff);
		wbuf_put_u8(rs, 0xff);
		return CC_OK;
	}
	if (ch != CHANNEL_LAN)
		return CC_INVALID_FIELD;
	wbuf_put_u8(rs, ch);
	wbuf_put_u8(rs, 0x04); /* 802.3 LAN */
	wbuf_put_u8(rs, 0x01); /* IPMB-1.0, as the spec assigns to LAN */
	wbuf_put_u8(rs, (uint8_t)(0x80 | (session_count(ctx->bmc, SESS_ACTIVE) & 0x3f)));
	wbuf_put_u8(rs, IPMI_FORUM_IANA_LO);
	wbuf_put_u8(rs, IPMI_FORUM_IANA_MID);
	wbuf_put_u8(rs, 0x00);
	wbuf_put_u8(rs, 0x00);
	wbuf_put_u8(rs, 0x00);
	return CC_OK;
}

/* The record stream of Get Channel Cipher Suites: only suites usable now. */
static size_t
cipher_suite_stream(const struct bmc *bmc, bool by_suite, uint8_t *out, size_t cap)
{
	uint8_t seen[256] = {0};
	size_t len = 0;
	unsigned id;

	/* Ascending by ID, whatever the order of LAN parameter 23. */
	for (id = 1; id < 32; id++) {
		uint8_t a, g, c, rec[5], k, m = 0;

		if (params_suite_priv(bmc, (uint8_t)id) == 0)
			continue;
		a = id >= 15 ? AUTH_HMAC_SHA256 : AUTH_HMAC_SHA1;
		g = (id == 1 || id == 15) ? INTEG_NONE
		    : id >= 15            ? INTEG_HMAC_SHA256_128
		                          : INTEG_HMAC_SHA1_96;
		c = (id == 3 || id == 17) ? CONF_AES_CBC_128 : CONF_NONE;
		if (by_suite) {
			rec[m++] = 0xc0;
			rec[m++] = (uint8_t)id;
		}
		rec[m++] = a;
		rec[m++] = (uint8_t)(0x40 | g);
		rec[m++] = (uint8_t)(0x80 | c);
		for (k = 0; k < m; k++) {
			if (!by_suite && seen[rec[k]]++)
				continue;
			if (len < cap)
				out[len++] = rec[k];
		}
	}
	return len;
}

uint8_t
cmd_get_channel_cipher_suites(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint8_t ch = ctx_channel(ctx, buf_get_u8(rq)), ptype = buf_get_u8(rq), sel = buf_get_u8(rq);
	uint8_t stream[128];
	size_t len, start;

	if (ch != CHANNEL_LAN || (ptype & 0x3f) > PAYLOAD_SOL)
		return CC_INVALID_FIELD;
	len = cipher_suite_stream(ctx->bmc, (sel & 0x80) != 0, stream, sizeof(stream));
	start = (size_t)(sel & 0x3f) * 16;
	wbuf_put_u8(rs, ch);
	/* Past the end: just the channel, so a client that reads on stops. */
	if (start < len)
		wbuf_put_bytes(rs, stream + start, len - start < 16 ? len - start : 16);
	return CC_OK;
}

uint8_t
cmd_set_channel_security_keys(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct bmc *bmc = ctx->bmc;
	uint8_t ch = ctx_channel(ctx, buf_get_u8(rq)), op = buf_get_u8(rq), key = buf_get_u8(rq);
	uint8_t kg[20] = {0};
	size_t n = rq->left, i;
	bool zero = true;

	if (ch != CHANNEL_LAN || (op & 0xfc) || op == 3 || key > 1)
		return CC_INVALID_FIELD;
	switch (op & 3) {
	case 0: /* read */
		if (n != 0)
			return CC_REQ_LEN;
		wbuf_put_u8(rs, 0x00); /* not lockable */
		if (key == 1)
			wbuf_put_bytes(rs, bmc->params.kg, 20);
		else
			wbuf_put_fill(rs, 0, 20); /* K_R is not used by this BMC */
		return CC_OK;
	case 1: /* set */
		if (key != 1)
			return CC_INVALID_FIELD;
		if (n < 20)
			return 0x81; /* insufficient key bytes */
		if (n > 20)
			return 0x82; /* too many key bytes */
		buf_get_bytes(rq, kg, 20);
		for (i = 0; i < 20; i++)
			zero &= kg[i] == 0;
		/* ipmitool ignores a K_G whose first byte is 0: refuse one, except "none". */
		if (!zero && kg[0] == 0)
			return 0x83;
		memcpy(bmc->params.kg, kg, 20);
		crypto_wipe(kg, sizeof(kg));
		ctx_persist(ctx, FX_SAVE_PARAM, BMC_PARAM_KG);
		wbuf_put_u8(rs, 0x00);
		return CC_OK;
	default: /* lock */
		return CC_INVALID_FIELD;
	}
}

/* System Info string parameter: 16-byte blocks; the first starts with encoding and length. */
static void
sysinfo_string(struct wbuf *rs, uint8_t set, const char *text)
{
	uint8_t block[16] = {0};
	size_t len = strlen(text), off, n;

	if (set == 0) {
		block[0] = 0x00; /* ASCII+Latin-1 */
		block[1] = (uint8_t)len;
		n = len < 14 ? len : 14;
		memcpy(block + 2, text, n);
	} else {
		off = 14 + (size_t)(set - 1) * 16;
		if (off < len) {
			n = len - off < 16 ? len - off : 16;
			memcpy(block, text + off, n);
		}
	}
	wbuf_put_u8(rs, set);
	wbuf_put_bytes(rs, block, 16);
}

uint8_t
cmd_get_system_info_params(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint8_t b1 = buf_get_u8(rq), param = buf_get_u8(rq), set = buf_get_u8(rq);
	char fw[32];

	(void)buf_get_u8(rq);
	wbuf_put_u8(rs, 0x11); /* parameter revision */
	if (b1 & 0x80)
		return CC_OK;
	switch (param) {
	case 0: /* set in progress: read-only parameters here, so always complete */
		wbuf_put_u8(rs, 0x00);
		return CC_OK;
	case 1: /* system firmware version */
		snprintf(fw, sizeof(fw), "ghostbmc %s", GHOSTBMC_VERSION);
		if (set > 2)
			return CC_OUT_OF_RANGE;
		sysinfo_string(rs, set, fw);
		return CC_OK;
	case 2: /* system name */
		if (set > 2)
			return CC_OUT_OF_RANGE;
		sysinfo_string(rs, set, ctx->bmc->conf.name);
		return CC_OK;
	default:
		return CC_PARAM_UNSUPPORTED;
	}
}
