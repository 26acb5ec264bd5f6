/*
 * The datagram fuzz target's instance and input format, shared with the seed
 * generator (gen_corpus.c) so that recorded logins replay byte for byte.
 *
 * An input is either one datagram (it starts with the RMCP version byte 06h)
 * or a sequence:
 *
 *   setup, then records: hdr, length (2 bytes, little endian), datagram
 *
 * setup bit 4/5/6 enables IPMI 1.5 auth type none/MD5/password; bit 7 leaves
 * only the default cipher suites (3, 17) instead of every supported one.
 * hdr bits 0-1 pick the source port (several consoles interleave); bits 2-7
 * (k) move the clock k*k/4 s forward before the datagram arrives, so setup
 * and session timeouts, lockouts and the sequence window all run.  A length
 * past the end of the input takes what is left.
 *
 * Every input gets a fresh instance and the same "random" numbers, so a
 * sequence that logs in (open session, RAKP 1 and 3, or Get Session
 * Challenge and Activate Session) keeps working as a seed, and every crash
 * reproduces from its input alone.
 */
#ifndef GHOSTBMC_FUZZ_DATAGRAM_H
#define GHOSTBMC_FUZZ_DATAGRAM_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bmc.h"

#include "fuzz_rand.h"

#define DGRAM_PORT 40000
#define DGRAM_MAX_RECORDS 64
#define DGRAM_SETUP_V15_NONE 0x10
#define DGRAM_SETUP_V15_MD5 0x20
#define DGRAM_SETUP_V15_PASSWORD 0x40
#define DGRAM_SETUP_DEFAULT_SUITES 0x80

#define DGRAM_ADMIN "admin"
#define DGRAM_ADMIN_PW "Fuzz-Pass-123"
#define DGRAM_OPER "operator"
#define DGRAM_OPER_PW "Operator-Pass-20byte" /* 20 bytes: no IPMI 1.5 form */

static inline struct bmc *
dgram_instance(uint8_t setup, struct bmc_time *now)
{
	struct bmc_env env = {fuzz_rand, NULL, NULL};
	struct bmc_conf conf;
	struct bmc *bmc;

	fuzz_rand_reset();
	now->mono_ms = 1000;
	now->wall_s = 1700000000;
	bmc_conf_defaults(&conf);
	if (!(setup & DGRAM_SETUP_DEFAULT_SUITES))
		conf.suites_enabled = BMC_SUITE_SUPPORTED_MASK;
	conf.ipmi15_auth_types = (uint8_t)((setup & DGRAM_SETUP_V15_NONE ? 1u << 0 : 0) |
	    (setup & DGRAM_SETUP_V15_MD5 ? 1u << 2 : 0) | (setup & DGRAM_SETUP_V15_PASSWORD ? 1u << 4 : 0));
	bmc = bmc_new(&env, &conf);
	if (bmc == NULL ||
	    bmc_user_add(bmc, DGRAM_ADMIN, (const uint8_t *)DGRAM_ADMIN_PW, strlen(DGRAM_ADMIN_PW), 4) < 0 ||
	    bmc_user_add(bmc, DGRAM_OPER, (const uint8_t *)DGRAM_OPER_PW, strlen(DGRAM_OPER_PW), 3) < 0)
		abort();
	return bmc;
}

/*
 * One datagram from port DGRAM_PORT + (hdr & 3), after moving the clock; the
 * answer is left in out.  Then the timers run.
 */
static inline void
dgram_deliver(
    struct bmc *bmc, struct bmc_time *now, uint8_t hdr, const uint8_t *pkt, size_t len, struct bmc_out *out)
{
	static struct bmc_out tick;
	struct bmc_addr src = {4, {127, 0, 0, 1}, (uint16_t)(DGRAM_PORT + (hdr & 3))};
	uint64_t k = hdr >> 2;

	now->mono_ms += k * k * 250;
	now->wall_s = 1700000000 + (int64_t)(now->mono_ms / 1000);
	bmc_handle_datagram(bmc, now, &src, pkt, len, out);
	if (out->reply_len > BMC_DGRAM_MAX || out->reply_fail_len > BMC_DGRAM_MAX || out->nfx > BMC_FX_MAX)
		abort();
	bmc_tick(bmc, now, &tick);
	if (tick.reply_len > BMC_DGRAM_MAX || tick.nfx > BMC_FX_MAX)
		abort();
}

/* Run one input on a fresh instance, which the caller frees. */
static inline struct bmc *
dgram_run(const uint8_t *data, size_t size, struct bmc_time *now)
{
	static struct bmc_out out;
	struct bmc *bmc;
	unsigned records = 0;

	if (size > 0 && data[0] == 0x06) {
		/* One datagram, as in the first corpus. */
		bmc = dgram_instance(0, now);
		dgram_deliver(bmc, now, 0x06 & 3, data, size, &out);
		return bmc;
	}
	bmc = dgram_instance(size > 0 ? data[0] : 0, now);
	if (size > 0) {
		data++;
		size--;
	}
	while (size >= 3 && records++ < DGRAM_MAX_RECORDS) {
		uint8_t hdr = data[0];
		size_t len = (size_t)data[1] | (size_t)data[2] << 8;

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		dgram_deliver(bmc, now, hdr, data, len, &out);
		data += len;
		size -= len;
	}
	return bmc;
}

#endif
