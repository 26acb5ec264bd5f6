/* Deterministic "randomness" for fuzz targets: the same input always does the same thing. */
#ifndef GHOSTBMC_FUZZ_RAND_H
#define GHOSTBMC_FUZZ_RAND_H

#include <stddef.h>
#include <stdint.h>

static uint32_t fuzz_rand_state = 1;

/* Start the sequence over (targets that build a fresh instance per input). */
static inline void
fuzz_rand_reset(void)
{
	fuzz_rand_state = 1;
}

static inline void
fuzz_rand(void *arg, void *dst, size_t n)
{
	uint8_t *p = dst;

	(void)arg;
	while (n--) {
		fuzz_rand_state = fuzz_rand_state * 1103515245u + 12345u;
		*p++ = (uint8_t)(fuzz_rand_state >> 16);
	}
}

#endif
