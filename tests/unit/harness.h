/* A BMC instance for unit tests: fixed randomness, captured logs, direct command calls. */
#ifndef GHOSTBMC_TEST_HARNESS_H
#define GHOSTBMC_TEST_HARNESS_H

#include "core/bmc_int.h"

struct harness {
	struct bmc *bmc;
	struct bmc_time now;
	struct bmc_out out;
	char log[16384];
	size_t loglen;
	uint32_t rand_state; /* deterministic "random" stream */
};

/* A new instance with the default config (or conf); asserts on failure. */
struct harness *h_new(const struct bmc_conf *conf);
void h_free(struct harness *h);

/*
 * Run one command through dispatch() as a request at privilege priv on the
 * LAN channel, outside any session.  rsp gets completion code + data; returns
 * its length.  Effects land in h->out.
 */
size_t h_cmd(struct harness *h, uint8_t priv, uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len,
    uint8_t *rsp, size_t cap);

/* As h_cmd; *durable says whether the reply must wait for the commit of its effects (ctx->durable). */
size_t h_cmd_durable(struct harness *h, uint8_t priv, uint8_t netfn, uint8_t cmd, const uint8_t *data,
    size_t len, uint8_t *rsp, size_t cap, bool *durable);

/* Index of the first effect (kind, arg) in h->out, or -1. */
int h_fx_find(const struct harness *h, enum bmc_fx_kind kind, uint32_t arg);

/* Add a user (ID returned) with the given privilege; asserts on failure. */
uint8_t h_user(struct harness *h, const char *name, const char *password, uint8_t priv);

/* Load the built-in 1U server's sensors (bmc_sensor_defaults); returns how many; asserts on failure. */
size_t h_sensors_default(struct harness *h);

/* Index of a sensor by name or number (bmc_sensor_find); asserts that it exists. */
size_t h_sensor(struct harness *h, const char *name_or_number);

/* The i-th SEL entry (oldest first); asserts that it exists. */
void h_sel(struct harness *h, size_t i, uint8_t rec[BMC_SEL_ENTRY_LEN]);

#endif
