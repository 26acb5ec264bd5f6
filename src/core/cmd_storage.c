/*
 * Storage netFn (0Ah): the SDR repository and the SEL.  Both are read the
 * same way, a record at a time with partial reads under a reservation, so
 * the reading code is shared.
 */
#include <string.h>

#include "core/bmc_int.h"

#define OP_SDR_SUPPORT 0x03 /* reserve, allocation info */
#define OP_SEL_SUPPORT 0x0f /* delete, partial add, reserve, allocation info */
#define SEL_UTC_UNSPECIFIED 0x07ff
#define CC_SEL_LENGTH_MISMATCH 0x80 /* Partial Add: the record came out short */
#define SDR_MAX_RECORD_UNITS ((SDR_RECORD_MAX + SDR_ALLOC_UNIT - 1) / SDR_ALLOC_UNIT)
#define READ_MAX 250 /* the most record bytes one reply carries */

static uint16_t
next_reservation(uint16_t *r)
{
	if (++*r == 0)
		*r = 1;
	return *r;
}

/* Get SDR / Get Device SDR / Get SEL Entry requests: reservation, record ID, offset, count. */
struct rec_read {
	uint16_t resv, id;
	size_t off, n;
};

static void
parse_read(struct buf *rq, struct rec_read *rd)
{
	rd->resv = buf_get_u16le(rq);
	rd->id = buf_get_u16le(rq);
	rd->off = buf_get_u8(rq);
	rd->n = buf_get_u8(rq);
}

/*
 * Answer a read with (next ID, bytes).  A partial read (offset > 0) needs
 * the current reservation; FFh, or a count past the end, reads the rest.
 */
static uint8_t
read_record(const struct rec_read *rd, struct wbuf *rs, uint16_t reservation, const uint8_t *rec, size_t len,
    uint16_t next)
{
	size_t n = rd->n;

	if (rd->off != 0 && (rd->resv == 0 || rd->resv != reservation))
		return CC_RESERVATION;
	if (rd->off > len)
		return CC_OUT_OF_RANGE;
	if (n == 0xff || rd->off + n > len)
		n = len - rd->off;
	if (n > READ_MAX)
		return CC_CANT_RETURN_BYTES;
	wbuf_put_u16le(rs, next);
	wbuf_put_bytes(rs, rec + rd->off, n);
	return CC_OK;
}

static void
put_u32le_ts(struct wbuf *rs, uint32_t ts)
{
	wbuf_put_u32le(rs, ts);
}

/* ---- SDR repository ---- */

uint8_t
cmd_get_sdr_repo_info(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	const struct sdr_repo *r = &ctx->bmc->sdr;
	size_t free_bytes = BMC_SDR_BYTES - r->used;

	(void)rq;
	wbuf_put_u8(rs, SDR_VERSION);
	wbuf_put_u16le(rs, (uint16_t)r->n);
	wbuf_put_u16le(rs, (uint16_t)(free_bytes > 0xfffe ? 0xfffe : free_bytes));
	put_u32le_ts(rs, r->add_ts);
	put_u32le_ts(rs, r->erase_ts);
	wbuf_put_u8(rs, OP_SDR_SUPPORT);
	return CC_OK;
}

uint8_t
cmd_get_sdr_repo_alloc_info(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	const struct sdr_repo *r = &ctx->bmc->sdr;
	uint16_t total = BMC_SDR_BYTES / SDR_ALLOC_UNIT;
	uint16_t used = (uint16_t)((r->used + SDR_ALLOC_UNIT - 1) / SDR_ALLOC_UNIT);

	(void)rq;
	wbuf_put_u16le(rs, total);
	wbuf_put_u16le(rs, SDR_ALLOC_UNIT);
	wbuf_put_u16le(rs, (uint16_t)(total - used));
	wbuf_put_u16le(rs, (uint16_t)(total - used));
	wbuf_put_u8(rs, SDR_MAX_RECORD_UNITS);
	return CC_OK;
}

uint8_t
cmd_reserve_sdr_repo(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	(void)rq;
	wbuf_put_u16le(rs, next_reservation(&ctx->bmc->sdr.reservation));
	return CC_OK;
}

