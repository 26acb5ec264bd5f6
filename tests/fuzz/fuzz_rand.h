/* Deterministic "randomness" for fuzz targets: the same input always does the same thing. */
#ifndef GHOSTBMC_FUZZ_RAND_H
#define GHOSTBMC_FUZZ_RAND_H

#include <stddef.h>
#include <stdint.h>

static inline void
fuzz_rand(void *arg, void *dst, size_t n)
{
	static uint32_t state = 1;
	uint8_t *p = dst;

	(void)arg;
	while (n--) {
		state = state * 1103515245u + 12345u;
		*p++ = (uint8_t)(state >> 16);
	}
}

#endif
