/*
 * Serial over LAN through the public door: the payload commands from a
 * logged-in test console, SOL packets both ways (bmc_handle_datagram,
 * bmc_console_output, bmc_tick) with a fake clock, the configuration
 * parameters, and 100 KiB over a link that loses packets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "client.h"
#include "core/rmcp.h"
#include "harness.h"

#define PW "Correct-Horse-9"
#define AUX_IPMITOOL 0xc6 /* encrypt, authenticate, alerts deferred, CTS/DCD deasserted */

static struct harness *
setup_bmc(void)
{
	struct bmc_conf conf;
	struct harness *h;

	bmc_conf_defaults(&conf);
	conf.suites_enabled = BMC_SUITE_SUPPORTED_MASK;
	h = h_new(&conf);
	h_user(h, "admin", PW, PRIV_ADMIN);
	h_user(h, "oper", PW, PRIV_OPERATOR);
	h_user(h, "viewer", PW, PRIV_USER);
	return h;
}

/* Log in with suite and raise the session to priv. */
static void
login(struct harness *h, struct client *c, uint16_t port, uint8_t suite, const char *user, uint8_t priv)
{
	uint8_t rsp[16];
	size_t n;

	client_init(c, h->bmc, &h->now, port);
	c->con_sid = 0xc0000000u | port;
	assert_int_equal(client_login(c, suite, user, PW, priv), 0);
	if (priv > PRIV_USER)
		assert_int_equal(client_cmd(c, NETFN_APP, 0x3b, &priv, 1, rsp, &n), CC_OK);
}

static int
activate(struct client *c, uint8_t aux, uint8_t *rsp, size_t *n)
{
	uint8_t rq[6] = {PAYLOAD_SOL, 1, aux, 0, 0, 0};
	uint8_t tmp[32];
	size_t tn;

	return client_cmd(c, NETFN_APP, 0x48, rq, sizeof(rq), rsp ? rsp : tmp, n ? n : &tn);
}

static int
deactivate(struct client *c)
{
	uint8_t rq[6] = {PAYLOAD_SOL, 1, 0, 0, 0, 0}, rsp[8];
	size_t n;

	return client_cmd(c, NETFN_APP, 0x49, rq, sizeof(rq), rsp, &n);
}

/* Get/Set SOL configuration parameters outside any session; rsp gets the completion code first. */
static size_t
sol_get(struct harness *h, uint8_t param, uint8_t *rsp)
{
	uint8_t rq[4] = {0x01, param, 0, 0};
	return h_cmd(h, PRIV_USER, NETFN_TRANSPORT, 0x22, rq, 4, rsp, 16);
}

static uint8_t
sol_set(struct harness *h, uint8_t param, const uint8_t *d, size_t n)
{
	uint8_t rq[8] = {0x01, param}, rsp[8];

	memcpy(rq + 2, d, n);
	h_cmd(h, PRIV_ADMIN, NETFN_TRANSPORT, 0x21, rq, n + 2, rsp, sizeof(rsp));
	return rsp[0];
}

static size_t
console(struct harness *h, const void *bytes, size_t n)
{
	return bmc_console_output(h->bmc, &h->now, bytes, n, &h->out);
}

static void
tick(struct harness *h)
{
	assert_int_equal(bmc_tick(h->bmc, &h->now, &h->out), BMC_OK);
}

/* The unsolicited SOL packet in h->out, for console c: checks where it goes. */
static void
unsolicited(struct harness *h, struct client *c, struct client_sol *p)
{
	assert_true(h->out.reply_len > 0);
	assert_true(h->out.reply_dst_set);
	assert_true(addr_equal(&h->out.reply_dst, &c->src));
	assert_true(client_sol_open(c, h->out.reply, h->out.reply_len, p) >= 4);
}

/* The SOL packet that answered c's last datagram. */
static void
answer(struct client *c, struct client_sol *p)
{
	assert_true(c->out.reply_len > 0);
	assert_false(c->out.reply_dst_set);
	assert_true(client_sol_open(c, c->out.reply, c->out.reply_len, p) >= 4);
}

static void
pattern(uint8_t *p, size_t n, size_t start)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)((start + i) * 7 + 1);
}

static void
test_activate_status_deactivate(void **state)
{
	static const struct {
		uint8_t suite, aux;
	} cases[] = {{17, AUX_IPMITOOL}, {3, 0xc0}, {16, 0x40}, {2, 0x46}, {15, 0x00}, {1, 0x06}};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct harness *h = setup_bmc();
		struct bmc_sol_stats st;
		struct client_sol p;
		struct client c;
		uint8_t rsp[32], data[100];
		size_t n;

		login(h, &c, 40000, cases[i].suite, "admin", PRIV_ADMIN);
		assert_false(bmc_sol_active(h->bmc));
		assert_int_equal(activate(&c, cases[i].aux, rsp, &n), CC_OK);
		assert_int_equal(n, 12);
		assert_memory_equal(rsp,
		    ((uint8_t[]){0, 0, 0, 0, SOL_PAYLOAD_MAX & 0xff, SOL_PAYLOAD_MAX >> 8,
		        SOL_PAYLOAD_MAX & 0xff, SOL_PAYLOAD_MAX >> 8, 0x6f, 0x02, 0xff, 0xff}),
		    12);
		assert_true(bmc_sol_active(h->bmc));
		bmc_sol_stats(h->bmc, &st);
		assert_true(st.active);
		assert_int_equal(st.session_id, c.bmc_sid);

		assert_int_equal(
		    client_cmd(&c, NETFN_APP, 0x4a, (uint8_t[]){PAYLOAD_SOL}, 1, rsp, &n), CC_OK);
		assert_int_equal(n, 3);
		assert_memory_equal(rsp, ((uint8_t[]){1, 0x01, 0x00}), 3);
		assert_int_equal(
		    client_cmd(&c, NETFN_APP, 0x4b, (uint8_t[]){PAYLOAD_SOL, 1}, 2, rsp, &n), CC_OK);
		assert_int_equal(n, 12);
		assert_int_equal(rsp[0] | rsp[1] << 8 | rsp[2] << 16 | (uint32_t)rsp[3] << 24, c.bmc_sid);
		assert_int_equal(rsp[4], 1);

		/* Traffic flows, sealed as the session is. */
		pattern(data, sizeof(data), 0);
		assert_int_equal(console(h, data, sizeof(data)), sizeof(data));
		unsolicited(h, &c, &p);
		assert_int_equal(h->out.reply[5] & 0xc0, ((c.conf ? 0x80 : 0) | (c.integ ? 0x40 : 0)));
		assert_int_equal(p.seq, 1);
		assert_int_equal(p.n, sizeof(data));
		assert_memory_equal(p.chars, data, sizeof(data));
		assert_true(client_sol_send(&c, 1, 0, 0, 0, (const uint8_t *)"ls\r", 3) > 0);
		assert_int_equal(c.out.console_in_len, 3);
		assert_memory_equal(c.out.console_in, "ls\r", 3);

		assert_int_equal(deactivate(&c), CC_OK);
		assert_false(bmc_sol_active(h->bmc));
		assert_int_equal(deactivate(&c), 0x80);
		assert_int_equal(
		    client_cmd(&c, NETFN_APP, 0x4a, (uint8_t[]){PAYLOAD_SOL}, 1, rsp, &n), CC_OK);
		assert_memory_equal(rsp, ((uint8_t[]){1, 0x00, 0x00}), 3);
		assert_int_equal(
		    client_cmd(&c, NETFN_APP, 0x4b, (uint8_t[]){PAYLOAD_SOL, 1}, 2, rsp, &n), CC_OK);
		assert_memory_equal(rsp, ((uint8_t[]){0, 0, 0, 0, 0}), 5);
		/* Deactivated by its own session: nobody is owed a farewell. */
		tick(h);
		assert_int_equal(h->out.reply_len, 0);
		assert_true(strstr(h->log, "SOL activated by session") != NULL);
		assert_true(strstr(h->log, "SOL deactivated") != NULL);
		h_free(h);
	}
}

