/*
 * IPMI 1.5 sessions: off by default (challenge refused with CCh, never a
 * name-revealing 81h/82h), and when enabled, MD5 and straight-password
 * logins, per-message authentication, the 8-wide window, and identical
 * failures for a wrong password and an unknown name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/crypto.h"
#include "core/rmcp.h"
#include "harness.h"

#define PW "Correct-Horse-9"

struct c15 {
	struct harness *h;
	struct bmc_addr src;
	uint8_t type, pw[16];
	uint32_t sid, seq;
	uint8_t rq_seq;
};

static size_t
msg_build(uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len, uint8_t rq_seq, uint8_t *m)
{
	size_t n = 0;

	m[n++] = 0x20;
	m[n++] = (uint8_t)(netfn << 2);
	m[n] = msg_checksum(m, 2);
	n++;
	m[n++] = 0x81;
	m[n++] = (uint8_t)(rq_seq << 2);
	m[n++] = cmd;
	if (len)
		memcpy(m + n, data, len);
	n += len;
	m[n] = msg_checksum(m + 3, n - 3);
	return n + 1;
}

/* One 1.5 packet; returns the completion code of the reply or -1. */
static int
send15(struct c15 *c, uint8_t type, uint32_t sid, uint32_t seq, uint8_t netfn, uint8_t cmd,
    const uint8_t *data, size_t len, uint8_t *rsp, size_t *rsplen)
{
	uint8_t pkt[BMC_DGRAM_MAX], m[BMC_MSG_MAX], code[16];
	struct wbuf w = WBUF_INIT(pkt, sizeof(pkt));
	const uint8_t *r;
	size_t mlen = msg_build(netfn, cmd, data, len, c->rq_seq++ & 0x3f, m), off;

	rmcp_encode_hdr(&w, RMCP_CLASS_IPMI);
	wbuf_put_u8(&w, type);
	wbuf_put_u32le(&w, seq);
	wbuf_put_u32le(&w, sid);
	if (type == AUTHTYPE_MD5) {
		uint8_t sb[4] = {
		    (uint8_t)sid, (uint8_t)(sid >> 8), (uint8_t)(sid >> 16), (uint8_t)(sid >> 24)};
		uint8_t qb[4] = {
		    (uint8_t)seq, (uint8_t)(seq >> 8), (uint8_t)(seq >> 16), (uint8_t)(seq >> 24)};
		struct iov_c v[5] = {{c->pw, 16}, {sb, 4}, {m, mlen}, {qb, 4}, {c->pw, 16}};
		assert_int_equal(crypto_md5(v, 5, code), 0);
		wbuf_put_bytes(&w, code, 16);
	} else if (type == AUTHTYPE_PASSWORD) {
		wbuf_put_bytes(&w, c->pw, 16);
	}
	wbuf_put_u8(&w, (uint8_t)mlen);
	wbuf_put_bytes(&w, m, mlen);
	bmc_handle_datagram(c->h->bmc, &c->h->now, &c->src, pkt, w.len, &c->h->out);
	if (c->h->out.reply_len == 0)
		return -1;
	r = c->h->out.reply;
	off = 4 + 9 + (r[4] != AUTHTYPE_NONE ? 16 : 0);
	mlen = r[off];
	if (rsplen) {
		*rsplen = mlen - 8;
		memcpy(rsp, r + off + 1 + 7, mlen - 8);
	}
	return r[off + 1 + 6];
}

static struct harness *
setup(uint8_t types)
{
	struct bmc_conf conf;
	struct harness *h;

	bmc_conf_defaults(&conf);
	conf.ipmi15_auth_types = types;
	h = h_new(&conf);
	h_user(h, "admin", PW, PRIV_ADMIN);
	return h;
}

/* Get Session Challenge + Activate Session; returns the Activate cc or -1. */
static int
login15(struct c15 *c, struct harness *h, uint8_t type, const char *user, const char *pw)
{
	uint8_t rq[22] = {0}, rsp[64];
	size_t n;
	int cc;

	memset(c, 0, sizeof(*c));
	c->h = h;
	c->src = (struct bmc_addr){4, {127, 0, 0, 1}, 41000};
	c->type = type;
	memcpy(c->pw, pw, strlen(pw));
	rq[0] = type;
	memcpy(rq + 1, user, strlen(user));
	cc = send15(c, AUTHTYPE_NONE, 0, 0, NETFN_APP, 0x39, rq, 17, rsp, &n);
	if (cc != CC_OK)
		return cc;
	c->sid = (uint32_t)(rsp[0] | rsp[1] << 8 | rsp[2] << 16 | (uint32_t)rsp[3] << 24);
	rq[0] = type;
	rq[1] = PRIV_ADMIN;
	memcpy(rq + 2, rsp + 4, 16);
	rq[18] = 0x10; /* our first inbound sequence number */
	cc = send15(c, type, c->sid, 0, NETFN_APP, 0x3a, rq, 22, rsp, &n);
	if (cc == CC_OK)
		c->seq = (uint32_t)(rsp[5] | rsp[6] << 8 | rsp[7] << 16 | (uint32_t)rsp[8] << 24);
	return cc;
}

