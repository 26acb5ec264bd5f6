/*
 * Session lifecycle through the public door (bmc_handle_datagram, bmc_tick)
 * with a fake clock: login with each suite, timeouts, the sequence window,
 * the retry cache, privilege changes, Close Session, quotas and lockout.
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

static struct harness *
setup_bmc(uint32_t suites)
{
	struct bmc_conf conf;
	struct harness *h;

	bmc_conf_defaults(&conf);
	conf.suites_enabled = suites;
	h = h_new(&conf);
	h_user(h, "admin", PW, PRIV_ADMIN);
	h_user(h, "oper", PW, PRIV_OPERATOR);
	h_user(h, "viewer", PW, PRIV_USER);
	return h;
}

static void
test_login_each_suite(void **state)
{
	static const uint8_t suites[] = {1, 2, 3, 15, 16, 17};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(suites); i++) {
		struct harness *h = setup_bmc(BMC_SUITE_SUPPORTED_MASK);
		struct client c;
		uint8_t rsp[64];
		size_t n;

		client_init(&c, h->bmc, &h->now, 40000);
		assert_int_equal(client_login(&c, suites[i], "admin", PW, PRIV_ADMIN), 0);
		assert_int_equal(client_cmd(&c, NETFN_APP, 0x01, NULL, 0, rsp, &n), CC_OK);
		assert_int_equal(n, 15);
		assert_int_equal(rsp[4], 0x02);
		h_free(h);
	}
}

static void
test_default_suites_only(void **state)
{
	struct harness *h = setup_bmc(BMC_SUITE_DEFAULT_MASK);
	struct client c;

	(void)state;
	client_init(&c, h->bmc, &h->now, 40000);
	assert_int_equal(client_login(&c, 1, "admin", PW, PRIV_ADMIN), RMCPP_NO_CIPHER_SUITE);
	assert_int_equal(client_login(&c, 2, "admin", PW, PRIV_ADMIN), RMCPP_NO_CIPHER_SUITE);
	assert_int_equal(client_login(&c, 0, "admin", PW, PRIV_ADMIN), RMCPP_NO_CIPHER_SUITE);
	assert_int_equal(client_login(&c, 3, "admin", PW, PRIV_ADMIN), 0);
	assert_int_equal(client_login(&c, 17, "admin", PW, PRIV_ADMIN), 0);
	h_free(h);
}

static void
test_wrong_password_and_unknown_user(void **state)
{
	struct harness *h = setup_bmc(BMC_SUITE_DEFAULT_MASK);
	struct client c;

	(void)state;
	client_init(&c, h->bmc, &h->now, 40000);
	/* Both look the same to the client: RAKP2 does not verify. */
	assert_int_equal(client_login(&c, 3, "admin", "Wrong-Password-1", PRIV_ADMIN), -1);
	assert_int_equal(client_login(&c, 3, "nobody", PW, PRIV_ADMIN), -1);
	assert_int_equal(client_login(&c, 3, "", "", PRIV_ADMIN), -1);
	assert_int_equal(session_count(h->bmc, SESS_ACTIVE), 0);
	h_free(h);
}

static void
test_privilege_limits(void **state)
{
	struct harness *h = setup_bmc(BMC_SUITE_DEFAULT_MASK);
	struct client c;
	uint8_t rsp[64], want;
	size_t n;

	(void)state;
	client_init(&c, h->bmc, &h->now, 40000);
	/* An operator asking for administrator: 0Ah, the name exists but the role doesn't. */
	assert_int_equal(client_login(&c, 3, "oper", PW, PRIV_ADMIN), RMCPP_UNAUTHORIZED_ROLE);
	assert_int_equal(client_login(&c, 3, "oper", PW, PRIV_OPERATOR), 0);
	/* Sessions start at USER; raise to OPERATOR, not beyond. */
	want = 0;
	assert_int_equal(client_cmd(&c, NETFN_APP, 0x3b, &want, 1, rsp, &n), CC_OK);
	assert_int_equal(rsp[0], PRIV_USER);
	/* Get User Access needs OPERATOR */
	assert_int_equal(
	    client_cmd(&c, NETFN_APP, 0x44, (uint8_t[]){1, 2}, 2, rsp, &n), CC_INSUFFICIENT_PRIV);
	want = PRIV_ADMIN;
	assert_int_equal(client_cmd(&c, NETFN_APP, 0x3b, &want, 1, rsp, &n), 0x81);
	want = PRIV_OPERATOR;
	assert_int_equal(client_cmd(&c, NETFN_APP, 0x3b, &want, 1, rsp, &n), CC_OK);
	assert_int_equal(rsp[0], PRIV_OPERATOR);
	/* Unknown commands answer C1h before any privilege check. */
	assert_int_equal(client_cmd(&c, NETFN_APP, 0xff, NULL, 0, rsp, &n), CC_INVALID_CMD);
	assert_int_equal(
	    client_cmd(&c, NETFN_GROUP_EXT, 0x3e, (uint8_t[]){0, 2}, 2, rsp, &n), CC_INVALID_CMD);
	h_free(h);
}

