/*
 * Sensor/Event commands (netFn 04h) through the dispatcher: readings,
 * thresholds, hysteresis, event enables, re-arm, event status, reading
 * factors, device SDR info; lengths and privileges.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define CMD(h, priv, cmd, ...)                                                                               \
	h_cmd(h, priv, NETFN_SENSOR, cmd, (const uint8_t[]){__VA_ARGS__},                                    \
	    sizeof((const uint8_t[]){__VA_ARGS__}), rsp, sizeof(rsp))
#define EXPECT(n, ...)                                                                                       \
	do {                                                                                                 \
		const uint8_t want_[] = {__VA_ARGS__};                                                       \
		assert_int_equal(rsp[0], want_[0]); /* the completion code first: the clearer message */     \
		assert_int_equal((n), sizeof(want_));                                                        \
		assert_memory_equal(rsp, want_, sizeof(want_));                                              \
	} while (0)

#define FAN2 0x21
#define CPU1_STATUS 0x40
#define V12 0x10

enum {
	GET_DEVICE_SDR_INFO = 0x20,
	GET_DEVICE_SDR = 0x21,
	RESERVE_DEVICE_SDR = 0x22,
	GET_FACTORS = 0x23,
	SET_HYST = 0x24,
	GET_HYST = 0x25,
	SET_THR = 0x26,
	GET_THR = 0x27,
	SET_EVENT_ENABLE = 0x28,
	GET_EVENT_ENABLE = 0x29,
	REARM = 0x2a,
	GET_EVENT_STATUS = 0x2b,
	GET_READING = 0x2d,
	GET_TYPE = 0x2f,
};

static struct harness *
setup(void)
{
	struct harness *h = h_new(NULL);

	h_sensors_default(h);
	return h;
}

static void
feed(struct harness *h, uint8_t number, double value)
{
	char key[8];

	snprintf(key, sizeof(key), "0x%02x", number);
	bmc_out_reset(&h->out);
	bmc_sensor_feed(h->bmc, &h->now, h_sensor(h, key), value, 0, true, &h->out);
}

static void
feed_state(struct harness *h, uint8_t number, uint16_t state, bool available)
{
	char key[8];

	snprintf(key, sizeof(key), "0x%02x", number);
	bmc_out_reset(&h->out);
	bmc_sensor_feed(h->bmc, &h->now, h_sensor(h, key), 0, state, available, &h->out);
}

/* The last SEL entry's sensor number, direction|type and data 1..3. */
static void
assert_last_event(struct harness *h, uint8_t number, uint8_t dir_type, uint8_t d1, uint8_t d2, uint8_t d3)
{
	uint8_t rec[BMC_SEL_ENTRY_LEN];
	size_t n = bmc_sel_count(h->bmc);

	assert_true(n > 0);
	h_sel(h, n - 1, rec);
	assert_int_equal(rec[11], number);
	assert_int_equal(rec[12], dir_type);
	assert_int_equal(rec[13], d1);
	assert_int_equal(rec[14], d2);
	assert_int_equal(rec[15], d3);
}

