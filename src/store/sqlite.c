/*
 * Users and parameters of every instance in one SQLite database,
 * STATE_DIR/ghostbmc.db (WAL, synchronous=FULL).  Each put is its own
 * committed transaction, so once it returns the caller may acknowledge.
 * The instance name is part of every key: a fleet shares one file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <sqlite3.h>

#include "store/secret.h"
#include "store/store.h"
#include "store/store_int.h"

#define SCHEMA_VERSION 1

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS users("
    " instance TEXT NOT NULL, id INTEGER NOT NULL, name TEXT NOT NULL,"
    " pw_nonce BLOB, pw_ct BLOB, pw_tag BLOB, password_form INTEGER NOT NULL,"
    " enabled INTEGER NOT NULL, priv_limit INTEGER NOT NULL, ipmi_messaging INTEGER NOT NULL,"
    " link_auth INTEGER NOT NULL, callback_only INTEGER NOT NULL, session_limit INTEGER NOT NULL,"
    " PRIMARY KEY(instance, id));"
    "CREATE TABLE IF NOT EXISTS params("
    " instance TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,"
    " PRIMARY KEY(instance, key));"
    /* seq keeps arrival order: record IDs wrap. */
    "CREATE TABLE IF NOT EXISTS sel("
    " instance TEXT NOT NULL, seq INTEGER NOT NULL, id INTEGER NOT NULL, record BLOB NOT NULL,"
    " PRIMARY KEY(instance, seq));"
    "CREATE INDEX IF NOT EXISTS sel_id ON sel(instance, id);"
    "CREATE TABLE IF NOT EXISTS fru("
    " instance TEXT NOT NULL, id INTEGER NOT NULL, image BLOB NOT NULL,"
    " PRIMARY KEY(instance, id));";

int
store_fail(struct store *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->err, sizeof(st->err), fmt, ap);
	va_end(ap);
	return -1;
}

const char *
store_errmsg(const struct store *st)
{
	return st->err;
}

