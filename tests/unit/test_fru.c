/*
 * FRU inventory: images built from config fields (checked byte by byte
 * against the FRU Information Storage Definition v1.0), the checker and the
 * decoder, the device list, and the three Storage commands through the
 * dispatcher (Get FRU Inventory Area Info, Read FRU Data, Write FRU Data).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define CMD(h, priv, cmd, ...)                                                                               \
	h_cmd(h, priv, NETFN_STORAGE, cmd, (const uint8_t[]){__VA_ARGS__},                                   \
	    sizeof((const uint8_t[]){__VA_ARGS__}), rsp, sizeof(rsp))
#define EXPECT(n, ...)                                                                                       \
	do {                                                                                                 \
		const uint8_t want_[] = {__VA_ARGS__};                                                       \
		assert_int_equal(rsp[0], want_[0]); /* the completion code first: the clearer message */     \
		assert_int_equal((n), sizeof(want_));                                                        \
		assert_memory_equal(rsp, want_, sizeof(want_));                                              \
	} while (0)
#define LE16(v) (uint8_t)(v), (uint8_t)((v) >> 8)

enum {
	GET_FRU_AREA_INFO = 0x10,
	READ_FRU_DATA = 0x11,
	WRITE_FRU_DATA = 0x12,
};

/* Wire order of 01234567-89ab-cdef-0123-456789abcdef: the text's bytes reversed. */
static const uint8_t test_guid[16] = {
    0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01, 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01};

/* ---- the built-in image, byte by byte ---- */

/* Common header: version 1, no internal use area, chassis at 8, board at 40, product at 104, no multirecords.
 */
static const uint8_t want_header[8] = {0x01, 0x00, 0x01, 0x05, 0x0d, 0x00, 0x00, 0xec};

static const uint8_t want_chassis[32] = {
    0x01, 0x04, /* version, 4 x 8 bytes */
    0x17, /* rack mount chassis */
    0xc9, 'G', 'B', '-', '1', 'U', '-', 'C', 'H', 'S', /* part number */
    0xcc, 'C', 'H', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F', /* serial: the GUID's tail */
    0xc1, 0x00, 0x00, 0x00, 0x00, /* end of fields, pad */
    0x49, /* checksum */
};

static const uint8_t want_board[64] = {
    0x01, 0x08, /* version, 8 x 8 bytes */
    0x00, /* English */
    0x40, 0x12, 0xe9, /* 15274560 minutes after 1996-01-01: 2025-01-15 08:00 UTC */
    0xc8, 'g', 'h', 'o', 's', 't', 'b', 'm', 'c', /* manufacturer */
    0xce, 'G', 'B', '1', 'U', ' ', 'M', 'a', 'i', 'n', 'b', 'o', 'a', 'r', 'd', /* product name */
    0xcc, 'M', 'B', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F', /* serial */
    0xca, 'G', 'B', '-', 'M', 'B', '-', '0', '0', '0', '1', /* part number */
    0xc0, /* FRU file ID: empty */
    0xc1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* end of fields, pad */
    0xc7, /* checksum */
};

static const uint8_t want_product[64] = {
    0x01, 0x08, 0x00, /* version, 8 x 8 bytes, English */
    0xc8, 'g', 'h', 'o', 's', 't', 'b', 'm', 'c', /* manufacturer */
    0xd3, 'S', 'i', 'm', 'u', 'l', 'a', 't', 'e', 'd', ' ', '1', 'U', ' ', 'S', 'e', 'r', 'v', 'e', 'r', 0xca,
    'G', 'B', '-', '1', 'U', '-', '0', '0', '0', '1', /* part/model */
    0xc3, '1', '.', '0', /* version */
    0xcc, 'S', 'V', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F', /* serial */
    0xc0, /* asset tag: empty */
    0xc0, /* FRU file ID: empty */
    0xc1, /* end of fields, no pad needed */
    0xb1, /* checksum */
};

static size_t
build_defaults(uint8_t *img, size_t max)
{
	struct bmc_fru_conf c;
	char err[160] = "";
	int n;

	bmc_fru_defaults(&c, test_guid);
	n = bmc_fru_build(&c, img, max, err, sizeof(err));
	if (n < 0)
		fail_msg("bmc_fru_build: %s", err);
	return (size_t)n;
}

static void
test_defaults_conf(void **state)
{
	struct bmc_fru_conf c;

	(void)state;
	bmc_fru_defaults(&c, test_guid);
	assert_int_equal(c.id, 0);
	assert_string_equal(c.name, "System FRU");
	assert_int_equal(c.size, 0);
	assert_false(c.write_protect);
	assert_true(c.chassis && c.board && c.product);
	assert_int_equal(c.chassis_type, 0x17);
	assert_string_equal(c.chassis_serial, "CH6789ABCDEF");
	assert_string_equal(c.board_serial, "MB6789ABCDEF");
	assert_string_equal(c.product_serial, "SV6789ABCDEF");
	assert_string_equal(c.product_asset_tag, "");
	assert_int_equal(c.board_mfg_date, 1736928000); /* 2025-01-15 08:00:00 UTC */
	assert_int_equal(c.nmultirecords, 0);
}

