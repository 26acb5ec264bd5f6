/*
 * Sampling the governed host: step the model by the time that passed, read
 * each sensor's model, give the reading to the core, carry out the effects
 * (SEL entries).  A sensor whose model is static is fed the same way, so a
 * pinned, failed or imported sensor is judged like any other.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "core/chassis.h"
#include "core/fru.h"
#include "core/sensor.h"
#include "io/host.h"
#include "io/hostif.h"
#include "io/lan.h"
#include "io/log.h"
#include "store/store.h"

static void
count_parts(const struct bmc *bmc, struct sim_params *p)
{
	size_t i, n = bmc_sensor_count(bmc);

	p->ncpus = p->nfans = p->npsus = 0;
	for (i = 0; i < n; i++) {
		const struct bmc_sensor_model *m = bmc_sensor_get_model(bmc, i);
		unsigned *count = NULL;

		switch (m->kind) {
		case MODEL_CPU_TEMP:
		case MODEL_CPU_STATUS:
			count = &p->ncpus;
			break;
		case MODEL_FAN:
			count = &p->nfans;
			break;
		case MODEL_POWER_IN:
		case MODEL_CURRENT_IN:
		case MODEL_PSU_STATUS:
			count = &p->npsus;
			break;
		default:
			break;
		}
		if (count != NULL && m->index > *count)
			*count = m->index;
	}
}

/* ---- reports to the core ---- */

static void
report(struct instance *inst, void (*fn)(struct instance *, const struct bmc_time *, void *), void *arg)
{
	struct bmc_time now;

	instance_now(inst, &now);
	bmc_out_reset(&inst->out);
	fn(inst, &now, arg);
	if (inst->out.nfx > 0)
		(void)instance_commit(inst, inst->out.fx, inst->out.nfx);
}

struct power_report {
	bool on;
	uint8_t cause;
};

static void
do_power(struct instance *inst, const struct bmc_time *now, void *arg)
{
	const struct power_report *r = arg;
	bmc_host_power_changed(inst->bmc, now, r->on, r->cause, &inst->out);
}

void
host_report_power(struct instance *inst, bool on, uint8_t cause)
{
	struct power_report r = {on, cause};

	/* The sensor model follows the real host's power. */
	if (inst->backend != &host_backend_sim && sim_power(inst->sim) != on)
		sim_set_power(inst->sim, on);
	report(inst, do_power, &r);
}

void
host_report_reset(struct instance *inst, uint8_t cause)
{
	host_report_power(inst, true, cause);
}

static void
do_booted(struct instance *inst, const struct bmc_time *now, void *arg)
{
	(void)arg;
	bmc_host_booted(inst->bmc, now, &inst->out);
}

void
host_report_booted(struct instance *inst)
{
	report(inst, do_booted, NULL);
}

static void
do_fault(struct instance *inst, const struct bmc_time *now, void *arg)
{
	(void)arg;
	bmc_host_power_fault(inst->bmc, now, &inst->out);
}

void
host_report_fault(struct instance *inst, const char *what)
{
	log_warnx("%s: power control fault: %s", inst->name, what);
	report(inst, do_fault, NULL);
}

const char *
host_action_word(unsigned action)
{
	switch (action) {
	case POWER_ACTION_ON:
		return "on";
	case POWER_ACTION_OFF:
		return "off";
	case POWER_ACTION_CYCLE:
		return "cycle";
	case POWER_ACTION_RESET:
		return "reset";
	case POWER_ACTION_SOFT:
		return "soft";
	case POWER_ACTION_DIAG:
		return "nmi";
	default:
		return "unknown";
	}
}

void
host_power(struct instance *inst, unsigned action)
{
	struct bmc_boot_hint hint;
	struct bmc_chassis_info ci;
	struct bmc_time now;

	instance_now(inst, &now);
	bmc_boot_hint(inst->bmc, &hint);
	bmc_chassis_info(inst->bmc, &now, &ci);
	inst->backend->power(inst, action, &hint, ci.cycle_interval_s);
}

/* ---- the simulated server as a backend ---- */

/* What the sim did since the last look, told to the core. */
static void
sim_report_events(struct instance *inst)
{
	unsigned ev = sim_take_events(inst->sim);

	if (ev & SIM_EV_POWER_OFF)
		host_report_power(inst, false, 0);
	if (ev & SIM_EV_POWER_ON)
		host_report_power(inst, true, 0);
	else if (ev & SIM_EV_RESET)
		host_report_reset(inst, 0);
	if (ev & SIM_EV_BOOTED)
		host_report_booted(inst);
}

static int
sim_backend_start(struct instance *inst, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	(void)sim_take_events(inst->sim);
	host_report_power(inst, sim_power(inst->sim), inst->start_cause);
	return 0;
}