static void
test_inactivity_timeout(void **state)
{
	struct harness *h = setup_bmc(BMC_SUITE_DEFAULT_MASK);
	struct client c;
	uint32_t t = h->bmc->conf.session_timeout_ms;

	(void)state;
	client_init(&c, h->bmc, &h->now, 40000);
	assert_int_equal(client_login(&c, 17, "admin", PW, PRIV_ADMIN), 0);
	h->now.mono_ms += t - 1;
	bmc_tick(h->bmc, &h->now, &h->out);
	assert_int_equal(session_count(h->bmc, SESS_ACTIVE), 1);
	/* Activity refreshes it. */
	assert_int_equal(client_cmd(&c, NETFN_APP, 0x01, NULL, 0, NULL, NULL), CC_OK);
	h->now.mono_ms += t - 1;
	bmc_tick(h->bmc, &h->now, &h->out);
	assert_int_equal(session_count(h->bmc, SESS_ACTIVE), 1);
	h->now.mono_ms += 1;
	bmc_tick(h->bmc, &h->now, &h->out);
	assert_int_equal(session_count(h->bmc, SESS_ACTIVE), 0);
	assert_int_equal(client_cmd(&c, NETFN_APP, 0x01, NULL, 0, NULL, NULL), -1);
	assert_non_null(strstr(h->log, "idle"));
	h_free(h);
}

static void
test_pending_timeout(void **state)
{
	struct harness *h = setup_bmc(BMC_SUITE_DEFAULT_MASK);
	struct client c;

	(void)state;
	client_init(&c, h->bmc, &h->now, 40000);
	assert_int_equal(client_login(&c, 3, "admin", PW, PRIV_ADMIN), 0);
	/* A login that stops after RAKP2 (the client saw a bad HMAC). */
	{
		struct client d;
		client_init(&d, h->bmc, &h->now, 40001);
		d.con_sid = 7;
		assert_int_equal(client_login(&d, 3, "admin", "Wrong-Password-1", PRIV_ADMIN), -1);
	}
	h->now.mono_ms += h->bmc->conf.pending_timeout_ms;
	bmc_tick(h->bmc, &h->now, &h->out);
	assert_int_equal(session_count(h->bmc, SESS_OPEN) + session_count(h->bmc, SESS_RAKP2), 0);
	assert_int_equal(session_count(h->bmc, SESS_ACTIVE), 1);
	h_free(h);
}

static void
test_sequence_window(void **state)
{
	struct harness *h = setup_bmc(BMC_SUITE_DEFAULT_MASK);
	uint8_t pkt[BMC_DGRAM_MAX], pkt2[BMC_DGRAM_MAX];
	struct client c;
	size_t n, n2;

	(void)state;
	client_init(&c, h->bmc, &h->now, 40000);
	assert_int_equal(client_login(&c, 3, "admin", PW, PRIV_ADMIN), 0);
	n = client_seal(&c, NETFN_APP, 0x01, NULL, 0, pkt, sizeof(pkt));
	assert_true(client_send(&c, pkt, n) > 0);
	/* An exact replay is dropped. */
	assert_int_equal(client_send(&c, pkt, n), 0);
	/* Jumping 16 ahead is accepted, 17 is not. */
	c.seq += 15;
	n2 = client_seal(&c, NETFN_APP, 0x04, NULL, 0, pkt2, sizeof(pkt2));
	assert_true(client_send(&c, pkt2, n2) > 0);
	c.seq += 16;
	n2 = client_seal(&c, NETFN_APP, 0x04, NULL, 0, pkt2, sizeof(pkt2));
	assert_int_equal(client_send(&c, pkt2, n2), 0);
	/* Behind but within the window and unseen: accepted once. */
	c.seq -= 20;
	n2 = client_seal(&c, NETFN_APP, 0x04, NULL, 0, pkt2, sizeof(pkt2));
	assert_true(client_send(&c, pkt2, n2) > 0);
	assert_int_equal(client_send(&c, pkt2, n2), 0);
	/* Sequence number 0 is never valid. */
	c.seq = UINT32_MAX;
	n2 = client_seal(&c, NETFN_APP, 0x04, NULL, 0, pkt2, sizeof(pkt2));
	assert_int_equal(c.seq, 1);
	h_free(h);
}

