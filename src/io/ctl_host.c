/*
 * Control requests about the governed host and its sensors: list and pin
 * readings, power and load of the simulated server, injected faults, and
 * the SDR import that clones a real machine's sensor layout.  Every change
 * is sampled at once, so its events are in the SEL before "ok" is sent.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/chassis.h"
#include "core/sensor.h"
#include "io/ctl_int.h"
#include "io/host.h"
#include "io/hostif.h"
#include "io/lan.h"
#include "io/log.h"

static int
find(struct ctl_conn *c, struct instance *inst, const char *name)
{
	int i = bmc_sensor_find(inst->bmc, name);

	if (i < 0)
		ctl_reply_error(c, "no sensor \"%s\" (ghostbmc sensor list shows them)", name);
	return i;
}

static void
format_reading(const struct bmc_sensor_info *in, char *buf, size_t len)
{
	if (!in->available)
		snprintf(buf, len, "na");
	else if (in->threshold)
		snprintf(buf, len, "%.3f", in->value);
	else
		snprintf(buf, len, "0x%04x", in->state);
}

static void
format_model(const struct bmc_sensor_model *m, char *buf, size_t len)
{
	if (m->kind == MODEL_STATIC || m->index == 0)
		snprintf(buf, len, "%s", bmc_model_name(m->kind));
	else
		snprintf(buf, len, "%s:%u", bmc_model_name(m->kind), m->index);
}

static int
sensor_list(struct ctl_conn *c, struct instance *inst)
{
	size_t i, n = bmc_sensor_count(inst->bmc);

	ctl_reply(c, "%-16s | %-4s | %-10s | %-10s | %-6s | %-6s | %-14s | %s\n", "NAME", "NUM", "READING",
	    "UNIT", "STATUS", "STEP", "MODEL", "NOTE");
	for (i = 0; i < n; i++) {
		struct bmc_sensor_info in;
		char reading[32], model[32], step[16];

		(void)bmc_sensor_info(inst->bmc, i, &in);
		format_reading(&in, reading, sizeof(reading));
		format_model(&in.model, model, sizeof(model));
		if (in.threshold)
			snprintf(step, sizeof(step), "%g", in.step);
		else
			snprintf(step, sizeof(step), "-");
		ctl_reply(c, "%-16s | 0x%02x | %-10s | %-10s | %-6s | %-6s | %-14s | %s\n", in.name,
		    in.number, reading, in.threshold ? bmc_unit_name(in.base_unit) : "discrete",
		    bmc_sensor_status_word(&in), step, model, in.pinned ? "pinned" : "");
	}
	return 0;
}

static int
sensor_show(struct ctl_conn *c, struct instance *inst, const char *name)
{
	static const char *const thr_name[THR_COUNT] = {"lnc", "lcr", "lnr", "unc", "ucr", "unr"};
	struct bmc_sensor_info in;
	char buf[32];
	int i, k;

	if ((i = find(c, inst, name)) < 0)
		return -1;
	(void)bmc_sensor_info(inst->bmc, (size_t)i, &in);
	ctl_reply(c, "name: %s\n", in.name);
	ctl_reply(c, "number: 0x%02x\n", in.number);
	ctl_reply(c, "sensor type: 0x%02x\n", in.sensor_type);
	ctl_reply(c, "reading type: 0x%02x\n", in.reading_type);
	format_reading(&in, buf, sizeof(buf));
	ctl_reply(c, "reading: %s%s%s\n", buf, in.threshold && in.available ? " " : "",
	    in.threshold && in.available ? bmc_unit_name(in.base_unit) : "");
	if (in.threshold && in.available)
		ctl_reply(c, "raw: 0x%02x (step %g)\n", in.raw, in.step);
	ctl_reply(c, "status: %s\n", bmc_sensor_status_word(&in));
	for (k = 0; k < THR_COUNT && in.threshold; k++)
		if (in.thr_mask & (1u << k))
			ctl_reply(c, "%s: %.3f\n", thr_name[k], in.thr[k]);
	format_model(&in.model, buf, sizeof(buf));
	ctl_reply(c, "model: %s%s\n", buf, in.model.host_powered ? " (host powered)" : "");
	ctl_reply(c, "pinned: %s\n", in.pinned ? "yes" : "no");
	return 0;
}

/* Run a core call that may raise events, and carry out its effects. */
static void
commit_out(struct instance *inst)
{
	if (inst->out.nfx > 0)
		(void)instance_commit(inst, inst->out.fx, inst->out.nfx);
}

