/*
 * Sensor/Event netFn (04h): readings, thresholds, hysteresis, event enables,
 * re-arm, reading factors, and the device SDR commands (which serve the same
 * records as the SDR repository: we are one controller with one set).
 */
#include "core/bmc_int.h"

/* Capability fields of SDR byte 12. */
#define CAPS_HYST(c) (((c) >> 4) & 3) /* 0 none, 1 readable, 2 settable, 3 fixed */
#define CAPS_THR(c) (((c) >> 2) & 3)
#define CAPS_SETTABLE 2

static uint8_t
find_sensor(struct cmd_ctx *ctx, struct buf *rq, struct sensor **s)
{
	if ((*s = sensor_by_number(ctx->bmc, buf_get_u8(rq))) == NULL)
		return CC_NOT_PRESENT;
	return CC_OK;
}

uint8_t
cmd_get_sensor_reading(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct sensor *s;
	bool avail;
	uint8_t cc;

	if ((cc = find_sensor(ctx, rq, &s)) != CC_OK)
		return cc;
	avail = s->available && s->sampled;
	wbuf_put_u8(rs, avail && s->threshold ? s->raw : 0);
	wbuf_put_u8(rs, (uint8_t)((s->events ? 0x80 : 0) | (s->scanning ? 0x40 : 0) | (avail ? 0 : 0x20)));
	if (s->threshold) {
		/* Bits 7:6 are reserved and read as 1. */
		wbuf_put_u8(rs, (uint8_t)(0xc0 | (avail ? sensor_thr_status(s) : 0)));
	} else {
		uint16_t st = avail && s->scanning ? s->state : 0;
		wbuf_put_u8(rs, (uint8_t)st);
		wbuf_put_u8(rs, (uint8_t)(0x80 | (st >> 8)));
	}
	return CC_OK;
}

uint8_t
cmd_get_sensor_reading_factors(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct sensor *s;
	uint8_t cc, raw;

	if ((cc = find_sensor(ctx, rq, &s)) != CC_OK)
		return cc;
	raw = buf_get_u8(rq);
	if (!s->threshold)
		return CC_ILLEGAL_FOR_TYPE;
	/* Linear: the same factors hold for every reading; name the next reading as the one to ask next. */
	wbuf_put_u8(rs, raw == 0xff ? 0xff : (uint8_t)(raw + 1));
	wbuf_put_bytes(rs, s->factors, sizeof(s->factors));
	return CC_OK;
}

uint8_t
cmd_set_sensor_hysteresis(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct sensor *s;
	uint8_t cc;

	(void)rs;
	if ((cc = find_sensor(ctx, rq, &s)) != CC_OK)
		return cc;
	(void)buf_get_u8(rq); /* reserved for the future 'hysteresis mask': FFh */
	if (CAPS_HYST(s->caps) != CAPS_SETTABLE)
		return CC_ILLEGAL_FOR_TYPE;
	s->hyst_pos = buf_get_u8(rq);
	s->hyst_neg = buf_get_u8(rq);
	sensor_evaluate(ctx->bmc, ctx->now, s, ctx->out);
	return CC_OK;
}

uint8_t
cmd_get_sensor_hysteresis(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct sensor *s;
	uint8_t cc;

	if ((cc = find_sensor(ctx, rq, &s)) != CC_OK)
		return cc;
	if (CAPS_HYST(s->caps) == 0 || CAPS_HYST(s->caps) == 3)
		return CC_ILLEGAL_FOR_TYPE;
	wbuf_put_u8(rs, s->hyst_pos);
	wbuf_put_u8(rs, s->hyst_neg);
	return CC_OK;
}

uint8_t
cmd_set_sensor_thresholds(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct sensor *s;
	uint8_t cc, mask, v[THR_COUNT];
	int i;

	(void)rs;
	if ((cc = find_sensor(ctx, rq, &s)) != CC_OK)
		return cc;
	mask = buf_get_u8(rq);
	for (i = 0; i < THR_COUNT; i++)
		v[i] = buf_get_u8(rq);
	if (!s->threshold || CAPS_THR(s->caps) != CAPS_SETTABLE)
		return CC_ILLEGAL_FOR_TYPE;
	/* Reserved bits, or a threshold this sensor cannot set: refuse the whole request. */
	if ((mask & 0xc0) || (mask & ~s->thr_settable))
		return CC_INVALID_FIELD;
	for (i = 0; i < THR_COUNT; i++)
		if (mask & (1u << i))
			s->thr[i] = v[i];
	sensor_evaluate(ctx->bmc, ctx->now, s, ctx->out);
	return CC_OK;
}

