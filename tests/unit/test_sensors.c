/*
 * Live sensors: the built-in table, lookups, thresholds with hysteresis, the
 * events they log, unavailable readings, pins, discrete states, Global
 * Enables, and importing a repository dump.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define NB_BUILTIN 28 /* 17 threshold + 11 discrete */
#define TS0 0x00, 0xf1, 0x53, 0x65 /* 1700000000, the harness's wall clock, LS byte first */

static void
feed(struct harness *h, size_t i, double value)
{
	bmc_out_reset(&h->out);
	bmc_sensor_feed(h->bmc, &h->now, i, value, 0, true, &h->out);
}

static void
feed_state(struct harness *h, size_t i, uint16_t state)
{
	bmc_out_reset(&h->out);
	bmc_sensor_feed(h->bmc, &h->now, i, 0, state, true, &h->out);
}

static void
feed_unavailable(struct harness *h, size_t i)
{
	bmc_out_reset(&h->out);
	bmc_sensor_feed(h->bmc, &h->now, i, 0, 0, false, &h->out);
}

/*
 * SEL entry i is a BMC-generated event from sensor (type, number): event
 * direction|type byte, then data 1..3.  Everything else is fixed.
 */
static void
assert_event(struct harness *h, size_t i, uint8_t stype, uint8_t number, uint8_t dir_type, uint8_t d1,
    uint8_t d2, uint8_t d3)
{
	uint8_t rec[BMC_SEL_ENTRY_LEN];
	const uint8_t fixed[] = {0x02, TS0, 0x20, 0x00, 0x04};

	h_sel(h, i, rec);
	assert_memory_equal(
	    rec + 2, fixed, sizeof(fixed)); /* system event, stamped, from 20h LUN 0, EvM 04h */
	if (rec[10] != stype || rec[11] != number || rec[12] != dir_type || rec[13] != d1 || rec[14] != d2 ||
	    rec[15] != d3)
		fail_msg("SEL entry %zu: %02X %02X %02X %02X %02X %02X, want %02X %02X %02X %02X %02X %02X",
		    i, rec[10], rec[11], rec[12], rec[13], rec[14], rec[15], stype, number, dir_type, d1, d2,
		    d3);
}

/* FAN2 events: threshold type, going-low offsets, reading and threshold in data 2 and 3. */
#define FAN2_ASSERT(h, i, off, raw, thr) assert_event(h, i, 0x04, 0x21, 0x01, 0x50 | (off), raw, thr)
#define FAN2_DEASSERT(h, i, off, raw, thr) assert_event(h, i, 0x04, 0x21, 0x81, 0x50 | (off), raw, thr)
enum {
	OFF_LNC_LOW = 0,
	OFF_LCR_LOW = 2,
	OFF_LNR_LOW = 4,
	OFF_UNC_HIGH = 7,
	OFF_UCR_HIGH = 9,
	OFF_UNR_HIGH = 11
};

