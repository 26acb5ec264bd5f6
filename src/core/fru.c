/*
 * FRU inventory (IPMI Platform Management FRU Information Storage Definition
 * v1.0): building an image from config fields, checking and decoding one as
 * a client reads it, and the devices a BMC holds.  The byte layouts live
 * here; cmd_fru.c only moves bytes in and out of the stored images.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bmc_int.h"

#define FRU_FORMAT_VERSION 0x01 /* common header and every info area */
#define FRU_MR_VERSION 0x02 /* multirecord header format, bits 3:0 */
#define FRU_MR_END 0x80 /* multirecord header: end of list */
#define FRU_MR_HEADER 5
#define FRU_END_OF_FIELDS 0xc1
#define FRU_TL_ASCII8 0xc0 /* type 11b: 8-bit ASCII + Latin 1 */
#define FRU_LANG_ENGLISH 0x00
#define FRU_MIN_AUTO_SIZE 256
#define FRU_EPOCH 820454400 /* 1996-01-01 00:00 UTC: board mfg dates count minutes from here */
#define FRU_DATE_MAX 0xffffff /* three bytes of minutes */

/* Offsets 1..5 of the common header, in header order. */
enum { AREA_INTERNAL = 0, AREA_CHASSIS, AREA_BOARD, AREA_PRODUCT, AREA_MULTIRECORD, AREA_COUNT };

static const char *const area_names[AREA_COUNT] = {
    "internal use", "chassis", "board", "product", "multirecord"};

/* Bytes before the first type/length field of an info area. */
static const size_t area_fixed[AREA_COUNT] = {0, 3, 6, 3, 0};

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* The byte that makes the sum of p[0..n) and itself zero. */
static uint8_t
zero_checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum = (uint8_t)(sum + p[i]);
	return (uint8_t)-sum;
}

/* ---- the built-in server ---- */

static void
guid_tail(char *dst, size_t len, const char *prefix, const uint8_t guid[16])
{
	/* The GUID text's last 10 hex digits (wire bytes 4..0): what `ipmitool mc guid` ends with. */
	snprintf(dst, len, "%s%02X%02X%02X%02X%02X", prefix, guid[4], guid[3], guid[2], guid[1], guid[0]);
}

void
bmc_fru_defaults(struct bmc_fru_conf *c, const uint8_t system_guid[16])
{
	memset(c, 0, sizeof(*c));
	c->id = 0;
	snprintf(c->name, sizeof(c->name), "System FRU");
	c->size = 0;
	c->write_protect = false;

	c->chassis = true;
	c->chassis_type = 0x17; /* rack mount chassis */
	snprintf(c->chassis_part, sizeof(c->chassis_part), "GB-1U-CHS");
	guid_tail(c->chassis_serial, sizeof(c->chassis_serial), "CH", system_guid);

	c->board = true;
	c->board_mfg_date = 1736928000; /* 2025-01-15 08:00 UTC */
	snprintf(c->board_mfg, sizeof(c->board_mfg), "ghostbmc");
	snprintf(c->board_product, sizeof(c->board_product), "GB1U Mainboard");
	guid_tail(c->board_serial, sizeof(c->board_serial), "MB", system_guid);
	snprintf(c->board_part, sizeof(c->board_part), "GB-MB-0001");

	c->product = true;
	snprintf(c->product_mfg, sizeof(c->product_mfg), "ghostbmc");
	snprintf(c->product_name, sizeof(c->product_name), "Simulated 1U Server");
	snprintf(c->product_part, sizeof(c->product_part), "GB-1U-0001");
	snprintf(c->product_version, sizeof(c->product_version), "1.0");
	guid_tail(c->product_serial, sizeof(c->product_serial), "SV", system_guid);
	c->product_asset_tag[0] = '\0';
	c->nmultirecords = 0;
}

/* ---- building ---- */

/*
 * One 8-bit ASCII field.  The spec wants at least two data bytes for this
 * type (a lone byte would read as C1h, end of fields), so a one-character
 * value gets a trailing space.
 */
static int
put_field(struct wbuf *w, const char *s, const char *what, char *err, size_t errlen)
{
	size_t n = strnlen(s, BMC_FRU_FIELD_MAX + 1);

	if (n > BMC_FRU_FIELD_MAX)
		return fail(err, errlen, "%s: longer than %d bytes", what, BMC_FRU_FIELD_MAX);
	if (n == 1) {
		wbuf_put_u8(w, FRU_TL_ASCII8 | 2);
		wbuf_put_u8(w, (uint8_t)s[0]);
		wbuf_put_u8(w, ' ');
		return 0;
	}
	wbuf_put_u8(w, (uint8_t)(FRU_TL_ASCII8 | n));
	wbuf_put_bytes(w, s, n);
	return 0;
}

