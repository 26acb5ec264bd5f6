#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "core/fru.h"

static void
h_rand(void *arg, void *dst, size_t n)
{
	struct harness *h = arg;
	uint8_t *p = dst;
	size_t i;

	/* xorshift: repeatable, and different bytes for different calls */
	for (i = 0; i < n; i++) {
		h->rand_state ^= h->rand_state << 13;
		h->rand_state ^= h->rand_state >> 17;
		h->rand_state ^= h->rand_state << 5;
		p[i] = (uint8_t)h->rand_state;
	}
}

static void
h_log(void *arg, enum bmc_log_level level, const char *line)
{
	struct harness *h = arg;
	int n;

	(void)level;
	n = snprintf(h->log + h->loglen, sizeof(h->log) - h->loglen, "%s\n", line);
	if (n > 0 && h->loglen + (size_t)n < sizeof(h->log))
		h->loglen += (size_t)n;
}

struct harness *
h_new(const struct bmc_conf *conf)
{
	struct harness *h = calloc(1, sizeof(*h));
	struct bmc_env env;
	struct bmc_conf c;

	assert_non_null(h);
	h->rand_state = 0x12345678u;
	h->now.mono_ms = 1000000;
	h->now.wall_s = 1700000000;
	env.rand = h_rand;
	env.log = h_log;
	env.arg = h;
	if (conf == NULL) {
		bmc_conf_defaults(&c);
		conf = &c;
	}
	h->bmc = bmc_new(&env, conf);
	assert_non_null(h->bmc);
	return h;
}

void
h_free(struct harness *h)
{
	bmc_free(h->bmc);
	free(h);
}

size_t
h_cmd(struct harness *h, uint8_t priv, uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len,
    uint8_t *rsp, size_t cap)
{
	struct wbuf w = WBUF_INIT(rsp, cap);
	struct cmd_ctx ctx;

	bmc_out_reset(&h->out);
	cmd_ctx_init(&ctx, h->bmc, &h->now, NULL, &h->out);
	ctx.priv = priv;
	ctx.netfn = netfn;
	ctx.cmd = cmd;
	dispatch(&ctx, data, len, &w);
	assert_false(w.err);
	return w.len;
}

size_t
h_cmd_durable(struct harness *h, uint8_t priv, uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len,
    uint8_t *rsp, size_t cap, bool *durable)
{
	struct wbuf w = WBUF_INIT(rsp, cap);
	struct cmd_ctx ctx;

	bmc_out_reset(&h->out);
	cmd_ctx_init(&ctx, h->bmc, &h->now, NULL, &h->out);
	ctx.priv = priv;
	ctx.netfn = netfn;
	ctx.cmd = cmd;
	dispatch(&ctx, data, len, &w);
	assert_false(w.err);
	*durable = ctx.durable;
	return w.len;
}

int
h_fx_find(const struct harness *h, enum bmc_fx_kind kind, uint32_t arg)
{
	size_t i;

	for (i = 0; i < h->out.nfx; i++)
		if (h->out.fx[i].kind == kind && h->out.fx[i].arg == arg)
			return (int)i;
	return -1;
}

uint8_t
h_user(struct harness *h, const char *name, const char *password, uint8_t priv)
{
	int id = bmc_user_add(h->bmc, name, (const uint8_t *)password, strlen(password), priv);
	assert_true(id > 0);
	return (uint8_t)id;
}

size_t
h_sensors_default(struct harness *h)
{
	struct bmc_sensor_conf confs[64];
	struct bmc_fru_conf fc;
	uint8_t img[BMC_FRU_MAX_SIZE];
	size_t n = bmc_sensor_defaults(confs, 64);
	char err[128] = "";
	int len;

	assert_true(n > 0 && n <= 64);
	/* The daemon's default: FRU 0 first, so the SDR gets its locator as the daemon's does. */
	bmc_fru_defaults(&fc, bmc_get_conf(h->bmc)->system_guid);
	len = bmc_fru_build(&fc, img, sizeof(img), err, sizeof(err));
	assert_true(len > 0);
	assert_int_equal(bmc_fru_set(h->bmc, 0, fc.name, img, (size_t)len, false), BMC_OK);
	if (bmc_sensors_set(h->bmc, &h->now, confs, n, err, sizeof(err)) != BMC_OK)
		fail_msg("bmc_sensors_set: %s", err);
	assert_int_equal(bmc_sensor_count(h->bmc), n);
	return n;
}

size_t
h_sensor(struct harness *h, const char *name_or_number)
{
	int i = bmc_sensor_find(h->bmc, name_or_number);

	if (i < 0)
		fail_msg("no sensor \"%s\"", name_or_number);
	return (size_t)i;
}

void
h_sel(struct harness *h, size_t i, uint8_t rec[BMC_SEL_ENTRY_LEN])
{
	if (bmc_sel_get(h->bmc, i, rec) != 0)
		fail_msg("no SEL entry %zu (the SEL holds %zu)", i, bmc_sel_count(h->bmc));
}
