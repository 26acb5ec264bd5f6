/*
 * SDR records (IPMI 2.0 section 43) and the repository that holds them.  The
 * byte layouts live here and nowhere else: sensors are encoded from their
 * conf, and decoded back from bytes, so that a record imported from a real
 * machine and one we built ourselves take the same path.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bmc_int.h"

/* ---- conversion ---- */

static int
sign_extend(unsigned v, unsigned bits)
{
	unsigned m = 1u << (bits - 1);
	return (int)((v ^ m) - m);
}

int
sensor_raw_cmp_value(const struct sensor_factors *f, uint8_t raw)
{
	switch (f->format) {
	case 1: /* one's complement: FFh is -0 */
		return raw & 0x80 ? -(int)(uint8_t)~raw : raw;
	case 2:
		return (int8_t)raw;
	default:
		return raw;
	}
}

double
sensor_raw_to_value(const struct sensor_factors *f, uint8_t raw)
{
	double x = sensor_raw_cmp_value(f, raw);
	return (f->m * x + f->b * pow(10, f->b_exp)) * pow(10, f->r_exp);
}

uint8_t
sensor_value_to_raw(const struct sensor_factors *f, double v)
{
	double x;
	long lo = f->format == 0 ? 0 : (f->format == 1 ? -127 : -128), hi = f->format == 0 ? 255 : 127, r;

	if (f->m == 0 || isnan(v))
		return 0;
	x = (v / pow(10, f->r_exp) - f->b * pow(10, f->b_exp)) / f->m;
	if (x < (double)lo)
		x = (double)lo;
	if (x > (double)hi)
		x = (double)hi;
	r = lround(x);
	if (r >= 0 || f->format == 0)
		return (uint8_t)r;
	return f->format == 1 ? (uint8_t) ~(uint8_t)(-r) : (uint8_t)(int8_t)r;
}

/* ---- encoding ---- */

static size_t
put_id_string(uint8_t *out, const char *name)
{
	size_t n = strnlen(name, BMC_SENSOR_NAME_MAX);

	out[0] = (uint8_t)(0xc0 | n); /* 8-bit ASCII + Latin 1 */
	memcpy(out + 1, name, n);
	return 1 + n;
}

static void
put_header(uint8_t *out, uint16_t id, uint8_t type, size_t len)
{
	out[0] = (uint8_t)id;
	out[1] = (uint8_t)(id >> 8);
	out[2] = SDR_VERSION;
	out[3] = type;
	out[4] = (uint8_t)(len - SDR_HEADER_LEN);
}

/* Fields shared by full and compact records: bytes 6..20 (1-based, as in the spec). */
static void
put_sensor_common(uint8_t *o, const struct bmc_sensor_conf *c, bool thr)
{
	uint16_t amask = c->assert_mask, dmask = c->deassert_mask, rmask = c->reading_mask;

	o[5] = BMC_OWNER_ID;
	o[6] = 0x00; /* channel 0, LUN 0 */
	o[7] = c->number;
	o[8] = c->entity_id;
	o[9] = c->entity_instance & 0x7f; /* physical entity */
	/* Initialisation: scanning, events, thresholds, hysteresis, type; events and scanning on. */
	o[10] = thr ? 0x7f : 0x67;
	/* Capabilities: auto re-arm; thresholds and hysteresis readable and settable; per-state events. */
	o[11] = thr ? 0x68 : 0x40;
	o[12] = c->sensor_type;
	o[13] = c->reading_type;
	if (thr) {
		uint8_t lower = c->thr_mask & 0x07, upper = (c->thr_mask >> 3) & 0x07;
		/* Bits 14:12 say which comparisons Get Sensor Reading returns. */
		amask = (uint16_t)((amask & 0x0fff) | lower << 12);
		dmask = (uint16_t)((dmask & 0x0fff) | upper << 12);
		rmask = (uint16_t)((c->thr_mask & 0x3f) << 8 | (c->thr_mask & 0x3f));
	}
	o[14] = (uint8_t)amask;
	o[15] = (uint8_t)(amask >> 8);
	o[16] = (uint8_t)dmask;
	o[17] = (uint8_t)(dmask >> 8);
	o[18] = (uint8_t)rmask;
	o[19] = (uint8_t)(rmask >> 8);
	o[20] = thr ? (uint8_t)((c->analog_format & 3) << 6) : 0xc0; /* discrete: no analog reading */
	o[21] = c->base_unit;
	o[22] = 0; /* modifier unit */
}