static void
test_defaults_image(void **state)
{
	uint8_t img[BMC_FRU_MAX_SIZE];
	char err[160] = "";
	size_t n, i;

	(void)state;
	memset(img, 0xa5, sizeof(img));
	n = build_defaults(img, sizeof(img));
	/* 168 bytes of areas: size 0 makes it 256. */
	assert_int_equal(n, 256);
	assert_memory_equal(img, want_header, 8);
	assert_memory_equal(img + 8, want_chassis, sizeof(want_chassis));
	assert_memory_equal(img + 40, want_board, sizeof(want_board));
	assert_memory_equal(img + 104, want_product, sizeof(want_product));
	for (i = 168; i < n; i++)
		assert_int_equal(img[i], 0);
	assert_int_equal(img[n], 0xa5); /* nothing written past the image */
	assert_int_equal(bmc_fru_check(img, n, err, sizeof(err)), 0);
}

/* ---- the checker ---- */

static void
fix_header(uint8_t *img)
{
	uint8_t sum = 0;
	int i;

	for (i = 0; i < 7; i++)
		sum = (uint8_t)(sum + img[i]);
	img[7] = (uint8_t)-sum;
}

static void
fix_area(uint8_t *img, size_t off, size_t len)
{
	uint8_t sum = 0;
	size_t i;

	for (i = 0; i < len - 1; i++)
		sum = (uint8_t)(sum + img[off + i]);
	img[off + len - 1] = (uint8_t)-sum;
}

#define REFUSED(img, n, needle)                                                                              \
	do {                                                                                                 \
		char e_[160] = "";                                                                           \
		assert_int_equal(bmc_fru_check(img, n, e_, sizeof(e_)), -1);                                 \
		if (strstr(e_, needle) == NULL)                                                              \
			fail_msg("error \"%s\" does not name \"%s\"", e_, needle);                           \
	} while (0)

static void
test_check_refuses_corruption(void **state)
{
	uint8_t good[BMC_FRU_MAX_SIZE], img[BMC_FRU_MAX_SIZE];
	size_t n;

	(void)state;
	n = build_defaults(good, sizeof(good));

	/* Header checksum. */
	memcpy(img, good, n);
	img[7] ^= 0x01;
	REFUSED(img, n, "common header: checksum");
	/* Header version, checksum fixed. */
	memcpy(img, good, n);
	img[0] = 0x02;
	fix_header(img);
	REFUSED(img, n, "common header: format version 02h");
	/* Shorter than a header. */
	REFUSED(good, 7, "common header");
	/* Board area checksum: one byte of the manufacturer changed. */
	memcpy(img, good, n);
	img[40 + 7] = 'G';
	REFUSED(img, n, "board area: checksum");
	/* Chassis checksum byte itself. */
	memcpy(img, good, n);
	img[8 + 31] ^= 0xff;
	REFUSED(img, n, "chassis area: checksum");
	/* Product offset past the end (256 = 32 x 8). */
	memcpy(img, good, n);
	img[4] = 32;
	fix_header(img);
	REFUSED(img, n, "product area offset 256 is past the end");
	/* The same image, truncated so the product area runs past the end. */
	REFUSED(good, 150, "product area");
	/* Offsets out of order: board before chassis. */
	memcpy(img, good, n);
	img[2] = 5;
	img[3] = 1;
	fix_header(img);
	REFUSED(img, n, "board area offset");
	/* Bad area version, checksum fixed. */
	memcpy(img, good, n);
	img[40] = 0x02;
	fix_area(img, 40, 64);
	REFUSED(img, n, "board area: format version 02h");
	/* Area length past the end of the image, checksum fixed for its claimed length being unreadable. */
	memcpy(img, good, n);
	img[104 + 1] = 0x40;
	REFUSED(img, n, "product area: 512 bytes");
	/* Area length 0. */
	memcpy(img, good, n);
	img[8 + 1] = 0;
	REFUSED(img, n, "chassis area: length 0");
	/* A field running past its area, checksum fixed: the serial says 62 bytes. */
	memcpy(img, good, n);
	img[8 + 13] = 0xc0 | 62;
	fix_area(img, 8, 32);
	REFUSED(img, n, "chassis area: field 1");
	/* No end-of-fields marker, checksum fixed. */
	memcpy(img, good, n);
	img[8 + 26] = 0xc0; /* an empty field where C1h was, then zeros read as empty binary fields */
	fix_area(img, 8, 32);
	REFUSED(img, n, "chassis area: no end-of-fields");
	/* The good image still passes (and the error text is optional). */
	assert_int_equal(bmc_fru_check(good, n, NULL, 0), 0);
}

/* ---- multirecords ---- */

static void
multirecord_conf(struct bmc_fru_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->nmultirecords = 2;
	c->multirecord[0].type = 0x00; /* power supply information */
	c->multirecord[0].len = 4;
	memcpy(c->multirecord[0].data, (const uint8_t[]){0x10, 0x20, 0x30, 0x40}, 4);
	c->multirecord[1].type = 0xc0; /* OEM */
	c->multirecord[1].len = 2;
	memcpy(c->multirecord[1].data, (const uint8_t[]){0xaa, 0x55}, 2);
}