uint8_t
cmd_get_sensor_thresholds(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct sensor *s;
	uint8_t cc;
	int i;

	if ((cc = find_sensor(ctx, rq, &s)) != CC_OK)
		return cc;
	if (!s->threshold)
		return CC_ILLEGAL_FOR_TYPE;
	wbuf_put_u8(rs, s->thr_readable);
	for (i = 0; i < THR_COUNT; i++)
		wbuf_put_u8(rs, (s->thr_readable & (1u << i)) ? s->thr[i] : 0);
	return CC_OK;
}

/* Bytes 3..6 of Set Sensor Event Enable and Re-arm: assertion and deassertion bits, as many as given. */
static void
get_event_bits(struct buf *rq, uint16_t *assert_bits, uint16_t *deassert_bits)
{
	uint8_t b[4] = {0, 0, 0, 0};
	size_t n = rq->left < 4 ? rq->left : 4;

	(void)buf_get_bytes(rq, b, n);
	*assert_bits = (uint16_t)((b[0] | b[1] << 8) & 0x7fff);
	*deassert_bits = (uint16_t)((b[2] | b[3] << 8) & 0x7fff);
}

uint8_t
cmd_set_sensor_event_enable(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct sensor *s;
	uint8_t cc, b2, action;
	uint16_t a, d;

	(void)rs;
	if ((cc = find_sensor(ctx, rq, &s)) != CC_OK)
		return cc;
	b2 = buf_get_u8(rq);
	action = (b2 >> 4) & 3;
	if (action == 3)
		return CC_INVALID_FIELD;
	get_event_bits(rq, &a, &d);
	s->events = (b2 & 0x80) != 0;
	s->scanning = (b2 & 0x40) != 0;
	if (action == 1) {
		s->assert_en |= a;
		s->deassert_en |= d;
	} else if (action == 2) {
		s->assert_en &= (uint16_t)~a;
		s->deassert_en &= (uint16_t)~d;
	}
	sensor_evaluate(ctx->bmc, ctx->now, s, ctx->out);
	return CC_OK;
}

uint8_t
cmd_get_sensor_event_enable(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct sensor *s;
	uint8_t cc;
	uint16_t a, d;

	if ((cc = find_sensor(ctx, rq, &s)) != CC_OK)
		return cc;
	a = s->assert_en & s->assert_mask;
	d = s->deassert_en & s->deassert_mask;
	wbuf_put_u8(rs, (uint8_t)((s->events ? 0x80 : 0) | (s->scanning ? 0x40 : 0)));
	wbuf_put_u16le(rs, a);
	wbuf_put_u16le(rs, d);
	return CC_OK;
}

uint8_t
cmd_rearm_sensor_events(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct sensor *s;
	uint8_t cc, b2;
	uint16_t a, d;

	(void)rs;
	if ((cc = find_sensor(ctx, rq, &s)) != CC_OK)
		return cc;
	b2 = buf_get_u8(rq);
	get_event_bits(rq, &a, &d);
	sensor_rearm(s, a, d, (b2 & 0x80) == 0);
	sensor_evaluate(ctx->bmc, ctx->now, s, ctx->out);
	return CC_OK;
}

uint8_t
cmd_get_sensor_event_status(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct sensor *s;
	bool avail;
	uint8_t cc;
	uint16_t st;

	if ((cc = find_sensor(ctx, rq, &s)) != CC_OK)
		return cc;
	avail = s->available && s->sampled && s->scanning;
	st = avail ? (uint16_t)(s->state & s->assert_mask) : 0;
	wbuf_put_u8(rs, (uint8_t)((s->events ? 0x80 : 0) | (s->scanning ? 0x40 : 0) | (avail ? 0 : 0x20)));
	wbuf_put_u16le(rs, st);
	wbuf_put_u16le(rs, 0); /* deassertion states are not latched (auto re-arm) */
	return CC_OK;
}

uint8_t
cmd_get_sensor_type(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	struct sensor *s;
	uint8_t cc;

	if ((cc = find_sensor(ctx, rq, &s)) != CC_OK)
		return cc;
	wbuf_put_u8(rs, s->sensor_type);
	wbuf_put_u8(rs, s->reading_type);
	return CC_OK;
}

uint8_t
cmd_get_device_sdr_info(struct cmd_ctx *ctx, struct buf *rq, struct wbuf *rs)
{
	bool records = rq->left > 0 && (buf_get_u8(rq) & 0x01);
	size_t n = records ? ctx->bmc->sdr.n : ctx->bmc->nsensors;

	wbuf_put_u8(rs, n > 0xff ? 0xff : (uint8_t)n);
	wbuf_put_u8(rs, 0x01); /* static population; sensors on LUN 0 */
	return CC_OK;
}
