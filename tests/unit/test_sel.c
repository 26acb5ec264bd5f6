/*
 * The System Event Log beyond the basics of test_cmd_storage.c: Delete SEL
 * Entry, Partial Add SEL Entry, the UTC offset, Set SEL Time persisting,
 * small logs under both full-log policies, rebuilding the log from the store
 * (bmc_sel_reset/bmc_sel_restore), the operator's add and import, and the
 * request lengths and privileges of every SEL command.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static bool durable; /* the last command's ctx->durable: its reply waits for the commit */

#define CMD(h, priv, cmd, ...)                                                                               \
	h_cmd_durable(h, priv, NETFN_STORAGE, cmd, (const uint8_t[]){__VA_ARGS__},                           \
	    sizeof((const uint8_t[]){__VA_ARGS__}), rsp, sizeof(rsp), &durable)
#define CMD0(h, priv, cmd) h_cmd_durable(h, priv, NETFN_STORAGE, cmd, NULL, 0, rsp, sizeof(rsp), &durable)
#define EXPECT(n, ...)                                                                                       \
	do {                                                                                                 \
		const uint8_t want_[] = {__VA_ARGS__};                                                       \
		assert_int_equal(rsp[0], want_[0]); /* the completion code first: the clearer message */     \
		assert_int_equal((n), sizeof(want_));                                                        \
		assert_memory_equal(rsp, want_, sizeof(want_));                                              \
	} while (0)
#define LE16(v) (uint8_t)(v), (uint8_t)((v) >> 8)
#define LE32(v) (uint8_t)(v), (uint8_t)((v) >> 8), (uint8_t)((v) >> 16), (uint8_t)((v) >> 24)
#define U16(p) ((uint16_t)((p)[0] | (p)[1] << 8))
#define U32(p) ((uint32_t)((p)[0] | (p)[1] << 8 | (p)[2] << 16 | (uint32_t)(p)[3] << 24))

#define T0 1700000000u /* the harness's wall clock */
#define SMALL_CAP 16u /* entries in the small logs */
_Static_assert(SMALL_CAP >= BMC_SEL_CAPACITY_MIN, "the small log must be a capacity bmc_new keeps");
#define SEL_OPS 0x0f /* Get SEL Info operation support: delete, partial add, reserve, allocation info */
#define SEL_OVERFLOW 0x80 /* ... and the overflow flag */
#define UTC_UNSPECIFIED 0x07ff
#define TS_NEVER 0xffffffffu /* a timestamp for "never" */
#define IN_PROGRESS 0x00 /* Partial Add: more pieces follow */
#define LAST_PIECE 0x01 /* Partial Add: this piece completes the record */
#define CC_PARTIAL_MISMATCH 0x80 /* Partial Add SEL Entry: record length and bytes written differ */

enum {
	GET_SEL_INFO = 0x40,
	GET_SEL_ALLOC_INFO = 0x41,
	RESERVE_SEL = 0x42,
	GET_SEL_ENTRY = 0x43,
	ADD_SEL_ENTRY = 0x44,
	PARTIAL_ADD_SEL_ENTRY = 0x45,
	DELETE_SEL_ENTRY = 0x46,
	CLEAR_SEL = 0x47,
	GET_SEL_TIME = 0x48,
	SET_SEL_TIME = 0x49,
	GET_SEL_UTC_OFFSET = 0x5c,
	SET_SEL_UTC_OFFSET = 0x5d,
};

static const uint8_t sys_event[16] = {
    0xaa, 0xbb, 0x02, 0x01, 0x02, 0x03, 0x04, 0x41, 0x00, 0x04, 0x12, 0x83, 0x6f, 0x05, 0xff, 0xff};
static const uint8_t oem_nots[16] = {0xaa, 0xbb, 0xe0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};

/* A harness whose log holds cap entries and, when full, follows policy. */
static struct harness *
h_sel_conf(uint16_t cap, uint8_t policy)
{
	struct bmc_conf conf;

	bmc_conf_defaults(&conf);
	conf.sel_capacity = cap;
	conf.sel_when_full = policy;
	return h_new(&conf);
}

static uint16_t
reserve(struct harness *h)
{
	uint8_t rsp[8];
	size_t n = CMD0(h, PRIV_USER, RESERVE_SEL);

	assert_int_equal(n, 3);
	assert_int_equal(rsp[0], CC_OK);
	assert_int_not_equal(U16(rsp + 1), 0);
	return U16(rsp + 1);
}

/* Add SEL Entry; returns the new ID. */
static uint16_t
add_entry(struct harness *h, const uint8_t rec[16])
{
	uint8_t rsp[8];
	size_t n = h_cmd_durable(
	    h, PRIV_OPERATOR, NETFN_STORAGE, ADD_SEL_ENTRY, rec, 16, rsp, sizeof(rsp), &durable);

	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(n, 3);
	assert_true(durable);
	return U16(rsp + 1);
}

/* A system event record whose event data says n, to tell entries apart. */
static void
numbered(uint8_t rec[16], unsigned n)
{
	memcpy(rec, sys_event, 16);
	rec[13] = (uint8_t)n;
	rec[14] = (uint8_t)(n >> 8);
}

static size_t
partial_add(struct harness *h, uint16_t resv, uint16_t id, uint8_t off, uint8_t progress, const uint8_t *data,
    size_t len, uint8_t *rsp, size_t cap)
{
	uint8_t rq[6 + 16] = {LE16(resv), LE16(id), off, progress};

	assert_true(len <= 16);
	if (len > 0)
		memcpy(rq + 6, data, len);
	return h_cmd_durable(
	    h, PRIV_OPERATOR, NETFN_STORAGE, PARTIAL_ADD_SEL_ENTRY, rq, 6 + len, rsp, cap, &durable);
}

struct sel_info {
	uint16_t entries, free;
	uint32_t add_ts, erase_ts;
	uint8_t ops;
};

static struct sel_info
sel_info(struct harness *h)
{
	struct sel_info si;
	uint8_t rsp[32];
	size_t n = CMD0(h, PRIV_USER, GET_SEL_INFO);

	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(n, 15);
	assert_int_equal(rsp[1], 0x51);
	si.entries = U16(rsp + 2);
	si.free = U16(rsp + 4);
	si.add_ts = U32(rsp + 6);
	si.erase_ts = U32(rsp + 10);
	si.ops = rsp[14];
	return si;
}

/* Get SEL Entry, whole: the completion code; rec and next when it is 00h. */
static uint8_t
get_entry(struct harness *h, uint16_t id, uint8_t rec[16], uint16_t *next)
{
	uint8_t rsp[32];
	size_t n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(0), LE16(id), 0, 0xff);

	if (rsp[0] != CC_OK) {
		assert_int_equal(n, 1);
		return rsp[0];
	}
	assert_int_equal(n, 3 + 16);
	if (next != NULL)
		*next = U16(rsp + 1);
	if (rec != NULL)
		memcpy(rec, rsp + 3, 16);
	return CC_OK;
}

/* The record IDs, walking the chain from 0000h as ipmitool does; returns how many. */
static size_t
walk_ids(struct harness *h, uint16_t *ids, size_t max)
{
	uint8_t rec[16];
	uint16_t id = 0x0000, next;
	size_t n = 0;

	while (get_entry(h, id, rec, &next) == CC_OK) {
		assert_true(n < max);
		ids[n++] = U16(rec);
		if (next == 0xffff)
			break;
		id = next;
	}
	return n;
}

