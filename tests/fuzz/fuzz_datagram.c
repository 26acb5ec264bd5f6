/*
 * Fuzz target (a): any datagram, or sequence of datagrams, from the network
 * before a session exists, and the session-setup exchanges (RMCP+ Open
 * Session and RAKP, IPMI 1.5 Get Session Challenge and Activate Session)
 * through to the first packets of the session.  The input format is in
 * fuzz_datagram.h; the seeds come from gen_corpus.c.
 */
#include "fuzz_datagram.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bmc_time now;

	bmc_free(dgram_run(data, size, &now));
	return 0;
}
