/*
 * Sensors and the SDR repository as the edge, the config parser and the CLI
 * see them.  A sensor is its SDR record (the IPMI description every client
 * reads) plus a model that says what drives its reading.  Records come from
 * struct bmc_sensor_conf (config file or the built-in server) or verbatim
 * from an `ipmitool sdr dump` file; the core decodes both the same way.
 */
#ifndef GHOSTBMC_SENSOR_H
#define GHOSTBMC_SENSOR_H

#include "core/bmc.h"

#define BMC_MAX_SENSORS 255 /* sensor numbers 00h..FEh on LUN 0 */
#define BMC_MAX_SDR 1024 /* records in one repository */
#define BMC_SDR_BYTES 65535u /* repository size, all records with headers */
#define BMC_SENSOR_NAME_MAX 16 /* SDR ID string bytes */
#define BMC_OWNER_ID 0x20 /* our IPMB slave address: every sensor we answer for */

/* What drives a reading; src/host/sim.c computes all but MODEL_STATIC. */
enum bmc_model {
	MODEL_STATIC, /* holds bmc_sensor_model.value / .state */
	MODEL_CPU_TEMP, /* index = CPU: follows load, fan speed, ambient */
	MODEL_DIMM_TEMP,
	MODEL_INLET_TEMP, /* ambient; on standby power */
	MODEL_EXHAUST_TEMP, /* ambient + heat carried off; on standby power */
	MODEL_VOLTAGE, /* a host rail: nominal with noise */
	MODEL_BATTERY, /* the CMOS battery: nominal with noise, standby */
	MODEL_FAN, /* index = fan: follows the fan curve; fails on demand */
	MODEL_POWER_IN, /* index = PSU: input power, shared between PSUs */
	MODEL_CURRENT_IN, /* index = PSU: input current */
	MODEL_CPU_STATUS, /* processor: presence (07h offset 7) */
	MODEL_PSU_STATUS, /* power supply: presence, failure, input lost (08h) */
	MODEL_INTRUSION, /* physical security (05h offset 0) */
	MODEL_POWER_UNIT, /* power unit: power off/down (09h offset 0) */
	MODEL_COUNT
};

/* Threshold indexes: the bit order of every IPMI threshold mask. */
enum { THR_LNC, THR_LCR, THR_LNR, THR_UNC, THR_UCR, THR_UNR, THR_COUNT };

/* IPMI sensor types and units used by the built-in server and the config. */
enum {
	STYPE_TEMPERATURE = 0x01,
	STYPE_VOLTAGE = 0x02,
	STYPE_CURRENT = 0x03,
	STYPE_FAN = 0x04,
	STYPE_PHYSICAL_SECURITY = 0x05,
	STYPE_PROCESSOR = 0x07,
	STYPE_POWER_SUPPLY = 0x08,
	STYPE_POWER_UNIT = 0x09,
	STYPE_OTHER_UNITS = 0x0b,
	STYPE_MEMORY = 0x0c,
	STYPE_EVENT_LOGGING = 0x10,
	STYPE_SYSTEM_EVENT = 0x12,
	STYPE_SYSTEM_BOOT = 0x1d,
	STYPE_WATCHDOG2 = 0x23,
	STYPE_SESSION_AUDIT = 0x2a,
};
enum { READING_THRESHOLD = 0x01, READING_SENSOR_SPECIFIC = 0x6f };
enum { UNIT_NONE = 0, UNIT_DEGREES_C = 1, UNIT_VOLTS = 4, UNIT_AMPS = 5, UNIT_WATTS = 6, UNIT_RPM = 18 };

struct bmc_sensor_model {
	uint8_t kind; /* enum bmc_model */
	uint8_t index; /* which CPU, fan, PSU (1-based) */
	bool host_powered; /* unavailable while the host is off */
	double nominal; /* MODEL_VOLTAGE/BATTERY centre; MODEL_STATIC value */
	double noise; /* peak deviation, in sensor units */
	uint16_t state; /* MODEL_STATIC discrete state bits */
};

