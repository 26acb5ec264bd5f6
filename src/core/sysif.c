/*
 * The system interface (channel 0Fh) through the ordinary command table.
 * It has no session and no authentication: the spec treats it as trusted,
 * so requests run at Administrator privilege.  Commands that exist only to
 * set up or steer a LAN session are answered here, before dispatch():
 *
 *   Get Session Challenge, Activate Session  C1h: pre-session LAN commands,
 *     not commands of a system interface (as an OpenBMC host interface
 *     answers them);
 *   Set Session Privilege Level, Close Session, Activate Payload  D5h:
 *     valid commands that need a session this channel cannot have.
 *
 * Everything else (Get Session Info with no session, Deactivate Payload by
 * an administrator, Get Channel Info with channel 0Eh) is the handlers'
 * business: they see ctx.channel == CHANNEL_SYSTEM and ctx.sess == NULL.
 */
#include "core/sysif.h"
#include "core/bmc_int.h"

static bool
session_only(uint8_t netfn, uint8_t cmd, uint8_t *cc)
{
	if (netfn != NETFN_APP)
		return false;
	switch (cmd) {
	case 0x39: /* Get Session Challenge */
	case 0x3a: /* Activate Session */
		*cc = CC_INVALID_CMD;
		return true;
	case 0x3b: /* Set Session Privilege Level */
	case 0x3c: /* Close Session */
	case 0x48: /* Activate Payload */
		*cc = CC_NOT_SUPPORTED_NOW;
		return true;
	default:
		return false;
	}
}

int
bmc_handle_sysif(struct bmc *bmc, const struct bmc_time *now, uint8_t netfn, uint8_t lun, uint8_t cmd,
    const uint8_t *data, size_t len, uint8_t *rsp, size_t rspmax, size_t *rsplen, struct bmc_out *out)
{
	struct wbuf w = WBUF_INIT(rsp, rspmax);
	struct cmd_ctx ctx;
	uint8_t cc;

	if (rsplen != NULL)
		*rsplen = 0;
	if (bmc == NULL || now == NULL || rsp == NULL || rspmax < 1 || rsplen == NULL || out == NULL ||
	    netfn > 0x3f || lun > 3 || (len > 0 && data == NULL))
		return BMC_ERR_INVALID;
	if (netfn & 1)
		cc = CC_INVALID_CMD; /* a response is no request */
	else if (lun != 0)
		cc = CC_INVALID_LUN; /* only LUN 0 has commands */
	else if (!session_only(netfn, cmd, &cc)) {
		cmd_ctx_init(&ctx, bmc, now, NULL, out);
		ctx.channel = CHANNEL_SYSTEM;
		ctx.priv = PRIV_ADMIN;
		ctx.netfn = netfn;
		ctx.cmd = cmd;
		dispatch(&ctx, data, len, &w);
		if (w.err || w.len == 0) {
			/* Not even a completion code fitted: rspmax >= 1 makes this unreachable. */
			rsp[0] = CC_UNSPECIFIED;
			*rsplen = 1;
			return BMC_OK;
		}
		*rsplen = w.len;
		return ctx.durable ? BMC_SYSIF_DURABLE : BMC_OK;
	}
	rsp[0] = cc;
	*rsplen = 1;
	return BMC_OK;
}
