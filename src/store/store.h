/*
 * Persistence: users and parameters of every instance in one SQLite database
 * in the state directory.  Passwords must stay recoverable (they key the RMCP+
 * HMACs), so they are stored encrypted with a per-installation key file
 * (STATE_DIR/secret.key, mode 0600), never in plain text.
 *
 * Every put is committed (synchronous=FULL, WAL) before it returns, so the
 * caller may acknowledge the change afterwards.
 */
#ifndef GHOSTBMC_STORE_H
#define GHOSTBMC_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/bmc.h"

struct store;

/*
 * Open (creating if needed) STATE_DIR/ghostbmc.db and STATE_DIR/secret.key.
 * The directory is created with mode 0700 if missing.  A key file that is
 * group/world accessible or not owned by us is refused.  On failure returns
 * NULL and writes a readable reason to err.
 */
struct store *store_open(const char *state_dir, char *err, size_t errlen);
void store_close(struct store *st);

/* Insert or replace a user slot; a slot with defined == false is deleted. 0 or -1. */
int store_user_put(struct store *st, const char *instance, const struct bmc_user *u);

/* Calls cb once per stored user of the instance, in ID order. 0 or -1. */
int store_user_load(
    struct store *st, const char *instance, void (*cb)(void *arg, const struct bmc_user *u), void *arg);

int store_param_put(struct store *st, const char *instance, const char *key, const uint8_t *val, size_t len);
int store_param_load(struct store *st, const char *instance,
    void (*cb)(void *arg, const char *key, const uint8_t *val, size_t len), void *arg);

/*
 * Transactions: between store_begin() and store_commit() the puts below are
 * one atomic, durable write.  They nest (only the outermost commits).  A
 * failed commit rolls back; store_rollback() abandons an open one.
 */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);

/* The SEL, in arrival order (record IDs wrap). */
#define BMC_SEL_RECORD_LEN 16
int store_sel_put(struct store *st, const char *instance, uint16_t id, const uint8_t rec[BMC_SEL_RECORD_LEN]);
int store_sel_delete(struct store *st, const char *instance, uint16_t id);
int store_sel_clear(struct store *st, const char *instance);
int store_sel_load(
    struct store *st, const char *instance, void (*cb)(void *arg, const uint8_t *rec), void *arg);

/* FRU images by device ID (only those written since their config: see docs/fru.md). */
int store_fru_put(struct store *st, const char *instance, uint8_t id, const uint8_t *img, size_t len);
int store_fru_delete(struct store *st, const char *instance, uint8_t id);
int store_fru_load(struct store *st, const char *instance,
    void (*cb)(void *arg, uint8_t id, const uint8_t *img, size_t len), void *arg);

/* Transactions committed and SEL/FRU rows written since the start (grouping shows as writes > commits). */
void store_stats(const struct store *st, uint64_t *commits, uint64_t *writes);

/* Last error text of the store (for log lines). */
const char *store_errmsg(const struct store *st);

#endif
