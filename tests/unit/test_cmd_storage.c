/*
 * Storage commands (netFn 0Ah) through the dispatcher: the SDR repository
 * (info, allocation, reservations, whole and partial reads, a full walk) and
 * the SEL (info, reservations, add, get, clear, time, the default full-log
 * policy).  Delete, partial add, the UTC offset, small logs and their
 * policies, restore and import are in test_sel.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define CMD(h, priv, cmd, ...)                                                                               \
	h_cmd(h, priv, NETFN_STORAGE, cmd, (const uint8_t[]){__VA_ARGS__},                                   \
	    sizeof((const uint8_t[]){__VA_ARGS__}), rsp, sizeof(rsp))
#define CMD0(h, priv, cmd) h_cmd(h, priv, NETFN_STORAGE, cmd, NULL, 0, rsp, sizeof(rsp))
#define EXPECT(n, ...)                                                                                       \
	do {                                                                                                 \
		const uint8_t want_[] = {__VA_ARGS__};                                                       \
		assert_int_equal(rsp[0], want_[0]); /* the completion code first: the clearer message */     \
		assert_int_equal((n), sizeof(want_));                                                        \
		assert_memory_equal(rsp, want_, sizeof(want_));                                              \
	} while (0)
#define LE16(v) (uint8_t)(v), (uint8_t)((v) >> 8)
#define LE32(v) (uint8_t)(v), (uint8_t)((v) >> 8), (uint8_t)((v) >> 16), (uint8_t)((v) >> 24)

#define T0 1700000000u /* the harness's wall clock */
#define NB_RECORDS 30 /* 28 built-in sensors, the FRU and MC locators */
#define SEL_CAP ((unsigned)BMC_SEL_CAPACITY_DEFAULT) /* entries, with the default config */
/* Get SEL Info free space: exact below 65535 bytes, which the default capacity is. */
#define SEL_FREE(n) LE16((SEL_CAP - (n)) * BMC_SEL_ENTRY_LEN)
_Static_assert(
    (BMC_SEL_CAPACITY_DEFAULT * BMC_SEL_ENTRY_LEN) < 0xffff, "SEL_FREE() needs an exact free space");
#define SEL_OPS 0x0f /* Get SEL Info operation support: delete, partial add, reserve, allocation info */
#define SEL_OVERFLOW 0x80 /* ... and the overflow flag */

enum {
	GET_SDR_REPO_INFO = 0x20,
	GET_SDR_ALLOC_INFO = 0x21,
	RESERVE_SDR = 0x22,
	GET_SDR = 0x23,
	GET_SDR_TIME = 0x28,
	GET_SEL_INFO = 0x40,
	GET_SEL_ALLOC_INFO = 0x41,
	RESERVE_SEL = 0x42,
	GET_SEL_ENTRY = 0x43,
	ADD_SEL_ENTRY = 0x44,
	CLEAR_SEL = 0x47,
	GET_SEL_TIME = 0x48,
	SET_SEL_TIME = 0x49,
};

static struct harness *
setup(void)
{
	struct harness *h = h_new(NULL);

	h_sensors_default(h);
	return h;
}

static uint16_t
reserve(struct harness *h, uint8_t cmd)
{
	uint8_t rsp[8];
	size_t n = CMD0(h, PRIV_USER, cmd);

	assert_int_equal(n, 3);
	assert_int_equal(rsp[0], CC_OK);
	assert_int_not_equal(rsp[1] | rsp[2] << 8, 0);
	return (uint16_t)(rsp[1] | rsp[2] << 8);
}

/* The repository's record with this ID, as stored. */
static const uint8_t *
stored_record(struct harness *h, uint16_t id, size_t *len)
{
	const struct sdr_rec *r = sdr_repo_find(&h->bmc->sdr, id);

	assert_non_null(r);
	*len = r->len;
	return h->bmc->sdr.bytes + r->off;
}

/* ---- SDR repository ---- */

static void
test_sdr_repo_info(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t rsp[64];
	size_t n, used, units;

	(void)state;
	/* Empty (no sensors set): no records, everything free. */
	n = CMD0(h, PRIV_USER, GET_SDR_REPO_INFO);
	EXPECT(n, CC_OK, 0x51, LE16(0), LE16(0xfffe), LE32(0), LE32(0), 0x03);
	h->now.wall_s = T0 + 100;
	h_sensors_default(h);
	h->now.wall_s = T0 + 200;
	used = bmc_sdr_export(h->bmc, NULL, 0);
	assert_true(used > NB_RECORDS * 16 && used < 0xfffe);
	/* Version 51h, records, free bytes, the load time as latest addition, reserve + allocation info. */
	n = CMD0(h, PRIV_USER, GET_SDR_REPO_INFO);
	EXPECT(n, CC_OK, 0x51, LE16(NB_RECORDS), LE16(65535 - used), LE32(T0 + 100), LE32(0), 0x03);
	/* Allocation: 16-byte units. */
	units = (used + 15) / 16;
	n = CMD0(h, PRIV_USER, GET_SDR_ALLOC_INFO);
	EXPECT(n, CC_OK, LE16(4095), LE16(16), LE16(4095 - units), LE16(4095 - units), 17);
	/* The repository's clock is the SEL's. */
	n = CMD0(h, PRIV_USER, GET_SDR_TIME);
	EXPECT(n, CC_OK, LE32(T0 + 200));
	h_free(h);
}

