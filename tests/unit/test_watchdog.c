/*
 * The BMC watchdog timer: Set/Get/Reset Watchdog Timer, the countdown as time
 * passes under bmc_tick, expiry with each timeout action (FX_POWER and the
 * expiration flags), the Watchdog 2 SEL event, "don't log", "don't stop",
 * the pre-timeout, clearing expiration flags, the in-band kick, and the
 * request lengths and privileges of the three commands.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define CMD(h, priv, cmd, ...)                                                                               \
	h_cmd(h, priv, NETFN_APP, cmd, (const uint8_t[]){__VA_ARGS__},                                       \
	    sizeof((const uint8_t[]){__VA_ARGS__}), rsp, sizeof(rsp))
#define CMD0(h, priv, cmd) h_cmd(h, priv, NETFN_APP, cmd, NULL, 0, rsp, sizeof(rsp))
#define EXPECT(n, ...)                                                                                       \
	do {                                                                                                 \
		const uint8_t want_[] = {__VA_ARGS__};                                                       \
		assert_int_equal(rsp[0], want_[0]); /* the completion code first: the clearer message */     \
		assert_int_equal((n), sizeof(want_));                                                        \
		assert_memory_equal(rsp, want_, sizeof(want_));                                              \
	} while (0)
#define LE16(v) (uint8_t)(v), (uint8_t)((v) >> 8)

enum {
	RESET_WD = 0x22,
	SET_WD = 0x24,
	GET_WD = 0x25,
};

enum { USE_FRB2 = 1, USE_POST = 2, USE_OS_LOAD = 3, USE_SMS_OS = 4, USE_OEM = 5 };
enum { ACT_NONE = 0, ACT_RESET = 1, ACT_OFF = 2, ACT_CYCLE = 3 };
enum { INTR_NONE = 0, INTR_SMI = 1, INTR_NMI = 2, INTR_MSG = 3 };

#define DONT_LOG 0x80
#define DONT_STOP 0x40
#define RUNNING 0x40 /* Get: byte 1 bit 6 */
#define CC_UNINITIALIZED 0x80
#define WD_SENSOR_NUMBER 0x47 /* the built-in server's Watchdog2 sensor */

static uint8_t rsp[64];

static int
setup(void **state)
{
	*state = h_new(NULL);
	return 0;
}

static int
teardown(void **state)
{
	h_free(*state);
	return 0;
}

/* Advance the clock by ms and run the periodic work. */
static void
tick(struct harness *h, uint64_t ms)
{
	h->now.mono_ms += ms;
	assert_int_equal(bmc_tick(h->bmc, &h->now, &h->out), BMC_OK);
}

static void
set_wd(struct harness *h, uint8_t use, uint8_t action, uint8_t pre, uint8_t clear, uint16_t initial)
{
	size_t n = CMD(h, PRIV_OPERATOR, SET_WD, use, action, pre, clear, LE16(initial));
	EXPECT(n, CC_OK);
}

static void
reset_wd(struct harness *h)
{
	size_t n = CMD0(h, PRIV_OPERATOR, RESET_WD);
	EXPECT(n, CC_OK);
}

/* Get Watchdog Timer into rsp; asserts the shape. */
static void
get_wd(struct harness *h)
{
	size_t n = CMD0(h, PRIV_USER, GET_WD);
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(n, 9);
}

static uint16_t
present(struct harness *h)
{
	get_wd(h);
	return (uint16_t)(rsp[7] | rsp[8] << 8);
}

static bool
running(struct harness *h)
{
	get_wd(h);
	return (rsp[1] & RUNNING) != 0;
}

static size_t
power_fx_count(const struct harness *h)
{
	size_t i, n = 0;

	for (i = 0; i < h->out.nfx; i++)
		if (h->out.fx[i].kind == FX_POWER)
			n++;
	return n;
}

