/*
 * The System Event Log.  Every entry, whether a client added it or the BMC
 * raised it (sensor events, power changes, lockouts, the log being
 * cleared), goes through sel_add(), which emits FX_SEL_ADD: the edge
 * commits it to the store before anything acknowledges it.  Entries are the
 * 16-byte records of IPMI 2.0 section 32, kept in arrival order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bmc_int.h"

#define SEL_GROW_FIRST 64
#define SEL_UTC_UNSPECIFIED 0x07ff

void
sel_init(struct sel *sel)
{
	memset(sel, 0, sizeof(*sel));
	sel->next_id = 1;
	sel->add_ts = sel->erase_ts = 0xffffffffu; /* "never" */
	sel->utc_offset = SEL_UTC_UNSPECIFIED;
}

void
sel_free(struct sel *sel)
{
	free(sel->e);
	sel->e = NULL;
	sel->n = sel->alloc = 0;
}

uint32_t
sel_now(const struct sel *sel, const struct bmc_time *now)
{
	return (uint32_t)(now->wall_s + sel->time_offset);
}

/* Any change to the log cancels the reservation: a reader must look again before it deletes or clears. */
void
sel_cancel_reservation(struct sel *sel)
{
	if (++sel->reservation == 0)
		sel->reservation = 1;
}

static uint16_t
rec_id(const uint8_t *rec)
{
	return (uint16_t)(rec[0] | rec[1] << 8);
}

static bool
sel_id_used(const struct sel *sel, uint16_t id)
{
	size_t i;

	for (i = 0; i < sel->n; i++)
		if (rec_id(sel->e[i]) == id)
			return true;
	return false;
}

/* Room for one more entry in memory; false only when out of memory. */
static bool
sel_reserve_slot(struct sel *sel, size_t capacity)
{
	uint8_t(*e)[BMC_SEL_ENTRY_LEN];
	size_t alloc;

	if (sel->n < sel->alloc)
		return true;
	alloc = sel->alloc ? sel->alloc * 2 : SEL_GROW_FIRST;
	if (alloc > capacity)
		alloc = capacity;
	if (alloc <= sel->alloc || (e = realloc(sel->e, alloc * sizeof(*e))) == NULL)
		return false;
	sel->e = e;
	sel->alloc = alloc;
	return true;
}

static void
sel_remove(struct sel *sel, size_t i)
{
	memmove(sel->e[i], sel->e[i + 1], (sel->n - i - 1) * sizeof(sel->e[0]));
	sel->n--;
}

static uint16_t
sel_next_free_id(struct sel *sel)
{
	uint16_t id;

	/* IDs grow and wrap; 0000h and FFFFh are the "first" and "last" aliases. */
	do {
		id = sel->next_id++;
		if (sel->next_id == 0xffff)
			sel->next_id = 1;
	} while (id == 0 || id == 0xffff || sel_id_used(sel, id));
	return id;
}

int
sel_add(struct bmc *bmc, const struct bmc_time *now, uint8_t rec[BMC_SEL_ENTRY_LEN], bool stamp,
    struct bmc_out *out)
{
	struct sel *sel = &bmc->sel;
	size_t capacity = bmc->conf.sel_capacity;
	uint16_t id;

	if (sel->n >= capacity) {
		sel->overflow = true;
		if (bmc->conf.sel_when_full != BMC_SEL_OVERWRITE)
			return -1;
		/* Make room: the oldest entry goes, and the store must forget it too. */
		if (out != NULL)
			bmc_fx(out, FX_SEL_DELETE, rec_id(sel->e[0]));
		sel_remove(sel, 0);
	}
	if (!sel_reserve_slot(sel, capacity))
		return -1;
	id = sel_next_free_id(sel);
	rec[0] = (uint8_t)id;
	rec[1] = (uint8_t)(id >> 8);
	if (stamp) {
		uint32_t ts = sel_now(sel, now);
		rec[3] = (uint8_t)ts;
		rec[4] = (uint8_t)(ts >> 8);
		rec[5] = (uint8_t)(ts >> 16);
		rec[6] = (uint8_t)(ts >> 24);
	}
	memcpy(sel->e[sel->n++], rec, BMC_SEL_ENTRY_LEN);
	sel->add_ts = sel_now(sel, now);
	sel_cancel_reservation(sel);
	if (out != NULL)
		bmc_fx(out, FX_SEL_ADD, id);
	return id;
}

