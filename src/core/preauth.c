/*
 * What an unauthenticated source may cost us, and what we may send it.
 *
 * Anything before a session (ASF ping, Get Channel Authentication
 * Capabilities, Open Session, RAKP, IPMI 1.5 challenges) can come from a
 * forged address, so each source address gets two budgets:
 *
 *   packets: a token bucket (preauth_rate per second, preauth_burst deep);
 *            a flood is dropped here, before any work is done for it.
 *   bytes:   what it sent, plus an allowance that refills at
 *            PREAUTH_ALLOW_BPS up to PREAUTH_ALLOW_BYTES.  A reply larger
 *            than the credit is not sent, so over any stretch of time a
 *            forged source receives no more than it sent plus that small
 *            allowance (the spec's replies are a few bytes larger than the
 *            requests: ping 12 -> 28, Open Session 48 -> 52).
 *
 * The table is small and allocated on first use, so an idle instance in a
 * fleet pays nothing; when it is full the source seen longest ago leaves.
 */
#include <stdlib.h>

#include "core/bmc_int.h"

#define PREAUTH_SLOTS 32
#define PREAUTH_ALLOW_BYTES 4096
#define PREAUTH_ALLOW_BPS 4096

struct preauth_src {
	uint8_t family;
	uint8_t ip[16];
	uint64_t last_ms;
	uint32_t tokens_milli; /* packets x 1000 */
	int32_t credit; /* bytes we may still send */
};

struct preauth {
	struct preauth_src src[PREAUTH_SLOTS];
};

static bool
same_host(const struct preauth_src *e, const struct bmc_addr *a)
{
	size_t n = a->family == 4 ? 4 : 16;
	return e->family == a->family && memcmp(e->ip, a->ip, n) == 0;
}

static struct preauth_src *
lookup(struct bmc *bmc, const struct bmc_addr *a, uint64_t now_ms)
{
	struct preauth_src *e, *victim = NULL;
	size_t i;

	if (bmc->preauth == NULL && (bmc->preauth = calloc(1, sizeof(*bmc->preauth))) == NULL)
		return NULL;
	for (i = 0; i < PREAUTH_SLOTS; i++) {
		e = &bmc->preauth->src[i];
		if (e->family != 0 && same_host(e, a))
			return e;
		if (victim == NULL || e->family == 0 || (victim->family != 0 && e->last_ms < victim->last_ms))
			victim = e;
	}
	memset(victim, 0, sizeof(*victim));
	victim->family = a->family;
	memcpy(victim->ip, a->ip, a->family == 4 ? 4 : 16);
	victim->last_ms = now_ms;
	victim->tokens_milli = (uint32_t)bmc->conf.preauth_burst * 1000;
	victim->credit = PREAUTH_ALLOW_BYTES;
	return victim;
}

static void
refill(const struct bmc *bmc, struct preauth_src *e, uint64_t now_ms)
{
	uint64_t dt = now_ms > e->last_ms ? now_ms - e->last_ms : 0;
	uint64_t cap = (uint64_t)bmc->conf.preauth_burst * 1000;
	uint64_t t = e->tokens_milli + dt * bmc->conf.preauth_rate;

	e->tokens_milli = (uint32_t)(t > cap ? cap : t);
	/* Time refills the allowance only; credit earned by requests is not capped. */
	if (e->credit < PREAUTH_ALLOW_BYTES) {
		uint64_t c = (uint64_t)(e->credit < 0 ? 0 : e->credit) + dt * PREAUTH_ALLOW_BPS / 1000;
		e->credit = (int32_t)(c > PREAUTH_ALLOW_BYTES ? PREAUTH_ALLOW_BYTES : c);
	}
	e->last_ms = now_ms;
}

bool
preauth_admit(struct bmc *bmc, const struct bmc_addr *src, uint64_t now_ms, size_t len)
{
	struct preauth_src *e;

	if (bmc->conf.preauth_rate == 0)
		return true;
	if ((e = lookup(bmc, src, now_ms)) == NULL)
		return false; /* no memory: refuse strangers rather than serve them unchecked */
	refill(bmc, e, now_ms);
	if (e->tokens_milli < 1000) {
		bmc->stats.limited++;
		return false;
	}
	e->tokens_milli -= 1000;
	if (e->credit < INT32_MAX - (int32_t)len)
		e->credit += (int32_t)len;
	return true;
}

bool
preauth_may_send(struct bmc *bmc, const struct bmc_addr *src, uint64_t now_ms, size_t len)
{
	struct preauth_src *e;

	if (bmc->conf.preauth_rate == 0)
		return true;
	if ((e = lookup(bmc, src, now_ms)) == NULL)
		return false;
	if ((int64_t)len > e->credit) {
		bmc->stats.limited++;
		return false;
	}
	e->credit -= (int32_t)len;
	return true;
}

void
preauth_free(struct bmc *bmc)
{
	free(bmc->preauth);
	bmc->preauth = NULL;
}