/* Open an info area: version, length (filled by end_area), then the caller's fixed bytes. */
static size_t
begin_area(struct wbuf *w)
{
	size_t start = w->len;

	wbuf_put_u8(w, FRU_FORMAT_VERSION);
	wbuf_put_u8(w, 0);
	return start;
}

/* End of fields, zeros up to a multiple of 8 with the checksum last, the length byte. */
static void
end_area(struct wbuf *w, size_t start)
{
	size_t len;

	wbuf_put_u8(w, FRU_END_OF_FIELDS);
	while (!w->err && (w->len - start + 1) % 8 != 0)
		wbuf_put_u8(w, 0);
	if (w->err)
		return;
	len = w->len - start + 1;
	w->p[start + 1] = (uint8_t)(len / 8);
	wbuf_put_u8(w, zero_checksum(w->p + start, len - 1));
}

static int
board_date(int64_t t, uint32_t *minutes, char *err, size_t errlen)
{
	if (t == 0) {
		*minutes = 0;
		return 0;
	}
	if (t < FRU_EPOCH || (t - FRU_EPOCH) / 60 > FRU_DATE_MAX)
		return fail(err, errlen,
		    "board_mfg_date: %lld is outside what the FRU format holds (1996-01-01 to 2027-11-24 "
		    "UTC)",
		    (long long)t);
	*minutes = (uint32_t)((t - FRU_EPOCH) / 60);
	return 0;
}

static int
build_chassis(const struct bmc_fru_conf *c, struct wbuf *w, char *err, size_t errlen)
{
	size_t start = begin_area(w);

	wbuf_put_u8(w, c->chassis_type);
	if (put_field(w, c->chassis_part, "chassis_part", err, errlen) != 0 ||
	    put_field(w, c->chassis_serial, "chassis_serial", err, errlen) != 0)
		return -1;
	end_area(w, start);
	return 0;
}

static int
build_board(const struct bmc_fru_conf *c, struct wbuf *w, char *err, size_t errlen)
{
	size_t start = begin_area(w);
	uint32_t minutes = 0;

	if (board_date(c->board_mfg_date, &minutes, err, errlen) != 0)
		return -1;
	wbuf_put_u8(w, FRU_LANG_ENGLISH);
	wbuf_put_u8(w, (uint8_t)minutes);
	wbuf_put_u8(w, (uint8_t)(minutes >> 8));
	wbuf_put_u8(w, (uint8_t)(minutes >> 16));
	if (put_field(w, c->board_mfg, "board_mfg", err, errlen) != 0 ||
	    put_field(w, c->board_product, "board_product", err, errlen) != 0 ||
	    put_field(w, c->board_serial, "board_serial", err, errlen) != 0 ||
	    put_field(w, c->board_part, "board_part", err, errlen) != 0 ||
	    put_field(w, "", "board FRU file ID", err, errlen) != 0)
		return -1;
	end_area(w, start);
	return 0;
}

static int
build_product(const struct bmc_fru_conf *c, struct wbuf *w, char *err, size_t errlen)
{
	size_t start = begin_area(w);

	wbuf_put_u8(w, FRU_LANG_ENGLISH);
	if (put_field(w, c->product_mfg, "product_mfg", err, errlen) != 0 ||
	    put_field(w, c->product_name, "product_name", err, errlen) != 0 ||
	    put_field(w, c->product_part, "product_part", err, errlen) != 0 ||
	    put_field(w, c->product_version, "product_version", err, errlen) != 0 ||
	    put_field(w, c->product_serial, "product_serial", err, errlen) != 0 ||
	    put_field(w, c->product_asset_tag, "product_asset_tag", err, errlen) != 0 ||
	    put_field(w, "", "product FRU file ID", err, errlen) != 0)
		return -1;
	end_area(w, start);
	return 0;
}

static void
build_multirecords(const struct bmc_fru_conf *c, struct wbuf *w)
{
	size_t i;

	for (i = 0; i < c->nmultirecords; i++) {
		const struct bmc_fru_multirecord *r = &c->multirecord[i];
		uint8_t h[FRU_MR_HEADER];

		h[0] = r->type;
		h[1] = (uint8_t)(FRU_MR_VERSION | (i + 1 == c->nmultirecords ? FRU_MR_END : 0));
		h[2] = r->len;
		h[3] = zero_checksum(r->data, r->len);
		h[4] = zero_checksum(h, 4);
		wbuf_put_bytes(w, h, sizeof(h));
		wbuf_put_bytes(w, r->data, r->len);
	}
}

