/*
 * Sensor descriptions before they become SDR records: the built-in 1U server,
 * the completion of a config entry (units, conversion factors, event masks)
 * and the names the config file and the CLI use.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/sensor.h"

static const char *const model_names[MODEL_COUNT] = {
    [MODEL_STATIC] = "static",
    [MODEL_CPU_TEMP] = "cpu-temp",
    [MODEL_DIMM_TEMP] = "dimm-temp",
    [MODEL_INLET_TEMP] = "inlet-temp",
    [MODEL_EXHAUST_TEMP] = "exhaust-temp",
    [MODEL_VOLTAGE] = "voltage",
    [MODEL_BATTERY] = "battery",
    [MODEL_FAN] = "fan",
    [MODEL_POWER_IN] = "power-in",
    [MODEL_CURRENT_IN] = "current-in",
    [MODEL_CPU_STATUS] = "cpu-status",
    [MODEL_PSU_STATUS] = "psu-status",
    [MODEL_INTRUSION] = "intrusion",
    [MODEL_POWER_UNIT] = "power-unit",
};

const char *
bmc_model_name(uint8_t kind)
{
	return kind < MODEL_COUNT ? model_names[kind] : "unknown";
}

int
bmc_model_by_name(const char *name)
{
	int i;

	for (i = 0; i < MODEL_COUNT; i++)
		if (strcasecmp(name, model_names[i]) == 0)
			return i;
	return -1;
}

const char *
bmc_unit_name(uint8_t unit)
{
	switch (unit) {
	case UNIT_DEGREES_C:
		return "degrees C";
	case UNIT_VOLTS:
		return "Volts";
	case UNIT_AMPS:
		return "Amps";
	case UNIT_WATTS:
		return "Watts";
	case UNIT_RPM:
		return "RPM";
	case UNIT_NONE:
		return "unspecified";
	default:
		return "other";
	}
}

/* ---- the built-in server ---- */

#define HOST true
#define STANDBY false
#define NO_THR (-1e300)

/* Thresholds in order LNR, LCR, LNC, UNC, UCR, UNR (as tools print them); NO_THR = absent. */
struct builtin {
	const char *name;
	uint8_t number, stype, entity, inst, unit;
	int8_t r_exp;
	int16_t m;
	uint8_t model, index;
	bool host_powered;
	uint8_t hyst;
	double nominal, noise;
	double lnr, lcr, lnc, unc, ucr, unr;
};