static void
test_activate_refusals(void **state)
{
	struct harness *h = setup_bmc();
	struct client a, b, v;
	uint8_t rsp[16], d, viewer;

	(void)state;
	login(h, &a, 40000, 17, "admin", PRIV_ADMIN);
	login(h, &b, 40001, 2, "admin", PRIV_ADMIN); /* integrity, no encryption */
	login(h, &v, 40002, 1, "viewer", PRIV_USER); /* neither */

	/* Not SOL, not instance 1. */
	assert_int_equal(
	    client_cmd(&a, NETFN_APP, 0x48, (uint8_t[]){0, 1, 0xc0, 0, 0, 0}, 6, rsp, NULL), 0xcc);
	assert_int_equal(
	    client_cmd(&a, NETFN_APP, 0x48, (uint8_t[]){1, 2, 0xc0, 0, 0, 0}, 6, rsp, NULL), 0xcc);
	assert_int_equal(
	    client_cmd(&a, NETFN_APP, 0x48, (uint8_t[]){1, 0, 0xc0, 0, 0, 0}, 6, rsp, NULL), 0xcc);
	/* Protection: what the session has, no more, no less. */
	assert_int_equal(activate(&a, 0x80, NULL, NULL), 0xcc); /* encryption without authentication */
	assert_int_equal(activate(&a, 0x40, NULL, NULL), 0x84);
	assert_int_equal(activate(&a, 0x00, NULL, NULL), 0x84);
	assert_int_equal(activate(&b, 0xc0, NULL, NULL), 0x83);
	assert_int_equal(activate(&b, 0x00, NULL, NULL), 0x84);
	assert_int_equal(activate(&v, 0x40, NULL, NULL), 0x83);
	/* SOL parameter 2 forcing encryption: only encrypted sessions get SOL. */
	d = 0x80 | 0x40 | PRIV_USER;
	assert_int_equal(sol_set(h, 2, &d, 1), CC_OK);
	assert_int_equal(activate(&b, 0x40, NULL, NULL), 0x84);
	assert_int_equal(activate(&v, 0x00, NULL, NULL), 0x84);
	d = PRIV_USER;
	assert_int_equal(sol_set(h, 2, &d, 1), CC_OK);
	/* Disabled. */
	d = 0;
	assert_int_equal(sol_set(h, 1, &d, 1), CC_OK);
	assert_int_equal(activate(&a, AUX_IPMITOOL, NULL, NULL), 0x81);
	d = 1;
	assert_int_equal(sol_set(h, 1, &d, 1), CC_OK);
	/* Privilege required by parameter 2. */
	d = PRIV_OPERATOR;
	assert_int_equal(sol_set(h, 2, &d, 1), CC_OK);
	assert_int_equal(activate(&v, 0x00, NULL, NULL), CC_INSUFFICIENT_PRIV);
	d = PRIV_USER;
	assert_int_equal(sol_set(h, 2, &d, 1), CC_OK);
	/* The user's payload access. */
	viewer = bmc_user_find(h->bmc, "viewer");
	assert_int_equal(
	    client_cmd(&a, NETFN_APP, 0x4c, (uint8_t[]){0x0e, 0x40 | viewer, 0x02, 0, 0, 0}, 6, rsp, NULL),
	    CC_OK);
	assert_int_equal(activate(&v, 0x00, NULL, NULL), CC_INSUFFICIENT_PRIV);
	assert_int_equal(
	    client_cmd(&a, NETFN_APP, 0x4c, (uint8_t[]){0x0e, 0x00 | viewer, 0x02, 0, 0, 0}, 6, rsp, NULL),
	    CC_OK);
	assert_int_equal(activate(&v, 0x00, NULL, NULL), CC_OK);
	assert_int_equal(deactivate(&v), CC_OK);
	/* Outside an RMCP+ session there is nothing to activate. */
	h_cmd(h, PRIV_ADMIN, NETFN_APP, 0x48, (uint8_t[]){1, 1, 0, 0, 0, 0}, 6, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_NOT_SUPPORTED_NOW);
	assert_false(bmc_sol_active(h->bmc));
	h_free(h);
}

static void
test_one_console_at_a_time(void **state)
{
	struct harness *h = setup_bmc();
	struct client a, b, v1, v2;
	struct client_sol p;
	uint8_t rsp[16];
	size_t n;

	(void)state;
	login(h, &a, 40000, 17, "admin", PRIV_ADMIN);
	login(h, &b, 40001, 17, "admin", PRIV_ADMIN);
	login(h, &v1, 40002, 17, "viewer", PRIV_USER);
	login(h, &v2, 40003, 3, "viewer", PRIV_USER);
	assert_int_equal(activate(&a, AUX_IPMITOOL, NULL, NULL), CC_OK);
	assert_int_equal(activate(&b, AUX_IPMITOOL, NULL, NULL), 0x80);
	assert_int_equal(activate(&a, AUX_IPMITOOL, NULL, NULL), 0x80); /* its own, again */
	assert_int_equal(client_cmd(&b, NETFN_APP, 0x4a, (uint8_t[]){PAYLOAD_SOL}, 1, rsp, &n), CC_OK);
	assert_int_equal(rsp[1], 0x01);
	/* Another user below administrator may not take it away. */
	assert_int_equal(deactivate(&v1), CC_INSUFFICIENT_PRIV);
	assert_true(bmc_sol_active(h->bmc));
	/* An administrator may; the console that had it is told with a last packet. */
	assert_int_equal(deactivate(&b), CC_OK);
	assert_false(bmc_sol_active(h->bmc));
	tick(h);
	unsolicited(h, &a, &p);
	assert_int_equal(p.seq, 0);
	assert_int_equal(p.status & 0x10, 0x10);
	tick(h);
	assert_int_equal(h->out.reply_len, 0);
	assert_int_equal(activate(&b, AUX_IPMITOOL, NULL, NULL), CC_OK);
	/* A's packets now find no payload: NACKed with "deactivating", nothing delivered. */
	assert_true(client_sol_send(&a, 1, 0, 0, 0, (const uint8_t *)"x", 1) > 0);
	assert_int_equal(a.out.console_in_len, 0);
	answer(&a, &p);
	assert_int_equal(p.ack, 1);
	assert_int_equal(p.accepted, 0);
	assert_int_equal(p.status, 0x50);
	/* Nor does anything of B's reach A. */
	assert_int_equal(console(h, "hello", 5), 5);
	assert_int_equal(deactivate(&b), CC_OK);
	/* The same user from another session may take its own console back. */
	assert_int_equal(activate(&v1, 0xc0, NULL, NULL), CC_OK);
	assert_int_equal(deactivate(&v2), CC_OK);
	assert_false(bmc_sol_active(h->bmc));
	h_free(h);
}