/* Start the next area here: its offset in 8-byte units, for the common header. */
static int
area_offset(const struct wbuf *w, uint8_t *unit, const char *what, char *err, size_t errlen)
{
	if (w->len % 8 != 0 || w->len / 8 > 0xff)
		return fail(err, errlen, "%s area would start at byte %zu, past what the header can address",
		    what, w->len);
	*unit = (uint8_t)(w->len / 8);
	return 0;
}

int
bmc_fru_build(const struct bmc_fru_conf *c, uint8_t *out, size_t max, char *err, size_t errlen)
{
	uint8_t img[BMC_FRU_MAX_SIZE];
	struct wbuf w = WBUF_INIT(img, sizeof(img));
	size_t size;

	if (c->nmultirecords > BMC_FRU_MAX_MULTIRECORDS)
		return fail(
		    err, errlen, "%zu multirecords, at most %d", c->nmultirecords, BMC_FRU_MAX_MULTIRECORDS);
	memset(img, 0, sizeof(img));
	/* Common header: version, internal use (none), chassis, board, product, multirecord, pad, checksum.
	 */
	wbuf_put_fill(&w, 0, 8);
	img[0] = FRU_FORMAT_VERSION;
	if (c->chassis &&
	    (area_offset(&w, &img[2], "chassis", err, errlen) != 0 || build_chassis(c, &w, err, errlen) != 0))
		return -1;
	if (c->board &&
	    (area_offset(&w, &img[3], "board", err, errlen) != 0 || build_board(c, &w, err, errlen) != 0))
		return -1;
	if (c->product &&
	    (area_offset(&w, &img[4], "product", err, errlen) != 0 || build_product(c, &w, err, errlen) != 0))
		return -1;
	if (c->nmultirecords > 0) {
		if (area_offset(&w, &img[5], "multirecord", err, errlen) != 0)
			return -1;
		build_multirecords(c, &w);
	}
	if (w.err)
		return fail(err, errlen, "the areas need more than %d bytes", BMC_FRU_MAX_SIZE);
	img[7] = zero_checksum(img, 7);

	if (c->size == 0) {
		size = (w.len + 7) / 8 * 8;
		if (size < FRU_MIN_AUTO_SIZE)
			size = FRU_MIN_AUTO_SIZE;
	} else {
		size = c->size;
		if (size < w.len)
			return fail(
			    err, errlen, "size %zu is too small: the areas need %zu bytes", size, w.len);
	}
	if (size > BMC_FRU_MAX_SIZE)
		return fail(err, errlen, "size %zu is more than %d bytes", size, BMC_FRU_MAX_SIZE);
	if (size > max)
		return fail(err, errlen, "the image needs %zu bytes, the buffer holds %zu", size, max);
	memcpy(out, img, size); /* the rest of img is zeros */
	return (int)size;
}

/* ---- reading an image as a client does ---- */

struct area {
	size_t off, len; /* len 0 = absent */
};

/*
 * Locate an info area from the header and check its version, length and
 * checksum; the fields are not looked at.  0, or -1 with a message.
 */
static int
check_info_area(const uint8_t *img, size_t len, int which, struct area *a, char *err, size_t errlen)
{
	const char *name = area_names[which];
	size_t off = (size_t)img[1 + which] * 8, alen;

	a->off = off;
	a->len = 0;
	if (off + 2 > len)
		return fail(err, errlen, "%s area at byte %zu runs past the end of the image (%zu bytes)",
		    name, off, len);
	if (img[off] != FRU_FORMAT_VERSION)
		return fail(err, errlen, "%s area: format version %02Xh, not 01h", name, img[off]);
	alen = (size_t)img[off + 1] * 8;
	if (alen == 0)
		return fail(err, errlen, "%s area: length 0", name);
	if (off + alen > len)
		return fail(err, errlen,
		    "%s area: %zu bytes at byte %zu run past the end of the image (%zu bytes)", name, alen,
		    off, len);
	if (zero_checksum(img + off, alen) != 0)
		return fail(err, errlen, "%s area: checksum mismatch (the bytes sum to %02Xh, not 00h)", name,
		    (uint8_t)-zero_checksum(img + off, alen));
	a->len = alen;
	return 0;
}