static const struct builtin builtin_threshold[] = {
    {"CPU1 Temp", 0x01, STYPE_TEMPERATURE, 0x03, 1, UNIT_DEGREES_C, 0, 1, MODEL_CPU_TEMP, 1, HOST, 2, 0, 0,
        NO_THR, NO_THR, NO_THR, 85, 95, 105},
    {"CPU2 Temp", 0x02, STYPE_TEMPERATURE, 0x03, 2, UNIT_DEGREES_C, 0, 1, MODEL_CPU_TEMP, 2, HOST, 2, 0, 0,
        NO_THR, NO_THR, NO_THR, 85, 95, 105},
    {"DIMM Temp", 0x03, STYPE_TEMPERATURE, 0x20, 1, UNIT_DEGREES_C, 0, 1, MODEL_DIMM_TEMP, 1, HOST, 2, 0, 0,
        NO_THR, NO_THR, NO_THR, 80, 85, 95},
    {"Inlet Temp", 0x04, STYPE_TEMPERATURE, 0x37, 1, UNIT_DEGREES_C, 0, 1, MODEL_INLET_TEMP, 1, STANDBY, 2, 0,
        0, NO_THR, 3, 8, 38, 42, 47},
    {"Exhaust Temp", 0x05, STYPE_TEMPERATURE, 0x17, 1, UNIT_DEGREES_C, 0, 1, MODEL_EXHAUST_TEMP, 1, STANDBY,
        2, 0, 0, NO_THR, NO_THR, NO_THR, 65, 70, 75},
    /* Rails: 200 raw counts at the nominal voltage, thresholds at +-5 % and +-10 %. */
    {"12V", 0x10, STYPE_VOLTAGE, 0x07, 1, UNIT_VOLTS, -2, 6, MODEL_VOLTAGE, 1, HOST, 1, 12.0, 0.04, NO_THR,
        10.8, 11.4, 12.6, 13.2, NO_THR},
    {"5V", 0x11, STYPE_VOLTAGE, 0x07, 2, UNIT_VOLTS, -3, 25, MODEL_VOLTAGE, 2, HOST, 1, 5.0, 0.02, NO_THR,
        4.5, 4.75, 5.25, 5.5, NO_THR},
    {"3.3V", 0x12, STYPE_VOLTAGE, 0x07, 3, UNIT_VOLTS, -4, 165, MODEL_VOLTAGE, 3, HOST, 1, 3.3, 0.012, NO_THR,
        2.97, 3.135, 3.465, 3.63, NO_THR},
    {"VBAT", 0x13, STYPE_VOLTAGE, 0x28, 1, UNIT_VOLTS, -3, 15, MODEL_BATTERY, 1, STANDBY, 1, 3.0, 0.008,
        NO_THR, 2.7, 2.85, NO_THR, NO_THR, NO_THR},
    /* 1U counter-rotating fans: 100 RPM per count; stall below 1000 RPM. */
    {"FAN1", 0x20, STYPE_FAN, 0x1d, 1, UNIT_RPM, 0, 100, MODEL_FAN, 1, HOST, 1, 0, 0, 500, 1000, 1500, NO_THR,
        NO_THR, NO_THR},
    {"FAN2", 0x21, STYPE_FAN, 0x1d, 2, UNIT_RPM, 0, 100, MODEL_FAN, 2, HOST, 1, 0, 0, 500, 1000, 1500, NO_THR,
        NO_THR, NO_THR},
    {"FAN3", 0x22, STYPE_FAN, 0x1d, 3, UNIT_RPM, 0, 100, MODEL_FAN, 3, HOST, 1, 0, 0, 500, 1000, 1500, NO_THR,
        NO_THR, NO_THR},
    {"FAN4", 0x23, STYPE_FAN, 0x1d, 4, UNIT_RPM, 0, 100, MODEL_FAN, 4, HOST, 1, 0, 0, 500, 1000, 1500, NO_THR,
        NO_THR, NO_THR},
    /* Two redundant supplies; they measure on standby power too. */
    {"PSU1 Power In", 0x30, STYPE_OTHER_UNITS, 0x0a, 1, UNIT_WATTS, 0, 4, MODEL_POWER_IN, 1, STANDBY, 2, 0, 0,
        NO_THR, NO_THR, NO_THR, 600, 700, NO_THR},
    {"PSU2 Power In", 0x31, STYPE_OTHER_UNITS, 0x0a, 2, UNIT_WATTS, 0, 4, MODEL_POWER_IN, 2, STANDBY, 2, 0, 0,
        NO_THR, NO_THR, NO_THR, 600, 700, NO_THR},
    {"PSU1 Current", 0x32, STYPE_CURRENT, 0x0a, 1, UNIT_AMPS, -2, 2, MODEL_CURRENT_IN, 1, STANDBY, 2, 0, 0,
        NO_THR, NO_THR, NO_THR, 2.5, 3.0, NO_THR},
    {"PSU2 Current", 0x33, STYPE_CURRENT, 0x0a, 2, UNIT_AMPS, -2, 2, MODEL_CURRENT_IN, 2, STANDBY, 2, 0, 0,
        NO_THR, NO_THR, NO_THR, 2.5, 3.0, NO_THR},
};

struct builtin_discrete {
	const char *name;
	uint8_t number, stype, entity, inst;
	uint8_t model, index;
	uint16_t state; /* for MODEL_STATIC */
};

