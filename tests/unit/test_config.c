/* The YAML configuration: every key, every kind of error with FILE:LINE, addresses, host, sensors, sel, fru.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "core/fru.h"
#include "core/ipmi.h"
#include "core/sensor.h"
#include "host/sim.h"

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
    "  password_classes: 3\n"
    "  preauth_rate: 50\n"
    "  preauth_burst: 80\n"
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
	assert_int_equal(c.bmc.password_classes, 3);
	assert_int_equal(c.bmc.preauth_rate, 50);
	assert_int_equal(c.bmc.preauth_burst, 80);
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

/* Host and sensors with every key. */
static const char sensors_full[] =
    "host:\n"
    "  type: sim\n"
    "  power: off\n"
    "  load: 55\n"
    "  ambient: 30.5\n"
    "sensors:\n"
    "  define:\n"
    "    - name: GPU Temp\n"
    "      number: 0x50\n"
    "      type: temperature\n"
    "      entity: \"0x0b.2\"\n"
    "      unit: degrees-c\n"
    "      analog_format: twos-complement\n"
    "      m: 2\n"
    "      b: -3\n"
    "      b_exp: 1\n"
    "      r_exp: -1\n"
    "      tolerance: 3\n"
    "      accuracy: 100\n"
    "      accuracy_exp: 2\n"
    "      range_max: 20\n"
    "      thresholds: {lnr: -5, lcr: -2.5, lnc: 0, unc: 7, ucr: 8.5, unr: 9}\n"
    "      hysteresis: {positive: 2, negative: 3}\n"
    "      assert_mask: 0x0280\n"
    "      deassert_mask: 0x0281\n"
    "      reading_mask: 0x003f\n"
    "      nominal: 4.5\n"
    "      model: cpu-temp\n"
    "      index: 2\n"
    "      host_powered: true\n"
    "      noise: 0.05\n"
    "      value: 45\n"
    "      state: 0x0080\n"
    "    - {name: Door, number: 81, type: physical-security, model: intrusion}\n"
    "    - {name: Slot, number: 0x52, type: 0xc0, reading_type: 0x70, value: 1, state: 0x0003}\n";

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
	for (n = 0; n < sizeof(sensors_full) - 1; n++) {
		static struct config c;
		char err[256];
		config_defaults(&c);
		(void)config_load_string(&c, "p.yaml", sensors_full, n, err, sizeof(err));
	}
}

static const struct bmc_sensor_conf *
find(const struct config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nsensors; i++)
		if (strcmp(c->sensors[i].name, name) == 0)
			return &c->sensors[i];
	return NULL;
}