/*
 * Walk an area's type/length fields up to C1h.  cb (may be NULL) gets each
 * field's type/length byte and data.  0, or -1 with a message.
 */
static int
walk_fields(const uint8_t *img, const struct area *a, int which,
    void (*cb)(void *arg, size_t i, uint8_t tl, const uint8_t *p, size_t n), void *arg, char *err,
    size_t errlen)
{
	size_t pos = a->off + area_fixed[which], end = a->off + a->len - 1, i = 0;

	while (pos < end) {
		uint8_t tl = img[pos];
		size_t n = tl & 0x3f;

		if (tl == FRU_END_OF_FIELDS)
			return 0;
		if (n > end - pos - 1)
			return fail(err, errlen, "%s area: field %zu at byte %zu runs past the area",
			    area_names[which], i, pos);
		if (cb != NULL)
			cb(arg, i, tl, img + pos + 1, n);
		pos += 1 + n;
		i++;
	}
	return fail(err, errlen, "%s area: no end-of-fields marker (C1h)", area_names[which]);
}

/* Walk the multirecord list; cb (may be NULL) gets each record.  0, or -1 with a message. */
static int
walk_multirecords(const uint8_t *img, size_t len, size_t off,
    void (*cb)(void *arg, size_t i, const uint8_t *h, const uint8_t *data), void *arg, char *err,
    size_t errlen)
{
	size_t pos = off, i;

	/* Each record takes at least 5 bytes and the list ends within the image: bounded. */
	for (i = 0;; i++) {
		const uint8_t *h = img + pos;
		size_t n;

		if (pos + FRU_MR_HEADER > len)
			return fail(err, errlen,
			    "multirecord %zu: header at byte %zu runs past the end of the image", i, pos);
		if (zero_checksum(h, FRU_MR_HEADER) != 0)
			return fail(err, errlen, "multirecord %zu: header checksum mismatch", i);
		if ((h[1] & 0x0f) != FRU_MR_VERSION)
			return fail(
			    err, errlen, "multirecord %zu: format version %Xh, not 2h", i, h[1] & 0x0f);
		n = h[2];
		if (n > len - pos - FRU_MR_HEADER)
			return fail(err, errlen,
			    "multirecord %zu: %zu data bytes run past the end of the image", i, n);
		if (zero_checksum(h + FRU_MR_HEADER, n) != h[3])
			return fail(err, errlen, "multirecord %zu: record checksum mismatch", i);
		if (cb != NULL)
			cb(arg, i, h, h + FRU_MR_HEADER);
		pos += FRU_MR_HEADER + n;
		if (h[1] & FRU_MR_END)
			return 0;
	}
}

/* The common header: version, checksum, offsets in the image and in header order. */
static int
check_header(const uint8_t *img, size_t len, char *err, size_t errlen)
{
	size_t prev = 0;
	int i;

	if (len < 8)
		return fail(err, errlen, "%zu bytes: shorter than the 8-byte common header", len);
	if (img[0] != FRU_FORMAT_VERSION)
		return fail(err, errlen, "common header: format version %02Xh, not 01h", img[0]);
	if (zero_checksum(img, 8) != 0)
		return fail(err, errlen, "common header: checksum mismatch (the bytes sum to %02Xh, not 00h)",
		    (uint8_t)-zero_checksum(img, 8));
	for (i = 0; i < AREA_COUNT; i++) {
		size_t off = (size_t)img[1 + i] * 8;

		if (off == 0)
			continue;
		if (off >= len)
			return fail(err, errlen,
			    "%s area offset %zu is past the end of the image (%zu bytes)", area_names[i], off,
			    len);
		if (off <= prev)
			return fail(err, errlen, "%s area offset %zu is not after the previous area's (%zu)",
			    area_names[i], off, prev);
		prev = off;
	}
	return 0;
}

int
bmc_fru_check(const uint8_t *img, size_t len, char *err, size_t errlen)
{
	struct area a;
	int i;

	if (check_header(img, len, err, errlen) != 0)
		return -1;
	for (i = AREA_CHASSIS; i <= AREA_PRODUCT; i++) {
		if (img[1 + i] == 0)
			continue;
		if (check_info_area(img, len, i, &a, err, errlen) != 0 ||
		    walk_fields(img, &a, i, NULL, NULL, err, errlen) != 0)
			return -1;
	}
	if (img[1 + AREA_MULTIRECORD] != 0 &&
	    walk_multirecords(img, len, (size_t)img[1 + AREA_MULTIRECORD] * 8, NULL, NULL, err, errlen) != 0)
		return -1;
	return 0;
}

