/*
 * One BMC instance: creation, the datagram router and the clock tick.  The
 * wire formats live in rmcp.c / rmcpplus.c, session setup in rakp.c, the
 * command model in the cmd_*.c files.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/bmc_int.h"
#include "core/crypto.h"
#include "core/rmcp.h"

void
bmc_conf_defaults(struct bmc_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	snprintf(conf->name, sizeof(conf->name), "bmc0");
	conf->lan_addr.family = 4;
	conf->lan_addr.ip[0] = 127;
	conf->lan_addr.ip[3] = 1;
	conf->lan_addr.port = 623;
	conf->suites_enabled = BMC_SUITE_DEFAULT_MASK;
	conf->suite_max_priv = PRIV_ADMIN;
	conf->channel_priv_limit = PRIV_ADMIN;
	conf->session_timeout_ms = 60000;
	conf->max_sessions = 16;
	conf->max_pending = 64;
	conf->max_pending_per_source = 4;
	conf->pending_timeout_ms = 5000;
	conf->preauth_rate = 200;
	conf->preauth_burst = 400;
	conf->min_password_len = 8;
	conf->sel_capacity = BMC_SEL_CAPACITY_DEFAULT;
	conf->initial_power_on = true;
	conf->sel_when_full = BMC_SEL_STOP;
	conf->device_id = 0x20;
	conf->device_rev = 0x01;
	conf->fw_major = 0;
	conf->fw_minor = 0x10;
	conf->manufacturer_id = GHOSTBMC_IANA;
	conf->product_id = GHOSTBMC_PRODUCT_ID;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Wire order is the IPMI one: the whole 16-byte GUID least significant byte
 * first, i.e. the text's bytes reversed.  ipmitool (`mc guid`, "GUID
 * Encoding: IPMI") and FreeIPMI decode it that way.
 */
static const uint8_t guid_wire_pos[16] = {15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0};

int
bmc_guid_parse(const char *text, uint8_t wire[16])
{
	uint8_t b[16];
	size_t i, n = 0;

	for (i = 0; text[i] != '\0'; i++) {
		int hi, lo;

		if (text[i] == '-' && (i == 8 || i == 13 || i == 18 || i == 23))
			continue;
		if (n == 16 || (hi = hexval(text[i])) < 0 || (lo = hexval(text[i + 1])) < 0)
			return -1;
		b[n++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	if (n != 16 || i != 36)
		return -1;
	for (i = 0; i < 16; i++)
		wire[guid_wire_pos[i]] = b[i];
	return 0;
}

void
bmc_guid_format(const uint8_t wire[16], char text[37])
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < 16; i++) {
		uint8_t v = wire[guid_wire_pos[i]];
		if (i == 4 || i == 6 || i == 8 || i == 10)
			text[o++] = '-';
		text[o++] = hex[v >> 4];
		text[o++] = hex[v & 15];
	}
	text[o] = '\0';
}

const char *
bmc_strerror(int err)
{
	switch (err) {
	case BMC_OK:
		return "success";
	case BMC_ERR_NOMEM:
		return "out of memory";
	case BMC_ERR_INVALID:
		return "invalid argument";
	case BMC_ERR_INTERNAL:
		return "internal error";
	case BMC_ERR_EXISTS:
		return "already exists";
	case BMC_ERR_NOTFOUND:
		return "no such user";
	case BMC_ERR_FULL:
		return "no free user slot";
	case BMC_ERR_POLICY:
		return "password does not meet the password policy";
	default:
		return "unknown error";
	}
}

static bool
all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* A random version-4 GUID, for an instance that was given none. */
static void
guid_random(struct bmc *bmc, uint8_t wire[16])
{
	uint8_t b[16];
	size_t i;

	bmc_rand(bmc, b, sizeof(b));
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	for (i = 0; i < 16; i++)
		wire[guid_wire_pos[i]] = b[i];
}