static void
test_get_sdr_whole_and_header(void **state)
{
	struct harness *h = setup();
	uint8_t rsp[300];
	const uint8_t *rec;
	size_t n, len;

	(void)state;
	/* 0000h: the first record, whole with FFh; next is 0002h. */
	rec = stored_record(h, 1, &len);
	assert_int_equal(len, 48 + 9); /* "CPU1 Temp" */
	n = CMD(h, PRIV_USER, GET_SDR, LE16(0), LE16(0x0000), 0, 0xff);
	assert_int_equal(n, 3 + len);
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(rsp[1] | rsp[2] << 8, 0x0002);
	assert_memory_equal(rsp + 3, rec, len);
	/* By its own ID: the same. */
	n = CMD(h, PRIV_USER, GET_SDR, LE16(0), LE16(0x0001), 0, 0xff);
	assert_int_equal(n, 3 + len);
	assert_memory_equal(rsp + 3, rec, len);
	/* The header alone needs no reservation. */
	n = CMD(h, PRIV_USER, GET_SDR, LE16(0), LE16(0x0006), 0, 5);
	EXPECT(n, CC_OK, LE16(0x0007), 0x06, 0x00, 0x51, 0x01, 48 + 3 - 5);
	/* A count past the end reads what there is. */
	n = CMD(h, PRIV_USER, GET_SDR, LE16(0), LE16(0x0006), 0, 200);
	assert_int_equal(n, 3 + 51);
	/* FFFFh: the last record (the MC locator), and the chain ends there. */
	rec = stored_record(h, NB_RECORDS, &len);
	n = CMD(h, PRIV_USER, GET_SDR, LE16(0), LE16(0xffff), 0, 0xff);
	assert_int_equal(n, 3 + len);
	assert_int_equal(rsp[1] | rsp[2] << 8, 0xffff);
	assert_int_equal(rsp[3 + 3], 0x12);
	assert_memory_equal(rsp + 3, rec, len);
	n = CMD(h, PRIV_USER, GET_SDR, LE16(0), LE16(NB_RECORDS), 0, 0xff);
	assert_int_equal(rsp[1] | rsp[2] << 8, 0xffff);
	/* Missing IDs. */
	n = CMD(h, PRIV_USER, GET_SDR, LE16(0), LE16(NB_RECORDS + 1), 0, 0xff);
	EXPECT(n, CC_NOT_PRESENT);
	n = CMD(h, PRIV_USER, GET_SDR, LE16(0), LE16(0x1234), 0, 5);
	EXPECT(n, CC_NOT_PRESENT);
	h_free(h);
	/* An empty repository has no first record either. */
	h = h_new(NULL);
	n = CMD(h, PRIV_USER, GET_SDR, LE16(0), LE16(0x0000), 0, 0xff);
	EXPECT(n, CC_NOT_PRESENT);
	n = CMD(h, PRIV_USER, GET_SDR, LE16(0), LE16(0xffff), 0, 0xff);
	EXPECT(n, CC_NOT_PRESENT);
	h_free(h);
}

