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

#include "core/fru.h"
#include "core/sensor.h"
#include "io/host.h"
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

void
host_sample(struct instance *inst)
{
	struct bmc_time now;
	size_t i, n = bmc_sensor_count(inst->bmc);

	instance_now(inst, &now);
	if (now.mono_ms > inst->sample_last_ms)
		sim_step(inst->sim, now.mono_ms - inst->sample_last_ms);
	inst->sample_last_ms = now.mono_ms;
	/* All the events of one sample are one durable write. */
	if (store_begin(inst->store) == -1)
		log_warnx("%s: cannot begin a transaction: %s", inst->name, store_errmsg(inst->store));
	for (i = 0; i < n; i++) {
		const struct bmc_sensor_model *m = bmc_sensor_get_model(inst->bmc, i);
		double v;
		uint16_t st;
		bool avail = sim_read(inst->sim, m, &v, &st);

		bmc_out_reset(&inst->out);
		bmc_sensor_feed(inst->bmc, &now, i, v, st, avail, &inst->out);
		if (inst->out.nfx > 0)
			(void)instance_commit(inst, inst->out.fx, inst->out.nfx);
	}
	if (store_commit(inst->store) == -1) {
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
	int r;

	count_parts(inst->bmc, &p);
	if ((inst->sim = sim_new(&p)) == NULL) {
		snprintf(err, errlen, "%s: cannot create the simulated host", inst->name);
		return -1;
	}
	inst->sample_last_ms = uv_now(inst->loop);
	host_sample(inst);
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
	log_debug("%s: simulated host: %u CPUs, %u fans, %u PSUs, power %s", inst->name, p.ncpus, p.nfans,
	    p.npsus, p.power_on ? "on" : "off");
	return 0;
}

void
host_close(struct instance *inst)
{
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