/* The IDs first..last, consecutive, are the whole log in order. */
static void
assert_ids(struct harness *h, uint16_t first, uint16_t last)
{
	uint16_t ids[64];
	size_t n = walk_ids(h, ids, 64), i;

	assert_int_equal(n, (size_t)(last - first + 1));
	for (i = 0; i < n; i++)
		assert_int_equal(ids[i], first + i);
}

/* ---- Delete SEL Entry ---- */

static void
test_delete_needs_reservation(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t rsp[32];
	size_t n;
	uint16_t r, r2;

	(void)state;
	add_entry(h, sys_event);
	add_entry(h, sys_event);
	/* None, a wrong one, a stale one: C5h, nothing deleted, nothing for the store. */
	n = CMD(h, PRIV_OPERATOR, DELETE_SEL_ENTRY, LE16(0), LE16(1));
	EXPECT(n, CC_RESERVATION);
	r = reserve(h);
	n = CMD(h, PRIV_OPERATOR, DELETE_SEL_ENTRY, LE16(r + 1), LE16(1));
	EXPECT(n, CC_RESERVATION);
	r2 = reserve(h);
	n = CMD(h, PRIV_OPERATOR, DELETE_SEL_ENTRY, LE16(r), LE16(1));
	EXPECT(n, CC_RESERVATION);
	assert_int_equal(h->out.nfx, 0);
	assert_false(durable);
	assert_int_equal(bmc_sel_count(h->bmc), 2);
	/* Operator privilege, checked before anything else. */
	n = CMD(h, PRIV_USER, DELETE_SEL_ENTRY, LE16(r2), LE16(1));
	EXPECT(n, CC_INSUFFICIENT_PRIV);
	assert_int_equal(bmc_sel_count(h->bmc), 2);
	n = CMD(h, PRIV_OPERATOR, DELETE_SEL_ENTRY, LE16(r2), LE16(1));
	EXPECT(n, CC_OK, LE16(1));
	h_free(h);
}

static void
test_delete_entry(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t rsp[32], rec[16];
	struct sel_info si;
	size_t n, i;
	uint16_t r, next;

	(void)state;
	for (i = 1; i <= 4; i++) {
		h->now.wall_s = T0 + i;
		assert_int_equal(add_entry(h, sys_event), i);
	}
	si = sel_info(h);
	assert_int_equal(si.erase_ts, TS_NEVER);

	/* By ID: the reply names it, the store hears of it, and the reply waits for the commit. */
	h->now.wall_s = T0 + 10;
	r = reserve(h);
	n = CMD(h, PRIV_OPERATOR, DELETE_SEL_ENTRY, LE16(r), LE16(2));
	EXPECT(n, CC_OK, LE16(2));
	assert_true(durable);
	assert_int_equal(h->out.nfx, 1);
	assert_int_equal(h->out.fx[0].kind, FX_SEL_DELETE);
	assert_int_equal(h->out.fx[0].arg, 2);
	assert_int_equal(bmc_sel_count(h->bmc), 3);
	assert_int_equal(get_entry(h, 2, NULL, NULL), CC_NOT_PRESENT);
	assert_int_equal(bmc_sel_get_id(h->bmc, 2, rec), -1);
	/* The chain closes over the gap. */
	assert_int_equal(get_entry(h, 1, NULL, &next), CC_OK);
	assert_int_equal(next, 3);
	/* The erase timestamp moves, the addition timestamp does not. */
	si = sel_info(h);
	assert_int_equal(si.entries, 3);
	assert_int_equal(si.add_ts, T0 + 4);
	assert_int_equal(si.erase_ts, T0 + 10);
	assert_int_equal(si.ops, SEL_OPS);

	/* Deleting cancelled the reservation: the same one again, or a partial read with it, is C5h. */
	n = CMD(h, PRIV_OPERATOR, DELETE_SEL_ENTRY, LE16(r), LE16(3));
	EXPECT(n, CC_RESERVATION);
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(r), LE16(3), 2, 4);
	EXPECT(n, CC_RESERVATION);
	assert_int_equal(bmc_sel_count(h->bmc), 3);

	/* 0000h is the first entry, FFFFh the last; the reply gives the real ID. */
	h->now.wall_s = T0 + 20;
	r = reserve(h);
	n = CMD(h, PRIV_OPERATOR, DELETE_SEL_ENTRY, LE16(r), LE16(0x0000));
	EXPECT(n, CC_OK, LE16(1));
	assert_int_equal(h->out.nfx, 1);
	assert_int_equal(h->out.fx[0].kind, FX_SEL_DELETE);
	assert_int_equal(h->out.fx[0].arg, 1);
	h->now.wall_s = T0 + 21;
	r = reserve(h);
	n = CMD(h, PRIV_OPERATOR, DELETE_SEL_ENTRY, LE16(r), LE16(0xffff));
	EXPECT(n, CC_OK, LE16(4));
	assert_int_equal(h->out.fx[0].arg, 4);
	assert_int_equal(sel_info(h).erase_ts, T0 + 21);
	assert_ids(h, 3, 3);

	/* A missing ID: CBh, no effect, and the reservation still holds. */
	r = reserve(h);
	n = CMD(h, PRIV_OPERATOR, DELETE_SEL_ENTRY, LE16(r), LE16(2));
	EXPECT(n, CC_NOT_PRESENT);
	assert_int_equal(h->out.nfx, 0);
	assert_false(durable);
	n = CMD(h, PRIV_OPERATOR, DELETE_SEL_ENTRY, LE16(r), LE16(0x1234));
	EXPECT(n, CC_NOT_PRESENT);
	n = CMD(h, PRIV_OPERATOR, DELETE_SEL_ENTRY, LE16(r), LE16(3));
	EXPECT(n, CC_OK, LE16(3));
	assert_int_equal(bmc_sel_count(h->bmc), 0);

	/* An empty log has no first or last entry to delete. */
	r = reserve(h);
	n = CMD(h, PRIV_OPERATOR, DELETE_SEL_ENTRY, LE16(r), LE16(0x0000));
	EXPECT(n, CC_NOT_PRESENT);
	n = CMD(h, PRIV_OPERATOR, DELETE_SEL_ENTRY, LE16(r), LE16(0xffff));
	EXPECT(n, CC_NOT_PRESENT);

	/* Deleted IDs are not handed out again. */
	assert_int_equal(add_entry(h, sys_event), 5);
	h_free(h);
}

/* ---- Partial Add SEL Entry ---- */