static void
test_get_sdr_partial_and_reservations(void **state)
{
	struct harness *h = setup();
	uint8_t rsp[300], got[300];
	const uint8_t *rec;
	size_t n, len, off;
	uint16_t r1, r2, r3;
	struct bmc_sensor_conf confs[64];
	char err[128];

	(void)state;
	rec = stored_record(h, 6, &len);
	r1 = reserve(h, RESERVE_SDR);
	/* A partial read at an offset with the current reservation. */
	n = CMD(h, PRIV_USER, GET_SDR, LE16(r1), LE16(6), 5, 16);
	assert_int_equal(n, 3 + 16);
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(rsp[1] | rsp[2] << 8, 7);
	assert_memory_equal(rsp + 3, rec + 5, 16);
	/* The way ipmitool reads: the header, then the body in pieces. */
	n = CMD(h, PRIV_USER, GET_SDR, LE16(0), LE16(6), 0, 5);
	memcpy(got, rsp + 3, 5);
	for (off = 5; off < len; off += 16) {
		n = CMD(h, PRIV_USER, GET_SDR, LE16(r1), LE16(6), (uint8_t)off, 16);
		assert_int_equal(rsp[0], CC_OK);
		memcpy(got + off, rsp + 3, n - 3);
		assert_int_equal(n - 3, len - off < 16 ? len - off : 16);
	}
	assert_memory_equal(got, rec, len);
	/* Up to the end exactly: no bytes, still fine; past the end: out of range. */
	n = CMD(h, PRIV_USER, GET_SDR, LE16(r1), LE16(6), (uint8_t)len, 1);
	EXPECT(n, CC_OK, LE16(7));
	n = CMD(h, PRIV_USER, GET_SDR, LE16(r1), LE16(6), (uint8_t)(len + 1), 1);
	EXPECT(n, CC_OUT_OF_RANGE);
	/* No reservation, or a wrong one: C5h. */
	n = CMD(h, PRIV_USER, GET_SDR, LE16(0), LE16(6), 5, 16);
	EXPECT(n, CC_RESERVATION);
	n = CMD(h, PRIV_USER, GET_SDR, LE16(r1 + 7), LE16(6), 5, 16);
	EXPECT(n, CC_RESERVATION);
	/* A second Reserve makes the first stale. */
	r2 = reserve(h, RESERVE_SDR);
	assert_int_not_equal(r2, r1);
	n = CMD(h, PRIV_USER, GET_SDR, LE16(r1), LE16(6), 5, 16);
	EXPECT(n, CC_RESERVATION);
	n = CMD(h, PRIV_USER, GET_SDR, LE16(r2), LE16(6), 5, 16);
	assert_int_equal(rsp[0], CC_OK);
	/* Reads from offset 0 ignore the reservation. */
	n = CMD(h, PRIV_USER, GET_SDR, LE16(r1), LE16(6), 0, 0xff);
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(n, 3 + len);
	/* Replacing the sensors cancels every reservation and restamps the repository. */
	h->now.wall_s = T0 + 500;
	n = bmc_sensor_defaults(confs, 64);
	assert_int_equal(bmc_sensors_set(h->bmc, &h->now, confs, n, err, sizeof(err)), BMC_OK);
	n = CMD(h, PRIV_USER, GET_SDR, LE16(r2), LE16(6), 5, 16);
	EXPECT(n, CC_RESERVATION);
	r3 = reserve(h, RESERVE_SDR);
	assert_int_not_equal(r3, r2);
	n = CMD(h, PRIV_USER, GET_SDR, LE16(r3), LE16(6), 5, 16);
	assert_int_equal(rsp[0], CC_OK);
	n = CMD0(h, PRIV_USER, GET_SDR_REPO_INFO);
	assert_int_equal(rsp[6] | rsp[7] << 8 | rsp[8] << 16 | (uint32_t)rsp[9] << 24, T0 + 500);
	h_free(h);
}

static void
test_get_sdr_walk_equals_export(void **state)
{
	struct harness *h = setup();
	uint8_t rsp[300], *walk, *dump;
	size_t n, used = 0, len, count = 0;
	uint16_t id = 0x0000;

	(void)state;
	len = bmc_sdr_export(h->bmc, NULL, 0);
	walk = malloc(len + 300);
	dump = malloc(len);
	assert_non_null(walk);
	assert_non_null(dump);
	assert_int_equal(bmc_sdr_export(h->bmc, dump, len), len);
	do {
		n = CMD(h, PRIV_USER, GET_SDR, LE16(0), LE16(id), 0, 0xff);
		assert_int_equal(rsp[0], CC_OK);
		assert_true(n > 3 + 5);
		assert_true(used + n - 3 <= len);
		/* Each record says its own length. */
		assert_int_equal(n - 3, rsp[3 + 4] + 5u);
		memcpy(walk + used, rsp + 3, n - 3);
		used += n - 3;
		id = (uint16_t)(rsp[1] | rsp[2] << 8);
		assert_true(++count <= NB_RECORDS);
	} while (id != 0xffff);
	assert_int_equal(count, NB_RECORDS);
	assert_int_equal(used, len);
	assert_memory_equal(walk, dump, len);
	free(walk);
	free(dump);
	h_free(h);
}