static void
test_multirecord_encoding(void **state)
{
	static const uint8_t want[] = {
	    0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0xfe, /* header: multirecords at 8 */
	    0x00, 0x02, 0x04, 0x60, 0x9a, 0x10, 0x20, 0x30, 0x40, /* type 0, v2, 4 bytes, checksums */
	    0xc0, 0x82, 0x02, 0x01, 0xbb, 0xaa, 0x55, /* type C0h, v2 + end of list */
	};
	struct bmc_fru_conf c;
	uint8_t img[BMC_FRU_MAX_SIZE], bad[BMC_FRU_MAX_SIZE];
	char err[160] = "";
	int n;

	(void)state;
	multirecord_conf(&c);
	n = bmc_fru_build(&c, img, sizeof(img), err, sizeof(err));
	assert_int_equal(n, 256);
	assert_memory_equal(img, want, sizeof(want));
	assert_int_equal(img[sizeof(want)], 0);
	assert_int_equal(bmc_fru_check(img, (size_t)n, err, sizeof(err)), 0);

	/* Each checksum, and a list with no end. */
	memcpy(bad, img, (size_t)n);
	bad[8 + 4] ^= 1;
	REFUSED(bad, (size_t)n, "multirecord 0: header checksum");
	memcpy(bad, img, (size_t)n);
	bad[17 + 5] ^= 1;
	REFUSED(bad, (size_t)n, "multirecord 1: record checksum");
	memcpy(bad, img, (size_t)n);
	bad[17 + 1] = 0x02; /* no end-of-list bit: the zeros after it read as a bad header */
	bad[17 + 4] = (uint8_t)(bad[17 + 4] + 0x80);
	REFUSED(bad, (size_t)n, "multirecord 2");
	/* A record whose data runs past the image. */
	REFUSED(img, 15, "multirecord 0: 4 data bytes run past the end");

	/* Records follow the info areas. */
	bmc_fru_defaults(&c, test_guid);
	c.nmultirecords = 1;
	c.multirecord[0].type = 0x01;
	c.multirecord[0].len = 0;
	n = bmc_fru_build(&c, img, sizeof(img), err, sizeof(err));
	assert_int_equal(n, 256);
	assert_int_equal(img[5], 21); /* 168 / 8 */
	assert_memory_equal(img + 168, ((const uint8_t[]){0x01, 0x82, 0x00, 0x00, 0x7d}), 5);
	assert_int_equal(bmc_fru_check(img, (size_t)n, err, sizeof(err)), 0);
}

/* ---- build errors ---- */

static void
test_field_too_long(void **state)
{
	struct bmc_fru_conf c;
	uint8_t img[BMC_FRU_MAX_SIZE];
	char err[160] = "";
	int n;

	(void)state;
	/* 63 bytes fit: type/length FFh. */
	bmc_fru_defaults(&c, test_guid);
	memset(c.board_part, 'P', 63);
	c.board_part[63] = '\0';
	n = bmc_fru_build(&c, img, sizeof(img), err, sizeof(err));
	assert_true(n > 0);
	assert_int_equal(img[40 + 6 + 9 + 15 + 13], 0xff);
	assert_int_equal(bmc_fru_check(img, (size_t)n, err, sizeof(err)), 0);
	/* 64 (no terminator in the array) do not. */
	memset(c.board_part, 'P', sizeof(c.board_part));
	assert_int_equal(bmc_fru_build(&c, img, sizeof(img), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "board_part"));
	bmc_fru_defaults(&c, test_guid);
	memset(c.product_asset_tag, 'A', sizeof(c.product_asset_tag));
	assert_int_equal(bmc_fru_build(&c, img, sizeof(img), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "product_asset_tag"));
	/* ... but a field too long in an area that is not emitted does not matter. */
	c.product = false;
	assert_true(bmc_fru_build(&c, img, sizeof(img), err, sizeof(err)) > 0);
	assert_int_equal(img[4], 0);
}

static void
test_one_character_field(void **state)
{
	struct bmc_fru_conf c;
	uint8_t img[BMC_FRU_MAX_SIZE];
	char err[160] = "";

	(void)state;
	/* C1h would read as the end of the fields: a lone character gets a space. */
	memset(&c, 0, sizeof(c));
	c.chassis = true;
	c.chassis_type = 0x01;
	snprintf(c.chassis_part, sizeof(c.chassis_part), "X");
	assert_int_equal(bmc_fru_build(&c, img, sizeof(img), err, sizeof(err)), 256);
	assert_memory_equal(img + 8, ((const uint8_t[]){0x01, 0x02, 0x01, 0xc2, 'X', ' ', 0xc0, 0xc1}), 8);
	assert_int_equal(bmc_fru_check(img, 256, err, sizeof(err)), 0);
}