uint8_t
cmd_get_sdr(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	const struct sdr_repo *r = &ctx->bmc->sdr;
	const struct sdr_rec *rec;
	struct rec_read rd;

	parse_read(rq, &rd);
	if ((rec = sdr_repo_find(r, rd.id)) == NULL)
		return CC_NOT_PRESENT;
	return read_record(&rd, rs, r->reservation, r->bytes + rec->off, rec->len, sdr_repo_next_id(r, rec));
}

uint8_t
cmd_get_sdr_repo_time(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	(void)rq;
	put_u32le_ts(rs, sel_now(&ctx->bmc->sel, ctx->now));
	return CC_OK;
}

/* ---- SEL ---- */

uint8_t
cmd_get_sel_info(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	const struct sel *sel = &ctx->bmc->sel;
	size_t free_bytes = (ctx->bmc->conf.sel_capacity - sel->n) * BMC_SEL_ENTRY_LEN;

	(void)rq;
	wbuf_put_u8(rs, SDR_VERSION); /* SEL version 51h as well */
	wbuf_put_u16le(rs, (uint16_t)sel->n);
	/* FFFFh: 65535 bytes or more free (IPMI 2.0 31.2). */
	wbuf_put_u16le(rs, (uint16_t)(free_bytes > 0xffff ? 0xffff : free_bytes));
	put_u32le_ts(rs, sel->add_ts);
	put_u32le_ts(rs, sel->erase_ts);
	wbuf_put_u8(rs, (uint8_t)((sel->overflow ? 0x80 : 0) | OP_SEL_SUPPORT));
	return CC_OK;
}

uint8_t
cmd_get_sel_alloc_info(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint16_t cap = ctx->bmc->conf.sel_capacity;
	uint16_t free_units = (uint16_t)(cap - ctx->bmc->sel.n);

	(void)rq;
	wbuf_put_u16le(rs, cap);
	wbuf_put_u16le(rs, BMC_SEL_ENTRY_LEN);
	wbuf_put_u16le(rs, free_units);
	wbuf_put_u16le(rs, free_units);
	wbuf_put_u8(rs, 1);
	return CC_OK;
}

uint8_t
cmd_reserve_sel(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	(void)rq;
	wbuf_put_u16le(rs, next_reservation(&ctx->bmc->sel.reservation));
	return CC_OK;
}

uint8_t
cmd_get_sel_entry(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	const struct sel *sel = &ctx->bmc->sel;
	struct rec_read rd;
	uint16_t next;
	long i;

	parse_read(rq, &rd);
	if ((i = sel_find(sel, rd.id)) < 0)
		return CC_NOT_PRESENT;
	next = (size_t)i + 1 < sel->n ? (uint16_t)(sel->e[i + 1][0] | sel->e[i + 1][1] << 8) : 0xffff;
	return read_record(&rd, rs, sel->reservation, sel->e[i], BMC_SEL_ENTRY_LEN, next);
}

/* An entry a client gives us: the ID is ours, and so is the timestamp of types 02h and C0h-DFh. */
static uint8_t
add_entry(struct cmd_ctx *ctx, uint8_t rec[BMC_SEL_ENTRY_LEN], struct wbuf *rs)
{
	int id = sel_add(ctx->bmc, ctx->now, rec, rec[2] < 0xe0, ctx->out);

	if (id < 0)
		return CC_OUT_OF_SPACE;
	ctx->durable = true; /* the reply waits for the commit */
	wbuf_put_u16le(rs, (uint16_t)id);
	return CC_OK;
}

uint8_t
cmd_add_sel_entry(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint8_t rec[BMC_SEL_ENTRY_LEN];

	(void)buf_get_bytes(rq, rec, sizeof(rec));
	return add_entry(ctx, rec, rs);
}

/*
 * Partial Add SEL Entry: the record arrives in pieces under a reservation,
 * from offset 0 with record ID 0000h; the last piece (in-progress byte 1)
 * commits it.  One partial record is assembled at a time.
 */