static void
test_defaults_and_find(void **state)
{
	static const char *const names[NB_BUILTIN] = {"CPU1 Temp", "CPU2 Temp", "DIMM Temp", "Inlet Temp",
	    "Exhaust Temp", "12V", "5V", "3.3V", "VBAT", "FAN1", "FAN2", "FAN3", "FAN4", "PSU1 Power In",
	    "PSU2 Power In", "PSU1 Current", "PSU2 Current", "CPU1 Status", "CPU2 Status", "PSU1 Status",
	    "PSU2 Status", "Intrusion", "Power Unit", "System Event", "Watchdog2", "Event Log",
	    "Session Audit", "Sys Restart"};
	struct harness *h = h_new(NULL);
	struct bmc_sensor_info info;
	size_t i, nthr = 0;

	(void)state;
	assert_int_equal(bmc_sensor_count(h->bmc), 0);
	assert_int_equal(h_sensors_default(h), NB_BUILTIN);
	/* Every sensor has a record, then the FRU and MC locators. */
	assert_int_equal(h->bmc->sdr.n, NB_BUILTIN + 2);
	for (i = 0; i < NB_BUILTIN; i++) {
		assert_int_equal(bmc_sensor_info(h->bmc, i, &info), 0);
		assert_string_equal(info.name, names[i]);
		assert_int_equal(h->bmc->sensors[i].record_id, i + 1);
		assert_false(info.available); /* nothing sampled yet */
		assert_false(info.pinned);
		assert_string_equal(bmc_sensor_status_word(&info), "na");
		nthr += info.threshold;
	}
	assert_int_equal(nthr, 17);
	assert_int_equal(bmc_sensor_info(h->bmc, NB_BUILTIN, &info), -1);

	/* By name, case-insensitive; by number in hex or decimal; names first. */
	assert_int_equal(bmc_sensor_find(h->bmc, "FAN2"), 10);
	assert_int_equal(bmc_sensor_find(h->bmc, "fan2"), 10);
	assert_int_equal(bmc_sensor_find(h->bmc, "cpu1 STATUS"), 17);
	assert_int_equal(bmc_sensor_find(h->bmc, "0x21"), 10);
	assert_int_equal(bmc_sensor_find(h->bmc, "0X21"), 10);
	assert_int_equal(bmc_sensor_find(h->bmc, "33"), 10);
	assert_int_equal(bmc_sensor_find(h->bmc, "12V"), 5); /* the name, not sensor 12 */
	assert_int_equal(bmc_sensor_find(h->bmc, "18"), 7); /* 3.3V is 12h */
	assert_int_equal(bmc_sensor_find(h->bmc, "0x48"), 25);
	assert_int_equal(bmc_sensor_find(h->bmc, "0x49"), 26);
	assert_int_equal(bmc_sensor_find(h->bmc, "0x4a"), 27);
	assert_int_equal(bmc_sensor_find(h->bmc, "0x4b"), -1);
	assert_int_equal(bmc_sensor_find(h->bmc, "0xff"), -1);
	assert_int_equal(bmc_sensor_find(h->bmc, "0x"), -1);
	assert_int_equal(bmc_sensor_find(h->bmc, "0x21 "), -1);
	assert_int_equal(bmc_sensor_find(h->bmc, "FAN"), -1);
	assert_int_equal(bmc_sensor_find(h->bmc, ""), -1);

	/* What the CLI sees of FAN2. */
	assert_int_equal(bmc_sensor_info(h->bmc, 10, &info), 0);
	assert_int_equal(info.number, 0x21);
	assert_int_equal(info.sensor_type, STYPE_FAN);
	assert_int_equal(info.reading_type, READING_THRESHOLD);
	assert_int_equal(info.base_unit, UNIT_RPM);
	assert_true(info.threshold);
	assert_int_equal(info.thr_mask, 0x07);
	assert_float_equal(info.thr[THR_LNC], 1500, 1e-9);
	assert_float_equal(info.thr[THR_LCR], 1000, 1e-9);
	assert_float_equal(info.thr[THR_LNR], 500, 1e-9);
	assert_int_equal(info.model.kind, MODEL_FAN);
	assert_int_equal(info.model.index, 2);
	assert_true(info.model.host_powered);
	assert_int_equal(bmc_sensor_get_model(h->bmc, 10)->kind, MODEL_FAN);
	assert_null(bmc_sensor_get_model(h->bmc, NB_BUILTIN));
	feed(h, 10, 4800);
	assert_int_equal(bmc_sensor_info(h->bmc, 10, &info), 0);
	assert_true(info.available);
	assert_int_equal(info.raw, 48);
	assert_float_equal(info.value, 4800, 1e-9);
	assert_float_equal(info.step, 100, 1e-9);
	assert_string_equal(bmc_sensor_status_word(&info), "ok");
	/* 12V: 0.06 V a count, 12 V nominal. */
	feed(h, 5, 12.0);
	assert_int_equal(bmc_sensor_info(h->bmc, 5, &info), 0);
	assert_int_equal(info.raw, 200);
	assert_float_equal(info.step, 0.06, 1e-9);
	assert_int_equal(bmc_sel_count(h->bmc), 0);
	h_free(h);
}