struct bmc *
bmc_new(const struct bmc_env *env, const struct bmc_conf *conf)
{
	struct bmc *bmc;

	if (env == NULL || env->rand == NULL || conf == NULL)
		return NULL;
	if ((bmc = calloc(1, sizeof(*bmc))) == NULL)
		return NULL;
	bmc->env = *env;
	bmc->conf = *conf;
	bmc->conf.name[sizeof(bmc->conf.name) - 1] = '\0';
	if (bmc->conf.max_sessions == 0 || bmc->conf.max_sessions > BMC_MAX_SESSIONS)
		bmc->conf.max_sessions = BMC_MAX_SESSIONS;
	if (bmc->conf.max_pending == 0 || bmc->conf.max_pending > BMC_MAX_PENDING)
		bmc->conf.max_pending = BMC_MAX_PENDING;
	if (bmc->conf.max_pending_per_source == 0)
		bmc->conf.max_pending_per_source = 1;
	if (bmc->conf.preauth_burst == 0)
		bmc->conf.preauth_burst = 1;
	bmc->conf.suites_enabled &= BMC_SUITE_SUPPORTED_MASK;
	if (bmc->conf.sel_capacity < BMC_SEL_CAPACITY_MIN)
		bmc->conf.sel_capacity = BMC_SEL_CAPACITY_MIN;
	if (bmc->conf.sel_capacity > BMC_SEL_CAPACITY_MAX)
		bmc->conf.sel_capacity = BMC_SEL_CAPACITY_MAX;
	if (all_zero(bmc->conf.system_guid, 16)) {
		guid_random(bmc, bmc->conf.system_guid);
		bmc->guid_generated = true;
	}
	if (all_zero(bmc->conf.device_guid, 16))
		memcpy(bmc->conf.device_guid, bmc->conf.system_guid, 16);
	if (all_zero(bmc->conf.mac, 6)) {
		/* A locally administered unicast MAC of our own, stable with the GUID. */
		bmc->conf.mac[0] = 0x02;
		memcpy(bmc->conf.mac + 1, bmc->conf.system_guid, 5);
	}
	users_init(bmc);
	params_defaults(bmc);
	sel_init(&bmc->sel);
	chassis_init(bmc);
	watchdog_init(bmc);
	boot_init(bmc);
	if (bmc->conf.ipmi15_auth_types & AUTHTYPE_SUPPORTED_MASK)
		bmc_logf(bmc, BMC_LOG_WARN,
		    "IPMI 1.5 sessions are enabled (auth types%s%s%s): they are weaker than "
		    "RMCP+ and should stay off unless an old client needs them",
		    bmc->conf.ipmi15_auth_types & (1u << AUTHTYPE_MD5) ? " md5" : "",
		    bmc->conf.ipmi15_auth_types & (1u << AUTHTYPE_PASSWORD) ? " password" : "",
		    bmc->conf.ipmi15_auth_types & (1u << AUTHTYPE_NONE) ? " none" : "");
	if (bmc->conf.suites_enabled & ((1u << 1) | (1u << 15)))
		bmc_logf(
		    bmc, BMC_LOG_WARN, "cipher suite 1 or 15 is enabled: commands travel without integrity");
	if (bmc->conf.suites_enabled & ((1u << 2) | (1u << 16)))
		bmc_logf(bmc, BMC_LOG_WARN, "cipher suite 2 or 16 is enabled: commands travel unencrypted");
	return bmc;
}

void
bmc_free(struct bmc *bmc)
{
	if (bmc == NULL)
		return;
	bmc_reset_sessions(bmc);
	preauth_free(bmc);
	sdr_repo_free(&bmc->sdr);
	free(bmc->sensors);
	sel_free(&bmc->sel);
	fru_free_all(bmc);
	crypto_wipe(bmc->users, sizeof(bmc->users));
	crypto_wipe(bmc->params.kg, sizeof(bmc->params.kg));
	free(bmc);
}

const struct bmc_conf *
bmc_get_conf(const struct bmc *bmc)
{
	return &bmc->conf;
}

void
bmc_reset_sessions(struct bmc *bmc)
{
	size_t i;

	for (i = 0; i < sizeof(bmc->sessions) / sizeof(bmc->sessions[0]); i++)
		if (bmc->sessions[i] != NULL)
			session_free(bmc, bmc->sessions[i]);
}