static void
load_ok(struct config *c, const char *text)
{
	char err[1024];

	config_defaults(c);
	if (config_load_string(c, "s.yaml", text, strlen(text), err, sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
}

/* No `sensors:` and no `host:`: the built-in server and the simulator's defaults. */
static void
test_sensor_defaults(void **state)
{
	static struct config c;
	static struct bmc_sensor_conf builtin[CONFIG_MAX_SENSORS];
	struct sim_params host;
	size_t n;

	(void)state;
	n = bmc_sensor_defaults(builtin, CONFIG_MAX_SENSORS);
	sim_params_defaults(&host);
	config_defaults(&c);
	assert_true(n > 0);
	assert_int_equal(c.nsensors, n);
	assert_memory_equal(c.sensors, builtin, n * sizeof(builtin[0]));
	assert_int_equal(c.noverrides, 0);
	assert_string_equal(c.sdr_import, "");
	assert_memory_equal(&c.host, &host, sizeof(host));
	load_ok(&c, "log_level: warn\n");
	assert_int_equal(c.nsensors, n);
	assert_memory_equal(c.sensors, builtin, n * sizeof(builtin[0]));
	/* An empty `sensors:` mapping is the built-in server too. */
	load_ok(&c, "sensors: {}\n");
	assert_int_equal(c.nsensors, n);
	assert_memory_equal(c.sensors, builtin, n * sizeof(builtin[0]));
	assert_non_null(find(&c, "CPU1 Temp"));
	assert_non_null(find(&c, "FAN1"));
}

/* A built-in sensor's name: only the keys given change. */
static void
test_sensor_merge(void **state)
{
	static struct config c, d;
	const struct bmc_sensor_conf *before, *fan, *fan2;

	(void)state;
	config_defaults(&d);
	before = find(&d, "FAN1");
	assert_non_null(before);
	assert_true(before->thr_mask & (1u << THR_LNR));
	load_ok(&c,
	    "sensors:\n"
	    "  define:\n"
	    "    - name: FAN1\n"
	    "      thresholds: {lcr: 1200, lnc: 1800, lnr: null}\n"
	    "    - name: fan2\n" /* names match without regard to case */
	    "      model: static\n"
	    "      value: 4200\n"
	    "      nominal: 5000\n");
	assert_int_equal(c.nsensors, d.nsensors);
	fan = find(&c, "FAN1");
	assert_non_null(fan);
	assert_int_equal(fan->number, before->number);
	assert_int_equal(fan->sensor_type, STYPE_FAN);
	assert_int_equal(fan->model.kind, MODEL_FAN);
	assert_int_equal(fan->m, before->m);
	assert_true(fan->thr[THR_LCR] == 1200);
	assert_true(fan->thr[THR_LNC] == 1800);
	assert_int_equal(fan->thr_mask, (1u << THR_LCR) | (1u << THR_LNC));
	/* The event masks follow the new thresholds: going low for LNC and LCR. */
	assert_int_equal(fan->assert_mask, 0x0005);
	assert_int_equal(fan->deassert_mask, 0x0005);
	fan2 = find(&c, "FAN2");
	assert_non_null(fan2);
	assert_int_equal(fan2->model.kind, MODEL_STATIC);
	assert_true(fan2->model.nominal == 4200);
	assert_true(fan2->has_nominal);
	assert_true(fan2->nominal_reading == 5000);
	assert_int_equal(fan2->thr_mask, find(&d, "FAN2")->thr_mask);
	/* Every define entry is an override, as merged. */
	assert_int_equal(c.noverrides, 2);
	assert_string_equal(c.overrides[0].name, "FAN1");
	assert_int_equal(c.overrides[0].thr_mask, (1u << THR_LCR) | (1u << THR_LNC));
	assert_string_equal(c.overrides[1].name, "FAN2");
	assert_int_equal(c.overrides[1].model.kind, MODEL_STATIC);
	/* A new type: the reading type and masks follow it unless given. */
	load_ok(&c, "sensors:\n  define:\n    - {name: FAN3, type: processor, model: cpu-status}\n");
	fan = find(&c, "FAN3");
	assert_int_equal(fan->sensor_type, STYPE_PROCESSOR);
	assert_int_equal(fan->reading_type, READING_SENSOR_SPECIFIC);
	assert_int_equal(fan->reading_mask, find(&d, "CPU1 Status")->reading_mask);
	assert_int_equal(fan->assert_mask, find(&d, "CPU1 Status")->assert_mask);
	/* The same type again changes nothing. */
	load_ok(&c, "sensors:\n  define:\n    - {name: FAN3, type: fan}\n");
	assert_memory_equal(find(&c, "FAN3"), find(&d, "FAN3"), sizeof(struct bmc_sensor_conf));
}

static void
test_sensor_remove(void **state)
{
	static struct config c, d;
	size_t i;

	(void)state;
	config_defaults(&d);
	load_ok(&c, "sensors:\n  remove: [\"CPU2 Temp\", \"CPU2 Status\"]\n");
	assert_int_equal(c.nsensors, d.nsensors - 2);
	assert_null(find(&c, "CPU2 Temp"));
	assert_null(find(&c, "CPU2 Status"));
	assert_non_null(find(&c, "CPU1 Temp"));
	/* The order of the others is kept. */
	for (i = 0; i + 1 < c.nsensors; i++)
		assert_true(c.sensors[i].number < c.sensors[i + 1].number);
	/* A single name; `define` before `remove` in the file still applies after it. */
	load_ok(&c,
	    "sensors:\n"
	    "  define:\n"
	    "    - {name: Intrusion, number: 0x44, type: physical-security, model: static}\n"
	    "  remove: intrusion\n");
	assert_int_equal(c.nsensors, d.nsensors);
	assert_int_equal(find(&c, "Intrusion")->model.kind, MODEL_STATIC);
	assert_string_equal(c.sensors[c.nsensors - 1].name, "Intrusion");
	/* builtin: false leaves only what is defined. */
	load_ok(&c,
	    "sensors:\n"
	    "  builtin: false\n"
	    "  define:\n"
	    "    - {name: Only, number: 1, type: voltage, range_max: 15, nominal: 12}\n");
	assert_int_equal(c.nsensors, 1);
	assert_string_equal(c.sensors[0].name, "Only");
	load_ok(&c, "sensors: {builtin: false}\n");
	assert_int_equal(c.nsensors, 0);
	load_ok(&c, "sensors:\n  remove:\n  define:\n");
	assert_int_equal(c.nsensors, d.nsensors);
}

/* A new sensor with every key, a discrete one with defaults, one with numbers for names. */
static void
test_sensor_new(void **state)
{
	static struct config c, d;
	const struct bmc_sensor_conf *s;

	(void)state;
	config_defaults(&d);
	load_ok(&c, sensors_full);
	assert_int_equal(c.nsensors, d.nsensors + 3);
	assert_int_equal(c.noverrides, 3);
	s = find(&c, "GPU Temp");
	assert_non_null(s);
	assert_int_equal(s->number, 0x50);
	assert_int_equal(s->sensor_type, STYPE_TEMPERATURE);
	assert_int_equal(s->reading_type, READING_THRESHOLD);
	assert_int_equal(s->entity_id, 0x0b);
	assert_int_equal(s->entity_instance, 2);
	assert_int_equal(s->base_unit, UNIT_DEGREES_C);
	assert_int_equal(s->analog_format, 2);
	assert_true(s->factors_set);
	assert_int_equal(s->m, 2);
	assert_int_equal(s->b, -3);
	assert_int_equal(s->b_exp, 1);
	assert_int_equal(s->r_exp, -1);
	assert_int_equal(s->tolerance, 3);
	assert_int_equal(s->accuracy, 100);
	assert_int_equal(s->accuracy_exp, 2);
	assert_true(s->range_max == 20);
	assert_int_equal(s->thr_mask, 0x3f);
	assert_true(s->thr[THR_LNR] == -5);
	assert_true(s->thr[THR_LCR] == -2.5);
	assert_true(s->thr[THR_LNC] == 0);
	assert_true(s->thr[THR_UNC] == 7);
	assert_true(s->thr[THR_UCR] == 8.5);
	assert_true(s->thr[THR_UNR] == 9);
	assert_int_equal(s->hyst_pos, 2);
	assert_int_equal(s->hyst_neg, 3);
	assert_int_equal(s->assert_mask, 0x0280);
	assert_int_equal(s->deassert_mask, 0x0281);
	assert_int_equal(s->reading_mask, 0x003f);
	assert_true(s->has_nominal);
	assert_true(s->nominal_reading == 4.5);
	assert_int_equal(s->model.kind, MODEL_CPU_TEMP);
	assert_int_equal(s->model.index, 2);
	assert_true(s->model.host_powered);
	assert_true(s->model.noise == 0.05);
	assert_true(s->model.nominal == 45);
	assert_int_equal(s->model.state, 0x0080);

	s = find(&c, "Door");
	assert_non_null(s);
	assert_int_equal(s->number, 81);
	assert_int_equal(s->sensor_type, STYPE_PHYSICAL_SECURITY);
	assert_int_equal(s->reading_type, READING_SENSOR_SPECIFIC);
	assert_int_equal(s->model.kind, MODEL_INTRUSION);
	assert_int_equal(s->entity_id, 0x07); /* filled in: system board */
	assert_true(s->reading_mask != 0); /* filled in from the type */

	s = find(&c, "Slot");
	assert_non_null(s);
	assert_int_equal(s->sensor_type, 0xc0);
	assert_int_equal(s->reading_type, 0x70);
	assert_int_equal(s->model.kind, MODEL_STATIC);
	assert_true(s->model.nominal == 1);
	assert_int_equal(s->model.state, 3);

	/* Factors left out are chosen; a given one fixes all four (m 1, the others 0). */
	load_ok(&c,
	    "sensors:\n"
	    "  define:\n"
	    "    - {name: A, number: 0x60, type: voltage, range_max: 15, thresholds: {ucr: 13.2}}\n"
	    "    - {name: B, number: 0x61, type: other, unit: watts, r_exp: 1}\n");
	s = find(&c, "A");
	assert_int_equal(s->base_unit, UNIT_VOLTS);
	assert_true(s->m != 0);
	assert_int_equal(s->assert_mask, 1u << 9); /* UCR going high */
	s = find(&c, "B");
	assert_true(s->factors_set);
	assert_int_equal(s->m, 1);
	assert_int_equal(s->b, 0);
	assert_int_equal(s->r_exp, 1);
	assert_int_equal(s->base_unit, UNIT_WATTS);
}

static void
test_host(void **state)
{
	static struct config c;

	(void)state;
	load_ok(&c, sensors_full);
	assert_false(c.host.power_on);
	assert_int_equal(c.host.load_pct, 55);
	assert_true(c.host.ambient_c == 30.5);
	load_ok(&c, "host: {power: true, load: 0, ambient: -40}\n");
	assert_true(c.host.power_on);
	assert_int_equal(c.host.load_pct, 0);
	assert_true(c.host.ambient_c == -40);
	load_ok(&c, "host: {type: sim, power: on, load: 100, ambient: 80}\n");
	assert_int_equal(c.host.load_pct, 100);
	assert_true(c.host.ambient_c == 80);
}

static void
test_sdr_import(void **state)
{
	static struct config c, d;

	(void)state;
	config_defaults(&d);
	load_ok(&c,
	    "sensors:\n"
	    "  define:\n"
	    "    - {name: \"Fan 7\", model: fan, index: 3}\n"
	    "    - {name: FAN1, model: static, value: 3000}\n"
	    "sdr_import: /var/lib/ghostbmc/r740.sdr\n");
	assert_string_equal(c.sdr_import, "/var/lib/ghostbmc/r740.sdr");
	/* A name neither built in nor complete is only an override for the dump. */
	assert_int_equal(c.noverrides, 2);
	assert_string_equal(c.overrides[0].name, "Fan 7");
	assert_int_equal(c.overrides[0].model.kind, MODEL_FAN);
	assert_int_equal(c.overrides[0].model.index, 3);
	assert_string_equal(c.overrides[1].name, "FAN1");
	assert_int_equal(c.overrides[1].number, find(&d, "FAN1")->number);
	assert_int_equal(c.overrides[1].model.kind, MODEL_STATIC);
	assert_int_equal(c.nsensors, d.nsensors);
	assert_null(find(&c, "Fan 7"));
}

static void
test_sensor_errors(void **state)
{
	(void)state;
	/* host */
	expect_error("host:\n  load: 101\n", "x.yaml:2: load: expected a number from 0 to 100, not \"101\"");
	expect_error("host:\n  load: -1\n", "x.yaml:2: load: expected a number from 0 to 100");
	expect_error(
	    "host:\n  ambient: 81\n", "x.yaml:2: ambient: expected a number from -40 to 80, not \"81\"");
	expect_error("host:\n  ambient: -40.5\n", "x.yaml:2: ambient: expected a number from -40 to 80");
	expect_error("host:\n  ambient: warm\n", "x.yaml:2: ambient: expected a number from -40 to 80");
	expect_error("host:\n  type: kvm\n", "x.yaml:2: type: expected sim");
	expect_error("host:\n  power: maybe\n", "x.yaml:2: power: expected on or off, not \"maybe\"");
	expect_error("host:\n  cpus: 2\n", "x.yaml:2: host: unknown key \"cpus\"");
	expect_error("host: sim\n", "x.yaml:1: host: expected a mapping");
	/* sensors */
	expect_error("sensors: [1]\n", "x.yaml:1: sensors: expected a mapping");
	expect_error("sensors:\n  add: []\n", "x.yaml:2: sensors: unknown key \"add\"");
	expect_error("sensors:\n  builtin: maybe\n", "x.yaml:2: builtin: expected true or false");
	expect_error("sensors:\n  remove: [\"CPU1 Temp\", \"CPU9 Temp\"]\n",
	    "x.yaml:2: remove: no built-in sensor is named \"CPU9 Temp\"");
	expect_error("sensors:\n  builtin: false\n  remove:\n    - FAN1\n",
	    "x.yaml:4: remove: no built-in sensor is named \"FAN1\" (builtin is false)");
	expect_error("sensors:\n  define: {name: X}\n", "x.yaml:2: define: expected a list of sensors");
	expect_error("sensors:\n  define:\n    - {number: 0x50, type: fan}\n",
	    "x.yaml:3: define: a sensor needs a name");
	expect_error("sensors:\n  define:\n    - name: \"Seventeen chars!!\"\n",
	    "x.yaml:3: name: 1 to 16 printable ASCII characters");
	expect_error("sensors:\n  define:\n    - name: \"tab\\there\"\n",
	    "x.yaml:3: name: 1 to 16 printable ASCII characters");
	expect_error("sensors:\n  define:\n    - name: \"\"\n", "x.yaml:3: name: 1 to 16 printable ASCII");
	expect_error("sensors:\n  define:\n    - name: X\n      number: 0x50\n      type: bogus\n",
	    "x.yaml:5: type: expected temperature, voltage, current, fan");
	expect_error("sensors:\n  define:\n    - {name: X, number: 0x50, type: 256}\n",
	    "x.yaml:3: type: expected temperature");
	expect_error("sensors:\n  define:\n    - name: FAN1\n      colour: red\n",
	    "x.yaml:4: sensor \"FAN1\": unknown key \"colour\"");
	expect_error("sensors:\n  define:\n    - name: FAN1\n      thresholds: {lcr: 1, ucx: 2}\n",
	    "x.yaml:4: thresholds: unknown key \"ucx\"");
	expect_error("sensors:\n  define:\n    - name: FAN1\n      thresholds: {lcr: low}\n",
	    "x.yaml:4: lcr: expected a number, not \"low\"");
	expect_error("sensors:\n  define:\n    - name: FAN1\n      hysteresis: {up: 1}\n",
	    "x.yaml:4: hysteresis: unknown key \"up\"");
	expect_error("sensors:\n  define:\n    - {name: GPU Temp, number: 0x30, type: temperature}\n",
	    "x.yaml:3: sensor \"GPU Temp\": number 0x30 is also used by \"PSU1 Power In\" (built in)");
	expect_error("sensors:\n  define:\n"
	             "    - {name: A, number: 0x50, type: fan}\n"
	             "    - {name: B, number: 0x50, type: fan}\n",
	    "x.yaml:4: sensor \"B\": number 0x50 is also used by \"A\" (line 3)");
	expect_error("sensors:\n  define:\n    - {name: FAN1, number: 0x21}\n",
	    "x.yaml:3: sensor \"FAN1\": number 0x21 is also used by \"FAN2\" (built in)");
	expect_error("sensors:\n  define:\n    - {name: X, number: 255, type: fan}\n",
	    "x.yaml:3: number: expected a number from 0 to 254");
	expect_error("sensors:\n  define:\n    - {name: FAN1}\n    - {name: fan1}\n",
	    "x.yaml:4: sensor \"fan1\": defined twice");
	expect_error("sensors:\n  define:\n    - name: GPU Temp\n      type: temperature\n",
	    "x.yaml:3: sensor \"GPU Temp\": a new sensor (no built-in one has this name) needs a number");
	expect_error("sensors:\n  define:\n    - {name: GPU Temp}\n", "needs a number and a type");
	expect_error("sensors:\n  define:\n    - {name: GPU Temp, number: 0x50}\n", "needs a type");
	expect_error("sensors:\n  define:\n    - {name: X, number: 0x50, type: fan, entity: 3}\n",
	    "x.yaml:3: entity: expected ID.INSTANCE such as 3.1 (ID 0-255, instance 0-127), not \"3\"");
	expect_error("sensors:\n  define:\n    - {name: X, number: 0x50, type: fan, entity: \"3.128\"}\n",
	    "x.yaml:3: entity: expected ID.INSTANCE");
	expect_error("sensors:\n  define:\n    - {name: X, number: 0x50, type: fan, entity: \"256.1\"}\n",
	    "x.yaml:3: entity: expected ID.INSTANCE");
	expect_error("sensors:\n  define:\n    - {name: X, number: 0x50, type: fan, entity: \"3.\"}\n",
	    "x.yaml:3: entity: expected ID.INSTANCE");
	expect_error("sensors:\n  define:\n    - {name: FAN1, model: turbine}\n",
	    "x.yaml:3: model: expected static, cpu-temp, dimm-temp");
	expect_error("sensors:\n  define:\n    - {name: FAN1, unit: furlongs}\n",
	    "x.yaml:3: unit: expected degrees-c, volts, amps, watts, rpm, none or a number from 0 to 255");
	expect_error("sensors:\n  define:\n    - {name: FAN1, analog_format: signed}\n",
	    "x.yaml:3: analog_format: expected unsigned, ones-complement, twos-complement, not");
	expect_error("sensors:\n  define:\n    - {name: FAN1, reading_type: 0x80}\n",
	    "x.yaml:3: reading_type: expected threshold, sensor-specific or a number from 0 to 127");
	expect_error("sensors:\n  define:\n    - {name: FAN1, m: 512}\n",
	    "x.yaml:3: m: expected a whole number from -512 to 511");
	expect_error("sensors:\n  define:\n    - {name: FAN1, r_exp: -9}\n",
	    "x.yaml:3: r_exp: expected a whole number from -8 to 7");
	expect_error("sensors:\n  define:\n    - {name: FAN1, tolerance: 64}\n",
	    "x.yaml:3: tolerance: expected a number from 0 to 63");
	expect_error("sensors:\n  define:\n    - {name: FAN1, assert_mask: 0x8000}\n",
	    "x.yaml:3: assert_mask: expected a number from 0 to 32767");
	expect_error("sensors:\n  define:\n    - {name: FAN1, index: 0}\n",
	    "x.yaml:3: index: expected a number from 1 to 16");
	expect_error("sensors:\n  define:\n    - {name: FAN1, noise: -0.1}\n",
	    "x.yaml:3: noise: expected a number of at least 0");
	expect_error(
	    "sensors:\n  define:\n    - {name: FAN1, value: .nan}\n", "x.yaml:3: value: expected a number");
	expect_error("sensors:\n  define:\n    - {name: FAN1, host_powered: 2}\n",
	    "x.yaml:3: host_powered: expected true or false");
	/* bmc_sensor_conf_fill's verdict, with the line of the sensor's name. */
	expect_error("sensors:\n  define:\n"
	             "    - name: Hot\n"
	             "      number: 0x50\n"
	             "      type: temperature\n"
	             "      m: 1\n"
	             "      thresholds: {ucr: 1000}\n",
	    "x.yaml:3: sensor \"Hot\": threshold 1000 lies outside");
	/* Several errors in one run. */
	{
		struct config c;
		char err[1024];
		const char *t = "host: {load: 200}\n"
		                "sensors:\n"
		                "  define:\n"
		                "    - {name: FAN1, colour: red}\n"
		                "    - {name: New, number: 0x20, type: fan}\n";
		config_defaults(&c);
		assert_int_equal(config_load_string(&c, "y.yaml", t, strlen(t), err, sizeof(err)), -1);
		assert_non_null(strstr(err, "y.yaml:1: load:"));
		assert_non_null(strstr(err, "y.yaml:4: sensor \"FAN1\": unknown key"));
		assert_non_null(
		    strstr(err, "y.yaml:5: sensor \"New\": number 0x20 is also used by \"FAN1\""));
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

/* ---- sel and fru ---- */

/* No `sel:` and no `fru:`: 1024 entries that stop when full; FRU 0 of the built-in server, no serials. */
static void
test_sel_fru_defaults(void **state)
{
	static struct config c;
	static const uint8_t zero[16];
	struct bmc_fru_conf d;
	const struct bmc_fru_conf *f;

	(void)state;
	config_defaults(&c);
	assert_int_equal(c.bmc.sel_capacity, 1024);
	assert_int_equal(c.bmc.sel_when_full, BMC_SEL_STOP);
	assert_int_equal(c.nfrus, 1);
	f = &c.frus[0];
	assert_int_equal(f->id, 0);
	assert_string_equal(f->chassis_serial, "");
	assert_string_equal(f->board_serial, "");
	assert_string_equal(f->product_serial, "");
	/* Everything else is bmc_fru_defaults(). */
	bmc_fru_defaults(&d, zero);
	d.chassis_serial[0] = d.board_serial[0] = d.product_serial[0] = '\0';
	assert_memory_equal(f, &d, sizeof(d));
	assert_true(f->chassis && f->board && f->product);
	load_ok(&c, "log_level: warn\n");
	assert_int_equal(c.nfrus, 1);
	assert_int_equal(c.bmc.sel_capacity, 1024);
	/* `fru: []` (or no value) leaves no FRU devices. */
	load_ok(&c, "fru: []\n");
	assert_int_equal(c.nfrus, 0);
	load_ok(&c, "fru:\n");
	assert_int_equal(c.nfrus, 0);
}

static void
test_sel(void **state)
{
	static struct config c;

	(void)state;
	load_ok(&c, "sel:\n  capacity: 16\n  when_full: overwrite\n");
	assert_int_equal(c.bmc.sel_capacity, 16);
	assert_int_equal(c.bmc.sel_when_full, BMC_SEL_OVERWRITE);
	load_ok(&c, "sel: {capacity: 0x4000, when_full: stop}\n");
	assert_int_equal(c.bmc.sel_capacity, 16384);
	assert_int_equal(c.bmc.sel_when_full, BMC_SEL_STOP);
	load_ok(&c, "sel: {when_full: overwrite}\n");
	assert_int_equal(c.bmc.sel_capacity, 1024);
	assert_int_equal(c.bmc.sel_when_full, BMC_SEL_OVERWRITE);
	load_ok(&c, "sel: {}\n");
	assert_int_equal(c.bmc.sel_capacity, 1024);

	expect_error(
	    "sel:\n  capacity: 15\n", "x.yaml:2: capacity: expected a number from 16 to 16384, not \"15\"");
	expect_error("sel:\n  capacity: 16385\n", "x.yaml:2: capacity: expected a number from 16 to 16384");
	expect_error("sel:\n  capacity: -1\n", "x.yaml:2: capacity: expected a number from 16 to 16384");
	expect_error("sel:\n  capacity: lots\n", "x.yaml:2: capacity: expected a number");
	expect_error(
	    "sel:\n  when_full: wrap\n", "x.yaml:2: when_full: expected stop, overwrite, not \"wrap\"");
	expect_error("sel:\n  size: 10\n", "x.yaml:2: sel: unknown key \"size\"");
	expect_error("sel: 1024\n", "x.yaml:1: sel: expected a mapping");
}

static const char fru_full[] = "fru:\n"
                               "  - id: 0\n"
                               "    name: \"System FRU\"\n"
                               "    size: 512\n"
                               "    write_protect: true\n"
                               "    chassis:\n"
                               "      type: main-server\n"
                               "      part: \"CH-PART-1\"\n"
                               "      serial: \"CH-SN-1\"\n"
                               "    board:\n"
                               "      manufacturer: \"Acme\"\n"
                               "      product: \"Acme Board\"\n"
                               "      serial: \"MB-SN-1\"\n"
                               "      part: \"MB-PART-1\"\n"
                               "      mfg_date: \"2025-01-15 08:00\"\n"
                               "    product:\n"
                               "      manufacturer: \"Acme Corp\"\n"
                               "      name: \"Acme Server\"\n"
                               "      part: \"SV-PART-1\"\n"
                               "      version: \"2.1\"\n"
                               "      serial: \"SV-SN-1\"\n"
                               "      asset_tag: \"ASSET-42\"\n"
                               "    multirecords:\n"
                               "      - type: 0xc0\n"
                               "        data: \"0a0B0c\"\n"
                               "      - {type: 1, data: \"\"}\n"
                               "  - id: 7\n"
                               "    board: {serial: x}\n"
                               "  - {id: 254, name: \"PSU 1\", product: {name: PSU}}\n";

static void
test_fru_full(void **state)
{
	static struct config c;
	const struct bmc_fru_conf *f;
	uint8_t img[BMC_FRU_MAX_SIZE];
	char msg[200];

	(void)state;
	load_ok(&c, fru_full);
	assert_int_equal(c.nfrus, 3);
	f = &c.frus[0];
	assert_int_equal(f->id, 0);
	assert_string_equal(f->name, "System FRU");
	assert_int_equal(f->size, 512);
	assert_true(f->write_protect);
	assert_true(f->chassis);
	assert_int_equal(f->chassis_type, 0x11);
	assert_string_equal(f->chassis_part, "CH-PART-1");
	assert_string_equal(f->chassis_serial, "CH-SN-1");
	assert_true(f->board);
	assert_string_equal(f->board_mfg, "Acme");
	assert_string_equal(f->board_product, "Acme Board");
	assert_string_equal(f->board_serial, "MB-SN-1");
	assert_string_equal(f->board_part, "MB-PART-1");
	assert_int_equal(f->board_mfg_date, 1736928000);
	assert_true(f->product);
	assert_string_equal(f->product_mfg, "Acme Corp");
	assert_string_equal(f->product_name, "Acme Server");
	assert_string_equal(f->product_part, "SV-PART-1");
	assert_string_equal(f->product_version, "2.1");
	assert_string_equal(f->product_serial, "SV-SN-1");
	assert_string_equal(f->product_asset_tag, "ASSET-42");
	assert_int_equal(f->nmultirecords, 2);
	assert_int_equal(f->multirecord[0].type, 0xc0);
	assert_int_equal(f->multirecord[0].len, 3);
	assert_memory_equal(f->multirecord[0].data, "\x0a\x0b\x0c", 3);
	assert_int_equal(f->multirecord[1].type, 1);
	assert_int_equal(f->multirecord[1].len, 0);
	assert_int_equal(bmc_fru_build(f, img, sizeof(img), msg, sizeof(msg)), 512);

	/* Keys left out: name "FRU <id>", size 0, writable, only the areas given. */
	f = &c.frus[1];
	assert_int_equal(f->id, 7);
	assert_string_equal(f->name, "FRU 7");
	assert_int_equal(f->size, 0);
	assert_false(f->write_protect);
	assert_false(f->chassis);
	assert_true(f->board);
	assert_false(f->product);
	assert_string_equal(f->board_serial, "x");
	assert_string_equal(f->board_mfg, "");
	assert_int_equal(f->board_mfg_date, 0);
	assert_int_equal(f->nmultirecords, 0);
	assert_int_equal(bmc_fru_build(f, img, sizeof(img), msg, sizeof(msg)), 256);
	f = &c.frus[2];
	assert_int_equal(f->id, 254);
	assert_string_equal(f->name, "PSU 1");
	assert_true(f->product);
	assert_false(f->board);
	assert_string_equal(f->product_name, "PSU");

	/* A written FRU 0 keeps its empty serials empty: the daemon fills them. */
	load_ok(&c, "fru:\n  - {id: 0, board: {manufacturer: Acme}, chassis: {}}\n");
	assert_int_equal(c.nfrus, 1);
	assert_true(c.frus[0].chassis);
	assert_int_equal(c.frus[0].chassis_type, 0x17);
	assert_string_equal(c.frus[0].board_serial, "");
	/* null areas are left out */
	load_ok(&c, "fru:\n  - {id: 3, chassis: null, board: ~, product: {name: X}}\n");
	assert_false(c.frus[0].chassis);
	assert_false(c.frus[0].board);
	assert_true(c.frus[0].product);
}

static void
test_fru_chassis_types(void **state)
{
	static const struct {
		const char *text;
		uint8_t type;
	} t[] = {
	    {"rack-mount", 0x17},
	    {"main-server", 0x11},
	    {"tower", 0x07},
	    {"blade", 0x1c},
	    {"other", 0x01},
	    {"0x7f", 0x7f},
	    {"1", 0x01},
	    {"3", 0x03},
	};
	static struct config c;
	char text[200];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(text, sizeof(text), "fru:\n  - id: 1\n    chassis:\n      type: %s\n", t[i].text);
		load_ok(&c, text);
		assert_int_equal(c.frus[0].chassis_type, t[i].type);
	}
	expect_error("fru:\n  - id: 1\n    chassis:\n      type: 0\n",
	    "x.yaml:4: fru 1: chassis.type: expected rack-mount, main-server, tower, blade, other or an "
	    "SMBIOS chassis type from 1 to 0x7f, not \"0\"");
	expect_error("fru:\n  - id: 1\n    chassis:\n      type: 0x80\n",
	    "x.yaml:4: fru 1: chassis.type: expected rack-mount");
	expect_error("fru:\n  - id: 1\n    chassis:\n      type: box\n", "not \"box\"");
	expect_error(
	    "fru:\n  - id: 1\n    chassis:\n      type: Rack-Mount\n", "x.yaml:4: fru 1: chassis.type");
}

static void
test_fru_dates(void **state)
{
	static const struct {
		const char *text;
		int64_t t;
	} ok[] = {
	    {"2025-01-15", 1736899200},
	    {"\"2025-01-15 08:00\"", 1736928000},
	    {"2025-01-15 08:00", 1736928000},
	    {"1996-01-01", 820454400},
	    {"2024-02-29 23:59", 1709251140},
	    {"2000-02-29", 951782400},
	    {"2027-11-24 20:15", 1827087300},
	    {"null", 0},
	};
	static const char *const bad_format[] = {
	    "2025-1-15",
	    "2025-01-15T08:00",
	    "2025-01-15 8:00",
	    "2025-01-15 08:00:00",
	    "2025-13-01",
	    "2025-00-10",
	    "2025-02-30",
	    "2023-02-29",
	    "2100-02-29",
	    "2025-04-31",
	    "2025-01-15 24:00",
	    "2025-01-15 23:60",
	    "15.01.2025",
	    "1736928000",
	};
	static struct config c;
	char text[200], want[200];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text), "fru:\n  - id: 2\n    board:\n      mfg_date: %s\n", ok[i].text);
		load_ok(&c, text);
		assert_int_equal(c.frus[0].board_mfg_date, ok[i].t);
	}
	for (i = 0; i < sizeof(bad_format) / sizeof(bad_format[0]); i++) {
		snprintf(text, sizeof(text), "fru:\n  - id: 2\n    board:\n      mfg_date: \"%s\"\n",
		    bad_format[i]);
		snprintf(want, sizeof(want),
		    "x.yaml:4: fru 2: board.mfg_date: expected \"YYYY-MM-DD\" or \"YYYY-MM-DD HH:MM\" (UTC), "
		    "not \"%s\"",
		    bad_format[i]);
		expect_error(text, want);
	}
	expect_error("fru:\n  - id: 2\n    board:\n      mfg_date: 1995-12-31 23:59\n",
	    "x.yaml:4: fru 2: board.mfg_date: FRU dates run from 1996-01-01 00:00 to 2027-11-24 20:15, "
	    "not \"1995-12-31 23:59\"");
	expect_error("fru:\n  - id: 2\n    board:\n      mfg_date: 1970-01-01\n",
	    "x.yaml:4: fru 2: board.mfg_date: FRU dates run from 1996-01-01");
	expect_error("fru:\n  - id: 2\n    board:\n      mfg_date: 2027-11-24 20:16\n",
	    "x.yaml:4: fru 2: board.mfg_date: FRU dates run from 1996-01-01 00:00 to 2027-11-24 20:15");
}

