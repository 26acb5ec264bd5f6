/*
 * Set/Get System Boot Options (Chassis 08h, 09h; IPMI 2.0 28.12, 28.13,
 * table 28-14).  As ipmitool (`chassis bootdev`, `bootparam`, `bootmbox`),
 * FreeIPMI (`ipmi-chassis --set-boot-flags`) and Ironic's raw requests use
 * them.  The model (the hint, when a request is spent) is in boot.c.
 *
 * Set: byte 1 [7] mark the parameter invalid/locked (stored and reported,
 * nothing more), [6:0] selector; the parameter's data follows.
 * Get: byte 1 selector, byte 2 set selector (the mailbox block), byte 3
 * block selector; the reply is version 01h, the selector byte with the
 * invalid/locked bit, then the data.
 */
#include "core/bmc_int.h"

/* A client that died mid-set must not lock the others out (CHECKLIST 18). */

uint8_t
cmd_get_system_boot_options(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct boot_options *b = &ctx->bmc->boot;
	uint8_t param = buf_get_u8(rq) & 0x7f, set = buf_get_u8(rq);

	(void)buf_get_u8(rq); /* block selector: no parameter here uses it */
	set_in_progress_expire(&b->set_in_progress, b->set_in_progress_ms, ctx->now->mono_ms);
	if (param >= BOOT_PARAM_COUNT)
		return CC_PARAM_UNSUPPORTED;
	if (param == BOOT_PARAM_MAILBOX && set >= BOOT_MAILBOX_BLOCKS)
		return CC_OUT_OF_RANGE; /* ipmitool reads blocks until this */
	wbuf_put_u8(rs, BOOT_PARAM_VERSION);
	wbuf_put_u8(rs, (uint8_t)(param | ((b->saved.locked >> param) & 1u) << 7));
	switch (param) {
	case BOOT_PARAM_SET_IN_PROGRESS:
		wbuf_put_u8(rs, b->set_in_progress);
		break;
	case BOOT_PARAM_PARTITION_SELECTOR:
		wbuf_put_u8(rs, b->saved.partition_selector);
		break;
	case BOOT_PARAM_PARTITION_SCAN:
		wbuf_put_u8(rs, b->saved.partition_scan);
		break;
	case BOOT_PARAM_VALID_BIT_CLEARING:
		wbuf_put_u8(rs, b->saved.valid_bit_clearing);
		break;
	case BOOT_PARAM_INFO_ACK:
		wbuf_put_u8(rs, 0x00); /* the write mask is write-only: reads as 00h */
		wbuf_put_u8(rs, b->saved.ack);
		break;
	case BOOT_PARAM_FLAGS:
		wbuf_put_bytes(rs, b->saved.flags, sizeof(b->saved.flags));
		break;
	case BOOT_PARAM_INITIATOR_INFO:
		wbuf_put_bytes(rs, b->saved.initiator_info, sizeof(b->saved.initiator_info));
		break;
	case BOOT_PARAM_MAILBOX:
		wbuf_put_u8(rs, set);
		wbuf_put_bytes(rs, b->mailbox[set], BOOT_MAILBOX_BLOCK_LEN);
		break;
	}
	return CC_OK;
}

/* Is n bytes of data right for param?  (The mailbox: block selector and 1..16 bytes.) */
static bool
set_len_ok(uint8_t param, size_t n)
{
	switch (param) {
	case BOOT_PARAM_SET_IN_PROGRESS:
	case BOOT_PARAM_PARTITION_SELECTOR:
	case BOOT_PARAM_PARTITION_SCAN:
	case BOOT_PARAM_VALID_BIT_CLEARING:
		return n == 1;
	case BOOT_PARAM_INFO_ACK:
		return n == 2;
	case BOOT_PARAM_FLAGS:
		return n == 5;
	case BOOT_PARAM_INITIATOR_INFO:
		return n == 9;
	case BOOT_PARAM_MAILBOX:
		return n >= 2 && n <= 1 + BOOT_MAILBOX_BLOCK_LEN;
	default:
		return false;
	}
}

uint8_t
cmd_set_system_boot_options(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct boot_options *b = &ctx->bmc->boot;
	uint8_t b1 = buf_get_u8(rq), param = b1 & 0x7f, d[1 + BOOT_MAILBOX_BLOCK_LEN] = {0}, cc = CC_OK;
	size_t n = rq->left;
	struct boot_saved before = b->saved;

	(void)rs;
	set_in_progress_expire(&b->set_in_progress, b->set_in_progress_ms, ctx->now->mono_ms);
	if (param >= BOOT_PARAM_COUNT)
		return CC_PARAM_UNSUPPORTED;
	if (!set_len_ok(param, n))
		return CC_REQ_LEN;
	buf_get_bytes(rq, d, n);

	switch (param) {
	case BOOT_PARAM_SET_IN_PROGRESS:
		cc = set_in_progress_write(
		    &b->set_in_progress, &b->set_in_progress_ms, d[0], ctx->now->mono_ms);
		break;
	case BOOT_PARAM_PARTITION_SELECTOR:
		b->saved.partition_selector = d[0];
		break;
	case BOOT_PARAM_PARTITION_SCAN:
		if (d[0] & 0xfc)
			return CC_INVALID_FIELD;
		b->saved.partition_scan = d[0];
		break;
	case BOOT_PARAM_VALID_BIT_CLEARING:
		if (d[0] & 0xe0)
			return CC_INVALID_FIELD;
		b->saved.valid_bit_clearing = d[0];
		break;
	case BOOT_PARAM_INFO_ACK:
		/* FreeIPMI writes FFh/FFh (reserved bits 7:5 too): they are simply not kept. */
		b->saved.ack = (uint8_t)(((b->saved.ack & ~d[0]) | (d[1] & d[0])) & 0x1f);
		break;
	case BOOT_PARAM_FLAGS:
		b->saved.flags[0] = d[0] & (BOOT_FLAG_VALID | BOOT_FLAG_PERSISTENT | BOOT_FLAG_EFI);
		memcpy(b->saved.flags + 1, d + 1, 4);
		break;
	case BOOT_PARAM_INITIATOR_INFO:
		memcpy(b->saved.initiator_info, d, 9);
		break;
	case BOOT_PARAM_MAILBOX:
		if (d[0] >= BOOT_MAILBOX_BLOCKS)
			return CC_OUT_OF_RANGE;
		/* A write replaces the block; ipmitool writes a short last block. */
		memset(b->mailbox[d[0]], 0, BOOT_MAILBOX_BLOCK_LEN);
		memcpy(b->mailbox[d[0]], d + 1, n - 1);
		break;
	}
	if (cc != CC_OK)
		return cc;
	if (b1 & 0x80)
		b->saved.locked |= (uint8_t)(1u << param);
	else
		b->saved.locked &= (uint8_t) ~(1u << param);
	if (memcmp(&before, &b->saved, sizeof(before)) != 0)
		ctx_persist(ctx, FX_SAVE_PARAM, BMC_PARAM_BOOT_OPTIONS);
	return CC_OK;
}