static void
test_tampered_and_foreign_packets(void **state)
{
	struct harness *h = setup_bmc(BMC_SUITE_DEFAULT_MASK);
	uint8_t pkt[BMC_DGRAM_MAX];
	struct client c;
	size_t n, i;

	(void)state;
	client_init(&c, h->bmc, &h->now, 40000);
	assert_int_equal(client_login(&c, 17, "admin", PW, PRIV_ADMIN), 0);
	n = client_seal(&c, NETFN_APP, 0x01, NULL, 0, pkt, sizeof(pkt));
	/* Any flipped bit after the RMCP header: silence. */
	for (i = 4; i < n; i++) {
		pkt[i] ^= 0x01;
		assert_int_equal(client_send(&c, pkt, n), 0);
		pkt[i] ^= 0x01;
	}
	/* From another port: silence. */
	c.src.port++;
	assert_int_equal(client_send(&c, pkt, n), 0);
	c.src.port--;
	/* Every proper prefix: silence. */
	for (i = 0; i < n; i++)
		assert_int_equal(client_send(&c, pkt, i), 0);
	/* The untouched packet still works (nothing above consumed its number). */
	assert_true(client_send(&c, pkt, n) > 0);
	h_free(h);
}

static void
test_retry_cache(void **state)
{
	struct harness *h = setup_bmc(BMC_SUITE_DEFAULT_MASK);
	uint8_t pkt[BMC_DGRAM_MAX], msg1[BMC_MSG_MAX], msg2[BMC_MSG_MAX];
	struct client c;
	size_t n, m1, m2;
	uint8_t v = 0x0c;

	(void)state;
	client_init(&c, h->bmc, &h->now, 40000);
	assert_int_equal(client_login(&c, 3, "admin", PW, PRIV_ADMIN), 0);
	assert_int_equal(client_cmd(&c, NETFN_APP, 0x3b, (uint8_t[]){PRIV_ADMIN}, 1, NULL, NULL), CC_OK);
	n = client_seal(&c, NETFN_APP, 0x2e, &v, 1, pkt, sizeof(pkt));
	client_send(&c, pkt, n);
	assert_int_equal(c.out.nfx, 1);
	assert_int_equal(c.out.fx[0].kind, FX_SAVE_PARAM);
	assert_true(c.out.reply_fail_len > 0);
	m1 = client_open(&c, c.out.reply, c.out.reply_len, msg1, sizeof(msg1));
	/* The same request again with a new session sequence number: old reply, no effect. */
	c.rq_seq = (uint8_t)((c.rq_seq - 1) & 0x3f);
	n = client_seal(&c, NETFN_APP, 0x2e, &v, 1, pkt, sizeof(pkt));
	client_send(&c, pkt, n);
	assert_int_equal(c.out.nfx, 0);
	m2 = client_open(&c, c.out.reply, c.out.reply_len, msg2, sizeof(msg2));
	assert_int_equal(m1, m2);
	assert_memory_equal(msg1, msg2, m1);
	/* After the cache's lifetime the same rqSeq is a new request. */
	h->now.mono_ms += RETRY_TTL_MS;
	c.rq_seq = (uint8_t)((c.rq_seq - 1) & 0x3f);
	n = client_seal(&c, NETFN_APP, 0x2e, &v, 1, pkt, sizeof(pkt));
	client_send(&c, pkt, n);
	assert_int_equal(c.out.nfx, 1);
	h_free(h);
}