static void
test_get_before_set(void **state)
{
	struct harness *h = *state;
	size_t n = CMD0(h, PRIV_USER, GET_WD);

	EXPECT(n, CC_OK, 0, 0, 0, 0, LE16(0), LE16(0));
}

static void
test_set_get_round_trip(void **state)
{
	struct harness *h = *state;
	size_t n;

	set_wd(h, DONT_LOG | USE_SMS_OS, INTR_NMI << 4 | ACT_CYCLE, 5, 0, 600);
	n = CMD0(h, PRIV_USER, GET_WD);
	/* Stopped: the running bit is clear and the present countdown is the initial one. */
	EXPECT(n, CC_OK, DONT_LOG | USE_SMS_OS, INTR_NMI << 4 | ACT_CYCLE, 5, 0, LE16(600), LE16(600));

	set_wd(h, USE_FRB2, INTR_SMI << 4 | ACT_RESET, 0, 0, 0x1234);
	n = CMD0(h, PRIV_USER, GET_WD);
	EXPECT(n, CC_OK, USE_FRB2, INTR_SMI << 4 | ACT_RESET, 0, 0, LE16(0x1234), LE16(0x1234));

	/* "Don't stop" is an instruction to Set, not a setting: Get's bit 6 says running. */
	set_wd(h, DONT_STOP | USE_OEM, INTR_MSG << 4 | ACT_NONE, 1, 0, 10);
	n = CMD0(h, PRIV_USER, GET_WD);
	EXPECT(n, CC_OK, USE_OEM, INTR_MSG << 4 | ACT_NONE, 1, 0, LE16(10), LE16(10));
}

static void
test_set_invalid_fields(void **state)
{
	struct harness *h = *state;
	static const uint8_t bad_use[] = {0, 6, 7, DONT_LOG | 0, DONT_STOP | 6};
	size_t i, n;

	for (i = 0; i < sizeof(bad_use); i++) {
		n = CMD(h, PRIV_OPERATOR, SET_WD, bad_use[i], ACT_RESET, 0, 0, LE16(100));
		EXPECT(n, CC_INVALID_FIELD);
	}
	for (i = 4; i < 8; i++) {
		n = CMD(h, PRIV_OPERATOR, SET_WD, USE_SMS_OS, (uint8_t)(i << 4 | ACT_RESET), 0, 0, LE16(100));
		EXPECT(n, CC_INVALID_FIELD);
		n = CMD(h, PRIV_OPERATOR, SET_WD, USE_SMS_OS, (uint8_t)(INTR_NMI << 4 | i), 0, 0, LE16(100));
		EXPECT(n, CC_INVALID_FIELD);
	}
	/* Nothing was taken: the timer is still un-initialized. */
	n = CMD0(h, PRIV_OPERATOR, RESET_WD);
	EXPECT(n, CC_UNINITIALIZED);
	n = CMD0(h, PRIV_USER, GET_WD);
	EXPECT(n, CC_OK, 0, 0, 0, 0, LE16(0), LE16(0));
}

static void
test_pretimeout_longer_than_countdown(void **state)
{
	struct harness *h = *state;
	size_t n;

	/* 11 s of pre-timeout in a 10 s countdown. */
	n = CMD(h, PRIV_OPERATOR, SET_WD, USE_SMS_OS, INTR_NMI << 4 | ACT_RESET, 11, 0, LE16(100));
	EXPECT(n, CC_INVALID_FIELD);
	n = CMD(h, PRIV_OPERATOR, SET_WD, USE_SMS_OS, INTR_NONE << 4 | ACT_RESET, 1, 0, LE16(0));
	EXPECT(n, CC_INVALID_FIELD);
	n = CMD(h, PRIV_OPERATOR, SET_WD, USE_SMS_OS, INTR_NMI << 4 | ACT_RESET, 255, 0, LE16(2549));
	EXPECT(n, CC_INVALID_FIELD);
	/* Equal is fine. */
	set_wd(h, USE_SMS_OS, INTR_NMI << 4 | ACT_RESET, 10, 0, 100);
	set_wd(h, USE_SMS_OS, INTR_NMI << 4 | ACT_RESET, 255, 0, 2550);
}

