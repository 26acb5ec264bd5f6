/*
 * RMCP+ payload commands (App 48h-4Fh; IPMI 2.0 section 24): activating and
 * deactivating the SOL payload, its status, what the channel carries and who
 * may use SOL.  The packets themselves are sol.c's.
 */
#include "core/bmc_int.h"

#define PAYLOAD_VERSION_1_0 0x10

/* Activate Payload auxiliary byte 1 for SOL. */
#define AUX_ENCRYPT 0x80
#define AUX_AUTHENTICATE 0x40
/* [5] test mode, [3:2] serial alert behaviour, [1] startup handshake: nothing here to apply them to. */

/* Completion codes of Activate/Deactivate Payload. */
#define CC_PAYLOAD_ACTIVE 0x80 /* activate: active in a session; deactivate: not active */
#define CC_PAYLOAD_DISABLED 0x81
#define CC_CANNOT_ENCRYPT 0x83 /* the session cannot give what was asked */
#define CC_MUST_ENCRYPT 0x84 /* the session or SOL parameter 2 requires more than was asked */

#define SOL_FORCE_ENCRYPT 0x80
#define SOL_FORCE_AUTH 0x40

static bool
is_sol(uint8_t type, uint8_t instance)
{
	return (type & 0x3f) == PAYLOAD_SOL && (instance & 0x0f) == SOL_INSTANCE;
}

uint8_t
cmd_activate_payload(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct bmc *bmc = ctx->bmc;
	const struct sol_params *sp = &bmc->params.sol;
	uint8_t type = buf_get_u8(rq), instance = buf_get_u8(rq), aux = buf_get_u8(rq);
	struct session *s = ctx->sess;
	bool enc = (aux & AUX_ENCRYPT) != 0, auth = (aux & AUX_AUTHENTICATE) != 0;

	/* The remaining three auxiliary bytes are reserved. */
	if (s == NULL || s->v15 || s->state != SESS_ACTIVE)
		return CC_NOT_SUPPORTED_NOW; /* payloads exist only in RMCP+ sessions */
	if (!is_sol(type, instance))
		return CC_INVALID_FIELD;
	if (!(sp->saved.enable & 0x01))
		return CC_PAYLOAD_DISABLED;
	if (ctx->priv < (sp->saved.auth & 0x0f) || !sol_user_allowed(bmc, s->uid))
		return CC_INSUFFICIENT_PRIV;
	/*
	 * SOL packets are sealed exactly as the session's IPMI messages are:
	 * the request must ask for what the session has.  Encryption without
	 * authentication is no mode at all.
	 */
	if (enc && !auth)
		return CC_INVALID_FIELD;
	if ((enc && s->conf_alg == CONF_NONE) || (auth && s->integ_alg == INTEG_NONE))
		return CC_CANNOT_ENCRYPT;
	if ((!enc && (s->conf_alg != CONF_NONE || (sp->saved.auth & SOL_FORCE_ENCRYPT))) ||
	    (!auth && (s->integ_alg != INTEG_NONE || (sp->saved.auth & SOL_FORCE_AUTH))))
		return CC_MUST_ENCRYPT;
	if (bmc->sol.active)
		return CC_PAYLOAD_ACTIVE;
	sol_activate(bmc, s, aux);
	wbuf_put_fill(rs, 0x00, 4); /* auxiliary response data */
	wbuf_put_u16le(rs, SOL_PAYLOAD_MAX); /* inbound: the most the console may send, header included */
	wbuf_put_u16le(rs, SOL_PAYLOAD_MAX); /* outbound */
	/* The port we listen on: ipmitool and ipmiconsole refuse a SOL port other than the one they use. */
	wbuf_put_u16le(rs, bmc->conf.lan_addr.port);
	wbuf_put_u16le(rs, 0xffff); /* no VLAN */
	return CC_OK;
}

uint8_t
cmd_deactivate_payload(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct bmc *bmc = ctx->bmc;
	uint8_t type = buf_get_u8(rq), instance = buf_get_u8(rq);
	struct session *owner;
	bool own;

	(void)rs;
	if (!is_sol(type, instance))
		return CC_INVALID_FIELD;
	if (!bmc->sol.active)
		return CC_PAYLOAD_ACTIVE; /* "payload already deactivated" */
	own = ctx->sess != NULL && ctx->sess->bmc_sid == bmc->sol.sid;
	if (!own) {
		/* Someone else's console: its own user (a console that lost its way) or an administrator. */
		owner = session_find(bmc, bmc->sol.sid);
		if (ctx->priv < PRIV_ADMIN &&
		    (ctx->sess == NULL || owner == NULL || owner->uid == 0 || owner->uid != ctx->sess->uid))
			return CC_INSUFFICIENT_PRIV;
	}
	sol_deactivate(bmc, own ? "Deactivate Payload" : "Deactivate Payload from another session", !own);
	return CC_OK;
}