/* Every command of the netFn: each length outside [min, max] gives C7h; privileges as the spec lists them. */
static void
test_request_lengths_and_privileges(void **state)
{
	static const struct {
		uint8_t cmd, min, max, priv;
	} cmds[] = {
	    {GET_SDR_REPO_INFO, 0, 0, PRIV_USER},
	    {GET_SDR_ALLOC_INFO, 0, 0, PRIV_USER},
	    {RESERVE_SDR, 0, 0, PRIV_USER},
	    {GET_SDR, 6, 6, PRIV_USER},
	    {GET_SDR_TIME, 0, 0, PRIV_USER},
	    {GET_SEL_INFO, 0, 0, PRIV_USER},
	    {GET_SEL_ALLOC_INFO, 0, 0, PRIV_USER},
	    {RESERVE_SEL, 0, 0, PRIV_USER},
	    {GET_SEL_ENTRY, 6, 6, PRIV_USER},
	    {ADD_SEL_ENTRY, 16, 16, PRIV_OPERATOR},
	    {CLEAR_SEL, 6, 6, PRIV_OPERATOR},
	    {GET_SEL_TIME, 0, 0, PRIV_USER},
	    {SET_SEL_TIME, 4, 4, PRIV_OPERATOR},
	};
	struct harness *h = setup();
	uint8_t rsp[300], rq[32];
	size_t i, len, n;

	(void)state;
	memset(rq, 0, sizeof(rq));
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const struct cmd_desc *d = dispatch_find(NETFN_STORAGE, cmds[i].cmd);

		assert_non_null(d);
		assert_int_equal(d->min_len, cmds[i].min);
		assert_int_equal(d->max_len, cmds[i].max);
		assert_int_equal(d->min_priv, cmds[i].priv);
		for (len = 0; len <= cmds[i].max + 1u; len++) {
			if (len >= cmds[i].min && len <= cmds[i].max)
				continue;
			n = h_cmd(h, PRIV_ADMIN, NETFN_STORAGE, cmds[i].cmd, rq, len, rsp, sizeof(rsp));
			assert_int_equal(n, 1);
			if (rsp[0] != CC_REQ_LEN)
				fail_msg(
				    "cmd %02Xh with %zu bytes: %02Xh, want C7h", cmds[i].cmd, len, rsp[0]);
		}
		n = h_cmd(h, (uint8_t)(cmds[i].priv - 1), NETFN_STORAGE, cmds[i].cmd, rq, cmds[i].min, rsp,
		    sizeof(rsp));
		assert_int_equal(n, 1);
		assert_int_equal(rsp[0], CC_INSUFFICIENT_PRIV);
	}
	/* Nothing was added or cleared on the way. */
	assert_int_equal(bmc_sel_count(h->bmc), 0);
	h_free(h);
}

/* ---- SEL ---- */

static uint16_t
add_entry(struct harness *h, const uint8_t rec[16])
{
	uint8_t rsp[8];
	size_t n = h_cmd(h, PRIV_OPERATOR, NETFN_STORAGE, ADD_SEL_ENTRY, rec, 16, rsp, sizeof(rsp));

	assert_int_equal(n, 3);
	assert_int_equal(rsp[0], CC_OK);
	return (uint16_t)(rsp[1] | rsp[2] << 8);
}

static const uint8_t sys_event[16] = {
    0xaa, 0xbb, 0x02, 0x01, 0x02, 0x03, 0x04, 0x41, 0x00, 0x04, 0x12, 0x83, 0x6f, 0x05, 0xff, 0xff};
static const uint8_t oem_ts[16] = {
    0xaa, 0xbb, 0xc1, 0x01, 0x02, 0x03, 0x04, 0x57, 0x01, 0x00, 1, 2, 3, 4, 5, 6};
static const uint8_t oem_nots[16] = {0xaa, 0xbb, 0xe0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};

