/* App commands: byte layouts against the spec and CHECKLIST 2, 3, 11, 20. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "harness.h"
#include "core/chassis.h"

#define CMD(h, priv, cmd, ...)                                                                               \
	h_cmd(h, priv, NETFN_APP, cmd, (const uint8_t[]){__VA_ARGS__},                                       \
	    sizeof((const uint8_t[]){__VA_ARGS__}), rsp, sizeof(rsp))

static void
test_device_id_and_guids(void **state)
{
	struct bmc_conf conf;
	struct harness *h;
	uint8_t rsp[64], want[16];
	char text[37];
	size_t n;

	(void)state;
	bmc_conf_defaults(&conf);
	conf.manufacturer_id = 0x12345;
	assert_int_equal(bmc_guid_parse("a1234567-89ab-4def-a123-456789abcdef", conf.system_guid), 0);
	h = h_new(&conf);
	n = h_cmd(h, PRIV_USER, NETFN_APP, 0x01, NULL, 0, rsp, sizeof(rsp));
	assert_int_equal(n, 16);
	assert_int_equal(rsp[1], 0x20);
	assert_int_equal(rsp[2] & 0x80, 0); /* uses the SDR repository, not device SDRs */
	assert_int_equal(rsp[3] & 0x80, 0); /* available */
	assert_int_equal(rsp[5], 0x02);
	assert_int_equal(rsp[7], 0x45);
	assert_int_equal(rsp[8], 0x23);
	assert_int_equal(rsp[9], 0x01);
	assert_int_equal(rsp[10] | rsp[11] << 8, GHOSTBMC_PRODUCT_ID);
	/* The wire order is the text's bytes reversed. */
	n = h_cmd(h, PRIV_NONE, NETFN_APP, 0x37, NULL, 0, rsp, sizeof(rsp));
	assert_int_equal(n, 17);
	for (size_t i = 0; i < 16; i++)
		want[i] = ((const uint8_t[]){0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0xa1, 0xef, 0x4d, 0xab,
		    0x89, 0x67, 0x45, 0x23, 0xa1})[i];
	assert_memory_equal(rsp + 1, want, 16);
	bmc_guid_format(rsp + 1, text);
	assert_string_equal(text, "a1234567-89ab-4def-a123-456789abcdef");
	n = h_cmd(h, PRIV_USER, NETFN_APP, 0x08, NULL, 0, rsp, sizeof(rsp));
	assert_memory_equal(rsp + 1, want, 16);
	assert_int_equal(bmc_guid_parse("a1234567-89ab-4def-a123-456789abcde", want), -1);
	assert_int_equal(bmc_guid_parse("a1234567x89ab-4def-a123-456789abcdef", want), -1);
	assert_int_equal(bmc_guid_parse("a1234567-89ab-4def-a123-456789abcdefa", want), -1);
	assert_int_equal(bmc_guid_parse("g1234567-89ab-4def-a123-456789abcdef", want), -1);
	h_free(h);
}

