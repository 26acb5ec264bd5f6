/* The SQLite store and the key file: round trips, isolation, refusals, tampering. */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/store.h"

struct seen {
	struct bmc_user users[8];
	int nusers;
	char keys[8][40];
	uint8_t vals[8][32];
	size_t lens[8];
	int nparams;
};

static void
user_cb(void *arg, const struct bmc_user *u)
{
	struct seen *s = arg;
	s->users[s->nusers++] = *u;
}

static void
param_cb(void *arg, const char *key, const uint8_t *val, size_t len)
{
	struct seen *s = arg;
	snprintf(s->keys[s->nparams], sizeof(s->keys[0]), "%s", key);
	memcpy(s->vals[s->nparams], val, len);
	s->lens[s->nparams++] = len;
}

static char *
tmpdir(void)
{
	static char dir[64];
	snprintf(dir, sizeof(dir), "/tmp/ghostbmc-store-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return dir;
}

static void
rmtree(const char *dir)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static struct bmc_user
mkuser(uint8_t id, const char *name, const char *pw)
{
	struct bmc_user u;

	memset(&u, 0, sizeof(u));
	u.id = id;
	u.defined = true;
	snprintf(u.name, sizeof(u.name), "%s", name);
	memcpy(u.password, pw, strlen(pw));
	u.password_len = (uint8_t)strlen(pw);
	u.password_form = u.password_len > 16 ? 20 : 16;
	u.enabled = true;
	u.priv_limit = 4;
	u.ipmi_messaging = true;
	return u;
}

static void
test_round_trip_and_reopen(void **state)
{
	char *dir = tmpdir(), err[256], path[128];
	struct bmc_user a = mkuser(2, "admin", "Twenty-Byte-Passw0rd"),
	                b = mkuser(3, "bob", "x\x01\xff-bytes");
	struct seen s;
	struct store *st;
	struct stat sb;

	(void)state;
	st = store_open(dir, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(store_user_put(st, "bmc0", &a), 0);
	assert_int_equal(store_user_put(st, "bmc0", &b), 0);
	assert_int_equal(store_user_put(st, "other", &b), 0);
	assert_int_equal(store_param_put(st, "bmc0", "lan.ip", (const uint8_t *)"\x0a\x00\x00\x01", 4), 0);
	store_close(st);

	st = store_open(dir, err, sizeof(err));
	assert_non_null(st);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_user_load(st, "bmc0", user_cb, &s), 0);
	assert_int_equal(s.nusers, 2);
	assert_int_equal(s.users[0].id, 2);
	assert_string_equal(s.users[0].name, "admin");
	assert_int_equal(s.users[0].password_len, 20);
	assert_memory_equal(s.users[0].password, "Twenty-Byte-Passw0rd", 20);
	assert_int_equal(s.users[0].password_form, 20);
	assert_true(s.users[0].enabled && s.users[0].ipmi_messaging);
	assert_int_equal(s.users[0].priv_limit, 4);
	assert_memory_equal(s.users[1].password, "x\x01\xff-bytes", 9);
	assert_int_equal(store_param_load(st, "bmc0", param_cb, &s), 0);
	assert_int_equal(s.nparams, 1);
	assert_string_equal(s.keys[0], "lan.ip");
	assert_memory_equal(s.vals[0], "\x0a\x00\x00\x01", 4);
	/* Deleting is putting an undefined slot; the other instance is untouched. */
	b.defined = false;
	assert_int_equal(store_user_put(st, "bmc0", &b), 0);
	memset(&s, 0, sizeof(s));
	store_user_load(st, "bmc0", user_cb, &s);
	assert_int_equal(s.nusers, 1);
	memset(&s, 0, sizeof(s));
	store_user_load(st, "other", user_cb, &s);
	assert_int_equal(s.nusers, 1);
	store_close(st);

	snprintf(path, sizeof(path), "%s/secret.key", dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_size, 32);
	snprintf(path, sizeof(path), "%s/ghostbmc.db", dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 077, 0);
	rmtree(dir);
}

static void
test_key_file_refusals(void **state)
{
	char *dir = tmpdir(), err[256], path[128];
	struct store *st;
	FILE *f;

	(void)state;
	st = store_open(dir, err, sizeof(err));
	assert_non_null(st);
	store_close(st);
	snprintf(path, sizeof(path), "%s/secret.key", dir);
	assert_int_equal(chmod(path, 0644), 0);
	assert_null(store_open(dir, err, sizeof(err)));
	assert_non_null(strstr(err, "chmod 600"));
	assert_int_equal(chmod(path, 0600), 0);
	f = fopen(path, "w");
	fputs("short", f);
	fclose(f);
	assert_null(store_open(dir, err, sizeof(err)));
	assert_non_null(strstr(err, "32-byte"));
	rmtree(dir);
	/* A state dir that cannot be made. */
	assert_null(store_open("/proc/version/x", err, sizeof(err)));
	assert_true(strlen(err) > 0);
}

/* A row copied to another slot (or altered) does not decrypt: the account stays, the password goes. */
static void
test_tampered_row(void **state)
{
	char *dir = tmpdir(), err[256], path[128];
	struct bmc_user a = mkuser(2, "admin", "Admin-Passw0rd");
	struct store *st;
	struct seen s;
	sqlite3 *db;

	(void)state;
	st = store_open(dir, err, sizeof(err));
	store_user_put(st, "bmc0", &a);
	store_close(st);
	snprintf(path, sizeof(path), "%s/ghostbmc.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE users SET id = 5", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	st = store_open(dir, err, sizeof(err));
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_user_load(st, "bmc0", user_cb, &s), 0);
	assert_int_equal(s.nusers, 1);
	assert_int_equal(s.users[0].id, 5);
	assert_int_equal(s.users[0].password_len, 0);
	assert_non_null(strstr(store_errmsg(st), "does not decrypt"));
	store_close(st);
	rmtree(dir);
}

/*
 * Nesting: an inner rollback dooms the outer transaction, so no participant
 * of a grouped commit is told its writes are durable when they are not.
 */
static void
test_nested_rollback(void **state)
{
	char *dir = tmpdir(), err[256];
	struct store *st;
	struct seen s;

	(void)state;
	st = store_open(dir, err, sizeof(err));
	assert_non_null(st);
	/* all good: one commit at the outermost level */
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_param_put(st, "a", "k", (const uint8_t *)"1", 1), 0);
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_param_put(st, "b", "k", (const uint8_t *)"2", 1), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(store_commit(st), 0);
	/* an inner failure: the inner participant, a later one and the outermost all see it */
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_param_put(st, "a", "k", (const uint8_t *)"X", 1), 0);
	assert_int_equal(store_begin(st), 0);
	store_rollback(st);
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_param_put(st, "b", "k", (const uint8_t *)"Y", 1), 0);
	assert_int_equal(store_commit(st), -1);
	assert_int_equal(store_commit(st), -1);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_param_load(st, "a", param_cb, &s), 0);
	assert_int_equal(store_param_load(st, "b", param_cb, &s), 0);
	assert_int_equal(s.nparams, 2);
	assert_memory_equal(s.vals[0], "1", 1);
	assert_memory_equal(s.vals[1], "2", 1);
	/* and the next transaction is clean again */
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_param_put(st, "a", "k", (const uint8_t *)"3", 1), 0);
	assert_int_equal(store_commit(st), 0);
	store_close(st);
	rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nested_rollback),
	    cmocka_unit_test(test_round_trip_and_reopen),
	    cmocka_unit_test(test_key_file_refusals),
	    cmocka_unit_test(test_tampered_row),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