static const struct builtin_discrete builtin_discrete[] = {
    {"CPU1 Status", 0x40, STYPE_PROCESSOR, 0x03, 1, MODEL_CPU_STATUS, 1, 0},
    {"CPU2 Status", 0x41, STYPE_PROCESSOR, 0x03, 2, MODEL_CPU_STATUS, 2, 0},
    {"PSU1 Status", 0x42, STYPE_POWER_SUPPLY, 0x0a, 1, MODEL_PSU_STATUS, 1, 0},
    {"PSU2 Status", 0x43, STYPE_POWER_SUPPLY, 0x0a, 2, MODEL_PSU_STATUS, 2, 0},
    {"Intrusion", 0x44, STYPE_PHYSICAL_SECURITY, 0x17, 1, MODEL_INTRUSION, 1, 0},
    {"Power Unit", 0x45, STYPE_POWER_UNIT, 0x13, 1, MODEL_POWER_UNIT, 1, 0},
    {"System Event", 0x46, STYPE_SYSTEM_EVENT, 0x07, 1, MODEL_STATIC, 1, 0},
    {"Watchdog2", 0x47, STYPE_WATCHDOG2, 0x07, 1, MODEL_STATIC, 1, 0},
    {"Event Log", 0x48, STYPE_EVENT_LOGGING, 0x07, 1, MODEL_STATIC, 1, 0},
    {"Session Audit", 0x49, STYPE_SESSION_AUDIT, 0x06, 1, MODEL_STATIC, 1, 0},
    {"Sys Restart", 0x4a, STYPE_SYSTEM_BOOT, 0x07, 1, MODEL_STATIC, 1, 0},
};

#define NB_THRESHOLD (sizeof(builtin_threshold) / sizeof(builtin_threshold[0]))
#define NB_DISCRETE (sizeof(builtin_discrete) / sizeof(builtin_discrete[0]))

static void
builtin_threshold_conf(const struct builtin *b, struct bmc_sensor_conf *c)
{
	const double t[THR_COUNT] = {[THR_LNR] = b->lnr,
	    [THR_LCR] = b->lcr,
	    [THR_LNC] = b->lnc,
	    [THR_UNC] = b->unc,
	    [THR_UCR] = b->ucr,
	    [THR_UNR] = b->unr};
	int i;

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", b->name);
	c->number = b->number;
	c->sensor_type = b->stype;
	c->reading_type = READING_THRESHOLD;
	c->entity_id = b->entity;
	c->entity_instance = b->inst;
	c->base_unit = b->unit;
	c->factors_set = true;
	c->m = b->m;
	c->r_exp = b->r_exp;
	c->tolerance = 1;
	for (i = 0; i < THR_COUNT; i++) {
		if (t[i] > NO_THR) {
			c->thr[i] = t[i];
			c->thr_mask |= (uint8_t)(1u << i);
		}
	}
	c->hyst_pos = c->hyst_neg = b->hyst;
	if (b->nominal != 0) {
		c->has_nominal = true;
		c->nominal_reading = b->nominal;
	}
	c->model.kind = b->model;
	c->model.index = b->index;
	c->model.host_powered = b->host_powered;
	c->model.nominal = b->nominal;
	c->model.noise = b->noise;
}

size_t
bmc_sensor_defaults(struct bmc_sensor_conf *out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < NB_THRESHOLD; i++, n++)
		if (n < max)
			builtin_threshold_conf(&builtin_threshold[i], &out[n]);
	for (i = 0; i < NB_DISCRETE; i++, n++) {
		const struct builtin_discrete *b = &builtin_discrete[i];
		struct bmc_sensor_conf *c;

		if (n >= max)
			continue;
		c = &out[n];
		memset(c, 0, sizeof(*c));
		snprintf(c->name, sizeof(c->name), "%s", b->name);
		c->number = b->number;
		c->sensor_type = b->stype;
		c->reading_type = READING_SENSOR_SPECIFIC;
		c->entity_id = b->entity;
		c->entity_instance = b->inst;
		c->model.kind = b->model;
		c->model.index = b->index;
		c->model.state = b->state;
	}
	for (i = 0; i < n && i < max; i++) {
		char err[8];
		(void)bmc_sensor_conf_fill(&out[i], err, sizeof(err));
	}
	return n;
}

