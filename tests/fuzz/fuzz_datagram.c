/*
 * Fuzz target (a): any datagram from the network before a session exists,
 * and the session-setup exchange.  One instance lives across inputs, as in
 * the daemon, with a clock that moves so timeouts run too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bmc.h"

#include "fuzz_rand.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bmc *bmc;
	static struct bmc_time now = {1000, 1700000000};
	static struct bmc_out out;
	struct bmc_addr src = {4, {127, 0, 0, 1}, 40000};

	if (bmc == NULL) {
		struct bmc_env env = {fuzz_rand, NULL, NULL};
		struct bmc_conf conf;
		bmc_conf_defaults(&conf);
		conf.suites_enabled = BMC_SUITE_SUPPORTED_MASK;
		bmc = bmc_new(&env, &conf);
		if (bmc == NULL)
			abort();
		if (bmc_user_add(bmc, "admin", (const uint8_t *)"Fuzz-Pass-123", 13, 4) < 0)
			abort();
	}
	/* The first byte picks the source port, so several "clients" interleave. */
	if (size > 0)
		src.port = (uint16_t)(40000 + (data[0] & 3));
	bmc_handle_datagram(bmc, &now, &src, data, size, &out);
	if (out.reply_len > BMC_DGRAM_MAX || out.nfx > BMC_FX_MAX)
		abort();
	now.mono_ms += 100;
	bmc_tick(bmc, &now, &out);
	return 0;
}
