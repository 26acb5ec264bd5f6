/*
 * SDR records and the conversion formula: every raw value round trips, the
 * encoders match byte layouts written out by hand from IPMI 2.0 tables 43-1,
 * 43-2, 43-7 and 43-8, and the repository renumbers what cannot be addressed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/bmc_int.h"

/* ---- conversion ---- */

static void
round_trip(const char *what, const struct sensor_factors *f)
{
	int r;

	for (r = 0; r < 256; r++) {
		double v = sensor_raw_to_value(f, (uint8_t)r);
		uint8_t back = sensor_value_to_raw(f, v);

		/* One's complement has two zeros: FFh (-0) reads as 00h and converts back as 00h. */
		if (f->format == 1 && r == 0xff) {
			assert_true(v == sensor_raw_to_value(f, 0x00));
			assert_int_equal(back, 0x00);
			continue;
		}
		if (back != r)
			fail_msg("%s: raw %02Xh -> %.10g -> raw %02Xh", what, r, v, back);
	}
}

static void
test_round_trip_every_raw_value(void **state)
{
	static const struct {
		const char *what;
		struct sensor_factors f;
	} sets[] = {
	    {"unsigned M=1", {1, 0, 0, 0, 0}},
	    {"M=6 R=-2 (12V)", {6, 0, 0, -2, 0}},
	    {"M=25 R=-3 (5V)", {25, 0, 0, -3, 0}},
	    {"M=165 R=-4 (3.3V)", {165, 0, 0, -4, 0}},
	    {"M=100 (fans)", {100, 0, 0, 0, 0}},
	    {"M=511 R=7", {511, 0, 0, 7, 0}},
	    {"M=-1", {-1, 0, 0, 0, 0}},
	    {"M=-512 R=-8", {-512, 0, 0, -8, 0}},
	    {"M=2 B=-50 Bexp=1 R=-1", {2, -50, 1, -1, 0}},
	    {"M=3 B=511 Bexp=-2 R=-2", {3, 511, -2, -2, 0}},
	    {"two's complement M=1", {1, 0, 0, 0, 2}},
	    {"two's complement M=2 B=-3 Bexp=1 R=-1", {2, -3, 1, -1, 2}},
	    {"two's complement M=-7 B=100 R=-3", {-7, 100, 0, -3, 2}},
	    {"one's complement M=1", {1, 0, 0, 0, 1}},
	    {"one's complement M=15 B=-512 Bexp=-1 R=-3", {15, -512, -1, -3, 1}},
	    {"one's complement M=-3", {-3, 0, 0, 0, 1}},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		round_trip(sets[i].what, &sets[i].f);
}

static void
test_conversion_values(void **state)
{
	const struct sensor_factors volts = {6, 0, 0, -2, 0}, offset = {2, -50, 1, -1, 0};
	const struct sensor_factors twos = {1, 0, 0, 0, 2}, ones = {1, 0, 0, 0, 1};

	(void)state;
	/* y = (M x + B 10^Bexp) 10^Rexp */
	assert_float_equal(sensor_raw_to_value(&volts, 200), 12.0, 1e-9);
	assert_float_equal(sensor_raw_to_value(&volts, 180), 10.8, 1e-9);
	assert_float_equal(sensor_raw_to_value(&offset, 0), -50.0, 1e-9);
	assert_float_equal(sensor_raw_to_value(&offset, 255), (510 - 500) / 10.0, 1e-9);
	assert_float_equal(sensor_raw_to_value(&twos, 0x80), -128, 0);
	assert_float_equal(sensor_raw_to_value(&twos, 0xff), -1, 0);
	assert_float_equal(sensor_raw_to_value(&ones, 0x80), -127, 0);
	assert_float_equal(sensor_raw_to_value(&ones, 0xfe), -1, 0);
	assert_int_equal(sensor_raw_cmp_value(&twos, 0x80), -128);
	assert_int_equal(sensor_raw_cmp_value(&ones, 0x80), -127);
	assert_int_equal(sensor_raw_cmp_value(&ones, 0xff), 0);
	assert_int_equal(sensor_raw_cmp_value(&volts, 0xff), 255);
	/* Nearest count: 0.4 of a step rounds down, 0.6 up. */
	assert_int_equal(sensor_value_to_raw(&volts, 12.0 + 0.024), 200);
	assert_int_equal(sensor_value_to_raw(&volts, 12.0 + 0.036), 201);
	assert_int_equal(sensor_value_to_raw(&volts, 12.0 - 0.036), 199);
	assert_int_equal(sensor_value_to_raw(&twos, -1.4), 0xff);
	assert_int_equal(sensor_value_to_raw(&ones, -1.4), 0xfe);
}

static void
test_conversion_clamps(void **state)
{
	const struct sensor_factors u = {1, 0, 0, 0, 0}, neg = {-1, 0, 0, 0, 0};
	const struct sensor_factors twos = {1, 0, 0, 0, 2}, ones = {1, 0, 0, 0, 1};
	const struct sensor_factors volts = {6, 0, 0, -2, 0}, zero_m = {0, 0, 0, 0, 0};

	(void)state;
	assert_int_equal(sensor_value_to_raw(&u, -0.4), 0);
	assert_int_equal(sensor_value_to_raw(&u, -1), 0);
	assert_int_equal(sensor_value_to_raw(&u, -1e9), 0);
	assert_int_equal(sensor_value_to_raw(&u, 255.4), 255);
	assert_int_equal(sensor_value_to_raw(&u, 256), 255);
	assert_int_equal(sensor_value_to_raw(&u, 1e9), 255);
	assert_int_equal(sensor_value_to_raw(&volts, 100.0), 255);
	assert_int_equal(sensor_value_to_raw(&volts, -3.0), 0);
	/* A negative M turns the range around. */
	assert_int_equal(sensor_value_to_raw(&neg, 10), 0);
	assert_int_equal(sensor_value_to_raw(&neg, -300), 255);
	assert_int_equal(sensor_value_to_raw(&twos, -129), 0x80);
	assert_int_equal(sensor_value_to_raw(&twos, -1e9), 0x80);
	assert_int_equal(sensor_value_to_raw(&twos, 128), 0x7f);
	assert_int_equal(sensor_value_to_raw(&twos, 1e9), 0x7f);
	assert_int_equal(sensor_value_to_raw(&ones, -128), 0x80); /* -127 is the smallest */
	assert_int_equal(sensor_value_to_raw(&ones, -1e9), 0x80);
	assert_int_equal(sensor_value_to_raw(&ones, 128), 0x7f);
	/* Nothing to convert: 0. */
	assert_int_equal(sensor_value_to_raw(&zero_m, 12), 0);
	assert_int_equal(sensor_value_to_raw(&u, NAN), 0);
}

/* ---- encoding ---- */

static void
defaults(struct bmc_sensor_conf *confs, size_t *n)
{
	*n = bmc_sensor_defaults(confs, 64);
	assert_true(*n > 0 && *n <= 64);
}

static const struct bmc_sensor_conf *
conf_named(const struct bmc_sensor_conf *confs, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(confs[i].name, name) == 0)
			return &confs[i];
	fail_msg("no built-in sensor \"%s\"", name);
	return NULL;
}