size_t
sdr_encode_sensor(const struct bmc_sensor_conf *c, uint16_t id, uint8_t *out, size_t max)
{
	bool thr = c->reading_type == READING_THRESHOLD;
	size_t fixed = thr ? SDR_FULL_FIXED : SDR_COMPACT_FIXED;
	size_t len = fixed + strnlen(c->name, BMC_SENSOR_NAME_MAX);

	if (max < len)
		return 0;
	memset(out, 0, len);
	put_sensor_common(out, c, thr);
	if (thr) {
		struct sensor_factors f = {c->m, c->b, c->b_exp, c->r_exp, c->analog_format};
		/* Threshold fields in the order UNR, UCR, UNC, LNR, LCR, LNC (bytes 37..42). */
		static const uint8_t thr_pos[THR_COUNT] = {[THR_UNR] = 36,
		    [THR_UCR] = 37,
		    [THR_UNC] = 38,
		    [THR_LNR] = 39,
		    [THR_LCR] = 40,
		    [THR_LNC] = 41};
		int i;

		out[23] = 0x00; /* linear */
		out[24] = (uint8_t)c->m;
		out[25] = (uint8_t)(((c->m >> 8) & 3) << 6 | (c->tolerance & 0x3f));
		out[26] = (uint8_t)c->b;
		out[27] = (uint8_t)(((c->b >> 8) & 3) << 6 | (c->accuracy & 0x3f));
		out[28] = (uint8_t)(((c->accuracy >> 6) & 0x0f) << 4 | (c->accuracy_exp & 3) << 2);
		out[29] = (uint8_t)((c->r_exp & 0x0f) << 4 | (c->b_exp & 0x0f));
		out[30] = c->has_nominal ? 0x01 : 0x00;
		out[31] = c->has_nominal ? sensor_value_to_raw(&f, c->nominal_reading) : 0;
		out[32] = 0; /* normal maximum, minimum: not specified */
		out[33] = 0;
		out[34] = c->analog_format == 0 ? 0xff : 0x7f; /* sensor maximum, minimum reading */
		out[35] = c->analog_format == 0 ? 0x00 : 0x80;
		for (i = 0; i < THR_COUNT; i++)
			out[thr_pos[i]] = (c->thr_mask & (1u << i)) ? sensor_value_to_raw(&f, c->thr[i]) : 0;
		out[42] = c->hyst_pos;
		out[43] = c->hyst_neg;
		/* 44, 45 reserved; 46 OEM */
		put_id_string(out + 47, c->name);
		put_header(out, id, SDR_FULL_SENSOR, len);
	} else {
		out[23] = 0x00; /* no record sharing */
		out[24] = 0x00;
		out[25] = c->hyst_pos;
		out[26] = c->hyst_neg;
		/* 27..29 reserved; 30 OEM */
		put_id_string(out + 31, c->name);
		put_header(out, id, SDR_COMPACT_SENSOR, len);
	}
	return len;
}

size_t
sdr_encode_fru_locator(uint16_t id, uint8_t fru_id, const char *name, uint8_t *out, size_t max)
{
	size_t len = SDR_LOCATOR_FIXED + strnlen(name, BMC_SENSOR_NAME_MAX);

	if (max < len)
		return 0;
	memset(out, 0, len);
	out[5] = BMC_OWNER_ID; /* accessed through us */
	out[6] = fru_id;
	out[7] = 0x80; /* logical FRU device, LUN 0, private bus 0 */
	out[8] = 0x00; /* channel 0 */
	out[10] = 0x10; /* IPMI FRU inventory */
	out[11] = 0x00;
	out[12] = 0x07; /* system board */
	out[13] = 0x01;
	put_id_string(out + 15, name);
	put_header(out, id, SDR_FRU_LOCATOR, len);
	return len;
}

