/* System Boot Options (Chassis 08h/09h): as ipmitool, FreeIPMI and Ironic drive them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "harness.h"

static uint8_t rsp[64];

/* Set System Boot Options with the raw request data (after the command byte); returns the completion code. */
static uint8_t
set_raw(struct harness *h, const uint8_t *rq, size_t n)
{
	assert_int_equal(h_cmd(h, PRIV_OPERATOR, NETFN_CHASSIS, 0x08, rq, n, rsp, sizeof(rsp)), 1);
	return rsp[0];
}

#define SET(h, ...) set_raw((h), (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

/* Get System Boot Options; returns the reply length (completion code included). */
static size_t
get(struct harness *h, uint8_t param, uint8_t set, uint8_t block)
{
	return h_cmd(
	    h, PRIV_OPERATOR, NETFN_CHASSIS, 0x09, (const uint8_t[]){param, set, block}, 3, rsp, sizeof(rsp));
}

/* Get a parameter and check the whole reply: 00, version 01h, selector byte, data. */
static void
expect_param(struct harness *h, uint8_t param, uint8_t sel_byte, const uint8_t *data, size_t n)
{
	size_t len = get(h, param, 0, 0);

	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(len, 3 + n);
	assert_int_equal(rsp[1], 0x01);
	assert_int_equal(rsp[2], sel_byte);
	assert_memory_equal(rsp + 3, data, n);
}

