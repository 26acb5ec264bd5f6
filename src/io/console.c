/*
 * The console log and the SOL feed.  The log is a ring: the newest bytes
 * win.  The feed hands the core only what it accepts (bmc_console_output
 * takes as much as its unacknowledged window holds) and comes back for more
 * whenever something may have freed room: an ACK, a tick, new output.
 */
#include <stdlib.h>
#include <string.h>

#include "core/sol.h"
#include "host/sim.h"
#include "io/console.h"
#include "io/hostif.h"
#include "io/lan.h"
#include "io/log.h"

#define FEED_CHUNK 256

int
console_init(struct instance *inst, size_t cap)
{
	struct console_log *c = &inst->console;

	memset(c, 0, sizeof(*c));
	if (cap < 1024)
		cap = 1024;
	if ((c->buf = malloc(cap)) == NULL)
		return -1;
	c->cap = cap;
	return 0;
}

void
console_free(struct instance *inst)
{
	free(inst->console.buf);
	memset(&inst->console, 0, sizeof(inst->console));
}

static void
log_append(struct console_log *c, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		c->buf[(c->start + c->len) % c->cap] = p[i];
		if (c->len < c->cap)
			c->len++;
		else
			c->start = (c->start + 1) % c->cap;
	}
	c->total += n;
}

size_t
console_tail(const struct instance *inst, uint8_t *out, size_t max)
{
	const struct console_log *c = &inst->console;
	size_t i, n = c->len < max ? c->len : max, from = c->len - n;

	for (i = 0; i < n; i++)
		out[i] = c->buf[(c->start + from + i) % c->cap];
	return n;
}

/*
 * Before new output is logged: a SOL client that has just activated sees
 * what comes from now on, not the log before it (`console log` has that).
 */
static void
sol_sync(struct instance *inst)
{
	struct console_log *c = &inst->console;
	int active = bmc_sol_active(inst->bmc);

	if (!active || !c->sol_was_active)
		c->sol_sent = c->total;
	c->sol_was_active = active;
}

/* Hand the core what it will take of the log's unsent tail. */
static void
feed_sol(struct instance *inst)
{
	struct console_log *c = &inst->console;
	uint64_t oldest = c->total - c->len;
	int active = bmc_sol_active(inst->bmc);

	sol_sync(inst);
	if (!active)
		return;
	if (c->pumping)
		return;
	c->pumping = 1;
	if (c->sol_sent < oldest) {
		c->sol_lost += oldest - c->sol_sent;
		c->sol_sent = oldest;
	}
	while (c->sol_sent < c->total) {
		uint8_t chunk[FEED_CHUNK];
		size_t want =
		    c->total - c->sol_sent < FEED_CHUNK ? (size_t)(c->total - c->sol_sent) : FEED_CHUNK;
		size_t off = (size_t)(c->sol_sent - oldest), i, took, room = bmc_sol_room(inst->bmc);
		struct bmc_time now;

		/* Offer only what the core's window holds: it counts what it refuses as dropped. */
		if (room == 0)
			break;
		if (want > room)
			want = room;
		for (i = 0; i < want; i++)
			chunk[i] = c->buf[(c->start + off + i) % c->cap];
		instance_now(inst, &now);
		bmc_out_reset(&inst->out);
		took = bmc_console_output(inst->bmc, &now, chunk, want, &inst->out);
		c->sol_sent += took;
		instance_finish(inst, &inst->out);
		if (took < want)
			break; /* the window is full: an ACK brings us back */
	}
	c->pumping = 0;
}

void
console_output(struct instance *inst, const uint8_t *bytes, size_t n)
{
	if (n == 0)
		return;
	sol_sync(inst);
	log_append(&inst->console, bytes, n);
	feed_sol(inst);
}

void
console_pump(struct instance *inst)
{
	uint8_t buf[4096];
	size_t n;

	sol_sync(inst);
	/* Whatever the simulated machine printed (the sim backend's console). */
	while (inst->sim != NULL && inst->backend == &host_backend_sim &&
	    (n = sim_console_take(inst->sim, buf, sizeof(buf))) > 0)
		log_append(&inst->console, buf, n);
	feed_sol(inst);
}

void
console_input(struct instance *inst, const uint8_t *bytes, size_t n, int brk)
{
	(void)brk; /* the simulated UART has no break handling */
	if (inst->backend == &host_backend_sim)
		sim_console_input(inst->sim, bytes, n);
	else if (inst->condev.open)
		console_dev_write(&inst->condev, bytes, n);
	else if (inst->backend->console_write != NULL)
		inst->backend->console_write(inst, bytes, n);
	console_pump(inst); /* the echo goes out at once */
}
