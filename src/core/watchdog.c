/*
 * The BMC watchdog timer (IPMI 2.0 section 27): a countdown the host keeps
 * restarting; when it runs out the BMC notes the expiration, logs a Watchdog 2
 * event and does the timeout action to the host.  All timing is in
 * now->mono_ms; the IPMI layouts are in cmd_watchdog.c.
 */
#include <string.h>

#include "core/bmc_int.h"

#define WD_DONT_LOG 0x80
#define WD_USE_MASK 0x07
#define WD_ACTION_MASK 0x07
#define WD_INTR_SHIFT 4
#define WD_INTR_MASK 0x07

enum { WD_ACT_NONE = 0, WD_ACT_RESET = 1, WD_ACT_OFF = 2, WD_ACT_CYCLE = 3 };

static const char *const use_name[8] = {
    "reserved", "BIOS FRB2", "BIOS/POST", "OS load", "SMS/OS", "OEM", "reserved", "reserved"};
static const char *const action_name[4] = {"no action", "hard reset", "power down", "power cycle"};

void
watchdog_init(struct bmc *bmc)
{
	memset(&bmc->wd, 0, sizeof(bmc->wd));
}

/* (Re)start the countdown from the initial value. */
static void
wd_start(struct watchdog *wd, uint64_t now_ms)
{
	uint64_t span = (uint64_t)wd->initial * 100u;
	uint64_t pre = (uint64_t)wd->pretimeout_s * 1000u;

	wd->running = true;
	wd->pretimeout_fired = false;
	wd->deadline_ms = now_ms + span;
	wd->pretimeout_ms = pre < span ? wd->deadline_ms - pre : now_ms;
}

int
bmc_watchdog_kick(struct bmc *bmc, const struct bmc_time *now)
{
	if (!bmc->wd.set_once)
		return -1;
	wd_start(&bmc->wd, now->mono_ms);
	return 0;
}

void
watchdog_host_reset(struct bmc *bmc, const struct bmc_time *now)
{
	struct watchdog *wd = &bmc->wd;

	(void)now;
	/*
	 * The host restarted (a reset, or a power-on).  A running timer keeps
	 * counting: the BIOS FRB2 and POST timers are meant to span a reset.  A
	 * power-down stops it (bmc_host_power_changed clears wd.running).
	 */
	if (wd->running)
		bmc_logf(bmc, BMC_LOG_DEBUG, "watchdog (%s) keeps running across the host restart",
		    use_name[wd->use & WD_USE_MASK]);
}

static struct sensor *
wd_sensor(struct bmc *bmc)
{
	size_t i;

	for (i = 0; i < bmc->nsensors; i++)
		if (bmc->sensors[i].sensor_type == STYPE_WATCHDOG2)
			return &bmc->sensors[i];
	return NULL;
}

static void
wd_expire(struct bmc *bmc, const struct bmc_time *now, struct bmc_out *out)
{
	struct watchdog *wd = &bmc->wd;
	uint8_t use = wd->use & WD_USE_MASK;
	uint8_t act = wd->action & WD_ACTION_MASK;
	uint8_t intr = (wd->action >> WD_INTR_SHIFT) & WD_INTR_MASK;
	struct sensor *s;

	wd->running = false;
	wd->expired |= (uint8_t)(1u << use);
	if (act > WD_ACT_CYCLE)
		act = WD_ACT_NONE; /* Set refuses these; never act on one */
	bmc_logf(bmc, BMC_LOG_WARN, "watchdog (%s) expired: %s", use_name[use], action_name[act]);
	if (!(wd->use & WD_DONT_LOG) && (s = wd_sensor(bmc)) != NULL)
		/* Table 42-3: offset = the action; data 2 = [7:4] interrupt type, [3:0] timer use. */
		sensor_raise_event(bmc, now, s, false, act, (uint8_t)(intr << 4 | use), 0xff, out);
	switch (act) {
	case WD_ACT_RESET:
		chassis_request(bmc, POWER_ACTION_RESET, RESTART_WATCHDOG, out);
		break;
	case WD_ACT_OFF:
		chassis_request(bmc, POWER_ACTION_OFF, RESTART_WATCHDOG, out);
		break;
	case WD_ACT_CYCLE:
		chassis_request(bmc, POWER_ACTION_CYCLE, RESTART_WATCHDOG, out);
		break;
	default:
		break;
	}
}

void
watchdog_tick(struct bmc *bmc, const struct bmc_time *now, struct bmc_out *out)
{
	struct watchdog *wd = &bmc->wd;

	if (!wd->running)
		return;
	if (!wd->pretimeout_fired && wd->pretimeout_s > 0 && now->mono_ms >= wd->pretimeout_ms) {
		uint8_t intr = (wd->action >> WD_INTR_SHIFT) & WD_INTR_MASK;

		wd->pretimeout_fired = true;
		/* No interrupt reaches the host yet: the pre-timeout is only noted. */
		if (intr != 0)
			bmc_logf(bmc, BMC_LOG_INFO,
			    "watchdog (%s) pre-timeout: %u s left (interrupt %u not delivered)",
			    use_name[wd->use & WD_USE_MASK], (unsigned)wd->pretimeout_s, (unsigned)intr);
	}
	if (now->mono_ms >= wd->deadline_ms)
		wd_expire(bmc, now, out);
}