static void
test_session_end_releases(void **state)
{
	struct harness *h = setup_bmc();
	struct bmc_sol_stats st;
	struct client a, b;
	struct client_sol p;
	uint8_t rsp[16], sid[4];
	unsigned before;

	(void)state;
	login(h, &a, 40000, 17, "admin", PRIV_ADMIN);
	login(h, &b, 40001, 17, "admin", PRIV_ADMIN);
	/* Close Session. */
	assert_int_equal(activate(&a, AUX_IPMITOOL, NULL, NULL), CC_OK);
	sid[0] = (uint8_t)a.bmc_sid;
	sid[1] = (uint8_t)(a.bmc_sid >> 8);
	sid[2] = (uint8_t)(a.bmc_sid >> 16);
	sid[3] = (uint8_t)(a.bmc_sid >> 24);
	assert_int_equal(client_cmd(&a, NETFN_APP, 0x3c, sid, 4, rsp, NULL), CC_OK);
	assert_false(bmc_sol_active(h->bmc));
	tick(h);
	assert_int_equal(h->out.reply_len, 0);

	/* The owner goes idle: its session times out, and its console hears so first. */
	assert_int_equal(activate(&b, AUX_IPMITOOL, NULL, NULL), CC_OK);
	before = session_count(h->bmc, SESS_ACTIVE);
	h->now.mono_ms += h->bmc->conf.session_timeout_ms - 1;
	tick(h);
	assert_true(bmc_sol_active(h->bmc));
	h->now.mono_ms += 1;
	tick(h);
	unsolicited(h, &b, &p);
	assert_int_equal(p.status & 0x10, 0x10);
	assert_false(bmc_sol_active(h->bmc));
	assert_int_equal(session_count(h->bmc, SESS_ACTIVE), before - 1);
	bmc_sol_stats(h->bmc, &st);
	assert_false(st.active);
	assert_int_equal(st.session_id, b.bmc_sid);

	/* Cold/Warm Reset: the edge drops every session, and the payload with them. */
	login(h, &a, 40010, 17, "admin", PRIV_ADMIN);
	assert_int_equal(activate(&a, AUX_IPMITOOL, NULL, NULL), CC_OK);
	assert_int_equal(client_cmd(&a, NETFN_APP, 0x02, NULL, 0, rsp, NULL), CC_OK);
	assert_int_equal(a.out.nfx, 1);
	assert_int_equal(a.out.fx[0].kind, FX_RESET_BMC);
	bmc_reset_sessions(h->bmc); /* what the edge does after sending the reply */
	assert_false(bmc_sol_active(h->bmc));
	h_free(h);
}

static void
test_lengths_and_privileges(void **state)
{
	static const struct {
		uint8_t netfn, cmd, priv, min, max;
	} rows[] = {
	    {NETFN_APP, 0x48, PRIV_USER, 6, 6},
	    {NETFN_APP, 0x49, PRIV_USER, 6, 6},
	    {NETFN_APP, 0x4a, PRIV_USER, 1, 1},
	    {NETFN_APP, 0x4b, PRIV_USER, 2, 2},
	    {NETFN_APP, 0x4c, PRIV_ADMIN, 6, 6},
	    {NETFN_APP, 0x4d, PRIV_OPERATOR, 2, 2},
	    {NETFN_APP, 0x4e, PRIV_USER, 1, 1},
	    {NETFN_APP, 0x4f, PRIV_USER, 2, 2},
	    {NETFN_TRANSPORT, 0x21, PRIV_ADMIN, 2, 6},
	    {NETFN_TRANSPORT, 0x22, PRIV_USER, 4, 4},
	};
	struct harness *h = setup_bmc();
	uint8_t rq[16] = {0}, rsp[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct cmd_desc *d = dispatch_find(rows[i].netfn, rows[i].cmd);

		assert_non_null(d);
		assert_int_equal(d->min_priv, rows[i].priv);
		assert_int_equal(d->min_len, rows[i].min);
		assert_int_equal(d->max_len, rows[i].max);
		h_cmd(h, (uint8_t)(rows[i].priv - 1), rows[i].netfn, rows[i].cmd, rq, rows[i].min, rsp,
		    sizeof(rsp));
		assert_int_equal(rsp[0], CC_INSUFFICIENT_PRIV);
		h_cmd(h, rows[i].priv, rows[i].netfn, rows[i].cmd, rq, rows[i].min - 1u, rsp, sizeof(rsp));
		assert_int_equal(rsp[0], CC_REQ_LEN);
		h_cmd(h, rows[i].priv, rows[i].netfn, rows[i].cmd, rq, rows[i].max + 1u, rsp, sizeof(rsp));
		assert_int_equal(rsp[0], CC_REQ_LEN);
	}
	/* A session at user privilege meets the same rows. */
	{
		struct client v;
		login(h, &v, 40000, 17, "viewer", PRIV_USER);
		assert_int_equal(
		    client_cmd(&v, NETFN_APP, 0x4d, (uint8_t[]){1, 2}, 2, rsp, NULL), CC_INSUFFICIENT_PRIV);
		assert_int_equal(client_cmd(&v, NETFN_TRANSPORT, 0x21, (uint8_t[]){1, 1, 0}, 3, rsp, NULL),
		    CC_INSUFFICIENT_PRIV);
		assert_int_equal(
		    client_cmd(&v, NETFN_TRANSPORT, 0x22, (uint8_t[]){1, 1, 0, 0}, 4, rsp, NULL), CC_OK);
		assert_int_equal(client_cmd(&v, NETFN_APP, 0x4e, (uint8_t[]){1}, 1, rsp, NULL), CC_OK);
	}
	h_free(h);
}