static void
test_get_sensor_reading(void **state)
{
	struct harness *h = setup();
	uint8_t rsp[64];
	size_t n;

	(void)state;
	/* Not sampled yet: unavailable, scanning and events on; bits 7:6 of byte 3 read as 1. */
	n = CMD(h, PRIV_USER, GET_READING, FAN2);
	EXPECT(n, CC_OK, 0x00, 0xe0, 0xc0);
	feed(h, FAN2, 4800);
	n = CMD(h, PRIV_USER, GET_READING, FAN2);
	EXPECT(n, CC_OK, 48, 0xc0, 0xc0);
	/* Below all three lower thresholds. */
	feed(h, FAN2, 300);
	n = CMD(h, PRIV_USER, GET_READING, FAN2);
	EXPECT(n, CC_OK, 3, 0xc0, 0xc7);
	/* Unavailable (host off): no reading, no comparisons. */
	feed_state(h, FAN2, 0, false);
	n = CMD(h, PRIV_USER, GET_READING, FAN2);
	EXPECT(n, CC_OK, 0x00, 0xe0, 0xc0);
	/* Upper thresholds in bits 5:3. */
	feed(h, 0x01, 100);
	n = CMD(h, PRIV_USER, GET_READING, 0x01);
	EXPECT(n, CC_OK, 100, 0xc0, 0xc0 | 0x18);
	/* Not present. */
	n = CMD(h, PRIV_USER, GET_READING, 0x99);
	EXPECT(n, CC_NOT_PRESENT);
	n = CMD(h, PRIV_USER, GET_READING, 0xff);
	EXPECT(n, CC_NOT_PRESENT);

	/* Discrete: states 7:0, then bit 7 set and states 14:8. */
	n = CMD(h, PRIV_USER, GET_READING, CPU1_STATUS);
	EXPECT(n, CC_OK, 0x00, 0xe0, 0x00, 0x80);
	feed_state(h, CPU1_STATUS, 0x0080, true);
	n = CMD(h, PRIV_USER, GET_READING, CPU1_STATUS);
	EXPECT(n, CC_OK, 0x00, 0xc0, 0x80, 0x80);
	feed_state(h, CPU1_STATUS, 0x4181, true);
	n = CMD(h, PRIV_USER, GET_READING, CPU1_STATUS);
	EXPECT(n, CC_OK, 0x00, 0xc0, 0x81, 0xc1);
	feed_state(h, CPU1_STATUS, 0, false);
	n = CMD(h, PRIV_USER, GET_READING, CPU1_STATUS);
	EXPECT(n, CC_OK, 0x00, 0xe0, 0x00, 0x80);
	/* No events or scanning: bits 7 and 6 clear. */
	feed(h, FAN2, 4800);
	n = CMD(h, PRIV_OPERATOR, SET_EVENT_ENABLE, FAN2, 0x40);
	EXPECT(n, CC_OK);
	n = CMD(h, PRIV_USER, GET_READING, FAN2);
	EXPECT(n, CC_OK, 48, 0x40, 0xc0);
	h_free(h);
}

static void
test_sensor_thresholds(void **state)
{
	struct harness *h = setup();
	uint8_t rsp[64];
	size_t n, before;

	(void)state;
	/* 12V: LNC 11.4 = 190, LCR 10.8 = 180, UNC 12.6 = 210, UCR 13.2 = 220; no NR thresholds. */
	n = CMD(h, PRIV_USER, GET_THR, V12);
	EXPECT(n, CC_OK, 0x1b, 190, 180, 0, 210, 220, 0);
	n = CMD(h, PRIV_USER, GET_THR, FAN2);
	EXPECT(n, CC_OK, 0x07, 15, 10, 5, 0, 0, 0);
	n = CMD(h, PRIV_USER, GET_THR, CPU1_STATUS);
	EXPECT(n, CC_ILLEGAL_FOR_TYPE);
	n = CMD(h, PRIV_USER, GET_THR, 0x99);
	EXPECT(n, CC_NOT_PRESENT);

	/* A threshold the sensor does not have, or a reserved bit: the whole request is refused. */
	n = CMD(h, PRIV_OPERATOR, SET_THR, FAN2, 0x09, 14, 0, 0, 60, 0, 0);
	EXPECT(n, CC_INVALID_FIELD);
	n = CMD(h, PRIV_OPERATOR, SET_THR, V12, 0x20, 0, 0, 0, 0, 0, 230);
	EXPECT(n, CC_INVALID_FIELD);
	n = CMD(h, PRIV_OPERATOR, SET_THR, FAN2, 0x41, 14, 0, 0, 0, 0, 0);
	EXPECT(n, CC_INVALID_FIELD);
	n = CMD(h, PRIV_USER, GET_THR, FAN2);
	EXPECT(n, CC_OK, 0x07, 15, 10, 5, 0, 0, 0);
	n = CMD(h, PRIV_OPERATOR, SET_THR, CPU1_STATUS, 0x01, 1, 0, 0, 0, 0, 0);
	EXPECT(n, CC_ILLEGAL_FOR_TYPE);
	n = CMD(h, PRIV_OPERATOR, SET_THR, 0x99, 0x01, 1, 0, 0, 0, 0, 0);
	EXPECT(n, CC_NOT_PRESENT);

	/* Only the masked thresholds change; the value reads back. */
	n = CMD(h, PRIV_OPERATOR, SET_THR, FAN2, 0x05, 14, 99, 4, 99, 99, 99);
	EXPECT(n, CC_OK);
	n = CMD(h, PRIV_USER, GET_THR, FAN2);
	EXPECT(n, CC_OK, 0x07, 14, 10, 4, 0, 0, 0);
	/* A zero mask changes nothing and is fine. */
	n = CMD(h, PRIV_OPERATOR, SET_THR, FAN2, 0x00, 1, 1, 1, 1, 1, 1);
	EXPECT(n, CC_OK);
	n = CMD(h, PRIV_USER, GET_THR, FAN2);
	EXPECT(n, CC_OK, 0x07, 14, 10, 4, 0, 0, 0);

	/* Moving LNC above the reading asserts it at once. */
	feed(h, FAN2, 4800);
	before = bmc_sel_count(h->bmc);
	n = CMD(h, PRIV_OPERATOR, SET_THR, FAN2, 0x01, 50, 0, 0, 0, 0, 0);
	EXPECT(n, CC_OK);
	assert_int_equal(bmc_sel_count(h->bmc), before + 1);
	assert_last_event(h, FAN2, 0x01, 0x50, 48, 50);
	assert_int_equal(h->out.nfx, 1);
	assert_int_equal(h->out.fx[0].kind, FX_SEL_ADD);
	n = CMD(h, PRIV_USER, GET_READING, FAN2);
	EXPECT(n, CC_OK, 48, 0xc0, 0xc1);
	/* And back below: deasserted (48 > 10 + 1). */
	n = CMD(h, PRIV_OPERATOR, SET_THR, FAN2, 0x01, 10, 0, 0, 0, 0, 0);
	EXPECT(n, CC_OK);
	assert_int_equal(bmc_sel_count(h->bmc), before + 2);
	assert_last_event(h, FAN2, 0x81, 0x50, 48, 10);

	/* Operator privilege. */
	n = CMD(h, PRIV_USER, SET_THR, FAN2, 0x01, 50, 0, 0, 0, 0, 0);
	EXPECT(n, CC_INSUFFICIENT_PRIV);
	n = CMD(h, PRIV_USER, GET_THR, FAN2);
	EXPECT(n, CC_OK, 0x07, 10, 10, 4, 0, 0, 0);
	h_free(h);
}

