/*
 * Serial over LAN as the edge sees it.  The host's console output is handed
 * to the core with bmc_console_output(); when a SOL payload is active the
 * core packs it into SOL packets (payload type 01h of the RMCP+ session that
 * activated it) and sends them as struct bmc_out's reply, to reply_dst.
 * Characters the operator types come back in out->console_in, for the edge
 * to write to the host's console.
 */
#ifndef GHOSTBMC_SOL_H
#define GHOSTBMC_SOL_H

#include "core/bmc.h"

#define BMC_SOL_BUFFER 4096 /* console bytes held for the SOL client while unacknowledged */

/*
 * Console output from the host (any backend).  While a SOL payload is
 * active it is queued for the client (bytes beyond what the buffer holds
 * are dropped and counted; the edge's console ring buffer keeps the full
 * log); out may receive a SOL packet to send.  Returns bytes queued.
 */
size_t bmc_console_output(
    struct bmc *bmc, const struct bmc_time *now, const uint8_t *bytes, size_t len, struct bmc_out *out);

/* Is a SOL payload active?  (The edge may skip building output when not.) */
bool bmc_sol_active(const struct bmc *bmc);

struct bmc_sol_stats {
	bool active;
	uint32_t session_id; /* BMC session ID of the owner */
	uint64_t tx_bytes, rx_bytes, retransmits, dropped;
};
void bmc_sol_stats(const struct bmc *bmc, struct bmc_sol_stats *st);

#endif