static void
test_sel_info_add_get(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t rsp[64], rec[16];
	size_t n;
	uint16_t id1, id2, id3;

	(void)state;
	/* Empty and never written: FFFFFFFFh timestamps. */
	n = CMD0(h, PRIV_USER, GET_SEL_INFO);
	EXPECT(n, CC_OK, 0x51, LE16(0), SEL_FREE(0), LE32(0xffffffffu), LE32(0xffffffffu), SEL_OPS);
	n = CMD0(h, PRIV_USER, GET_SEL_ALLOC_INFO);
	EXPECT(n, CC_OK, LE16(SEL_CAP), LE16(16), LE16(SEL_CAP), LE16(SEL_CAP), 1);
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(0), LE16(0x0000), 0, 0xff);
	EXPECT(n, CC_NOT_PRESENT);
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(0), LE16(0xffff), 0, 0xff);
	EXPECT(n, CC_NOT_PRESENT);

	/* A system event record gets its ID and our timestamp; the edge hears of it. */
	h->now.wall_s = T0 + 1;
	id1 = add_entry(h, sys_event);
	assert_int_equal(id1, 1);
	assert_int_equal(h->out.nfx, 1);
	assert_int_equal(h->out.fx[0].kind, FX_SEL_ADD);
	assert_int_equal(h->out.fx[0].arg, id1);
	h_sel(h, 0, rec);
	{
		const uint8_t want[16] = {
		    LE16(1), 0x02, LE32(T0 + 1), 0x41, 0x00, 0x04, 0x12, 0x83, 0x6f, 0x05, 0xff, 0xff};
		assert_memory_equal(rec, want, 16);
	}
	/* OEM timestamped (C0h..DFh): stamped too; non-timestamped OEM (E0h..FFh): kept as sent. */
	h->now.wall_s = T0 + 2;
	id2 = add_entry(h, oem_ts);
	h_sel(h, 1, rec);
	{
		const uint8_t want[16] = {LE16(2), 0xc1, LE32(T0 + 2), 0x57, 0x01, 0x00, 1, 2, 3, 4, 5, 6};
		assert_memory_equal(rec, want, 16);
	}
	h->now.wall_s = T0 + 3;
	id3 = add_entry(h, oem_nots);
	h_sel(h, 2, rec);
	{
		const uint8_t want[16] = {LE16(3), 0xe0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
		assert_memory_equal(rec, want, 16);
	}
	assert_int_equal(id2, 2);
	assert_int_equal(id3, 3);
	n = CMD0(h, PRIV_USER, GET_SEL_INFO);
	EXPECT(n, CC_OK, 0x51, LE16(3), SEL_FREE(3), LE32(T0 + 3), LE32(0xffffffffu), SEL_OPS);
	n = CMD0(h, PRIV_USER, GET_SEL_ALLOC_INFO);
	EXPECT(n, CC_OK, LE16(SEL_CAP), LE16(16), LE16(SEL_CAP - 3), LE16(SEL_CAP - 3), 1);

	/* First, next, next, last; FFFFh is the last and ends the chain. */
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(0), LE16(0x0000), 0, 0xff);
	assert_int_equal(n, 3 + 16);
	assert_int_equal(rsp[1] | rsp[2] << 8, id2);
	h_sel(h, 0, rec);
	assert_memory_equal(rsp + 3, rec, 16);
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(0), LE16(id2), 0, 0xff);
	assert_int_equal(rsp[1] | rsp[2] << 8, id3);
	assert_int_equal(rsp[3], 2);
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(0), LE16(id3), 0, 0xff);
	assert_int_equal(rsp[1] | rsp[2] << 8, 0xffff);
	assert_int_equal(rsp[3], 3);
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(0), LE16(0xffff), 0, 0xff);
	assert_int_equal(n, 3 + 16);
	assert_int_equal(rsp[1] | rsp[2] << 8, 0xffff);
	assert_int_equal(rsp[5], 0xe0);
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(0), LE16(4), 0, 0xff);
	EXPECT(n, CC_NOT_PRESENT);
	/* 16 bytes from offset 0 need no reservation either. */
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(0x4321), LE16(id1), 0, 16);
	assert_int_equal(n, 3 + 16);

	/* Add SEL Entry needs operator privilege. */
	n = h_cmd(h, PRIV_USER, NETFN_STORAGE, ADD_SEL_ENTRY, sys_event, 16, rsp, sizeof(rsp));
	EXPECT(n, CC_INSUFFICIENT_PRIV);
	assert_int_equal(bmc_sel_count(h->bmc), 3);
	h_free(h);
}

static void
test_sel_partial_reads(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t rsp[64], rec[16];
	size_t n;
	uint16_t r1, r2;

	(void)state;
	add_entry(h, sys_event);
	add_entry(h, oem_nots);
	h_sel(h, 1, rec);
	r1 = reserve(h, RESERVE_SEL);
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(r1), LE16(2), 10, 6);
	assert_int_equal(n, 3 + 6);
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(rsp[1] | rsp[2] << 8, 0xffff);
	assert_memory_equal(rsp + 3, rec + 10, 6);
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(r1), LE16(2), 10, 0xff);
	assert_int_equal(n, 3 + 6);
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(r1), LE16(0x0000), 2, 3);
	assert_int_equal(n, 3 + 3);
	assert_int_equal(rsp[1] | rsp[2] << 8, 2);
	assert_int_equal(rsp[3], 0x02);
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(r1), LE16(2), 16, 1);
	EXPECT(n, CC_OK, LE16(0xffff));
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(r1), LE16(2), 17, 1);
	EXPECT(n, CC_OUT_OF_RANGE);
	/* Without, with a wrong, with a stale reservation. */
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(0), LE16(2), 10, 6);
	EXPECT(n, CC_RESERVATION);
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(r1 + 1), LE16(2), 10, 6);
	EXPECT(n, CC_RESERVATION);
	r2 = reserve(h, RESERVE_SEL);
	assert_int_not_equal(r1, r2);
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(r1), LE16(2), 10, 6);
	EXPECT(n, CC_RESERVATION);
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(r2), LE16(2), 10, 6);
	assert_int_equal(rsp[0], CC_OK);
	/* SEL and SDR reservations are separate: reserving the repository leaves the SEL's alone. */
	(void)reserve(h, RESERVE_SDR);
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(r2), LE16(2), 10, 6);
	assert_int_equal(rsp[0], CC_OK);
	h_free(h);
}

