/* LAN configuration parameters (CHECKLIST 18). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "harness.h"

static uint8_t rsp[64];

static size_t
get(struct harness *h, uint8_t param)
{
	return h_cmd(h, PRIV_OPERATOR, NETFN_TRANSPORT, 0x02, (const uint8_t[]){0x01, param, 0, 0}, 4, rsp,
	    sizeof(rsp));
}

static uint8_t
set(struct harness *h, uint8_t param, const uint8_t *d, size_t n)
{
	uint8_t rq[40] = {0x01, param};

	memcpy(rq + 2, d, n);
	h_cmd(h, PRIV_ADMIN, NETFN_TRANSPORT, 0x01, rq, n + 2, rsp, sizeof(rsp));
	return rsp[0];
}

static struct harness *
setup(void)
{
	struct bmc_conf conf;

	bmc_conf_defaults(&conf);
	conf.lan_addr = (struct bmc_addr){4, {127, 0, 0, 1}, 6230};
	return h_new(&conf);
}

static void
test_derived_values(void **state)
{
	struct harness *h = setup();

	(void)state;
	assert_int_equal(get(h, 3), 6);
	assert_memory_equal(rsp + 1, "\x11\x7f\x00\x00\x01", 5);
	assert_int_equal(get(h, 6), 6);
	assert_memory_equal(rsp + 2, "\xff\x00\x00\x00", 4);
	assert_int_equal(get(h, 8), 4);
	assert_int_equal(rsp[2] | rsp[3] << 8, 6230);
	assert_int_equal(get(h, 5), 8);
	assert_int_equal(rsp[2], 0x02); /* locally administered MAC */
	assert_int_equal(get(h, 1), 3);
	assert_int_equal(rsp[2], 0x00); /* no IPMI 1.5 auth types */
	/* revision only */
	assert_int_equal(h_cmd(h, PRIV_OPERATOR, NETFN_TRANSPORT, 0x02, (const uint8_t[]){0x81, 3, 0, 0}, 4,
	                     rsp, sizeof(rsp)),
	    2);
	assert_int_equal(get(h, 0x50), 1);
	assert_int_equal(rsp[0], CC_PARAM_UNSUPPORTED);
	h_free(h);
}

static void
test_cipher_params(void **state)
{
	struct harness *h = setup();
	uint8_t nib[9] = {0};

	(void)state;
	assert_int_equal(get(h, 22), 3);
	assert_int_equal(rsp[2], 6);
	assert_int_equal(get(h, 23), 2 + 1 + 6);
	assert_memory_equal(rsp + 3, "\x11\x01\x02\x03\x0f\x10", 6);
	/* Entry 0 (suite 17) and entry 3 (suite 3) at administrator, the rest unused. */
	assert_int_equal(get(h, 24), 2 + 9);
	assert_memory_equal(rsp + 2, "\x00\x04\x40\x00\x00\x00\x00\x00\x00", 9);
	/* Enable suite 1 (entry 1) at user: it becomes usable, and the change is persisted. */
	memcpy(nib, "\x00\x24\x40", 3);
	assert_int_equal(set(h, 24, nib, 9), CC_OK);
	assert_int_equal(h->out.fx[0].arg, BMC_PARAM_LAN_CIPHER_PRIV);
	assert_int_equal(params_suite_priv(h->bmc, 1), PRIV_USER);
	assert_non_null(strstr(h->log, "no integrity"));
	nib[1] = 0x74;
	assert_int_equal(set(h, 24, nib, 9), CC_INVALID_FIELD);
	assert_int_equal(params_suite_priv(h->bmc, 1), PRIV_USER);
	h_free(h);
}

static void
test_set_rules(void **state)
{
	struct harness *h = setup();

	(void)state;
	assert_int_equal(set(h, 3, (const uint8_t *)"\x0a\x00\x00\x05", 4), CC_OK);
	assert_int_equal(h->out.fx[0].arg, BMC_PARAM_LAN_IP);
	get(h, 3);
	assert_memory_equal(rsp + 2, "\x0a\x00\x00\x05", 4);
	assert_int_equal(set(h, 3, (const uint8_t *)"\x0a\x00\x00", 3), CC_REQ_LEN);
	assert_int_equal(set(h, 5, (const uint8_t *)"\x00\x00\x00\x00\x00\x00", 6), CC_PARAM_READ_ONLY);
	assert_int_equal(set(h, 23, (const uint8_t *)"\x00", 1), CC_PARAM_READ_ONLY);
	assert_int_equal(set(h, 0x50, (const uint8_t *)"\x00", 1), CC_PARAM_UNSUPPORTED);
	/* 1.5 is off: auth type enables can only be zero. */
	assert_int_equal(set(h, 2, (const uint8_t *)"\x04\x00\x00\x00\x00", 5), CC_INVALID_FIELD);
	assert_int_equal(set(h, 2, (const uint8_t *)"\x00\x00\x00\x00\x00", 5), CC_OK);
	/* Bad password threshold: 6 bytes, persisted, used by the lockout. */
	assert_int_equal(set(h, 26, (const uint8_t *)"\x01\x03\x01\x00\x02\x00", 6), CC_OK);
	assert_int_equal(h->out.fx[0].arg, BMC_PARAM_LAN_BAD_PASSWORD);
	get(h, 26);
	assert_memory_equal(rsp + 2, "\x01\x03\x01\x00\x02\x00", 6);
	/* VLAN: enabled needs an ID. */
	assert_int_equal(set(h, 20, (const uint8_t *)"\x00\x80", 2), CC_INVALID_FIELD);
	assert_int_equal(set(h, 20, (const uint8_t *)"\x64\x80", 2), CC_OK);
	/* Privilege: Set needs ADMIN, Get OPERATOR. */
	h_cmd(h, PRIV_OPERATOR, NETFN_TRANSPORT, 0x01, (const uint8_t[]){1, 4, 1}, 3, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INSUFFICIENT_PRIV);
	h_cmd(h, PRIV_USER, NETFN_TRANSPORT, 0x02, (const uint8_t[]){1, 3, 0, 0}, 4, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INSUFFICIENT_PRIV);
	h_free(h);
}

static void
test_set_in_progress(void **state)
{
	struct harness *h = setup();

	(void)state;
	assert_int_equal(set(h, 0, (const uint8_t *)"\x01", 1), CC_OK);
	assert_int_equal(set(h, 0, (const uint8_t *)"\x01", 1), CC_SET_IN_PROGRESS);
	get(h, 0);
	assert_int_equal(rsp[2], 1);
	/* A client that died mid-set does not lock the others out for long. */
	h->now.mono_ms += 60000;
	bmc_tick(h->bmc, &h->now, &h->out);
	get(h, 0);
	assert_int_equal(rsp[2], 0);
	assert_int_equal(set(h, 0, (const uint8_t *)"\x01", 1), CC_OK);
	assert_int_equal(set(h, 0, (const uint8_t *)"\x02", 1), CC_OK);
	get(h, 0);
	assert_int_equal(rsp[2], 0);
	assert_int_equal(set(h, 0, (const uint8_t *)"\x03", 1), CC_INVALID_FIELD);
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_derived_values),
	    cmocka_unit_test(test_cipher_params),
	    cmocka_unit_test(test_set_rules),
	    cmocka_unit_test(test_set_in_progress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