int
store_exec(struct store *st, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		store_fail(st, "sqlite: %s", msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

struct store *
store_open(const char *state_dir, char *err, size_t errlen)
{
	struct store *st;
	char path[4096];
	int fd;

	if (mkdir(state_dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", state_dir, strerror(errno));
		return NULL;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (secret_load(state_dir, st->key, err, errlen) != 0) {
		free(st);
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/ghostbmc.db", state_dir);
	/* Born 0600: create it ourselves before SQLite does with the umask. */
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	close(fd);
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, st->db ? sqlite3_errmsg(st->db) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 5000);
	if (store_exec(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;") !=
	        0 ||
	    store_exec(st, schema) != 0 ||
	    store_exec(st, "INSERT OR IGNORE INTO meta(key, value) VALUES('schema', '1');") != 0) {
		snprintf(err, errlen, "%s: %s", path, st->err);
		goto fail;
	}
	return st;
fail:
	if (st->db)
		sqlite3_close(st->db);
	OPENSSL_cleanse(st->key, sizeof(st->key));
	free(st);
	return NULL;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	sqlite3_close(st->db);
	OPENSSL_cleanse(st->key, sizeof(st->key));
	free(st);
}

/* Additional data of a sealed password: the row it belongs to. */
static size_t
user_aad(const char *instance, uint8_t id, char *aad, size_t len)
{
	int n = snprintf(aad, len, "%s/%u", instance, id);
	return n > 0 && (size_t)n < len ? (size_t)n : 0;
}

int
store_user_put(struct store *st, const char *instance, const struct bmc_user *u)
{
	uint8_t nonce[SECRET_NONCE_LEN], ct[BMC_PASSWORD_MAX], tag[SECRET_TAG_LEN];
	sqlite3_stmt *q = NULL;
	char aad[128];
	size_t aadlen;
	int rc;

	if (!u->defined) {
		if (sqlite3_prepare_v2(st->db, "DELETE FROM users WHERE instance = ?1 AND id = ?2", -1, &q,
		        NULL) != SQLITE_OK)
			return store_fail(st, "sqlite: %s", sqlite3_errmsg(st->db));
		sqlite3_bind_text(q, 1, instance, -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 2, u->id);
	} else {
		aadlen = user_aad(instance, u->id, aad, sizeof(aad));
		if (aadlen == 0 || u->password_len > BMC_PASSWORD_MAX ||
		    secret_seal(st->key, aad, aadlen, u->password, u->password_len, nonce, ct, tag) != 0)
			return store_fail(st, "cannot seal the password of user %u", u->id);
		if (sqlite3_prepare_v2(st->db,
		        "INSERT OR REPLACE INTO users(instance, id, name, pw_nonce, pw_ct, pw_tag, "
		        "password_form,"
		        " enabled, priv_limit, ipmi_messaging, link_auth, callback_only, session_limit)"
		        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
		        -1, &q, NULL) != SQLITE_OK)
			return store_fail(st, "sqlite: %s", sqlite3_errmsg(st->db));
		sqlite3_bind_text(q, 1, instance, -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 2, u->id);
		sqlite3_bind_text(q, 3, u->name, -1, SQLITE_STATIC);
		sqlite3_bind_blob(q, 4, nonce, sizeof(nonce), SQLITE_STATIC);
		sqlite3_bind_blob(q, 5, ct, u->password_len, SQLITE_STATIC);
		sqlite3_bind_blob(q, 6, tag, sizeof(tag), SQLITE_STATIC);
		sqlite3_bind_int(q, 7, u->password_form);
		sqlite3_bind_int(q, 8, u->enabled);
		sqlite3_bind_int(q, 9, u->priv_limit);
		sqlite3_bind_int(q, 10, u->ipmi_messaging);
		sqlite3_bind_int(q, 11, u->link_auth);
		sqlite3_bind_int(q, 12, u->callback_only);
		sqlite3_bind_int(q, 13, u->session_limit);
	}
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, "sqlite: %s", sqlite3_errmsg(st->db));
	return 0;
}

static void
blob_copy(sqlite3_stmt *q, int col, void *dst, size_t want, bool *ok)
{
	const void *p = sqlite3_column_blob(q, col);

	if ((size_t)sqlite3_column_bytes(q, col) != want || (want > 0 && p == NULL)) {
		*ok = false;
		return;
	}
	if (want > 0)
		memcpy(dst, p, want);
}

int
store_user_load(
    struct store *st, const char *instance, void (*cb)(void *arg, const struct bmc_user *u), void *arg)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(st->db,
	        "SELECT id, name, pw_nonce, pw_ct, pw_tag, password_form, enabled, priv_limit, "
	        "ipmi_messaging,"
	        " link_auth, callback_only, session_limit FROM users WHERE instance = ?1 ORDER BY id",
	        -1, &q, NULL) != SQLITE_OK)
		return store_fail(st, "sqlite: %s", sqlite3_errmsg(st->db));
	sqlite3_bind_text(q, 1, instance, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		uint8_t nonce[SECRET_NONCE_LEN], ct[BMC_PASSWORD_MAX], tag[SECRET_TAG_LEN];
		const unsigned char *name = sqlite3_column_text(q, 1);
		int id = sqlite3_column_int(q, 0), ctlen = sqlite3_column_bytes(q, 3);
		struct bmc_user u;
		char aad[128];
		bool ok = true;

		if (id < 1 || id > BMC_MAX_USERS)
			continue;
		memset(&u, 0, sizeof(u));
		u.id = (uint8_t)id;
		u.defined = true;
		snprintf(u.name, sizeof(u.name), "%s", name ? (const char *)name : "");
		u.password_form = (uint8_t)sqlite3_column_int(q, 5);
		u.enabled = sqlite3_column_int(q, 6) != 0;
		u.priv_limit = (uint8_t)sqlite3_column_int(q, 7);
		u.ipmi_messaging = sqlite3_column_int(q, 8) != 0;
		u.link_auth = sqlite3_column_int(q, 9) != 0;
		u.callback_only = sqlite3_column_int(q, 10) != 0;
		u.session_limit = (uint8_t)sqlite3_column_int(q, 11);
		if (ctlen < 0 || ctlen > BMC_PASSWORD_MAX)
			ok = false;
		blob_copy(q, 2, nonce, sizeof(nonce), &ok);
		if (ok)
			blob_copy(q, 3, ct, (size_t)ctlen, &ok);
		blob_copy(q, 4, tag, sizeof(tag), &ok);
		if (ok &&
		    secret_open(st->key, aad, user_aad(instance, u.id, aad, sizeof(aad)), ct, (size_t)ctlen,
		        nonce, tag, u.password) == 0) {
			u.password_len = (uint8_t)ctlen;
		} else {
			/* Keep the account, lose the password: an admin can set a new one. */
			store_fail(st, "user %d of %s: the stored password does not decrypt with secret.key",
			    id, instance);
			u.password_len = 0;
		}
		cb(arg, &u);
		OPENSSL_cleanse(&u, sizeof(u));
		OPENSSL_cleanse(ct, sizeof(ct));
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, "sqlite: %s", sqlite3_errmsg(st->db));
	return 0;
}

int
store_param_put(struct store *st, const char *instance, const char *key, const uint8_t *val, size_t len)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(st->db,
	        "INSERT OR REPLACE INTO params(instance, key, value) VALUES(?1, ?2, ?3)", -1, &q,
	        NULL) != SQLITE_OK)
		return store_fail(st, "sqlite: %s", sqlite3_errmsg(st->db));
	sqlite3_bind_text(q, 1, instance, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 3, val, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, "sqlite: %s", sqlite3_errmsg(st->db));
	return 0;
}

int
store_param_load(struct store *st, const char *instance,
    void (*cb)(void *arg, const char *key, const uint8_t *val, size_t len), void *arg)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(st->db, "SELECT key, value FROM params WHERE instance = ?1 ORDER BY key", -1,
	        &q, NULL) != SQLITE_OK)
		return store_fail(st, "sqlite: %s", sqlite3_errmsg(st->db));
	sqlite3_bind_text(q, 1, instance, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const unsigned char *key = sqlite3_column_text(q, 0);
		const void *val = sqlite3_column_blob(q, 1);
		int n = sqlite3_column_bytes(q, 1);

		if (key != NULL && n >= 0)
			cb(arg, (const char *)key, n > 0 ? val : (const uint8_t *)"", (size_t)n);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, "sqlite: %s", sqlite3_errmsg(st->db));
	return 0;
}