static void
test_config_parameters(void **state)
{
	static const struct {
		uint8_t param, len, data[2];
	} defaults[] = {
	    {0, 1, {0x00}},
	    {1, 1, {0x01}},
	    {2, 1, {PRIV_USER}},
	    {3, 2, {12, 96}},
	    {4, 2, {7, 50}},
	    {5, 1, {0x0a}},
	    {6, 1, {0x0a}},
	    {7, 1, {CHANNEL_LAN}},
	    {8, 2, {0x6f, 0x02}},
	};
	struct harness *h = setup_bmc();
	uint8_t rsp[16], rq[8];
	size_t i, n;
	bool durable;

	(void)state;
	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		n = sol_get(h, defaults[i].param, rsp);
		assert_int_equal(rsp[0], CC_OK);
		assert_int_equal(n, 2u + defaults[i].len);
		assert_int_equal(rsp[1], 0x11);
		assert_memory_equal(rsp + 2, defaults[i].data, defaults[i].len);
	}
	/* Revision only; the current channel; unknown parameters; other channels. */
	n = h_cmd(h, PRIV_USER, NETFN_TRANSPORT, 0x22, (uint8_t[]){0x81, 3, 0, 0}, 4, rsp, sizeof(rsp));
	assert_int_equal(n, 2);
	assert_int_equal(rsp[1], 0x11);
	n = h_cmd(h, PRIV_USER, NETFN_TRANSPORT, 0x22, (uint8_t[]){0x0e, 3, 0, 0}, 4, rsp, sizeof(rsp));
	assert_int_equal(n, 4);
	assert_int_equal(sol_get(h, 9, rsp), 1);
	assert_int_equal(rsp[0], CC_PARAM_UNSUPPORTED);
	h_cmd(h, PRIV_USER, NETFN_TRANSPORT, 0x22, (uint8_t[]){0x02, 1, 0, 0}, 4, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INVALID_FIELD);

	/* Set: stored, durable, read back. */
	rq[0] = 0x01;
	rq[1] = 3;
	rq[2] = 20;
	rq[3] = 10;
	h_cmd_durable(h, PRIV_ADMIN, NETFN_TRANSPORT, 0x21, rq, 4, rsp, sizeof(rsp), &durable);
	assert_int_equal(rsp[0], CC_OK);
	assert_true(durable);
	assert_true(h_fx_find(h, FX_SAVE_PARAM, BMC_PARAM_SOL) >= 0);
	sol_get(h, 3, rsp);
	assert_memory_equal(rsp + 2, ((uint8_t[]){20, 10}), 2);
	assert_int_equal(sol_set(h, 4, (uint8_t[]){3, 20}, 2), CC_OK);
	assert_int_equal(sol_set(h, 5, (uint8_t[]){0x08}, 1), CC_OK);
	assert_int_equal(sol_set(h, 2, (uint8_t[]){0xc0 | PRIV_OPERATOR}, 1), CC_OK);
	/* Parameter 6 is volatile: nothing to store. */
	bmc_out_reset(&h->out);
	assert_int_equal(sol_set(h, 6, (uint8_t[]){0x07}, 1), CC_OK);
	assert_int_equal(h->out.nfx, 0);
	sol_get(h, 6, rsp);
	assert_int_equal(rsp[2], 0x07);
	/* The port may be written back as it is, not moved. */
	assert_int_equal(sol_set(h, 8, (uint8_t[]){0x6f, 0x02}, 2), CC_OK);
	assert_int_equal(h->out.nfx, 0);
	assert_int_equal(sol_set(h, 8, (uint8_t[]){0x70, 0x02}, 2), CC_INVALID_FIELD);

	/* Refusals. */
	assert_int_equal(sol_set(h, 7, (uint8_t[]){1}, 1), CC_PARAM_READ_ONLY);
	assert_int_equal(sol_set(h, 9, (uint8_t[]){1}, 1), CC_PARAM_UNSUPPORTED);
	assert_int_equal(sol_set(h, 3, (uint8_t[]){1}, 1), CC_REQ_LEN);
	assert_int_equal(sol_set(h, 1, (uint8_t[]){1, 0}, 2), CC_REQ_LEN);
	assert_int_equal(sol_set(h, 1, (uint8_t[]){2}, 1), CC_INVALID_FIELD);
	assert_int_equal(sol_set(h, 2, (uint8_t[]){PRIV_CALLBACK}, 1), CC_INVALID_FIELD);
	assert_int_equal(sol_set(h, 2, (uint8_t[]){0x10 | PRIV_USER}, 1), CC_INVALID_FIELD);
	assert_int_equal(sol_set(h, 3, (uint8_t[]){0, 10}, 2), CC_INVALID_FIELD);
	assert_int_equal(sol_set(h, 4, (uint8_t[]){8, 10}, 2), CC_INVALID_FIELD);
	assert_int_equal(sol_set(h, 5, (uint8_t[]){0x05}, 1), CC_INVALID_FIELD);
	assert_int_equal(sol_set(h, 6, (uint8_t[]){0x0b}, 1), CC_INVALID_FIELD);
	h_cmd(h, PRIV_ADMIN, NETFN_TRANSPORT, 0x21, (uint8_t[]){0x02, 1, 1}, 3, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INVALID_FIELD);

	/* Set in progress: one holder at a time; commit and complete release it. */
	assert_int_equal(sol_set(h, 0, (uint8_t[]){1}, 1), CC_OK);
	assert_int_equal(sol_set(h, 0, (uint8_t[]){1}, 1), CC_SET_IN_PROGRESS);
	sol_get(h, 0, rsp);
	assert_int_equal(rsp[2], 1);
	assert_int_equal(sol_set(h, 0, (uint8_t[]){2}, 1), CC_OK);
	sol_get(h, 0, rsp);
	assert_int_equal(rsp[2], 0);
	assert_int_equal(sol_set(h, 0, (uint8_t[]){1}, 1), CC_OK);
	h->now.mono_ms += 60000;
	tick(h);
	sol_get(h, 0, rsp);
	assert_int_equal(rsp[2], 0); /* a client that died mid-set locks nobody out */
	assert_int_equal(sol_set(h, 0, (uint8_t[]){3}, 1), CC_INVALID_FIELD);

	/* Persisted: what the store gets back is what a new instance reads. */
	{
		struct harness *h2 = setup_bmc();
		uint8_t blob[BMC_PARAM_BLOB_MAX];

		assert_string_equal(bmc_param_key(BMC_PARAM_SOL), "sol.config");
		assert_int_equal(bmc_param_by_key("sol.config"), BMC_PARAM_SOL);
		assert_int_equal(bmc_param_by_key("sol.payload_denied"), BMC_PARAM_SOL_PAYLOAD_ACCESS);
		n = bmc_param_export(h->bmc, BMC_PARAM_SOL, blob);
		assert_int_equal(n, 7);
		assert_int_equal(bmc_param_import(h2->bmc, BMC_PARAM_SOL, blob, n - 1), BMC_ERR_INVALID);
		assert_int_equal(bmc_param_import(h2->bmc, BMC_PARAM_SOL, blob, n), BMC_OK);
		sol_get(h2, 2, rsp);
		assert_int_equal(rsp[2], 0xc0 | PRIV_OPERATOR);
		sol_get(h2, 3, rsp);
		assert_memory_equal(rsp + 2, ((uint8_t[]){20, 10}), 2);
		sol_get(h2, 4, rsp);
		assert_memory_equal(rsp + 2, ((uint8_t[]){3, 20}), 2);
		sol_get(h2, 5, rsp);
		assert_int_equal(rsp[2], 0x08);
		sol_get(h2, 6, rsp);
		assert_int_equal(rsp[2], 0x08); /* volatile: starts from the non-volatile rate */
		/* A blob with nonsense in it is tamed. */
		memcpy(blob, (uint8_t[]){0xff, 0x31, 0, 10, 0xff, 5, 0x04}, 7);
		assert_int_equal(bmc_param_import(h2->bmc, BMC_PARAM_SOL, blob, 7), BMC_OK);
		sol_get(h2, 1, rsp);
		assert_int_equal(rsp[2], 0x01);
		sol_get(h2, 2, rsp);
		assert_int_equal(rsp[2], PRIV_USER);
		sol_get(h2, 3, rsp);
		assert_int_equal(rsp[2], 1);
		sol_get(h2, 4, rsp);
		assert_int_equal(rsp[2], 7);
		sol_get(h2, 5, rsp);
		assert_int_equal(rsp[2], 0x0a);
		h_free(h2);
	}
	h_free(h);
}