static void
assert_bytes(const uint8_t *got, const uint8_t *want, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg(
			    "byte %zu (spec byte %zu): got %02Xh, want %02Xh", i, i + 1, got[i], want[i]);
}

/* The built-in 12V rail, full sensor record (table 43-1), written out by hand. */
static const uint8_t rec_12v[] = {
    0x06, 0x00, /* 1:2 record ID 0006h */
    0x51, /* 3 SDR version */
    0x01, /* 4 full sensor record */
    0x2e, /* 5 length: 51 - 5 */
    0x20, /* 6 owner: BMC at 20h */
    0x00, /* 7 channel 0, LUN 0 */
    0x10, /* 8 sensor number */
    0x07, /* 9 entity: system board */
    0x01, /* 10 entity instance 1, physical */
    0x7f, /* 11 init: scanning, events, thresholds, hysteresis, type; events and scanning on */
    0x68, /* 12 caps: auto re-arm, hysteresis settable, thresholds settable, per-threshold events */
    0x02, /* 13 voltage */
    0x01, /* 14 threshold */
    0x85, 0x32, /* 15:16 assertions LNC/LCR low, UNC/UCR high; 14:12 LCR, LNC compared */
    0x85, 0x32, /* 17:18 deassertions, same; 14:12 UCR, UNC compared */
    0x1b, /* 19 readable: LNC, LCR, UNC, UCR */
    0x1b, /* 20 settable: the same */
    0x00, /* 21 units 1: unsigned, no rate, no modifier */
    0x04, /* 22 Volts */
    0x00, /* 23 modifier unit */
    0x00, /* 24 linear */
    0x06, /* 25 M = 6 */
    0x01, /* 26 M 9:8 = 0, tolerance 1 */
    0x00, /* 27 B = 0 */
    0x00, /* 28 B 9:8, accuracy 5:0 */
    0x00, /* 29 accuracy 9:6, accuracy exp, direction */
    0xe0, /* 30 R = -2, B exp = 0 */
    0x01, /* 31 nominal reading given */
    0xc8, /* 32 nominal 12.0 V = 200 counts */
    0x00, 0x00, /* 33, 34 normal max and min: not given */
    0xff, 0x00, /* 35, 36 sensor max, min */
    0x00, /* 37 UNR: none */
    0xdc, /* 38 UCR 13.2 V = 220 */
    0xd2, /* 39 UNC 12.6 V = 210 */
    0x00, /* 40 LNR: none */
    0xb4, /* 41 LCR 10.8 V = 180 */
    0xbe, /* 42 LNC 11.4 V = 190 */
    0x01, 0x01, /* 43, 44 hysteresis + and - */
    0x00, 0x00, /* 45, 46 reserved */
    0x00, /* 47 OEM */
    0xc3, '1', '2', 'V', /* 48 8-bit ASCII, 3 bytes */
};

