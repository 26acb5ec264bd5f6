/*
 * Control requests about the SEL and the FRU inventory: list, add, clear and
 * import log records (16-byte raw records, as a real machine's log is
 * exported), show and import FRU images (`ipmitool fru read ID FILE` form).
 * Every change is committed to the store before "ok".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bmc.h"
#include "core/fru.h"
#include "core/sensor.h"
#include "io/ctl_int.h"
#include "io/host.h"
#include "io/lan.h"
#include "io/log.h"
#include "store/store.h"

#define SEL_IMPORT_MAX (BMC_SEL_CAPACITY_MAX * BMC_SEL_ENTRY_LEN)

static int
commit(struct ctl_conn *c, struct instance *inst, const char *what)
{
	if (instance_commit(inst, inst->out.fx, inst->out.nfx) == -1)
		return ctl_reply_error(
		    c, "%s: not saved (%s); nothing changed", what, store_errmsg(inst->store));
	return 0;
}

/* "YYYY-MM-DD HH:MM:SS" for a SEL timestamp; the pre-init range (< 20000000h) as a relative time. */
static void
format_ts(uint32_t ts, char *buf, size_t len)
{
	time_t t = (time_t)ts;
	struct tm tm;

	if (ts == 0xffffffffu || ts < 0x20000000u)
		snprintf(buf, len, "pre-init +%us", ts == 0xffffffffu ? 0 : ts);
	else if (gmtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "0x%08x", ts);
}

static const char *
sensor_name(struct instance *inst, uint8_t number, char *buf, size_t len)
{
	struct bmc_sensor_info in;
	char key[8];
	int i;

	snprintf(key, sizeof(key), "0x%02x", number);
	if ((i = bmc_sensor_find(inst->bmc, key)) < 0 || bmc_sensor_info(inst->bmc, (size_t)i, &in) < 0) {
		snprintf(buf, len, "#0x%02x", number);
		return buf;
	}
	snprintf(buf, len, "%s", in.name);
	return buf;
}

static int
sel_list(struct ctl_conn *c, struct instance *inst)
{
	size_t i, n = bmc_sel_count(inst->bmc);

	ctl_reply(c, "%-6s | %-19s | %-4s | %-16s | %s\n", "ID", "TIME", "TYPE", "SENSOR", "RECORD");
	for (i = 0; i < n; i++) {
		uint8_t r[BMC_SEL_ENTRY_LEN];
		char ts[32], name[32], hex[3 * BMC_SEL_ENTRY_LEN + 1];
		size_t k;

		(void)bmc_sel_get(inst->bmc, i, r);
		for (k = 0; k < BMC_SEL_ENTRY_LEN; k++)
			snprintf(hex + 3 * k, sizeof(hex) - 3 * k, "%02x%s", r[k],
			    k + 1 < BMC_SEL_ENTRY_LEN ? " " : "");
		if (r[2] < 0xe0)
			format_ts(
			    (uint32_t)(r[3] | r[4] << 8 | r[5] << 16 | (uint32_t)r[6] << 24), ts, sizeof(ts));
		else
			snprintf(ts, sizeof(ts), "-");
		ctl_reply(c, "0x%04x | %-19s | %02xh  | %-16s | %s\n", r[0] | r[1] << 8, ts, r[2],
		    r[2] == 0x02 ? sensor_name(inst, r[11], name, sizeof(name)) : "-", hex);
	}
	return 0;
}

static int
parse_record(const char *text, uint8_t rec[BMC_SEL_ENTRY_LEN])
{
	size_t n = 0;
	const char *p = text;

	while (*p != '\0') {
		unsigned v;
		int used;

		if (*p == ' ' || *p == ':' || *p == ',') {
			p++;
			continue;
		}
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
			p += 2;
		if (n == BMC_SEL_ENTRY_LEN || sscanf(p, "%2x%n", &v, &used) != 1 || used != 2)
			return -1;
		rec[n++] = (uint8_t)v;
		p += used;
	}
	return n == BMC_SEL_ENTRY_LEN ? 0 : -1;
}