static void
sim_backend_power(struct instance *inst, unsigned action, const struct bmc_boot_hint *hint, unsigned cycle_s)
{
	if (hint->valid)
		sim_set_boot_hint(inst->sim, hint->device, hint->efi);
	if (sim_power_action(inst->sim, action, cycle_s) == -1)
		host_report_fault(inst, "the simulated host cannot do that now");
	host_sample(inst);
}

static void
sim_backend_close(struct instance *inst)
{
	(void)inst;
}

const struct host_backend host_backend_sim = {
    "sim", sim_backend_start, sim_backend_power, sim_backend_close, NULL};

/* ---- sampling ---- */

void
host_sample(struct instance *inst)
{
	struct bmc_chassis_info ci;
	struct bmc_time now;
	size_t i, n = bmc_sensor_count(inst->bmc);
	bool began = false;

	instance_now(inst, &now);
	if (now.mono_ms > inst->sample_last_ms)
		sim_step(inst->sim, now.mono_ms - inst->sample_last_ms);
	inst->sample_last_ms = now.mono_ms;
	if (inst->backend == &host_backend_sim)
		sim_report_events(inst);
	else
		(void)sim_take_events(inst->sim); /* the real host reports for itself */
	if (inst->condev.path[0] != '\0' && !inst->condev.open)
		(void)console_dev_open(&inst->condev); /* (re)attach the console device */
	console_pump(inst);
	/* The OS's watchdog daemon pets a running timer while the OS is healthy. */
	bmc_chassis_info(inst->bmc, &now, &ci);
	if (inst->backend == &host_backend_sim && ci.watchdog_running && sim_os_alive(inst->sim))
		(void)bmc_watchdog_kick(inst->bmc, &now);
	/* All the events of one sample are one durable write, begun only when there is one. */
	for (i = 0; i < n; i++) {
		const struct bmc_sensor_model *m = bmc_sensor_get_model(inst->bmc, i);
		double v;
		uint16_t st;
		bool avail = sim_read(inst->sim, m, &v, &st);

		bmc_out_reset(&inst->out);
		bmc_sensor_feed(inst->bmc, &now, i, v, st, avail, &inst->out);
		if (inst->out.nfx == 0)
			continue;
		if (!began && store_begin(inst->store) == -1)
			log_warnx(
			    "%s: cannot begin a transaction: %s", inst->name, store_errmsg(inst->store));
		began = true;
		(void)instance_commit(inst, inst->out.fx, inst->out.nfx);
	}
	if (began && store_commit(inst->store) == -1) {
		log_warnx("%s: cannot commit sensor events: %s", inst->name, store_errmsg(inst->store));
		(void)instance_reload_sel(inst);
	}
}

static void
sample_cb(uv_timer_t *t)
{
	host_sample(t->data);
}

int
host_start(struct instance *inst, const struct sim_params *params, char *err, size_t errlen)
{
	struct sim_params p = *params;
	uint8_t cause = RESTART_UNKNOWN;
	int r;

	count_parts(inst->bmc, &p);
	/* The restore policy decides whether the machine has power when the BMC comes up. */
	p.power_on = bmc_restore_action(inst->bmc, &cause) == POWER_ACTION_ON;
	inst->start_cause = cause;
	if ((inst->sim = sim_new(&p)) == NULL) {
		snprintf(err, errlen, "%s: cannot create the simulated host", inst->name);
		return -1;
	}
	if (inst->backend == NULL)
		inst->backend = &host_backend_sim;
	inst->condev.inst = inst;
	inst->condev.fd = -1;
	if (inst->backend != &host_backend_sim)
		snprintf(inst->condev.path, sizeof(inst->condev.path), "%s", inst->cfg->host_exec.console);
	inst->sample_last_ms = uv_now(inst->loop);
	if (inst->backend->start(inst, err, errlen) == -1)
		return -1;
	host_sample(inst);
	if (!inst->shared_clock) {
		inst->sample.data = inst;
		if ((r = uv_timer_init(inst->loop, &inst->sample)) < 0) {
			snprintf(err, errlen, "%s: timer: %s", inst->name, uv_strerror(r));
			return -1;
		}
		inst->sample_running = true;
		if ((r = uv_timer_start(&inst->sample, sample_cb, HOST_SAMPLE_MS, HOST_SAMPLE_MS)) < 0) {
			snprintf(err, errlen, "%s: timer: %s", inst->name, uv_strerror(r));
			return -1;
		}
	}
	log_debug("%s: host backend %s; simulated parts: %u CPUs, %u fans, %u PSUs", inst->name,
	    inst->backend->name, p.ncpus, p.nfans, p.npsus);
	return 0;
}