static void
test_clear_sel(void **state)
{
	struct harness *h = setup();
	uint8_t rsp[64], rec[16];
	size_t n;
	uint16_t r;

	(void)state;
	add_entry(h, sys_event);
	add_entry(h, oem_nots);
	r = reserve(h, RESERVE_SEL);
	/* Not 'CLR', or an unknown operation: CCh, nothing cleared. */
	n = CMD(h, PRIV_OPERATOR, CLEAR_SEL, LE16(r), 'C', 'L', 'X', 0xaa);
	EXPECT(n, CC_INVALID_FIELD);
	n = CMD(h, PRIV_OPERATOR, CLEAR_SEL, LE16(r), 'c', 'l', 'r', 0xaa);
	EXPECT(n, CC_INVALID_FIELD);
	n = CMD(h, PRIV_OPERATOR, CLEAR_SEL, LE16(r), 'C', 'L', 'R', 0x55);
	EXPECT(n, CC_INVALID_FIELD);
	/* Wrong or no reservation: C5h. */
	n = CMD(h, PRIV_OPERATOR, CLEAR_SEL, LE16(r + 1), 'C', 'L', 'R', 0xaa);
	EXPECT(n, CC_RESERVATION);
	n = CMD(h, PRIV_OPERATOR, CLEAR_SEL, LE16(0), 'C', 'L', 'R', 0xaa);
	EXPECT(n, CC_RESERVATION);
	n = CMD(h, PRIV_USER, CLEAR_SEL, LE16(r), 'C', 'L', 'R', 0xaa);
	EXPECT(n, CC_INSUFFICIENT_PRIV);
	/* Erasure status: completed, and nothing erased. */
	n = CMD(h, PRIV_OPERATOR, CLEAR_SEL, LE16(r), 'C', 'L', 'R', 0x00);
	EXPECT(n, CC_OK, 0x01);
	assert_int_equal(bmc_sel_count(h->bmc), 2);

	/* Initiate erase. */
	h->now.wall_s = T0 + 60;
	n = CMD(h, PRIV_OPERATOR, CLEAR_SEL, LE16(r), 'C', 'L', 'R', 0xaa);
	EXPECT(n, CC_OK, 0x01);
	assert_int_equal(h->out.nfx, 2);
	assert_int_equal(h->out.fx[0].kind, FX_SEL_CLEAR);
	assert_int_equal(h->out.fx[1].kind, FX_SEL_ADD);
	/* The Event Logging Disabled sensor records "log area reset/cleared" (offset 2). */
	assert_int_equal(bmc_sel_count(h->bmc), 1);
	h_sel(h, 0, rec);
	{
		const uint8_t want[16] = {
		    LE16(3), 0x02, LE32(T0 + 60), 0x20, 0x00, 0x04, 0x10, 0x48, 0x6f, 0x02, 0xff, 0xff};
		assert_memory_equal(rec, want, 16);
	}
	assert_int_equal(h->out.fx[1].arg, 3);
	n = CMD0(h, PRIV_USER, GET_SEL_INFO);
	EXPECT(n, CC_OK, 0x51, LE16(1), SEL_FREE(1), LE32(T0 + 60), LE32(T0 + 60), SEL_OPS);
	/* IDs keep growing after a clear. */
	assert_int_equal(add_entry(h, sys_event), 4);
	h_free(h);

	/* Without an Event Log sensor the log is simply empty. */
	h = h_new(NULL);
	add_entry(h, sys_event);
	r = reserve(h, RESERVE_SEL);
	n = CMD(h, PRIV_OPERATOR, CLEAR_SEL, LE16(r), 'C', 'L', 'R', 0xaa);
	EXPECT(n, CC_OK, 0x01);
	assert_int_equal(bmc_sel_count(h->bmc), 0);
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(0), LE16(0x0000), 0, 0xff);
	EXPECT(n, CC_NOT_PRESENT);
	h_free(h);
}

/*
 * IPMI 2.0 31.4: clearing the SEL cancels the current reservation, so a
 * second Clear SEL with the same reservation, or a partial read with it,
 * gets C5h.
 */
