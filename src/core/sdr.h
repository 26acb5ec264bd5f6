/*
 * Inside the core: the SDR repository, live sensor state and the SEL.  Only
 * core/ includes this (through bmc_int.h); the edge sees core/sensor.h.
 */
#ifndef GHOSTBMC_SDR_H
#define GHOSTBMC_SDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/sensor.h"

struct bmc_out;

/* SDR record types we build and decode (IPMI 2.0 43). */
enum {
	SDR_FULL_SENSOR = 0x01,
	SDR_COMPACT_SENSOR = 0x02,
	SDR_EVENT_ONLY = 0x03,
	SDR_FRU_LOCATOR = 0x11,
	SDR_MC_LOCATOR = 0x12,
};
#define SDR_VERSION 0x51
#define SDR_HEADER_LEN 5
#define SDR_RECORD_MAX (SDR_HEADER_LEN + 255)
#define SDR_FULL_FIXED 48 /* full sensor record up to the ID string */
#define SDR_COMPACT_FIXED 32
#define SDR_LOCATOR_FIXED 16 /* FRU and MC device locators */
#define SDR_ALLOC_UNIT 16 /* bytes per allocation unit (Get SDR Repository Allocation Info) */

struct sdr_rec {
	uint16_t id;
	uint16_t len; /* header included */
	uint32_t off; /* into sdr_repo.bytes */
};

struct sdr_repo {
	struct sdr_rec *recs;
	size_t n;
	uint8_t *bytes;
	size_t used;
	uint16_t reservation; /* 0 = none yet */
	uint32_t add_ts, erase_ts; /* Get SDR Repository Info timestamps */
};

/* Linear conversion (IPMI 2.0 36.3): y = (M x + B 10^Bexp) 10^Rexp. */
struct sensor_factors {
	int16_t m, b;
	int8_t b_exp, r_exp;
	uint8_t format; /* 0 unsigned, 1 one's complement, 2 two's complement, 3 no reading */
};

double sensor_raw_to_value(const struct sensor_factors *f, uint8_t raw);
/* Nearest raw count, clamped to what the format holds. */
uint8_t sensor_value_to_raw(const struct sensor_factors *f, double v);
/* A raw count as a signed number under the format, for comparisons. */
int sensor_raw_cmp_value(const struct sensor_factors *f, uint8_t raw);

/* Live state of one sensor we own, decoded from its record. */
struct sensor {
	uint16_t record_id;
	char name[BMC_SENSOR_NAME_MAX + 1];
	uint8_t number;
	uint8_t sensor_type, reading_type;
	uint8_t base_unit;
	bool threshold; /* full record with reading type 01h */
	uint8_t caps; /* SDR byte 12 */
	struct sensor_factors f;
	uint8_t factors[6]; /* SDR bytes 25..30: Get Sensor Reading Factors */
	uint8_t thr_readable, thr_settable;
	uint8_t thr[THR_COUNT]; /* live thresholds, raw */
	uint8_t hyst_pos, hyst_neg;
	uint16_t assert_mask, deassert_mask; /* what the sensor can generate */

	/* live */
	struct bmc_sensor_model model;
	bool sampled; /* a first sample arrived */
	bool available;
	bool pinned;
	double pin_value;
	uint16_t pin_state;
	uint8_t raw;
	uint16_t state; /* discrete: current states; threshold: asserted event offsets */
	uint8_t thr_status; /* latched comparison status (bit THR_x) */
	bool scanning, events; /* Set Sensor Event Enable byte 1 */
	uint16_t assert_en, deassert_en;
};

/* ---- sdr.c: records ---- */

/* Encode one sensor conf (filled) as a full or compact record; returns the length or 0. */
size_t sdr_encode_sensor(const struct bmc_sensor_conf *c, uint16_t id, uint8_t *out, size_t max);
size_t sdr_encode_fru_locator(uint16_t id, uint8_t fru_id, const char *name, uint8_t *out, size_t max);
size_t sdr_encode_mc_locator(uint16_t id, uint8_t caps, const char *name, uint8_t *out, size_t max);
/* Decode a full or compact sensor record; -1 for anything else or a short record. */
int sdr_decode_sensor(const uint8_t *rec, size_t len, struct sensor *s);