static void
test_partial_add_pieces(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t rsp[32], rec[16], want[16];
	size_t n;
	uint16_t r;

	(void)state;
	h->now.wall_s = T0 + 5;
	r = reserve(h);
	/* 6 + 5 + 5 bytes: the first two pieces add nothing yet. */
	n = partial_add(h, r, 0x0000, 0, IN_PROGRESS, sys_event, 6, rsp, sizeof(rsp));
	EXPECT(n, CC_OK, LE16(0x0000));
	assert_int_equal(h->out.nfx, 0);
	assert_false(durable);
	n = partial_add(h, r, 0x0000, 6, IN_PROGRESS, sys_event + 6, 5, rsp, sizeof(rsp));
	EXPECT(n, CC_OK, LE16(0x0000));
	assert_int_equal(h->out.nfx, 0);
	assert_int_equal(bmc_sel_count(h->bmc), 0);
	/* The last piece commits the record, as Add SEL Entry does: new ID, our timestamp. */
	n = partial_add(h, r, 0x0000, 11, LAST_PIECE, sys_event + 11, 5, rsp, sizeof(rsp));
	EXPECT(n, CC_OK, LE16(1));
	assert_true(durable);
	assert_int_equal(h->out.nfx, 1);
	assert_int_equal(h->out.fx[0].kind, FX_SEL_ADD);
	assert_int_equal(h->out.fx[0].arg, 1);
	assert_int_equal(bmc_sel_count(h->bmc), 1);
	assert_int_equal(get_entry(h, 1, rec, NULL), CC_OK);
	memcpy(want, sys_event, 16);
	want[0] = 1;
	want[1] = 0;
	want[3] = (uint8_t)(T0 + 5);
	want[4] = (uint8_t)((T0 + 5) >> 8);
	want[5] = (uint8_t)((T0 + 5) >> 16);
	want[6] = (uint8_t)((T0 + 5) >> 24);
	assert_memory_equal(rec, want, 16);
	assert_int_equal(sel_info(h).add_ts, T0 + 5);
	/* The new entry cancelled the reservation. */
	n = partial_add(h, r, 0x0000, 0, IN_PROGRESS, sys_event, 4, rsp, sizeof(rsp));
	EXPECT(n, CC_RESERVATION);

	/* A whole record in one piece; a non-timestamped OEM record keeps its bytes. */
	r = reserve(h);
	n = partial_add(h, r, 0x0000, 0, LAST_PIECE, oem_nots, 16, rsp, sizeof(rsp));
	EXPECT(n, CC_OK, LE16(2));
	assert_int_equal(get_entry(h, 2, rec, NULL), CC_OK);
	assert_memory_equal(rec + 2, oem_nots + 2, 14);

	/* All 16 bytes, then an empty last piece at offset 16. */
	r = reserve(h);
	n = partial_add(h, r, 0x0000, 0, IN_PROGRESS, oem_nots, 16, rsp, sizeof(rsp));
	EXPECT(n, CC_OK, LE16(0x0000));
	n = partial_add(h, r, 0x0000, 16, LAST_PIECE, NULL, 0, rsp, sizeof(rsp));
	EXPECT(n, CC_OK, LE16(3));
	assert_int_equal(get_entry(h, 3, rec, NULL), CC_OK);
	assert_memory_equal(rec + 2, oem_nots + 2, 14);

	/* A new first piece starts the record over. */
	r = reserve(h);
	n = partial_add(h, r, 0x0000, 0, IN_PROGRESS, sys_event, 8, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_OK);
	n = partial_add(h, r, 0x0000, 0, IN_PROGRESS, oem_nots, 8, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_OK);
	n = partial_add(h, r, 0x0000, 8, LAST_PIECE, oem_nots + 8, 8, rsp, sizeof(rsp));
	EXPECT(n, CC_OK, LE16(4));
	assert_int_equal(get_entry(h, 4, rec, NULL), CC_OK);
	assert_memory_equal(rec + 2, oem_nots + 2, 14);
	h_free(h);
}

static void
test_partial_add_errors(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t rsp[32];
	size_t n;
	uint16_t r, r2;

	(void)state;
	/* No reservation, or a wrong one. */
	n = partial_add(h, 0, 0x0000, 0, IN_PROGRESS, sys_event, 8, rsp, sizeof(rsp));
	EXPECT(n, CC_RESERVATION);
	r = reserve(h);
	n = partial_add(h, r + 1, 0x0000, 0, IN_PROGRESS, sys_event, 8, rsp, sizeof(rsp));
	EXPECT(n, CC_RESERVATION);
	/* A new record starts with record ID 0000h. */
	n = partial_add(h, r, 0x0001, 0, IN_PROGRESS, sys_event, 8, rsp, sizeof(rsp));
	EXPECT(n, CC_INVALID_FIELD);
	n = partial_add(h, r, 0xffff, 0, LAST_PIECE, sys_event, 16, rsp, sizeof(rsp));
	EXPECT(n, CC_INVALID_FIELD);
	/* In-progress values other than 0h and 1h, or reserved bits set. */
	n = partial_add(h, r, 0x0000, 0, 0x02, sys_event, 16, rsp, sizeof(rsp));
	EXPECT(n, CC_INVALID_FIELD);
	n = partial_add(h, r, 0x0000, 0, 0x11, sys_event, 16, rsp, sizeof(rsp));
	EXPECT(n, CC_INVALID_FIELD);
	assert_int_equal(bmc_sel_count(h->bmc), 0);
	assert_int_equal(h->out.nfx, 0);

	/* A piece past offset 0 with nothing begun. */
	n = partial_add(h, r, 0x0000, 4, IN_PROGRESS, sys_event + 4, 4, rsp, sizeof(rsp));
	EXPECT(n, CC_OUT_OF_RANGE);
	/* Pieces out of order: C9h, and the record so far stays as it was. */
	n = partial_add(h, r, 0x0000, 0, IN_PROGRESS, sys_event, 4, rsp, sizeof(rsp));
	EXPECT(n, CC_OK, LE16(0x0000));
	n = partial_add(h, r, 0x0000, 5, IN_PROGRESS, sys_event + 5, 4, rsp, sizeof(rsp));
	EXPECT(n, CC_OUT_OF_RANGE);
	n = partial_add(h, r, 0x0000, 3, IN_PROGRESS, sys_event + 3, 4, rsp, sizeof(rsp));
	EXPECT(n, CC_OUT_OF_RANGE);
	n = partial_add(h, r, 0x0000, 4, IN_PROGRESS, sys_event + 4, 6, rsp, sizeof(rsp));
	EXPECT(n, CC_OK, LE16(0x0000));
	/* More than 16 bytes in all: C8h, nothing kept of that piece. */
	n = partial_add(h, r, 0x0000, 10, LAST_PIECE, (const uint8_t[7]){0}, 7, rsp, sizeof(rsp));
	EXPECT(n, CC_FIELD_LEN);
	assert_int_equal(bmc_sel_count(h->bmc), 0);
	assert_int_equal(h->out.nfx, 0);
	n = partial_add(h, r, 0x0000, 10, LAST_PIECE, sys_event + 10, 6, rsp, sizeof(rsp));
	EXPECT(n, CC_OK, LE16(1));
	assert_int_equal(bmc_sel_count(h->bmc), 1);

	/* Someone else's Reserve SEL, an entry arriving, or a clear in between: C5h for the next piece. */
	r = reserve(h);
	n = partial_add(h, r, 0x0000, 0, IN_PROGRESS, sys_event, 8, rsp, sizeof(rsp));
	EXPECT(n, CC_OK, LE16(0x0000));
	r2 = reserve(h);
	n = partial_add(h, r, 0x0000, 8, LAST_PIECE, sys_event + 8, 8, rsp, sizeof(rsp));
	EXPECT(n, CC_RESERVATION);
	r = r2;
	n = partial_add(h, r, 0x0000, 0, IN_PROGRESS, sys_event, 8, rsp, sizeof(rsp));
	EXPECT(n, CC_OK, LE16(0x0000));
	assert_int_equal(add_entry(h, oem_nots), 2);
	n = partial_add(h, r, 0x0000, 8, LAST_PIECE, sys_event + 8, 8, rsp, sizeof(rsp));
	EXPECT(n, CC_RESERVATION);
	r = reserve(h);
	n = partial_add(h, r, 0x0000, 0, IN_PROGRESS, sys_event, 8, rsp, sizeof(rsp));
	EXPECT(n, CC_OK, LE16(0x0000));
	n = CMD(h, PRIV_OPERATOR, CLEAR_SEL, LE16(r), 'C', 'L', 'R', 0xaa);
	EXPECT(n, CC_OK, 0x01);
	r = reserve(h);
	/* ... and the clear dropped the record being assembled. */
	n = partial_add(h, r, 0x0000, 8, LAST_PIECE, sys_event + 8, 8, rsp, sizeof(rsp));
	EXPECT(n, CC_OUT_OF_RANGE);
	assert_int_equal(bmc_sel_count(h->bmc), 0);

	/* Operator privilege. */
	n = h_cmd(h, PRIV_USER, NETFN_STORAGE, PARTIAL_ADD_SEL_ENTRY, (const uint8_t[]){LE16(r), 0, 0, 0, 1},
	    6, rsp, sizeof(rsp));
	EXPECT(n, CC_INSUFFICIENT_PRIV);
	h_free(h);
}