static void
test_set_refuses_duplicates(void **state)
{
	struct harness *h = h_new(NULL);
	struct bmc_sensor_conf confs[64], *many;
	char err[128];
	size_t n = bmc_sensor_defaults(confs, 64), i;

	(void)state;
	h_sensors_default(h);
	/* The same number twice. */
	confs[11].number = confs[10].number;
	err[0] = '\0';
	assert_int_equal(bmc_sensors_set(h->bmc, &h->now, confs, n, err, sizeof(err)), BMC_ERR_INVALID);
	assert_non_null(strstr(err, "same number 21h"));
	/* The same name, differently cased. */
	n = bmc_sensor_defaults(confs, 64);
	strcpy(confs[11].name, "fan2");
	err[0] = '\0';
	assert_int_equal(bmc_sensors_set(h->bmc, &h->now, confs, n, err, sizeof(err)), BMC_ERR_INVALID);
	assert_non_null(strstr(err, "two sensors are named \"fan2\""));
	/* Nothing changed. */
	assert_int_equal(bmc_sensor_count(h->bmc), NB_BUILTIN);
	assert_int_equal(bmc_sensor_find(h->bmc, "FAN3"), 11);
	/* More than sensor numbers allow. */
	many = calloc(256, sizeof(*many));
	assert_non_null(many);
	for (i = 0; i < 256; i++) {
		many[i] = confs[17];
		snprintf(many[i].name, sizeof(many[i].name), "S%zu", i);
		many[i].number = (uint8_t)i;
	}
	err[0] = '\0';
	assert_int_equal(bmc_sensors_set(h->bmc, &h->now, many, 256, err, sizeof(err)), BMC_ERR_INVALID);
	assert_non_null(strstr(err, "too many sensors"));
	/* 255 fit (numbers 00h..FEh). */
	assert_int_equal(bmc_sensors_set(h->bmc, &h->now, many, 255, err, sizeof(err)), BMC_OK);
	assert_int_equal(bmc_sensor_count(h->bmc), 255);
	assert_int_equal(h->bmc->sdr.n, 257);
	free(many);
	/* None at all: just the locators. */
	assert_int_equal(bmc_sensors_set(h->bmc, &h->now, NULL, 0, err, sizeof(err)), BMC_OK);
	assert_int_equal(bmc_sensor_count(h->bmc), 0);
	assert_int_equal(h->bmc->sdr.n, 2);
	h_free(h);
}

/* FAN2: LNR 500, LCR 1000, LNC 1500 RPM (raw 5, 10, 15), hysteresis 1 count. */
static void
test_fan_lower_thresholds(void **state)
{
	struct harness *h = h_new(NULL);
	struct bmc_sensor_info info;
	size_t fan2;

	(void)state;
	h_sensors_default(h);
	fan2 = h_sensor(h, "FAN2");
	feed(h, fan2, 4800);
	assert_int_equal(bmc_sel_count(h->bmc), 0);
	assert_int_equal(h->out.nfx, 0);

	/* Straight through all three: mildest first. */
	feed(h, fan2, 300);
	assert_int_equal(bmc_sel_count(h->bmc), 3);
	FAN2_ASSERT(h, 0, OFF_LNC_LOW, 3, 15);
	FAN2_ASSERT(h, 1, OFF_LCR_LOW, 3, 10);
	FAN2_ASSERT(h, 2, OFF_LNR_LOW, 3, 5);
	/* IDs 1, 2, 3, each announced to the edge. */
	{
		uint8_t rec[BMC_SEL_ENTRY_LEN];
		size_t i;

		for (i = 0; i < 3; i++) {
			h_sel(h, i, rec);
			assert_int_equal(rec[0] | rec[1] << 8, i + 1);
			assert_int_equal(h->out.fx[i].kind, FX_SEL_ADD);
			assert_int_equal(h->out.fx[i].arg, i + 1);
		}
		assert_int_equal(h->out.nfx, 3);
	}
	assert_int_equal(bmc_sensor_info(h->bmc, fan2, &info), 0);
	assert_int_equal(info.thr_status, 0x07);
	assert_int_equal(info.state, 0x0015); /* offsets 0, 2, 4 */
	assert_string_equal(bmc_sensor_status_word(&info), "nr");
	/* The same reading again: nothing new. */
	feed(h, fan2, 300);
	assert_int_equal(bmc_sel_count(h->bmc), 3);

	/*
	 * 1500 RPM = raw 15.  A lower threshold deasserts once the reading is
	 * above threshold + positive hysteresis: LNR (15 > 6) and LCR (15 > 11)
	 * go, worst first; LNC (15 > 16) stays.
	 */
	feed(h, fan2, 1500);
	assert_int_equal(bmc_sel_count(h->bmc), 5);
	FAN2_DEASSERT(h, 3, OFF_LNR_LOW, 15, 5);
	FAN2_DEASSERT(h, 4, OFF_LCR_LOW, 15, 10);
	assert_int_equal(bmc_sensor_info(h->bmc, fan2, &info), 0);
	assert_int_equal(info.thr_status, 1u << THR_LNC);
	assert_string_equal(bmc_sensor_status_word(&info), "nc");
	/* Inside the hysteresis band: still asserted. */
	feed(h, fan2, 1600);
	assert_int_equal(bmc_sel_count(h->bmc), 5);
	/* One count past it. */
	feed(h, fan2, 1700);
	assert_int_equal(bmc_sel_count(h->bmc), 6);
	FAN2_DEASSERT(h, 5, OFF_LNC_LOW, 17, 15);
	assert_int_equal(bmc_sensor_info(h->bmc, fan2, &info), 0);
	assert_int_equal(info.thr_status, 0);
	assert_string_equal(bmc_sensor_status_word(&info), "ok");
	/* At the threshold itself: asserted (reading <= threshold). */
	feed(h, fan2, 1500);
	assert_int_equal(bmc_sel_count(h->bmc), 7);
	FAN2_ASSERT(h, 6, OFF_LNC_LOW, 15, 15);
	feed(h, fan2, 1000);
	assert_int_equal(bmc_sel_count(h->bmc), 8);
	FAN2_ASSERT(h, 7, OFF_LCR_LOW, 10, 10);

	/* Back to full speed in one go: the rest deassert, worst first. */
	feed(h, fan2, 300);
	assert_int_equal(bmc_sel_count(h->bmc), 9);
	FAN2_ASSERT(h, 8, OFF_LNR_LOW, 3, 5);
	feed(h, fan2, 4800);
	assert_int_equal(bmc_sel_count(h->bmc), 12);
	FAN2_DEASSERT(h, 9, OFF_LNR_LOW, 48, 5);
	FAN2_DEASSERT(h, 10, OFF_LCR_LOW, 48, 10);
	FAN2_DEASSERT(h, 11, OFF_LNC_LOW, 48, 15);
	h_free(h);
}

