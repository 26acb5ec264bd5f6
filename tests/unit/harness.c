#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "harness.h"

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

uint8_t
h_user(struct harness *h, const char *name, const char *password, uint8_t priv)
{
	int id = bmc_user_add(h->bmc, name, (const uint8_t *)password, strlen(password), priv);
	assert_true(id > 0);
	return (uint8_t)id;
}
