/* RMCP framing, ASF presence ping and session-less requests in both wrappers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/rmcp.h"
#include "harness.h"

static const struct bmc_addr src = {4, {127, 0, 0, 1}, 40000};

static size_t
send(struct harness *h, const uint8_t *p, size_t n)
{
	assert_int_equal(bmc_handle_datagram(h->bmc, &h->now, &src, p, n, &h->out), 0);
	return h->out.reply_len;
}

static void
test_asf_ping(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t ping[] = {0x06, 0x00, 0xff, 0x06, 0x00, 0x00, 0x11, 0xbe, 0x80, 0x42, 0x00, 0x00};
	const uint8_t pong[] = {0x06, 0x00, 0xff, 0x06, 0x00, 0x00, 0x11, 0xbe, 0x40, 0x42, 0x00, 0x10, 0x00,
	    0x00, 0x11, 0xbe, 0x00, 0x00, 0x00, 0x00, 0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
	struct bmc_addr zero = src;
	size_t i;

	(void)state;
	assert_int_equal(send(h, ping, sizeof(ping)), sizeof(pong));
	assert_memory_equal(h->out.reply, pong, sizeof(pong));
	/* No answer to a pong, an ACK, a wrong version/IANA, data, or every prefix. */
	ping[8] = 0x40;
	assert_int_equal(send(h, ping, sizeof(ping)), 0);
	ping[8] = 0x80;
	ping[3] = 0x86;
	assert_int_equal(send(h, ping, sizeof(ping)), 0);
	ping[3] = 0x06;
	ping[0] = 0x05;
	assert_int_equal(send(h, ping, sizeof(ping)), 0);
	ping[0] = 0x06;
	ping[7] = 0xbf;
	assert_int_equal(send(h, ping, sizeof(ping)), 0);
	ping[7] = 0xbe;
	ping[11] = 1;
	assert_int_equal(send(h, ping, sizeof(ping)), 0);
	ping[11] = 0;
	for (i = 0; i < sizeof(ping); i++)
		assert_int_equal(send(h, ping, i), 0);
	/* Never toward port 0 (reflection). */
	zero.port = 0;
	bmc_handle_datagram(h->bmc, &h->now, &zero, ping, sizeof(ping), &h->out);
	assert_int_equal(h->out.reply_len, 0);
	h_free(h);
}

/* Get Channel Authentication Capabilities in the IPMI 1.5 wrapper. */
static size_t
auth_caps(uint8_t *p, uint8_t b1)
{
	const uint8_t m[] = {0x20, 0x18, 0xc8, 0x81, 0x04, 0x38, b1, 0x04, 0};
	size_t n = 0;

	memcpy(p, "\x06\x00\xff\x07\x00\x00\x00\x00\x00\x00\x00\x00\x00\x09", 14);
	n = 14;
	memcpy(p + n, m, sizeof(m));
	p[n + 8] = msg_checksum(p + n + 3, 5);
	return n + sizeof(m);
}

static void
test_auth_caps_both_forms(void **state)
{
	struct harness *h = h_new(NULL);
	const uint8_t v2[] = {0x01, 0x80, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00};
	const uint8_t v15[] = {0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00};
	uint8_t p[64];
	size_t n, i;

	(void)state;
	n = auth_caps(p, 0x8e);
	assert_int_equal(send(h, p, n), 14 + 8 + 8);
	assert_int_equal(h->out.reply[4], 0x00); /* same wrapper, auth none, session 0 */
	assert_int_equal(h->out.reply[13], 16);
	assert_int_equal(h->out.reply[14 + 6], CC_OK);
	assert_memory_equal(h->out.reply + 14 + 7, v2, 8);
	n = auth_caps(p, 0x0e);
	send(h, p, n);
	assert_memory_equal(h->out.reply + 14 + 7, v15, 8);
	/* Channel 5 or privilege 0: CCh. */
	n = auth_caps(p, 0x85);
	send(h, p, n);
	assert_int_equal(h->out.reply[14 + 6], CC_INVALID_FIELD);
	/* A 1.5 wrapper naming a session or an auth type: dropped (1.5 sessions off). */
	n = auth_caps(p, 0x8e);
	p[9] = 1;
	assert_int_equal(send(h, p, n), 0);
	p[9] = 0;
	p[4] = 2;
	assert_int_equal(send(h, p, n), 0);
	p[4] = 0;
	for (i = 0; i < n; i++) {
		assert_int_equal(send(h, p, i), 0);
		assert_int_equal(h->out.nfx, 0);
	}
	h_free(h);
}

static void
test_rmcpp_wrapper_sessionless(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t p[64] = {0x06, 0x00, 0xff, 0x07, 0x06, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0};
	const uint8_t m[] = {0x20, 0x18, 0xc8, 0x81, 0x08, 0x54, 0x0e, 0x00, 0x80, 0};
	size_t n = 16 + sizeof(m);

	(void)state;
	memcpy(p + 16, m, sizeof(m));
	p[16 + 9] = msg_checksum(p + 16 + 3, 6);
	assert_true(send(h, p, n) > 16);
	assert_int_equal(h->out.reply[4], 0x06);
	assert_int_equal(h->out.reply[5], 0x00);
	assert_int_equal(h->out.reply[16 + 6], CC_OK);
	assert_int_equal(h->out.reply[16 + 7], 0x01); /* channel, then records */
	assert_int_equal(h->out.reply[16 + 8], 0xc0);
	/* Get Device ID needs a session: D4h. */
	p[16 + 5] = 0x01;
	p[14] = 7;
	p[16 + 6] = msg_checksum(p + 16 + 3, 3);
	send(h, p, 16 + 7);
	assert_int_equal(h->out.reply[16 + 6], CC_INSUFFICIENT_PRIV);
	/* Unknown command before a session: C1h, not D4h. */
	p[16 + 5] = 0xfe;
	p[16 + 6] = msg_checksum(p + 16 + 3, 3);
	send(h, p, 16 + 7);
	assert_int_equal(h->out.reply[16 + 6], CC_INVALID_CMD);
	/* Authenticated or encrypted bits without a session: dropped. */
	p[5] = 0x40;
	assert_int_equal(send(h, p, 16 + 7), 0);
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_asf_ping),
	    cmocka_unit_test(test_auth_caps_both_forms),
	    cmocka_unit_test(test_rmcpp_wrapper_sessionless),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
