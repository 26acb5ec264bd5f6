/*
 * FRU inventory commands (Storage netFn, IPMI 2.0 section 34): byte access
 * to the images fru.c holds.  Writes change the stored bytes as they come;
 * a client that writes a bad checksum reads a bad checksum back, as on a
 * real EEPROM.
 */
#include "core/bmc_int.h"

#define FRU_READ_MAX 240 /* the most data bytes one Read FRU Data reply carries */
#define FRU_ACCESS_BYTES 0x00 /* Get FRU Inventory Area Info: accessed by bytes */
#define CC_FRU_WRITE_PROTECTED 0x80

uint8_t
cmd_get_fru_inventory_area_info(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	const struct fru_dev *f = fru_by_id(ctx->bmc, buf_get_u8(rq));

	if (f == NULL)
		return CC_NOT_PRESENT;
	wbuf_put_u16le(rs, f->len);
	wbuf_put_u8(rs, FRU_ACCESS_BYTES);
	return CC_OK;
}

uint8_t
cmd_read_fru_data(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint8_t id = buf_get_u8(rq);
	size_t off = buf_get_u16le(rq), n = buf_get_u8(rq);
	const struct fru_dev *f = fru_by_id(ctx->bmc, id);

	if (f == NULL)
		return CC_NOT_PRESENT;
	if (off >= f->len)
		return CC_OUT_OF_RANGE;
	/* A count past the end or past one reply reads what there is; the count returned says how much. */
	if (n > FRU_READ_MAX)
		n = FRU_READ_MAX;
	if (n > f->len - off)
		n = f->len - off;
	wbuf_put_u8(rs, (uint8_t)n);
	wbuf_put_bytes(rs, f->data + off, n);
	return CC_OK;
}

uint8_t
cmd_write_fru_data(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	uint8_t id = buf_get_u8(rq);
	size_t off = buf_get_u16le(rq), n = rq->left;
	const uint8_t *data = buf_take(rq, n);
	struct fru_dev *f = fru_by_id(ctx->bmc, id);

	if (f == NULL)
		return CC_NOT_PRESENT;
	if (f->write_protect)
		return CC_FRU_WRITE_PROTECTED;
	/* No partial writes: a single byte past the end refuses the whole request. */
	if (off > f->len || n > f->len - off)
		return CC_OUT_OF_RANGE;
	/* Never 81h (FRU device busy): a write completes before the reply, so nothing is ever in progress. */
	memcpy(f->data + off, data, n);
	ctx_persist(ctx, FX_SAVE_FRU, id);
	wbuf_put_u8(rs, (uint8_t)n);
	return CC_OK;
}