static void
test_encode_full_12v(void **state)
{
	struct bmc_sensor_conf confs[64];
	uint8_t out[64];
	size_t n;

	(void)state;
	defaults(confs, &n);
	memset(out, 0xee, sizeof(out));
	assert_int_equal(
	    sdr_encode_sensor(conf_named(confs, n, "12V"), 0x0006, out, sizeof(out)), sizeof(rec_12v));
	assert_bytes(out, rec_12v, sizeof(rec_12v));
	assert_int_equal(out[sizeof(rec_12v)], 0xee); /* nothing written past the record */
	/* One byte short: nothing. */
	assert_int_equal(sdr_encode_sensor(conf_named(confs, n, "12V"), 0x0006, out, sizeof(rec_12v) - 1), 0);
}

/*
 * Every packed field at once: negative M, B with 9:8 set, accuracy across
 * two bytes, negative exponents, two's complement, an upper and a lower
 * non-recoverable threshold only.  y = (-100 x + 300 / 10) / 1000.
 */
static void
test_encode_full_packed_fields(void **state)
{
	static const uint8_t want[] = {
	    0x07,
	    0x00,
	    0x51,
	    0x01,
	    0x2c, /* ID 0007h, 49 bytes */
	    0x20,
	    0x00,
	    0x55,
	    0x0b,
	    0x02, /* owner, LUN, number 55h, entity 0Bh.2 */
	    0x7f,
	    0x68,
	    0x01,
	    0x01, /* init, caps, temperature, threshold */
	    0x10,
	    0x48, /* LNR going low (4), UNR going high (11); 14: LNR compared */
	    0x10,
	    0x48, /* the same; 14: UNR compared */
	    0x24,
	    0x24, /* readable, settable: LNR, UNR */
	    0x80,
	    0x01,
	    0x00, /* two's complement; degrees C */
	    0x00, /* linear */
	    0x9c,
	    0xc5, /* M = -100 (39Ch): 9Ch, 11b << 6 | tolerance 5 */
	    0x2c,
	    0x65, /* B = 300 (12Ch): 2Ch, 01b << 6 | accuracy 5:0 (677 = 2A5h: 25h) */
	    0xac, /* accuracy 9:6 = Ah << 4 | accuracy exp 3 << 2 */
	    0xdf, /* R = -3, B exp = -1 */
	    0x00,
	    0x00,
	    0x00,
	    0x00, /* no nominal, normal max, normal min */
	    0x7f,
	    0x80, /* signed max, min */
	    0xce,
	    0x00,
	    0x00, /* UNR 5.03 = raw -50, UCR, UNC */
	    0x0a,
	    0x00,
	    0x00, /* LNR -0.97 = raw 10, LCR, LNC */
	    0x03,
	    0x04, /* hysteresis */
	    0x00,
	    0x00,
	    0x00, /* reserved, OEM */
	    0xc1,
	    'T',
	};
	struct bmc_sensor_conf c;
	struct sensor s;
	uint8_t out[64];
	char err[128] = "";

	(void)state;
	memset(&c, 0, sizeof(c));
	strcpy(c.name, "T");
	c.number = 0x55;
	c.entity_id = 0x0b;
	c.entity_instance = 2;
	c.sensor_type = STYPE_TEMPERATURE;
	c.reading_type = READING_THRESHOLD;
	c.analog_format = 2;
	c.factors_set = true;
	c.m = -100;
	c.b = 300;
	c.b_exp = -1;
	c.r_exp = -3;
	c.tolerance = 5;
	c.accuracy = 677;
	c.accuracy_exp = 3;
	c.thr[THR_UNR] = 5.03;
	c.thr[THR_LNR] = -0.97;
	c.thr_mask = (1u << THR_UNR) | (1u << THR_LNR);
	c.hyst_pos = 3;
	c.hyst_neg = 4;
	if (bmc_sensor_conf_fill(&c, err, sizeof(err)) != 0)
		fail_msg("fill: %s", err);
	assert_int_equal(c.base_unit, UNIT_DEGREES_C);
	assert_int_equal(sdr_encode_sensor(&c, 0x0007, out, sizeof(out)), sizeof(want));
	assert_bytes(out, want, sizeof(want));
	/* And back. */
	assert_int_equal(sdr_decode_sensor(out, sizeof(want), &s), 0);
	assert_int_equal(s.f.m, -100);
	assert_int_equal(s.f.b, 300);
	assert_int_equal(s.f.b_exp, -1);
	assert_int_equal(s.f.r_exp, -3);
	assert_int_equal(s.f.format, 2);
	assert_float_equal(sensor_raw_to_value(&s.f, s.thr[THR_UNR]), 5.03, 1e-9);
	assert_float_equal(sensor_raw_to_value(&s.f, s.thr[THR_LNR]), -0.97, 1e-9);
	assert_int_equal(s.hyst_pos, 3);
	assert_int_equal(s.hyst_neg, 4);
}

