/*
 * Live sensors: the repository they come from, their readings, thresholds
 * with hysteresis, and the events a change raises.  Every reading, whether
 * from a model, a pin or a fault, goes through sensor_apply(), so a pinned
 * value is judged exactly like a real one.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/bmc_int.h"

#define MC_CAPS 0x07 /* MC locator: sensor device, SDR repository, SEL device */
#define MC_CAP_FRU 0x08 /* ... and FRU inventory device */

/* Going-low offsets for lower thresholds, going-high for upper (IPMI 2.0 table 42-2). */
static const uint8_t thr_offset[THR_COUNT] = {0, 2, 4, 7, 9, 11};

static const char *const offset_name[12] = {"Lower Non-critical going low", "Lower Non-critical going high",
    "Lower Critical going low", "Lower Critical going high", "Lower Non-recoverable going low",
    "Lower Non-recoverable going high", "Upper Non-critical going low", "Upper Non-critical going high",
    "Upper Critical going low", "Upper Critical going high", "Upper Non-recoverable going low",
    "Upper Non-recoverable going high"};

struct sensor *
sensor_by_number(struct bmc *bmc, uint8_t number)
{
	size_t i;

	for (i = 0; i < bmc->nsensors; i++)
		if (bmc->sensors[i].number == number)
			return &bmc->sensors[i];
	return NULL;
}

uint8_t
sensor_thr_status(const struct sensor *s)
{
	return s->available && s->scanning ? s->thr_status : 0;
}

void
sensor_rearm(struct sensor *s, uint16_t assert_bits, uint16_t deassert_bits, bool all)
{
	int i;

	(void)deassert_bits;
	if (!s->threshold) {
		/* Discrete: forget the baseline, so present states are reported on the next sample. */
		if (all)
			s->state = 0;
		else
			s->state &= (uint16_t)~assert_bits;
		return;
	}
	for (i = 0; i < THR_COUNT; i++)
		if (all || (assert_bits & (1u << thr_offset[i])))
			s->thr_status &= (uint8_t) ~(1u << i);
	s->state = 0;
	for (i = 0; i < THR_COUNT; i++)
		if (s->thr_status & (1u << i))
			s->state |= (uint16_t)(1u << thr_offset[i]);
}

static void
log_event(struct bmc *bmc, const struct sensor *s, bool deassert, uint8_t offset)
{
	if (s->threshold && offset < 12)
		bmc_logf(bmc, BMC_LOG_INFO, "sensor \"%s\": %s %s", s->name, offset_name[offset],
		    deassert ? "deasserted" : "asserted");
	else
		bmc_logf(bmc, BMC_LOG_INFO, "sensor \"%s\": state %u %s", s->name, offset,
		    deassert ? "deasserted" : "asserted");
}

void
sensor_raise_event(struct bmc *bmc, const struct bmc_time *now, struct sensor *s, bool deassert,
    uint8_t offset, uint8_t data2, uint8_t data3, struct bmc_out *out)
{
	uint16_t bit = (uint16_t)(1u << offset);
	uint16_t enabled = deassert ? (s->deassert_en & s->deassert_mask) : (s->assert_en & s->assert_mask);

	if (!s->events || !(enabled & bit))
		return;
	log_event(bmc, s, deassert, offset);
	sel_add_event(bmc, now, s, deassert, offset, data2, data3, s->threshold, out);
}

static void
evaluate_threshold(struct bmc *bmc, const struct bmc_time *now, struct sensor *s, struct bmc_out *out)
{
	int x = sensor_raw_cmp_value(&s->f, s->raw), i;
	uint8_t old = s->thr_status, st = old;

	for (i = 0; i < THR_COUNT; i++) {
		uint8_t bit = (uint8_t)(1u << i);
		int t = sensor_raw_cmp_value(&s->f, s->thr[i]);

		if (!(s->thr_readable & bit))
			continue;
		if (i < THR_UNC) {
			if (!(st & bit) && x <= t)
				st |= bit;
			else if ((st & bit) && x > t + s->hyst_pos)
				st &= (uint8_t)~bit;
		} else {
			if (!(st & bit) && x >= t)
				st |= bit;
			else if ((st & bit) && x < t - s->hyst_neg)
				st &= (uint8_t)~bit;
		}
	}
	s->thr_status = st;
	s->state = 0;
	for (i = 0; i < THR_COUNT; i++)
		if (st & (1u << i))
			s->state |= (uint16_t)(1u << thr_offset[i]);
	/* Assertions from the mildest threshold out, deassertions from the worst back. */
	for (i = 0; i < THR_COUNT; i++)
		if ((st & ~old) & (1u << i))
			sensor_raise_event(bmc, now, s, false, thr_offset[i], s->raw, s->thr[i], out);
	for (i = THR_COUNT - 1; i >= 0; i--)
		if ((old & ~st) & (1u << i))
			sensor_raise_event(bmc, now, s, true, thr_offset[i], s->raw, s->thr[i], out);
}