/* CPU1 Temp: UNC 85, UCR 95, UNR 105 degrees C, M = 1, hysteresis 2. */
static void
test_temp_upper_thresholds(void **state)
{
	struct harness *h = h_new(NULL);
	struct bmc_sensor_info info;
	size_t t;

	(void)state;
	h_sensors_default(h);
	t = h_sensor(h, "CPU1 Temp");
	feed(h, t, 50);
	feed(h, t, 84);
	assert_int_equal(bmc_sel_count(h->bmc), 0);
	feed(h, t, 85);
	assert_int_equal(bmc_sel_count(h->bmc), 1);
	assert_event(h, 0, 0x01, 0x01, 0x01, 0x50 | OFF_UNC_HIGH, 85, 85);
	feed(h, t, 110);
	assert_int_equal(bmc_sel_count(h->bmc), 3);
	assert_event(h, 1, 0x01, 0x01, 0x01, 0x50 | OFF_UCR_HIGH, 110, 95);
	assert_event(h, 2, 0x01, 0x01, 0x01, 0x50 | OFF_UNR_HIGH, 110, 105);
	assert_int_equal(bmc_sensor_info(h->bmc, t, &info), 0);
	assert_int_equal(info.thr_status, 0x38);
	assert_int_equal(info.state, (1u << 7) | (1u << 9) | (1u << 11));
	/* Upper thresholds deassert below threshold - negative hysteresis: 84 < 103, 84 < 93, not 84 < 83. */
	feed(h, t, 84);
	assert_int_equal(bmc_sel_count(h->bmc), 5);
	assert_event(h, 3, 0x01, 0x01, 0x81, 0x50 | OFF_UNR_HIGH, 84, 105);
	assert_event(h, 4, 0x01, 0x01, 0x81, 0x50 | OFF_UCR_HIGH, 84, 95);
	feed(h, t, 83);
	assert_int_equal(bmc_sel_count(h->bmc), 5);
	feed(h, t, 82);
	assert_int_equal(bmc_sel_count(h->bmc), 6);
	assert_event(h, 5, 0x01, 0x01, 0x81, 0x50 | OFF_UNC_HIGH, 82, 85);
	/* Values past what a byte holds clamp to the end of the range. */
	feed(h, t, 1000);
	assert_int_equal(bmc_sensor_info(h->bmc, t, &info), 0);
	assert_int_equal(info.raw, 255);
	assert_int_equal(bmc_sel_count(h->bmc), 9);
	h_free(h);
}