uint8_t
cmd_partial_add_sel_entry(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct sel *sel = &ctx->bmc->sel;
	uint16_t resv = buf_get_u16le(rq), id = buf_get_u16le(rq);
	uint8_t off = buf_get_u8(rq), last = buf_get_u8(rq);
	size_t n = rq->left;

	if (resv == 0 || resv != sel->reservation)
		return CC_RESERVATION;
	if ((last & 0xf0) != 0 || (last & 0x0f) > 1)
		return CC_INVALID_FIELD;
	if (off == 0) {
		if (id != 0x0000)
			return CC_INVALID_FIELD;
		memset(sel->partial, 0, sizeof(sel->partial));
		sel->partial_len = 0;
		sel->partial_active = true;
	} else if (!sel->partial_active || off != sel->partial_len) {
		return CC_OUT_OF_RANGE; /* not the next piece of the record being assembled */
	}
	if (off + n > BMC_SEL_ENTRY_LEN)
		return CC_FIELD_LEN;
	(void)buf_get_bytes(rq, sel->partial + off, n);
	sel->partial_len = (uint8_t)(off + n);
	if ((last & 0x0f) == 0) {
		wbuf_put_u16le(rs, 0x0000);
		return CC_OK;
	}
	sel->partial_active = false;
	if (sel->partial_len != BMC_SEL_ENTRY_LEN)
		return CC_SEL_LENGTH_MISMATCH;
	return add_entry(ctx, sel->partial, rs);
}

uint8_t
cmd_delete_sel_entry(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct sel *sel = &ctx->bmc->sel;
	uint16_t resv = buf_get_u16le(rq), id = buf_get_u16le(rq);
	long i;
	int deleted;

	if (resv == 0 || resv != sel->reservation)
		return CC_RESERVATION;
	if ((i = sel_find(sel, id)) < 0)
		return CC_NOT_PRESENT;
	deleted = sel_delete(ctx->bmc, ctx->now, (size_t)i, ctx->out);
	ctx->durable = true;
	wbuf_put_u16le(rs, (uint16_t)deleted);
	return CC_OK;
}

uint8_t
cmd_clear_sel(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct bmc *bmc = ctx->bmc;
	uint16_t resv = buf_get_u16le(rq);
	uint8_t c = buf_get_u8(rq), l = buf_get_u8(rq), r = buf_get_u8(rq), op = buf_get_u8(rq);

	if (c != 'C' || l != 'L' || r != 'R' || (op != 0xaa && op != 0x00))
		return CC_INVALID_FIELD;
	if (resv == 0 || resv != bmc->sel.reservation)
		return CC_RESERVATION;
	if (op == 0xaa) {
		bmc_sel_clear(bmc, ctx->now, ctx->out);
		ctx->durable = true;
	}
	wbuf_put_u8(rs, 0x01); /* erasure completed: the commit is done before this reply */
	return CC_OK;
}

uint8_t
cmd_get_sel_time(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	(void)rq;
	put_u32le_ts(rs, sel_now(&ctx->bmc->sel, ctx->now));
	return CC_OK;
}

uint8_t
cmd_set_sel_time(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint32_t t = buf_get_u32le(rq);

	(void)rs;
	ctx->bmc->sel.time_offset = (int64_t)t - ctx->now->wall_s;
	ctx_persist(ctx, FX_SAVE_PARAM, BMC_PARAM_SEL_TIME_OFFSET);
	return CC_OK;
}

uint8_t
cmd_get_sel_utc_offset(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	(void)rq;
	wbuf_put_u16le(rs, (uint16_t)ctx->bmc->sel.utc_offset);
	return CC_OK;
}

uint8_t
cmd_set_sel_utc_offset(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	int16_t off = (int16_t)buf_get_u16le(rq);

	(void)rs;
	/* -1440..+1440 minutes, or 7FFh for "unspecified". */
	if ((off < -1440 || off > 1440) && off != SEL_UTC_UNSPECIFIED)
		return CC_OUT_OF_RANGE;
	ctx->bmc->sel.utc_offset = off;
	ctx_persist(ctx, FX_SAVE_PARAM, BMC_PARAM_SEL_UTC_OFFSET);
	return CC_OK;
}