/*
 * One sensor as the config describes it; bmc_sensor_conf_fill() completes
 * what was left out (units, factors, masks) from the type and the model.
 * Threshold values are in sensor units.
 */
struct bmc_sensor_conf {
	char name[BMC_SENSOR_NAME_MAX + 1];
	uint8_t number;
	uint8_t entity_id, entity_instance;
	uint8_t sensor_type;
	uint8_t reading_type; /* READING_THRESHOLD: full record; else compact */
	uint8_t base_unit; /* UNIT_*; 0 = from the sensor type */
	uint8_t analog_format; /* 0 unsigned, 1 one's complement, 2 two's complement */
	bool factors_set; /* m..r_exp given; else chosen from the range */
	int16_t m, b; /* 10-bit signed */
	int8_t b_exp, r_exp; /* 4-bit signed */
	uint8_t tolerance; /* 6 bits, in +/- half raw counts */
	uint16_t accuracy; /* 10 bits, in 1/100 percent units scaled by accuracy_exp */
	uint8_t accuracy_exp;
	double range_max; /* the largest value to represent (factor choice) */
	double thr[THR_COUNT];
	uint8_t thr_mask; /* bit THR_x: that threshold exists (readable and settable) */
	uint8_t hyst_pos, hyst_neg; /* raw counts */
	uint16_t assert_mask, deassert_mask; /* event offsets; 0 = derived */
	uint16_t reading_mask; /* discrete: states the sensor can report; 0 = derived */
	bool has_nominal;
	double nominal_reading;
	struct bmc_sensor_model model;
};

/* The built-in 1U server: fills up to max entries, returns how many there are. */
size_t bmc_sensor_defaults(struct bmc_sensor_conf *out, size_t max);
/* Complete a conf (units, factors, masks); -1 with a message when it cannot describe a sensor. */
int bmc_sensor_conf_fill(struct bmc_sensor_conf *c, char *err, size_t errlen);
/* Names of models, sensor types and units as the config and CLI spell them. */
const char *bmc_model_name(uint8_t kind);
int bmc_model_by_name(const char *name); /* -1 when unknown */
const char *bmc_unit_name(uint8_t unit); /* "degrees C", "Volts", ... */

/*
 * Replace the sensors: builds the SDR repository from confs (record IDs in
 * order), then the FRU and MC device locators.  Cancels SDR reservations and
 * stamps the repository's addition time with now.  0 or a BMC_ERR_*, with a
 * message in err.
 */
int bmc_sensors_set(struct bmc *bmc, const struct bmc_time *now, const struct bmc_sensor_conf *confs,
    size_t n, char *err, size_t errlen);

/*
 * Replace the repository with the records of an `ipmitool sdr dump` file
 * (records back to back, each with its 5-byte header).  Every sensor record
 * owned by us gets a MODEL_STATIC model reading its nominal value (or the
 * midpoint of its normal range, or 0); overrides, when not NULL, names models
 * for imported sensors by name (from the config).  Returns the number of
 * records or a BMC_ERR_*, with a message in err.
 */
int bmc_sdr_import(struct bmc *bmc, const struct bmc_time *now, const uint8_t *bytes, size_t len,
    const struct bmc_sensor_conf *overrides, size_t noverrides, char *err, size_t errlen);

/* Would bmc_sdr_import() take these bytes?  Records, or -1 with a message. */
int bmc_sdr_check(const uint8_t *bytes, size_t len, char *err, size_t errlen);

/* The current repository, back to back (what `ipmitool sdr dump` would write). */
size_t bmc_sdr_export(const struct bmc *bmc, uint8_t *out, size_t max);