#define EXPECT(h, param, ...)                                                                                \
	expect_param(                                                                                        \
	    (h), (param), (param), (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

static struct bmc_boot_hint
hint(struct harness *h)
{
	struct bmc_boot_hint bh;

	memset(&bh, 0xa5, sizeof(bh));
	bmc_boot_hint(h->bmc, &bh);
	return bh;
}

static void
booted(struct harness *h)
{
	bmc_out_reset(&h->out);
	bmc_host_booted(h->bmc, &h->now, &h->out);
}

static void
test_defaults(void **state)
{
	struct harness *h = h_new(NULL);
	struct bmc_boot_hint bh = hint(h);
	uint8_t zeros[16] = {0};

	(void)state;
	EXPECT(h, 0, 0x00);
	EXPECT(h, 1, 0x00);
	EXPECT(h, 2, 0x00);
	EXPECT(h, 3, 0x00);
	EXPECT(h, 4, 0x00, 0x00);
	EXPECT(h, 5, 0x00, 0x00, 0x00, 0x00, 0x00);
	expect_param(h, 6, 6, zeros, 9);
	assert_int_equal(get(h, 7, 0, 0), 3 + 1 + 16);
	assert_memory_equal(rsp, "\x00\x01\x07\x00", 4);
	assert_memory_equal(rsp + 4, zeros, 16);
	assert_int_equal(bh.device, BOOTDEV_NONE);
	assert_false(bh.efi);
	assert_false(bh.persistent);
	assert_false(bh.valid);
	/* nothing to spend */
	booted(h);
	assert_int_equal(h->out.nfx, 0);
	h_free(h);
}

/* `ipmitool chassis bootdev pxe options=persistent,efiboot` */
static void
test_ipmitool_bootdev_pxe_persistent_efiboot(void **state)
{
	struct harness *h = h_new(NULL);
	struct bmc_boot_hint bh;
	bool durable = false;

	(void)state;
	assert_int_equal(SET(h, 0x00, 0x01), CC_OK); /* set in progress */
	assert_int_equal(h->out.nfx, 0);
	assert_int_equal(SET(h, 0x04, 0x01, 0x01), CC_OK); /* clear BIOS/POST ack */
	assert_true(h_fx_find(h, FX_SAVE_PARAM, BMC_PARAM_BOOT_OPTIONS) >= 0);
	h_cmd_durable(h, PRIV_OPERATOR, NETFN_CHASSIS, 0x08,
	    (const uint8_t[]){0x05, 0xe0, 0x04, 0x00, 0x00, 0x00}, 6, rsp, sizeof(rsp), &durable);
	assert_int_equal(rsp[0], CC_OK);
	assert_true(durable);
	assert_true(h_fx_find(h, FX_SAVE_PARAM, BMC_PARAM_BOOT_OPTIONS) >= 0);
	assert_int_equal(SET(h, 0x00, 0x02), CC_OK); /* commit write */
	assert_int_equal(SET(h, 0x00, 0x00), CC_OK); /* set complete */

	/* `ipmitool chassis bootparam get 5` */
	assert_int_equal(get(h, 5, 0, 0), 8);
	assert_memory_equal(rsp, "\x00\x01\x05\xe0\x04\x00\x00\x00", 8);
	EXPECT(h, 4, 0x00, 0x01);
	EXPECT(h, 0, 0x00);

	bh = hint(h);
	assert_int_equal(bh.device, BOOTDEV_PXE);
	assert_true(bh.efi);
	assert_true(bh.persistent);
	assert_true(bh.valid);

	/* persistent: every boot, not spent */
	booted(h);
	assert_int_equal(h->out.nfx, 0);
	booted(h);
	assert_true(hint(h).valid);
	EXPECT(h, 5, 0xe0, 0x04, 0x00, 0x00, 0x00);
	h_free(h);
}

/* `ipmitool chassis bootparam set bootflag force_pxe`: next boot only, legacy. */
static void
test_ipmitool_bootparam_set_bootflag(void **state)
{
	struct harness *h = h_new(NULL);
	struct bmc_boot_hint bh;

	(void)state;
	assert_int_equal(SET(h, 0x00, 0x01), CC_OK);
	assert_int_equal(SET(h, 0x04, 0x01, 0x01), CC_OK);
	assert_int_equal(SET(h, 0x05, 0x80, 0x04, 0x00, 0x00, 0x00), CC_OK);
	assert_int_equal(SET(h, 0x00, 0x02), CC_OK);
	assert_int_equal(SET(h, 0x00, 0x00), CC_OK);
	bh = hint(h);
	assert_int_equal(bh.device, BOOTDEV_PXE);
	assert_false(bh.efi);
	assert_false(bh.persistent);
	assert_true(bh.valid);

	/* `... options=no-timeout`: read param 3, set bit 3 */
	EXPECT(h, 3, 0x00);
	assert_int_equal(SET(h, 0x03, 0x08), CC_OK);
	EXPECT(h, 3, 0x08);

	/* the host boots by it: spent, and saved so */
	booted(h);
	assert_int_equal(h->out.nfx, 1);
	assert_true(h_fx_find(h, FX_SAVE_PARAM, BMC_PARAM_BOOT_OPTIONS) >= 0);
	bh = hint(h);
	assert_false(bh.valid);
	assert_int_equal(bh.device, BOOTDEV_PXE);
	EXPECT(h, 5, 0x00, 0x04, 0x00, 0x00, 0x00);
	/* once only */
	booted(h);
	assert_int_equal(h->out.nfx, 0);
	h_free(h);
}

/* Ironic's raw requests (ipmitool raw 0x00 0x08 ...). */
static void
test_ironic_raw(void **state)
{
	struct harness *h = h_new(NULL);
	struct bmc_boot_hint bh;

	(void)state;
	/* raw 0x00 0x08 0x03 0x08: don't clear the valid bit on the 60 s timeout */
	assert_int_equal(SET(h, 0x03, 0x08), CC_OK);
	assert_true(h_fx_find(h, FX_SAVE_PARAM, BMC_PARAM_BOOT_OPTIONS) >= 0);
	EXPECT(h, 3, 0x08);

	/* raw 0x00 0x08 0x05 0xe0 0x04 0x00 0x00 0x00: persistent EFI PXE */
	assert_int_equal(SET(h, 0x05, 0xe0, 0x04, 0x00, 0x00, 0x00), CC_OK);
	bh = hint(h);
	assert_true(bh.valid && bh.persistent && bh.efi);
	assert_int_equal(bh.device, BOOTDEV_PXE);
	booted(h);
	assert_true(hint(h).valid);

	/* raw 0x00 0x08 0x05 0xa0 0x04 0x00 0x00 0x00: EFI PXE, next boot only */
	assert_int_equal(SET(h, 0x05, 0xa0, 0x04, 0x00, 0x00, 0x00), CC_OK);
	bh = hint(h);
	assert_true(bh.valid && bh.efi);
	assert_false(bh.persistent);
	booted(h);
	assert_true(h_fx_find(h, FX_SAVE_PARAM, BMC_PARAM_BOOT_OPTIONS) >= 0);
	bh = hint(h);
	assert_false(bh.valid);
	assert_true(bh.efi);
	EXPECT(h, 5, 0x20, 0x04, 0x00, 0x00, 0x00);
	h_free(h);
}

/* `ipmi-chassis --set-boot-flags --boot-device=pxe --boot-type=efi`, then `--get-boot-flags`. */
static void
test_freeipmi_set_boot_flags(void **state)
{
	struct harness *h = h_new(NULL);
	struct bmc_boot_hint bh;

	(void)state;
	/* it reads the current flags first, to keep the fields it was not told about */
	assert_int_equal(get(h, 5, 0, 0), 8);
	assert_memory_equal(rsp, "\x00\x01\x05\x00\x00\x00\x00\x00", 8);
	/* valid, next boot, EFI; PXE */
	assert_int_equal(SET(h, 0x05, 0xa0, 0x04, 0x00, 0x00, 0x00), CC_OK);
	/* boot info acknowledge: every write-enable bit and "unacknowledged" for all, reserved bits too */
	assert_int_equal(SET(h, 0x04, 0xff, 0xff), CC_OK);
	EXPECT(h, 4, 0x00, 0x1f);

	assert_int_equal(get(h, 5, 0, 0), 8);
	assert_memory_equal(rsp, "\x00\x01\x05\xa0\x04\x00\x00\x00", 8);
	bh = hint(h);
	assert_true(bh.valid && bh.efi);
	assert_false(bh.persistent);
	assert_int_equal(bh.device, BOOTDEV_PXE);

	/* the write mask: only the enabled bits change */
	assert_int_equal(SET(h, 0x04, 0x01, 0x00), CC_OK); /* BIOS has handled it */
	EXPECT(h, 4, 0x00, 0x1e);
	assert_int_equal(SET(h, 0x04, 0x00, 0xff), CC_OK); /* nothing enabled */
	EXPECT(h, 4, 0x00, 0x1e);
	h_free(h);
}

/* ipmitool's device bytes (data 2) to the hint's device. */
static void
test_hint_devices(void **state)
{
	static const struct {
		uint8_t data2, device;
	} devs[] = {
	    {0x00, BOOTDEV_NONE}, {0x04, BOOTDEV_PXE}, {0x08, BOOTDEV_DISK}, {0x0c, BOOTDEV_DISK_SAFE},
	    {0x10, BOOTDEV_DIAG}, {0x14, BOOTDEV_CDROM}, {0x18, BOOTDEV_BIOS}, {0x1c, BOOTDEV_REMOTE_FLOPPY},
	    {0x20, BOOTDEV_REMOTE_CDROM}, {0x2c, BOOTDEV_REMOTE_DISK}, {0x3c, BOOTDEV_FLOPPY},
	    {0xc3 | 0x14, BOOTDEV_CDROM}, /* CMOS clear, lock keyboard, screen blank, lock reset around it */
	};
	struct harness *h = h_new(NULL);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		assert_int_equal(SET(h, 0x05, 0x80, devs[i].data2, 0x00, 0x00, 0x00), CC_OK);
		assert_int_equal(hint(h).device, devs[i].device);
	}
	/* data 3..5 are kept as written; data 1's reserved bits are not */
	assert_int_equal(SET(h, 0x05, 0xff, 0x04, 0xa5, 0x0b, 0x1f), CC_OK);
	EXPECT(h, 5, 0xe0, 0x04, 0xa5, 0x0b, 0x1f);
	h_free(h);
}

static void
test_other_params(void **state)
{
	struct harness *h = h_new(NULL);
	static const uint8_t info[9] = {0x01, 0x78, 0x56, 0x34, 0x12, 0x00, 0x10, 0x5e, 0x65};
	uint8_t rq[10] = {0x06};

	(void)state;
	assert_int_equal(SET(h, 0x01, 0x42), CC_OK);
	EXPECT(h, 1, 0x42);
	assert_int_equal(SET(h, 0x02, 0x03), CC_OK);
	EXPECT(h, 2, 0x03);
	assert_int_equal(SET(h, 0x03, 0x1f), CC_OK);
	EXPECT(h, 3, 0x1f);
	memcpy(rq + 1, info, 9);
	assert_int_equal(set_raw(h, rq, 10), CC_OK);
	expect_param(h, 6, 6, info, 9);

	/* the same value again is no change: nothing to save */
	assert_int_equal(SET(h, 0x01, 0x42), CC_OK);
	assert_int_equal(h->out.nfx, 0);
	h_free(h);
}

static void
test_mailbox(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t rq[17] = {0x07, 0x00, 0x57, 0x01, 0x00}; /* block 0: IANA 343 (Intel), then data */
	uint8_t zeros[16] = {0};
	size_t i;

	(void)state;
	for (i = 5; i < sizeof(rq); i++)
		rq[i] = (uint8_t)i;
	assert_int_equal(set_raw(h, rq, sizeof(rq)), CC_OK); /* 15 bytes of block 0 */
	assert_int_equal(h->out.nfx, 0); /* the mailbox is volatile */
	assert_int_equal(get(h, 7, 0, 0), 20);
	assert_memory_equal(rsp, "\x00\x01\x07\x00", 4);
	assert_memory_equal(rsp + 4, rq + 2, 15);
	assert_int_equal(rsp[19], 0x00);

	/* ipmitool's short last block: the rest of the block is cleared */
	assert_int_equal(SET(h, 0x07, 0x04, 'h', 'i', 0), CC_OK);
	assert_int_equal(get(h, 7, 4, 0), 20);
	assert_memory_equal(rsp, "\x00\x01\x07\x04hi\x00", 7);
	assert_memory_equal(rsp + 7, zeros, 13);
	assert_int_equal(SET(h, 0x07, 0x00, 0xaa), CC_OK);
	assert_int_equal(get(h, 7, 0, 0), 20);
	assert_int_equal(rsp[4], 0xaa);
	assert_memory_equal(rsp + 5, zeros, 15);

	/* block 5 is past the end: ipmitool's `bootmbox get` stops there */
	assert_int_equal(get(h, 7, 5, 0), 1);
	assert_int_equal(rsp[0], CC_OUT_OF_RANGE);
	assert_int_equal(get(h, 7, 0xff, 0), 1);
	assert_int_equal(rsp[0], CC_OUT_OF_RANGE);
	assert_int_equal(SET(h, 0x07, 0x05, 0x01), CC_OUT_OF_RANGE);
	assert_int_equal(get(h, 7, 1, 0), 20);
	assert_memory_equal(rsp + 4, zeros, 16);
	h_free(h);
}

/*
 * A whole 16-byte block is 18 bytes of request data, one more than the
 * dispatch row allows today: drive the handler directly.
 */
static void
test_mailbox_full_block_handler(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t rq[18] = {0x07, 0x02}, out[8];
	struct buf b = BUF_INIT(rq, sizeof(rq));
	struct wbuf w = WBUF_INIT(out, sizeof(out));
	struct cmd_ctx ctx;
	size_t i;

	(void)state;
	for (i = 2; i < sizeof(rq); i++)
		rq[i] = (uint8_t)(0xf0 + i);
	bmc_out_reset(&h->out);
	cmd_ctx_init(&ctx, h->bmc, &h->now, NULL, &h->out);
	ctx.priv = PRIV_OPERATOR;
	assert_int_equal(cmd_set_system_boot_options(&ctx, &b, &w), CC_OK);
	assert_int_equal(get(h, 7, 2, 0), 20);
	assert_memory_equal(rsp + 4, rq + 2, 16);
	/* 17 bytes of block data is one too many */
	{
		uint8_t big[19] = {0x07, 0x02};
		struct buf b2 = BUF_INIT(big, sizeof(big));
		assert_int_equal(cmd_set_system_boot_options(&ctx, &b2, &w), CC_REQ_LEN);
	}
	h_free(h);
}

static void
test_set_in_progress(void **state)
{
	struct harness *h = h_new(NULL);

	(void)state;
	assert_int_equal(SET(h, 0x00, 0x01), CC_OK);
	assert_int_equal(h->out.nfx, 0); /* volatile */
	EXPECT(h, 0, 0x01);
	/* held: a second "set in progress" is refused */
	assert_int_equal(SET(h, 0x00, 0x01), CC_SET_IN_PROGRESS);
	/* other parameters can still be written (ipmitool goes on without it) */
	assert_int_equal(SET(h, 0x05, 0x80, 0x08, 0x00, 0x00, 0x00), CC_OK);
	/* a requester that died: released after 60 s */
	h->now.mono_ms += 59999;
	assert_int_equal(SET(h, 0x00, 0x01), CC_SET_IN_PROGRESS);
	h->now.mono_ms += 1;
	EXPECT(h, 0, 0x00);
	assert_int_equal(SET(h, 0x00, 0x01), CC_OK);
	h->now.mono_ms += 60000;
	assert_int_equal(SET(h, 0x00, 0x01), CC_OK); /* expired, taken again */
	/* commit write completes; set complete too */
	assert_int_equal(SET(h, 0x00, 0x02), CC_OK);
	EXPECT(h, 0, 0x00);
	assert_int_equal(SET(h, 0x00, 0x00), CC_OK);
	EXPECT(h, 0, 0x00);
	/* 3 is reserved */
	assert_int_equal(SET(h, 0x00, 0x03), CC_INVALID_FIELD);
	EXPECT(h, 0, 0x00);
	h_free(h);
}

/* Set byte 1 bit 7 marks a parameter invalid/locked: stored, reported in Get byte 2, kept. */
static void
test_lock_bit(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t blob[BMC_PARAM_BLOB_MAX];
	size_t n;

	(void)state;
	assert_int_equal(SET(h, 0x85, 0x80, 0x04, 0x00, 0x00, 0x00), CC_OK);
	assert_true(h_fx_find(h, FX_SAVE_PARAM, BMC_PARAM_BOOT_OPTIONS) >= 0);
	expect_param(h, 5, 0x85, (const uint8_t[]){0x80, 0x04, 0, 0, 0}, 5);
	EXPECT(h, 1, 0x00); /* the others stay unlocked */
	assert_true(hint(h).valid); /* the flags still apply */

	/* kept across a restart */
	n = bmc_param_export(h->bmc, BMC_PARAM_BOOT_OPTIONS, blob);
	h_free(h);
	h = h_new(NULL);
	assert_int_equal(bmc_param_import(h->bmc, BMC_PARAM_BOOT_OPTIONS, blob, n), BMC_OK);
	expect_param(h, 5, 0x85, (const uint8_t[]){0x80, 0x04, 0, 0, 0}, 5);

	/* unlocked by the next write without the bit */
	assert_int_equal(SET(h, 0x05, 0x80, 0x04, 0x00, 0x00, 0x00), CC_OK);
	assert_true(h_fx_find(h, FX_SAVE_PARAM, BMC_PARAM_BOOT_OPTIONS) >= 0);
	EXPECT(h, 5, 0x80, 0x04, 0x00, 0x00, 0x00);
	/* volatile parameters take the bit too */
	assert_int_equal(SET(h, 0x87, 0x01, 0x11), CC_OK);
	assert_int_equal(get(h, 7, 1, 0), 20);
	assert_int_equal(rsp[2], 0x87);
	h_free(h);
}

static void
test_persistence(void **state)
{
	struct harness *h = h_new(NULL);
	static const uint8_t info[10] = {0x06, 0x01, 0x78, 0x56, 0x34, 0x12, 0x00, 0x10, 0x5e, 0x65};
	uint8_t blob[BMC_PARAM_BLOB_MAX], blob2[BMC_PARAM_BLOB_MAX];
	size_t n;
	struct bmc_boot_hint bh;

	(void)state;
	assert_string_equal(bmc_param_key(BMC_PARAM_BOOT_OPTIONS), "chassis.boot_options");
	assert_int_equal(bmc_param_by_key("chassis.boot_options"), BMC_PARAM_BOOT_OPTIONS);

	assert_int_equal(SET(h, 0x01, 0x02), CC_OK);
	assert_int_equal(SET(h, 0x02, 0x01), CC_OK);
	assert_int_equal(SET(h, 0x03, 0x08), CC_OK);
	assert_int_equal(SET(h, 0x04, 0x1f, 0x15), CC_OK);
	assert_int_equal(set_raw(h, info, sizeof(info)), CC_OK);
	/* a next-boot-only request survives a BMC restart until the host boots */
	assert_int_equal(SET(h, 0x05, 0xa0, 0x14, 0x00, 0x00, 0x00), CC_OK);
	assert_int_equal(SET(h, 0x07, 0x00, 0x01, 0x02, 0x03), CC_OK);
	assert_int_equal(SET(h, 0x00, 0x01), CC_OK);

	n = bmc_param_export(h->bmc, BMC_PARAM_BOOT_OPTIONS, blob);
	assert_int_equal(n, 19);
	h_free(h);

	h = h_new(NULL);
	assert_int_equal(bmc_param_import(h->bmc, BMC_PARAM_BOOT_OPTIONS, blob, n - 1), BMC_ERR_INVALID);
	EXPECT(h, 5, 0x00, 0x00, 0x00, 0x00, 0x00); /* a bad blob changed nothing */
	assert_int_equal(bmc_param_import(h->bmc, BMC_PARAM_BOOT_OPTIONS, blob, n), BMC_OK);
	EXPECT(h, 1, 0x02);
	EXPECT(h, 2, 0x01);
	EXPECT(h, 3, 0x08);
	EXPECT(h, 4, 0x00, 0x15);
	expect_param(h, 6, 6, info + 1, 9);
	EXPECT(h, 5, 0xa0, 0x14, 0x00, 0x00, 0x00);
	bh = hint(h);
	assert_true(bh.valid && bh.efi);
	assert_false(bh.persistent);
	assert_int_equal(bh.device, BOOTDEV_CDROM);
	/* not kept: set in progress and the mailbox */
	EXPECT(h, 0, 0x00);
	assert_int_equal(get(h, 7, 0, 0), 20);
	assert_int_equal(rsp[4], 0x00);

	/* spent by the boot; what gets saved then says so */
	booted(h);
	assert_true(h_fx_find(h, FX_SAVE_PARAM, BMC_PARAM_BOOT_OPTIONS) >= 0);
	n = bmc_param_export(h->bmc, BMC_PARAM_BOOT_OPTIONS, blob2);
	h_free(h);
	h = h_new(NULL);
	assert_int_equal(bmc_param_import(h->bmc, BMC_PARAM_BOOT_OPTIONS, blob2, n), BMC_OK);
	assert_false(hint(h).valid);
	EXPECT(h, 5, 0x20, 0x14, 0x00, 0x00, 0x00);
	EXPECT(h, 1, 0x02);
	h_free(h);
}

static void
test_errors(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t before[BMC_PARAM_BLOB_MAX], after[BMC_PARAM_BLOB_MAX];
	size_t n;

	(void)state;
	assert_int_equal(SET(h, 0x05, 0x80, 0x04, 0x00, 0x00, 0x00), CC_OK);
	n = bmc_param_export(h->bmc, BMC_PARAM_BOOT_OPTIONS, before);

	/* unknown parameters, OEM ones too: 80h, whatever the length */
	assert_int_equal(SET(h, 0x08, 0x00), CC_PARAM_UNSUPPORTED);
	assert_int_equal(SET(h, 0x60, 0x00, 0x01), CC_PARAM_UNSUPPORTED);
	assert_int_equal(SET(h, 0x7f), CC_PARAM_UNSUPPORTED);
	assert_int_equal(get(h, 0x08, 0, 0), 1);
	assert_int_equal(rsp[0], CC_PARAM_UNSUPPORTED);
	assert_int_equal(get(h, 0x60, 0, 0), 1);
	assert_int_equal(rsp[0], CC_PARAM_UNSUPPORTED);

	/* wrong data length: C7h */
	assert_int_equal(SET(h, 0x00), CC_REQ_LEN);
	assert_int_equal(SET(h, 0x00, 0x01, 0x00), CC_REQ_LEN);
	assert_int_equal(SET(h, 0x01), CC_REQ_LEN);
	assert_int_equal(SET(h, 0x03, 0x08, 0x00), CC_REQ_LEN);
	assert_int_equal(SET(h, 0x04, 0x01), CC_REQ_LEN);
	assert_int_equal(SET(h, 0x05, 0xe0, 0x04, 0x00, 0x00), CC_REQ_LEN);
	assert_int_equal(SET(h, 0x05, 0xe0, 0x04, 0x00, 0x00, 0x00, 0x00), CC_REQ_LEN);
	assert_int_equal(SET(h, 0x06, 1, 2, 3, 4, 5, 6, 7, 8), CC_REQ_LEN);
	assert_int_equal(SET(h, 0x07, 0x00), CC_REQ_LEN); /* a block selector and no data */
	/* the dispatcher's bounds */
	assert_int_equal(h_cmd(h, PRIV_OPERATOR, NETFN_CHASSIS, 0x08, NULL, 0, rsp, sizeof(rsp)), 1);
	assert_int_equal(rsp[0], CC_REQ_LEN);
	assert_int_equal(
	    h_cmd(h, PRIV_OPERATOR, NETFN_CHASSIS, 0x09, (const uint8_t[]){5, 0}, 2, rsp, sizeof(rsp)), 1);
	assert_int_equal(rsp[0], CC_REQ_LEN);

	/* reserved bits and values: CCh */
	assert_int_equal(SET(h, 0x00, 0x03), CC_INVALID_FIELD);
	assert_int_equal(SET(h, 0x02, 0x04), CC_INVALID_FIELD);
	assert_int_equal(SET(h, 0x03, 0x20), CC_INVALID_FIELD);
	/* mailbox block out of range: C9h */
	assert_int_equal(SET(h, 0x07, 0x05, 0x00), CC_OUT_OF_RANGE);

	/* none of that changed anything or asked for a save */
	assert_int_equal(h->out.nfx, 0);
	assert_int_equal(bmc_param_export(h->bmc, BMC_PARAM_BOOT_OPTIONS, after), n);
	assert_memory_equal(before, after, n);
	EXPECT(h, 5, 0x80, 0x04, 0x00, 0x00, 0x00);
	h_free(h);
}

static void
test_privileges(void **state)
{
	struct harness *h = h_new(NULL);

	(void)state;
	assert_int_equal(h_cmd(h, PRIV_USER, NETFN_CHASSIS, 0x08,
	                     (const uint8_t[]){0x05, 0x80, 0x04, 0x00, 0x00, 0x00}, 6, rsp, sizeof(rsp)),
	    1);
	assert_int_equal(rsp[0], CC_INSUFFICIENT_PRIV);
	assert_int_equal(h->out.nfx, 0);
	assert_false(hint(h).valid);
	assert_int_equal(
	    h_cmd(h, PRIV_USER, NETFN_CHASSIS, 0x09, (const uint8_t[]){5, 0, 0}, 3, rsp, sizeof(rsp)), 1);
	assert_int_equal(rsp[0], CC_INSUFFICIENT_PRIV);
	assert_int_equal(
	    h_cmd(h, PRIV_NONE, NETFN_CHASSIS, 0x09, (const uint8_t[]){5, 0, 0}, 3, rsp, sizeof(rsp)), 1);
	assert_int_equal(rsp[0], CC_INSUFFICIENT_PRIV);
	/* operator and admin may */
	assert_int_equal(h_cmd(h, PRIV_ADMIN, NETFN_CHASSIS, 0x08,
	                     (const uint8_t[]){0x05, 0x80, 0x04, 0x00, 0x00, 0x00}, 6, rsp, sizeof(rsp)),
	    1);
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(
	    h_cmd(h, PRIV_OPERATOR, NETFN_CHASSIS, 0x09, (const uint8_t[]){5, 0, 0}, 3, rsp, sizeof(rsp)), 8);
	assert_int_equal(rsp[0], CC_OK);
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_ipmitool_bootdev_pxe_persistent_efiboot),
	    cmocka_unit_test(test_ipmitool_bootparam_set_bootflag),
	    cmocka_unit_test(test_ironic_raw),
	    cmocka_unit_test(test_freeipmi_set_boot_flags),
	    cmocka_unit_test(test_hint_devices),
	    cmocka_unit_test(test_other_params),
	    cmocka_unit_test(test_mailbox),
	    cmocka_unit_test(test_mailbox_full_block_handler),
	    cmocka_unit_test(test_set_in_progress),
	    cmocka_unit_test(test_lock_bit),
	    cmocka_unit_test(test_persistence),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_privileges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