static void
test_payload_commands(void **state)
{
	struct harness *h = setup_bmc();
	uint8_t rsp[32], blob[BMC_PARAM_BLOB_MAX];
	size_t n;
	bool durable;

	(void)state;
	/* Every user may use SOL until told otherwise. */
	for (n = 1; n <= BMC_MAX_USERS; n++) {
		h_cmd(h, PRIV_OPERATOR, NETFN_APP, 0x4d, (uint8_t[]){0x01, (uint8_t)n}, 2, rsp, sizeof(rsp));
		assert_int_equal(rsp[0], CC_OK);
		assert_memory_equal(rsp + 1, ((uint8_t[]){0x02, 0, 0, 0}), 4);
	}
	/* ipmitool sol payload disable 1 3 */
	h_cmd_durable(h, PRIV_ADMIN, NETFN_APP, 0x4c, (uint8_t[]){0x01, 0x40 | 3, 0x02, 0, 0, 0}, 6, rsp,
	    sizeof(rsp), &durable);
	assert_int_equal(rsp[0], CC_OK);
	assert_true(durable);
	assert_true(h_fx_find(h, FX_SAVE_PARAM, BMC_PARAM_SOL_PAYLOAD_ACCESS) >= 0);
	n = h_cmd(h, PRIV_OPERATOR, NETFN_APP, 0x4d, (uint8_t[]){0x0e, 3}, 2, rsp, sizeof(rsp));
	assert_int_equal(n, 5);
	assert_int_equal(rsp[1], 0x00);
	h_cmd(h, PRIV_OPERATOR, NETFN_APP, 0x4d, (uint8_t[]){0x01, 2}, 2, rsp, sizeof(rsp));
	assert_int_equal(rsp[1], 0x02);
	/* Bits for payloads we don't carry change nothing and store nothing. */
	h_cmd(h, PRIV_ADMIN, NETFN_APP, 0x4c, (uint8_t[]){0x01, 3, 0x04, 0xff, 0xff, 0}, 6, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_OK);
	assert_int_equal(h->out.nfx, 0);
	/* It persists. */
	{
		struct harness *h2 = setup_bmc();

		n = bmc_param_export(h->bmc, BMC_PARAM_SOL_PAYLOAD_ACCESS, blob);
		assert_int_equal(bmc_param_import(h2->bmc, BMC_PARAM_SOL_PAYLOAD_ACCESS, blob, n), BMC_OK);
		h_cmd(h2, PRIV_OPERATOR, NETFN_APP, 0x4d, (uint8_t[]){0x01, 3}, 2, rsp, sizeof(rsp));
		assert_int_equal(rsp[1], 0x00);
		h_free(h2);
	}
	/* Refusals: user IDs, channels, operations. */
	h_cmd(h, PRIV_OPERATOR, NETFN_APP, 0x4d, (uint8_t[]){0x01, 0}, 2, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INVALID_FIELD);
	h_cmd(h, PRIV_OPERATOR, NETFN_APP, 0x4d, (uint8_t[]){0x01, BMC_MAX_USERS + 1}, 2, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INVALID_FIELD);
	h_cmd(h, PRIV_OPERATOR, NETFN_APP, 0x4d, (uint8_t[]){0x02, 2}, 2, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INVALID_FIELD);
	h_cmd(
	    h, PRIV_ADMIN, NETFN_APP, 0x4c, (uint8_t[]){0x01, 0x80 | 3, 0x02, 0, 0, 0}, 6, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INVALID_FIELD);
	h_cmd(h, PRIV_ADMIN, NETFN_APP, 0x4c, (uint8_t[]){0x01, 0, 0x02, 0, 0, 0}, 6, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INVALID_FIELD);

	/* What the channel carries. */
	n = h_cmd(h, PRIV_USER, NETFN_APP, 0x4e, (uint8_t[]){0x0e}, 1, rsp, sizeof(rsp));
	assert_int_equal(n, 9);
	assert_memory_equal(rsp, ((uint8_t[]){0, 0x03, 0x00, 0x3f, 0x00, 0, 0, 0, 0}), 9);
	h_cmd(h, PRIV_USER, NETFN_APP, 0x4e, (uint8_t[]){0x02}, 1, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INVALID_FIELD);
	n = h_cmd(h, PRIV_USER, NETFN_APP, 0x4f, (uint8_t[]){0x01, PAYLOAD_SOL}, 2, rsp, sizeof(rsp));
	assert_int_equal(n, 2);
	assert_int_equal(rsp[1], 0x10);
	h_cmd(h, PRIV_USER, NETFN_APP, 0x4f, (uint8_t[]){0x01, PAYLOAD_IPMI}, 2, rsp, sizeof(rsp));
	assert_int_equal(rsp[1], 0x10);
	h_cmd(h, PRIV_USER, NETFN_APP, 0x4f, (uint8_t[]){0x01, PAYLOAD_RAKP3}, 2, rsp, sizeof(rsp));
	assert_int_equal(rsp[1], 0x10);
	h_cmd(h, PRIV_USER, NETFN_APP, 0x4f, (uint8_t[]){0x01, PAYLOAD_OEM}, 2, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], 0x80);
	/* Status and instance info of what isn't SOL instance 1. */
	h_cmd(h, PRIV_USER, NETFN_APP, 0x4a, (uint8_t[]){PAYLOAD_IPMI}, 1, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INVALID_FIELD);
	h_cmd(h, PRIV_USER, NETFN_APP, 0x4b, (uint8_t[]){PAYLOAD_SOL, 2}, 2, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INVALID_FIELD);
	h_cmd(h, PRIV_USER, NETFN_APP, 0x49, (uint8_t[]){PAYLOAD_SOL, 2, 0, 0, 0, 0}, 6, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], CC_INVALID_FIELD);
	h_cmd(h, PRIV_USER, NETFN_APP, 0x49, (uint8_t[]){PAYLOAD_SOL, 1, 0, 0, 0, 0}, 6, rsp, sizeof(rsp));
	assert_int_equal(rsp[0], 0x80);
	h_free(h);
}

/* A SOL session from console c of a fresh instance. */
static struct harness *
sol_up(struct client *c)
{
	struct harness *h = setup_bmc();

	login(h, c, 40000, 17, "admin", PRIV_ADMIN);
	assert_int_equal(activate(c, AUX_IPMITOOL, NULL, NULL), CC_OK);
	return h;
}

static void
test_output_accumulates_then_follows_acks(void **state)
{
	struct client c;
	struct harness *h = sol_up(&c);
	struct bmc_sol_stats st;
	struct client_sol p;
	uint8_t data[400];
	uint64_t t0;

	(void)state;
	pattern(data, sizeof(data), 0);
	/* Below the threshold: held for the accumulate interval (60 ms). */
	t0 = h->now.mono_ms;
	assert_int_equal(console(h, data, 10), 10);
	assert_int_equal(h->out.reply_len, 0);
	assert_int_equal(bmc_sol_deadline(h->bmc), t0 + 60);
	h->now.mono_ms = t0 + 59;
	tick(h);
	assert_int_equal(h->out.reply_len, 0);
	h->now.mono_ms = t0 + 60;
	tick(h);
	unsolicited(h, &c, &p);
	assert_int_equal(p.seq, 1);
	assert_int_equal(p.ack, 0);
	assert_int_equal(p.status, 0);
	assert_int_equal(p.n, 10);
	assert_memory_equal(p.chars, data, 10);
	assert_int_equal(bmc_sol_deadline(h->bmc), t0 + 60 + 500);

	/* One packet in flight: more output waits for its ACK... */
	assert_int_equal(console(h, data + 10, 300), 300);
	assert_int_equal(h->out.reply_len, 0);
	assert_int_equal(bmc_sol_room(h->bmc), BMC_SOL_BUFFER - 310);
	/* ...and goes in the reply to it, whatever the threshold. */
	assert_true(client_sol_send(&c, 0, 1, 10, 0, NULL, 0) > 0);
	answer(&c, &p);
	assert_int_equal(p.seq, 2);
	assert_int_equal(p.n, SOL_CHARS_MAX);
	assert_memory_equal(p.chars, data + 10, SOL_CHARS_MAX);
	assert_true(client_sol_send(&c, 0, 2, SOL_CHARS_MAX, 0, NULL, 0) > 0);
	answer(&c, &p);
	assert_int_equal(p.seq, 3);
	assert_int_equal(p.n, 300 - SOL_CHARS_MAX);
	assert_memory_equal(p.chars, data + 10 + SOL_CHARS_MAX, 300 - SOL_CHARS_MAX);
	/* An ACK for a packet not in flight changes nothing. */
	assert_int_equal(client_sol_send(&c, 0, 2, 48, 0, NULL, 0), 0);
	assert_int_equal(client_sol_send(&c, 0, 3, 48, 0, NULL, 0), 0);
	assert_int_equal(bmc_sol_room(h->bmc), BMC_SOL_BUFFER);
	assert_int_equal(bmc_sol_deadline(h->bmc), 0);
	/* At the threshold (96): at once. */
	assert_int_equal(console(h, data, 96), 96);
	unsolicited(h, &c, &p);
	assert_int_equal(p.seq, 4);
	assert_int_equal(p.n, 96);
	/* Sequence numbers run 1..15 and wrap to 1. */
	{
		int i;
		for (i = 0; i < 12; i++) {
			assert_true(client_sol_send(&c, 0, p.seq, (uint8_t)p.n, 0, NULL, 0) == 0);
			assert_int_equal(console(h, data, 96), 96);
			unsolicited(h, &c, &p);
		}
		assert_int_equal(p.seq, 1);
	}
	bmc_sol_stats(h->bmc, &st);
	assert_int_equal(st.tx_bytes, 310 + 96 * 12);
	assert_int_equal(st.retransmits, 0);
	assert_int_equal(st.dropped, 0);
	h_free(h);
}