/* What the CLI and the edge see of one sensor. */
struct bmc_sensor_info {
	char name[BMC_SENSOR_NAME_MAX + 1];
	uint8_t number;
	uint8_t sensor_type, reading_type;
	uint8_t base_unit;
	bool threshold; /* reading_type == READING_THRESHOLD */
	struct bmc_sensor_model model;
	/* now */
	bool available; /* a reading exists (host on, scanning enabled, sampled) */
	bool pinned; /* the operator pinned the reading */
	uint8_t raw;
	double value; /* raw converted back to sensor units */
	double step; /* one raw count in sensor units, at this reading */
	double lowest, highest; /* what the raw byte can express, in sensor units */
	uint16_t state; /* discrete state bits, or asserted threshold event offsets */
	uint8_t thr_status; /* bit THR_x: reading is past that threshold (latched with hysteresis) */
	uint8_t thr_mask; /* readable thresholds */
	double thr[THR_COUNT];
};

size_t bmc_sensor_count(const struct bmc *bmc);
/* Fill info for the i-th sensor (0-based); -1 when out of range. */
int bmc_sensor_info(const struct bmc *bmc, size_t i, struct bmc_sensor_info *info);
/* Index of a sensor by name (case-insensitive) or by number ("0x12", "18"); -1 if none. */
int bmc_sensor_find(const struct bmc *bmc, const char *name_or_number);
/* "ok", "nc", "cr", "nr", "na": the status word ipmitool prints. */
const char *bmc_sensor_status_word(const struct bmc_sensor_info *info);

/*
 * A model's latest sample for sensor i: value (threshold sensors, in sensor
 * units) or state bits (discrete); available false when the model has no
 * reading (host off).  Thresholds and discrete changes raise events into the
 * SEL; the effects to persist them go to out.  A pinned sensor ignores
 * samples.
 */
void bmc_sensor_feed(struct bmc *bmc, const struct bmc_time *now, size_t i, double value, uint16_t state,
    bool available, struct bmc_out *out);
/* Pin sensor i at value/state (as above) until released; takes effect at once. */
int bmc_sensor_pin(
    struct bmc *bmc, const struct bmc_time *now, size_t i, double value, uint16_t state, struct bmc_out *out);
/* Unpin: the next sample from the model takes over. */
int bmc_sensor_release(struct bmc *bmc, size_t i);
/* Sensor i's model (NULL when out of range): what the host edge samples each second. */
const struct bmc_sensor_model *bmc_sensor_get_model(const struct bmc *bmc, size_t i);
/* Change sensor i's model (CLI, config overrides). */
int bmc_sensor_set_model(struct bmc *bmc, size_t i, const struct bmc_sensor_model *m);

/* ---- the System Event Log ---- */

#define BMC_SEL_ENTRY_LEN 16
size_t bmc_sel_count(const struct bmc *bmc);
/* The i-th entry, oldest first; -1 when out of range. */
int bmc_sel_get(const struct bmc *bmc, size_t i, uint8_t out[BMC_SEL_ENTRY_LEN]);
/* By record ID: the entry, or -1. */
int bmc_sel_get_id(const struct bmc *bmc, uint16_t id, uint8_t out[BMC_SEL_ENTRY_LEN]);
/* Start-up and rollback: forget the log, then put the stored entries back in order. */
void bmc_sel_reset(struct bmc *bmc);
void bmc_sel_restore(struct bmc *bmc, const uint8_t rec[BMC_SEL_ENTRY_LEN]);
/*
 * The operator's add (CLI): as Add SEL Entry, timestamp from the BMC clock
 * for types 02h and C0h-DFh.  Returns the ID, or -1 when the log is full.
 */
int bmc_sel_add(
    struct bmc *bmc, const struct bmc_time *now, const uint8_t rec[BMC_SEL_ENTRY_LEN], struct bmc_out *out);
/* Replay a record from another machine's log: a new ID, its own timestamp kept. */
int bmc_sel_import(
    struct bmc *bmc, const struct bmc_time *now, const uint8_t rec[BMC_SEL_ENTRY_LEN], struct bmc_out *out);
/* The operator's clear: as Clear SEL, with the "log cleared" event. */
void bmc_sel_clear(struct bmc *bmc, const struct bmc_time *now, struct bmc_out *out);
/* The SEL clock now (seconds since the epoch as the SEL sees it). */
uint32_t bmc_sel_time(const struct bmc *bmc, const struct bmc_time *now);

#endif
