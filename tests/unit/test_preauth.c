/*
 * Pre-session budgets per source (preauth.c): a flood is cut to the
 * configured rate, replies to a forged source never add up to more than it
 * sent plus the allowance, and other sources and live sessions are not
 * touched.  Also the password policy's kinds of characters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "client.h"
#include "harness.h"

#define PW "Correct-Horse-9"

static const uint8_t ping[12] = {6, 0, 0xff, 6, 0, 0, 0x11, 0xbe, 0x80, 5, 0, 0};

static struct bmc_addr
addr(uint8_t last, uint16_t port)
{
	struct bmc_addr a = {.family = 4, .ip = {10, 0, 0, last}, .port = port};
	return a;
}

static size_t
send_ping(struct harness *h, const struct bmc_addr *src)
{
	bmc_handle_datagram(h->bmc, &h->now, src, ping, sizeof(ping), &h->out);
	return h->out.reply_len;
}

static void
test_rate_and_burst(void **state)
{
	struct bmc_conf conf;
	struct harness *h;
	struct bmc_addr a = addr(1, 1000), b = addr(2, 1000);
	unsigned answered = 0, i;

	(void)state;
	bmc_conf_defaults(&conf);
	conf.preauth_rate = 10;
	conf.preauth_burst = 20;
	h = h_new(&conf);
	for (i = 0; i < 1000; i++)
		answered += send_ping(h, &a) > 0;
	assert_int_equal(answered, 20); /* the burst, then nothing in the same instant */
	assert_true(send_ping(h, &b) > 0); /* another source has its own budget */
	h->now.mono_ms += 1000; /* one second: ten more */
	for (answered = 0, i = 0; i < 100; i++)
		answered += send_ping(h, &a) > 0;
	assert_int_equal(answered, 10);
	assert_true(h->bmc->stats.limited >= 1000 - 20 + 90);
	h_free(h);
}

/* A forged source sending pings (12 B in, 28 B out) gets no more than it sent plus the allowance. */
static void
test_no_amplification(void **state)
{
	struct bmc_conf conf;
	struct harness *h;
	struct bmc_addr a = addr(1, 1000);
	size_t sent = 0, got = 0, i;

	(void)state;
	bmc_conf_defaults(&conf);
	conf.preauth_rate = 10000;
	conf.preauth_burst = 20000;
	h = h_new(&conf);
	for (i = 0; i < 10000; i++) {
		sent += sizeof(ping);
		got += send_ping(h, &a);
		if (i % 100 == 0)
			h->now.mono_ms += 10;
	}
	/* 1 s of time passed: at most the 4096 B allowance plus 4096 B/s on top of what was sent. */
	assert_true(got <= sent + 4096 + 4096);
	assert_true(got > sent / 2);
	h_free(h);
}

/* Logins keep working at a steady pace; the limit is per source, off with rate 0. */
static void
test_logins_unaffected(void **state)
{
	struct harness *h = h_new(NULL);
	struct client c;
	int i;

	(void)state;
	h_user(h, "admin", PW, PRIV_ADMIN);
	client_init(&c, h->bmc, &h->now, 40000);
	for (i = 0; i < 200; i++) {
		c.con_sid = (uint32_t)(1000 + i);
		uint8_t sid[4], rsp[8];
		size_t n = sizeof(rsp);
		int k;

		assert_int_equal(client_login(&c, 17, "admin", PW, PRIV_ADMIN), 0);
		for (k = 0; k < 4; k++)
			sid[k] = (uint8_t)(c.bmc_sid >> (8 * k));
		assert_int_equal(client_cmd(&c, 0x06, 0x3c, sid, 4, rsp, &n), 0);
		h->now.mono_ms += 20; /* 50 logins per second */
		bmc_tick(h->bmc, &h->now, &h->out);
	}
	h_free(h);
}

static void
test_unlimited(void **state)
{
	struct bmc_conf conf;
	struct harness *h;
	struct bmc_addr a = addr(1, 1000);
	unsigned answered = 0, i;

	(void)state;
	bmc_conf_defaults(&conf);
	conf.preauth_rate = 0;
	h = h_new(&conf);
	for (i = 0; i < 5000; i++)
		answered += send_ping(h, &a) > 0;
	assert_int_equal(answered, 5000);
	assert_null(h->bmc->preauth);
	h_free(h);
}

static void
test_password_policy(void **state)
{
	struct bmc_conf conf;
	char why[160];

	(void)state;
	bmc_conf_defaults(&conf);
	assert_non_null(bmc_password_problem(&conf, (const uint8_t *)"short", 5, why, sizeof(why)));
	assert_non_null(strstr(why, "minimum length is 8"));
	assert_null(bmc_password_problem(&conf, (const uint8_t *)"alllowercase", 12, why, sizeof(why)));
	conf.password_classes = 3;
	assert_non_null(bmc_password_problem(&conf, (const uint8_t *)"alllowercase", 12, why, sizeof(why)));
	assert_non_null(strstr(why, "too simple"));
	assert_non_null(bmc_password_problem(&conf, (const uint8_t *)"lowerUPPER", 10, why, sizeof(why)));
	assert_null(bmc_password_problem(&conf, (const uint8_t *)"lowerUPPER9", 11, why, sizeof(why)));
	assert_null(bmc_password_problem(&conf, (const uint8_t *)"lower-9-x", 9, why, sizeof(why)));
	assert_non_null(
	    bmc_password_problem(&conf, (const uint8_t *)"123456789012345678901", 21, why, sizeof(why)));
	assert_non_null(strstr(why, "too long"));
	assert_non_null(bmc_password_problem(&conf, (const uint8_t *)"aB3\0aB3\0aB", 10, why, sizeof(why)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rate_and_burst),
	    cmocka_unit_test(test_no_amplification),
	    cmocka_unit_test(test_logins_unaffected),
	    cmocka_unit_test(test_unlimited),
	    cmocka_unit_test(test_password_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