/* CPU1 Status, compact sensor record (table 43-2), by hand. */
static const uint8_t rec_cpu1_status[] = {
    0x12,
    0x00, /* record ID 0012h */
    0x51,
    0x02, /* version, compact */
    0x26, /* 43 - 5 */
    0x20,
    0x00, /* owner, LUN */
    0x40, /* sensor number */
    0x03,
    0x01, /* processor 1 */
    0x67, /* init: scanning, events, type; events and scanning on (no thresholds, hysteresis) */
    0x40, /* caps: auto re-arm, no hysteresis, no thresholds, per-state events */
    0x07, /* processor */
    0x6f, /* sensor-specific */
    0x83,
    0x00, /* assertions: IERR, thermal trip, presence */
    0x83,
    0x00, /* deassertions */
    0x83,
    0x00, /* reading mask */
    0xc0, /* units 1: no analog reading */
    0x00,
    0x00, /* base, modifier unit */
    0x00,
    0x00, /* no record sharing */
    0x00,
    0x00, /* hysteresis */
    0x00,
    0x00,
    0x00, /* reserved */
    0x00, /* OEM */
    0xcb,
    'C',
    'P',
    'U',
    '1',
    ' ',
    'S',
    't',
    'a',
    't',
    'u',
    's',
};

static void
test_encode_compact(void **state)
{
	struct bmc_sensor_conf confs[64];
	uint8_t out[64];
	size_t n;

	(void)state;
	defaults(confs, &n);
	assert_int_equal(sdr_encode_sensor(conf_named(confs, n, "CPU1 Status"), 0x0012, out, sizeof(out)),
	    sizeof(rec_cpu1_status));
	assert_bytes(out, rec_cpu1_status, sizeof(rec_cpu1_status));
	assert_int_equal(sdr_encode_sensor(conf_named(confs, n, "CPU1 Status"), 0x0012, out, 42), 0);
}