static int
sel_add(struct ctl_conn *c, struct instance *inst, const char *text)
{
	uint8_t rec[BMC_SEL_ENTRY_LEN];
	struct bmc_time now;
	int id;

	if (parse_record(text, rec) == -1)
		return ctl_reply_error(
		    c, "sel add: expected 16 bytes in hex (record ID first; it is replaced)");
	instance_now(inst, &now);
	bmc_out_reset(&inst->out);
	if ((id = bmc_sel_add(inst->bmc, &now, rec, &inst->out)) < 0)
		return ctl_reply_error(c, "sel add: the SEL is full (when_full: stop)");
	if (commit(c, inst, "sel add") == -1)
		return -1;
	ctl_reply(c, "added record 0x%04x\n", id);
	return 0;
}

static int
sel_clear(struct ctl_conn *c, struct instance *inst)
{
	struct bmc_time now;

	instance_now(inst, &now);
	bmc_out_reset(&inst->out);
	bmc_sel_clear(inst->bmc, &now, &inst->out);
	if (commit(c, inst, "sel clear") == -1)
		return -1;
	ctl_reply(c, "SEL cleared\n");
	log_info("%s: SEL cleared (operator)", inst->name);
	return 0;
}

static int
sel_import(struct ctl_conn *c, struct instance *inst, const char *path)
{
	char err[CONFIG_PATH_MAX + 64];
	struct bmc_time now;
	uint8_t *bytes;
	size_t len, i, added = 0;
	int r = 0;

	if (path[0] != '/')
		return ctl_reply_error(c, "sel import: give an absolute path");
	if (host_read_file(path, SEL_IMPORT_MAX, &bytes, &len, err, sizeof(err)) == -1)
		return ctl_reply_error(c, "sel import: %s", err);
	if (len == 0 || len % BMC_SEL_ENTRY_LEN != 0) {
		free(bytes);
		return ctl_reply_error(
		    c, "sel import: %s: %zu bytes is not a whole number of 16-byte records", path, len);
	}
	instance_now(inst, &now);
	/* One transaction for the whole file: all of it or none (the loop turn's writes first). */
	lan_batch_flush();
	if (store_begin(inst->store) == -1) {
		free(bytes);
		return ctl_reply_error(c, "sel import: %s", store_errmsg(inst->store));
	}
	for (i = 0; i < len && r == 0; i += BMC_SEL_ENTRY_LEN, added++) {
		bmc_out_reset(&inst->out);
		if (bmc_sel_import(inst->bmc, &now, bytes + i, &inst->out) < 0)
			break;
		r = instance_commit(inst, inst->out.fx, inst->out.nfx);
	}
	free(bytes);
	if (r == 0 && store_commit(inst->store) == 0) {
		ctl_reply(c, "imported %zu of %zu records\n", added, len / BMC_SEL_ENTRY_LEN);
		return 0;
	}
	store_rollback(inst->store);
	(void)instance_reload_sel(inst);
	return ctl_reply_error(c, "sel import: not saved (%s); nothing changed", store_errmsg(inst->store));
}

struct fru_show {
	struct ctl_conn *c;
	const char *last_area;
};

static void
show_field(void *arg, const char *area, const char *field, const char *value)
{
	struct fru_show *s = arg;

	if (s->last_area == NULL || strcmp(s->last_area, area) != 0)
		ctl_reply(s->c, " %s:\n", area);
	s->last_area = area;
	ctl_reply(s->c, "  %s: %s\n", field, value);
}