static void
test_retransmission(void **state)
{
	struct client c;
	struct harness *h = sol_up(&c);
	struct bmc_sol_stats st;
	struct client_sol p;
	uint8_t data[100];
	uint64_t t0;
	int i;

	(void)state;
	pattern(data, sizeof(data), 3);
	t0 = h->now.mono_ms;
	assert_int_equal(console(h, data, sizeof(data)), sizeof(data));
	unsolicited(h, &c, &p);
	assert_int_equal(p.seq, 1);
	h->now.mono_ms = t0 + 499;
	tick(h);
	assert_int_equal(h->out.reply_len, 0);
	/* Past the retry interval (500 ms): the same packet, from a tick or from console output. */
	h->now.mono_ms = t0 + 500;
	tick(h);
	unsolicited(h, &c, &p);
	assert_int_equal(p.seq, 1);
	assert_int_equal(p.n, sizeof(data));
	assert_memory_equal(p.chars, data, sizeof(data));
	h->now.mono_ms += 500;
	assert_int_equal(console(h, "z", 1), 1);
	unsolicited(h, &c, &p);
	assert_int_equal(p.seq, 1);
	assert_int_equal(p.n, sizeof(data));
	/* Past the retry count (7) too: console output is not given up on. */
	for (i = 0; i < 10; i++) {
		h->now.mono_ms += 500;
		tick(h);
		unsolicited(h, &c, &p);
		assert_int_equal(p.seq, 1);
	}
	bmc_sol_stats(h->bmc, &st);
	assert_int_equal(st.retransmits, 12);
	/* The ACK ends it, and the byte queued meanwhile follows at once. */
	assert_true(client_sol_send(&c, 0, 1, sizeof(data), 0, NULL, 0) > 0);
	answer(&c, &p);
	assert_int_equal(p.seq, 2);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.chars[0], 'z');
	assert_int_equal(client_sol_send(&c, 0, 2, 1, 0, NULL, 0), 0);
	h->now.mono_ms += 5000;
	tick(h);
	assert_int_equal(h->out.reply_len, 0);
	h_free(h);
}

static void
test_nack_holds_data(void **state)
{
	struct client c;
	struct harness *h = sol_up(&c);
	struct client_sol p;
	uint8_t data[200];

	(void)state;
	pattern(data, sizeof(data), 9);
	assert_int_equal(console(h, data, 100), 100);
	unsolicited(h, &c, &p);
	assert_int_equal(p.seq, 1);
	/* The console NACKs it, having taken 40: the rest waits, not retried, while more queues. */
	assert_int_equal(client_sol_send(&c, 0, 1, 40, 0x40, NULL, 0), 0);
	h->now.mono_ms += 2000;
	tick(h);
	assert_int_equal(h->out.reply_len, 0);
	assert_int_equal(console(h, data + 100, 100), 100);
	assert_int_equal(h->out.reply_len, 0);
	assert_int_equal(bmc_sol_deadline(h->bmc), 0);
	/* Its own characters still get through, ACKed, while it holds ours. */
	assert_true(client_sol_send(&c, 1, 0, 0, 0x40, (const uint8_t *)"q", 1) > 0);
	assert_int_equal(c.out.console_in_len, 1);
	answer(&c, &p);
	assert_int_equal(p.seq, 0);
	assert_int_equal(p.ack, 1);
	assert_int_equal(p.accepted, 1);
	/* A packet without the NACK resumes: everything not taken, in a new packet. */
	assert_true(client_sol_send(&c, 0, 0, 0, 0, NULL, 0) > 0);
	answer(&c, &p);
	assert_int_equal(p.seq, 2);
	assert_int_equal(p.n, 160);
	assert_memory_equal(p.chars, data + 40, 160);
	assert_int_equal(client_sol_send(&c, 0, 2, 160, 0, NULL, 0), 0);
	assert_int_equal(bmc_sol_room(h->bmc), BMC_SOL_BUFFER);
	h_free(h);
}

static void
test_partial_accept(void **state)
{
	struct client c;
	struct harness *h = sol_up(&c);
	struct bmc_sol_stats st;
	struct client_sol p;
	uint8_t data[100];

	(void)state;
	pattern(data, sizeof(data), 1);
	assert_int_equal(console(h, data, 100), 100);
	unsolicited(h, &c, &p);
	/* 40 taken: the other 60 at once, under a new sequence number. */
	assert_true(client_sol_send(&c, 0, 1, 40, 0, NULL, 0) > 0);
	answer(&c, &p);
	assert_int_equal(p.seq, 2);
	assert_int_equal(p.n, 60);
	assert_memory_equal(p.chars, data + 40, 60);
	/* None taken (a full console): all again. */
	assert_true(client_sol_send(&c, 0, 2, 0, 0, NULL, 0) > 0);
	answer(&c, &p);
	assert_int_equal(p.seq, 3);
	assert_int_equal(p.n, 60);
	/* More than was sent counts as all. */
	assert_int_equal(client_sol_send(&c, 0, 3, 200, 0, NULL, 0), 0);
	bmc_sol_stats(h->bmc, &st);
	assert_int_equal(st.tx_bytes, 100);
	h_free(h);
}