static void
test_reset_before_set(void **state)
{
	struct harness *h = *state;
	size_t n = CMD0(h, PRIV_OPERATOR, RESET_WD);

	EXPECT(n, CC_UNINITIALIZED);
	assert_false(running(h));
	assert_int_equal(bmc_watchdog_kick(h->bmc, &h->now), -1);
}

static void
test_countdown(void **state)
{
	struct harness *h = *state;

	set_wd(h, USE_SMS_OS, ACT_NONE, 0, 0, 100); /* 10 s */
	tick(h, 5000);
	assert_false(running(h));
	assert_int_equal(present(h), 100); /* stopped: nothing counts */

	reset_wd(h);
	assert_true(running(h));
	assert_int_equal(present(h), 100);
	tick(h, 1);
	assert_int_equal(present(h), 100); /* 9.999 s left: rounded up */
	tick(h, 99);
	assert_int_equal(present(h), 99);
	tick(h, 2400);
	assert_int_equal(present(h), 75);
	tick(h, 50);
	assert_int_equal(present(h), 75); /* 7.45 s */
	tick(h, 7400);
	assert_int_equal(present(h), 1); /* 50 ms */
	assert_true(running(h));

	/* Reset starts again from the initial value. */
	reset_wd(h);
	assert_int_equal(present(h), 100);
	tick(h, 3000);
	assert_int_equal(present(h), 70);
	assert_int_equal(bmc_watchdog_kick(h->bmc, &h->now), 0);
	assert_int_equal(present(h), 100);

	/* Set without "don't stop" stops it, back at the initial value. */
	set_wd(h, USE_SMS_OS, ACT_NONE, 0, 0, 100);
	assert_false(running(h));
	tick(h, 20000);
	assert_int_equal(present(h), 100);
	assert_int_equal(rsp[4], 0); /* no expiration */
}

/* Set, start and run a timer out; the effects of the expiring tick are left in h->out. */
static void
run_out(struct harness *h, uint8_t use, uint8_t action, uint16_t initial)
{
	set_wd(h, use, action, 0, 0, initial);
	reset_wd(h);
	tick(h, (uint64_t)initial * 100 - 1);
	assert_true(running(h));
	assert_int_equal(power_fx_count(h), 0);
	tick(h, 1);
}

static void
test_expiry_actions(void **state)
{
	static const struct {
		uint8_t action;
		int power; /* -1: none */
	} cases[] = {
	    {ACT_NONE, -1},
	    {ACT_RESET, POWER_ACTION_RESET},
	    {ACT_OFF, POWER_ACTION_OFF},
	    {ACT_CYCLE, POWER_ACTION_CYCLE},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct harness *h = h_new(NULL);

		run_out(h, USE_OS_LOAD, cases[i].action, 30);
		if (cases[i].power < 0) {
			assert_int_equal(power_fx_count(h), 0);
		} else {
			assert_int_equal(power_fx_count(h), 1);
			assert_true(h_fx_find(h, FX_POWER, (uint32_t)cases[i].power) >= 0);
			assert_int_equal(h->bmc->chassis.pending_cause, RESTART_WATCHDOG);
		}
		get_wd(h);
		assert_int_equal(rsp[1] & RUNNING, 0);
		assert_int_equal(rsp[4], 1u << USE_OS_LOAD);
		assert_int_equal(rsp[7] | rsp[8] << 8, 30); /* stopped again: the initial value */
		assert_non_null(strstr(h->log, "watchdog (OS load) expired"));

		/* Once: the stopped timer does nothing more. */
		tick(h, 100000);
		assert_int_equal(power_fx_count(h), 0);
		h_free(h);
	}
}