static int
sensor_set(struct ctl_conn *c, struct instance *inst, const char *name, const char *text)
{
	struct bmc_sensor_info in;
	struct bmc_time now;
	double v = 0;
	unsigned long st = 0;
	char *end;
	int i;

	if ((i = find(c, inst, name)) < 0)
		return -1;
	(void)bmc_sensor_info(inst->bmc, (size_t)i, &in);
	errno = 0;
	if (in.threshold) {
		v = strtod(text, &end);
		if (errno != 0 || end == text || *end != '\0' || !isfinite(v))
			return ctl_reply_error(c, "\"%s\" is not a number", text);
		/* Half a step of slack: the nearest raw count is what gets pinned. */
		if (v < in.lowest - in.step / 2 || v > in.highest + in.step / 2)
			return ctl_reply_error(c, "%s can read %g..%g %s; %s is out of range", in.name,
			    in.lowest, in.highest, bmc_unit_name(in.base_unit), text);
	} else {
		bool hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
		st = strtoul(hex ? text + 2 : text, &end, hex ? 16 : 10);
		if (text[hex ? 2 : 0] == '-' || text[hex ? 2 : 0] == '+' || text[hex ? 2 : 0] == ' ')
			end = (char *)(uintptr_t)text;
		if (errno != 0 || end == text || *end != '\0' || st > 0x7fff)
			return ctl_reply_error(c, "\"%s\" is not a state mask (0x0000..0x7fff)", text);
	}
	instance_now(inst, &now);
	bmc_out_reset(&inst->out);
	if (bmc_sensor_pin(inst->bmc, &now, (size_t)i, v, (uint16_t)st, &inst->out) != 0)
		return ctl_reply_error(c, "cannot pin \"%s\"", in.name);
	commit_out(inst);
	(void)bmc_sensor_info(inst->bmc, (size_t)i, &in);
	if (in.threshold)
		ctl_reply(c, "%s pinned at %.3f %s (raw 0x%02x), status %s\n", in.name, in.value,
		    bmc_unit_name(in.base_unit), in.raw, bmc_sensor_status_word(&in));
	else
		ctl_reply(c, "%s pinned at state 0x%04x\n", in.name, in.state);
	log_info("%s: sensor \"%s\" pinned at %s", inst->name, in.name, text);
	return 0;
}

/* Undo the simulated fault behind a sensor's model, if it has one. */
static void
clear_fault(struct instance *inst, const struct bmc_sensor_model *m)
{
	switch (m->kind) {
	case MODEL_FAN:
		(void)sim_fan_fail(inst->sim, m->index, false);
		break;
	case MODEL_PSU_STATUS:
	case MODEL_POWER_IN:
	case MODEL_CURRENT_IN:
		(void)sim_psu_fail(inst->sim, m->index, false);
		break;
	case MODEL_INTRUSION:
		sim_intrusion(inst->sim, false);
		break;
	default:
		break;
	}
}

static int
sensor_release(struct ctl_conn *c, struct instance *inst, const char *name)
{
	struct bmc_sensor_info in;
	int i;

	if ((i = find(c, inst, name)) < 0)
		return -1;
	(void)bmc_sensor_release(inst->bmc, (size_t)i);
	inst->fault_pinned[i / 8] &= (uint8_t) ~(1u << (i % 8));
	clear_fault(inst, bmc_sensor_get_model(inst->bmc, (size_t)i));
	host_sample(inst);
	(void)bmc_sensor_info(inst->bmc, (size_t)i, &in);
	ctl_reply(c, "%s released\n", in.name);
	log_info("%s: sensor \"%s\" released", inst->name, in.name);
	return 0;
}

