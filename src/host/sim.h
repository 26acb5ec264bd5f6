/*
 * The simulated server: a small physical model of a 1U machine, stepped by
 * the event loop.  CPU temperatures follow load and airflow, fans follow a
 * fan curve, power follows load, rails carry noise; with the host off the
 * host-powered parts read nothing and temperatures settle to ambient.  Pure:
 * no I/O, no clock of its own, seeded noise, so tests can drive it.
 */
#ifndef GHOSTBMC_SIM_H
#define GHOSTBMC_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/sensor.h"

#define SIM_MAX_CPUS 8
#define SIM_MAX_FANS 16
#define SIM_MAX_PSUS 4

struct sim_params {
	bool power_on; /* at start */
	unsigned load_pct; /* 0..100 */
	double ambient_c; /* inlet air */
	unsigned ncpus, nfans, npsus; /* parts present (1-based indexes up to these) */
	uint64_t seed;
	size_t console_queue; /* bytes of console output held until read; 0: SIM_CONSOLE_QUEUE */
};

void sim_params_defaults(struct sim_params *p);

struct sim_host;

struct sim_host *sim_new(const struct sim_params *p);
void sim_free(struct sim_host *s);

void sim_set_power(struct sim_host *s, bool on);
bool sim_power(const struct sim_host *s);
/* 0..100; -1 when out of range. */
int sim_set_load(struct sim_host *s, unsigned pct);
unsigned sim_load(const struct sim_host *s);

/* Faults, by part (1-based index); -1 when there is no such part. */
int sim_fan_fail(struct sim_host *s, unsigned fan, bool failed);
int sim_psu_fail(struct sim_host *s, unsigned psu, bool failed);
void sim_intrusion(struct sim_host *s, bool open);
/* Clear every fault. */
void sim_clear_faults(struct sim_host *s);

/* ---- the machine's life: power, firmware, OS ---- */

enum sim_phase { SIM_OFF, SIM_POST, SIM_BOOTING, SIM_RUNNING, SIM_SHUTTING_DOWN, SIM_HUNG, SIM_CYCLE_WAIT };

/* Events since the last sim_take_events(), for the edge to report to the core. */
#define SIM_EV_POWER_ON 0x01 /* power came on (a cycle's second half too) */
#define SIM_EV_POWER_OFF 0x02
#define SIM_EV_RESET 0x04 /* a running host restarted without losing power */
#define SIM_EV_BOOTED 0x08 /* the firmware took the boot device hint */

#define SIM_POST_MS 2000
#define SIM_BOOT_MS 3000
#define SIM_SHUTDOWN_MS 3000
#define SIM_CYCLE_MS 2000 /* off time of a power cycle when none is configured */

/*
 * Do a power action (enum bmc_power_action) now; cycle_s is the off time of
 * a cycle (0 = the default).  -1 when the action makes no sense in this
 * state (the core already checks).
 */
int sim_power_action(struct sim_host *s, unsigned action, unsigned cycle_s);
/* The boot device the firmware will use next (BOOTDEV_*, EFI or not); 0 = the disk as usual. */
void sim_set_boot_hint(struct sim_host *s, uint8_t device, bool efi);
unsigned sim_take_events(struct sim_host *s);
enum sim_phase sim_phase(const struct sim_host *s);
const char *sim_phase_name(enum sim_phase p);
/* The OS runs and its watchdog daemon kicks the BMC's timer. */
bool sim_os_alive(const struct sim_host *s);
/* Stop the OS dead (watchdog daemon included) until the next reset or power-off. */
int sim_hang(struct sim_host *s);

/*
 * The serial console.  What the machine prints waits in a queue (bounded:
 * the oldest bytes go first when nobody takes them) until the edge takes it
 * for its console log and the SOL client; typed characters go to
 * sim_console_input(): a login prompt, then a small shell (help lists its
 * commands: uptime, uname, seq, reboot, poweroff, panic, ...).
 */
#define SIM_CONSOLE_QUEUE (512 * 1024)
size_t sim_console_take(struct sim_host *s, uint8_t *out, size_t max);
size_t sim_console_pending(const struct sim_host *s);
void sim_console_input(struct sim_host *s, const uint8_t *in, size_t n);

/* Advance the model by dt_ms. */
void sim_step(struct sim_host *s, uint64_t dt_ms);

/*
 * What a model reads now: *value (threshold models) or *state (discrete).
 * Returns false when there is no reading (host-powered and the host is off).
 */
bool sim_read(struct sim_host *s, const struct bmc_sensor_model *m, double *value, uint16_t *state);

#endif