/*
 * A last piece that leaves the record short of 16 bytes is the "record
 * rejected due to mismatch between record length in header data and number
 * of bytes written" case, completion code 80h of Partial Add SEL Entry
 * (IPMI 2.0 31.7).
 */
static void
test_partial_add_short_record(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t rsp[32];
	size_t n;
	uint16_t r;

	(void)state;
	r = reserve(h);
	n = partial_add(h, r, 0x0000, 0, IN_PROGRESS, sys_event, 6, rsp, sizeof(rsp));
	EXPECT(n, CC_OK, LE16(0x0000));
	n = partial_add(h, r, 0x0000, 6, LAST_PIECE, sys_event + 6, 4, rsp, sizeof(rsp));
	/* Nothing added, nothing for the store, and the partial record is gone. */
	assert_int_equal(bmc_sel_count(h->bmc), 0);
	assert_int_equal(h->out.nfx, 0);
	assert_false(durable);
	n = partial_add(h, r, 0x0000, 10, LAST_PIECE, sys_event + 10, 6, rsp, sizeof(rsp));
	EXPECT(n, CC_OUT_OF_RANGE);
	/* The completion code last, so the checks above run either way. */
	n = partial_add(h, r, 0x0000, 0, LAST_PIECE, sys_event, 10, rsp, sizeof(rsp));
	EXPECT(n, CC_PARTIAL_MISMATCH);
	h_free(h);
}

/* ---- SEL time and its UTC offset ---- */

static void
test_utc_offset(void **state)
{
	static const int16_t good[] = {-1440, -60, 0, 330, 1440, UTC_UNSPECIFIED};
	static const uint16_t bad[] = {(uint16_t)-1441, 1441, 0x07fe, 0x0800, 0x7fff, 0x8000};
	struct harness *h = h_new(NULL), *h2;
	uint8_t rsp[32], blob[BMC_PARAM_BLOB_MAX];
	size_t n, i, len;

	(void)state;
	/* Unspecified until someone sets it. */
	n = CMD0(h, PRIV_USER, GET_SEL_UTC_OFFSET);
	EXPECT(n, CC_OK, LE16(UTC_UNSPECIFIED));
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		n = CMD(h, PRIV_OPERATOR, SET_SEL_UTC_OFFSET, LE16((uint16_t)good[i]));
		EXPECT(n, CC_OK);
		/* Persisted: a parameter, committed before the reply. */
		assert_true(durable);
		assert_int_equal(h->out.nfx, 1);
		assert_int_equal(h->out.fx[0].kind, FX_SAVE_PARAM);
		assert_int_equal(h->out.fx[0].arg, BMC_PARAM_SEL_UTC_OFFSET);
		n = CMD0(h, PRIV_USER, GET_SEL_UTC_OFFSET);
		EXPECT(n, CC_OK, LE16((uint16_t)good[i]));
	}
	n = CMD(h, PRIV_OPERATOR, SET_SEL_UTC_OFFSET, LE16((uint16_t)-300));
	EXPECT(n, CC_OK);
	/* Outside -1440..1440 and not 7FFh: C9h, nothing changed or saved. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = CMD(h, PRIV_OPERATOR, SET_SEL_UTC_OFFSET, LE16(bad[i]));
		EXPECT(n, CC_OUT_OF_RANGE);
		assert_int_equal(h->out.nfx, 0);
		assert_false(durable);
	}
	n = CMD0(h, PRIV_USER, GET_SEL_UTC_OFFSET);
	EXPECT(n, CC_OK, LE16((uint16_t)-300));
	/* Setting needs operator; reading, user. */
	n = CMD(h, PRIV_USER, SET_SEL_UTC_OFFSET, LE16(60));
	EXPECT(n, CC_INSUFFICIENT_PRIV);
	n = CMD0(h, PRIV_CALLBACK, GET_SEL_UTC_OFFSET);
	EXPECT(n, CC_INSUFFICIENT_PRIV);

	/* What the store keeps brings it back in a new instance. */
	len = bmc_param_export(h->bmc, BMC_PARAM_SEL_UTC_OFFSET, blob);
	assert_true(len > 0);
	h2 = h_new(NULL);
	assert_int_equal(bmc_param_import(h2->bmc, BMC_PARAM_SEL_UTC_OFFSET, blob, len), BMC_OK);
	n = CMD0(h2, PRIV_USER, GET_SEL_UTC_OFFSET);
	EXPECT(n, CC_OK, LE16((uint16_t)-300));
	h_free(h2);
	h_free(h);
}

