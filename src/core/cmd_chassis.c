/*
 * Chassis netFn (00h): capabilities, status, control, identify, restore
 * policy, restart cause, power cycle interval, POH counter.  Boot options
 * are in cmd_boot.c.  Control replies first; the edge acts on FX_POWER after
 * the reply, and Get Chassis Status shows the host's answer, not the wish.
 */
#include "core/bmc_int.h"

#define IDENTIFY_DEFAULT_S 15
#define CC_NOT_NOW CC_NOT_SUPPORTED_NOW

uint8_t
cmd_get_chassis_capabilities(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	(void)ctx;
	(void)rq;
	wbuf_put_u8(rs, 0x05); /* diagnostic interrupt, intrusion sensor */
	wbuf_put_u8(rs, BMC_OWNER_ID); /* FRU info device */
	wbuf_put_u8(rs, BMC_OWNER_ID); /* SDR device */
	wbuf_put_u8(rs, BMC_OWNER_ID); /* SEL device */
	wbuf_put_u8(rs, BMC_OWNER_ID); /* system management device */
	return CC_OK;
}

/* Is a sensor of this type past a critical threshold, or asserting state bit? */
static bool
any_sensor(const struct bmc *bmc, uint8_t type, uint8_t thr_bits, uint16_t state_bits)
{
	size_t i;

	for (i = 0; i < bmc->nsensors; i++) {
		const struct sensor *s = &bmc->sensors[i];
		if (s->sensor_type != type || !s->available)
			continue;
		if (s->threshold ? (sensor_thr_status(s) & thr_bits) != 0 : (s->state & state_bits) != 0)
			return true;
	}
	return false;
}

uint8_t
cmd_get_chassis_status(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	const struct chassis *c = &ctx->bmc->chassis;
	uint8_t misc = 0x40; /* identify command and state supported */

	(void)rq;
	wbuf_put_u8(rs,
	    (uint8_t)((c->saved.restore_policy & 3) << 5 | (c->power_fault ? 0x10 : 0) |
	        (c->power_on ? 1 : 0)));
	wbuf_put_u8(rs, c->last_event);
	misc |= (uint8_t)((c->identify & 3) << 4);
	if (any_sensor(ctx->bmc, STYPE_FAN, (1u << THR_LCR) | (1u << THR_LNR), 0))
		misc |= 0x08; /* cooling/fan fault */
	if (any_sensor(ctx->bmc, STYPE_PHYSICAL_SECURITY, 0, 0x0001))
		misc |= 0x01; /* chassis intrusion active */
	wbuf_put_u8(rs, misc);
	return CC_OK;
}

uint8_t
cmd_chassis_control(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	static const uint8_t action[] = {POWER_ACTION_OFF, POWER_ACTION_ON, POWER_ACTION_CYCLE,
	    POWER_ACTION_RESET, POWER_ACTION_DIAG, POWER_ACTION_SOFT};
	uint8_t ctl = buf_get_u8(rq), a;
	bool on = ctx->bmc->chassis.power_on;

	(void)rs;
	if ((ctl & 0xf0) != 0 || (ctl & 0x0f) >= sizeof(action))
		return CC_INVALID_FIELD;
	a = action[ctl & 0x0f];
	/* Reset, interrupt and soft-off need a running host; a cycle of a host that is off powers it up. */
	if (!on && (a == POWER_ACTION_RESET || a == POWER_ACTION_DIAG || a == POWER_ACTION_SOFT))
		return CC_NOT_NOW;
	if (!on && a == POWER_ACTION_CYCLE)
		a = POWER_ACTION_ON;
	if ((on && a == POWER_ACTION_ON) || (!on && a == POWER_ACTION_OFF))
		return CC_OK; /* already there */
	chassis_request(ctx->bmc, a, RESTART_CHASSIS_CONTROL, ctx->out);
	return CC_OK;
}

uint8_t
cmd_chassis_identify(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct chassis *c = &ctx->bmc->chassis;
	uint8_t interval = IDENTIFY_DEFAULT_S, force = 0;

	(void)rs;
	if (rq->left > 0)
		interval = buf_get_u8(rq);
	if (rq->left > 0) {
		force = buf_get_u8(rq);
		if (force & 0xfe)
			return CC_INVALID_FIELD;
	}
	if (force & 1) {
		c->identify = 2;
	} else if (interval == 0) {
		c->identify = 0;
	} else {
		c->identify = 1;
		c->identify_until_ms = ctx->now->mono_ms + (uint64_t)interval * 1000;
	}
	return CC_OK;
}

uint8_t
cmd_set_power_restore_policy(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint8_t p = buf_get_u8(rq) & 0x07;

	if (p > 3)
		return CC_INVALID_FIELD;
	if (p != 3 && p != ctx->bmc->chassis.saved.restore_policy) {
		ctx->bmc->chassis.saved.restore_policy = p;
		ctx_persist(ctx, FX_SAVE_PARAM, BMC_PARAM_CHASSIS);
	}
	wbuf_put_u8(rs, 0x07); /* always off, previous, always on */
	return CC_OK;
}

uint8_t
cmd_get_system_restart_cause(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	(void)rq;
	wbuf_put_u8(rs, ctx->bmc->chassis.restart_cause & 0x0f);
	wbuf_put_u8(rs, CHANNEL_LAN);
	return CC_OK;
}

uint8_t
cmd_set_power_cycle_interval(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	(void)rs;
	ctx->bmc->chassis.saved.cycle_interval_s = buf_get_u8(rq);
	ctx_persist(ctx, FX_SAVE_PARAM, BMC_PARAM_CHASSIS);
	return CC_OK;
}

uint8_t
cmd_get_poh_counter(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	(void)rq;
	wbuf_put_u8(rs, 1); /* minutes per count */
	wbuf_put_u32le(rs, ctx->bmc->chassis.saved.poh_minutes);
	return CC_OK;
}