void
bmc_get_status(const struct bmc *bmc, struct bmc_status *st)
{
	memset(st, 0, sizeof(*st));
	st->active_sessions = session_count(bmc, SESS_ACTIVE);
	st->pending_sessions = session_count(bmc, SESS_OPEN) + session_count(bmc, SESS_RAKP2);
	st->users = bmc_user_count(bmc, false);
	st->rx_datagrams = bmc->stats.rx;
	st->tx_datagrams = bmc->stats.tx;
	st->dropped = bmc->stats.dropped;
	st->limited = bmc->stats.limited;
}

void
bmc_logf(struct bmc *bmc, enum bmc_log_level level, const char *fmt, ...)
{
	char line[512];
	int n;
	va_list ap;

	if (bmc->env.log == NULL)
		return;
	n = snprintf(line, sizeof(line), "%s: ", bmc->conf.name);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	bmc->env.log(bmc->env.arg, level, line);
}

void
bmc_rand(struct bmc *bmc, void *dst, size_t n)
{
	bmc->env.rand(bmc->env.arg, dst, n);
}

void
bmc_fx(struct bmc_out *out, enum bmc_fx_kind kind, uint32_t arg)
{
	size_t i;

	/* The same effect twice in one reply is one effect. */
	for (i = 0; i < out->nfx; i++)
		if (out->fx[i].kind == kind && out->fx[i].arg == arg)
			return;
	if (NEVER(out->nfx >= BMC_FX_MAX))
		return;
	out->fx[out->nfx].kind = kind;
	out->fx[out->nfx].arg = arg;
	out->nfx++;
}

/* Outside any session: ASF, or an IPMI packet whose session ID is 0 (or too short to have one). */
static bool
pre_session(const struct rmcp_hdr *h, const struct buf *b)
{
	size_t at;

	if (h->cls != RMCP_CLASS_IPMI)
		return true;
	at = b->left > 0 && b->p[0] == RMCP_AUTH_RMCPP ? 2 : 5;
	if (b->left < at + 4)
		return true;
	return (b->p[at] | b->p[at + 1] | b->p[at + 2] | b->p[at + 3]) == 0;
}

int
bmc_handle_datagram(struct bmc *bmc, const struct bmc_time *now, const struct bmc_addr *src,
    const uint8_t *bytes, size_t len, struct bmc_out *out)
{
	struct buf b = BUF_INIT(bytes, len);
	struct rmcp_hdr h;
	bool stranger;

	bmc_out_reset(out);
	bmc->stats.rx++;
	/* Port 0 cannot be answered; never reply toward it (reflection). */
	if (src->port == 0 || len > BMC_DGRAM_MAX || rmcp_decode_hdr(&b, &h) != 0) {
		bmc->stats.dropped++;
		return BMC_OK;
	}
	stranger = pre_session(&h, &b);
	if (stranger && !preauth_admit(bmc, src, now->mono_ms, len)) {
		bmc->stats.dropped++;
		return BMC_OK;
	}
	switch (h.cls) {
	case RMCP_CLASS_ASF:
		rmcp_handle_asf(bmc, &h, &b, out);
		break;
	case RMCP_CLASS_IPMI:
		if (b.left > 0 && b.p[0] == RMCP_AUTH_RMCPP)
			rmcpp_handle(bmc, now, src, bytes, len, out);
		else
			lan15_handle(bmc, now, src, &b, out);
		break;
	default:
		break;
	}
	sel_audit_flush(bmc, now, out);
	if (stranger && out->reply_len > 0 && !preauth_may_send(bmc, src, now->mono_ms, out->reply_len))
		out->reply_len = 0;
	if (out->reply_len > 0)
		bmc->stats.tx++;
	else
		bmc->stats.dropped++;
	return BMC_OK;
}

int
bmc_tick(struct bmc *bmc, const struct bmc_time *now, struct bmc_out *out)
{
	bmc_out_reset(out);
	/* Before the sessions expire: an idle SOL owner gets its "SOL deactivating" packet first. */
	sol_tick(bmc, now, out);
	session_expire(bmc, now->mono_ms);
	params_tick(bmc, now->mono_ms);
	chassis_tick(bmc, now, out);
	sel_audit_flush(bmc, now, out);
	return BMC_OK;
}
