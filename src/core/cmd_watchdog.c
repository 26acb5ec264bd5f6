/*
 * App netFn (06h): the BMC watchdog timer's commands (IPMI 2.0 27.5-27.7).
 * The countdown itself runs in watchdog.c.
 */
#include "core/bmc_int.h"

#define CC_WD_UNINITIALIZED 0x80 /* Reset Watchdog Timer: attempt to start un-initialized watchdog */

#define USE_DONT_LOG 0x80
#define USE_DONT_STOP 0x40 /* Set: keep a running timer running */
#define USE_RUNNING 0x40 /* Get: the timer is started */
#define USE_MASK 0x07
#define EXPIRED_MASK 0x3e /* uses 1..5; bits 0, 6 and 7 are reserved */

uint8_t
cmd_reset_watchdog_timer(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	(void)rq;
	(void)rs;
	if (bmc_watchdog_kick(ctx->bmc, ctx->now) < 0)
		return CC_WD_UNINITIALIZED;
	return CC_OK;
}

uint8_t
cmd_set_watchdog_timer(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct watchdog *wd = &ctx->bmc->wd;
	uint8_t use = buf_get_u8(rq);
	uint8_t action = buf_get_u8(rq);
	uint8_t pretimeout = buf_get_u8(rq);
	uint8_t clear = buf_get_u8(rq);
	uint16_t initial = buf_get_u16le(rq);
	uint8_t timer_use = use & USE_MASK;
	uint8_t intr = (action >> 4) & 0x07;

	(void)rs;
	if (timer_use == 0 || timer_use > 5)
		return CC_INVALID_FIELD;
	if (intr > 3 || (action & 0x07) > 3)
		return CC_INVALID_FIELD;
	if ((uint32_t)pretimeout * 10u > initial)
		return CC_INVALID_FIELD;

	wd->use = use & (USE_DONT_LOG | USE_DONT_STOP | USE_MASK);
	wd->action = action & 0x77;
	wd->pretimeout_s = pretimeout;
	wd->initial = initial;
	wd->expired &= (uint8_t) ~(clear & EXPIRED_MASK);
	wd->set_once = true;
	if (wd->running && (use & USE_DONT_STOP)) {
		/* The new countdown takes effect at once and keeps counting. */
		(void)bmc_watchdog_kick(ctx->bmc, ctx->now);
	} else {
		wd->running = false;
		wd->pretimeout_fired = false;
	}
	return CC_OK;
}

/* What is left of the countdown, in 100 ms units rounded up; the initial value while stopped. */
static uint16_t
present_countdown(const struct watchdog *wd, uint64_t now_ms)
{
	uint64_t left;

	if (!wd->running)
		return wd->initial;
	if (now_ms >= wd->deadline_ms)
		return 0;
	left = (wd->deadline_ms - now_ms + 99u) / 100u;
	return left > wd->initial ? wd->initial : (uint16_t)left;
}

uint8_t
cmd_get_watchdog_timer(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	const struct watchdog *wd = &ctx->bmc->wd;

	(void)rq;
	wbuf_put_u8(rs, (uint8_t)((wd->use & (USE_DONT_LOG | USE_MASK)) | (wd->running ? USE_RUNNING : 0)));
	wbuf_put_u8(rs, wd->action);
	wbuf_put_u8(rs, wd->pretimeout_s);
	wbuf_put_u8(rs, wd->expired);
	wbuf_put_u16le(rs, wd->initial);
	wbuf_put_u16le(rs, present_countdown(wd, ctx->now->mono_ms));
	return CC_OK;
}