static void
test_sensor_hysteresis(void **state)
{
	struct harness *h = setup();
	uint8_t rsp[64];
	size_t n;

	(void)state;
	n = CMD(h, PRIV_USER, GET_HYST, FAN2, 0xff);
	EXPECT(n, CC_OK, 1, 1);
	n = CMD(h, PRIV_USER, GET_HYST, 0x01, 0xff);
	EXPECT(n, CC_OK, 2, 2);
	n = CMD(h, PRIV_OPERATOR, SET_HYST, FAN2, 0xff, 3, 4);
	EXPECT(n, CC_OK);
	n = CMD(h, PRIV_USER, GET_HYST, FAN2, 0xff);
	EXPECT(n, CC_OK, 3, 4);
	/* Lower thresholds deassert above threshold + positive hysteresis: LNC 15 needs 19. */
	feed(h, FAN2, 300);
	assert_int_equal(bmc_sel_count(h->bmc), 3);
	feed(h, FAN2, 1800);
	assert_last_event(h, FAN2, 0x81, 0x52, 18, 10);
	assert_int_equal(bmc_sel_count(h->bmc), 5);
	feed(h, FAN2, 1900);
	assert_int_equal(bmc_sel_count(h->bmc), 6);
	assert_last_event(h, FAN2, 0x81, 0x50, 19, 15);

	n = CMD(h, PRIV_USER, GET_HYST, CPU1_STATUS, 0xff);
	EXPECT(n, CC_ILLEGAL_FOR_TYPE);
	n = CMD(h, PRIV_OPERATOR, SET_HYST, CPU1_STATUS, 0xff, 1, 1);
	EXPECT(n, CC_ILLEGAL_FOR_TYPE);
	n = CMD(h, PRIV_USER, GET_HYST, 0x99, 0xff);
	EXPECT(n, CC_NOT_PRESENT);
	n = CMD(h, PRIV_OPERATOR, SET_HYST, 0x99, 0xff, 1, 1);
	EXPECT(n, CC_NOT_PRESENT);
	n = CMD(h, PRIV_USER, SET_HYST, FAN2, 0xff, 1, 1);
	EXPECT(n, CC_INSUFFICIENT_PRIV);
	n = CMD(h, PRIV_USER, GET_HYST, FAN2, 0xff);
	EXPECT(n, CC_OK, 3, 4);
	h_free(h);
}