uint8_t
cmd_get_payload_activation_status(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint8_t type = buf_get_u8(rq);

	if ((type & 0x3f) != PAYLOAD_SOL)
		return CC_INVALID_FIELD;
	wbuf_put_u8(rs, 1); /* instance capacity */
	wbuf_put_u8(rs, ctx->bmc->sol.active ? 0x01 : 0x00); /* instances 1-8 */
	wbuf_put_u8(rs, 0x00); /* instances 9-16 */
	return CC_OK;
}

uint8_t
cmd_get_payload_instance_info(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint8_t type = buf_get_u8(rq), instance = buf_get_u8(rq);
	bool active = ctx->bmc->sol.active;

	if (!is_sol(type, instance))
		return CC_INVALID_FIELD;
	wbuf_put_u32le(rs, active ? ctx->bmc->sol.sid : 0);
	/* For SOL: byte 1 the port number (1-based), the rest reserved. */
	wbuf_put_u8(rs, active ? 0x01 : 0x00);
	wbuf_put_fill(rs, 0x00, 7);
	return CC_OK;
}

static bool
lan_channel(const struct cmd_ctx *ctx, uint8_t b)
{
	return (b & 0xf0) == 0 && ctx_channel(ctx, b) == CHANNEL_LAN;
}

uint8_t
cmd_get_user_payload_access(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint8_t ch = buf_get_u8(rq), b2 = buf_get_u8(rq), id = b2 & 0x3f;

	if (!lan_channel(ctx, ch) || (b2 & 0xc0) || id == 0 || id > BMC_MAX_USERS)
		return CC_INVALID_FIELD;
	wbuf_put_u8(rs, sol_user_allowed(ctx->bmc, id) ? 0x02 : 0x00); /* standard payloads 1-7: SOL is 1 */
	wbuf_put_u8(rs, 0x00); /* standard payloads 8-15 */
	wbuf_put_u8(rs, 0x00); /* OEM payloads 20h-27h */
	wbuf_put_u8(rs, 0x00); /* reserved */
	return CC_OK;
}

uint8_t
cmd_set_user_payload_access(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct sol_params *sp = &ctx->bmc->params.sol;
	uint8_t ch = buf_get_u8(rq), b2 = buf_get_u8(rq), std1 = buf_get_u8(rq);
	uint8_t op = b2 >> 6, id = b2 & 0x3f;

	(void)rs;
	if (!lan_channel(ctx, ch) || op > 1 || id == 0 || id > BMC_MAX_USERS)
		return CC_INVALID_FIELD;
	/* Only SOL can be granted or taken away; the bits of payloads we don't carry change nothing. */
	if (!(std1 & 0x02))
		return CC_OK;
	if (op == 0)
		sp->payload_denied[id / 8] &= (uint8_t) ~(1u << (id % 8));
	else
		sp->payload_denied[id / 8] |= (uint8_t)(1u << (id % 8));
	ctx_persist(ctx, FX_SAVE_PARAM, BMC_PARAM_SOL_PAYLOAD_ACCESS);
	return CC_OK;
}

uint8_t
cmd_get_channel_payload_support(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	if (!lan_channel(ctx, buf_get_u8(rq)))
		return CC_INVALID_FIELD;
	wbuf_put_u8(rs, 0x03); /* standard payloads 0-7: IPMI messages, SOL */
	wbuf_put_u8(rs, 0x00); /* 8-15 */
	wbuf_put_u8(rs, 0x3f); /* session setup 10h-15h: Open Session request/response, RAKP 1-4 */
	wbuf_put_u8(rs, 0x00);
	wbuf_put_u8(rs, 0x00); /* OEM 20h-27h */
	wbuf_put_u8(rs, 0x00);
	wbuf_put_u16le(rs, 0x0000); /* reserved */
	return CC_OK;
}

uint8_t
cmd_get_channel_payload_version(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint8_t ch = buf_get_u8(rq), type = buf_get_u8(rq);

	if (!lan_channel(ctx, ch))
		return CC_INVALID_FIELD;
	if (type != PAYLOAD_IPMI && type != PAYLOAD_SOL &&
	    (type < PAYLOAD_OPEN_SESSION_RQ || type > PAYLOAD_RAKP4))
		return 0x80; /* payload type not available on this channel */
	wbuf_put_u8(rs, PAYLOAD_VERSION_1_0);
	return CC_OK;
}