static void
test_unavailable_resets_silently(void **state)
{
	struct harness *h = h_new(NULL);
	struct bmc_sensor_info info;
	size_t fan2;

	(void)state;
	h_sensors_default(h);
	fan2 = h_sensor(h, "FAN2");
	/* No reading from the start: no events, nothing asserted. */
	feed_unavailable(h, fan2);
	assert_int_equal(bmc_sensor_info(h->bmc, fan2, &info), 0);
	assert_false(info.available);
	assert_string_equal(bmc_sensor_status_word(&info), "na");
	feed(h, fan2, 300);
	assert_int_equal(bmc_sel_count(h->bmc), 3);
	/* The host goes off: no deassertions, state forgotten. */
	feed_unavailable(h, fan2);
	assert_int_equal(bmc_sel_count(h->bmc), 0 + 3);
	assert_int_equal(h->out.nfx, 0);
	assert_int_equal(bmc_sensor_info(h->bmc, fan2, &info), 0);
	assert_false(info.available);
	assert_int_equal(info.thr_status, 0);
	assert_int_equal(info.state, 0);
	assert_string_equal(bmc_sensor_status_word(&info), "na");
	/* Back at full speed: nothing to deassert. */
	feed(h, fan2, 4800);
	assert_int_equal(bmc_sel_count(h->bmc), 3);
	/* Back, still stalled: asserted anew. */
	feed_unavailable(h, fan2);
	feed(h, fan2, 300);
	assert_int_equal(bmc_sel_count(h->bmc), 6);
	FAN2_ASSERT(h, 3, OFF_LNC_LOW, 3, 15);
	FAN2_ASSERT(h, 5, OFF_LNR_LOW, 3, 5);
	h_free(h);
}

static void
test_pin_and_release(void **state)
{
	struct harness *h = h_new(NULL);
	struct bmc_sensor_info info;
	size_t fan2, cpu;

	(void)state;
	h_sensors_default(h);
	fan2 = h_sensor(h, "FAN2");
	feed(h, fan2, 4800);
	bmc_out_reset(&h->out);
	assert_int_equal(bmc_sensor_pin(h->bmc, &h->now, fan2, 300, 0, &h->out), BMC_OK);
	assert_int_equal(bmc_sel_count(h->bmc), 3);
	assert_int_equal(h->out.nfx, 3);
	FAN2_ASSERT(h, 2, OFF_LNR_LOW, 3, 5);
	assert_int_equal(bmc_sensor_info(h->bmc, fan2, &info), 0);
	assert_true(info.pinned);
	assert_int_equal(info.raw, 3);
	/* Samples are ignored while pinned, even unavailable ones. */
	feed(h, fan2, 4800);
	feed_unavailable(h, fan2);
	assert_int_equal(bmc_sel_count(h->bmc), 3);
	assert_int_equal(bmc_sensor_info(h->bmc, fan2, &info), 0);
	assert_true(info.available);
	assert_int_equal(info.raw, 3);
	/* A new pin moves the reading at once. */
	bmc_out_reset(&h->out);
	assert_int_equal(bmc_sensor_pin(h->bmc, &h->now, fan2, 1500, 0, &h->out), BMC_OK);
	assert_int_equal(bmc_sel_count(h->bmc), 5);
	FAN2_DEASSERT(h, 3, OFF_LNR_LOW, 15, 5);
	/* Released: the next sample takes over. */
	assert_int_equal(bmc_sensor_release(h->bmc, fan2), BMC_OK);
	assert_int_equal(bmc_sensor_info(h->bmc, fan2, &info), 0);
	assert_false(info.pinned);
	assert_int_equal(bmc_sel_count(h->bmc), 5);
	feed(h, fan2, 4800);
	assert_int_equal(bmc_sel_count(h->bmc), 6);
	FAN2_DEASSERT(h, 5, OFF_LNC_LOW, 48, 15);
	/* Refusals. */
	assert_int_equal(bmc_sensor_pin(h->bmc, &h->now, NB_BUILTIN, 1, 0, &h->out), BMC_ERR_NOTFOUND);
	assert_int_equal(bmc_sensor_pin(h->bmc, &h->now, fan2, NAN, 0, &h->out), BMC_ERR_INVALID);
	assert_int_equal(bmc_sensor_pin(h->bmc, &h->now, fan2, INFINITY, 0, &h->out), BMC_ERR_INVALID);
	assert_int_equal(bmc_sensor_release(h->bmc, NB_BUILTIN), BMC_ERR_NOTFOUND);

	/* A discrete sensor pinned before any sample: every state set is news. */
	cpu = h_sensor(h, "CPU1 Status");
	bmc_out_reset(&h->out);
	assert_int_equal(bmc_sensor_pin(h->bmc, &h->now, cpu, 0, 0x0081, &h->out), BMC_OK);
	assert_int_equal(bmc_sel_count(h->bmc), 8);
	assert_event(h, 6, 0x07, 0x40, 0x6f, 0x00, 0xff, 0xff);
	assert_event(h, 7, 0x07, 0x40, 0x6f, 0x07, 0xff, 0xff);
	feed_state(h, cpu, 0x0080);
	assert_int_equal(bmc_sel_count(h->bmc), 8);
	h_free(h);
}

