/* The YAML configuration: every key, every kind of error with FILE:LINE, addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "core/ipmi.h"

static const char full[] =
    "state_dir: /tmp/gb\n"
    "listen: [\"127.0.0.1:6230\", \"[::1]:6231\"]\n"
    "admin_password_file: /etc/pw\n"
    "log_level: debug\n"
    "bmc:\n"
    "  name: node-1\n"
    "  system_guid: \"6f1c2a1e-3b4d-4e5f-9a8b-0c1d2e3f4a5b\"\n"
    "  mac: \"02:00:00:aa:bb:cc\"\n"
    "  cipher_suites: [3, 17, 16]\n"
    "  ipmi15_auth_types: [md5]\n"
    "  cipher_suite_privilege: operator\n"
    "  channel_privilege_limit: administrator\n"
    "  session_timeout: 30\n"
    "  max_sessions: 8\n"
    "  max_pending_sessions: 32\n"
    "  max_pending_per_source: 2\n"
    "  pending_timeout: 3\n"
    "  kg: \"4b4731372d67686f7374\"\n"
    "  min_password_length: 12\n"
    "  device: {device_id: 0x21, device_revision: 3, firmware: \"1.15\", manufacturer_id: 4242,"
    " product_id: 0x1234}\n"
    "users:\n"
    "  - name: admin\n"
    "    password_file: /etc/admin.pw\n"
    "    privilege: administrator\n"
    "  - {name: viewer, password: \"Viewer-Pass-1\", privilege: user, enabled: false}\n";

static void
test_every_key(void **state)
{
	struct config c;
	char err[1024];
	uint8_t guid[16];

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_load_string(&c, "t.yaml", full, sizeof(full) - 1, err, sizeof(err)), 0);
	assert_string_equal(c.state_dir, "/tmp/gb");
	assert_int_equal(c.nlisten, 2);
	assert_int_equal(c.listen[0].family, 4);
	assert_int_equal(c.listen[0].port, 6230);
	assert_int_equal(c.listen[1].family, 6);
	assert_int_equal(c.listen[1].port, 6231);
	assert_string_equal(c.admin_password_file, "/etc/pw");
	assert_int_equal(c.log_level, BMC_LOG_DEBUG);
	assert_string_equal(c.bmc.name, "node-1");
	bmc_guid_parse("6f1c2a1e-3b4d-4e5f-9a8b-0c1d2e3f4a5b", guid);
	assert_memory_equal(c.bmc.system_guid, guid, 16);
	assert_memory_equal(c.bmc.mac, "\x02\x00\x00\xaa\xbb\xcc", 6);
	assert_int_equal(c.bmc.suites_enabled, (1u << 3) | (1u << 17) | (1u << 16));
	assert_int_equal(c.bmc.ipmi15_auth_types, 1u << AUTHTYPE_MD5);
	assert_int_equal(c.bmc.suite_max_priv, PRIV_OPERATOR);
	assert_int_equal(c.bmc.session_timeout_ms, 30000);
	assert_int_equal(c.bmc.max_sessions, 8);
	assert_int_equal(c.bmc.max_pending, 32);
	assert_int_equal(c.bmc.max_pending_per_source, 2);
	assert_int_equal(c.bmc.pending_timeout_ms, 3000);
	assert_memory_equal(c.bmc.kg, "KG17-ghost\0\0\0\0\0\0\0\0\0\0", 20);
	assert_int_equal(c.bmc.min_password_len, 12);
	assert_int_equal(c.bmc.device_id, 0x21);
	assert_int_equal(c.bmc.fw_major, 1);
	assert_int_equal(c.bmc.fw_minor, 0x15);
	assert_int_equal(c.bmc.manufacturer_id, 4242);
	assert_int_equal(c.nusers, 2);
	assert_string_equal(c.users[0].password_file, "/etc/admin.pw");
	assert_int_equal(c.users[1].privilege, PRIV_USER);
	assert_true(c.users[1].has_inline_password);
	assert_false(c.users[1].enabled);
}

static void
expect_error(const char *text, const char *want)
{
	struct config c;
	char err[1024];

	config_defaults(&c);
	assert_int_equal(config_load_string(&c, "x.yaml", text, strlen(text), err, sizeof(err)), -1);
	if (strstr(err, want) == NULL)
		fail_msg("expected \"%s\" in \"%s\"", want, err);
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("bogus: 1\n", "x.yaml:1: unknown key \"bogus\"");
	expect_error(
	    "bmc:\n  cipher_suites: [0]\n", "x.yaml:2: cipher_suites: suite 0 has no authentication");
	expect_error("bmc:\n  cipher_suites: [5]\n", "suite 5 is not supported");
	expect_error("bmc:\n  max_sessions: 99\n", "x.yaml:2: max_sessions: expected a number from 1 to 63");
	expect_error("bmc:\n  kg: \"00ff\"\n", "kg: a key that is all zero or starts with a zero byte");
	expect_error("listen: nowhere:99999\n", "x.yaml:1: listen: \"nowhere:99999\" is not ADDRESS[:PORT]");
	expect_error("users:\n  - {name: a}\n", "user a: give exactly one of password_file and password");
	expect_error("users:\n  - {name: a, password: x, privilege: emperor}\n", "expected callback, user");
	expect_error("bmc:\n  system_guid: nope\n", "system_guid: expected a GUID");
	expect_error("bmc: [1, 2]\n", "bmc: expected a mapping");
	expect_error("key: [unclosed\n", "x.yaml:");
	/* Two errors, both reported. */
	{
		struct config c;
		char err[1024];
		const char *t = "bmc:\n  max_sessions: 0\n  pending_timeout: 99\n";
		config_defaults(&c);
		assert_int_equal(config_load_string(&c, "y.yaml", t, strlen(t), err, sizeof(err)), -1);
		assert_non_null(strstr(err, "y.yaml:2:"));
		assert_non_null(strstr(err, "y.yaml:3:"));
	}
}