static void
test_close_session(void **state)
{
	struct harness *h = setup_bmc(BMC_SUITE_DEFAULT_MASK);
	struct client a, b;
	uint8_t rq[5], rsp[64];
	size_t n;

	(void)state;
	client_init(&a, h->bmc, &h->now, 40000);
	client_init(&b, h->bmc, &h->now, 40001);
	assert_int_equal(client_login(&a, 3, "admin", PW, PRIV_ADMIN), 0);
	assert_int_equal(client_login(&b, 17, "viewer", PW, PRIV_USER), 0);
	assert_int_equal(session_count(h->bmc, SESS_ACTIVE), 2);
	/* Get Session Info: by index, then the short form past the end. */
	assert_int_equal(client_cmd(&a, NETFN_APP, 0x3d, (uint8_t[]){1}, 1, rsp, &n), CC_OK);
	assert_int_equal(n, 18);
	assert_int_equal(client_cmd(&a, NETFN_APP, 0x3d, (uint8_t[]){3}, 1, rsp, &n), CC_OK);
	assert_int_equal(n, 3);
	assert_int_equal(rsp[2], 2);
	/* A USER session may not close another's. */
	rq[0] = (uint8_t)a.bmc_sid;
	rq[1] = (uint8_t)(a.bmc_sid >> 8);
	rq[2] = (uint8_t)(a.bmc_sid >> 16);
	rq[3] = (uint8_t)(a.bmc_sid >> 24);
	assert_int_equal(client_cmd(&b, NETFN_APP, 0x3c, rq, 4, rsp, &n), CC_INSUFFICIENT_PRIV);
	/* Unknown ID: 87h. */
	rq[0] ^= 0xff;
	assert_int_equal(client_cmd(&a, NETFN_APP, 0x3c, rq, 4, rsp, &n), 0x87);
	rq[0] ^= 0xff;
	/* Its own: answered with the session's keys, then gone. */
	assert_int_equal(client_cmd(&a, NETFN_APP, 0x3c, rq, 4, rsp, &n), CC_OK);
	assert_int_equal(session_count(h->bmc, SESS_ACTIVE), 1);
	assert_int_equal(client_cmd(&a, NETFN_APP, 0x01, NULL, 0, rsp, &n), -1);
	assert_int_equal(client_cmd(&b, NETFN_APP, 0x01, NULL, 0, rsp, &n), CC_OK);
	h_free(h);
}

static void
test_session_table_full(void **state)
{
	struct bmc_conf conf;
	struct harness *h;
	struct client c[3];
	int i;

	(void)state;
	bmc_conf_defaults(&conf);
	conf.max_sessions = 2;
	h = h_new(&conf);
	h_user(h, "admin", PW, PRIV_ADMIN);
	for (i = 0; i < 3; i++)
		client_init(&c[i], h->bmc, &h->now, (uint16_t)(40000 + i));
	assert_int_equal(client_login(&c[0], 3, "admin", PW, PRIV_ADMIN), 0);
	assert_int_equal(client_login(&c[1], 3, "admin", PW, PRIV_ADMIN), 0);
	assert_int_equal(client_login(&c[2], 3, "admin", PW, PRIV_ADMIN), RMCPP_NO_RESOURCES);
	h_free(h);
}

/* An Open Session flood from one source fills only its own pending quota. */
static void
test_open_session_flood(void **state)
{
	struct harness *h = setup_bmc(BMC_SUITE_DEFAULT_MASK);
	struct client flood, admin;
	int i;

	(void)state;
	client_init(&flood, h->bmc, &h->now, 40000);
	for (i = 0; i < 1000; i++) {
		flood.con_sid = (uint32_t)(i + 1);
		/* Only the Open Session step: a bogus user never completes. */
		client_login(&flood, 3, "nobody", PW, PRIV_ADMIN);
		assert_true(
		    session_count_pending_from(h->bmc, &flood.src) <= h->bmc->conf.max_pending_per_source);
	}
	client_init(&admin, h->bmc, &h->now, 50000);
	admin.src.ip[3] = 2;
	assert_int_equal(client_login(&admin, 17, "admin", PW, PRIV_ADMIN), 0);
	h_free(h);
}