static void
test_discrete_states(void **state)
{
	struct harness *h = h_new(NULL);
	struct bmc_sensor_info info;
	size_t cpu;

	(void)state;
	h_sensors_default(h);
	cpu = h_sensor(h, "CPU1 Status");
	/* The first sample is the baseline. */
	feed_state(h, cpu, 0x0080);
	assert_int_equal(bmc_sel_count(h->bmc), 0);
	assert_int_equal(bmc_sensor_info(h->bmc, cpu, &info), 0);
	assert_true(info.available);
	assert_false(info.threshold);
	assert_int_equal(info.state, 0x0080);
	assert_string_equal(bmc_sensor_status_word(&info), "ok");
	/* IERR asserted, then deasserted. */
	feed_state(h, cpu, 0x0081);
	assert_int_equal(bmc_sel_count(h->bmc), 1);
	assert_event(h, 0, 0x07, 0x40, 0x6f, 0x00, 0xff, 0xff);
	assert_int_equal(h->out.fx[0].kind, FX_SEL_ADD);
	feed_state(h, cpu, 0x0080);
	assert_int_equal(bmc_sel_count(h->bmc), 2);
	assert_event(h, 1, 0x07, 0x40, 0xef, 0x00, 0xff, 0xff);
	/* Two changes at once, lowest offset first; a state outside the masks raises nothing. */
	feed_state(h, cpu, 0x0102);
	assert_int_equal(bmc_sel_count(h->bmc), 4);
	assert_event(h, 2, 0x07, 0x40, 0x6f, 0x01, 0xff, 0xff);
	assert_event(h, 3, 0x07, 0x40, 0xef, 0x07, 0xff, 0xff);
	/* Unavailable: the state stays, no events, and no events when it returns unchanged. */
	feed_unavailable(h, cpu);
	assert_int_equal(bmc_sensor_info(h->bmc, cpu, &info), 0);
	assert_false(info.available);
	assert_string_equal(bmc_sensor_status_word(&info), "na");
	feed_state(h, cpu, 0x0102);
	assert_int_equal(bmc_sel_count(h->bmc), 4);
	/* Bit 15 is not a state. */
	feed_state(h, cpu, 0x8102);
	assert_int_equal(bmc_sel_count(h->bmc), 4);
	assert_int_equal(bmc_sensor_info(h->bmc, cpu, &info), 0);
	assert_int_equal(info.state, 0x0102);
	h_free(h);
}

static void
test_global_enables_stop_logging(void **state)
{
	struct harness *h = h_new(NULL);
	struct bmc_sensor_info info;
	uint8_t rsp[16];
	size_t fan2;

	(void)state;
	h_sensors_default(h);
	fan2 = h_sensor(h, "FAN2");
	feed(h, fan2, 4800);
	/* Set BMC Global Enables: everything off, SEL logging (bit 3) included. */
	h_cmd(h, PRIV_ADMIN, NETFN_APP, 0x2e, (const uint8_t[]){0x00}, 1, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_OK);
	feed(h, fan2, 300);
	assert_int_equal(bmc_sel_count(h->bmc), 0);
	assert_int_equal(h->out.nfx, 0);
	/* The sensor still knows where it stands. */
	assert_int_equal(bmc_sensor_info(h->bmc, fan2, &info), 0);
	assert_int_equal(info.thr_status, 0x07);
	/* Logging back on: later changes are logged. */
	h_cmd(h, PRIV_ADMIN, NETFN_APP, 0x2e, (const uint8_t[]){0x08}, 1, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_OK);
	feed(h, fan2, 4800);
	assert_int_equal(bmc_sel_count(h->bmc), 3);
	FAN2_DEASSERT(h, 0, OFF_LNR_LOW, 48, 5);
	h_free(h);
}