/* ---- completing a description ---- */

static uint8_t
unit_for_type(uint8_t stype)
{
	switch (stype) {
	case STYPE_TEMPERATURE:
		return UNIT_DEGREES_C;
	case STYPE_VOLTAGE:
		return UNIT_VOLTS;
	case STYPE_CURRENT:
		return UNIT_AMPS;
	case STYPE_FAN:
		return UNIT_RPM;
	case STYPE_OTHER_UNITS:
		return UNIT_WATTS;
	default:
		return UNIT_NONE;
	}
}

/* The states a sensor-specific sensor of this type reports (IPMI 2.0 table 42-3). */
static uint16_t
states_for_type(uint8_t stype)
{
	switch (stype) {
	case STYPE_PROCESSOR:
		return 0x0083; /* IERR, thermal trip, presence detected */
	case STYPE_POWER_SUPPLY:
		return 0x000f; /* presence, failure, predictive failure, input lost */
	case STYPE_PHYSICAL_SECURITY:
		return 0x0001; /* general chassis intrusion */
	case STYPE_POWER_UNIT:
		return 0x0071; /* power off/down, AC lost, soft power control failure, failure detected */
	case STYPE_EVENT_LOGGING:
		return 0x0024; /* log area reset/cleared, SEL almost full */
	case STYPE_SYSTEM_EVENT:
		return 0x0023; /* reconfigured, OEM boot, timestamp clock sync */
	case STYPE_WATCHDOG2:
		return 0x010f; /* expired, hard reset, power down, power cycle, interrupt */
	case STYPE_SYSTEM_BOOT:
		return 0x0003; /* initiated by power up, by hard reset */
	case STYPE_SESSION_AUDIT:
		return 0x000f; /* activated, deactivated, invalid name/password, user disabled */
	case STYPE_MEMORY:
		return 0x0033; /* correctable/uncorrectable ECC, memory scrub failed, presence */
	default:
		return 0x7fff;
	}
}

/* A value as a raw count under conf's factors, for range checks. */
static double
to_counts(const struct bmc_sensor_conf *c, double v)
{
	return (v / pow(10, c->r_exp) - c->b * pow(10, c->b_exp)) / c->m;
}

/*
 * Choose M and R so that range_max is about 250 counts away from zero with
 * two significant digits in M: every printed value is then one raw step from
 * the model's, and thresholds given in round numbers stay exact when they can.
 * -1 when no 10-bit M with R up to 7 reaches that far (or a value is not a
 * number).
 */
static int
choose_factors(struct bmc_sensor_conf *c)
{
	double top = c->range_max, step;
	int i, r;

	if (c->base_unit == UNIT_DEGREES_C && top <= 0) {
		c->m = 1;
		return 0;
	}
	if (c->has_nominal && c->nominal_reading * 1.5 > top)
		top = c->nominal_reading * 1.5;
	for (i = 0; i < THR_COUNT; i++)
		if ((c->thr_mask & (1u << i)) && fabs(c->thr[i]) * 1.2 > top)
			top = fabs(c->thr[i]) * 1.2;
	if (top <= 0)
		top = 255;
	if (!(top <= 1e12))
		return -1; /* 250 counts of 511 * 10^7 at most; also infinities and NaN */
	step = top / 250;
	r = (int)floor(log10(step)) - 1;
	if (r < -8)
		r = -8;
	if (r > 7)
		r = 7;
	c->r_exp = (int8_t)r;
	c->m = (int16_t)ceil(step / pow(10, r) - 1e-9);
	if (c->m < 1)
		c->m = 1;
	c->b = 0;
	c->b_exp = 0;
	return 0;
}

