/*
 * The SEL and FRU images between the core and the store: each effect the
 * core emits is written inside the caller's transaction; a failed commit
 * reloads what the store holds.
 */
#include <stdio.h>
#include <string.h>

#include "core/fru.h"
#include "core/sensor.h"
#include "io/host.h"
#include "io/lan.h"
#include "io/log.h"
#include "store/store.h"

int
instance_save_sel(struct instance *inst, const struct bmc_fx *fx)
{
	uint8_t rec[BMC_SEL_ENTRY_LEN];
	int r = 0;

	switch (fx->kind) {
	case FX_SEL_ADD:
		/* Pushed out again within the same call (a tiny log that overwrites): nothing to keep. */
		if (bmc_sel_get_id(inst->bmc, (uint16_t)fx->arg, rec) == -1)
			return 0;
		r = store_sel_put(inst->store, inst->name, (uint16_t)fx->arg, rec);
		break;
	case FX_SEL_DELETE:
		r = store_sel_delete(inst->store, inst->name, (uint16_t)fx->arg);
		break;
	case FX_SEL_CLEAR:
		r = store_sel_clear(inst->store, inst->name);
		break;
	default:
		return 0;
	}
	if (r == -1)
		log_warnx("%s: cannot write the SEL: %s", inst->name, store_errmsg(inst->store));
	return r;
}

static void
restore_cb(void *arg, const uint8_t *rec)
{
	bmc_sel_restore(arg, rec);
}

int
instance_reload_sel(struct instance *inst)
{
	bmc_sel_reset(inst->bmc);
	if (store_sel_load(inst->store, inst->name, restore_cb, inst->bmc) == -1) {
		log_warnx(
		    "%s: cannot read the SEL from the store: %s", inst->name, store_errmsg(inst->store));
		return -1;
	}
	return 0;
}

int
instance_save_fru(struct instance *inst, uint32_t id)
{
	struct bmc_fru_info fi;
	int i;

	if (id > 0xfe || (i = bmc_fru_find(inst->bmc, (uint8_t)id)) < 0 ||
	    bmc_fru_info(inst->bmc, (size_t)i, &fi) < 0) {
		log_warnx("%s: cannot save FRU %u: no such device", inst->name, id);
		return -1;
	}
	if (store_fru_put(inst->store, inst->name, fi.id, fi.data, fi.len) == -1) {
		log_warnx("%s: cannot save FRU %u: %s", inst->name, id, store_errmsg(inst->store));
		return -1;
	}
	return 0;
}

struct fru_reload {
	struct instance *inst;
	int only; /* a device ID, or -1 for all */
};

static void
fru_cb(void *arg, uint8_t id, const uint8_t *img, size_t len)
{
	struct fru_reload *r = arg;
	struct bmc_fru_info fi;
	int i;

	if (r->only >= 0 && id != r->only)
		return;
	/* A written image wins over the built one; an imported device of its own keeps a plain name. */
	if ((i = bmc_fru_find(r->inst->bmc, id)) < 0 || bmc_fru_info(r->inst->bmc, (size_t)i, &fi) < 0) {
		memset(&fi, 0, sizeof(fi));
		snprintf(fi.name, sizeof(fi.name), "FRU %u", id);
	}
	if (bmc_fru_set(r->inst->bmc, id, fi.name, img, len, fi.write_protect) != 0)
		log_warnx("%s: stored FRU %u image not usable; the configured one stays", r->inst->name, id);
}

int
instance_reload_fru(struct instance *inst, uint8_t id)
{
	char err[512];

	/* The configured devices, then what the store holds over them: what a restart would show. */
	if (host_configure_frus(inst, err, sizeof(err)) == -1) {
		log_warnx("%s: cannot reload FRU %u: %s", inst->name, id, err);
		return -1;
	}
	return 0;
}

/* Every stored FRU image over the configured ones (start-up). */
int
instance_load_frus(struct instance *inst)
{
	struct fru_reload r = {inst, -1};

	if (store_fru_load(inst->store, inst->name, fru_cb, &r) == -1) {
		log_warnx(
		    "%s: cannot read FRU images from the store: %s", inst->name, store_errmsg(inst->store));
		return -1;
	}
	return 0;
}
