/*
 * The host's console as the edge keeps it: everything every backend printed
 * goes into a ring buffer (`ghostbmc console log` reads it, so boot text
 * printed while nobody watched is still there) and, while a SOL payload is
 * active, to the core for the SOL client, as fast as it acknowledges.
 */
#ifndef GHOSTBMC_CONSOLE_H
#define GHOSTBMC_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

struct instance;

#define CONSOLE_LOG_DEFAULT (256 * 1024)

struct console_log {
	uint8_t *buf;
	size_t cap, start, len;
	uint64_t total; /* bytes ever logged */
	uint64_t sol_sent; /* of those, handed to the core for SOL */
	uint64_t sol_lost; /* overwritten before SOL could take them */
	int sol_was_active;
	int pumping; /* feeding the core sends packets, whose follow-up would feed again */
};

int console_init(struct instance *inst, size_t cap);
void console_free(struct instance *inst);
/* Output from the host: into the log, then on to a SOL client. */
void console_output(struct instance *inst, const uint8_t *bytes, size_t n);
/* Move what waits (sim output, the log's unsent tail) toward the SOL client. */
void console_pump(struct instance *inst);
/* Characters typed by the SOL client, for the host. */
void console_input(struct instance *inst, const uint8_t *bytes, size_t n, int brk);
/* The newest max bytes of the log; returns how many. */
size_t console_tail(const struct instance *inst, uint8_t *out, size_t max);

#endif