static void
test_basics(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t rsp[64];

	(void)state;
	assert_int_equal(h_cmd(h, PRIV_USER, NETFN_APP, 0x04, NULL, 0, rsp, sizeof(rsp)), 3);
	assert_int_equal(rsp[1], 0x55);
	/* The system interface's queues: flags 0, nothing to read. */
	assert_int_equal(h_cmd(h, PRIV_USER, NETFN_APP, 0x31, NULL, 0, rsp, sizeof(rsp)), 2);
	assert_int_equal(rsp[0] | rsp[1], 0);
	assert_int_equal(h_cmd(h, PRIV_USER, NETFN_APP, 0x33, NULL, 0, rsp, sizeof(rsp)), 1);
	assert_int_equal(rsp[0], 0x80);
	assert_int_equal(h_cmd(h, PRIV_USER, NETFN_APP, 0x35, NULL, 0, rsp, sizeof(rsp)), 1);
	assert_int_equal(rsp[0], 0x80);
	assert_int_equal(
	    h_cmd(h, PRIV_USER, NETFN_APP, 0x30, (const uint8_t[]){0xff}, 1, rsp, sizeof(rsp)), 1);
	assert_int_equal(rsp[0], CC_OK);
	/* No host has reported power yet: S5/G2 soft-off, D3; once on: S0/G0, D0. */
	assert_int_equal(h_cmd(h, PRIV_USER, NETFN_APP, 0x07, NULL, 0, rsp, sizeof(rsp)), 3);
	assert_int_equal(rsp[1], 0x05);
	assert_int_equal(rsp[2], 0x03);
	bmc_host_power_changed(h->bmc, &h->now, true, 0, &h->out);
	assert_int_equal(h_cmd(h, PRIV_USER, NETFN_APP, 0x07, NULL, 0, rsp, sizeof(rsp)), 3);
	assert_int_equal(rsp[1] | rsp[2], 0);
	CMD(h, PRIV_ADMIN, 0x2e, 0x0c);
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(h->out.fx[0].arg, BMC_PARAM_GLOBAL_ENABLES);
	CMD(h, PRIV_ADMIN, 0x2e, 0x10);
	assert_int_equal(rsp[0], CC_INVALID_FIELD);
	h_cmd(h, PRIV_USER, NETFN_APP, 0x2f, NULL, 0, rsp, sizeof(rsp));
	assert_int_equal(rsp[1], 0x0c);
	h_cmd(h, PRIV_ADMIN, NETFN_APP, 0x02, NULL, 0, rsp, sizeof(rsp));
	assert_int_equal(h->out.fx[0].kind, FX_RESET_BMC);
	assert_int_equal(h->out.fx[0].arg, 0);
	h_cmd(h, PRIV_ADMIN, NETFN_APP, 0x03, NULL, 0, rsp, sizeof(rsp));
	assert_int_equal(h->out.fx[0].arg, 1);
	h_free(h);
}

static void
test_channel_info_and_access(void **state)
{
	struct harness *h = h_new(NULL);
	const uint8_t lan[] = {0x00, 0x01, 0x04, 0x01, 0x80, 0xf2, 0x1b, 0x00, 0x00, 0x00};
	uint8_t rsp[64];

	(void)state;
	assert_int_equal(CMD(h, PRIV_USER, 0x42, 0x01), sizeof(lan));
	assert_memory_equal(rsp, lan, sizeof(lan));
	assert_int_equal(CMD(h, PRIV_USER, 0x42, 0x0e), sizeof(lan));
	CMD(h, PRIV_USER, 0x42, 0x02);
	assert_int_equal(rsp[0], CC_INVALID_FIELD);
	CMD(h, PRIV_USER, 0x41, 0x01, 0x40);
	assert_int_equal(rsp[1], 0x22);
	assert_int_equal(rsp[2], PRIV_ADMIN);
	CMD(h, PRIV_USER, 0x41, 0x01, 0x00);
	assert_int_equal(rsp[0], CC_INVALID_FIELD);
	/* Lower the volatile limit only: non-volatile unchanged, nothing persisted. */
	CMD(h, PRIV_ADMIN, 0x40, 0x01, 0x00, 0x83);
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(h->out.nfx, 0);
	CMD(h, PRIV_USER, 0x41, 0x01, 0x80);
	assert_int_equal(rsp[2], PRIV_OPERATOR);
	CMD(h, PRIV_USER, 0x41, 0x01, 0x40);
	assert_int_equal(rsp[2], PRIV_ADMIN);
	/* Turning per-message authentication off is refused. */
	CMD(h, PRIV_ADMIN, 0x40, 0x01, 0x52, 0x00);
	assert_int_equal(rsp[0], CC_INVALID_FIELD);
	CMD(h, PRIV_ADMIN, 0x40, 0x01, 0x62, 0x44);
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(h->out.fx[0].arg, BMC_PARAM_CHANNEL_ACCESS);
	h_free(h);
}

