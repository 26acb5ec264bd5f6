/* The IPMI message layer: checksums, decoding, the response header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/rmcp.h"
#include "harness.h"

/* Get Device ID from rqSA 81h, rqSeq 5, LUN 0. */
static const uint8_t get_device_id[] = {0x20, 0x18, 0xc8, 0x81, 0x14, 0x01, 0x6a};

static void
test_checksum(void **state)
{
	(void)state;
	assert_int_equal(msg_checksum(get_device_id, 2), 0xc8);
	assert_int_equal(msg_checksum(get_device_id + 3, 3), 0x6a);
	assert_int_equal(msg_checksum(NULL, 0), 0);
}

static void
test_decode(void **state)
{
	struct ipmi_req rq;
	uint8_t m[sizeof(get_device_id)];

	(void)state;
	assert_int_equal(msg_decode_request(get_device_id, sizeof(get_device_id), &rq), 0);
	assert_int_equal(rq.netfn, NETFN_APP);
	assert_int_equal(rq.cmd, 0x01);
	assert_int_equal(rq.rq_seq, 5);
	assert_int_equal(rq.rq_sa, 0x81);
	assert_int_equal(rq.len, 0);
	/* Too short, either checksum wrong, a response netFn: dropped. */
	assert_int_equal(msg_decode_request(get_device_id, 6, &rq), -1);
	memcpy(m, get_device_id, sizeof(m));
	m[2] ^= 1;
	assert_int_equal(msg_decode_request(m, sizeof(m), &rq), -1);
	memcpy(m, get_device_id, sizeof(m));
	m[6] ^= 1;
	assert_int_equal(msg_decode_request(m, sizeof(m), &rq), -1);
	memcpy(m, get_device_id, sizeof(m));
	m[1] = 0x1c; /* netFn 07h */
	m[2] = msg_checksum(m, 2);
	assert_int_equal(msg_decode_request(m, sizeof(m), &rq), -1);
}

static void
test_serve_response_header(void **state)
{
	struct harness *h = h_new(NULL);
	uint8_t rsp[BMC_MSG_MAX], m[16];
	struct cmd_ctx ctx;
	size_t n;

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	ctx.bmc = h->bmc;
	ctx.now = &h->now;
	ctx.channel = CHANNEL_LAN;
	ctx.priv = PRIV_USER;
	ctx.out = &h->out;
	n = msg_serve(&ctx, get_device_id, sizeof(get_device_id), rsp, sizeof(rsp));
	assert_int_equal(n, 7 + 1 + 15);
	assert_int_equal(rsp[0], 0x81);
	assert_int_equal(rsp[1], 0x1c); /* netFn 07h, rqLUN 0 */
	assert_int_equal(rsp[2], msg_checksum(rsp, 2));
	assert_int_equal(rsp[3], 0x20);
	assert_int_equal(rsp[4], 0x14); /* rqSeq 5 echoed */
	assert_int_equal(rsp[5], 0x01);
	assert_int_equal(rsp[6], CC_OK);
	assert_int_equal(msg_checksum(rsp + 3, n - 4), rsp[n - 1]);
	/* A command for LUN 1: C2h. */
	memcpy(m, get_device_id, sizeof(get_device_id));
	m[1] = 0x19;
	m[2] = msg_checksum(m, 2);
	n = msg_serve(&ctx, m, sizeof(get_device_id), rsp, sizeof(rsp));
	assert_int_equal(n, 8);
	assert_int_equal(rsp[6], CC_INVALID_LUN);
	assert_int_equal(rsp[1] & 3, 0);
	/* A failure reply keeps the header and says FFh. */
	n = msg_serve(&ctx, get_device_id, sizeof(get_device_id), rsp, sizeof(rsp));
	assert_int_equal(msg_fail_reply(rsp, n, m), 8);
	assert_memory_equal(m, rsp, 6);
	assert_int_equal(m[6], CC_UNSPECIFIED);
	assert_int_equal(m[7], msg_checksum(m + 3, 4));
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_checksum),
	    cmocka_unit_test(test_decode),
	    cmocka_unit_test(test_serve_response_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