/* A full record owned by someone else (owner 22h). */
static size_t
foreign_record(uint8_t *out, uint16_t id)
{
	struct bmc_sensor_conf confs[64];
	size_t n = bmc_sensor_defaults(confs, 64), len;

	assert_true(n > 5);
	len = sdr_encode_sensor(&confs[5], id, out, 64);
	assert_true(len > 0);
	out[5] = 0x22;
	out[7] = 0x77;
	return len;
}

static void
test_import_export(void **state)
{
	struct harness *a = h_new(NULL), *b = h_new(NULL);
	struct bmc_sensor_info ia, ib;
	struct bmc_sensor_conf over;
	uint8_t *dump, *again;
	size_t len, n, i;
	char err[160];
	int r;

	(void)state;
	h_sensors_default(a);
	len = bmc_sdr_export(a->bmc, NULL, 0);
	assert_int_equal(len, a->bmc->sdr.used);
	dump = malloc(len + 128);
	again = malloc(len + 128);
	assert_non_null(dump);
	assert_non_null(again);
	assert_int_equal(
	    bmc_sdr_export(a->bmc, dump, len - 1), len); /* too small: the size, nothing copied */
	assert_int_equal(bmc_sdr_export(a->bmc, dump, len), len);

	err[0] = '\0';
	r = bmc_sdr_import(b->bmc, &b->now, dump, len, NULL, 0, err, sizeof(err));
	assert_int_equal(r, NB_BUILTIN + 2);
	/* The same records, byte for byte, and the same sensors, each with a static model. */
	assert_int_equal(bmc_sdr_export(b->bmc, again, len + 128), len);
	assert_memory_equal(again, dump, len);
	assert_int_equal(bmc_sensor_count(b->bmc), NB_BUILTIN);
	for (i = 0; i < NB_BUILTIN; i++) {
		assert_int_equal(bmc_sensor_info(a->bmc, i, &ia), 0);
		assert_int_equal(bmc_sensor_info(b->bmc, i, &ib), 0);
		assert_string_equal(ib.name, ia.name);
		assert_int_equal(ib.number, ia.number);
		assert_int_equal(ib.sensor_type, ia.sensor_type);
		assert_int_equal(ib.reading_type, ia.reading_type);
		assert_int_equal(ib.thr_mask, ia.thr_mask);
		assert_memory_equal(ib.thr, ia.thr, sizeof(ia.thr));
		assert_int_equal(ib.model.kind, MODEL_STATIC);
	}
	/* Static models read the nominal value, else between the thresholds, else near the one there is. */
	assert_float_equal(bmc_sensor_get_model(b->bmc, h_sensor(b, "12V"))->nominal, 12.0, 1e-9);
	assert_float_equal(
	    bmc_sensor_get_model(b->bmc, h_sensor(b, "Inlet Temp"))->nominal, (8 + 38) / 2.0, 1e-9);
	assert_float_equal(bmc_sensor_get_model(b->bmc, h_sensor(b, "CPU1 Temp"))->nominal, 85 / 2.0, 1e-9);
	assert_float_equal(bmc_sensor_get_model(b->bmc, h_sensor(b, "FAN2"))->nominal, 1500 * 2.0, 1e-9);
	assert_int_equal(bmc_sensor_get_model(b->bmc, h_sensor(b, "CPU1 Status"))->state, 0x0080);
	assert_int_equal(bmc_sensor_get_model(b->bmc, h_sensor(b, "PSU2 Status"))->state, 0x0001);
	assert_int_equal(bmc_sensor_get_model(b->bmc, h_sensor(b, "Intrusion"))->state, 0);
	/* Imported sensors raise events like built ones. */
	feed(b, h_sensor(b, "FAN2"), 4800);
	feed(b, h_sensor(b, "FAN2"), 300);
	assert_int_equal(bmc_sel_count(b->bmc), 3);
	FAN2_ASSERT(b, 1, OFF_LCR_LOW, 3, 10);

	/* Overrides name models by name, case-insensitive. */
	memset(&over, 0, sizeof(over));
	strcpy(over.name, "fan2");
	over.model.kind = MODEL_FAN;
	over.model.index = 2;
	r = bmc_sdr_import(b->bmc, &b->now, dump, len, &over, 1, err, sizeof(err));
	assert_int_equal(r, NB_BUILTIN + 2);
	assert_int_equal(bmc_sensor_get_model(b->bmc, h_sensor(b, "FAN2"))->kind, MODEL_FAN);
	assert_int_equal(bmc_sensor_get_model(b->bmc, h_sensor(b, "FAN1"))->kind, MODEL_STATIC);

	/* Someone else's sensor stays in the repository but is not ours to serve; a taken number is skipped.
	 */
	n = len;
	n += foreign_record(dump + n, 0x0100);
	memcpy(dump + n, dump, dump[4] + 5u); /* the CPU1 Temp record again, as record 0101h */
	dump[n] = 0x01;
	dump[n + 1] = 0x01;
	n += dump[n + 4] + 5u;
	b->loglen = 0;
	b->log[0] = '\0';
	r = bmc_sdr_import(b->bmc, &b->now, dump, n, NULL, 0, err, sizeof(err));
	assert_int_equal(r, NB_BUILTIN + 4);
	assert_int_equal(b->bmc->sdr.n, NB_BUILTIN + 4);
	assert_int_equal(bmc_sensor_count(b->bmc), NB_BUILTIN);
	assert_int_equal(bmc_sensor_find(b->bmc, "0x77"), -1);
	assert_non_null(strstr(b->log, "sensor number 01h already taken"));

	/* Garbage is refused with a message, and the repository is left as it was. */
	err[0] = '\0';
	r = bmc_sdr_import(
	    b->bmc, &b->now, (const uint8_t[]){0x01, 0x00, 0x51, 0x01, 0xff}, 5, NULL, 0, err, sizeof(err));
	assert_int_equal(r, BMC_ERR_INVALID);
	assert_non_null(strstr(err, "says 260 bytes but only 5 remain"));
	err[0] = '\0';
	r = bmc_sdr_import(
	    b->bmc, &b->now, (const uint8_t[]){0x01, 0x00, 0x20, 0x01, 0x00}, 5, NULL, 0, err, sizeof(err));
	assert_int_equal(r, BMC_ERR_INVALID);
	assert_non_null(strstr(err, "SDR version 20h"));
	err[0] = '\0';
	r = bmc_sdr_import(b->bmc, &b->now, dump, 3, NULL, 0, err, sizeof(err));
	assert_int_equal(r, BMC_ERR_INVALID);
	assert_non_null(strstr(err, "truncated"));
	err[0] = '\0';
	r = bmc_sdr_import(b->bmc, &b->now, dump, 0, NULL, 0, err, sizeof(err));
	assert_int_equal(r, BMC_ERR_INVALID);
	assert_non_null(strstr(err, "no SDR records"));
	assert_int_equal(b->bmc->sdr.n, NB_BUILTIN + 4);
	assert_int_equal(bmc_sensor_count(b->bmc), NB_BUILTIN);
	free(dump);
	free(again);
	h_free(a);
	h_free(b);
}

