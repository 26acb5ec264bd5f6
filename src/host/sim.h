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

/* Advance the model by dt_ms. */
void sim_step(struct sim_host *s, uint64_t dt_ms);

/*
 * What a model reads now: *value (threshold models) or *state (discrete).
 * Returns false when there is no reading (host-powered and the host is off).
 */
bool sim_read(struct sim_host *s, const struct bmc_sensor_model *m, double *value, uint16_t *state);

#endif