static void
test_fru_errors(void **state)
{
	char text[1400], s63[64], s64[65], hex[600];
	static struct config c;

	(void)state;
	/* strings */
	memset(s63, 'a', 63);
	s63[63] = '\0';
	memset(s64, 'b', 64);
	s64[64] = '\0';
	snprintf(text, sizeof(text), "fru:\n  - id: 0\n    board:\n      serial: \"%s\"\n", s63);
	load_ok(&c, text);
	assert_string_equal(c.frus[0].board_serial, s63);
	snprintf(text, sizeof(text), "fru:\n  - id: 0\n    board:\n      serial: \"%s\"\n", s64);
	expect_error(text, "x.yaml:4: fru 0: board.serial: 64 characters is too long (at most 63)");
	snprintf(
	    text, sizeof(text), "fru:\n  - id: 5\n    product:\n      name: ok\n      asset_tag: %s\n", s64);
	expect_error(text, "x.yaml:5: fru 5: product.asset_tag: 64 characters is too long (at most 63)");
	snprintf(text, sizeof(text), "fru:\n  - id: 5\n    chassis: {part: %s}\n", s64);
	expect_error(text, "x.yaml:3: fru 5: chassis.part: 64 characters is too long");
	expect_error("fru:\n  - id: 1\n    board:\n      part: \"a\\tb\"\n",
	    "x.yaml:4: fru 1: board.part: only printable ASCII characters are allowed");
	expect_error("fru:\n  - id: 1\n    board:\n      part: [a, b]\n",
	    "x.yaml:4: fru 1: board.part: expected a single value");
	expect_error("fru:\n  - id: 1\n    name: \"\"\n", "x.yaml:3: fru 1: name: 1 to 16 printable ASCII");
	expect_error("fru:\n  - id: 1\n    name: \"seventeen chars xx\"\n",
	    "x.yaml:3: fru 1: name: 1 to 16 printable ASCII characters");

	/* ids */
	expect_error("fru:\n  - id: 1\n    name: A\n  - name: B\n    id: 1\n",
	    "x.yaml:5: fru 1: the ID is also used by the entry on line 2");
	expect_error("fru:\n  - {name: A}\n", "x.yaml:2: fru: an entry needs an id (0-254)");
	expect_error(
	    "fru:\n  - {id: 255}\n", "x.yaml:2: fru: id: expected a number from 0 to 254, not \"255\"");
	expect_error("fru:\n  - {id: -1}\n", "x.yaml:2: fru: id: expected a number from 0 to 254");
	expect_error("fru:\n  - 3\n", "x.yaml:2: fru: each FRU device is a mapping with an id");
	expect_error("fru: {id: 0}\n", "x.yaml:1: fru: expected a list of FRU devices");
	expect_error("fru:\n  - {id: 0}\n  - {id: 1}\n  - {id: 2}\n  - {id: 3}\n  - {id: 4}\n  - {id: 5}\n"
	             "  - {id: 6}\n  - {id: 7}\n  - {id: 8}\n",
	    "x.yaml:10: fru: at most 8 FRU devices");

	/* unknown keys, everywhere */
	expect_error("fru:\n  - id: 1\n    colour: red\n",
	    "x.yaml:3: fru 1: unknown key \"colour\" (id, name, size, write_protect, chassis, board, "
	    "product, "
	    "multirecords)");
	expect_error("fru:\n  - id: 1\n    chassis:\n      model: x\n",
	    "x.yaml:4: fru 1: chassis: unknown key \"model\" (type, part, serial)");
	expect_error("fru:\n  - id: 1\n    board:\n      name: x\n",
	    "x.yaml:4: fru 1: board: unknown key \"name\" (mfg_date, manufacturer, product, serial, part)");
	expect_error("fru:\n  - id: 1\n    product:\n      mfg_date: 2025-01-01\n",
	    "x.yaml:4: fru 1: product: unknown key \"mfg_date\" (manufacturer, name, part, version, serial, "
	    "asset_tag)");
	expect_error("fru:\n  - id: 1\n    multirecords:\n      - {type: 1, data: \"00\", len: 1}\n",
	    "x.yaml:4: fru 1: multirecord 1: unknown key \"len\" (type, data)");
	expect_error("fru:\n  - id: 1\n    board: yes\n", "x.yaml:3: fru 1: board: expected a mapping");

	/* other values */
	expect_error(
	    "fru:\n  - id: 1\n    size: 4097\n", "x.yaml:3: fru 1: size: expected a number from 0 to 4096");
	expect_error("fru:\n  - id: 1\n    size: 7\n",
	    "x.yaml:3: fru 1: size: 0 (as needed) or 8 to 4096 bytes, not 7");
	expect_error("fru:\n  - id: 1\n    write_protect: maybe\n",
	    "x.yaml:3: fru 1: write_protect: expected true or false, not \"maybe\"");

	/* multirecords */
	expect_error("fru:\n  - id: 1\n    multirecords:\n      - {type: 0xc0, data: \"abc\"}\n",
	    "x.yaml:4: fru 1: multirecord 1: data: expected an even number of hex digits");
	expect_error("fru:\n  - id: 1\n    multirecords:\n      - {type: 0xc0, data: \"00\"}\n"
	             "      - {type: 0xc1, data: \"zz\"}\n",
	    "x.yaml:5: fru 1: multirecord 2: data: expected an even number of hex digits");
	expect_error("fru:\n  - id: 1\n    multirecords:\n      - {type: 0xc0, data: \"0x0a\"}\n",
	    "x.yaml:4: fru 1: multirecord 1: data: expected an even number of hex digits");
	expect_error("fru:\n  - id: 1\n    multirecords:\n      - {type: 256, data: \"00\"}\n",
	    "x.yaml:4: fru 1: multirecord 1: type: expected a number from 0 to 255, not \"256\"");
	expect_error("fru:\n  - id: 1\n    multirecords:\n      - {data: \"00\"}\n",
	    "x.yaml:4: fru 1: multirecord 1: a record needs a type (0-255)");
	expect_error("fru:\n  - id: 1\n    multirecords:\n      - 5\n",
	    "fru 1: multirecord 1: expected a mapping with type and data");
	expect_error("fru:\n  - id: 1\n    multirecords: {type: 1}\n",
	    "x.yaml:3: fru 1: multirecords: expected a list");
	expect_error("fru:\n  - id: 1\n    multirecords:\n      - {type: 1}\n      - {type: 2}\n"
	             "      - {type: 3}\n      - {type: 4}\n      - {type: 5}\n",
	    "x.yaml:8: fru 1: multirecords: at most 4 records");
	memset(hex, 'a', 510);
	hex[510] = '\0';
	snprintf(
	    text, sizeof(text), "fru:\n  - id: 1\n    multirecords:\n      - {type: 1, data: \"%s\"}\n", hex);
	load_ok(&c, text);
	assert_int_equal(c.frus[0].multirecord[0].len, 255);
	assert_int_equal(c.frus[0].multirecord[0].data[254], 0xaa);
	memcpy(hex + 510, "bb", 3);
	snprintf(
	    text, sizeof(text), "fru:\n  - id: 1\n    multirecords:\n      - {type: 1, data: \"%s\"}\n", hex);
	expect_error(text, "x.yaml:4: fru 1: multirecord 1: data: 256 bytes is too long (at most 255)");

	/* bmc_fru_build: a size too small for the areas, at the line of the id */
	expect_error(
	    "fru:\n  - name: Small\n    id: 1\n    size: 16\n    product: {name: \"A product name\"}\n",
	    "x.yaml:3: fru 1: size 16 is too small");
	/* 24 bytes hold an empty board area, but not FRU 0's with the serial the daemon adds. */
	load_ok(&c, "fru:\n  - {id: 1, size: 24, board: {}}\n");
	assert_int_equal(c.frus[0].size, 24);
	expect_error("fru:\n  - {id: 0, size: 24, board: {}}\n", "x.yaml:2: fru 0: size 24 is too small");
	load_ok(&c, "fru:\n  - {id: 0, size: 24, board: {serial: S1}}\n");

	/* Errors in two entries: both reported. */
	{
		char err[1024];
		const char *t = "fru:\n  - {id: 1, size: 3}\n  - {id: 2, name: \"\"}\n";
		config_defaults(&c);
		assert_int_equal(config_load_string(&c, "y.yaml", t, strlen(t), err, sizeof(err)), -1);
		assert_non_null(strstr(err, "y.yaml:2: fru 1: size"));
		assert_non_null(strstr(err, "y.yaml:3: fru 2: name"));
	}
}