static void
test_off_by_default(void **state)
{
	struct harness *h = setup(0);
	uint8_t rq[17] = {AUTHTYPE_MD5, 'a', 'd', 'm', 'i', 'n'}, rsp[32];
	struct c15 c = {h, {4, {127, 0, 0, 1}, 41000}, 0, {0}, 0, 0, 0};
	size_t n;

	(void)state;
	assert_int_equal(send15(&c, AUTHTYPE_NONE, 0, 0, NETFN_APP, 0x39, rq, 17, rsp, &n), CC_INVALID_FIELD);
	memcpy(rq + 1, "nobody", 6);
	assert_int_equal(send15(&c, AUTHTYPE_NONE, 0, 0, NETFN_APP, 0x39, rq, 17, rsp, &n), CC_INVALID_FIELD);
	/* Auth caps advertise no 1.5 type and no 1.5 support. */
	assert_int_equal(
	    send15(&c, AUTHTYPE_NONE, 0, 0, NETFN_APP, 0x38, (uint8_t[]){0x8e, 4}, 2, rsp, &n), 0);
	assert_int_equal(rsp[1], 0x80);
	assert_int_equal(rsp[3], 0x02);
	h_free(h);
}

static void
test_md5_and_password_sessions(void **state)
{
	static const uint8_t types[] = {AUTHTYPE_MD5, AUTHTYPE_PASSWORD};
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(types); i++) {
		struct harness *h = setup((1u << AUTHTYPE_MD5) | (1u << AUTHTYPE_PASSWORD));
		uint8_t rsp[64];
		struct c15 c;

		assert_int_equal(login15(&c, h, types[i], "admin", PW), CC_OK);
		assert_int_equal(session_count(h->bmc, SESS_ACTIVE), 1);
		assert_int_equal(
		    send15(&c, types[i], c.sid, c.seq, NETFN_APP, 0x01, NULL, 0, rsp, &n), CC_OK);
		assert_int_equal(n, 15);
		/* Replay of the same sequence number: dropped. */
		assert_int_equal(send15(&c, types[i], c.sid, c.seq, NETFN_APP, 0x01, NULL, 0, rsp, &n), -1);
		/* The session must use its own auth type, and the right password. */
		c.seq++;
		assert_int_equal(
		    send15(&c, AUTHTYPE_NONE, c.sid, c.seq, NETFN_APP, 0x01, NULL, 0, rsp, &n), -1);
		c.pw[0] ^= 1;
		assert_int_equal(send15(&c, types[i], c.sid, c.seq, NETFN_APP, 0x01, NULL, 0, rsp, &n), -1);
		c.pw[0] ^= 1;
		/* Session info reports IPMI 1.5. */
		assert_int_equal(
		    send15(&c, types[i], c.sid, ++c.seq, NETFN_APP, 0x3d, (uint8_t[]){0}, 1, rsp, &n), CC_OK);
		assert_int_equal(rsp[5] & 0xf0, 0x00);
		h_free(h);
	}
}

static void
test_wrong_password_looks_like_unknown_user(void **state)
{
	struct harness *h = setup(1u << AUTHTYPE_MD5);
	struct c15 c;

	(void)state;
	/* Both get a challenge, both activations go unanswered. */
	assert_int_equal(login15(&c, h, AUTHTYPE_MD5, "admin", "Wrong-Password-1"), -1);
	assert_int_equal(login15(&c, h, AUTHTYPE_MD5, "nobody", PW), -1);
	assert_int_equal(login15(&c, h, AUTHTYPE_MD5, "", ""), -1);
	/* A type that is not enabled is refused at the challenge. */
	assert_int_equal(login15(&c, h, AUTHTYPE_PASSWORD, "admin", PW), CC_INVALID_FIELD);
	assert_int_equal(login15(&c, h, AUTHTYPE_MD2, "admin", PW), CC_INVALID_FIELD);
	assert_int_equal(session_count(h->bmc, SESS_ACTIVE), 0);
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_off_by_default),
	    cmocka_unit_test(test_md5_and_password_sessions),
	    cmocka_unit_test(test_wrong_password_looks_like_unknown_user),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