static void
test_initial_zero_expires_next_tick(void **state)
{
	struct harness *h = *state;

	set_wd(h, USE_POST, ACT_RESET, 0, 0, 0);
	reset_wd(h);
	assert_int_equal(present(h), 0);
	tick(h, 0);
	assert_true(h_fx_find(h, FX_POWER, POWER_ACTION_RESET) >= 0);
	assert_false(running(h));
	assert_int_equal(rsp[4], 1u << USE_POST);
}

static void
test_expiry_sel_event(void **state)
{
	struct harness *h = *state;
	uint8_t rec[BMC_SEL_ENTRY_LEN];
	size_t before;

	h_sensors_default(h);
	before = bmc_sel_count(h->bmc);
	run_out(h, USE_SMS_OS, INTR_NMI << 4 | ACT_CYCLE, 20);
	assert_true(h_fx_find(h, FX_POWER, POWER_ACTION_CYCLE) >= 0);
	assert_int_equal(bmc_sel_count(h->bmc), before + 1);
	h_sel(h, before, rec);
	assert_int_equal(rec[2], 0x02); /* system event */
	assert_int_equal(rec[7], BMC_OWNER_ID);
	assert_int_equal(rec[10], STYPE_WATCHDOG2);
	assert_int_equal(rec[11], WD_SENSOR_NUMBER);
	assert_int_equal(rec[12], READING_SENSOR_SPECIFIC); /* an assertion */
	assert_int_equal(rec[13] & 0x0f, 0x03); /* offset 3: power cycle */
	assert_int_equal(rec[14], INTR_NMI << 4 | USE_SMS_OS);
	assert_int_equal(rec[15], 0xff);

	/* Each action has its offset; no action is offset 0, "timer expired". */
	before = bmc_sel_count(h->bmc);
	run_out(h, USE_FRB2, ACT_NONE, 5);
	assert_int_equal(bmc_sel_count(h->bmc), before + 1);
	h_sel(h, before, rec);
	assert_int_equal(rec[13] & 0x0f, 0x00);
	assert_int_equal(rec[14], USE_FRB2);

	before = bmc_sel_count(h->bmc);
	run_out(h, USE_OEM, INTR_SMI << 4 | ACT_RESET, 5);
	h_sel(h, before, rec);
	assert_int_equal(rec[13] & 0x0f, 0x01);
	assert_int_equal(rec[14], INTR_SMI << 4 | USE_OEM);

	before = bmc_sel_count(h->bmc);
	run_out(h, USE_OS_LOAD, ACT_OFF, 5);
	h_sel(h, before, rec);
	assert_int_equal(rec[13] & 0x0f, 0x02);
	assert_int_equal(rec[14], USE_OS_LOAD);
}

static void
test_expiry_dont_log(void **state)
{
	struct harness *h = *state;
	size_t before;

	h_sensors_default(h);
	before = bmc_sel_count(h->bmc);
	run_out(h, DONT_LOG | USE_SMS_OS, ACT_RESET, 20);
	/* The action and the flag still happen; only the SEL entry is left out. */
	assert_true(h_fx_find(h, FX_POWER, POWER_ACTION_RESET) >= 0);
	assert_int_equal(bmc_sel_count(h->bmc), before);
	get_wd(h);
	assert_int_equal(rsp[1], DONT_LOG | USE_SMS_OS);
	assert_int_equal(rsp[4], 1u << USE_SMS_OS);
}

static void
test_expiry_without_sensor(void **state)
{
	struct harness *h = *state;
	size_t before = bmc_sel_count(h->bmc);

	/* No sensors loaded: no Watchdog 2 sensor to log through, but the timer still acts. */
	run_out(h, USE_SMS_OS, ACT_OFF, 20);
	assert_true(h_fx_find(h, FX_POWER, POWER_ACTION_OFF) >= 0);
	assert_int_equal(bmc_sel_count(h->bmc), before);
}