int
bmc_sensor_conf_fill(struct bmc_sensor_conf *c, char *err, size_t errlen)
{
	bool thr = c->reading_type == READING_THRESHOLD;
	int i;

	if (c->name[0] == '\0') {
		snprintf(err, errlen, "a sensor needs a name");
		return -1;
	}
	if (c->number == 0xff) {
		snprintf(err, errlen, "sensor number FFh is reserved");
		return -1;
	}
	if (c->reading_type == 0 || c->reading_type > 0x7f) {
		snprintf(err, errlen, "event/reading type %02Xh is not one IPMI defines", c->reading_type);
		return -1;
	}
	if (c->model.kind >= MODEL_COUNT) {
		snprintf(err, errlen, "unknown model");
		return -1;
	}
	if (c->entity_id == 0) {
		c->entity_id = 0x07; /* system board */
		c->entity_instance = c->entity_instance ? c->entity_instance : 1;
	}
	if (c->entity_instance > 0x7f) {
		snprintf(err, errlen, "entity instance must be 0..127");
		return -1;
	}
	if (!thr) {
		if (c->reading_mask == 0)
			c->reading_mask = states_for_type(c->sensor_type);
		c->reading_mask &= 0x7fff;
		if (c->assert_mask == 0)
			c->assert_mask = c->reading_mask;
		if (c->deassert_mask == 0)
			c->deassert_mask = c->reading_mask;
		return 0;
	}
	if (c->base_unit == 0)
		c->base_unit = unit_for_type(c->sensor_type);
	if (c->analog_format > 2) {
		snprintf(err, errlen, "analog format must be unsigned, ones-complement or twos-complement");
		return -1;
	}
	if (!c->factors_set && choose_factors(c) != 0) {
		snprintf(err, errlen, "range_max, nominal and thresholds must be numbers within +-1e12");
		return -1;
	}
	if (c->m < -512 || c->m > 511 || c->m == 0) {
		snprintf(err, errlen, "M must be -512..511 and not 0");
		return -1;
	}
	if (c->b < -512 || c->b > 511 || c->b_exp < -8 || c->b_exp > 7 || c->r_exp < -8 || c->r_exp > 7) {
		snprintf(err, errlen, "B must be -512..511, the exponents -8..7");
		return -1;
	}
	if (c->tolerance > 63 || c->accuracy > 1023 || c->accuracy_exp > 3) {
		snprintf(err, errlen, "tolerance must be 0..63, accuracy 0..1023, accuracy_exp 0..3");
		return -1;
	}
	for (i = 0; i < THR_COUNT; i++) {
		double x;

		if (!(c->thr_mask & (1u << i)))
			continue;
		x = to_counts(c, c->thr[i]);
		if (c->analog_format == 0 ? (x < -0.5 || x > 255.5) : (x < -128.5 || x > 127.5)) {
			snprintf(err, errlen,
			    "threshold %g lies outside what one byte holds with these factors", c->thr[i]);
			return -1;
		}
	}
	if (c->assert_mask == 0 || c->deassert_mask == 0) {
		/* Going low for lower thresholds, going high for upper ones (IPMI 2.0 table 42-2). */
		static const uint8_t offset[THR_COUNT] = {0, 2, 4, 7, 9, 11};
		uint16_t m = 0;

		for (i = 0; i < THR_COUNT; i++)
			if (c->thr_mask & (1u << i))
				m |= (uint16_t)(1u << offset[i]);
		if (c->assert_mask == 0)
			c->assert_mask = m;
		if (c->deassert_mask == 0)
			c->deassert_mask = m;
	}
	c->assert_mask &= 0x0fff;
	c->deassert_mask &= 0x0fff;
	return 0;
}