/* Every prefix of a valid file parses or fails cleanly (no crash, no leak under ASan). */
static void
test_prefixes(void **state)
{
	size_t n;

	(void)state;
	for (n = 0; n < sizeof(full) - 1; n++) {
		struct config c;
		char err[256];
		config_defaults(&c);
		(void)config_load_string(&c, "p.yaml", full, n, err, sizeof(err));
	}
}

static void
test_addresses(void **state)
{
	struct bmc_addr a;
	char buf[64];

	(void)state;
	assert_int_equal(config_parse_addr("127.0.0.1", &a), 0);
	assert_int_equal(a.port, 623);
	assert_int_equal(config_parse_addr("0.0.0.0:6230", &a), 0);
	config_format_addr(&a, buf, sizeof(buf));
	assert_string_equal(buf, "0.0.0.0:6230");
	assert_int_equal(config_parse_addr("[::1]:623", &a), 0);
	assert_int_equal(a.family, 6);
	config_format_addr(&a, buf, sizeof(buf));
	assert_string_equal(buf, "[::1]:623");
	assert_int_equal(config_parse_addr("::1", &a), 0);
	assert_int_equal(a.port, 623);
	assert_int_equal(config_parse_addr("127.0.0.1:0", &a), -1);
	assert_int_equal(config_parse_addr("127.0.0.1:65536", &a), -1);
	assert_int_equal(config_parse_addr("localhost:623", &a), -1);
	assert_int_equal(config_parse_addr("[::1", &a), -1);
	assert_int_equal(config_parse_addr("", &a), -1);
	assert_int_equal(config_parse_priv("Administrator"), PRIV_ADMIN);
	assert_int_equal(config_parse_priv("admin"), PRIV_ADMIN);
	assert_int_equal(config_parse_priv("nobody"), 0);
	assert_string_equal(config_priv_name(PRIV_OPERATOR), "operator");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_key),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_prefixes),
	    cmocka_unit_test(test_addresses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