static void
test_clear_expiration_flags(void **state)
{
	struct harness *h = *state;

	run_out(h, USE_FRB2, ACT_NONE, 1);
	run_out(h, USE_SMS_OS, ACT_NONE, 1);
	run_out(h, USE_OEM, ACT_NONE, 1);
	get_wd(h);
	assert_int_equal(rsp[4], 1u << USE_FRB2 | 1u << USE_SMS_OS | 1u << USE_OEM);

	/* Flags survive a Set that clears none of them; reserved bits 0, 6, 7 clear nothing. */
	set_wd(h, USE_SMS_OS, ACT_NONE, 0, 0xc1, 10);
	get_wd(h);
	assert_int_equal(rsp[4], 1u << USE_FRB2 | 1u << USE_SMS_OS | 1u << USE_OEM);

	set_wd(h, USE_SMS_OS, ACT_NONE, 0, 1u << USE_SMS_OS | 1u << USE_POST, 10);
	get_wd(h);
	assert_int_equal(rsp[4], 1u << USE_FRB2 | 1u << USE_OEM);

	set_wd(h, USE_SMS_OS, ACT_NONE, 0, 0x3e, 10);
	get_wd(h);
	assert_int_equal(rsp[4], 0);
}

static void
test_dont_stop(void **state)
{
	struct harness *h = *state;

	/* Don't stop on a stopped timer: it stays stopped. */
	set_wd(h, DONT_STOP | USE_SMS_OS, ACT_RESET, 0, 0, 100);
	assert_false(running(h));
	tick(h, 20000);
	assert_false(running(h));
	assert_int_equal(power_fx_count(h), 0);

	/* Running, Set with don't stop: keeps running, counting the new settings from now. */
	reset_wd(h);
	tick(h, 4000);
	assert_int_equal(present(h), 60);
	set_wd(h, DONT_STOP | USE_OS_LOAD, ACT_OFF, 0, 0, 50);
	assert_true(running(h));
	assert_int_equal(rsp[1], RUNNING | USE_OS_LOAD);
	assert_int_equal(present(h), 50);
	tick(h, 4999);
	assert_true(running(h));
	tick(h, 1);
	assert_true(h_fx_find(h, FX_POWER, POWER_ACTION_OFF) >= 0);
	get_wd(h);
	assert_int_equal(rsp[4], 1u << USE_OS_LOAD); /* the new use expired */

	/* Running, Set without don't stop: stops. */
	reset_wd(h);
	tick(h, 1000);
	set_wd(h, USE_OS_LOAD, ACT_OFF, 0, 0, 50);
	assert_false(running(h));
	tick(h, 100000);
	assert_int_equal(power_fx_count(h), 0);
}

static void
test_pretimeout(void **state)
{
	struct harness *h = *state;
	const char *first;

	set_wd(h, USE_SMS_OS, INTR_NMI << 4 | ACT_RESET, 3, 0, 100);
	reset_wd(h);
	tick(h, 6999);
	assert_null(strstr(h->log, "pre-timeout"));
	tick(h, 1);
	first = strstr(h->log, "watchdog (SMS/OS) pre-timeout");
	assert_non_null(first);
	first += strlen("watchdog (SMS/OS) pre-timeout");
	assert_int_equal(power_fx_count(h), 0);
	tick(h, 1000);
	assert_null(strstr(first, "pre-timeout")); /* once */
	tick(h, 2000);
	assert_true(h_fx_find(h, FX_POWER, POWER_ACTION_RESET) >= 0);

	/* A reset re-arms it. */
	reset_wd(h);
	tick(h, 8000);
	assert_non_null(strstr(first, "pre-timeout"));
}

static void
test_kick(void **state)
{
	struct harness *h = *state;

	assert_int_equal(bmc_watchdog_kick(h->bmc, &h->now), -1);
	set_wd(h, USE_SMS_OS, ACT_CYCLE, 0, 0, 100);
	assert_false(running(h));
	/* The host's daemon starts it as Reset Watchdog Timer would, and keeps it from expiring. */
	assert_int_equal(bmc_watchdog_kick(h->bmc, &h->now), 0);
	assert_true(running(h));
	for (int i = 0; i < 10; i++) {
		tick(h, 9000);
		assert_int_equal(power_fx_count(h), 0);
		assert_int_equal(bmc_watchdog_kick(h->bmc, &h->now), 0);
	}
	tick(h, 10000);
	assert_true(h_fx_find(h, FX_POWER, POWER_ACTION_CYCLE) >= 0);
}