static void
test_sensor_event_enable(void **state)
{
	struct harness *h = setup();
	uint8_t rsp[64];
	size_t n;

	(void)state;
	/* FAN2 can assert and deassert LNC, LCR, LNR going low (offsets 0, 2, 4). */
	n = CMD(h, PRIV_USER, GET_EVENT_ENABLE, FAN2);
	EXPECT(n, CC_OK, 0xc0, 0x15, 0x00, 0x15, 0x00);
	n = CMD(h, PRIV_USER, GET_EVENT_ENABLE, CPU1_STATUS);
	EXPECT(n, CC_OK, 0xc0, 0x83, 0x00, 0x83, 0x00);
	n = CMD(h, PRIV_USER, GET_EVENT_ENABLE, 0x99);
	EXPECT(n, CC_NOT_PRESENT);

	/* All event messages off (scanning stays on): a crossing logs nothing. */
	feed(h, FAN2, 4800);
	n = CMD(h, PRIV_OPERATOR, SET_EVENT_ENABLE, FAN2, 0x40);
	EXPECT(n, CC_OK);
	n = CMD(h, PRIV_USER, GET_EVENT_ENABLE, FAN2);
	EXPECT(n, CC_OK, 0x40, 0x15, 0x00, 0x15, 0x00);
	feed(h, FAN2, 300);
	assert_int_equal(bmc_sel_count(h->bmc), 0);
	assert_int_equal(h->out.nfx, 0);
	n = CMD(h, PRIV_USER, GET_READING, FAN2);
	EXPECT(n, CC_OK, 3, 0x40, 0xc7); /* still compared */
	feed(h, FAN2, 4800);
	assert_int_equal(bmc_sel_count(h->bmc), 0);

	/* Back on, but LCR's assertion disabled: only LNC and LNR are logged. */
	n = CMD(h, PRIV_OPERATOR, SET_EVENT_ENABLE, FAN2, 0xc0 | 0x20, 0x04, 0x00);
	EXPECT(n, CC_OK);
	n = CMD(h, PRIV_USER, GET_EVENT_ENABLE, FAN2);
	EXPECT(n, CC_OK, 0xc0, 0x11, 0x00, 0x15, 0x00);
	feed(h, FAN2, 300);
	assert_int_equal(bmc_sel_count(h->bmc), 2);
	assert_last_event(h, FAN2, 0x01, 0x54, 3, 5);
	/* Deassertions of LNR and LNC off too (bytes 5:6). */
	n = CMD(h, PRIV_OPERATOR, SET_EVENT_ENABLE, FAN2, 0xc0 | 0x20, 0x00, 0x00, 0x11, 0x00);
	EXPECT(n, CC_OK);
	n = CMD(h, PRIV_USER, GET_EVENT_ENABLE, FAN2);
	EXPECT(n, CC_OK, 0xc0, 0x11, 0x00, 0x04, 0x00);
	feed(h, FAN2, 4800);
	assert_int_equal(bmc_sel_count(h->bmc), 3);
	assert_last_event(h, FAN2, 0x81, 0x52, 48, 10);
	/* Enable selected: everything back; bits the sensor cannot generate are not reported. */
	n = CMD(h, PRIV_OPERATOR, SET_EVENT_ENABLE, FAN2, 0xc0 | 0x10, 0xff, 0x7f, 0xff, 0x7f);
	EXPECT(n, CC_OK);
	n = CMD(h, PRIV_USER, GET_EVENT_ENABLE, FAN2);
	EXPECT(n, CC_OK, 0xc0, 0x15, 0x00, 0x15, 0x00);
	/* Action 11b is reserved. */
	n = CMD(h, PRIV_OPERATOR, SET_EVENT_ENABLE, FAN2, 0xc0 | 0x30, 0x01, 0x00);
	EXPECT(n, CC_INVALID_FIELD);
	n = CMD(h, PRIV_OPERATOR, SET_EVENT_ENABLE, 0x99, 0xc0);
	EXPECT(n, CC_NOT_PRESENT);
	n = CMD(h, PRIV_USER, SET_EVENT_ENABLE, FAN2, 0x00);
	EXPECT(n, CC_INSUFFICIENT_PRIV);

	/* Scanning off: no reading, comparisons forgotten; on again: judged afresh. */
	feed(h, FAN2, 300);
	assert_int_equal(bmc_sel_count(h->bmc), 6);
	n = CMD(h, PRIV_OPERATOR, SET_EVENT_ENABLE, FAN2, 0x80);
	EXPECT(n, CC_OK);
	n = CMD(h, PRIV_USER, GET_READING, FAN2);
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(n, 4);
	assert_int_equal(rsp[2] & 0xc0, 0x80); /* events on, scanning off */
	assert_int_equal(rsp[3], 0xc0); /* no comparisons */
	n = CMD(h, PRIV_USER, GET_EVENT_STATUS, FAN2);
	EXPECT(n, CC_OK, 0xa0, 0x00, 0x00, 0x00, 0x00);
	assert_int_equal(bmc_sel_count(h->bmc), 6);
	n = CMD(h, PRIV_OPERATOR, SET_EVENT_ENABLE, FAN2, 0xc0);
	EXPECT(n, CC_OK);
	assert_int_equal(bmc_sel_count(h->bmc), 9);
	h_free(h);
}

