/*
 * The SEL and FRU images in the store, and transactions that group many
 * writes into one commit (one fsync): a burst of events, or every datagram
 * of one loop turn, costs one durable write, and none is acknowledged
 * before it.
 */
#include <string.h>

#include "store/store.h"
#include "store/store_int.h"

int
store_begin(struct store *st)
{
	if (st->depth++ > 0)
		return 0;
	if (store_exec(st, "BEGIN IMMEDIATE") != 0) {
		st->depth = 0;
		return -1;
	}
	return 0;
}

int
store_commit(struct store *st)
{
	if (st->depth == 0)
		return 0;
	if (--st->depth > 0)
		return st->doomed ? -1 : 0;
	if (st->doomed) {
		st->doomed = false;
		(void)store_exec(st, "ROLLBACK");
		return store_fail(st, "a write earlier in the transaction failed; all of it was rolled back");
	}
	if (store_exec(st, "COMMIT") != 0) {
		(void)store_exec(st, "ROLLBACK");
		return -1;
	}
	st->commits++;
	return 0;
}

/*
 * Inside an outer transaction (a loop turn's grouped commit) a rollback
 * cannot undo only its own part: it dooms the whole transaction, and the
 * outermost store_commit() rolls everything back and says so, so that every
 * participant learns that its writes did not happen.
 */
void
store_rollback(struct store *st)
{
	if (st->depth == 0)
		return;
	if (st->depth > 1) {
		st->depth--;
		st->doomed = true;
		return;
	}
	st->doomed = false;
	st->depth = 0;
	(void)store_exec(st, "ROLLBACK");
}

/* Prepare, bind the instance as ?1, and hand back the statement; NULL on failure. */
static sqlite3_stmt *
prepare(struct store *st, const char *sql, const char *instance)
{
	sqlite3_stmt *q;

	if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK) {
		store_fail(st, "sqlite: %s", sqlite3_errmsg(st->db));
		return NULL;
	}
	sqlite3_bind_text(q, 1, instance, -1, SQLITE_STATIC);
	return q;
}

/* Step a statement that returns no rows, and finalise it. */
static int
run(struct store *st, sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);

	st->writes++;
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, "sqlite: %s", sqlite3_errmsg(st->db));
	return 0;
}

int
store_sel_put(struct store *st, const char *instance, uint16_t id, const uint8_t rec[BMC_SEL_RECORD_LEN])
{
	sqlite3_stmt *q = prepare(st,
	    "INSERT INTO sel(instance, seq, id, record) VALUES(?1,"
	    " (SELECT COALESCE(MAX(seq), 0) + 1 FROM sel WHERE instance = ?1), ?2, ?3)",
	    instance);

	if (q == NULL)
		return -1;
	sqlite3_bind_int(q, 2, id);
	sqlite3_bind_blob(q, 3, rec, BMC_SEL_RECORD_LEN, SQLITE_STATIC);
	return run(st, q);
}

int
store_sel_delete(struct store *st, const char *instance, uint16_t id)
{
	sqlite3_stmt *q = prepare(st, "DELETE FROM sel WHERE instance = ?1 AND id = ?2", instance);

	if (q == NULL)
		return -1;
	sqlite3_bind_int(q, 2, id);
	return run(st, q);
}

int
store_sel_clear(struct store *st, const char *instance)
{
	sqlite3_stmt *q = prepare(st, "DELETE FROM sel WHERE instance = ?1", instance);

	return q == NULL ? -1 : run(st, q);
}

int
store_sel_load(struct store *st, const char *instance, void (*cb)(void *arg, const uint8_t *rec), void *arg)
{
	sqlite3_stmt *q = prepare(st, "SELECT record FROM sel WHERE instance = ?1 ORDER BY seq", instance);
	int rc;

	if (q == NULL)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		if (sqlite3_column_bytes(q, 0) == BMC_SEL_RECORD_LEN)
			cb(arg, sqlite3_column_blob(q, 0));
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, "sqlite: %s", sqlite3_errmsg(st->db));
	return 0;
}

int
store_fru_put(struct store *st, const char *instance, uint8_t id, const uint8_t *img, size_t len)
{
	sqlite3_stmt *q =
	    prepare(st, "INSERT OR REPLACE INTO fru(instance, id, image) VALUES(?1, ?2, ?3)", instance);

	if (q == NULL)
		return -1;
	sqlite3_bind_int(q, 2, id);
	sqlite3_bind_blob(q, 3, img, (int)len, SQLITE_STATIC);
	return run(st, q);
}

int
store_fru_delete(struct store *st, const char *instance, uint8_t id)
{
	sqlite3_stmt *q = prepare(st, "DELETE FROM fru WHERE instance = ?1 AND id = ?2", instance);

	if (q == NULL)
		return -1;
	sqlite3_bind_int(q, 2, id);
	return run(st, q);
}

int
store_fru_load(struct store *st, const char *instance,
    void (*cb)(void *arg, uint8_t id, const uint8_t *img, size_t len), void *arg)
{
	sqlite3_stmt *q = prepare(st, "SELECT id, image FROM fru WHERE instance = ?1 ORDER BY id", instance);
	int rc;

	if (q == NULL)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int id = sqlite3_column_int(q, 0), n = sqlite3_column_bytes(q, 1);
		if (id >= 0 && id < 255 && n > 0)
			cb(arg, (uint8_t)id, sqlite3_column_blob(q, 1), (size_t)n);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, "sqlite: %s", sqlite3_errmsg(st->db));
	return 0;
}

void
store_stats(const struct store *st, uint64_t *commits, uint64_t *writes)
{
	*commits = st->commits;
	*writes = st->writes;
}