/* Every prefix of the fru example parses or fails cleanly. */
static void
test_fru_prefixes(void **state)
{
	size_t n;

	(void)state;
	for (n = 0; n < sizeof(fru_full) - 1; n++) {
		static struct config c;
		char err[256];
		config_defaults(&c);
		(void)config_load_string(&c, "p.yaml", fru_full, n, err, sizeof(err));
	}
}

static void
test_fleet(void **state)
{
	static const char yaml[] = "listen: 127.0.0.1:6230\n"
	                           "fleet:\n"
	                           "  count: 300\n"
	                           "  name: \"n%03u\"\n"
	                           "  first: 0\n"
	                           "  listen: 127.0.1.250:623\n"
	                           "  overrides:\n"
	                           "    n007: {listen: \"127.9.9.9:1623\", power: off}\n";
	struct config c;
	struct config_fleet_member m;
	char err[512], text[37];

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_load_string(&c, "f.yaml", yaml, sizeof(yaml) - 1, err, sizeof(err)), 0);
	assert_int_equal(c.fleet.count, 300);
	assert_int_equal(config_fleet_check(&c, err, sizeof(err)), 0);
	/* addresses carry into the next octet */
	assert_int_equal(config_fleet_member(&c, 0, &m, err, sizeof(err)), 0);
	assert_string_equal(m.name, "n000");
	assert_memory_equal(m.listen.ip, ((uint8_t[]){127, 0, 1, 250}), 4);
	assert_int_equal(config_fleet_member(&c, 10, &m, err, sizeof(err)), 0);
	assert_memory_equal(m.listen.ip, ((uint8_t[]){127, 0, 2, 4}), 4);
	assert_int_equal(m.listen.port, 623);
	bmc_guid_format(m.system_guid, text);
	assert_string_equal(text + 24, "000000000010");
	assert_true(m.power_on);
	/* the override */
	assert_int_equal(config_fleet_member(&c, 7, &m, err, sizeof(err)), 0);
	assert_memory_equal(m.listen.ip, ((uint8_t[]){127, 9, 9, 9}), 4);
	assert_int_equal(m.listen.port, 1623);
	assert_false(m.power_on);
	assert_int_equal(config_fleet_member(&c, 300, &m, err, sizeof(err)), -1);

	/* a range that runs off the end of IPv4, a port step past 65535, an unknown override */
	c.fleet.base.ip[0] = 255;
	c.fleet.base.ip[1] = 255;
	c.fleet.base.ip[2] = 255;
	assert_int_equal(config_fleet_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "past the end"));
	config_defaults(&c);
	assert_int_equal(
	    config_load_string(&c, "f.yaml", "fleet: {count: 10, listen: \"127.0.0.1:65530\", step: port}\n",
	        strlen("fleet: {count: 10, listen: \"127.0.0.1:65530\", step: port}\n"), err, sizeof(err)),
	    0);
	assert_int_equal(config_fleet_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "port"));
	config_defaults(&c);
	assert_int_equal(
	    config_load_string(&c, "f.yaml",
	        "fleet: {count: 2, listen: \"127.0.0.1:6000\", overrides: {x: {power: on}}}\n",
	        strlen("fleet: {count: 2, listen: \"127.0.0.1:6000\", overrides: {x: {power: on}}}\n"), err,
	        sizeof(err)),
	    0);
	assert_int_equal(config_fleet_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no member is called x"));
	/* bad patterns and counts */
	config_defaults(&c);
	assert_int_equal(config_load_string(&c, "f.yaml", "fleet: {count: 2, name: \"node%s\"}\n",
	                     strlen("fleet: {count: 2, name: \"node%s\"}\n"), err, sizeof(err)),
	    -1);
	assert_int_equal(config_load_string(&c, "f.yaml", "fleet: {count: 0}\n",
	                     strlen("fleet: {count: 0}\n"), err, sizeof(err)),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fleet),
	    cmocka_unit_test(test_every_key),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_prefixes),
	    cmocka_unit_test(test_addresses),
	    cmocka_unit_test(test_sensor_defaults),
	    cmocka_unit_test(test_sensor_merge),
	    cmocka_unit_test(test_sensor_remove),
	    cmocka_unit_test(test_sensor_new),
	    cmocka_unit_test(test_host),
	    cmocka_unit_test(test_sdr_import),
	    cmocka_unit_test(test_sensor_errors),
	    cmocka_unit_test(test_sel_fru_defaults),
	    cmocka_unit_test(test_sel),
	    cmocka_unit_test(test_fru_full),
	    cmocka_unit_test(test_fru_chassis_types),
	    cmocka_unit_test(test_fru_dates),
	    cmocka_unit_test(test_fru_errors),
	    cmocka_unit_test(test_fru_prefixes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
