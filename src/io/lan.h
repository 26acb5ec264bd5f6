/*
 * The LAN edge of one BMC instance: a UDP listener per listen address, all
 * feeding one struct bmc, and the tick timer.  Also the durable-effect code
 * that the control socket (ctl.c) shares: commit to the store before
 * acknowledging, reload from the store when a commit fails.
 */
#ifndef GHOSTBMC_LAN_H
#define GHOSTBMC_LAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "config/config.h"
#include "core/bmc.h"
#include "io/console.h"
#include "io/console_dev.h"

struct store;
struct sim_host;
struct pending_reply;
struct host_backend;

#define LAN_BATCH_MAX 64 /* replies one grouped commit holds */
struct lan_listener;

/* One BMC instance as the edge sees it.  daemon.c owns it. */
struct instance {
	uv_loop_t *loop;
	struct bmc *bmc;
	struct store *store;
	const char *name; /* bmc_get_conf(bmc)->name */

	struct bmc_addr listen[CONFIG_MAX_LISTEN];
	size_t nlisten;
	struct lan_listener **listeners; /* nlisten of them while open */
	uv_timer_t tick;
	bool tick_running;
	bool shared_clock; /* the daemon's one timer calls lan_tick() and host_sample(): no timers of our own
	                    */
	uint64_t started_ms; /* uv_now() at start, for the uptime */
	uint64_t edge_dropped; /* datagrams dropped before the core saw them */

	/*
	 * Each parameter as bmc_new() left it, before the store was applied:
	 * what a failed commit rolls back to when the store has no row.
	 */
	uint8_t param_default[BMC_PARAM_COUNT][BMC_PARAM_BLOB_MAX];
	size_t param_default_len[BMC_PARAM_COUNT];

	const struct config *cfg; /* the daemon's, for the sensor list */
	char sdr_import_path[CONFIG_PATH_MAX + 32]; /* STATE_DIR/sdr-import.bin */

	/* The governed host (host.c, hostif.h) and the simulation that models its sensors. */
	const struct host_backend *backend;
	void *backend_state; /* the backend's own */
	uint8_t start_cause; /* RESTART_* of a power-on at start (restore policy) */
	struct sim_host *sim;
	uv_timer_t sample;
	bool sample_running;
	uint64_t sample_last_ms;
	uint8_t fault_pinned[(BMC_MAX_SENSORS + 7) / 8]; /* sensors a fault pinned (no simulated part) */

	bool batch_ready; /* lan_start() done: replies may wait for the loop turn's grouped commit */

	struct console_log console; /* console.c */
	struct console_dev condev; /* a backend's console device (console_dev.c); path "" = none */

	struct bmc_out out; /* scratch for one call; the loop is not re-entrant */
};

/* Commit a core call made outside a datagram (console, ticks) and send its packet to out->reply_dst. */
void instance_finish(struct instance *inst, struct bmc_out *out);

/* What follows a committed call's reply (power actions, BMC resets): for callers outside lan.c. */
void instance_after(struct instance *inst, const struct bmc_out *out);

/* The clocks the core is given. */
void instance_now(const struct instance *inst, struct bmc_time *now);

/* Remember the parameter defaults; call right after bmc_new(). */
void instance_snapshot_defaults(struct instance *inst);

/*
 * Carry out the durable effects (FX_SAVE_*) among fx[0..nfx), in order.
 * Returns 0 when all were committed.  On the first failure logs it, reloads
 * the state every durable effect touched from the store (so memory matches
 * the disk again) and returns -1: the caller must not acknowledge the change.
 */
int instance_commit(struct instance *inst, const struct bmc_fx *fx, size_t nfx);

/* After a failed commit: reload from the store everything these effects touched. */
void instance_reload_touched(struct instance *inst, const struct bmc_fx *fx, size_t nfx);

/* Is there an enabled administrator with a password, i.e. a way in over the LAN? */
bool instance_has_admin(const struct instance *inst);

/* records.c: the SEL and FRU images in the store.  0 or -1 (logged). */
int instance_save_sel(struct instance *inst, const struct bmc_fx *fx);
int instance_reload_sel(struct instance *inst);
int instance_save_fru(struct instance *inst, uint32_t id);
/* Put the stored image of FRU id back (or leave the device as it is when none is stored). */
int instance_reload_fru(struct instance *inst, uint8_t id);
/* Start-up: stored images over the configured devices. */
int instance_load_frus(struct instance *inst);

/* Reload one user slot / one parameter from the store.  0 or -1. */
int instance_reload_user(struct instance *inst, uint8_t id);
int instance_reload_param(struct instance *inst, enum bmc_param p);

/*
 * Bind every listen address and start receiving, and start the tick timer.
 * On failure returns -1 with a message naming the address in err; the
 * caller closes what was opened with lan_close().
 */
int lan_start(struct instance *inst, char *err, size_t errlen);
/* Close the listeners and the timer; handles go away on the next loop turn. */
void lan_close(struct instance *inst);
/* Commit the loop turn's grouped writes now and send the replies that waited for them. */
void lan_batch_flush(void);
/* Time passes for the core (bmc_tick): every BMC_TICK_MS, from the instance's timer or the shared clock. */
void lan_tick(struct instance *inst);

#endif