static void
test_lockout(void **state)
{
	struct harness *h = setup_bmc(BMC_SUITE_DEFAULT_MASK);
	struct client c;
	int i;

	(void)state;
	client_init(&c, h->bmc, &h->now, 40000);
	/* Default LAN parameter 26: 5 failures within 60 s lock the user for 60 s. */
	for (i = 0; i < 5; i++)
		assert_int_equal(client_login(&c, 3, "oper", "Wrong-Password-1", PRIV_OPERATOR), -1);
	assert_int_equal(client_login(&c, 3, "oper", PW, PRIV_OPERATOR), -1);
	assert_non_null(strstr(h->log, "locked out"));
	/* Other users are unaffected. */
	assert_int_equal(client_login(&c, 3, "admin", PW, PRIV_ADMIN), 0);
	h->now.mono_ms += 60000;
	assert_int_equal(client_login(&c, 3, "oper", PW, PRIV_OPERATOR), 0);
	h_free(h);
}

/*
 * Guesses that stop at RAKP2 (the guesser checks the hash itself) hold the
 * threshold at once, before their half-open sessions expire and count.
 */
static void
test_lockout_unanswered_rakp2(void **state)
{
	struct harness *h = setup_bmc(BMC_SUITE_DEFAULT_MASK);
	struct client g[3], c;
	int i;

	(void)state;
	h->bmc->params.lan.bad_password[1] = 3;
	for (i = 0; i < 3; i++) {
		client_init(&g[i], h->bmc, &h->now, (uint16_t)(40001 + i));
		g[i].con_sid = (uint32_t)(100 + i);
		g[i].quiet_on_bad_rakp2 = true;
		assert_int_equal(client_login(&g[i], 3, "oper", "Wrong-Password-1", PRIV_OPERATOR), -1);
	}
	assert_int_equal(session_count(h->bmc, SESS_RAKP2), 3);
	client_init(&c, h->bmc, &h->now, 40000);
	assert_int_equal(client_login(&c, 3, "oper", PW, PRIV_OPERATOR), -1);
	assert_null(strstr(h->log, "locked out")); /* not yet counted */
	/* Another user is not affected. */
	assert_int_equal(client_login(&c, 3, "viewer", PW, PRIV_USER), 0);
	/* The half-open sessions expire: three failures, a lockout. */
	h->now.mono_ms += h->bmc->conf.pending_timeout_ms;
	bmc_tick(h->bmc, &h->now, &h->out);
	assert_non_null(strstr(h->log, "locked out"));
	assert_int_equal(client_login(&c, 3, "oper", PW, PRIV_OPERATOR), -1);
	h->now.mono_ms += 60000;
	assert_int_equal(client_login(&c, 3, "oper", PW, PRIV_OPERATOR), 0);
	h_free(h);
}

/* Logins that complete do not hold the threshold, however many there are. */
static void
test_completed_logins_do_not_count(void **state)
{
	struct harness *h = setup_bmc(BMC_SUITE_DEFAULT_MASK);
	struct client c;
	int i;

	(void)state;
	h->bmc->params.lan.bad_password[1] = 2;
	client_init(&c, h->bmc, &h->now, 40000);
	for (i = 0; i < 10; i++) {
		c.con_sid = (uint32_t)(200 + i);
		assert_int_equal(client_login(&c, 17, "oper", PW, PRIV_OPERATOR), 0);
	}
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_login_each_suite),
	    cmocka_unit_test(test_default_suites_only),
	    cmocka_unit_test(test_wrong_password_and_unknown_user),
	    cmocka_unit_test(test_privilege_limits),
	    cmocka_unit_test(test_inactivity_timeout),
	    cmocka_unit_test(test_pending_timeout),
	    cmocka_unit_test(test_sequence_window),
	    cmocka_unit_test(test_tampered_and_foreign_packets),
	    cmocka_unit_test(test_retry_cache),
	    cmocka_unit_test(test_close_session),
	    cmocka_unit_test(test_session_table_full),
	    cmocka_unit_test(test_open_session_flood),
	    cmocka_unit_test(test_lockout),
	    cmocka_unit_test(test_lockout_unanswered_rakp2),
	    cmocka_unit_test(test_completed_logins_do_not_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