static int
fru_show(struct ctl_conn *c, struct instance *inst, int argc, char **argv)
{
	size_t i;
	char *end;
	long only = -1;

	if (argc == 3) {
		only = strtol(argv[2], &end, 0);
		if (*end != '\0' || only < 0 || only > 254 || bmc_fru_find(inst->bmc, (uint8_t)only) < 0)
			return ctl_reply_error(c, "fru show: no FRU device \"%s\"", argv[2]);
	}
	for (i = 0; i < bmc_fru_count(inst->bmc); i++) {
		struct bmc_fru_info fi;
		struct fru_show s = {c, NULL};

		(void)bmc_fru_info(inst->bmc, i, &fi);
		if (only >= 0 && fi.id != only)
			continue;
		ctl_reply(c, "FRU %u \"%s\": %zu bytes%s\n", fi.id, fi.name, fi.len,
		    fi.write_protect ? ", write-protected" : "");
		bmc_fru_decode(fi.data, fi.len, show_field, &s);
	}
	return 0;
}

static int
fru_import(struct ctl_conn *c, struct instance *inst, const char *idtext, const char *path)
{
	char err[CONFIG_PATH_MAX + 64], msg[256];
	struct bmc_fru_info fi;
	struct bmc_fx fx;
	uint8_t *img;
	size_t len;
	char *end;
	long id = strtol(idtext, &end, 0);
	int i;
	bool new_device;

	if (*end != '\0' || id < 0 || id > 254)
		return ctl_reply_error(c, "fru import: \"%s\" is not a FRU device ID (0..254)", idtext);
	if (path[0] != '/')
		return ctl_reply_error(c, "fru import: give an absolute path");
	if (host_read_file(path, BMC_FRU_MAX_SIZE, &img, &len, err, sizeof(err)) == -1)
		return ctl_reply_error(c, "fru import: %s", err);
	if (bmc_fru_check(img, len, msg, sizeof(msg)) == -1) {
		free(img);
		return ctl_reply_error(c, "fru import: %s: %s", path, msg);
	}
	new_device = (i = bmc_fru_find(inst->bmc, (uint8_t)id)) < 0;
	if (new_device) {
		memset(&fi, 0, sizeof(fi));
		snprintf(fi.name, sizeof(fi.name), "FRU %ld", id);
	} else {
		(void)bmc_fru_info(inst->bmc, (size_t)i, &fi);
	}
	if (bmc_fru_set(inst->bmc, (uint8_t)id, fi.name, img, len, fi.write_protect) != 0) {
		free(img);
		return ctl_reply_error(
		    c, "fru import: no room for another FRU device (%d at most)", BMC_MAX_FRUS);
	}
	free(img);
	fx.kind = FX_SAVE_FRU;
	fx.arg = (uint32_t)id;
	if (instance_commit(inst, &fx, 1) == -1)
		return ctl_reply_error(
		    c, "fru import: not saved (%s); nothing changed", store_errmsg(inst->store));
	/* A new device needs its FRU locator in the SDR. */
	if (new_device && host_configure_sensors(inst, false, err, sizeof(err)) == -1)
		log_warnx("%s: SDR not rebuilt after the FRU import: %s", inst->name, err);
	ctl_reply(c, "FRU %ld: imported %zu bytes from %s\n", id, len, path);
	log_info("%s: FRU %ld imported from %s", inst->name, id, path);
	return 0;
}

int
ctl_records_dispatch(struct ctl_conn *c, struct instance *inst, int argc, char **argv)
{
	if (argc < 2)
		return CTL_UNHANDLED;
	if (strcmp(argv[0], "sel") == 0) {
		if (strcmp(argv[1], "list") == 0 && argc == 2)
			return sel_list(c, inst);
		if (strcmp(argv[1], "add") == 0 && argc == 3)
			return sel_add(c, inst, argv[2]);
		if (strcmp(argv[1], "clear") == 0 && argc == 2)
			return sel_clear(c, inst);
		if (strcmp(argv[1], "import") == 0 && argc == 3)
			return sel_import(c, inst, argv[2]);
	} else if (strcmp(argv[0], "fru") == 0) {
		if (strcmp(argv[1], "show") == 0 && (argc == 2 || argc == 3))
			return fru_show(c, inst, argc, argv);
		if (strcmp(argv[1], "import") == 0 && argc == 4)
			return fru_import(c, inst, argv[2], argv[3]);
	}
	return CTL_UNHANDLED;
}