static void
test_inbound_once(void **state)
{
	struct client c;
	struct harness *h = sol_up(&c);
	struct bmc_sol_stats st;
	struct client_sol p;
	uint8_t data[300];

	(void)state;
	assert_true(client_sol_send(&c, 1, 0, 0, 0, (const uint8_t *)"abc", 3) > 0);
	assert_int_equal(c.out.console_in_len, 3);
	assert_memory_equal(c.out.console_in, "abc", 3);
	assert_false(c.out.console_break);
	answer(&c, &p);
	assert_int_equal(p.seq, 0);
	assert_int_equal(p.ack, 1);
	assert_int_equal(p.accepted, 3);
	assert_int_equal(p.status, 0);
	/* The console did not hear the ACK and sends it again: ACKed again, not typed twice. */
	assert_true(client_sol_send(&c, 1, 0, 0, 0, (const uint8_t *)"abc", 3) > 0);
	assert_int_equal(c.out.console_in_len, 0);
	answer(&c, &p);
	assert_int_equal(p.ack, 1);
	assert_int_equal(p.accepted, 3);
	assert_true(client_sol_send(&c, 2, 0, 0, 0, (const uint8_t *)"d", 1) > 0);
	assert_int_equal(c.out.console_in_len, 1);
	assert_int_equal(c.out.console_in[0], 'd');
	/* A break, once. */
	assert_true(client_sol_send(&c, 3, 0, 0, 0x10, NULL, 0) > 0);
	assert_true(c.out.console_break);
	answer(&c, &p);
	assert_int_equal(p.ack, 3);
	assert_int_equal(p.accepted, 0);
	assert_true(client_sol_send(&c, 3, 0, 0, 0x10, NULL, 0) > 0);
	assert_false(c.out.console_break);
	/* Output pending: the ACK rides on the data packet. */
	assert_int_equal(console(h, "0123456789", 10), 10);
	assert_int_equal(h->out.reply_len, 0);
	assert_true(client_sol_send(&c, 4, 0, 0, 0, (const uint8_t *)"e", 1) > 0);
	answer(&c, &p);
	assert_int_equal(p.seq, 1);
	assert_int_equal(p.ack, 4);
	assert_int_equal(p.accepted, 1);
	assert_int_equal(p.n, 10);
	assert_memory_equal(p.chars, "0123456789", 10);
	/* Both at once: our packet ACKed, theirs carrying data. */
	assert_int_equal(console(h, "xyz", 3), 3);
	assert_true(client_sol_send(&c, 5, 1, 10, 0, (const uint8_t *)"f", 1) > 0);
	answer(&c, &p);
	assert_int_equal(p.seq, 2);
	assert_int_equal(p.ack, 5);
	assert_int_equal(p.n, 3);
	/* Flush outbound drops what waits; ack-only packets with nothing to say get no answer. */
	assert_int_equal(client_sol_send(&c, 0, 2, 3, 0, NULL, 0), 0);
	assert_int_equal(console(h, "0123456789", 10), 10);
	assert_int_equal(client_sol_send(&c, 0, 0, 0, 0x01, NULL, 0), 0);
	assert_int_equal(bmc_sol_room(h->bmc), BMC_SOL_BUFFER);
	/* More than one packet may carry: what fits is taken and said so. */
	pattern(data, sizeof(data), 0);
	assert_true(client_sol_send(&c, 6, 0, 0, 0, data, sizeof(data)) > 0);
	assert_int_equal(c.out.console_in_len, 255);
	answer(&c, &p);
	assert_int_equal(p.accepted, 255);
	/* Runt packets are dropped. */
	{
		uint8_t pkt[BMC_DGRAM_MAX];
		size_t n =
		    client_seal_payload(&c, PAYLOAD_SOL, (const uint8_t *)"\x07\x00", 2, pkt, sizeof(pkt));
		assert_int_equal(client_send(&c, pkt, n), 0);
	}
	bmc_sol_stats(h->bmc, &st);
	assert_int_equal(st.rx_bytes, 3 + 1 + 1 + 1 + 255);
	h_free(h);
}

static void
test_overflow(void **state)
{
	struct client c;
	struct harness *h = sol_up(&c);
	struct bmc_sol_stats st;
	struct client_sol p;
	uint8_t *data = malloc(BMC_SOL_BUFFER + 100);

	(void)state;
	assert_non_null(data);
	pattern(data, BMC_SOL_BUFFER + 100, 0);
	assert_int_equal(console(h, data, BMC_SOL_BUFFER + 100), BMC_SOL_BUFFER);
	assert_int_equal(bmc_sol_room(h->bmc), 0);
	bmc_sol_stats(h->bmc, &st);
	assert_int_equal(st.dropped, 100);
	/* The next packet says so, and its retransmission too; the one after does not. */
	unsolicited(h, &c, &p);
	assert_int_equal(p.status, 0x08);
	assert_memory_equal(p.chars, data, SOL_CHARS_MAX);
	h->now.mono_ms += 500;
	tick(h);
	unsolicited(h, &c, &p);
	assert_int_equal(p.status, 0x08);
	assert_true(client_sol_send(&c, 0, 1, SOL_CHARS_MAX, 0, NULL, 0) > 0);
	answer(&c, &p);
	assert_int_equal(p.status, 0x00);
	assert_memory_equal(p.chars, data + SOL_CHARS_MAX, SOL_CHARS_MAX);
	assert_int_equal(bmc_sol_room(h->bmc), SOL_CHARS_MAX);
	/* Full again: what doesn't fit is refused, counted, and flagged on a later packet. */
	assert_int_equal(console(h, data, SOL_CHARS_MAX + 7), SOL_CHARS_MAX);
	assert_int_equal(h->out.reply_len, 0);
	bmc_sol_stats(h->bmc, &st);
	assert_int_equal(st.dropped, 107);
	assert_true(client_sol_send(&c, 0, 2, SOL_CHARS_MAX, 0, NULL, 0) > 0);
	answer(&c, &p);
	assert_int_equal(p.status, 0x08);
	free(data);
	h_free(h);
}

static void
test_deactivating_bit_when_disabled(void **state)
{
	struct client c, b;
	struct harness *h = sol_up(&c);
	struct client_sol p;
	uint8_t rsp[8];

	(void)state;
	login(h, &b, 40001, 17, "admin", PRIV_ADMIN);
	assert_int_equal(console(h, "boot", 4), 4);
	/* An administrator turns SOL off: the console in use hears "SOL deactivating". */
	assert_int_equal(client_cmd(&b, NETFN_TRANSPORT, 0x21, (uint8_t[]){0x01, 1, 0}, 3, rsp, NULL), CC_OK);
	assert_false(bmc_sol_active(h->bmc));
	assert_int_equal(console(h, "more", 4), 0);
	assert_int_equal(bmc_sol_deadline(h->bmc), 1);
	tick(h);
	unsolicited(h, &c, &p);
	assert_int_equal(p.status & 0x10, 0x10);
	assert_int_equal(p.n, 0);
	assert_int_equal(bmc_sol_deadline(h->bmc), 0);
	assert_int_equal(activate(&c, AUX_IPMITOOL, NULL, NULL), 0x81);
	assert_int_equal(client_cmd(&b, NETFN_TRANSPORT, 0x21, (uint8_t[]){0x01, 1, 1}, 3, rsp, NULL), CC_OK);
	assert_int_equal(activate(&c, AUX_IPMITOOL, NULL, NULL), CC_OK);
	h_free(h);
}

static void
test_inactive(void **state)
{
	struct harness *h = setup_bmc();
	struct bmc_sol_stats st;
	struct client c;

	(void)state;
	assert_int_equal(console(h, "nobody", 6), 0);
	assert_int_equal(h->out.reply_len, 0);
	assert_int_equal(bmc_sol_room(h->bmc), 0);
	assert_int_equal(bmc_sol_deadline(h->bmc), 0);
	bmc_sol_stats(h->bmc, &st);
	assert_false(st.active);
	assert_int_equal(st.session_id, 0);
	/* A SOL packet in a session that never activated: NACKed, nothing typed. */
	login(h, &c, 40000, 17, "admin", PRIV_ADMIN);
	assert_true(client_sol_send(&c, 1, 0, 0, 0, (const uint8_t *)"x", 1) > 0);
	assert_int_equal(c.out.console_in_len, 0);
	/* An ack-only one needs no answer. */
	assert_int_equal(client_sol_send(&c, 0, 1, 1, 0, NULL, 0), 0);
	h_free(h);
}