size_t
sdr_encode_mc_locator(uint16_t id, uint8_t caps, const char *name, uint8_t *out, size_t max)
{
	size_t len = SDR_LOCATOR_FIXED + strnlen(name, BMC_SENSOR_NAME_MAX);

	if (max < len)
		return 0;
	memset(out, 0, len);
	out[5] = BMC_OWNER_ID;
	out[6] = 0x00; /* channel 0 */
	out[7] = 0x00; /* no ACPI notifications; enable event generation */
	out[8] = caps;
	out[12] = 0x06; /* system management module */
	out[13] = 0x01;
	put_id_string(out + 15, name);
	put_header(out, id, SDR_MC_LOCATOR, len);
	return len;
}

/* ---- decoding ---- */

static void
get_id_string(const uint8_t *p, size_t avail, char *name)
{
	size_t n = (size_t)(p[0] & 0x1f), i, o = 0;

	/* Only 8-bit ASCII is printed as is; other encodings keep printable bytes. */
	if (n > avail - 1)
		n = avail - 1;
	if (n > BMC_SENSOR_NAME_MAX)
		n = BMC_SENSOR_NAME_MAX;
	for (i = 0; i < n; i++) {
		uint8_t ch = p[1 + i];
		if (ch == 0)
			break;
		name[o++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
	}
	name[o] = '\0';
}

int
sdr_decode_sensor(const uint8_t *rec, size_t len, struct sensor *s)
{
	bool full;

	if (len < SDR_HEADER_LEN || (size_t)rec[4] + SDR_HEADER_LEN != len)
		return -1;
	if (rec[3] == SDR_FULL_SENSOR && len >= SDR_FULL_FIXED)
		full = true;
	else if (rec[3] == SDR_COMPACT_SENSOR && len >= SDR_COMPACT_FIXED)
		full = false;
	else
		return -1;
	memset(s, 0, sizeof(*s));
	s->record_id = (uint16_t)(rec[0] | rec[1] << 8);
	s->number = rec[7];
	s->caps = rec[11];
	s->sensor_type = rec[12];
	s->reading_type = rec[13];
	s->assert_mask = (uint16_t)((rec[14] | rec[15] << 8) & 0x7fff);
	s->deassert_mask = (uint16_t)((rec[16] | rec[17] << 8) & 0x7fff);
	s->base_unit = rec[21];
	s->scanning = (rec[10] & 0x01) != 0 || !(rec[10] & 0x40);
	s->events = (rec[10] & 0x02) != 0 || !(rec[10] & 0x20);
	s->threshold = full && s->reading_type == READING_THRESHOLD;
	if (s->threshold) {
		s->assert_mask &= 0x0fff;
		s->deassert_mask &= 0x0fff;
		s->thr_readable = rec[18] & 0x3f;
		s->thr_settable = rec[19] & 0x3f;
		/* Thresholds the record says are not accessible stay out of every comparison. */
		if (((rec[11] >> 2) & 3) == 0)
			s->thr_readable = s->thr_settable = 0;
		s->f.format = rec[20] >> 6;
		s->f.m = (int16_t)sign_extend((unsigned)(rec[24] | (rec[25] >> 6) << 8), 10);
		s->f.b = (int16_t)sign_extend((unsigned)(rec[26] | (rec[27] >> 6) << 8), 10);
		s->f.r_exp = (int8_t)sign_extend(rec[29] >> 4, 4);
		s->f.b_exp = (int8_t)sign_extend(rec[29] & 0x0f, 4);
		memcpy(s->factors, rec + 24, 6);
		s->thr[THR_UNR] = rec[36];
		s->thr[THR_UCR] = rec[37];
		s->thr[THR_UNC] = rec[38];
		s->thr[THR_LNR] = rec[39];
		s->thr[THR_LCR] = rec[40];
		s->thr[THR_LNC] = rec[41];
		s->hyst_pos = rec[42];
		s->hyst_neg = rec[43];
		get_id_string(rec + 47, len - 47, s->name);
	} else if (full) {
		s->hyst_pos = rec[42];
		s->hyst_neg = rec[43];
		get_id_string(rec + 47, len - 47, s->name);
	} else {
		s->hyst_pos = rec[25];
		s->hyst_neg = rec[26];
		get_id_string(rec + 31, len - 31, s->name);
	}
	s->assert_en = s->assert_mask;
	s->deassert_en = s->deassert_mask;
	return 0;
}

/* ---- the repository ---- */

int
sdr_stream_check(const uint8_t *bytes, size_t len, size_t *nrec, char *err, size_t errlen)
{
	size_t off = 0, n = 0;

	if (len > BMC_SDR_BYTES) {
		snprintf(err, errlen, "%zu bytes is more than a repository holds (%u)", len, BMC_SDR_BYTES);
		return -1;
	}
	while (off < len) {
		size_t rl;

		if (len - off < SDR_HEADER_LEN) {
			snprintf(err, errlen, "truncated record header at byte %zu", off);
			return -1;
		}
		rl = SDR_HEADER_LEN + (size_t)bytes[off + 4];
		if (rl > len - off) {
			snprintf(err, errlen, "record at byte %zu says %zu bytes but only %zu remain", off,
			    rl, len - off);
			return -1;
		}
		if (bytes[off + 2] != SDR_VERSION && bytes[off + 2] != 0x01) {
			snprintf(err, errlen, "record at byte %zu has SDR version %02Xh, not 51h", off,
			    bytes[off + 2]);
			return -1;
		}
		if (++n > BMC_MAX_SDR) {
			snprintf(err, errlen, "more than %d records", BMC_MAX_SDR);
			return -1;
		}
		off += rl;
	}
	*nrec = n;
	return 0;
}

void
sdr_repo_free(struct sdr_repo *r)
{
	free(r->recs);
	free(r->bytes);
	r->recs = NULL;
	r->bytes = NULL;
	r->n = r->used = 0;
}

int
sdr_repo_load(struct sdr_repo *r, const uint8_t *bytes, size_t len, uint32_t now_s)
{
	struct sdr_rec *recs = NULL;
	uint8_t *copy = NULL;
	size_t off, n = 0, i, j;
	char err[8];
	bool unique = true;

	if (sdr_stream_check(bytes, len, &n, err, sizeof(err)) != 0)
		return BMC_ERR_INVALID;
	if (n > 0 && ((recs = calloc(n, sizeof(*recs))) == NULL || (copy = malloc(len)) == NULL)) {
		free(recs);
		return BMC_ERR_NOMEM;
	}
	if (n > 0)
		memcpy(copy, bytes, len);
	for (off = 0, i = 0; i < n; i++) {
		recs[i].off = (uint32_t)off;
		recs[i].len = (uint16_t)(SDR_HEADER_LEN + copy[off + 4]);
		recs[i].id = (uint16_t)(copy[off] | copy[off + 1] << 8);
		off += recs[i].len;
	}
	/* IDs 0000h and FFFFh mean first and last; duplicates cannot be addressed: renumber. */
	for (i = 0; i < n && unique; i++) {
		if (recs[i].id == 0x0000 || recs[i].id == 0xffff)
			unique = false;
		for (j = 0; j < i && unique; j++)
			if (recs[j].id == recs[i].id)
				unique = false;
	}
	for (i = 0; i < n && !unique; i++) {
		recs[i].id = (uint16_t)(i + 1);
		copy[recs[i].off] = (uint8_t)recs[i].id;
		copy[recs[i].off + 1] = (uint8_t)(recs[i].id >> 8);
	}
	sdr_repo_free(r);
	r->recs = recs;
	r->bytes = copy;
	r->n = n;
	r->used = len;
	r->reservation++; /* a change cancels every reservation */
	if (r->reservation == 0)
		r->reservation = 1;
	r->add_ts = now_s;
	return BMC_OK;
}

const struct sdr_rec *
sdr_repo_find(const struct sdr_repo *r, uint16_t id)
{
	size_t i;

	if (r->n == 0)
		return NULL;
	if (id == 0x0000)
		return &r->recs[0];
	if (id == 0xffff)
		return &r->recs[r->n - 1];
	for (i = 0; i < r->n; i++)
		if (r->recs[i].id == id)
			return &r->recs[i];
	return NULL;
}

uint16_t
sdr_repo_next_id(const struct sdr_repo *r, const struct sdr_rec *rec)
{
	size_t i = (size_t)(rec - r->recs);
	return i + 1 < r->n ? r->recs[i + 1].id : 0xffff;
}
