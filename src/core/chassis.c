/*
 * The chassis model: power as the host reports it, why it last started,
 * the restore policy, identify, the power-on-hours counter.  Requests go out
 * as FX_POWER effects; only the host's reports (bmc_host_power_changed)
 * change what Get Chassis Status says.
 */
#include "core/bmc_int.h"

#define MS_PER_MINUTE 60000u

static const char *const action_name[] = {
    "power down", "power up", "power cycle", "hard reset", "soft shutdown", "diagnostic interrupt"};

void
chassis_init(struct bmc *bmc)
{
	struct chassis *c = &bmc->chassis;

	memset(c, 0, sizeof(*c));
	/* A simulated host comes back as it was; a BMC's usual "always off" would surprise at first start. */
	c->saved.restore_policy = RESTORE_PREVIOUS;
	c->saved.last_power_on = bmc->conf.initial_power_on;
}

void
chassis_request(struct bmc *bmc, uint8_t action, uint8_t cause, struct bmc_out *out)
{
	bmc->chassis.pending_cause = cause;
	bmc->chassis.pending_action = action;
	bmc_fx(out, FX_POWER, action);
	bmc_logf(bmc, BMC_LOG_INFO, "%s requested", action < 6 ? action_name[action] : "power action");
}

/* Count powered-on time into whole minutes; persisted as each minute completes. */
static void
poh_advance(struct bmc *bmc, const struct bmc_time *now, struct bmc_out *out)
{
	struct chassis *c = &bmc->chassis;

	if (c->power_on && now->mono_ms > c->poh_last_ms) {
		c->poh_ms += now->mono_ms - c->poh_last_ms;
		if (c->poh_ms >= MS_PER_MINUTE) {
			c->saved.poh_minutes += (uint32_t)(c->poh_ms / MS_PER_MINUTE);
			c->poh_ms %= MS_PER_MINUTE;
			bmc_fx(out, FX_SAVE_PARAM, BMC_PARAM_CHASSIS);
		}
	}
	c->poh_last_ms = now->mono_ms;
}

void
chassis_tick(struct bmc *bmc, const struct bmc_time *now, struct bmc_out *out)
{
	struct chassis *c = &bmc->chassis;

	if (c->identify == 1 && now->mono_ms >= c->identify_until_ms)
		c->identify = 0;
	poh_advance(bmc, now, out);
	watchdog_tick(bmc, now, out);
}

static struct sensor *
sensor_of_type(struct bmc *bmc, uint8_t type)
{
	size_t i;

	for (i = 0; i < bmc->nsensors; i++)
		if (bmc->sensors[i].sensor_type == type)
			return &bmc->sensors[i];
	return NULL;
}

void
bmc_host_power_changed(
    struct bmc *bmc, const struct bmc_time *now, bool on, uint8_t cause, struct bmc_out *out)
{
	struct chassis *c = &bmc->chassis;
	bool was = c->power_on;

	poh_advance(bmc, now, out);
	if (on) {
		struct sensor *sb = sensor_of_type(bmc, STYPE_SYSTEM_BOOT);

		/* "System boot/restart initiated": by power up (offset 0) or by hard reset (1).  The
		 * first report after the BMC starts only tells it what was already so. */
		if (sb != NULL && c->known)
			sensor_raise_event(bmc, now, sb, false, was ? 0x01 : 0x00, 0xff, 0xff, out);
		/* A power-on, or a reset of a running host (on -> on): either is a restart. */
		c->restart_cause = cause != RESTART_UNKNOWN ? cause : c->pending_cause;
		c->last_event = c->restart_cause == RESTART_CHASSIS_CONTROL ? 0x10 : 0x00;
		watchdog_host_reset(bmc, now);
	} else {
		bmc->wd.running = false; /* nothing left to watch */
	}
	/* The off half of a power cycle keeps the cause for the power-on that follows. */
	if (on || c->pending_action != POWER_ACTION_CYCLE)
		c->pending_cause = RESTART_UNKNOWN;
	c->known = true;
	c->power_on = on;
	c->power_fault = false;
	if (was != on || c->saved.last_power_on != on) {
		c->saved.last_power_on = on;
		bmc_fx(out, FX_SAVE_PARAM, BMC_PARAM_CHASSIS);
	}
	if (was != on)
		bmc_logf(bmc, BMC_LOG_INFO, "host power %s", on ? "on" : "off");
}

void
bmc_host_power_fault(struct bmc *bmc, const struct bmc_time *now, struct bmc_out *out)
{
	struct sensor *pu = sensor_of_type(bmc, STYPE_POWER_UNIT);

	bmc->chassis.power_fault = true;
	bmc->chassis.pending_cause = RESTART_UNKNOWN;
	bmc_logf(bmc, BMC_LOG_WARN, "power control fault");
	/* Power unit offset 6: "power unit failure detected". */
	if (pu != NULL)
		sensor_raise_event(bmc, now, pu, false, 0x06, 0xff, 0xff, out);
}

int
bmc_restore_action(const struct bmc *bmc, uint8_t *cause)
{
	const struct chassis *c = &bmc->chassis;

	if (c->saved.restore_policy == RESTORE_ALWAYS_ON) {
		*cause = RESTART_RESTORE_ALWAYS_ON;
		return POWER_ACTION_ON;
	}
	if (c->saved.restore_policy == RESTORE_PREVIOUS && c->saved.last_power_on) {
		*cause = RESTART_RESTORE_PREVIOUS;
		return POWER_ACTION_ON;
	}
	return -1;
}

void
bmc_chassis_info(const struct bmc *bmc, const struct bmc_time *now, struct bmc_chassis_info *info)
{
	const struct chassis *c = &bmc->chassis;
	const struct watchdog *w = &bmc->wd;

	memset(info, 0, sizeof(*info));
	info->power_on = c->power_on;
	info->power_fault = c->power_fault;
	info->restore_policy = c->saved.restore_policy;
	info->restart_cause = c->restart_cause;
	info->identify_on = c->identify != 0;
	info->cycle_interval_s = c->saved.cycle_interval_s;
	info->poh_minutes = c->saved.poh_minutes;
	info->watchdog_running = w->running;
	info->watchdog_use = w->use & 0x07;
	info->watchdog_action = w->action & 0x07;
	info->watchdog_initial = w->initial;
	info->watchdog_expired = w->expired;
	if (w->running && w->deadline_ms > now->mono_ms)
		info->watchdog_left = (uint16_t)((w->deadline_ms - now->mono_ms + 99) / 100);
	else if (!w->running)
		info->watchdog_left = w->initial;
}

void
bmc_chassis_request(struct bmc *bmc, uint8_t action, uint8_t cause, struct bmc_out *out)
{
	chassis_request(bmc, action, cause, out);
}