static void
test_size(void **state)
{
	struct bmc_fru_conf c;
	uint8_t img[BMC_FRU_MAX_SIZE];
	char err[160] = "";

	(void)state;
	bmc_fru_defaults(&c, test_guid);
	/* Exactly the areas, then one short. */
	c.size = 168;
	assert_int_equal(bmc_fru_build(&c, img, sizeof(img), err, sizeof(err)), 168);
	assert_int_equal(bmc_fru_check(img, 168, err, sizeof(err)), 0);
	c.size = 167;
	assert_int_equal(bmc_fru_build(&c, img, sizeof(img), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too small"));
	/* Bigger than asked for, zero padded. */
	c.size = 1000;
	memset(img, 0xa5, sizeof(img));
	assert_int_equal(bmc_fru_build(&c, img, sizeof(img), err, sizeof(err)), 1000);
	assert_int_equal(img[999], 0);
	assert_int_equal(img[1000], 0xa5);
	c.size = BMC_FRU_MAX_SIZE + 1;
	assert_int_equal(bmc_fru_build(&c, img, sizeof(img), err, sizeof(err)), -1);
	/* The caller's buffer too small. */
	c.size = 0;
	assert_int_equal(bmc_fru_build(&c, img, 255, err, sizeof(err)), -1);
	/* Over 256 bytes of areas round up to 8. */
	memset(c.board_part, 'P', 63);
	memset(c.board_product, 'Q', 63);
	memset(c.product_name, 'N', 63);
	c.board_part[63] = c.board_product[63] = c.product_name[63] = '\0';
	assert_int_equal(bmc_fru_build(&c, img, sizeof(img), err, sizeof(err)), 312);
	assert_int_equal(bmc_fru_check(img, 312, err, sizeof(err)), 0);
	/* No area at all: a bare header. */
	memset(&c, 0, sizeof(c));
	assert_int_equal(bmc_fru_build(&c, img, sizeof(img), err, sizeof(err)), 256);
	assert_memory_equal(img, ((const uint8_t[]){1, 0, 0, 0, 0, 0, 0, 0xff}), 8);
	assert_int_equal(bmc_fru_check(img, 256, err, sizeof(err)), 0);
}

static void
test_mfg_date(void **state)
{
	struct bmc_fru_conf c;
	uint8_t img[BMC_FRU_MAX_SIZE];
	char err[160] = "";

	(void)state;
	bmc_fru_defaults(&c, test_guid);
	c.board_mfg_date = 0; /* unspecified */
	assert_int_equal(bmc_fru_build(&c, img, sizeof(img), err, sizeof(err)), 256);
	assert_memory_equal(img + 40 + 3, ((const uint8_t[]){0, 0, 0}), 3);
	c.board_mfg_date = 820454400 + 60; /* 1996-01-01 00:01 */
	assert_int_equal(bmc_fru_build(&c, img, sizeof(img), err, sizeof(err)), 256);
	assert_memory_equal(img + 40 + 3, ((const uint8_t[]){1, 0, 0}), 3);
	c.board_mfg_date = 820454400 + 0xffffffll * 60 + 59; /* the last minute: 2027-11-24 20:15 */
	assert_int_equal(bmc_fru_build(&c, img, sizeof(img), err, sizeof(err)), 256);
	assert_memory_equal(img + 40 + 3, ((const uint8_t[]){0xff, 0xff, 0xff}), 3);
	c.board_mfg_date = 820454400 + 0x1000000ll * 60;
	assert_int_equal(bmc_fru_build(&c, img, sizeof(img), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "board_mfg_date"));
	c.board_mfg_date = 820454399;
	assert_int_equal(bmc_fru_build(&c, img, sizeof(img), err, sizeof(err)), -1);
	c.board_mfg_date = -1;
	assert_int_equal(bmc_fru_build(&c, img, sizeof(img), err, sizeof(err)), -1);
}

/* ---- decoding ---- */

struct decoded {
	size_t n;
	char area[32][16], field[32][16], value[32][800];
};

static void
collect(void *arg, const char *area, const char *field, const char *value)
{
	struct decoded *d = arg;

	assert_true(d->n < 32);
	snprintf(d->area[d->n], sizeof(d->area[0]), "%s", area);
	snprintf(d->field[d->n], sizeof(d->field[0]), "%s", field);
	snprintf(d->value[d->n], sizeof(d->value[0]), "%s", value);
	d->n++;
}

static void
expect_field(const struct decoded *d, size_t i, const char *area, const char *field, const char *value)
{
	assert_true(i < d->n);
	assert_string_equal(d->area[i], area);
	assert_string_equal(d->field[i], field);
	assert_string_equal(d->value[i], value);
}

static void
test_decode_round_trip(void **state)
{
	struct bmc_fru_conf c;
	uint8_t img[BMC_FRU_MAX_SIZE];
	char err[160] = "";
	struct decoded *d = calloc(1, sizeof(*d));
	int n;

	(void)state;
	assert_non_null(d);
	memset(&c, 0, sizeof(c));
	c.chassis = c.board = c.product = true;
	c.chassis_type = 0x23; /* mini PC */
	snprintf(c.chassis_part, sizeof(c.chassis_part), "CP-1");
	snprintf(c.chassis_serial, sizeof(c.chassis_serial), "CS-2");
	c.board_mfg_date = 1709294400 + 37 * 60; /* 2024-03-01 12:37 UTC (a leap year's March) */
	snprintf(c.board_mfg, sizeof(c.board_mfg), "Board Maker");
	snprintf(c.board_product, sizeof(c.board_product), "Board Product");
	snprintf(c.board_serial, sizeof(c.board_serial), "BS-3");
	snprintf(c.board_part, sizeof(c.board_part), "BP-4");
	snprintf(c.product_mfg, sizeof(c.product_mfg), "Product Maker");
	snprintf(c.product_name, sizeof(c.product_name), "Product Name");
	snprintf(c.product_part, sizeof(c.product_part), "PP-5");
	snprintf(c.product_version, sizeof(c.product_version), "v6");
	snprintf(c.product_serial, sizeof(c.product_serial), "PS-7");
	snprintf(c.product_asset_tag, sizeof(c.product_asset_tag), "Asset #8");
	c.nmultirecords = 1;
	c.multirecord[0].type = 0xc2;
	c.multirecord[0].len = 3;
	memcpy(c.multirecord[0].data, (const uint8_t[]){0x00, 0x7f, 0xff}, 3);
	n = bmc_fru_build(&c, img, sizeof(img), err, sizeof(err));
	assert_true(n > 0);
	bmc_fru_decode(img, (size_t)n, collect, d);
	expect_field(d, 0, "chassis", "type", "35");
	expect_field(d, 1, "chassis", "part", "CP-1");
	expect_field(d, 2, "chassis", "serial", "CS-2");
	expect_field(d, 3, "board", "mfg_date", "2024-03-01 12:37 UTC");
	expect_field(d, 4, "board", "mfg", "Board Maker");
	expect_field(d, 5, "board", "product", "Board Product");
	expect_field(d, 6, "board", "serial", "BS-3");
	expect_field(d, 7, "board", "part", "BP-4");
	expect_field(d, 8, "board", "fru_file_id", "");
	expect_field(d, 9, "product", "mfg", "Product Maker");
	expect_field(d, 10, "product", "name", "Product Name");
	expect_field(d, 11, "product", "part", "PP-5");
	expect_field(d, 12, "product", "version", "v6");
	expect_field(d, 13, "product", "serial", "PS-7");
	expect_field(d, 14, "product", "asset_tag", "Asset #8");
	expect_field(d, 15, "product", "fru_file_id", "");
	expect_field(d, 16, "multirecord", "record 0", "type C2h, 3 bytes: 00 7F FF");
	assert_int_equal(d->n, 17);

	/* The defaults; empty fields are reported as "". */
	d->n = 0;
	n = (int)build_defaults(img, sizeof(img));
	bmc_fru_decode(img, (size_t)n, collect, d);
	assert_int_equal(d->n, 16);
	expect_field(d, 0, "chassis", "type", "23");
	expect_field(d, 2, "chassis", "serial", "CH6789ABCDEF");
	expect_field(d, 3, "board", "mfg_date", "2025-01-15 08:00 UTC");
	expect_field(d, 5, "board", "product", "GB1U Mainboard");
	expect_field(d, 10, "product", "name", "Simulated 1U Server");
	expect_field(d, 14, "product", "asset_tag", "");
	free(d);
}

static void
test_decode_malformed_and_encodings(void **state)
{
	uint8_t img[BMC_FRU_MAX_SIZE];
	struct decoded *d = calloc(1, sizeof(*d));
	size_t n;

	(void)state;
	assert_non_null(d);
	/* A bad board checksum: the board reports an error, the other areas still decode. */
	n = build_defaults(img, sizeof(img));
	img[40 + 7] = 'G';
	bmc_fru_decode(img, n, collect, d);
	expect_field(d, 3, "board", "error", "board area: checksum mismatch (the bytes sum to E0h, not 00h)");
	expect_field(d, 4, "product", "mfg", "ghostbmc");
	assert_int_equal(d->n, 3 + 1 + 7);
	/* A bad header: nothing can be located. */
	d->n = 0;
	img[7] ^= 1;
	bmc_fru_decode(img, n, collect, d);
	assert_int_equal(d->n, 1);
	assert_string_equal(d->field[0], "error");
	assert_non_null(strstr(d->value[0], "common header"));

	/*
	 * A chassis area as another tool might write it: 6-bit packed ASCII
	 * ("IPMI", the spec's example 29h DCh A6h), BCD plus, binary, a
	 * custom field; the board date unspecified.
	 */
	memset(img, 0, 64);
	memcpy(img, ((const uint8_t[]){0x01, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0xfa}), 8);
	memcpy(img + 8,
	    ((const uint8_t[]){0x01, 0x03, 0x17, 0x83, 0x29, 0xdc, 0xa6, 0x42, 0x12, 0xbc, 0x02, 0xde, 0xad,
	        0xc3, 'x', 'y', 'z', 0xc1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}),
	    24);
	fix_area(img, 8, 24);
	memcpy(img + 32, ((const uint8_t[]){0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0xc1, 0x00}), 8);
	fix_area(img, 32, 8);
	assert_int_equal(bmc_fru_check(img, 64, NULL, 0), 0);
	d->n = 0;
	bmc_fru_decode(img, 64, collect, d);
	expect_field(d, 0, "chassis", "type", "23");
	expect_field(d, 1, "chassis", "part", "IPMI");
	expect_field(d, 2, "chassis", "serial", "12-.");
	expect_field(d, 3, "chassis", "custom", "DE AD");
	expect_field(d, 4, "chassis", "custom", "xyz");
	expect_field(d, 5, "board", "mfg_date", "unspecified");
	assert_int_equal(d->n, 6);
	free(d);
}

/* ---- the device list ---- */

static void
test_fru_set(void **state)
{
	struct harness *h = h_new(NULL);
	struct bmc_fru_info info;
	uint8_t img[300];
	size_t i;

	(void)state;
	bmc_fru_clear(h->bmc);
	for (i = 0; i < sizeof(img); i++)
		img[i] = (uint8_t)i;
	/* Refused: no bytes, too many, ID FFh. */
	assert_int_equal(bmc_fru_set(h->bmc, 1, "x", img, 0, false), BMC_ERR_INVALID);
	assert_int_equal(bmc_fru_set(h->bmc, 0xff, "x", img, 8, false), BMC_ERR_INVALID);
	{
		uint8_t *big = calloc(1, BMC_FRU_MAX_SIZE + 1);
		assert_non_null(big);
		assert_int_equal(
		    bmc_fru_set(h->bmc, 1, "x", big, BMC_FRU_MAX_SIZE + 1, false), BMC_ERR_INVALID);
		assert_int_equal(bmc_fru_set(h->bmc, 1, "max", big, BMC_FRU_MAX_SIZE, false), BMC_OK);
		free(big);
	}
	/* Out of order in, in order out; the copy is ours. */
	assert_int_equal(bmc_fru_set(h->bmc, 7, "Seven", img, 7, true), BMC_OK);
	assert_int_equal(bmc_fru_set(h->bmc, 0, "A name longer than sixteen", img, 10, false), BMC_OK);
	assert_int_equal(bmc_fru_set(h->bmc, 3, "Three", img + 3, 3, false), BMC_OK);
	img[3] = 0xee;
	assert_int_equal(bmc_fru_count(h->bmc), 4);
	assert_int_equal(bmc_fru_info(h->bmc, 0, &info), 0);
	assert_int_equal(info.id, 0);
	assert_string_equal(info.name, "A name longer th");
	assert_int_equal(info.len, 10);
	assert_false(info.write_protect);
	assert_int_equal(bmc_fru_info(h->bmc, 1, &info), 0);
	assert_int_equal(info.id, 1);
	assert_int_equal(info.len, BMC_FRU_MAX_SIZE);
	assert_int_equal(bmc_fru_info(h->bmc, 2, &info), 0);
	assert_int_equal(info.id, 3);
	assert_string_equal(info.name, "Three");
	assert_int_equal(info.len, 3);
	assert_memory_equal(info.data, ((const uint8_t[]){3, 4, 5}), 3);
	assert_int_equal(bmc_fru_info(h->bmc, 3, &info), 0);
	assert_int_equal(info.id, 7);
	assert_true(info.write_protect);
	assert_int_equal(bmc_fru_info(h->bmc, 4, &info), -1);
	assert_int_equal(bmc_fru_find(h->bmc, 3), 2);
	assert_int_equal(bmc_fru_find(h->bmc, 4), -1);
	assert_non_null(fru_by_id(h->bmc, 7));
	assert_null(fru_by_id(h->bmc, 2));
	/* Replacing keeps the count and the place. */
	assert_int_equal(bmc_fru_set(h->bmc, 3, "Three again", img, 20, true), BMC_OK);
	assert_int_equal(bmc_fru_count(h->bmc), 4);
	assert_int_equal(bmc_fru_info(h->bmc, 2, &info), 0);
	assert_int_equal(info.id, 3);
	assert_int_equal(info.len, 20);
	assert_string_equal(info.name, "Three again");
	assert_int_equal(info.data[3], 0xee);
	/* Full at BMC_MAX_FRUS: a new ID is refused, a known one still replaced. */
	for (i = 0; bmc_fru_count(h->bmc) < BMC_MAX_FRUS; i++)
		assert_int_equal(bmc_fru_set(h->bmc, (uint8_t)(100 - i), "more", img, 8, false), BMC_OK);
	assert_int_equal(bmc_fru_set(h->bmc, 200, "one too many", img, 8, false), BMC_ERR_FULL);
	assert_int_equal(bmc_fru_set(h->bmc, 7, "Seven", img, 8, false), BMC_OK);
	for (i = 1; i < bmc_fru_count(h->bmc); i++) {
		struct bmc_fru_info prev;
		assert_int_equal(bmc_fru_info(h->bmc, i - 1, &prev), 0);
		assert_int_equal(bmc_fru_info(h->bmc, i, &info), 0);
		assert_true(prev.id < info.id);
	}
	bmc_fru_clear(h->bmc);
	assert_int_equal(bmc_fru_count(h->bmc), 0);
	assert_int_equal(bmc_fru_find(h->bmc, 0), -1);
	/* Left for bmc_free to release (the sanitizer build checks it does). */
	assert_int_equal(bmc_fru_set(h->bmc, 5, "five", img, 8, false), BMC_OK);
	h_free(h);
}

/* ---- commands ---- */

/* A harness with the built-in FRU 0 installed; returns its size. */
static struct harness *
setup(size_t *size, bool write_protect)
{
	struct harness *h = h_new(NULL);
	uint8_t img[BMC_FRU_MAX_SIZE];
	size_t n = build_defaults(img, sizeof(img));

	bmc_fru_clear(h->bmc);
	assert_int_equal(bmc_fru_set(h->bmc, 0, "System FRU", img, n, write_protect), BMC_OK);
	if (size != NULL)
		*size = n;
	return h;
}

static void
teardown(struct harness *h)
{
	h_free(h); /* bmc_free releases the images */
}

static const uint8_t *
stored(struct harness *h, uint8_t id)
{
	struct fru_dev *f = fru_by_id(h->bmc, id);

	assert_non_null(f);
	return f->data;
}

static void
test_cmd_area_info(void **state)
{
	struct harness *h = setup(NULL, false);
	uint8_t rsp[64], odd[10] = {0};
	size_t n;

	(void)state;
	n = CMD(h, PRIV_USER, GET_FRU_AREA_INFO, 0);
	EXPECT(n, CC_OK, LE16(256), 0x00);
	assert_int_equal(bmc_fru_set(h->bmc, 9, "Odd", odd, sizeof(odd), true), BMC_OK);
	n = CMD(h, PRIV_USER, GET_FRU_AREA_INFO, 9);
	EXPECT(n, CC_OK, LE16(10), 0x00);
	n = CMD(h, PRIV_USER, GET_FRU_AREA_INFO, 1);
	EXPECT(n, CC_NOT_PRESENT);
	n = CMD(h, PRIV_USER, GET_FRU_AREA_INFO, 0xff);
	EXPECT(n, CC_NOT_PRESENT);
	teardown(h);
}

static void
test_cmd_read(void **state)
{
	size_t size, n, off;
	struct harness *h = setup(&size, false);
	uint8_t rsp[300], whole[BMC_FRU_MAX_SIZE];
	const uint8_t *img = stored(h, 0);

	(void)state;
	/* The header, as ipmitool reads it first. */
	n = CMD(h, PRIV_USER, READ_FRU_DATA, 0, LE16(0), 8);
	assert_int_equal(n, 2 + 8);
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(rsp[1], 8);
	assert_memory_equal(rsp + 2, want_header, 8);
	/* Count 0: nothing, fine. */
	n = CMD(h, PRIV_USER, READ_FRU_DATA, 0, LE16(5), 0);
	EXPECT(n, CC_OK, 0);
	/* At most 240 bytes a reply. */
	n = CMD(h, PRIV_USER, READ_FRU_DATA, 0, LE16(0), 240);
	assert_int_equal(n, 2 + 240);
	assert_int_equal(rsp[1], 240);
	assert_memory_equal(rsp + 2, img, 240);
	n = CMD(h, PRIV_USER, READ_FRU_DATA, 0, LE16(1), 241);
	assert_int_equal(n, 2 + 240);
	assert_int_equal(rsp[1], 240);
	assert_memory_equal(rsp + 2, img + 1, 240);
	n = CMD(h, PRIV_USER, READ_FRU_DATA, 0, LE16(0), 255);
	assert_int_equal(rsp[1], 240);
	/* Fewer at the end. */
	n = CMD(h, PRIV_USER, READ_FRU_DATA, 0, LE16(250), 10);
	assert_int_equal(n, 2 + 6);
	assert_int_equal(rsp[1], 6);
	assert_memory_equal(rsp + 2, img + 250, 6);
	n = CMD(h, PRIV_USER, READ_FRU_DATA, 0, LE16(16), 240);
	assert_int_equal(rsp[1], 240);
	n = CMD(h, PRIV_USER, READ_FRU_DATA, 0, LE16(17), 240);
	assert_int_equal(rsp[1], 239);
	/* The last byte, then past it. */
	n = CMD(h, PRIV_USER, READ_FRU_DATA, 0, LE16(255), 1);
	EXPECT(n, CC_OK, 1, img[255]);
	n = CMD(h, PRIV_USER, READ_FRU_DATA, 0, LE16(255), 0xff);
	EXPECT(n, CC_OK, 1, img[255]);
	n = CMD(h, PRIV_USER, READ_FRU_DATA, 0, LE16(256), 1);
	EXPECT(n, CC_OUT_OF_RANGE);
	n = CMD(h, PRIV_USER, READ_FRU_DATA, 0, LE16(256), 0);
	EXPECT(n, CC_OUT_OF_RANGE);
	n = CMD(h, PRIV_USER, READ_FRU_DATA, 0, LE16(0xffff), 1);
	EXPECT(n, CC_OUT_OF_RANGE);
	/* Unknown devices. */
	n = CMD(h, PRIV_USER, READ_FRU_DATA, 1, LE16(0), 8);
	EXPECT(n, CC_NOT_PRESENT);
	n = CMD(h, PRIV_USER, READ_FRU_DATA, 0xff, LE16(0), 8);
	EXPECT(n, CC_NOT_PRESENT);
	/* A client's walk in 32-byte pieces gets the image back. */
	for (off = 0; off < size; off += rsp[1]) {
		n = CMD(h, PRIV_USER, READ_FRU_DATA, 0, LE16(off), 32);
		assert_int_equal(rsp[0], CC_OK);
		assert_true(rsp[1] > 0);
		memcpy(whole + off, rsp + 2, rsp[1]);
	}
	assert_int_equal(off, size);
	assert_memory_equal(whole, img, size);
	assert_int_equal(h->out.nfx, 0);
	teardown(h);
}

static void
test_cmd_write(void **state)
{
	size_t size, n, i;
	struct harness *h = setup(&size, false);
	uint8_t rsp[300], rq[3 + 250];
	uint8_t before[BMC_FRU_MAX_SIZE];

	(void)state;
	/* A byte, read back; the edge is told to save FRU 0 before replying. */
	n = CMD(h, PRIV_OPERATOR, WRITE_FRU_DATA, 0, LE16(40 + 7), 'G');
	EXPECT(n, CC_OK, 1);
	assert_int_equal(h->out.nfx, 1);
	assert_int_equal(h->out.fx[0].kind, FX_SAVE_FRU);
	assert_int_equal(h->out.fx[0].arg, 0);
	n = CMD(h, PRIV_USER, READ_FRU_DATA, 0, LE16(40 + 6), 3);
	EXPECT(n, CC_OK, 3, 0xc8, 'G', 'h');
	/* The checksum is the client's business: now the board area is bad, as the client wrote it. */
	assert_int_equal(bmc_fru_check(stored(h, 0), size, NULL, 0), -1);

	/* 250 bytes at once, the most a request carries. */
	rq[0] = 0;
	rq[1] = 6;
	rq[2] = 0;
	for (i = 0; i < 250; i++)
		rq[3 + i] = (uint8_t)(i ^ 0x5a);
	n = h_cmd(h, PRIV_OPERATOR, NETFN_STORAGE, WRITE_FRU_DATA, rq, sizeof(rq), rsp, sizeof(rsp));
	EXPECT(n, CC_OK, 250);
	assert_memory_equal(stored(h, 0) + 6, rq + 3, 250);
	n = CMD(h, PRIV_USER, READ_FRU_DATA, 0, LE16(6), 240);
	assert_memory_equal(rsp + 2, rq + 3, 240);
	/* Up to the last byte; then one past it is refused whole, changing nothing and saving nothing. */
	n = CMD(h, PRIV_OPERATOR, WRITE_FRU_DATA, 0, LE16(254), 0x11, 0x22);
	EXPECT(n, CC_OK, 2);
	memcpy(before, stored(h, 0), size);
	n = CMD(h, PRIV_OPERATOR, WRITE_FRU_DATA, 0, LE16(255), 0x33, 0x44);
	EXPECT(n, CC_OUT_OF_RANGE);
	assert_int_equal(h->out.nfx, 0);
	n = CMD(h, PRIV_OPERATOR, WRITE_FRU_DATA, 0, LE16(256), 0x33);
	EXPECT(n, CC_OUT_OF_RANGE);
	n = CMD(h, PRIV_OPERATOR, WRITE_FRU_DATA, 0, LE16(0xffff), 0x33);
	EXPECT(n, CC_OUT_OF_RANGE);
	rq[1] = 7; /* 7 + 250 > 256 */
	n = h_cmd(h, PRIV_OPERATOR, NETFN_STORAGE, WRITE_FRU_DATA, rq, sizeof(rq), rsp, sizeof(rsp));
	EXPECT(n, CC_OUT_OF_RANGE);
	assert_memory_equal(stored(h, 0), before, size);
	n = CMD(h, PRIV_USER, READ_FRU_DATA, 0, LE16(254), 2);
	EXPECT(n, CC_OK, 2, 0x11, 0x22);
	/* Unknown device. */
	n = CMD(h, PRIV_OPERATOR, WRITE_FRU_DATA, 2, LE16(0), 0x33);
	EXPECT(n, CC_NOT_PRESENT);
	assert_int_equal(h->out.nfx, 0);
	/* Another device: the effect names it. */
	assert_int_equal(bmc_fru_set(h->bmc, 4, "Four", before, 16, false), BMC_OK);
	n = CMD(h, PRIV_ADMIN, WRITE_FRU_DATA, 4, LE16(15), 0x99);
	EXPECT(n, CC_OK, 1);
	assert_int_equal(h->out.nfx, 1);
	assert_int_equal(h->out.fx[0].kind, FX_SAVE_FRU);
	assert_int_equal(h->out.fx[0].arg, 4);
	assert_int_equal(stored(h, 4)[15], 0x99);
	assert_int_equal(stored(h, 0)[15], before[15]);
	teardown(h);
}

static void
test_cmd_write_protected(void **state)
{
	size_t size, n;
	struct harness *h = setup(&size, true);
	uint8_t rsp[64], before[BMC_FRU_MAX_SIZE];

	(void)state;
	memcpy(before, stored(h, 0), size);
	n = CMD(h, PRIV_ADMIN, WRITE_FRU_DATA, 0, LE16(0), 0x00);
	EXPECT(n, 0x80);
	/* Write protection answers before the range check. */
	n = CMD(h, PRIV_ADMIN, WRITE_FRU_DATA, 0, LE16(0xffff), 0x00);
	EXPECT(n, 0x80);
	assert_int_equal(h->out.nfx, 0);
	assert_memory_equal(stored(h, 0), before, size);
	/* Reading is unaffected. */
	n = CMD(h, PRIV_USER, READ_FRU_DATA, 0, LE16(0), 1);
	EXPECT(n, CC_OK, 1, 0x01);
	teardown(h);
}

static void
test_cmd_lengths_and_privileges(void **state)
{
	struct harness *h = setup(NULL, false);
	uint8_t rsp[300], rq[3 + 251] = {0};
	size_t n;

	(void)state;
	/* Request lengths: C7h. */
	n = h_cmd(h, PRIV_USER, NETFN_STORAGE, GET_FRU_AREA_INFO, NULL, 0, rsp, sizeof(rsp));
	EXPECT(n, CC_REQ_LEN);
	n = CMD(h, PRIV_USER, GET_FRU_AREA_INFO, 0, 0);
	EXPECT(n, CC_REQ_LEN);
	n = CMD(h, PRIV_USER, READ_FRU_DATA, 0, LE16(0));
	EXPECT(n, CC_REQ_LEN);
	n = CMD(h, PRIV_USER, READ_FRU_DATA, 0, LE16(0), 8, 0);
	EXPECT(n, CC_REQ_LEN);
	n = CMD(h, PRIV_OPERATOR, WRITE_FRU_DATA, 0, LE16(0)); /* no data */
	EXPECT(n, CC_REQ_LEN);
	n = h_cmd(h, PRIV_OPERATOR, NETFN_STORAGE, WRITE_FRU_DATA, rq, sizeof(rq), rsp, sizeof(rsp));
	EXPECT(n, CC_REQ_LEN);
	assert_int_equal(h->out.nfx, 0);
	/* Privileges: reads need user, writes operator (D4h). */
	n = CMD(h, PRIV_CALLBACK, GET_FRU_AREA_INFO, 0);
	EXPECT(n, CC_INSUFFICIENT_PRIV);
	n = CMD(h, PRIV_CALLBACK, READ_FRU_DATA, 0, LE16(0), 8);
	EXPECT(n, CC_INSUFFICIENT_PRIV);
	n = CMD(h, PRIV_USER, WRITE_FRU_DATA, 0, LE16(0), 0x01);
	EXPECT(n, CC_INSUFFICIENT_PRIV);
	assert_int_equal(h->out.nfx, 0);
	n = CMD(h, PRIV_OPERATOR, WRITE_FRU_DATA, 0, LE16(0), 0x01);
	EXPECT(n, CC_OK, 1);
	teardown(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_conf),
	    cmocka_unit_test(test_defaults_image),
	    cmocka_unit_test(test_check_refuses_corruption),
	    cmocka_unit_test(test_multirecord_encoding),
	    cmocka_unit_test(test_field_too_long),
	    cmocka_unit_test(test_one_character_field),
	    cmocka_unit_test(test_size),
	    cmocka_unit_test(test_mfg_date),
	    cmocka_unit_test(test_decode_round_trip),
	    cmocka_unit_test(test_decode_malformed_and_encodings),
	    cmocka_unit_test(test_fru_set),
	    cmocka_unit_test(test_cmd_area_info),
	    cmocka_unit_test(test_cmd_read),
	    cmocka_unit_test(test_cmd_write),
	    cmocka_unit_test(test_cmd_write_protected),
	    cmocka_unit_test(test_cmd_lengths_and_privileges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