/* The operator at the machine: the power button, through the chassis like any other request. */
static int
ctl_host_power(struct ctl_conn *c, struct instance *inst, const char *what)
{
	static const struct {
		const char *word;
		uint8_t action, cause;
	} acts[] = {
	    {"on", POWER_ACTION_ON, RESTART_POWER_BUTTON},
	    {"off", POWER_ACTION_OFF, RESTART_UNKNOWN},
	    {"cycle", POWER_ACTION_CYCLE, RESTART_POWER_BUTTON},
	    {"reset", POWER_ACTION_RESET, RESTART_RESET_BUTTON},
	    {"soft", POWER_ACTION_SOFT, RESTART_UNKNOWN},
	    {"nmi", POWER_ACTION_DIAG, RESTART_UNKNOWN},
	};
	size_t i;

	for (i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
		if (strcmp(what, acts[i].word) == 0)
			break;
	if (i == sizeof(acts) / sizeof(acts[0]))
		return ctl_reply_error(
		    c, "host power: \"%s\" is not on, off, cycle, reset, soft or nmi", what);
	bmc_out_reset(&inst->out);
	bmc_chassis_request(inst->bmc, acts[i].action, acts[i].cause, &inst->out);
	if (instance_commit(inst, inst->out.fx, inst->out.nfx) == -1)
		return ctl_reply_error(c, "host power: not saved");
	instance_after(inst, &inst->out);
	ctl_reply(c, "host power %s\n", what);
	log_info("%s: host power %s (operator)", inst->name, what);
	return 0;
}

static int
host_hang(struct ctl_conn *c, struct instance *inst)
{
	struct bmc_chassis_info ci;
	struct bmc_time now;

	/* The OS's last act: its watchdog daemon's last kick, just before it stopped. */
	instance_now(inst, &now);
	bmc_chassis_info(inst->bmc, &now, &ci);
	if (ci.watchdog_running && sim_os_alive(inst->sim))
		(void)bmc_watchdog_kick(inst->bmc, &now);
	if (sim_hang(inst->sim) == -1)
		return ctl_reply_error(
		    c, "host hang: the host's OS is not running (%s)", sim_phase_name(sim_phase(inst->sim)));
	ctl_reply(c, "host OS hung: its watchdog daemon has stopped\n");
	log_info("%s: host OS hung (operator)", inst->name);
	return 0;
}

/* The console log, all of it (printable as it came; NULs dropped so the answer stays text). */
static int
host_console(struct ctl_conn *c, struct instance *inst)
{
	size_t cap = inst->console.cap, n, i, o = 0;
	uint8_t *buf;

	console_pump(inst);
	if ((buf = malloc(cap + 1)) == NULL)
		return ctl_reply_error(c, "out of memory");
	n = console_tail(inst, buf, cap);
	for (i = 0; i < n; i++)
		if (buf[i] != '\0')
			buf[o++] = buf[i];
	buf[o] = '\0';
	ctl_reply(c, "%s\n", (char *)buf);
	free(buf);
	return 0;
}

static int
host_load(struct ctl_conn *c, struct instance *inst, const char *text)
{
	unsigned long pct;
	char *end;

	errno = 0;
	pct = strtoul(text, &end, 10);
	if (errno != 0 || !isdigit((unsigned char)text[0]) || (*end != '\0' && strcmp(end, "%") != 0) ||
	    pct > 100)
		return ctl_reply_error(c, "host load: \"%s\" is not a percentage 0..100", text);
	(void)sim_set_load(inst->sim, (unsigned)pct);
	host_sample(inst);
	ctl_reply(c, "host load %lu%%\n", pct);
	return 0;
}

static int
host_status(struct ctl_conn *c, struct instance *inst)
{
	struct bmc_chassis_info ci;
	struct bmc_time now;

	instance_now(inst, &now);
	bmc_chassis_info(inst->bmc, &now, &ci);
	ctl_reply(c, "backend: %s\n", inst->backend->name);
	ctl_reply(c, "power: %s\n", ci.power_on ? "on" : "off");
	ctl_reply(c, "state: %s\n",
	    inst->backend == &host_backend_sim ? sim_phase_name(sim_phase(inst->sim)) : "-");
	ctl_reply(c, "power fault: %s\n", ci.power_fault ? "yes" : "no");
	ctl_reply(c, "restart cause: %u\n", ci.restart_cause);
	ctl_reply(c, "watchdog: %s\n", ci.watchdog_running ? "running" : "stopped");
	ctl_reply(c, "load: %u%%\n", sim_load(inst->sim));
	return 0;
}

static int
fault_part(struct ctl_conn *c, struct instance *inst, const char *kind, const char *name)
{
	const struct bmc_sensor_model *m;
	struct bmc_sensor_info in;
	int i;

	if ((i = find(c, inst, name)) < 0)
		return -1;
	m = bmc_sensor_get_model(inst->bmc, (size_t)i);
	(void)bmc_sensor_info(inst->bmc, (size_t)i, &in);
	if (strcmp(kind, "fan-fail") == 0) {
		if (m->kind == MODEL_FAN) {
			(void)sim_fan_fail(inst->sim, m->index, true);
		} else if (in.sensor_type == STYPE_FAN && in.threshold) {
			/* A fan without a simulated rotor (imported): it stops dead. */
			struct bmc_time now;
			instance_now(inst, &now);
			bmc_out_reset(&inst->out);
			(void)bmc_sensor_pin(inst->bmc, &now, (size_t)i, 0, 0, &inst->out);
			commit_out(inst);
			inst->fault_pinned[i / 8] |= (uint8_t)(1u << (i % 8));
		} else {
			return ctl_reply_error(c, "\"%s\" is not a fan", in.name);
		}
	} else {
		if (m->kind != MODEL_PSU_STATUS && m->kind != MODEL_POWER_IN && m->kind != MODEL_CURRENT_IN)
			return ctl_reply_error(c, "\"%s\" is not a simulated power supply sensor", in.name);
		(void)sim_psu_fail(inst->sim, m->index, true);
	}
	host_sample(inst);
	ctl_reply(c, "fault %s injected into %s\n", kind, in.name);
	log_info("%s: fault %s injected into \"%s\"", inst->name, kind, in.name);
	return 0;
}

static int
fault(struct ctl_conn *c, struct instance *inst, int argc, char **argv)
{
	if ((strcmp(argv[1], "fan-fail") == 0 || strcmp(argv[1], "psu-fail") == 0) && argc == 3)
		return fault_part(c, inst, argv[1], argv[2]);
	if (strcmp(argv[1], "intrusion") == 0 && argc == 2) {
		sim_intrusion(inst->sim, true);
		host_sample(inst);
		ctl_reply(c, "chassis intrusion injected\n");
		log_info("%s: chassis intrusion injected", inst->name);
		return 0;
	}
	if (strcmp(argv[1], "clear") == 0 && argc == 2) {
		size_t i;

		sim_clear_faults(inst->sim);
		for (i = 0; i < bmc_sensor_count(inst->bmc); i++)
			if (inst->fault_pinned[i / 8] & (1u << (i % 8)))
				(void)bmc_sensor_release(inst->bmc, i);
		memset(inst->fault_pinned, 0, sizeof(inst->fault_pinned));
		host_sample(inst);
		ctl_reply(c, "all simulated faults cleared\n");
		return 0;
	}
	if (strcmp(argv[1], "clear") == 0 && argc == 3)
		return sensor_release(c, inst, argv[2]);
	return ctl_reply_error(c, "fault: expected fan-fail NAME, psu-fail NAME, intrusion or clear [NAME]");
}

/* ---- SDR import ---- */

/* Keep the imported repository in the state directory, atomically. */
static int
save_import(const char *path, const uint8_t *bytes, size_t len, char *err, size_t errlen)
{
	char tmp[CONFIG_PATH_MAX + 64];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if (write(fd, bytes, len) != (ssize_t)len || fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno ? errno : EIO));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
sdr_import(struct ctl_conn *c, struct instance *inst, const char *path)
{
	char err[CONFIG_PATH_MAX + 256];
	uint8_t *bytes;
	size_t len;
	struct bmc_time now;
	int n;

	if (path[0] != '/')
		return ctl_reply_error(
		    c, "sdr import: give an absolute path (the daemon's directory is not yours)");
	if (host_read_sdr_file(path, &bytes, &len, err, sizeof(err)) != 0)
		return ctl_reply_error(c, "sdr import: %s", err);
	/* Checked, then kept, then used: what the operator is told took effect survives a restart. */
	if (bmc_sdr_check(bytes, len, err, sizeof(err)) < 0) {
		free(bytes);
		return ctl_reply_error(c, "sdr import: %s: %s", path, err);
	}
	if (save_import(inst->sdr_import_path, bytes, len, err, sizeof(err)) != 0) {
		free(bytes);
		return ctl_reply_error(c, "sdr import: %s", err);
	}
	instance_now(inst, &now);
	n = bmc_sdr_import(
	    inst->bmc, &now, bytes, len, inst->cfg->overrides, inst->cfg->noverrides, err, sizeof(err));
	free(bytes);
	if (n < 0) {
		(void)unlink(inst->sdr_import_path); /* out of memory: nothing of it is in use */
		return ctl_reply_error(c, "sdr import: %s: %s", path, err);
	}
	memset(inst->fault_pinned, 0, sizeof(inst->fault_pinned));
	host_sample(inst);
	ctl_reply(c, "imported %d SDR records (%zu sensors) from %s\n", n, bmc_sensor_count(inst->bmc), path);
	log_info("%s: imported %d SDR records from %s", inst->name, n, path);
	return 0;
}

static int
sdr_reset(struct ctl_conn *c, struct instance *inst)
{
	char err[CONFIG_PATH_MAX + 256];

	if (host_configure_sensors(inst, true, err, sizeof(err)) != 0)
		return ctl_reply_error(c, "sdr reset: %s", err);
	host_sample(inst);
	ctl_reply(c, "sensors reset to the configuration (%zu sensors)\n", bmc_sensor_count(inst->bmc));
	return 0;
}

int
ctl_host_dispatch(struct ctl_conn *c, struct instance *inst, int argc, char **argv)
{
	if (argc < 2 || inst->sim == NULL)
		return CTL_UNHANDLED;
	if (strcmp(argv[0], "sensor") == 0) {
		if (strcmp(argv[1], "list") == 0 && argc == 2)
			return sensor_list(c, inst);
		if (strcmp(argv[1], "show") == 0 && argc == 3)
			return sensor_show(c, inst, argv[2]);
		if (strcmp(argv[1], "set") == 0 && argc == 4)
			return sensor_set(c, inst, argv[2], argv[3]);
		if (strcmp(argv[1], "release") == 0 && argc == 3)
			return sensor_release(c, inst, argv[2]);
	} else if (strcmp(argv[0], "host") == 0) {
		if (strcmp(argv[1], "power") == 0 && argc == 3)
			return ctl_host_power(c, inst, argv[2]);
		if (strcmp(argv[1], "load") == 0 && argc == 3)
			return host_load(c, inst, argv[2]);
		if (strcmp(argv[1], "status") == 0 && argc == 2)
			return host_status(c, inst);
		if (strcmp(argv[1], "hang") == 0 && argc == 2)
			return host_hang(c, inst);
		if (strcmp(argv[1], "console") == 0 && argc == 2)
			return host_console(c, inst);
	} else if (strcmp(argv[0], "console") == 0) {
		if (strcmp(argv[1], "log") == 0 && argc == 2)
			return host_console(c, inst);
	} else if (strcmp(argv[0], "fault") == 0) {
		return fault(c, inst, argc, argv);
	} else if (strcmp(argv[0], "sdr") == 0) {
		if (strcmp(argv[1], "import") == 0 && argc == 3)
			return sdr_import(c, inst, argv[2]);
		if (strcmp(argv[1], "reset") == 0 && argc == 2)
			return sdr_reset(c, inst);
	}
	return CTL_UNHANDLED;
}