void
sel_add_event(struct bmc *bmc, const struct bmc_time *now, const struct sensor *s, bool deassert,
    uint8_t offset, uint8_t data2, uint8_t data3, bool thr_data, struct bmc_out *out)
{
	uint8_t rec[BMC_SEL_ENTRY_LEN] = {0};

	/* BMC Global Enables bit 3: the SEL takes events only while logging is on. */
	if (!(bmc->params.global_enables & 0x08))
		return;
	rec[2] = 0x02; /* system event record */
	rec[7] = BMC_OWNER_ID; /* generator: this BMC, LUN 0 */
	rec[8] = 0x00; /* channel 0 */
	rec[9] = 0x04; /* event message format revision (IPMI 1.5 and later) */
	rec[10] = s->sensor_type;
	rec[11] = s->number;
	rec[12] = (uint8_t)((deassert ? 0x80 : 0x00) | (s->reading_type & 0x7f));
	/* Threshold events carry the trigger reading and threshold in bytes 2 and 3. */
	if (thr_data)
		rec[13] = (uint8_t)(0x50 | (offset & 0x0f));
	else if (s->sensor_type == STYPE_SESSION_AUDIT)
		rec[13] = (uint8_t)(0xa0 | (offset & 0x0f)); /* bytes 2 and 3: sensor-specific extensions */
	else if (s->sensor_type == STYPE_WATCHDOG2)
		rec[13] = (uint8_t)(0xc0 | (offset & 0x0f)); /* byte 2: interrupt type and timer use */
	else
		rec[13] = (uint8_t)(offset & 0x0f);
	rec[14] = data2;
	rec[15] = data3;
	if (sel_add(bmc, now, rec, true, out) < 0)
		bmc_logf(bmc, BMC_LOG_WARN, "SEL full: event from sensor \"%s\" dropped", s->name);
}

long
sel_find(const struct sel *sel, uint16_t id)
{
	size_t i;

	if (sel->n == 0)
		return -1;
	if (id == 0x0000)
		return 0;
	if (id == 0xffff)
		return (long)sel->n - 1;
	for (i = 0; i < sel->n; i++)
		if (rec_id(sel->e[i]) == id)
			return (long)i;
	return -1;
}

int
sel_delete(struct bmc *bmc, const struct bmc_time *now, size_t index, struct bmc_out *out)
{
	struct sel *sel = &bmc->sel;
	uint16_t id;

	if (index >= sel->n)
		return -1;
	id = rec_id(sel->e[index]);
	sel_remove(sel, index);
	sel->erase_ts = sel_now(sel, now);
	sel_cancel_reservation(sel);
	bmc_fx(out, FX_SEL_DELETE, id);
	return id;
}

void
sel_clear(struct sel *sel, const struct bmc_time *now)
{
	sel->n = 0;
	sel->overflow = false;
	sel->partial_active = false;
	sel->erase_ts = sel_now(sel, now);
	sel_cancel_reservation(sel);
}

void
sel_audit_flush(struct bmc *bmc, const struct bmc_time *now, struct bmc_out *out)
{
	struct sensor *audit = NULL, fallback;
	uint8_t id;
	size_t i;

	if (bmc->locked_out_pending == 0)
		return;
	for (i = 0; i < bmc->nsensors && audit == NULL; i++)
		if (bmc->sensors[i].sensor_type == STYPE_SESSION_AUDIT)
			audit = &bmc->sensors[i];
	if (audit == NULL) {
		/* No Session Audit sensor (an imported SDR): the event is logged all the same. */
		memset(&fallback, 0, sizeof(fallback));
		fallback.sensor_type = STYPE_SESSION_AUDIT;
		fallback.reading_type = READING_SENSOR_SPECIFIC;
		fallback.number = 0xff;
		snprintf(fallback.name, sizeof(fallback.name), "Session Audit");
		fallback.events = true;
		fallback.assert_en = fallback.assert_mask = 0x0008;
		audit = &fallback;
	}
	for (id = 1; id <= BMC_MAX_USERS; id++) {
		if (!(bmc->locked_out_pending & (1u << id)))
			continue;
		/* Offset 3, "invalid password disable"; data 2 = the user ID, data 3 = the LAN channel. */
		sensor_raise_event(bmc, now, audit, false, 0x03, id, CHANNEL_LAN, out);
	}
	bmc->locked_out_pending = 0;
}