/* Replace the repository's contents (records back to back, already checked). */
int sdr_repo_load(struct sdr_repo *r, const uint8_t *bytes, size_t len, uint32_t now_s);
void sdr_repo_free(struct sdr_repo *r);
/* By ID; 0000h is the first record, FFFFh the last.  NULL if none. */
const struct sdr_rec *sdr_repo_find(const struct sdr_repo *r, uint16_t id);
uint16_t sdr_repo_next_id(const struct sdr_repo *r, const struct sdr_rec *rec);
/* Walk a byte stream of records: -1 (with a message) when it is not one. */
int sdr_stream_check(const uint8_t *bytes, size_t len, size_t *nrec, char *err, size_t errlen);

/* ---- sensors.c: live state, thresholds, events ---- */

struct bmc;
struct bmc_time;
struct sensor *sensor_by_number(struct bmc *bmc, uint8_t number);
/* Re-evaluate after a change of reading or thresholds; raises events. */
void sensor_evaluate(struct bmc *bmc, const struct bmc_time *now, struct sensor *s, struct bmc_out *out);
/* Log one event of s into the SEL if its enables allow it. */
void sensor_raise_event(struct bmc *bmc, const struct bmc_time *now, struct sensor *s, bool deassert,
    uint8_t offset, uint8_t data2, uint8_t data3, struct bmc_out *out);
/* Clear latched states so that present conditions are reported anew. */
void sensor_rearm(struct sensor *s, uint16_t assert_bits, uint16_t deassert_bits, bool all);
/* The IPMI threshold comparison bits for Get Sensor Reading. */
uint8_t sensor_thr_status(const struct sensor *s);

/* ---- sel.c: the System Event Log ---- */

struct sel {
	uint8_t (*e)[BMC_SEL_ENTRY_LEN]; /* arrival order */
	size_t n, alloc;
	uint16_t next_id;
	uint16_t reservation;
	uint32_t add_ts, erase_ts;
	int64_t time_offset; /* Set SEL Time minus the wall clock (persisted) */
	int16_t utc_offset; /* minutes; 7FFh = unspecified (persisted) */
	bool overflow; /* the log filled up: events were refused or pushed out */
	/* Partial Add SEL Entry in progress */
	uint8_t partial[BMC_SEL_ENTRY_LEN];
	uint8_t partial_len;
	bool partial_active;
};

void sel_init(struct sel *sel);
void sel_free(struct sel *sel);
uint32_t sel_now(const struct sel *sel, const struct bmc_time *now);
void sel_cancel_reservation(struct sel *sel);
/*
 * Append a 16-byte record: its ID is assigned here and, when stamp, its
 * timestamp.  A full log sets the overflow flag and, by the configured
 * policy, refuses (-1) or pushes out the oldest entry.  Returns the ID.
 */
int sel_add(struct bmc *bmc, const struct bmc_time *now, uint8_t rec[BMC_SEL_ENTRY_LEN], bool stamp,
    struct bmc_out *out);
/* A BMC-generated event from a sensor. */
void sel_add_event(struct bmc *bmc, const struct bmc_time *now, const struct sensor *s, bool deassert,
    uint8_t offset, uint8_t data2, uint8_t data3, bool thr_data, struct bmc_out *out);
/* By ID (0000h first, FFFFh last): index or -1. */
long sel_find(const struct sel *sel, uint16_t id);
int sel_delete(struct bmc *bmc, const struct bmc_time *now, size_t index, struct bmc_out *out);
void sel_clear(struct sel *sel, const struct bmc_time *now);
/* Log the lockouts users.c noted, as Session Audit events (the end of every entry point). */
void sel_audit_flush(struct bmc *bmc, const struct bmc_time *now, struct bmc_out *out);

#endif