static void
test_sel_time_persists(void **state)
{
	struct harness *h = h_new(NULL), *h2;
	uint8_t rsp[32], rec[16], blob[BMC_PARAM_BLOB_MAX];
	size_t n, len;
	uint16_t id, r;

	(void)state;
	n = CMD(h, PRIV_OPERATOR, SET_SEL_TIME, LE32(0x50000000u));
	EXPECT(n, CC_OK);
	assert_true(durable);
	assert_int_equal(h->out.nfx, 1);
	assert_int_equal(h->out.fx[0].kind, FX_SAVE_PARAM);
	assert_int_equal(h->out.fx[0].arg, BMC_PARAM_SEL_TIME_OFFSET);
	/* The next entries are stamped from the new clock: Add, Partial Add, the operator's add. */
	h->now.wall_s += 7;
	id = add_entry(h, sys_event);
	assert_int_equal(bmc_sel_get_id(h->bmc, id, rec), 0);
	assert_int_equal(U32(rec + 3), 0x50000007u);
	h->now.wall_s += 1;
	r = reserve(h);
	n = partial_add(h, r, 0x0000, 0, LAST_PIECE, sys_event, 16, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(bmc_sel_get_id(h->bmc, U16(rsp + 1), rec), 0);
	assert_int_equal(U32(rec + 3), 0x50000008u);
	h->now.wall_s += 1;
	bmc_out_reset(&h->out);
	id = (uint16_t)bmc_sel_add(h->bmc, &h->now, sys_event, &h->out);
	assert_int_equal(bmc_sel_get_id(h->bmc, id, rec), 0);
	assert_int_equal(U32(rec + 3), 0x50000009u);
	assert_int_equal(bmc_sel_time(h->bmc, &h->now), 0x50000009u);
	assert_int_equal(sel_info(h).add_ts, 0x50000009u);

	/* A failed Set SEL Time (too short) changes nothing and saves nothing. */
	n = CMD(h, PRIV_OPERATOR, SET_SEL_TIME, 1, 2, 3);
	EXPECT(n, CC_REQ_LEN);
	assert_int_equal(h->out.nfx, 0);
	n = CMD0(h, PRIV_USER, GET_SEL_TIME);
	EXPECT(n, CC_OK, LE32(0x50000009u));

	/* The saved parameter is an offset from the wall clock: the SEL clock runs on across a restart. */
	len = bmc_param_export(h->bmc, BMC_PARAM_SEL_TIME_OFFSET, blob);
	assert_true(len > 0);
	h2 = h_new(NULL);
	h2->now.wall_s = h->now.wall_s + 100;
	assert_int_equal(bmc_param_import(h2->bmc, BMC_PARAM_SEL_TIME_OFFSET, blob, len), BMC_OK);
	n = CMD0(h2, PRIV_USER, GET_SEL_TIME);
	EXPECT(n, CC_OK, LE32(0x50000009u + 100));
	h_free(h2);
	h_free(h);
}

/* ---- capacity and the full-log policies ---- */

static void
test_capacity_configured(void **state)
{
	static const struct {
		uint16_t conf, want;
	} caps[] = {
	    {0, BMC_SEL_CAPACITY_MIN},
	    {BMC_SEL_CAPACITY_MIN - 1, BMC_SEL_CAPACITY_MIN},
	    {SMALL_CAP, SMALL_CAP},
	    {100, 100},
	    {BMC_SEL_CAPACITY_MAX, BMC_SEL_CAPACITY_MAX},
	    {BMC_SEL_CAPACITY_MAX + 1, BMC_SEL_CAPACITY_MAX},
	};
	struct harness *h;
	uint8_t rsp[32];
	size_t n, i;

	(void)state;
	/* Out-of-range capacities are brought into range; Get SEL Allocation Info says what we got. */
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		h = h_sel_conf(caps[i].conf, BMC_SEL_STOP);
		assert_int_equal(bmc_get_conf(h->bmc)->sel_capacity, caps[i].want);
		n = CMD0(h, PRIV_USER, GET_SEL_ALLOC_INFO);
		EXPECT(n, CC_OK, LE16(caps[i].want), LE16(BMC_SEL_ENTRY_LEN), LE16(caps[i].want),
		    LE16(caps[i].want), 1);
		h_free(h);
	}
	/* A capacity the allocation does not grow to in powers of two: exactly that many fit. */
	h = h_sel_conf(100, BMC_SEL_STOP);
	for (i = 1; i <= 100; i++) {
		uint8_t rec[16];

		numbered(rec, (unsigned)i);
		assert_int_equal(add_entry(h, rec), i);
	}
	n = h_cmd(h, PRIV_OPERATOR, NETFN_STORAGE, ADD_SEL_ENTRY, sys_event, 16, rsp, sizeof(rsp));
	EXPECT(n, CC_OUT_OF_SPACE);
	for (i = 1; i <= 100; i++) {
		uint8_t rec[16];

		assert_int_equal(bmc_sel_get_id(h->bmc, (uint16_t)i, rec), 0);
		assert_int_equal(rec[13] | rec[14] << 8, i);
	}
	h_free(h);
}

