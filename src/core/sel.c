/*
 * The System Event Log, in memory.  Sensors append BMC-generated events;
 * clients read it with the SEL commands (cmd_storage.c).  Entries are the
 * 16-byte records of IPMI 2.0 section 32, kept in arrival order.
 */
#include <stdlib.h>
#include <string.h>

#include "core/bmc_int.h"

#define SEL_GROW_FIRST 64

void
sel_init(struct sel *sel)
{
	memset(sel, 0, sizeof(*sel));
	sel->next_id = 1;
	sel->add_ts = sel->erase_ts = 0xffffffffu; /* "never" */
}

void
sel_free(struct sel *sel)
{
	free(sel->e);
	sel->e = NULL;
	sel->n = sel->cap = 0;
}

uint32_t
sel_now(const struct sel *sel, const struct bmc_time *now)
{
	return (uint32_t)(now->wall_s + sel->time_offset);
}

/* Any change to the log cancels the reservation: a reader must look again before it clears. */
static void
sel_cancel_reservation(struct sel *sel)
{
	if (++sel->reservation == 0)
		sel->reservation = 1;
}

static bool
sel_id_used(const struct sel *sel, uint16_t id)
{
	return sel_find(sel, id) >= 0 && id != 0 && id != 0xffff;
}

int
sel_add(struct bmc *bmc, const struct bmc_time *now, uint8_t rec[BMC_SEL_ENTRY_LEN], bool stamp,
    struct bmc_out *out)
{
	struct sel *sel = &bmc->sel;
	uint16_t id;

	if (sel->n == sel->cap) {
		size_t cap = sel->cap ? sel->cap * 2 : SEL_GROW_FIRST;
		uint8_t(*e)[BMC_SEL_ENTRY_LEN];

		if (cap > SEL_MAX_ENTRIES)
			cap = SEL_MAX_ENTRIES;
		if (sel->n == cap || (e = realloc(sel->e, cap * sizeof(*e))) == NULL) {
			sel->overflow = true;
			return -1;
		}
		sel->e = e;
		sel->cap = cap;
	}
	/* IDs grow and wrap; 0000h and FFFFh are the "first" and "last" aliases. */
	do {
		id = sel->next_id++;
		if (sel->next_id == 0xffff)
			sel->next_id = 1;
	} while (id == 0 || id == 0xffff || sel_id_used(sel, id));
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
	rec[13] = (uint8_t)((thr_data ? 0x50 : 0x00) | (offset & 0x0f));
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
		if ((sel->e[i][0] | sel->e[i][1] << 8) == id)
			return (long)i;
	return -1;
}

void
sel_clear(struct sel *sel, const struct bmc_time *now)
{
	sel->n = 0;
	sel->overflow = false;
	sel->erase_ts = sel_now(sel, now);
	sel_cancel_reservation(sel);
}

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
