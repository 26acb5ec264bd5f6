/*
 * Fuzz target (b): any request inside an established, authenticated and
 * encrypted session.  The test console logs in with fixed keys once; each
 * input is then sealed as a real client would, so the fuzzer reaches every
 * command handler instead of failing the AuthCode.
 *
 * Input: byte 0 = netFn (bits 1-5) and the session's privilege (bits 6-7:
 * administrator, operator, user, administrator), byte 1 = cmd, the rest =
 * request data.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "core/fru.h"
#include "core/sensor.h"

#include "fuzz_rand.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The built-in server and its FRU, so that SDR, sensor, SEL and FRU commands have something to work on. */
static int
add_sensors(struct bmc *bmc, const struct bmc_time *now)
{
	struct bmc_sensor_conf sc[64];
	struct bmc_fru_conf fc;
	uint8_t img[BMC_FRU_MAX_SIZE];
	struct bmc_out out;
	char err[128];
	size_t i, n = bmc_sensor_defaults(sc, 64);
	int len;

	bmc_fru_defaults(&fc, bmc_get_conf(bmc)->system_guid);
	if ((len = bmc_fru_build(&fc, img, sizeof(img), err, sizeof(err))) < 0 ||
	    bmc_fru_set(bmc, 0, fc.name, img, (size_t)len, false) != 0)
		return -1;
	if (bmc_sensors_set(bmc, now, sc, n, err, sizeof(err)) != 0)
		return -1;
	for (i = 0; i < bmc_sensor_count(bmc); i++) {
		bmc_out_reset(&out);
		bmc_sensor_feed(bmc, now, i, sc[i].model.nominal, 0, true, &out);
	}
	return 0;
}

/* A fresh instance with the admin account and the built-in sensors and FRU. */
static struct bmc *
fresh_instance(const struct bmc_time *now)
{
	struct bmc_env env = {fuzz_rand, NULL, NULL};
	struct bmc_conf conf;
	struct bmc *bmc;

	bmc_conf_defaults(&conf);
	bmc = bmc_new(&env, &conf);
	if (bmc == NULL || bmc_user_add(bmc, "admin", (const uint8_t *)"Fuzz-Pass-123", 13, 4) < 0 ||
	    add_sensors(bmc, now) != 0)
		abort();
	return bmc;
}

/* Log in again, or set the operating privilege; false when the instance no longer lets us. */
static bool
ready(struct bmc *bmc, struct bmc_time *now, struct client *c, uint8_t priv)
{
	const struct session *s = session_find(bmc, c->bmc_sid);
	uint8_t rsp[BMC_MSG_MAX];
	size_t n;

	if (s == NULL || s->state != SESS_ACTIVE || c->bmc == NULL) {
		bmc_reset_sessions(bmc);
		client_init(c, bmc, now, 40000);
		if (client_login(c, 17, "admin", "Fuzz-Pass-123", 4) != 0)
			return false;
		s = session_find(bmc, c->bmc_sid);
		if (s == NULL)
			return false;
	}
	return s->priv == priv || client_cmd(c, 0x06, 0x3b, &priv, 1, rsp, &n) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t privs[4] = {PRIV_ADMIN, PRIV_OPERATOR, PRIV_USER, PRIV_ADMIN};
	static struct bmc *bmc;
	static struct bmc_time now = {1000, 1700000000};
	static struct client c;
	uint8_t rsp[BMC_MSG_MAX];
	size_t n;

	if (size < 2 || size - 2 > 255)
		return 0;
	/*
	 * The session runs at the privilege the top bits of byte 0 ask for
	 * (00 = administrator).  Inputs may close or reset the session, lower
	 * its privilege or lock the console out for good (delete the user,
	 * change the password or K_G, disable the suite or the channel): log in
	 * or set the privilege again, and when that fails start from a fresh
	 * instance, so that every input reaches the handlers.
	 */
	if (bmc == NULL || !ready(bmc, &now, &c, privs[data[0] >> 6])) {
		bmc_free(bmc);
		bmc = fresh_instance(&now);
		memset(&c, 0, sizeof(c));
		if (!ready(bmc, &now, &c, privs[data[0] >> 6]))
			abort(); /* a fresh instance must always let the admin in */
	}
	(void)client_cmd(&c, data[0] & 0x3e, data[1], data + 2, size - 2, rsp, &n);
	/* Move one sensor, so thresholds set by the input get crossed and logged. */
	bmc_out_reset(&c.out);
	bmc_sensor_feed(
	    bmc, &now, data[1] % 32, (double)(int8_t)data[0] * 40.0, data[0], (data[1] & 1) != 0, &c.out);
	/* A Cold/Warm Reset effect: do what the edge does. */
	for (n = 0; n < c.out.nfx; n++)
		if (c.out.fx[n].kind == FX_RESET_BMC)
			bmc_reset_sessions(bmc);
	now.mono_ms += 10;
	return 0;
}
