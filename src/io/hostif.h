/*
 * Host backends: what carries out a power action on the governed host and
 * tells the core what the host really did.  The simulated server (host.c)
 * and configured commands (host_exec.c) implement it.  Whatever the
 * backend, the simulation stays the sensor model: its power follows the
 * host's, so a real host's sensors read like the sim's.
 */
#ifndef GHOSTBMC_HOSTIF_H
#define GHOSTBMC_HOSTIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct instance;
struct bmc_boot_hint;

struct host_backend {
	const char *name;
	/* Start (after the sim exists); learn the host's power (host_report_power). 0, or -1 with err. */
	int (*start)(struct instance *inst, char *err, size_t errlen);
	/*
	 * Carry out enum bmc_power_action (core/chassis.h), now or later; the
	 * result comes back through host_report_*().  hint is the boot the host
	 * should do (for on, cycle, reset); cycle_s the off time of a cycle.
	 */
	void (*power)(
	    struct instance *inst, unsigned action, const struct bmc_boot_hint *hint, unsigned cycle_s);
	/* Stop timers and children; handles close on the next loop turn. */
	void (*close)(struct instance *inst);
	/* Characters for the host's console (SOL input); NULL when the backend has no console input. */
	void (*console_write)(struct instance *inst, const uint8_t *bytes, size_t n);
};

extern const struct host_backend host_backend_sim;
extern const struct host_backend host_backend_exec;

/* Reports from a backend to the core, committed at once. */
void host_report_power(
    struct instance *inst, bool on, uint8_t cause); /* cause: RESTART_*, 0 = as requested */
void host_report_reset(struct instance *inst, uint8_t cause); /* a running host restarted */
void host_report_booted(struct instance *inst); /* the firmware took the boot hint */
void host_report_fault(struct instance *inst, const char *what); /* a power action failed */

/* "on", "off", "cycle", "reset", "soft", "nmi": for logs and the commands' environment. */
const char *host_action_word(unsigned action);

/* Carry out an FX_POWER effect: the boot hint and cycle interval from the core, then the backend. */
void host_power(struct instance *inst, unsigned action);

#endif