static void
test_sel_clear_cancels_reservation(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t rsp[64];
	size_t n;
	uint16_t r;

	(void)state;
	add_entry(h, sys_event);
	r = reserve(h, RESERVE_SEL);
	n = CMD(h, PRIV_OPERATOR, CLEAR_SEL, LE16(r), 'C', 'L', 'R', 0xaa);
	EXPECT(n, CC_OK, 0x01);
	add_entry(h, sys_event);
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(r), LE16(0x0000), 1, 4);
	EXPECT(n, CC_RESERVATION);
	n = CMD(h, PRIV_OPERATOR, CLEAR_SEL, LE16(r), 'C', 'L', 'R', 0xaa);
	EXPECT(n, CC_RESERVATION);
	assert_int_equal(bmc_sel_count(h->bmc), 1);
	h_free(h);
}

/*
 * A new SEL entry cancels the current reservation (IPMI 2.0 31.4: the
 * reservation keeps the SEL from being cleared when a new event arrives).
 * A client that read the log, then clears it with its reservation, must get
 * C5h when an event arrived in between, or that event is erased unseen.
 */
static void
test_sel_new_event_cancels_reservation(void **state)
{
	struct harness *h = setup();
	uint8_t rsp[64];
	size_t n, fan2 = h_sensor(h, "FAN2");
	uint16_t r;

	(void)state;
	add_entry(h, sys_event);
	r = reserve(h, RESERVE_SEL);
	/* A fan stalls between the client's read and its clear. */
	bmc_sensor_feed(h->bmc, &h->now, fan2, 4800, 0, true, &h->out);
	bmc_sensor_feed(h->bmc, &h->now, fan2, 300, 0, true, &h->out);
	assert_int_equal(bmc_sel_count(h->bmc), 4);
	n = CMD(h, PRIV_OPERATOR, CLEAR_SEL, LE16(r), 'C', 'L', 'R', 0xaa);
	EXPECT(n, CC_RESERVATION);
	assert_int_equal(bmc_sel_count(h->bmc), 4);
	/* The same through Add SEL Entry. */
	r = reserve(h, RESERVE_SEL);
	add_entry(h, sys_event);
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(r), LE16(0xffff), 2, 2);
	EXPECT(n, CC_RESERVATION);
	h_free(h);
}

/*
 * The "log cleared" event passes the Event Log sensor's event enables like
 * every other sensor event: with its event messages disabled (Set Sensor
 * Event Enable, byte 2 bit 7 = 0) or its offset-2 assertion disabled, the
 * sensor does not log it.
 */
static void
test_clear_sel_honours_event_log_enables(void **state)
{
	struct harness *h = setup();
	uint8_t rsp[64];
	size_t n;
	uint16_t r;

	(void)state;
	/* Event Log sensor (48h): all event messages off, scanning on. */
	n = h_cmd(h, PRIV_OPERATOR, NETFN_SENSOR, 0x28, (const uint8_t[]){0x48, 0x40}, 2, rsp, sizeof(rsp));
	EXPECT(n, CC_OK);
	add_entry(h, sys_event);
	r = reserve(h, RESERVE_SEL);
	n = CMD(h, PRIV_OPERATOR, CLEAR_SEL, LE16(r), 'C', 'L', 'R', 0xaa);
	EXPECT(n, CC_OK, 0x01);
	assert_int_equal(bmc_sel_count(h->bmc), 0);
	/* Events on, but the "log area reset/cleared" assertion (offset 2) disabled. */
	n = h_cmd(h, PRIV_OPERATOR, NETFN_SENSOR, 0x28, (const uint8_t[]){0x48, 0xc0 | 0x20, 0x04, 0x00}, 4,
	    rsp, sizeof(rsp));
	EXPECT(n, CC_OK);
	add_entry(h, sys_event);
	r = reserve(h, RESERVE_SEL);
	n = CMD(h, PRIV_OPERATOR, CLEAR_SEL, LE16(r), 'C', 'L', 'R', 0xaa);
	EXPECT(n, CC_OK, 0x01);
	assert_int_equal(bmc_sel_count(h->bmc), 0);
	h_free(h);
}

