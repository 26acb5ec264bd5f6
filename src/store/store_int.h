/* Inside the store: what its files (sqlite.c, records.c) share. */
#ifndef GHOSTBMC_STORE_INT_H
#define GHOSTBMC_STORE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store/secret.h"

struct store {
	sqlite3 *db;
	uint8_t key[SECRET_KEY_LEN];
	char err[512];
	unsigned depth; /* store_begin() nesting */
	bool doomed; /* an inner level rolled back: the outermost commit must roll back instead */
	uint64_t commits, writes; /* for `ghostbmc status`: how well writes are grouped */
};

/* Set the error text; returns -1. */
int store_fail(struct store *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Run SQL without results; 0 or -1. */
int store_exec(struct store *st, const char *sql);

#endif