static void
test_full_stop(void **state)
{
	struct harness *h = h_sel_conf(SMALL_CAP, BMC_SEL_STOP);
	uint8_t rsp[32], rec[16];
	struct sel_info si;
	size_t n, i, base, fan2;
	uint16_t r;

	(void)state;
	h_sensors_default(h);
	fan2 = h_sensor(h, "FAN2");
	base = bmc_sel_count(h->bmc);
	assert_true(base < SMALL_CAP);
	si = sel_info(h);
	assert_int_equal(si.free, (SMALL_CAP - base) * BMC_SEL_ENTRY_LEN);
	for (i = base; i < SMALL_CAP; i++) {
		numbered(rec, (unsigned)i);
		(void)add_entry(h, rec);
	}
	/* Exactly full is not yet overflow. */
	si = sel_info(h);
	assert_int_equal(si.entries, SMALL_CAP);
	assert_int_equal(si.free, 0);
	assert_int_equal(si.ops, SEL_OPS);

	/* One more: C4h, nothing for the store, and the overflow flag goes up. */
	h->now.wall_s = T0 + 99;
	n = CMD(h, PRIV_OPERATOR, ADD_SEL_ENTRY, 0, 0, 0x02, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
	EXPECT(n, CC_OUT_OF_SPACE);
	assert_int_equal(h->out.nfx, 0);
	assert_false(durable);
	si = sel_info(h);
	assert_int_equal(si.entries, SMALL_CAP);
	assert_int_equal(si.free, 0);
	assert_int_equal(si.ops, SEL_OVERFLOW | SEL_OPS);
	assert_true(si.add_ts != T0 + 99);
	n = CMD0(h, PRIV_USER, GET_SEL_ALLOC_INFO);
	EXPECT(n, CC_OK, LE16(SMALL_CAP), LE16(BMC_SEL_ENTRY_LEN), LE16(0), LE16(0), 1);
	/* The same refusal for Partial Add's last piece, the operator's add, an import, a sensor event. */
	r = reserve(h);
	n = partial_add(h, r, 0x0000, 0, LAST_PIECE, sys_event, 16, rsp, sizeof(rsp));
	EXPECT(n, CC_OUT_OF_SPACE);
	assert_int_equal(h->out.nfx, 0);
	bmc_out_reset(&h->out);
	assert_int_equal(bmc_sel_add(h->bmc, &h->now, sys_event, &h->out), -1);
	assert_int_equal(bmc_sel_import(h->bmc, &h->now, sys_event, &h->out), -1);
	bmc_sensor_feed(h->bmc, &h->now, fan2, 300, 0, true, &h->out);
	assert_int_equal(h->out.nfx, 0);
	assert_non_null(strstr(h->log, "SEL full"));
	/* The oldest entries stay. */
	assert_int_equal(bmc_sel_count(h->bmc), SMALL_CAP);
	assert_int_equal(get_entry(h, 0x0000, rec, NULL), CC_OK);
	assert_int_equal(U16(rec), 1);
	assert_int_equal(get_entry(h, 0xffff, rec, NULL), CC_OK);
	assert_int_equal(U16(rec), SMALL_CAP);

	/* Deleting one makes room for one; the flag stays up, for events were lost. */
	r = reserve(h);
	n = CMD(h, PRIV_OPERATOR, DELETE_SEL_ENTRY, LE16(r), LE16(0x0000));
	EXPECT(n, CC_OK, LE16(1));
	si = sel_info(h);
	assert_int_equal(si.free, BMC_SEL_ENTRY_LEN);
	assert_int_equal(si.ops, SEL_OVERFLOW | SEL_OPS);
	assert_int_equal(add_entry(h, sys_event), SMALL_CAP + 1);
	n = h_cmd(h, PRIV_OPERATOR, NETFN_STORAGE, ADD_SEL_ENTRY, sys_event, 16, rsp, sizeof(rsp));
	EXPECT(n, CC_OUT_OF_SPACE);
	/* Clearing takes the flag down. */
	r = reserve(h);
	n = CMD(h, PRIV_OPERATOR, CLEAR_SEL, LE16(r), 'C', 'L', 'R', 0xaa);
	EXPECT(n, CC_OK, 0x01);
	assert_int_equal(sel_info(h).ops, SEL_OPS);
	h_free(h);
}

static void
test_full_overwrite(void **state)
{
	struct harness *h = h_sel_conf(SMALL_CAP, BMC_SEL_OVERWRITE);
	uint8_t rsp[32], rec[16];
	struct sel_info si;
	size_t n, i;
	uint16_t r, id;
	int del, add;

	(void)state;
	for (i = 1; i <= SMALL_CAP; i++) {
		numbered(rec, (unsigned)i);
		assert_int_equal(add_entry(h, rec), i);
		assert_int_equal(h->out.nfx, 1);
	}
	si = sel_info(h);
	assert_int_equal(si.free, 0);
	assert_int_equal(si.ops, SEL_OPS);

	/* One more: the oldest goes, and the store hears of the delete before the add. */
	h->now.wall_s = T0 + 50;
	numbered(rec, SMALL_CAP + 1);
	n = h_cmd_durable(
	    h, PRIV_OPERATOR, NETFN_STORAGE, ADD_SEL_ENTRY, rec, 16, rsp, sizeof(rsp), &durable);
	EXPECT(n, CC_OK, LE16(SMALL_CAP + 1));
	assert_true(durable);
	assert_int_equal(h->out.nfx, 2);
	assert_int_equal(h->out.fx[0].kind, FX_SEL_DELETE);
	assert_int_equal(h->out.fx[0].arg, 1);
	assert_int_equal(h->out.fx[1].kind, FX_SEL_ADD);
	assert_int_equal(h->out.fx[1].arg, SMALL_CAP + 1);
	assert_int_equal(get_entry(h, 1, NULL, NULL), CC_NOT_PRESENT);
	assert_ids(h, 2, SMALL_CAP + 1);
	si = sel_info(h);
	assert_int_equal(si.entries, SMALL_CAP);
	assert_int_equal(si.free, 0);
	assert_int_equal(si.add_ts, T0 + 50);
	assert_int_equal(si.ops, SEL_OVERFLOW | SEL_OPS);

	/* A whole log's worth more: each pushes out the then-oldest. */
	for (i = SMALL_CAP + 2; i <= 2 * SMALL_CAP + 1; i++) {
		numbered(rec, (unsigned)i);
		assert_int_equal(add_entry(h, rec), i);
		assert_int_equal(h->out.nfx, 2);
		assert_int_equal(h->out.fx[0].kind, FX_SEL_DELETE);
		assert_int_equal(h->out.fx[0].arg, i - SMALL_CAP);
		assert_int_equal(h->out.fx[1].kind, FX_SEL_ADD);
	}
	assert_ids(h, SMALL_CAP + 2, 2 * SMALL_CAP + 1);
	for (i = SMALL_CAP + 2; i <= 2 * SMALL_CAP + 1; i++) {
		assert_int_equal(bmc_sel_get_id(h->bmc, (uint16_t)i, rec), 0);
		assert_int_equal(rec[13] | rec[14] << 8, i);
	}

	/* Partial Add's last piece, the operator's add, an import: the same. */
	r = reserve(h);
	n = partial_add(h, r, 0x0000, 0, LAST_PIECE, sys_event, 16, rsp, sizeof(rsp));
	EXPECT(n, CC_OK, LE16(2 * SMALL_CAP + 2));
	assert_int_equal(h->out.nfx, 2);
	assert_int_equal(h->out.fx[0].kind, FX_SEL_DELETE);
	assert_int_equal(h->out.fx[0].arg, SMALL_CAP + 2);
	assert_int_equal(h->out.fx[1].kind, FX_SEL_ADD);
	assert_int_equal(h->out.fx[1].arg, 2 * SMALL_CAP + 2);
	bmc_out_reset(&h->out);
	assert_int_equal(bmc_sel_add(h->bmc, &h->now, sys_event, &h->out), 2 * SMALL_CAP + 3);
	assert_int_equal(bmc_sel_import(h->bmc, &h->now, sys_event, &h->out), 2 * SMALL_CAP + 4);
	del = h_fx_find(h, FX_SEL_DELETE, SMALL_CAP + 3);
	add = h_fx_find(h, FX_SEL_ADD, 2 * SMALL_CAP + 3);
	assert_true(del >= 0 && add > del);
	del = h_fx_find(h, FX_SEL_DELETE, SMALL_CAP + 4);
	add = h_fx_find(h, FX_SEL_ADD, 2 * SMALL_CAP + 4);
	assert_true(del >= 0 && add > del);
	assert_int_equal(h->out.nfx, 4);
	assert_ids(h, SMALL_CAP + 5, 2 * SMALL_CAP + 4);

	/* A delete makes room: the next add pushes nothing out. */
	r = reserve(h);
	n = CMD(h, PRIV_OPERATOR, DELETE_SEL_ENTRY, LE16(r), LE16(0xffff));
	EXPECT(n, CC_OK, LE16(2 * SMALL_CAP + 4));
	id = add_entry(h, sys_event);
	assert_int_equal(id, 2 * SMALL_CAP + 5);
	assert_int_equal(h->out.nfx, 1);
	assert_int_equal(h->out.fx[0].kind, FX_SEL_ADD);
	/* Clearing takes the flag down. */
	r = reserve(h);
	n = CMD(h, PRIV_OPERATOR, CLEAR_SEL, LE16(r), 'C', 'L', 'R', 0xaa);
	EXPECT(n, CC_OK, 0x01);
	assert_int_equal(sel_info(h).ops, SEL_OPS);
	h_free(h);
}

/*
 * Get SEL Info's free space (IPMI 2.0 31.2): "FFFFh indicates 65535 or more
 * bytes", unlike the SDR repository's FFFEh.
 */
static void
test_sel_info_free_space_saturates(void **state)
{
	static const struct {
		uint16_t cap;
		uint16_t free;
	} caps[] = {
	    {4095, 4095 * BMC_SEL_ENTRY_LEN}, /* 65520: exact */
	    {4096, 0xffff}, /* 65536 */
	    {BMC_SEL_CAPACITY_MAX, 0xffff},
	};
	struct harness *h;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		h = h_sel_conf(caps[i].cap, BMC_SEL_STOP);
		assert_int_equal(sel_info(h).free, caps[i].free);
		h_free(h);
	}
}

/* ---- the log rebuilt from the store ---- */

/* Every entry, oldest first, as the store would hold them; returns how many. */
static size_t
export_sel(struct harness *h, uint8_t (*recs)[16], size_t max)
{
	size_t n = bmc_sel_count(h->bmc), i;

	assert_true(n <= max);
	for (i = 0; i < n; i++)
		h_sel(h, i, recs[i]);
	return n;
}

static void
restore_sel(struct harness *h, const uint8_t (*recs)[16], size_t n)
{
	size_t i;

	bmc_sel_reset(h->bmc);
	for (i = 0; i < n; i++)
		bmc_sel_restore(h->bmc, recs[i]);
}

/* Both instances answer every Get SEL Entry of the chain (and the aliases) the same. */
static void
assert_same_entries(struct harness *a, struct harness *b)
{
	uint8_t ra[32], rb[32];
	uint16_t id = 0x0000;
	size_t na, nb, count = 0;

	assert_int_equal(bmc_sel_count(a->bmc), bmc_sel_count(b->bmc));
	for (;;) {
		na = h_cmd(a, PRIV_USER, NETFN_STORAGE, GET_SEL_ENTRY,
		    (const uint8_t[]){0, 0, LE16(id), 0, 0xff}, 6, ra, sizeof(ra));
		nb = h_cmd(b, PRIV_USER, NETFN_STORAGE, GET_SEL_ENTRY,
		    (const uint8_t[]){0, 0, LE16(id), 0, 0xff}, 6, rb, sizeof(rb));
		assert_int_equal(na, nb);
		assert_memory_equal(ra, rb, na);
		if (ra[0] != CC_OK || U16(ra + 1) == 0xffff)
			break;
		id = U16(ra + 1);
		assert_true(++count <= bmc_sel_count(a->bmc));
	}
	na = h_cmd(a, PRIV_USER, NETFN_STORAGE, GET_SEL_ENTRY, (const uint8_t[]){0, 0, LE16(0xffff), 0, 0xff},
	    6, ra, sizeof(ra));
	nb = h_cmd(b, PRIV_USER, NETFN_STORAGE, GET_SEL_ENTRY, (const uint8_t[]){0, 0, LE16(0xffff), 0, 0xff},
	    6, rb, sizeof(rb));
	assert_int_equal(na, nb);
	assert_memory_equal(ra, rb, na);
}