void
host_close(struct instance *inst)
{
	console_dev_close(&inst->condev);
	if (inst->backend != NULL)
		inst->backend->close(inst);
	if (inst->sample_running) {
		(void)uv_timer_stop(&inst->sample);
		uv_close((uv_handle_t *)&inst->sample, NULL);
		inst->sample_running = false;
	}
}

int
host_read_file(const char *path, size_t max, uint8_t **out, size_t *len, char *err, size_t errlen)
{
	FILE *f;
	uint8_t *buf;
	size_t n;

	if ((f = fopen(path, "rbe")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((buf = malloc(max + 1)) == NULL) {
		fclose(f);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	n = fread(buf, 1, max + 1, f);
	if (ferror(f) || n > max) {
		if (ferror(f))
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		else
			snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	*out = buf;
	*len = n;
	return 0;
}

int
host_read_sdr_file(const char *path, uint8_t **out, size_t *len, char *err, size_t errlen)
{
	return host_read_file(path, BMC_SDR_BYTES, out, len, err, errlen);
}

static int
load_sdr_file(struct instance *inst, const char *path, char *err, size_t errlen)
{
	const struct config *cfg = inst->cfg;
	char msg[512];
	struct bmc_time now;
	uint8_t *bytes;
	size_t len;
	int r;

	if (host_read_sdr_file(path, &bytes, &len, err, errlen) != 0)
		return -1;
	instance_now(inst, &now);
	r = bmc_sdr_import(inst->bmc, &now, bytes, len, cfg->overrides, cfg->noverrides, msg, sizeof(msg));
	free(bytes);
	if (r < 0) {
		snprintf(err, errlen, "%s: %s", path, msg);
		return -1;
	}
	log_info("%s: %d SDR records from %s", inst->name, r, path);
	return 0;
}

int
host_configure_sensors(struct instance *inst, bool forget_import, char *err, size_t errlen)
{
	const struct config *cfg = inst->cfg;
	struct bmc_time now;
	char msg[512];

	memset(inst->fault_pinned, 0, sizeof(inst->fault_pinned)); /* indexes change with the sensors */
	if (forget_import && unlink(inst->sdr_import_path) == -1 && errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", inst->sdr_import_path, strerror(errno));
		return -1;
	}
	/* The operator's latest import wins over the file; `sdr reset` forgets it. */
	if (!forget_import && access(inst->sdr_import_path, F_OK) == 0)
		return load_sdr_file(inst, inst->sdr_import_path, err, errlen);
	if (cfg->sdr_import[0] != '\0')
		return load_sdr_file(inst, cfg->sdr_import, err, errlen);
	instance_now(inst, &now);
	if (bmc_sensors_set(inst->bmc, &now, cfg->sensors, cfg->nsensors, msg, sizeof(msg)) != 0) {
		snprintf(err, errlen, "sensors: %s", msg);
		return -1;
	}
	return 0;
}

/* A FRU device of the config, with FRU 0's unset serials derived from the system GUID. */
static int
build_fru(struct instance *inst, const struct bmc_fru_conf *fc, char *err, size_t errlen)
{
	struct bmc_fru_conf c = *fc, guid_based;
	uint8_t img[BMC_FRU_MAX_SIZE];
	char msg[256];
	int len;

	if (c.id == 0) {
		bmc_fru_defaults(&guid_based, bmc_get_conf(inst->bmc)->system_guid);
		if (c.chassis_serial[0] == '\0')
			memcpy(c.chassis_serial, guid_based.chassis_serial, sizeof(c.chassis_serial));
		if (c.board_serial[0] == '\0')
			memcpy(c.board_serial, guid_based.board_serial, sizeof(c.board_serial));
		if (c.product_serial[0] == '\0')
			memcpy(c.product_serial, guid_based.product_serial, sizeof(c.product_serial));
	}
	if ((len = bmc_fru_build(&c, img, sizeof(img), msg, sizeof(msg))) < 0) {
		snprintf(err, errlen, "fru %u: %s", c.id, msg);
		return -1;
	}
	if (bmc_fru_set(inst->bmc, c.id, c.name, img, (size_t)len, c.write_protect) != 0) {
		snprintf(err, errlen, "fru %u: cannot install it", c.id);
		return -1;
	}
	return 0;
}

int
host_configure_frus(struct instance *inst, char *err, size_t errlen)
{
	const struct config *cfg = inst->cfg;
	size_t i;

	bmc_fru_clear(inst->bmc);
	for (i = 0; i < cfg->nfrus; i++)
		if (build_fru(inst, &cfg->frus[i], err, errlen) == -1)
			return -1;
	/* Images written by clients (or imported) since win over the built ones. */
	return instance_load_frus(inst) == -1 ? -1 : 0;
}
