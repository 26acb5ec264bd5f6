/*
 * SOL configuration parameters (Transport 21h/22h; IPMI 2.0 26.2-26.3).
 * Parameters 1-5 persist (BMC_PARAM_SOL), 6 is volatile and starts from 5,
 * 7 and 8 describe where the payload lives.  Every set takes effect at once:
 * set-in-progress is only the lock clients take (see cmd_transport.c).
 */
#include "core/bmc_int.h"

#define SOL_PARAM_REVISION 0x11

enum {
	SP_SET_IN_PROGRESS = 0,
	SP_ENABLE = 1,
	SP_AUTH = 2,
	SP_ACCUMULATE = 3,
	SP_RETRY = 4,
	SP_NV_BIT_RATE = 5,
	SP_V_BIT_RATE = 6,
	SP_CHANNEL = 7,
	SP_PORT = 8,
};

static bool
bit_rate_valid(uint8_t v)
{
	return v == 0x00 || (v >= 0x06 && v <= 0x0a); /* serial's own, 9600 .. 115200 bps */
}

uint8_t
cmd_get_sol_config(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	const struct sol_params *sp = &ctx->bmc->params.sol;
	uint8_t b1 = buf_get_u8(rq), param = buf_get_u8(rq);

	(void)buf_get_u8(rq); /* set selector */
	(void)buf_get_u8(rq); /* block selector */
	if ((b1 & 0x70) || ctx_channel(ctx, b1) != CHANNEL_LAN)
		return CC_INVALID_FIELD;
	wbuf_put_u8(rs, SOL_PARAM_REVISION);
	if (b1 & 0x80)
		return CC_OK; /* revision only */
	switch (param) {
	case SP_SET_IN_PROGRESS:
		wbuf_put_u8(rs, sp->set_in_progress);
		break;
	case SP_ENABLE:
		wbuf_put_u8(rs, sp->saved.enable);
		break;
	case SP_AUTH:
		wbuf_put_u8(rs, sp->saved.auth);
		break;
	case SP_ACCUMULATE:
		wbuf_put_u8(rs, sp->saved.accumulate);
		wbuf_put_u8(rs, sp->saved.threshold);
		break;
	case SP_RETRY:
		wbuf_put_u8(rs, sp->saved.retry_count);
		wbuf_put_u8(rs, sp->saved.retry_interval);
		break;
	case SP_NV_BIT_RATE:
		wbuf_put_u8(rs, sp->saved.nv_bit_rate);
		break;
	case SP_V_BIT_RATE:
		wbuf_put_u8(rs, sp->v_bit_rate);
		break;
	case SP_CHANNEL:
		wbuf_put_u8(rs, CHANNEL_LAN);
		break;
	case SP_PORT:
		/* SOL rides the instance's own port (Activate Payload says the same). */
		wbuf_put_u16le(rs, ctx->bmc->conf.lan_addr.port);
		break;
	default:
		return CC_PARAM_UNSUPPORTED;
	}
	return CC_OK;
}

/* Data length of each writable parameter (0 = unknown). */
static size_t
set_len(uint8_t param)
{
	switch (param) {
	case SP_SET_IN_PROGRESS:
	case SP_ENABLE:
	case SP_AUTH:
	case SP_NV_BIT_RATE:
	case SP_V_BIT_RATE:
		return 1;
	case SP_ACCUMULATE:
	case SP_RETRY:
	case SP_PORT:
		return 2;
	default:
		return 0;
	}
}

uint8_t
cmd_set_sol_config(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct bmc *bmc = ctx->bmc;
	struct sol_params *sp = &bmc->params.sol;
	uint8_t b1 = buf_get_u8(rq), param = buf_get_u8(rq), d[2] = {0, 0}, priv;
	size_t n = rq->left, want;

	(void)rs;
	if ((b1 & 0xf0) || ctx_channel(ctx, b1) != CHANNEL_LAN)
		return CC_INVALID_FIELD;
	if (param == SP_CHANNEL)
		return CC_PARAM_READ_ONLY;
	if ((want = set_len(param)) == 0)
		return CC_PARAM_UNSUPPORTED;
	if (n != want)
		return CC_REQ_LEN;
	buf_get_bytes(rq, d, n);

	switch (param) {
	case SP_SET_IN_PROGRESS:
		return set_in_progress_write(
		    &sp->set_in_progress, &sp->set_in_progress_ms, d[0], ctx->now->mono_ms);
	case SP_ENABLE:
		if (d[0] & 0xfe)
			return CC_INVALID_FIELD;
		sp->saved.enable = d[0];
		/* Disabled: the console in use goes, told so with its last packet. */
		if (d[0] == 0)
			sol_deactivate(bmc, "SOL disabled", true);
		break;
	case SP_AUTH:
		priv = d[0] & 0x0f;
		if ((d[0] & 0x30) || priv < PRIV_USER || priv > PRIV_OEM)
			return CC_INVALID_FIELD;
		sp->saved.auth = d[0];
		break;
	case SP_ACCUMULATE:
		if (d[0] == 0)
			return CC_INVALID_FIELD; /* 1-based */
		sp->saved.accumulate = d[0];
		sp->saved.threshold = d[1];
		break;
	case SP_RETRY:
		if (d[0] & 0xf8)
			return CC_INVALID_FIELD;
		sp->saved.retry_count = d[0];
		sp->saved.retry_interval = d[1];
		break;
	case SP_NV_BIT_RATE:
		if (!bit_rate_valid(d[0]))
			return CC_INVALID_FIELD;
		sp->saved.nv_bit_rate = d[0];
		break;
	case SP_V_BIT_RATE:
		if (!bit_rate_valid(d[0]))
			return CC_INVALID_FIELD;
		sp->v_bit_rate = d[0];
		return CC_OK; /* volatile: nothing to store */
	case SP_PORT:
		/* The port is the instance's listening port; writing it back is fine, moving it is not. */
		if ((uint16_t)(d[0] | d[1] << 8) != bmc->conf.lan_addr.port)
			return CC_INVALID_FIELD;
		return CC_OK;
	default:
		return CC_PARAM_UNSUPPORTED;
	}
	ctx_persist(ctx, FX_SAVE_PARAM, BMC_PARAM_SOL);
	return CC_OK;
}