static void
test_restore(void **state)
{
	struct harness *a = h_sel_conf(SMALL_CAP, BMC_SEL_OVERWRITE),
	               *b = h_sel_conf(SMALL_CAP, BMC_SEL_OVERWRITE);
	uint8_t rsp[32], rec[16], recs[64][16];
	size_t n, i, count;
	uint16_t r, last;

	(void)state;
	/* A log that wrapped (IDs 1..4 pushed out) and lost one in the middle. */
	for (i = 1; i <= SMALL_CAP + 4; i++) {
		a->now.wall_s = T0 + i;
		numbered(rec, (unsigned)i);
		(void)add_entry(a, i % 3 ? rec : oem_nots);
	}
	r = reserve(a);
	n = CMD(a, PRIV_OPERATOR, DELETE_SEL_ENTRY, LE16(r), LE16(10));
	EXPECT(n, CC_OK, LE16(10));
	last = SMALL_CAP + 4;
	count = export_sel(a, recs, 64);
	assert_int_equal(count, SMALL_CAP - 1);

	/* Another instance (a restart) rebuilt from it reads the same, entry for entry. */
	restore_sel(b, (const uint8_t(*)[16])recs, count);
	assert_same_entries(a, b);
	assert_int_equal(sel_info(b).entries, count);
	/* New IDs continue after the last restored one, in both. */
	b->now = a->now;
	assert_int_equal(add_entry(a, sys_event), last + 1);
	assert_int_equal(add_entry(b, sys_event), last + 1);
	assert_same_entries(a, b);

	/* A rollback: the entry whose commit failed is gone, and its ID is handed out again. */
	count = export_sel(a, recs, 64);
	last = U16(recs[count - 1]);
	assert_int_equal(add_entry(a, sys_event), last + 1);
	r = reserve(a);
	restore_sel(a, (const uint8_t(*)[16])recs, count);
	assert_int_equal(bmc_sel_count(a->bmc), count);
	assert_int_equal(get_entry(a, last + 1, NULL, NULL), CC_NOT_PRESENT);
	assert_int_equal(get_entry(a, 0xffff, rec, NULL), CC_OK);
	assert_memory_equal(rec, recs[count - 1], 16);
	/* The rebuild cancelled the reservation. */
	n = CMD(a, PRIV_USER, GET_SEL_ENTRY, LE16(r), LE16(0x0000), 1, 2);
	EXPECT(n, CC_RESERVATION);
	assert_int_equal(add_entry(a, sys_event), last + 1);
	h_free(a);
	h_free(b);
}

static void
test_restore_ids(void **state)
{
	struct harness *h = h_sel_conf(SMALL_CAP, BMC_SEL_STOP);
	uint8_t rec[16], recs[4][16];
	uint16_t ids[8];

	(void)state;
	/* Stored IDs near the top of the range: new ones wrap to 0001h, skipping FFFFh and 0000h. */
	memcpy(recs[0], sys_event, 16);
	recs[0][0] = 0xfd;
	recs[0][1] = 0xff;
	memcpy(recs[1], sys_event, 16);
	recs[1][0] = 0xfe;
	recs[1][1] = 0xff;
	restore_sel(h, (const uint8_t(*)[16])recs, 2);
	assert_int_equal(add_entry(h, sys_event), 0x0001);
	assert_int_equal(walk_ids(h, ids, 8), 3);
	assert_int_equal(ids[0], 0xfffd);
	assert_int_equal(ids[1], 0xfffe);
	assert_int_equal(ids[2], 0x0001);
	/* Arrival order is the stored order, not ID order; the next ID follows the last restored one. */
	memcpy(recs[2], sys_event, 16);
	recs[2][0] = 0x01;
	recs[2][1] = 0x00;
	restore_sel(h, (const uint8_t(*)[16])recs + 1, 2);
	assert_int_equal(add_entry(h, sys_event), 0x0002);
	assert_int_equal(get_entry(h, 0x0000, rec, NULL), CC_OK);
	assert_int_equal(U16(rec), 0xfffe);

	/* Records no log can hold are skipped: IDs 0000h and FFFFh, and a second record with an ID. */
	memcpy(recs[0], sys_event, 16);
	recs[0][0] = 0x00;
	recs[0][1] = 0x00;
	memcpy(recs[1], sys_event, 16);
	recs[1][0] = 0xff;
	recs[1][1] = 0xff;
	memcpy(recs[2], sys_event, 16);
	recs[2][0] = 0x07;
	recs[2][1] = 0x00;
	memcpy(recs[3], oem_nots, 16);
	recs[3][0] = 0x07;
	recs[3][1] = 0x00;
	restore_sel(h, (const uint8_t(*)[16])recs, 4);
	assert_int_equal(bmc_sel_count(h->bmc), 1);
	assert_int_equal(bmc_sel_get_id(h->bmc, 7, rec), 0);
	assert_int_equal(rec[2], 0x02);
	assert_int_equal(add_entry(h, sys_event), 8);
	h_free(h);
}

/* A store written with a larger capacity: the newest entries are kept, and the flag says some were lost. */
static void
test_restore_into_smaller_log(void **state)
{
	struct harness *a = h_sel_conf(2 * SMALL_CAP, BMC_SEL_STOP), *b = h_sel_conf(SMALL_CAP, BMC_SEL_STOP);
	uint8_t rec[16], recs[64][16];
	struct sel_info si;
	size_t i, count;

	(void)state;
	for (i = 1; i <= SMALL_CAP + 4; i++) {
		numbered(rec, (unsigned)i);
		(void)add_entry(a, rec);
	}
	count = export_sel(a, recs, 64);
	restore_sel(b, (const uint8_t(*)[16])recs, count);
	assert_ids(b, 5, SMALL_CAP + 4);
	si = sel_info(b);
	assert_int_equal(si.entries, SMALL_CAP);
	assert_int_equal(si.free, 0);
	assert_int_equal(si.ops, SEL_OVERFLOW | SEL_OPS);
	for (i = 5; i <= SMALL_CAP + 4; i++) {
		assert_int_equal(bmc_sel_get_id(b->bmc, (uint16_t)i, rec), 0);
		assert_memory_equal(rec, recs[i - 1], 16);
	}
	/* A rebuild starts from an empty log: the flag is down again when the store fits. */
	restore_sel(b, (const uint8_t(*)[16])recs, SMALL_CAP);
	assert_int_equal(sel_info(b).ops, SEL_OPS);
	h_free(a);
	h_free(b);
}

/*
 * bmc_sel_restore() looks at the record before it makes room in a full log:
 * a record it skips (ID 0000h/FFFFh, or an ID already there) pushes nothing
 * out and raises no overflow flag.
 */
static void
test_restore_skipped_record_keeps_full_log(void **state)
{
	struct harness *h = h_sel_conf(SMALL_CAP, BMC_SEL_STOP);
	uint8_t rec[16], recs[SMALL_CAP][16];
	size_t i;

	(void)state;
	for (i = 0; i < SMALL_CAP; i++) {
		numbered(recs[i], (unsigned)i);
		recs[i][0] = (uint8_t)(i + 1);
		recs[i][1] = 0;
	}
	restore_sel(h, (const uint8_t(*)[16])recs, SMALL_CAP);
	assert_int_equal(bmc_sel_count(h->bmc), SMALL_CAP);
	/* Skipped records: a duplicate of the newest, and ID 0000h. */
	bmc_sel_restore(h->bmc, recs[SMALL_CAP - 1]);
	memcpy(rec, sys_event, 16);
	rec[0] = rec[1] = 0;
	bmc_sel_restore(h->bmc, rec);
	assert_int_equal(bmc_sel_count(h->bmc), SMALL_CAP);
	assert_ids(h, 1, SMALL_CAP);
	assert_int_equal(sel_info(h).ops, SEL_OPS);
	h_free(h);
}