/* ---- decoding for humans ---- */

typedef void decode_cb(void *arg, const char *area, const char *field, const char *value);

struct decoder {
	decode_cb *cb;
	void *arg;
	int which;
};

#define VALUE_MAX 1024 /* a multirecord as hex: 255 * 3 + a prefix */

static void
hex_bytes(char *dst, size_t dlen, const uint8_t *p, size_t n)
{
	size_t i, o = 0;

	dst[0] = '\0';
	for (i = 0; i < n && o + 4 <= dlen; i++)
		o += (size_t)snprintf(dst + o, dlen - o, "%s%02X", i > 0 ? " " : "", p[i]);
}

/* A field's value as printable text, by its type (bits 7:6 of the type/length byte). */
static void
field_text(char *dst, size_t dlen, uint8_t tl, const uint8_t *p, size_t n)
{
	static const char bcd_plus[] = "0123456789 -.???";
	size_t i, o = 0;

	switch (tl >> 6) {
	case 0: /* binary or unspecified */
		hex_bytes(dst, dlen, p, n);
		return;
	case 1: /* BCD plus: two characters a byte, high nibble first */
		for (i = 0; i < n && o + 2 < dlen; i++) {
			dst[o++] = bcd_plus[p[i] >> 4];
			dst[o++] = bcd_plus[p[i] & 0x0f];
		}
		break;
	case 2: /* 6-bit ASCII packed, least significant bits first */
		for (i = 0; i < n * 8 / 6 && o + 1 < dlen; i++) {
			size_t bit = i * 6, byte = bit / 8, shift = bit % 8;
			unsigned v = p[byte] >> shift;

			if (shift > 2 && byte + 1 < n)
				v |= (unsigned)p[byte + 1] << (8 - shift);
			dst[o++] = (char)(0x20 + (v & 0x3f));
		}
		break;
	default: /* 8-bit ASCII + Latin 1 (English: no Unicode) */
		for (i = 0; i < n && o + 1 < dlen; i++) {
			if (p[i] == 0)
				break;
			dst[o++] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
		}
		break;
	}
	dst[o] = '\0';
}

static void
civil_from_minutes(int64_t unix_min, char *dst, size_t dlen)
{
	/* Days to year/month/day (proleptic Gregorian), after H. Hinnant's days_from_civil inverse. */
	int64_t days = unix_min / 1440, rem = unix_min % 1440;
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;

	if (m <= 2)
		y++;
	snprintf(dst, dlen, "%04lld-%02lld-%02lld %02lld:%02lld UTC", (long long)y, (long long)m,
	    (long long)d, (long long)(rem / 60), (long long)(rem % 60));
}

static const char *const chassis_fields[] = {"part", "serial"};
static const char *const board_fields[] = {"mfg", "product", "serial", "part", "fru_file_id"};
static const char *const product_fields[] = {
    "mfg", "name", "part", "version", "serial", "asset_tag", "fru_file_id"};

/* The fixed fields of each info area, by position; any after them are custom fields. */
static const struct {
	const char *const *names;
	size_t n;
} area_fields[AREA_COUNT] = {
    [AREA_CHASSIS] = {chassis_fields, 2},
    [AREA_BOARD] = {board_fields, 5},
    [AREA_PRODUCT] = {product_fields, 7},
};

static void
decode_field(void *arg, size_t i, uint8_t tl, const uint8_t *p, size_t n)
{
	struct decoder *d = arg;
	char v[VALUE_MAX];

	field_text(v, sizeof(v), tl, p, n);
	d->cb(d->arg, area_names[d->which],
	    i < area_fields[d->which].n ? area_fields[d->which].names[i] : "custom", v);
}

static void
decode_record(void *arg, size_t i, const uint8_t *h, const uint8_t *data)
{
	struct decoder *d = arg;
	char field[32], v[VALUE_MAX];
	int o;

	snprintf(field, sizeof(field), "record %zu", i);
	o = snprintf(v, sizeof(v), "type %02Xh, %u bytes%s", h[0], h[2], h[2] > 0 ? ": " : "");
	hex_bytes(v + o, sizeof(v) - (size_t)o, data, h[2]);
	d->cb(d->arg, "multirecord", field, v);
}