static void
test_encode_locators(void **state)
{
	/* FRU device locator (table 43-7). */
	static const uint8_t fru[] = {
	    0x1b,
	    0x00,
	    0x51,
	    0x11,
	    0x15, /* ID 001Bh, 26 bytes */
	    0x20, /* device access address: us */
	    0x00, /* FRU device ID 0 */
	    0x80, /* logical FRU device, LUN 0, private bus 0 */
	    0x00, /* channel 0 */
	    0x00, /* reserved */
	    0x10,
	    0x00, /* device type: IPMI FRU inventory; modifier */
	    0x07,
	    0x01, /* FRU entity: system board 1 */
	    0x00, /* OEM */
	    0xca,
	    'S',
	    'y',
	    's',
	    't',
	    'e',
	    'm',
	    ' ',
	    'F',
	    'R',
	    'U',
	};
	/* Management controller device locator (table 43-8). */
	static const uint8_t mc[] = {
	    0x1c,
	    0x00,
	    0x51,
	    0x12,
	    0x0e, /* ID 001Ch, 19 bytes */
	    0x20, /* slave address */
	    0x00, /* channel 0 */
	    0x00, /* no ACPI notification; event generation enabled */
	    0x07, /* capabilities: SEL, SDR repository, sensor device */
	    0x00,
	    0x00,
	    0x00, /* reserved */
	    0x06,
	    0x01, /* entity: system management module 1 */
	    0x00, /* OEM */
	    0xc3,
	    'B',
	    'M',
	    'C',
	};
	uint8_t out[64];

	(void)state;
	assert_int_equal(sdr_encode_fru_locator(0x001b, 0, "System FRU", out, sizeof(out)), sizeof(fru));
	assert_bytes(out, fru, sizeof(fru));
	assert_int_equal(sdr_encode_mc_locator(0x001c, 0x07, "BMC", out, sizeof(out)), sizeof(mc));
	assert_bytes(out, mc, sizeof(mc));
	assert_int_equal(sdr_encode_fru_locator(0x001b, 0, "System FRU", out, sizeof(fru) - 1), 0);
	assert_int_equal(sdr_encode_mc_locator(0x001c, 0x07, "BMC", out, sizeof(mc) - 1), 0);
}

/* Every built-in sensor decodes back to what its conf said. */
static void
test_decode_round_trip(void **state)
{
	struct bmc_sensor_conf confs[64];
	uint8_t out[64];
	size_t n, i, len;
	int k;

	(void)state;
	defaults(confs, &n);
	for (i = 0; i < n; i++) {
		const struct bmc_sensor_conf *c = &confs[i];
		bool thr = c->reading_type == READING_THRESHOLD;
		struct sensor s;

		len = sdr_encode_sensor(c, (uint16_t)(i + 1), out, sizeof(out));
		assert_true(len > 0);
		assert_int_equal(sdr_decode_sensor(out, len, &s), 0);
		assert_int_equal(s.record_id, i + 1);
		assert_string_equal(s.name, c->name);
		assert_int_equal(s.number, c->number);
		assert_int_equal(s.sensor_type, c->sensor_type);
		assert_int_equal(s.reading_type, c->reading_type);
		assert_int_equal(s.threshold, thr);
		assert_int_equal(s.assert_mask, c->assert_mask);
		assert_int_equal(s.deassert_mask, c->deassert_mask);
		assert_int_equal(s.assert_en, c->assert_mask);
		assert_int_equal(s.deassert_en, c->deassert_mask);
		assert_true(s.scanning);
		assert_true(s.events);
		assert_int_equal(s.hyst_pos, c->hyst_pos);
		assert_int_equal(s.hyst_neg, c->hyst_neg);
		if (!thr)
			continue;
		assert_int_equal(s.base_unit, c->base_unit);
		assert_int_equal(s.f.m, c->m);
		assert_int_equal(s.f.b, c->b);
		assert_int_equal(s.f.b_exp, c->b_exp);
		assert_int_equal(s.f.r_exp, c->r_exp);
		assert_int_equal(s.f.format, c->analog_format);
		assert_memory_equal(s.factors, out + 24, 6);
		assert_int_equal(s.thr_readable, c->thr_mask);
		assert_int_equal(s.thr_settable, c->thr_mask);
		for (k = 0; k < THR_COUNT; k++) {
			if (!(c->thr_mask & (1u << k)))
				continue;
			/* The built-in thresholds are whole counts. */
			assert_float_equal(sensor_raw_to_value(&s.f, s.thr[k]), c->thr[k], 1e-9);
		}
	}
}