/*
 * 100 KiB of console output to a console like ipmitool (ACKs every packet,
 * drops a repeated sequence number) over a link that loses about 5% of the
 * packets each way.  The edge offers what bmc_sol_room() allows and ticks
 * every 250 ms; everything must arrive, once and in order.
 */
static uint32_t
lossy_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

struct lossy {
	struct harness *h;
	struct client *c;
	uint32_t rng;
	uint8_t *got;
	size_t ngot, cap;
	uint8_t last_seq;
	unsigned lost;
};

static bool
lose(struct lossy *l)
{
	if (lossy_rand(&l->rng) % 100 < 5) {
		l->lost++;
		return true;
	}
	return false;
}

/* Carry one BMC packet (and the exchange it starts) to the console. */
static void
deliver(struct lossy *l, const struct bmc_out *out)
{
	uint8_t pkt[BMC_DGRAM_MAX];
	size_t len = out->reply_len;
	struct client_sol p;

	memcpy(pkt, out->reply, len);
	while (len > 0) {
		if (lose(l))
			return;
		assert_true(client_sol_open(l->c, pkt, len, &p) >= 4);
		assert_int_equal(p.status & 0x10, 0);
		if (p.seq == 0)
			return;
		if (p.seq != l->last_seq) {
			assert_true(l->ngot + p.n <= l->cap);
			memcpy(l->got + l->ngot, p.chars, p.n);
			l->ngot += p.n;
			l->last_seq = p.seq;
		}
		if (lose(l)) {
			/* the ACK is lost: the console still spent a session sequence number */
			uint8_t tmp[BMC_DGRAM_MAX];
			(void)client_seal_payload(
			    l->c, PAYLOAD_SOL, (const uint8_t *)"\0\0\0\0", 4, tmp, sizeof(tmp));
			return;
		}
		client_sol_send(l->c, 0, p.seq, (uint8_t)p.n, 0, NULL, 0);
		len = l->c->out.reply_len;
		memcpy(pkt, l->c->out.reply, len);
	}
}

static void
test_lossy_link_100k(void **state)
{
	const size_t total = 100 * 1024;
	struct client c;
	struct harness *h = sol_up(&c);
	struct lossy l = {h, &c, 0x2545f491u, NULL, 0, 0, 0, 0};
	struct bmc_sol_stats st;
	uint8_t *data = malloc(total);
	size_t offered = 0;
	unsigned step;

	(void)state;
	l.cap = total;
	l.got = malloc(total);
	assert_non_null(data);
	assert_non_null(l.got);
	pattern(data, total, 17);
	for (step = 0; l.ngot < total && step < 600000; step++) {
		h->now.mono_ms += 1;
		if (offered < total) {
			size_t n = bmc_sol_room(h->bmc);

			if (n > total - offered)
				n = total - offered;
			if (n > 0) {
				assert_int_equal(console(h, data + offered, n), n);
				offered += n;
				deliver(&l, &h->out);
			}
		}
		if (step % BMC_TICK_MS == 0) {
			tick(h);
			deliver(&l, &h->out);
			/* Like ipmitool's keepalive, now and then an IPMI command keeps the session fresh. */
			if (step % 15000 == 0)
				assert_int_equal(client_cmd(&c, NETFN_APP, 0x01, NULL, 0, NULL, NULL), CC_OK);
		}
	}
	assert_int_equal(l.ngot, total);
	assert_memory_equal(l.got, data, total);
	bmc_sol_stats(h->bmc, &st);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(st.tx_bytes, total);
	assert_true(st.retransmits > 0);
	assert_true(l.lost > 20);
	assert_true(bmc_sol_active(h->bmc));
	free(data);
	free(l.got);
	h_free(h);
}

/* Whatever a console sends, whenever: nothing breaks, nothing overflows. */
static void
test_random_traffic(void **state)
{
	struct client c;
	struct harness *h = sol_up(&c);
	uint32_t rng = 0x9e3779b9u;
	static uint8_t big[6000];
	uint8_t buf[300];
	unsigned i;

	(void)state;
	pattern(big, sizeof(big), 5);
	for (i = 0; i < 20000; i++) {
		uint32_t r = lossy_rand(&rng);
		size_t n = lossy_rand(&rng) % sizeof(buf), j;

		for (j = 0; j < n; j++)
			buf[j] = (uint8_t)lossy_rand(&rng);
		switch (r % 8) {
		case 0:
		case 1:
		case 2:
			/* a SOL packet: random header, often a plausible one */
			if (n >= 4 && (r & 0x100)) {
				buf[0] &= 0x0f;
				buf[1] &= 0x0f;
				buf[3] &= (r & 0x200) ? 0x7f : 0x00;
			}
			{
				uint8_t pkt[BMC_DGRAM_MAX];
				size_t len = client_seal_payload(&c, PAYLOAD_SOL, buf, n, pkt, sizeof(pkt));
				assert_true(len > 0);
				client_send(&c, pkt, len);
				assert_true(c.out.console_in_len <= BMC_CONSOLE_IN_MAX);
				if (c.out.reply_len > 0) {
					struct client_sol p;
					assert_true(
					    client_sol_open(&c, c.out.reply, c.out.reply_len, &p) >= 4);
					assert_true(p.n <= SOL_CHARS_MAX);
				}
			}
			break;
		case 3:
		case 4:
			console(h, big, (n * (r % 20)) % sizeof(big));
			assert_true(bmc_sol_room(h->bmc) <= BMC_SOL_BUFFER);
			break;
		case 5:
			h->now.mono_ms += r % 300;
			tick(h);
			break;
		case 6:
			if (!bmc_sol_active(h->bmc))
				assert_int_equal(activate(&c, AUX_IPMITOOL, NULL, NULL), CC_OK);
			else if ((r & 0xff) == 0)
				assert_int_equal(deactivate(&c), CC_OK);
			break;
		default: {
			uint8_t d[2] = {(uint8_t)(1 + r % 255), (uint8_t)(r >> 8)};
			sol_set(h, 3, d, 2);
			d[0] = (uint8_t)((r >> 16) % 8);
			sol_set(h, 4, d, 2);
			break;
		}
		}
	}
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_activate_status_deactivate),
	    cmocka_unit_test(test_activate_refusals),
	    cmocka_unit_test(test_one_console_at_a_time),
	    cmocka_unit_test(test_session_end_releases),
	    cmocka_unit_test(test_lengths_and_privileges),
	    cmocka_unit_test(test_config_parameters),
	    cmocka_unit_test(test_payload_commands),
	    cmocka_unit_test(test_output_accumulates_then_follows_acks),
	    cmocka_unit_test(test_retransmission),
	    cmocka_unit_test(test_nack_holds_data),
	    cmocka_unit_test(test_partial_accept),
	    cmocka_unit_test(test_inbound_once),
	    cmocka_unit_test(test_overflow),
	    cmocka_unit_test(test_deactivating_bit_when_disabled),
	    cmocka_unit_test(test_inactive),
	    cmocka_unit_test(test_lossy_link_100k),
	    cmocka_unit_test(test_random_traffic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