static void
test_rearm_and_event_status(void **state)
{
	struct harness *h = setup();
	uint8_t rsp[64];
	size_t n;

	(void)state;
	n = CMD(h, PRIV_USER, GET_EVENT_STATUS, FAN2);
	EXPECT(n, CC_OK, 0xe0, 0x00, 0x00, 0x00, 0x00); /* unavailable */
	feed(h, FAN2, 4800);
	n = CMD(h, PRIV_USER, GET_EVENT_STATUS, FAN2);
	EXPECT(n, CC_OK, 0xc0, 0x00, 0x00, 0x00, 0x00);
	feed(h, FAN2, 300);
	assert_int_equal(bmc_sel_count(h->bmc), 3);
	n = CMD(h, PRIV_USER, GET_EVENT_STATUS, FAN2);
	EXPECT(n, CC_OK, 0xc0, 0x15, 0x00, 0x00, 0x00);
	/* Re-arm all: what still holds is reported again. */
	n = CMD(h, PRIV_OPERATOR, REARM, FAN2, 0x00);
	EXPECT(n, CC_OK);
	assert_int_equal(bmc_sel_count(h->bmc), 6);
	assert_int_equal(h->out.nfx, 3);
	assert_last_event(h, FAN2, 0x01, 0x54, 3, 5);
	/* Re-arm selected: LCR going low only. */
	n = CMD(h, PRIV_OPERATOR, REARM, FAN2, 0x80, 0x04, 0x00);
	EXPECT(n, CC_OK);
	assert_int_equal(bmc_sel_count(h->bmc), 7);
	assert_last_event(h, FAN2, 0x01, 0x52, 3, 10);
	/* Selected with no bits: nothing. */
	n = CMD(h, PRIV_OPERATOR, REARM, FAN2, 0x80);
	EXPECT(n, CC_OK);
	assert_int_equal(bmc_sel_count(h->bmc), 7);
	n = CMD(h, PRIV_OPERATOR, REARM, 0x99, 0x00);
	EXPECT(n, CC_NOT_PRESENT);
	n = CMD(h, PRIV_USER, REARM, FAN2, 0x00);
	EXPECT(n, CC_INSUFFICIENT_PRIV);

	/* Discrete: states as event status; a re-arm reports present states on the next sample. */
	feed_state(h, CPU1_STATUS, 0x0080, true);
	feed_state(h, CPU1_STATUS, 0x0081, true);
	assert_int_equal(bmc_sel_count(h->bmc), 8);
	n = CMD(h, PRIV_USER, GET_EVENT_STATUS, CPU1_STATUS);
	EXPECT(n, CC_OK, 0xc0, 0x81, 0x00, 0x00, 0x00);
	n = CMD(h, PRIV_OPERATOR, REARM, CPU1_STATUS, 0x00);
	EXPECT(n, CC_OK);
	feed_state(h, CPU1_STATUS, 0x0081, true);
	assert_int_equal(bmc_sel_count(h->bmc), 10);
	assert_last_event(h, CPU1_STATUS, 0x6f, 0x07, 0xff, 0xff);
	n = CMD(h, PRIV_USER, GET_EVENT_STATUS, 0x99);
	EXPECT(n, CC_NOT_PRESENT);
	h_free(h);
}