static void
test_host_restart(void **state)
{
	struct harness *h = *state;

	bmc_host_power_changed(h->bmc, &h->now, true, RESTART_POWER_BUTTON, &h->out);
	set_wd(h, USE_FRB2, ACT_RESET, 0, 0, 100);
	reset_wd(h);
	tick(h, 3000);
	/* A reset (on -> on) keeps the FRB2 timer counting. */
	bmc_host_power_changed(h->bmc, &h->now, true, RESTART_RESET_BUTTON, &h->out);
	assert_true(running(h));
	assert_int_equal(present(h), 70);
	/* A power-down stops it. */
	bmc_host_power_changed(h->bmc, &h->now, false, RESTART_UNKNOWN, &h->out);
	assert_false(running(h));
	tick(h, 100000);
	assert_int_equal(power_fx_count(h), 0);
}

static void
test_request_lengths(void **state)
{
	struct harness *h = *state;
	size_t n;

	n = CMD(h, PRIV_ADMIN, SET_WD, USE_SMS_OS, ACT_RESET, 0, 0, 100);
	EXPECT(n, CC_REQ_LEN);
	n = CMD(h, PRIV_ADMIN, SET_WD, USE_SMS_OS, ACT_RESET, 0, 0, LE16(100), 0);
	EXPECT(n, CC_REQ_LEN);
	n = CMD0(h, PRIV_ADMIN, SET_WD);
	EXPECT(n, CC_REQ_LEN);
	n = CMD(h, PRIV_ADMIN, RESET_WD, 0);
	EXPECT(n, CC_REQ_LEN);
	n = CMD(h, PRIV_ADMIN, GET_WD, 0);
	EXPECT(n, CC_REQ_LEN);
	/* None of them took effect. */
	n = CMD0(h, PRIV_ADMIN, RESET_WD);
	EXPECT(n, CC_UNINITIALIZED);
}

static void
test_privileges(void **state)
{
	struct harness *h = *state;
	size_t n;

	n = CMD(h, PRIV_USER, SET_WD, USE_SMS_OS, ACT_RESET, 0, 0, LE16(100));
	EXPECT(n, CC_INSUFFICIENT_PRIV);
	n = CMD(h, PRIV_OPERATOR, SET_WD, USE_SMS_OS, ACT_RESET, 0, 0, LE16(100));
	EXPECT(n, CC_OK);
	n = CMD0(h, PRIV_USER, RESET_WD);
	EXPECT(n, CC_INSUFFICIENT_PRIV);
	assert_false(running(h));
	n = CMD0(h, PRIV_OPERATOR, RESET_WD);
	EXPECT(n, CC_OK);
	n = CMD0(h, PRIV_CALLBACK, GET_WD);
	EXPECT(n, CC_INSUFFICIENT_PRIV);
	n = CMD0(h, PRIV_USER, GET_WD);
	assert_int_equal(rsp[0], CC_OK);
	n = CMD0(h, PRIV_ADMIN, GET_WD);
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(n, 9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_get_before_set, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_set_get_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_set_invalid_fields, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pretimeout_longer_than_countdown, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reset_before_set, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_countdown, setup, teardown),
	    cmocka_unit_test(test_expiry_actions),
	    cmocka_unit_test_setup_teardown(test_initial_zero_expires_next_tick, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_expiry_sel_event, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_expiry_dont_log, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_expiry_without_sensor, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_clear_expiration_flags, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dont_stop, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pretimeout, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_kick, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_host_restart, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_request_lengths, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_privileges, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