/* ---- the operator's add and import ---- */

static void
test_add_stamps_import_keeps(void **state)
{
	static const uint8_t types[] = {0x02, 0xc0, 0xdf, 0xe0, 0xff};
	struct harness *h = h_new(NULL);
	uint8_t rec[16], in[16];
	size_t i;
	int id;

	(void)state;
	h->now.wall_s = T0 + 42;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		bool stamped = types[i] < 0xe0;

		memcpy(in, sys_event, 16);
		in[2] = types[i];
		/* Add SEL Entry: a new ID; our timestamp for 02h and C0h..DFh, theirs kept for E0h..FFh. */
		id = add_entry(h, in);
		assert_int_equal(bmc_sel_get_id(h->bmc, (uint16_t)id, rec), 0);
		assert_int_equal(U16(rec), id);
		assert_int_equal(U32(rec + 3), stamped ? T0 + 42 : U32(in + 3));
		assert_memory_equal(rec + 7, in + 7, 9);
		/* The operator's add (CLI): the same rule. */
		bmc_out_reset(&h->out);
		id = bmc_sel_add(h->bmc, &h->now, in, &h->out);
		assert_true(id > 0);
		assert_int_equal(h->out.nfx, 1);
		assert_int_equal(h->out.fx[0].kind, FX_SEL_ADD);
		assert_int_equal(h->out.fx[0].arg, (uint32_t)id);
		assert_int_equal(bmc_sel_get_id(h->bmc, (uint16_t)id, rec), 0);
		assert_int_equal(U16(rec), id);
		assert_int_equal(U32(rec + 3), stamped ? T0 + 42 : U32(in + 3));
		/* Import: a new ID, but every record keeps its own timestamp. */
		bmc_out_reset(&h->out);
		id = bmc_sel_import(h->bmc, &h->now, in, &h->out);
		assert_true(id > 0);
		assert_int_equal(h->out.nfx, 1);
		assert_int_equal(h->out.fx[0].kind, FX_SEL_ADD);
		assert_int_equal(h->out.fx[0].arg, (uint32_t)id);
		assert_int_equal(bmc_sel_get_id(h->bmc, (uint16_t)id, rec), 0);
		assert_int_equal(U16(rec), id);
		assert_memory_equal(rec + 2, in + 2, 14);
	}
	assert_int_equal(bmc_sel_count(h->bmc), 3 * sizeof(types));
	/* Imports are additions all the same. */
	assert_int_equal(sel_info(h).add_ts, T0 + 42);
	h_free(h);
}

/* ---- request lengths and privileges ---- */

static void
test_request_lengths_and_privileges(void **state)
{
	static const struct {
		uint8_t cmd, min, max, priv;
	} cmds[] = {
	    {GET_SEL_INFO, 0, 0, PRIV_USER},
	    {GET_SEL_ALLOC_INFO, 0, 0, PRIV_USER},
	    {RESERVE_SEL, 0, 0, PRIV_USER},
	    {GET_SEL_ENTRY, 6, 6, PRIV_USER},
	    {ADD_SEL_ENTRY, 16, 16, PRIV_OPERATOR},
	    {PARTIAL_ADD_SEL_ENTRY, 6, 6 + 16, PRIV_OPERATOR},
	    {DELETE_SEL_ENTRY, 4, 4, PRIV_OPERATOR},
	    {CLEAR_SEL, 6, 6, PRIV_OPERATOR},
	    {GET_SEL_TIME, 0, 0, PRIV_USER},
	    {SET_SEL_TIME, 4, 4, PRIV_OPERATOR},
	    {GET_SEL_UTC_OFFSET, 0, 0, PRIV_USER},
	    {SET_SEL_UTC_OFFSET, 2, 2, PRIV_OPERATOR},
	};
	struct harness *h = h_new(NULL);
	uint8_t rsp[64], rq[32];
	size_t i, len, n;

	(void)state;
	memset(rq, 0, sizeof(rq));
	add_entry(h, sys_event);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const struct cmd_desc *d = dispatch_find(NETFN_STORAGE, cmds[i].cmd);

		assert_non_null(d);
		assert_int_equal(d->min_len, cmds[i].min);
		assert_int_equal(d->max_len, cmds[i].max);
		assert_int_equal(d->min_priv, cmds[i].priv);
		/* Every length outside [min, max], up to one past max: C7h, no effect. */
		for (len = 0; len <= cmds[i].max + 1u; len++) {
			if (len >= cmds[i].min && len <= cmds[i].max)
				continue;
			n = h_cmd_durable(
			    h, PRIV_ADMIN, NETFN_STORAGE, cmds[i].cmd, rq, len, rsp, sizeof(rsp), &durable);
			assert_int_equal(n, 1);
			if (rsp[0] != CC_REQ_LEN)
				fail_msg(
				    "cmd %02Xh with %zu bytes: %02Xh, want C7h", cmds[i].cmd, len, rsp[0]);
			assert_int_equal(h->out.nfx, 0);
			assert_false(durable);
		}
		/* One level below the command's privilege: D4h, no effect. */
		n = h_cmd_durable(h, (uint8_t)(cmds[i].priv - 1), NETFN_STORAGE, cmds[i].cmd, rq, cmds[i].min,
		    rsp, sizeof(rsp), &durable);
		assert_int_equal(n, 1);
		if (rsp[0] != CC_INSUFFICIENT_PRIV)
			fail_msg("cmd %02Xh at privilege %u: %02Xh, want D4h", cmds[i].cmd, cmds[i].priv - 1u,
			    rsp[0]);
		assert_int_equal(h->out.nfx, 0);
	}
	/* Nothing was added, deleted or cleared, and the clock and offset are as they were. */
	assert_int_equal(bmc_sel_count(h->bmc), 1);
	n = CMD0(h, PRIV_USER, GET_SEL_TIME);
	EXPECT(n, CC_OK, LE32(T0));
	n = CMD0(h, PRIV_USER, GET_SEL_UTC_OFFSET);
	EXPECT(n, CC_OK, LE16(UTC_UNSPECIFIED));
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_delete_needs_reservation),
	    cmocka_unit_test(test_delete_entry),
	    cmocka_unit_test(test_partial_add_pieces),
	    cmocka_unit_test(test_partial_add_errors),
	    cmocka_unit_test(test_partial_add_short_record),
	    cmocka_unit_test(test_utc_offset),
	    cmocka_unit_test(test_sel_time_persists),
	    cmocka_unit_test(test_capacity_configured),
	    cmocka_unit_test(test_full_stop),
	    cmocka_unit_test(test_full_overwrite),
	    cmocka_unit_test(test_sel_info_free_space_saturates),
	    cmocka_unit_test(test_restore),
	    cmocka_unit_test(test_restore_ids),
	    cmocka_unit_test(test_restore_into_smaller_log),
	    cmocka_unit_test(test_restore_skipped_record_keeps_full_log),
	    cmocka_unit_test(test_add_stamps_import_keeps),
	    cmocka_unit_test(test_request_lengths_and_privileges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