static void
test_reading_factors(void **state)
{
	struct harness *h = setup();
	uint8_t rsp[64];
	size_t n, i;

	(void)state;
	/* Every threshold sensor answers with its record's bytes 25..30 (M, tolerance, B, accuracy,
	 * exponents). */
	for (i = 0; i < h->bmc->sdr.n; i++) {
		const uint8_t *rec = h->bmc->sdr.bytes + h->bmc->sdr.recs[i].off;

		if (rec[3] != SDR_FULL_SENSOR)
			continue;
		n = CMD(h, PRIV_USER, GET_FACTORS, rec[7], 0x00);
		assert_int_equal(n, 2 + 6);
		assert_int_equal(rsp[0], CC_OK);
		assert_memory_equal(rsp + 2, rec + 24, 6);
	}
	/* 12V: M = 6, tolerance 1, R = -2.  (Byte 2, the next reading, is left to the implementation.) */
	n = CMD(h, PRIV_USER, GET_FACTORS, V12, 200);
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(n, 8);
	assert_memory_equal(rsp + 2, ((const uint8_t[]){0x06, 0x01, 0x00, 0x00, 0x00, 0xe0}), 6);
	n = CMD(h, PRIV_USER, GET_FACTORS, CPU1_STATUS, 0x00);
	EXPECT(n, CC_ILLEGAL_FOR_TYPE);
	n = CMD(h, PRIV_USER, GET_FACTORS, 0x99, 0x00);
	EXPECT(n, CC_NOT_PRESENT);
	h_free(h);
}

static void
test_device_sdr(void **state)
{
	struct harness *h = setup();
	uint8_t rsp[300], rsp2[300];
	size_t n, n2;

	(void)state;
	/* Sensor count without a request byte or with bit 0 clear; record count with it set. */
	n = h_cmd(h, PRIV_USER, NETFN_SENSOR, GET_DEVICE_SDR_INFO, NULL, 0, rsp, sizeof(rsp));
	EXPECT(n, CC_OK, 28, 0x01);
	n = CMD(h, PRIV_USER, GET_DEVICE_SDR_INFO, 0x00);
	EXPECT(n, CC_OK, 28, 0x01);
	n = CMD(h, PRIV_USER, GET_DEVICE_SDR_INFO, 0x01);
	EXPECT(n, CC_OK, 30, 0x01);
	/* Get Device SDR serves the repository's records. */
	n = CMD(h, PRIV_USER, GET_DEVICE_SDR, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff);
	n2 = h_cmd(
	    h, PRIV_USER, NETFN_STORAGE, 0x23, (const uint8_t[]){0, 0, 0, 0, 0, 0xff}, 6, rsp2, sizeof(rsp2));
	assert_int_equal(n, n2);
	assert_memory_equal(rsp, rsp2, n);
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(rsp[1] | rsp[2] << 8, 0x0002);
	/* Reserve Device SDR Repository gives a reservation partial reads accept. */
	n = h_cmd(h, PRIV_USER, NETFN_SENSOR, RESERVE_DEVICE_SDR, NULL, 0, rsp, sizeof(rsp));
	assert_int_equal(n, 3);
	n = CMD(h, PRIV_USER, GET_DEVICE_SDR, rsp[1], rsp[2], 0x01, 0x00, 0x05, 0x02);
	EXPECT(n, CC_OK, 0x02, 0x00, 0x20, 0x00);
	/* Sensor types. */
	n = CMD(h, PRIV_USER, GET_TYPE, FAN2);
	EXPECT(n, CC_OK, 0x04, 0x01);
	n = CMD(h, PRIV_USER, GET_TYPE, CPU1_STATUS);
	EXPECT(n, CC_OK, 0x07, 0x6f);
	n = CMD(h, PRIV_USER, GET_TYPE, 0x99);
	EXPECT(n, CC_NOT_PRESENT);
	h_free(h);
}