void
sensor_evaluate(struct bmc *bmc, const struct bmc_time *now, struct sensor *s, struct bmc_out *out)
{
	if (!s->threshold)
		return;
	if (!s->available || !s->scanning) {
		/* Nothing to compare: start afresh when a reading returns. */
		s->thr_status = 0;
		s->state = 0;
		return;
	}
	evaluate_threshold(bmc, now, s, out);
}

static void
apply_discrete(struct bmc *bmc, const struct bmc_time *now, struct sensor *s, uint16_t state, bool available,
    struct bmc_out *out)
{
	uint16_t old = s->state, changed;
	uint8_t i;

	state &= 0x7fff;
	s->available = available;
	if (!available)
		return; /* the last known state stays until a reading returns */
	s->state = state;
	if (!s->sampled || !s->scanning) {
		/* The first sample is the baseline: what was already true at start is no event. */
		s->sampled = true;
		return;
	}
	changed = old ^ state;
	for (i = 0; i < 15; i++) {
		if (!(changed & (1u << i)))
			continue;
		sensor_raise_event(bmc, now, s, !(state & (1u << i)), i, 0xff, 0xff, out);
	}
}

static void
sensor_apply(struct bmc *bmc, const struct bmc_time *now, struct sensor *s, double value, uint16_t state,
    bool available, struct bmc_out *out)
{
	if (s->pinned) {
		value = s->pin_value;
		state = s->pin_state;
		available = true;
	}
	if (!s->threshold) {
		apply_discrete(bmc, now, s, state, available, out);
		return;
	}
	s->sampled = true;
	s->available = available;
	if (available)
		s->raw = sensor_value_to_raw(&s->f, value);
	sensor_evaluate(bmc, now, s, out);
}

/* ---- building the sensor table from the repository ---- */

static bool
owned_sensor_record(const uint8_t *rec, size_t len)
{
	return len >= SDR_COMPACT_FIXED && (rec[3] == SDR_FULL_SENSOR || rec[3] == SDR_COMPACT_SENSOR) &&
	    rec[5] == BMC_OWNER_ID && (rec[6] & 0x03) == 0;
}

/* A static model for an imported sensor: the reading its record calls normal. */
static void
imported_model(const struct sensor *s, const uint8_t *rec, size_t len, struct bmc_sensor_model *m)
{
	memset(m, 0, sizeof(*m));
	m->kind = MODEL_STATIC;
	if (!s->threshold) {
		if (s->sensor_type == STYPE_PROCESSOR)
			m->state = 0x0080; /* presence detected */
		else if (s->sensor_type == STYPE_POWER_SUPPLY)
			m->state = 0x0001;
		return;
	}
	if (len > 31 && (rec[30] & 0x01)) {
		m->nominal = sensor_raw_to_value(&s->f, rec[31]);
	} else if (len > 33 && (rec[30] & 0x06) == 0x06) {
		m->nominal = (sensor_raw_to_value(&s->f, rec[32]) + sensor_raw_to_value(&s->f, rec[33])) / 2;
	} else {
		/* Between the highest lower and the lowest upper threshold the record defines. */
		double lo = NAN, hi = NAN;
		int i;

		for (i = THR_LNC; i <= THR_LNR; i++)
			if ((s->thr_readable & (1u << i)) && isnan(lo))
				lo = sensor_raw_to_value(&s->f, s->thr[i]);
		for (i = THR_UNC; i <= THR_UNR; i++)
			if ((s->thr_readable & (1u << i)) && isnan(hi))
				hi = sensor_raw_to_value(&s->f, s->thr[i]);
		if (!isnan(lo) && !isnan(hi))
			m->nominal = (lo + hi) / 2;
		else if (!isnan(hi))
			m->nominal = hi / 2;
		else if (!isnan(lo))
			m->nominal = lo * 2;
	}
}

/*
 * Rebuild the sensor table from the repository.  confs (may be NULL) gives
 * the models of built sensors, matched by number; imported ones get static
 * models unless an override names them.
 */