void
bmc_fru_decode(const uint8_t *img, size_t len,
    void (*cb)(void *arg, const char *area, const char *field, const char *value), void *arg)
{
	struct decoder d = {cb, arg, 0};
	char err[160], v[64];
	struct area a;
	int i;

	if (check_header(img, len, err, sizeof(err)) != 0) {
		/* No area can be found without a good header. */
		cb(arg, "header", "error", err);
		return;
	}
	for (i = AREA_CHASSIS; i <= AREA_PRODUCT; i++) {
		if (img[1 + i] == 0)
			continue;
		if (check_info_area(img, len, i, &a, err, sizeof(err)) != 0 ||
		    walk_fields(img, &a, i, NULL, NULL, err, sizeof(err)) != 0) {
			cb(arg, area_names[i], "error", err);
			continue;
		}
		if (i == AREA_CHASSIS) {
			snprintf(v, sizeof(v), "%u", img[a.off + 2]);
			cb(arg, "chassis", "type", v);
		} else if (i == AREA_BOARD) {
			uint32_t minutes =
			    img[a.off + 3] | img[a.off + 4] << 8 | (uint32_t)img[a.off + 5] << 16;

			if (minutes == 0)
				snprintf(v, sizeof(v), "unspecified");
			else
				civil_from_minutes(FRU_EPOCH / 60 + (int64_t)minutes, v, sizeof(v));
			cb(arg, "board", "mfg_date", v);
		}
		d.which = i;
		(void)walk_fields(img, &a, i, decode_field, &d, err, sizeof(err));
	}
	if (img[1 + AREA_MULTIRECORD] != 0) {
		/* Records before a bad one are reported, then the error. */
		if (walk_multirecords(img, len, (size_t)img[1 + AREA_MULTIRECORD] * 8, decode_record, &d, err,
		        sizeof(err)) != 0)
			cb(arg, "multirecord", "error", err);
	}
}

/* ---- the devices of one BMC ---- */

struct fru_dev *
fru_by_id(struct bmc *bmc, uint8_t id)
{
	size_t i;

	for (i = 0; i < bmc->nfrus; i++)
		if (bmc->frus[i].id == id)
			return &bmc->frus[i];
	return NULL;
}

int
bmc_fru_find(const struct bmc *bmc, uint8_t id)
{
	size_t i;

	for (i = 0; i < bmc->nfrus; i++)
		if (bmc->frus[i].id == id)
			return (int)i;
	return -1;
}

void
fru_free_all(struct bmc *bmc)
{
	size_t i;

	for (i = 0; i < bmc->nfrus; i++) {
		free(bmc->frus[i].data);
		bmc->frus[i].data = NULL;
	}
	memset(bmc->frus, 0, sizeof(bmc->frus));
	bmc->nfrus = 0;
}

void
bmc_fru_clear(struct bmc *bmc)
{
	fru_free_all(bmc);
}

int
bmc_fru_set(struct bmc *bmc, uint8_t id, const char *name, const uint8_t *img, size_t len, bool write_protect)
{
	struct fru_dev *f;
	uint8_t *copy;
	size_t i;

	if (id == 0xff || img == NULL || len == 0 || len > BMC_FRU_MAX_SIZE)
		return BMC_ERR_INVALID;
	f = fru_by_id(bmc, id);
	if (f == NULL && bmc->nfrus >= BMC_MAX_FRUS)
		return BMC_ERR_FULL;
	if ((copy = malloc(len)) == NULL)
		return BMC_ERR_NOMEM;
	memcpy(copy, img, len);
	if (f == NULL) {
		/* Keep ID order: shift the larger IDs up one slot. */
		for (i = bmc->nfrus; i > 0 && bmc->frus[i - 1].id > id; i--)
			bmc->frus[i] = bmc->frus[i - 1];
		f = &bmc->frus[i];
		bmc->nfrus++;
	} else {
		free(f->data);
	}
	memset(f, 0, sizeof(*f));
	f->id = id;
	snprintf(f->name, sizeof(f->name), "%s", name != NULL ? name : "");
	f->write_protect = write_protect;
	f->len = (uint16_t)len;
	f->data = copy;
	return BMC_OK;
}

size_t
bmc_fru_count(const struct bmc *bmc)
{
	return bmc->nfrus;
}

int
bmc_fru_info(const struct bmc *bmc, size_t i, struct bmc_fru_info *info)
{
	const struct fru_dev *f;

	if (i >= bmc->nfrus)
		return -1;
	f = &bmc->frus[i];
	info->id = f->id;
	memcpy(info->name, f->name, sizeof(info->name));
	info->write_protect = f->write_protect;
	info->data = f->data;
	info->len = f->len;
	return 0;
}