static void
test_decode_refusals(void **state)
{
	uint8_t rec[sizeof(rec_12v)];
	struct sensor s;

	(void)state;
	memcpy(rec, rec_12v, sizeof(rec));
	assert_int_equal(sdr_decode_sensor(rec, sizeof(rec) - 1, &s), -1); /* length byte disagrees */
	assert_int_equal(sdr_decode_sensor(rec, 4, &s), -1);
	rec[3] = SDR_FRU_LOCATOR;
	assert_int_equal(sdr_decode_sensor(rec, sizeof(rec), &s), -1);
	/* A full record shorter than its fixed part. */
	rec[3] = SDR_FULL_SENSOR;
	rec[4] = SDR_FULL_FIXED - SDR_HEADER_LEN - 1;
	assert_int_equal(sdr_decode_sensor(rec, SDR_FULL_FIXED - 1, &s), -1);
	/* Thresholds the capabilities call inaccessible take part in nothing. */
	memcpy(rec, rec_12v, sizeof(rec));
	rec[11] &= (uint8_t)~0x0c;
	assert_int_equal(sdr_decode_sensor(rec, sizeof(rec), &s), 0);
	assert_int_equal(s.thr_readable, 0);
	assert_int_equal(s.thr_settable, 0);
	/* An ID string longer than the record: cut at the record's end. */
	memcpy(rec, rec_12v, sizeof(rec));
	rec[47] = 0xc0 | 20;
	assert_int_equal(sdr_decode_sensor(rec, sizeof(rec), &s), 0);
	assert_string_equal(s.name, "12V");
}

/* ---- the repository ---- */

/* A record of n bytes after the header (type 14h, nothing we decode). */
static size_t
put_rec(uint8_t *p, uint16_t id, uint8_t version, uint8_t n)
{
	p[0] = (uint8_t)id;
	p[1] = (uint8_t)(id >> 8);
	p[2] = version;
	p[3] = 0x14;
	p[4] = n;
	memset(p + 5, 0xa5, n);
	return (size_t)5 + n;
}