/* Every command of the netFn: one byte short and one too many give C7h; privileges as the spec lists them. */
static void
test_lengths_and_privileges(void **state)
{
	static const struct {
		uint8_t cmd, min, max, priv;
	} cmds[] = {
	    {GET_DEVICE_SDR_INFO, 0, 1, PRIV_USER},
	    {GET_DEVICE_SDR, 6, 6, PRIV_USER},
	    {RESERVE_DEVICE_SDR, 0, 0, PRIV_USER},
	    {GET_FACTORS, 2, 2, PRIV_USER},
	    {SET_HYST, 4, 4, PRIV_OPERATOR},
	    {GET_HYST, 2, 2, PRIV_USER},
	    {SET_THR, 8, 8, PRIV_OPERATOR},
	    {GET_THR, 1, 1, PRIV_USER},
	    {SET_EVENT_ENABLE, 2, 6, PRIV_OPERATOR},
	    {GET_EVENT_ENABLE, 1, 1, PRIV_USER},
	    {REARM, 2, 6, PRIV_OPERATOR},
	    {GET_EVENT_STATUS, 1, 1, PRIV_USER},
	    {GET_READING, 1, 1, PRIV_USER},
	    {GET_TYPE, 1, 1, PRIV_USER},
	};
	struct harness *h = setup();
	uint8_t rsp[300], rq[16];
	size_t i, n;

	(void)state;
	memset(rq, 0, sizeof(rq));
	rq[0] = FAN2;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const struct cmd_desc *d = dispatch_find(NETFN_SENSOR, cmds[i].cmd);

		assert_non_null(d);
		assert_int_equal(d->min_len, cmds[i].min);
		assert_int_equal(d->max_len, cmds[i].max);
		assert_int_equal(d->min_priv, cmds[i].priv);
		if (cmds[i].min > 0) {
			n = h_cmd(
			    h, PRIV_ADMIN, NETFN_SENSOR, cmds[i].cmd, rq, cmds[i].min - 1u, rsp, sizeof(rsp));
			assert_int_equal(n, 1);
			assert_int_equal(rsp[0], CC_REQ_LEN);
		}
		n = h_cmd(h, PRIV_ADMIN, NETFN_SENSOR, cmds[i].cmd, rq, cmds[i].max + 1u, rsp, sizeof(rsp));
		assert_int_equal(n, 1);
		assert_int_equal(rsp[0], CC_REQ_LEN);
		/* One level below: D4h, before the length is looked at. */
		n = h_cmd(h, (uint8_t)(cmds[i].priv - 1), NETFN_SENSOR, cmds[i].cmd, rq, 0, rsp, sizeof(rsp));
		assert_int_equal(n, 1);
		assert_int_equal(rsp[0], CC_INSUFFICIENT_PRIV);
	}
	/* Set Sensor Thresholds at user privilege, well-formed: D4h and nothing changes. */
	n = CMD(h, PRIV_USER, SET_THR, FAN2, 0x01, 50, 0, 0, 0, 0, 0);
	EXPECT(n, CC_INSUFFICIENT_PRIV);
	n = CMD(h, PRIV_USER, GET_THR, FAN2);
	EXPECT(n, CC_OK, 0x07, 15, 10, 5, 0, 0, 0);
	/* Before any sensors are set: every sensor is absent. */
	h_free(h);
	h = h_new(NULL);
	n = CMD(h, PRIV_USER, GET_READING, FAN2);
	EXPECT(n, CC_NOT_PRESENT);
	n = h_cmd(h, PRIV_USER, NETFN_SENSOR, GET_DEVICE_SDR_INFO, NULL, 0, rsp, sizeof(rsp));
	EXPECT(n, CC_OK, 0, 0x01);
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_get_sensor_reading),
	    cmocka_unit_test(test_sensor_thresholds),
	    cmocka_unit_test(test_sensor_hysteresis),
	    cmocka_unit_test(test_sensor_event_enable),
	    cmocka_unit_test(test_rearm_and_event_status),
	    cmocka_unit_test(test_reading_factors),
	    cmocka_unit_test(test_device_sdr),
	    cmocka_unit_test(test_lengths_and_privileges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
