/*
 * The host one instance governs, as the event loop sees it.  Today that is
 * the simulated server (src/host/sim.c): a timer steps its model once a
 * second and feeds every sensor's reading to the core.
 */
#ifndef GHOSTBMC_HOST_H
#define GHOSTBMC_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host/sim.h"

struct instance;

#define HOST_SAMPLE_MS 1000

/*
 * Create the simulation (part counts taken from the sensors' models), take a
 * first sample and start the timer.  -1 with a message on failure.
 */
int host_start(struct instance *inst, const struct sim_params *p, char *err, size_t errlen);
void host_close(struct instance *inst);
/*
 * Give the instance its sensors: the operator's last `sdr import` (kept in
 * the state directory) unless forget_import, else the config's sdr_import
 * file, else the config's sensor list.  -1 with a message on failure.
 */
int host_configure_sensors(struct instance *inst, bool forget_import, char *err, size_t errlen);
/*
 * Install the config's FRU devices, then the images stored since (client
 * writes, imports).  Call before host_configure_sensors(): the SDR gets a
 * locator per device.  -1 with a message on failure.
 */
int host_configure_frus(struct instance *inst, char *err, size_t errlen);
/* Read a whole file of at most max bytes; *out is malloc'd.  -1 with a message. */
int host_read_file(const char *path, size_t max, uint8_t **out, size_t *len, char *err, size_t errlen);
/* Read an `ipmitool sdr dump` file (at most BMC_SDR_BYTES); *out is malloc'd. */
int host_read_sdr_file(const char *path, uint8_t **out, size_t *len, char *err, size_t errlen);
/* Step the model to now and feed every sensor: after a change from the CLI. */
void host_sample(struct instance *inst);

#endif