static void
test_cipher_suites(void **state)
{
	struct bmc_conf conf;
	struct harness *h = h_new(NULL);
	const uint8_t dflt[] = {0x00, 0x01, 0xc0, 0x03, 0x01, 0x41, 0x81, 0xc0, 0x11, 0x03, 0x44, 0x81};
	const uint8_t all[] = {0xc0, 0x01, 0x01, 0x40, 0x80, 0xc0, 0x02, 0x01, 0x41, 0x80, 0xc0, 0x03, 0x01,
	    0x41, 0x81, 0xc0, 0x0f, 0x03, 0x40, 0x80, 0xc0, 0x10, 0x03, 0x44, 0x80, 0xc0, 0x11, 0x03, 0x44,
	    0x81};
	uint8_t rsp[64];

	(void)state;
	assert_int_equal(CMD(h, PRIV_NONE, 0x54, 0x0e, 0x00, 0x80), sizeof(dflt));
	assert_memory_equal(rsp, dflt, sizeof(dflt));
	assert_int_equal(CMD(h, PRIV_NONE, 0x54, 0x0e, 0x00, 0x81), 2);
	/* By algorithm: each algorithm once (01 03 41 44 81). */
	assert_int_equal(CMD(h, PRIV_NONE, 0x54, 0x0e, 0x00, 0x00), 2 + 5);
	CMD(h, PRIV_NONE, 0x54, 0x0e, 0x02, 0x80);
	assert_int_equal(rsp[0], CC_INVALID_FIELD);
	h_free(h);

	bmc_conf_defaults(&conf);
	conf.suites_enabled = BMC_SUITE_SUPPORTED_MASK;
	h = h_new(&conf);
	assert_int_equal(CMD(h, PRIV_NONE, 0x54, 0x0e, 0x00, 0x80), 2 + 16);
	assert_memory_equal(rsp + 2, all, 16);
	assert_int_equal(CMD(h, PRIV_NONE, 0x54, 0x0e, 0x00, 0x81), 2 + 14);
	assert_memory_equal(rsp + 2, all + 16, 14);
	assert_int_equal(CMD(h, PRIV_NONE, 0x54, 0x0e, 0x00, 0x82), 2);
	h_free(h);
}

static void
test_security_keys(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t rsp[64], rq[23] = {0x01, 0x01, 0x01, 'K', 'G', '-', 'k', 'e', 'y'};

	(void)state;
	CMD(h, PRIV_NONE, 0x38, 0x8e, 0x04);
	assert_int_equal(rsp[3] & 0x20, 0);
	assert_int_equal(h_cmd(h, PRIV_ADMIN, NETFN_APP, 0x56, rq, 23, rsp, sizeof(rsp)), 2);
	assert_int_equal(h->out.fx[0].arg, BMC_PARAM_KG);
	CMD(h, PRIV_ADMIN, 0x56, 0x01, 0x00, 0x01);
	assert_memory_equal(rsp + 2, rq + 3, 20);
	CMD(h, PRIV_NONE, 0x38, 0x8e, 0x04);
	assert_int_equal(rsp[3] & 0x20, 0x20);
	h_cmd(h, PRIV_ADMIN, NETFN_APP, 0x56, rq, 22, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], 0x81);
	rq[1] = 0x01;
	rq[2] = 0x00;
	h_cmd(h, PRIV_ADMIN, NETFN_APP, 0x56, rq, 23, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INVALID_FIELD); /* K_R cannot be set */
	h_free(h);
}

static void
test_system_info(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t rsp[64];

	(void)state;
	assert_int_equal(CMD(h, PRIV_USER, 0x59, 0x00, 0x02, 0x00, 0x00), 1 + 1 + 1 + 16);
	assert_int_equal(rsp[1], 0x11);
	assert_int_equal(rsp[3], 0x00);
	assert_int_equal(rsp[4], 4);
	assert_memory_equal(rsp + 5, "bmc0", 4);
	assert_int_equal(CMD(h, PRIV_USER, 0x59, 0x80, 0x02, 0x00, 0x00), 2);
	CMD(h, PRIV_USER, 0x59, 0x00, 0x07, 0x00, 0x00);
	assert_int_equal(rsp[0], 0x80);
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_device_id_and_guids),
	    cmocka_unit_test(test_basics),
	    cmocka_unit_test(test_channel_info_and_access),
	    cmocka_unit_test(test_cipher_suites),
	    cmocka_unit_test(test_security_keys),
	    cmocka_unit_test(test_system_info),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