static void
test_set_model(void **state)
{
	struct harness *h = h_new(NULL);
	struct bmc_sensor_model m = {.kind = MODEL_STATIC, .nominal = 7.5};

	(void)state;
	h_sensors_default(h);
	assert_int_equal(bmc_sensor_set_model(h->bmc, 3, &m), BMC_OK);
	assert_int_equal(bmc_sensor_get_model(h->bmc, 3)->kind, MODEL_STATIC);
	assert_float_equal(bmc_sensor_get_model(h->bmc, 3)->nominal, 7.5, 0);
	assert_int_equal(bmc_sensor_set_model(h->bmc, NB_BUILTIN, &m), BMC_ERR_INVALID);
	m.kind = MODEL_COUNT;
	assert_int_equal(bmc_sensor_set_model(h->bmc, 3, &m), BMC_ERR_INVALID);
	assert_string_equal(bmc_model_name(MODEL_FAN), "fan");
	assert_int_equal(bmc_model_by_name("CPU-Temp"), MODEL_CPU_TEMP);
	assert_int_equal(bmc_model_by_name("nope"), -1);
	assert_string_equal(bmc_model_name(MODEL_COUNT), "unknown");
	assert_string_equal(bmc_unit_name(UNIT_RPM), "RPM");
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_and_find),
	    cmocka_unit_test(test_set_refuses_duplicates),
	    cmocka_unit_test(test_fan_lower_thresholds),
	    cmocka_unit_test(test_temp_upper_thresholds),
	    cmocka_unit_test(test_unavailable_resets_silently),
	    cmocka_unit_test(test_pin_and_release),
	    cmocka_unit_test(test_discrete_states),
	    cmocka_unit_test(test_global_enables_stop_logging),
	    cmocka_unit_test(test_import_export),
	    cmocka_unit_test(test_set_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