static void
test_sel_time(void **state)
{
	struct harness *h = setup();
	uint8_t rsp[64], rec[16];
	size_t n;

	(void)state;
	n = CMD0(h, PRIV_USER, GET_SEL_TIME);
	EXPECT(n, CC_OK, LE32(T0));
	n = CMD(h, PRIV_USER, SET_SEL_TIME, LE32(0x12345678u));
	EXPECT(n, CC_INSUFFICIENT_PRIV);
	n = CMD(h, PRIV_OPERATOR, SET_SEL_TIME, LE32(0x12345678u));
	EXPECT(n, CC_OK);
	n = CMD0(h, PRIV_USER, GET_SEL_TIME);
	EXPECT(n, CC_OK, LE32(0x12345678u));
	/* The clock runs on from there, for entries and the SDR repository alike. */
	h->now.wall_s += 5;
	n = CMD0(h, PRIV_USER, GET_SEL_TIME);
	EXPECT(n, CC_OK, LE32(0x1234567du));
	n = CMD0(h, PRIV_USER, GET_SDR_TIME);
	EXPECT(n, CC_OK, LE32(0x1234567du));
	add_entry(h, sys_event);
	h_sel(h, 0, rec);
	assert_int_equal(rec[3] | rec[4] << 8 | rec[5] << 16 | (uint32_t)rec[6] << 24, 0x1234567du);
	bmc_out_reset(&h->out);
	bmc_sensor_feed(h->bmc, &h->now, h_sensor(h, "FAN2"), 300, 0, true, &h->out);
	h_sel(h, 1, rec);
	assert_int_equal(rec[3] | rec[4] << 8 | rec[5] << 16 | (uint32_t)rec[6] << 24, 0x1234567du);
	/* Setting the time changes no entry already logged. */
	n = CMD(h, PRIV_OPERATOR, SET_SEL_TIME, LE32(T0));
	EXPECT(n, CC_OK);
	h_sel(h, 0, rec);
	assert_int_equal(rec[3] | rec[4] << 8 | rec[5] << 16 | (uint32_t)rec[6] << 24, 0x1234567du);
	h_free(h);
}

/* The default policy: a full log refuses new entries (C4h) and says so with the overflow flag. */
static void
test_sel_full(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t rsp[64];
	size_t n, i;
	uint16_t r;

	(void)state;
	assert_int_equal(bmc_get_conf(h->bmc)->sel_capacity, BMC_SEL_CAPACITY_DEFAULT);
	assert_int_equal(bmc_get_conf(h->bmc)->sel_when_full, BMC_SEL_STOP);
	for (i = 0; i < SEL_CAP; i++)
		assert_int_equal(add_entry(h, oem_nots), i + 1);
	n = CMD0(h, PRIV_USER, GET_SEL_INFO);
	assert_int_equal(n, 15);
	assert_int_equal(rsp[2] | rsp[3] << 8, SEL_CAP);
	assert_int_equal(rsp[4] | rsp[5] << 8, 0);
	assert_int_equal(rsp[14], SEL_OPS);
	/* One more: out of space, nothing for the store, and the overflow flag says an event was lost. */
	n = h_cmd(h, PRIV_OPERATOR, NETFN_STORAGE, ADD_SEL_ENTRY, oem_nots, 16, rsp, sizeof(rsp));
	EXPECT(n, CC_OUT_OF_SPACE);
	assert_int_equal(h->out.nfx, 0);
	assert_int_equal(bmc_sel_count(h->bmc), SEL_CAP);
	n = CMD0(h, PRIV_USER, GET_SEL_INFO);
	assert_int_equal(rsp[4] | rsp[5] << 8, 0);
	assert_int_equal(rsp[14], SEL_OVERFLOW | SEL_OPS);
	n = CMD0(h, PRIV_USER, GET_SEL_ALLOC_INFO);
	EXPECT(n, CC_OK, LE16(SEL_CAP), LE16(16), LE16(0), LE16(0), 1);
	/* The oldest entry is still there, the newest is the last that fitted. */
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(0), LE16(0x0000), 0, 0xff);
	assert_int_equal(rsp[3] | rsp[4] << 8, 1);
	n = CMD(h, PRIV_USER, GET_SEL_ENTRY, LE16(0), LE16(0xffff), 0, 0xff);
	assert_int_equal(rsp[3] | rsp[4] << 8, SEL_CAP);
	/* Cleared: room again, flag down. */
	r = reserve(h, RESERVE_SEL);
	n = CMD(h, PRIV_OPERATOR, CLEAR_SEL, LE16(r), 'C', 'L', 'R', 0xaa);
	EXPECT(n, CC_OK, 0x01);
	n = CMD0(h, PRIV_USER, GET_SEL_INFO);
	assert_int_equal(rsp[2] | rsp[3] << 8, 0);
	assert_int_equal(rsp[14], SEL_OPS);
	assert_int_equal(add_entry(h, oem_nots), SEL_CAP + 1);
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sdr_repo_info),
	    cmocka_unit_test(test_get_sdr_whole_and_header),
	    cmocka_unit_test(test_get_sdr_partial_and_reservations),
	    cmocka_unit_test(test_get_sdr_walk_equals_export),
	    cmocka_unit_test(test_request_lengths_and_privileges),
	    cmocka_unit_test(test_sel_info_add_get),
	    cmocka_unit_test(test_sel_partial_reads),
	    cmocka_unit_test(test_clear_sel),
	    cmocka_unit_test(test_sel_clear_cancels_reservation),
	    cmocka_unit_test(test_sel_new_event_cancels_reservation),
	    cmocka_unit_test(test_clear_sel_honours_event_log_enables),
	    cmocka_unit_test(test_sel_time),
	    cmocka_unit_test(test_sel_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