static void
test_stream_check(void **state)
{
	static uint8_t big[BMC_SDR_BYTES + 1]; /* room for BMC_MAX_SDR + 1 empty records, and more */
	uint8_t b[64] = {0};
	char err[128];
	size_t n = 99, len, i;

	(void)state;
	assert_int_equal(sdr_stream_check(b, 0, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
	len = put_rec(b, 1, 0x51, 3);
	len += put_rec(b + len, 2, 0x51, 0);
	assert_int_equal(sdr_stream_check(b, len, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	/* IPMI 1.0 records (version 01h) are accepted too. */
	b[len - 3] = 0x01;
	assert_int_equal(sdr_stream_check(b, len, &n, err, sizeof(err)), 0);
	/* A header cut short. */
	err[0] = '\0';
	assert_int_equal(sdr_stream_check(b, 8 + 3, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "truncated record header at byte 8"));
	assert_int_equal(sdr_stream_check(b, 3, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "truncated"));
	/* A length past the end. */
	assert_int_equal(sdr_stream_check(b, 7, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "says 8 bytes but only 7 remain"));
	/* Wrong version. */
	b[2] = 0x52;
	assert_int_equal(sdr_stream_check(b, len, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "52h"));
	b[2] = 0x00;
	assert_int_equal(sdr_stream_check(b, len, &n, err, sizeof(err)), -1);
	/* Too many records: BMC_MAX_SDR is fine, one more is not. */
	for (i = 0; i <= BMC_MAX_SDR; i++)
		put_rec(big + i * SDR_HEADER_LEN, (uint16_t)(i + 1), 0x51, 0);
	assert_int_equal(sdr_stream_check(big, BMC_MAX_SDR * SDR_HEADER_LEN, &n, err, sizeof(err)), 0);
	assert_int_equal(n, BMC_MAX_SDR);
	assert_int_equal(sdr_stream_check(big, (BMC_MAX_SDR + 1) * SDR_HEADER_LEN, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than 1024 records"));
	/* More bytes than a repository holds. */
	assert_int_equal(sdr_stream_check(big, BMC_SDR_BYTES + 1, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than a repository holds"));
}

static uint16_t
id_at(const struct sdr_repo *r, size_t i)
{
	const uint8_t *p = r->bytes + r->recs[i].off;

	/* The record's own bytes say the same as the index. */
	assert_int_equal(p[0] | p[1] << 8, r->recs[i].id);
	return r->recs[i].id;
}

static void
test_repo_load_and_find(void **state)
{
	struct sdr_repo r;
	uint8_t b[64];
	size_t len;
	const struct sdr_rec *rec;
	uint16_t resv;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_null(sdr_repo_find(&r, 0x0000));
	assert_null(sdr_repo_find(&r, 0xffff));
	/* Distinct IDs are kept as they are. */
	len = put_rec(b, 0x0010, 0x51, 1);
	len += put_rec(b + len, 0x0020, 0x51, 2);
	len += put_rec(b + len, 0x0030, 0x51, 3);
	assert_int_equal(sdr_repo_load(&r, b, len, 1234), BMC_OK);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.used, len);
	assert_int_equal(r.add_ts, 1234);
	assert_int_equal(id_at(&r, 0), 0x0010);
	assert_int_equal(id_at(&r, 1), 0x0020);
	assert_int_equal(id_at(&r, 2), 0x0030);
	assert_int_equal(r.recs[1].len, 7);
	assert_int_equal(r.recs[1].off, 6);
	/* 0000h is the first record, FFFFh the last; the next-ID chain ends in FFFFh. */
	assert_ptr_equal(sdr_repo_find(&r, 0x0000), &r.recs[0]);
	assert_ptr_equal(sdr_repo_find(&r, 0xffff), &r.recs[2]);
	assert_ptr_equal(sdr_repo_find(&r, 0x0020), &r.recs[1]);
	assert_null(sdr_repo_find(&r, 0x0021));
	rec = sdr_repo_find(&r, 0x0000);
	assert_int_equal(sdr_repo_next_id(&r, rec), 0x0020);
	rec = sdr_repo_find(&r, sdr_repo_next_id(&r, rec));
	assert_int_equal(sdr_repo_next_id(&r, rec), 0x0030);
	rec = sdr_repo_find(&r, sdr_repo_next_id(&r, rec));
	assert_int_equal(sdr_repo_next_id(&r, rec), 0xffff);
	/* Every load cancels reservations. */
	resv = r.reservation;
	assert_int_not_equal(resv, 0);

	/* A duplicate: every record is renumbered 1..n, in its bytes too. */
	len = put_rec(b, 0x0010, 0x51, 1);
	len += put_rec(b + len, 0x0010, 0x51, 2);
	len += put_rec(b + len, 0x0030, 0x51, 3);
	assert_int_equal(sdr_repo_load(&r, b, len, 1235), BMC_OK);
	assert_int_not_equal(r.reservation, resv);
	assert_int_equal(id_at(&r, 0), 1);
	assert_int_equal(id_at(&r, 1), 2);
	assert_int_equal(id_at(&r, 2), 3);
	assert_int_equal(b[6], 0x10); /* the caller's bytes are left alone */
	/* 0000h and FFFFh cannot be addressed either. */
	len = put_rec(b, 0x0005, 0x51, 1);
	len += put_rec(b + len, 0x0000, 0x51, 1);
	assert_int_equal(sdr_repo_load(&r, b, len, 1236), BMC_OK);
	assert_int_equal(id_at(&r, 0), 1);
	assert_int_equal(id_at(&r, 1), 2);
	len = put_rec(b, 0xffff, 0x51, 1);
	len += put_rec(b + len, 0x0007, 0x51, 1);
	assert_int_equal(sdr_repo_load(&r, b, len, 1236), BMC_OK);
	assert_int_equal(id_at(&r, 0), 1);
	assert_int_equal(id_at(&r, 1), 2);
	assert_int_equal(sdr_repo_find(&r, 0xffff)->id, 2);
	/* Garbage is refused and the repository keeps what it had. */
	b[4] = 200;
	assert_int_equal(sdr_repo_load(&r, b, len, 1237), BMC_ERR_INVALID);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.add_ts, 1236);
	/* Empty. */
	assert_int_equal(sdr_repo_load(&r, b, 0, 1238), BMC_OK);
	assert_int_equal(r.n, 0);
	assert_null(sdr_repo_find(&r, 0x0000));
	sdr_repo_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip_every_raw_value),
	    cmocka_unit_test(test_conversion_values),
	    cmocka_unit_test(test_conversion_clamps),
	    cmocka_unit_test(test_encode_full_12v),
	    cmocka_unit_test(test_encode_full_packed_fields),
	    cmocka_unit_test(test_encode_compact),
	    cmocka_unit_test(test_encode_locators),
	    cmocka_unit_test(test_decode_round_trip),
	    cmocka_unit_test(test_decode_refusals),
	    cmocka_unit_test(test_stream_check),
	    cmocka_unit_test(test_repo_load_and_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