static int
sensors_rebuild(struct bmc *bmc, const struct bmc_sensor_conf *confs, size_t nconfs, char *err, size_t errlen)
{
	struct sensor *t;
	size_t i, j, n = 0;

	if ((t = calloc(bmc->sdr.n ? bmc->sdr.n : 1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return BMC_ERR_NOMEM;
	}
	for (i = 0; i < bmc->sdr.n; i++) {
		const uint8_t *rec = bmc->sdr.bytes + bmc->sdr.recs[i].off;
		size_t len = bmc->sdr.recs[i].len;
		struct sensor *s = &t[n];

		if (!owned_sensor_record(rec, len) || sdr_decode_sensor(rec, len, s) != 0)
			continue;
		for (j = 0; j < n; j++)
			if (t[j].number == s->number)
				break;
		if (j < n || s->number == 0xff) {
			bmc_logf(bmc, BMC_LOG_WARN,
			    "SDR record %04Xh: sensor number %02Xh already taken; not served", s->record_id,
			    s->number);
			continue;
		}
		imported_model(s, rec, len, &s->model);
		for (j = 0; confs != NULL && j < nconfs; j++) {
			if (strcasecmp(confs[j].name, s->name) == 0) {
				s->model = confs[j].model;
				break;
			}
		}
		n++;
	}
	free(bmc->sensors);
	bmc->sensors = t;
	bmc->nsensors = n;
	return BMC_OK;
}

int
bmc_sensors_set(struct bmc *bmc, const struct bmc_time *now, const struct bmc_sensor_conf *confs, size_t n,
    char *err, size_t errlen)
{
	uint8_t *buf;
	size_t i, j, len = 0, k;
	size_t nrec = n + bmc->nfrus + 1;
	int r;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++) {
			if (confs[j].number == confs[i].number) {
				snprintf(err, errlen, "sensors \"%s\" and \"%s\" have the same number %02Xh",
				    confs[j].name, confs[i].name, confs[i].number);
				return BMC_ERR_INVALID;
			}
			if (strcasecmp(confs[j].name, confs[i].name) == 0) {
				snprintf(err, errlen, "two sensors are named \"%s\"", confs[i].name);
				return BMC_ERR_INVALID;
			}
		}
	}
	if (nrec > BMC_MAX_SDR || n > BMC_MAX_SENSORS) {
		snprintf(err, errlen, "too many sensors (%zu)", n);
		return BMC_ERR_INVALID;
	}
	if ((buf = malloc(nrec * 64)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return BMC_ERR_NOMEM;
	}
	for (i = 0; i < n; i++) {
		if ((k = sdr_encode_sensor(&confs[i], (uint16_t)(i + 1), buf + len, 64)) == 0) {
			free(buf);
			snprintf(err, errlen, "sensor \"%s\" cannot be encoded", confs[i].name);
			return BMC_ERR_INVALID;
		}
		len += k;
	}
	/* A FRU device locator per FRU device, then the controller itself. */
	for (k = 0; k < bmc->nfrus; k++)
		len += sdr_encode_fru_locator(
		    (uint16_t)(n + 1 + k), bmc->frus[k].id, bmc->frus[k].name, buf + len, 64);
	len += sdr_encode_mc_locator((uint16_t)(n + 1 + bmc->nfrus),
	    (uint8_t)(MC_CAPS | (bmc->nfrus ? MC_CAP_FRU : 0)), "BMC", buf + len, 64);
	r = sdr_repo_load(&bmc->sdr, buf, len, (uint32_t)now->wall_s);
	free(buf);
	if (r != BMC_OK) {
		snprintf(err, errlen, "%s", bmc_strerror(r));
		return r;
	}
	return sensors_rebuild(bmc, confs, n, err, errlen);
}

int
bmc_sdr_check(const uint8_t *bytes, size_t len, char *err, size_t errlen)
{
	size_t nrec;

	if (sdr_stream_check(bytes, len, &nrec, err, errlen) != 0)
		return -1;
	if (nrec == 0) {
		snprintf(err, errlen, "no SDR records in the file");
		return -1;
	}
	return (int)nrec;
}

int
bmc_sdr_import(struct bmc *bmc, const struct bmc_time *now, const uint8_t *bytes, size_t len,
    const struct bmc_sensor_conf *overrides, size_t noverrides, char *err, size_t errlen)
{
	int nrec, r;

	if ((nrec = bmc_sdr_check(bytes, len, err, errlen)) < 0)
		return BMC_ERR_INVALID;
	if ((r = sdr_repo_load(&bmc->sdr, bytes, len, (uint32_t)now->wall_s)) != BMC_OK) {
		snprintf(err, errlen, "%s", bmc_strerror(r));
		return r;
	}
	if ((r = sensors_rebuild(bmc, overrides, noverrides, err, errlen)) != BMC_OK)
		return r;
	return nrec;
}

size_t
bmc_sdr_export(const struct bmc *bmc, uint8_t *out, size_t max)
{
	if (out == NULL || max < bmc->sdr.used)
		return bmc->sdr.used;
	memcpy(out, bmc->sdr.bytes, bmc->sdr.used);
	return bmc->sdr.used;
}

/* ---- the edge's view ---- */

size_t
bmc_sensor_count(const struct bmc *bmc)
{
	return bmc->nsensors;
}

int
bmc_sensor_info(const struct bmc *bmc, size_t i, struct bmc_sensor_info *info)
{
	const struct sensor *s;
	int k;

	if (i >= bmc->nsensors)
		return -1;
	s = &bmc->sensors[i];
	memset(info, 0, sizeof(*info));
	memcpy(info->name, s->name, sizeof(info->name));
	info->number = s->number;
	info->sensor_type = s->sensor_type;
	info->reading_type = s->reading_type;
	info->base_unit = s->base_unit;
	info->threshold = s->threshold;
	info->model = s->model;
	info->available = s->available && s->scanning && s->sampled;
	info->pinned = s->pinned;
	info->raw = s->raw;
	info->state = s->state;
	info->thr_status = sensor_thr_status(s);
	if (s->threshold) {
		double a = sensor_raw_to_value(&s->f, s->raw);
		double b = sensor_raw_to_value(&s->f, (uint8_t)(s->raw + 1));
		info->value = a;
		info->step = fabs(b - a) > 0 ? fabs(b - a)
		                             : fabs(a - sensor_raw_to_value(&s->f, (uint8_t)(s->raw - 1)));
		info->thr_mask = s->thr_readable;
		info->lowest = sensor_raw_to_value(&s->f, s->f.format == 0 ? 0x00 : 0x80);
		info->highest = sensor_raw_to_value(&s->f, s->f.format == 0 ? 0xff : 0x7f);
		if (info->lowest > info->highest) {
			double t = info->lowest;
			info->lowest = info->highest;
			info->highest = t;
		}
		for (k = 0; k < THR_COUNT; k++)
			info->thr[k] = sensor_raw_to_value(&s->f, s->thr[k]);
	}
	return 0;
}

int
bmc_sensor_find(const struct bmc *bmc, const char *key)
{
	size_t i;
	char *end;
	unsigned long v;

	for (i = 0; i < bmc->nsensors; i++)
		if (strcasecmp(bmc->sensors[i].name, key) == 0)
			return (int)i;
	if (!isdigit((unsigned char)key[0]))
		return -1;
	/* Decimal, or hex with 0x: never octal, whatever the leading zeros. */
	if (key[0] == '0' && (key[1] == 'x' || key[1] == 'X'))
		v = strtoul(key + 2, &end, 16);
	else
		v = strtoul(key, &end, 10);
	if (*end != '\0' || v > 0xfe)
		return -1;
	for (i = 0; i < bmc->nsensors; i++)
		if (bmc->sensors[i].number == v)
			return (int)i;
	return -1;
}

const char *
bmc_sensor_status_word(const struct bmc_sensor_info *info)
{
	if (!info->available)
		return "na";
	if (!info->threshold)
		return "ok";
	if (info->thr_status & ((1u << THR_LNR) | (1u << THR_UNR)))
		return "nr";
	if (info->thr_status & ((1u << THR_LCR) | (1u << THR_UCR)))
		return "cr";
	if (info->thr_status & ((1u << THR_LNC) | (1u << THR_UNC)))
		return "nc";
	return "ok";
}

void
bmc_sensor_feed(struct bmc *bmc, const struct bmc_time *now, size_t i, double value, uint16_t state,
    bool available, struct bmc_out *out)
{
	if (i < bmc->nsensors)
		sensor_apply(bmc, now, &bmc->sensors[i], value, state, available, out);
}

int
bmc_sensor_pin(
    struct bmc *bmc, const struct bmc_time *now, size_t i, double value, uint16_t state, struct bmc_out *out)
{
	struct sensor *s;

	if (i >= bmc->nsensors)
		return BMC_ERR_NOTFOUND;
	if (isnan(value) || isinf(value))
		return BMC_ERR_INVALID;
	s = &bmc->sensors[i];
	s->pinned = true;
	s->pin_value = value;
	s->pin_state = (uint16_t)(state & 0x7fff);
	if (!s->sampled && !s->threshold)
		s->sampled = true; /* a pin before any sample is a change from nothing */
	sensor_apply(bmc, now, s, value, state, true, out);
	return BMC_OK;
}

int
bmc_sensor_release(struct bmc *bmc, size_t i)
{
	if (i >= bmc->nsensors)
		return BMC_ERR_NOTFOUND;
	bmc->sensors[i].pinned = false;
	return BMC_OK;
}

int
bmc_sensor_set_model(struct bmc *bmc, size_t i, const struct bmc_sensor_model *m)
{
	if (i >= bmc->nsensors || m->kind >= MODEL_COUNT)
		return BMC_ERR_INVALID;
	bmc->sensors[i].model = *m;
	return BMC_OK;
}

const struct bmc_sensor_model *
bmc_sensor_get_model(const struct bmc *bmc, size_t i)
{
	return i < bmc->nsensors ? &bmc->sensors[i].model : NULL;
}