/* ---- the edge's view ---- */

size_t
bmc_sel_count(const struct bmc *bmc)
{
	return bmc->sel.n;
}

int
bmc_sel_get(const struct bmc *bmc, size_t i, uint8_t out[BMC_SEL_ENTRY_LEN])
{
	if (i >= bmc->sel.n)
		return -1;
	memcpy(out, bmc->sel.e[i], BMC_SEL_ENTRY_LEN);
	return 0;
}

int
bmc_sel_get_id(const struct bmc *bmc, uint16_t id, uint8_t out[BMC_SEL_ENTRY_LEN])
{
	size_t i;

	for (i = 0; i < bmc->sel.n; i++) {
		if (rec_id(bmc->sel.e[i]) == id) {
			memcpy(out, bmc->sel.e[i], BMC_SEL_ENTRY_LEN);
			return 0;
		}
	}
	return -1;
}

void
bmc_sel_reset(struct bmc *bmc)
{
	struct sel *sel = &bmc->sel;

	sel->n = 0;
	sel->overflow = false;
	sel->partial_active = false;
	sel_cancel_reservation(sel);
}

void
bmc_sel_restore(struct bmc *bmc, const uint8_t rec[BMC_SEL_ENTRY_LEN])
{
	struct sel *sel = &bmc->sel;
	uint16_t id = rec_id(rec);

	if (id == 0 || id == 0xffff || sel_id_used(sel, id))
		return;
	/* A stored log larger than today's capacity keeps its newest entries. */
	if (sel->n >= bmc->conf.sel_capacity) {
		sel->overflow = true;
		sel_remove(sel, 0);
	}
	if (!sel_reserve_slot(sel, bmc->conf.sel_capacity))
		return;
	memcpy(sel->e[sel->n++], rec, BMC_SEL_ENTRY_LEN);
	/* New IDs continue after the newest stored one. */
	sel->next_id = (uint16_t)(id + 1);
	if (sel->next_id == 0xffff || sel->next_id == 0)
		sel->next_id = 1;
}

int
bmc_sel_add(
    struct bmc *bmc, const struct bmc_time *now, const uint8_t rec[BMC_SEL_ENTRY_LEN], struct bmc_out *out)
{
	uint8_t copy[BMC_SEL_ENTRY_LEN];

	memcpy(copy, rec, sizeof(copy));
	return sel_add(bmc, now, copy, copy[2] < 0xe0, out);
}

int
bmc_sel_import(
    struct bmc *bmc, const struct bmc_time *now, const uint8_t rec[BMC_SEL_ENTRY_LEN], struct bmc_out *out)
{
	uint8_t copy[BMC_SEL_ENTRY_LEN];

	memcpy(copy, rec, sizeof(copy));
	return sel_add(bmc, now, copy, false, out);
}

void
bmc_sel_clear(struct bmc *bmc, const struct bmc_time *now, struct bmc_out *out)
{
	size_t i;

	sel_clear(&bmc->sel, now);
	bmc_fx(out, FX_SEL_CLEAR, 0);
	/* The Event Logging Disabled sensor records that the log was cleared (offset 2). */
	for (i = 0; i < bmc->nsensors; i++)
		if (bmc->sensors[i].sensor_type == STYPE_EVENT_LOGGING)
			sensor_raise_event(bmc, now, &bmc->sensors[i], false, 2, 0xff, 0xff, out);
}

uint32_t
bmc_sel_time(const struct bmc *bmc, const struct bmc_time *now)
{
	return sel_now(&bmc->sel, now);
}
