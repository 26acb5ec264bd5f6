/*
 * RMCP+ session setup replayed byte for byte against sessions captured
 * between real clients and BMCs (tests/unit/vectors.c): Open Session, RAKP
 * 1-4, key derivation, and the first encrypted, integrity-protected
 * command and its reply.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/bmc_int.h"
#include "core/rmcp.h"
#include "vectors.h"

static size_t
unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	if (s == NULL)
		return 0;
	while (s[0] && s[1]) {
		unsigned v;
		assert_true(n < cap);
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* Randomness scripted from the capture: BMC session ID, Rc, then the reply's IV. */
struct script {
	uint8_t bytes[64];
	size_t len, pos;
};

static void
script_rand(void *arg, void *dst, size_t n)
{
	struct script *s = arg;

	assert_true(s->pos + n <= s->len);
	memcpy(dst, s->bytes + s->pos, n);
	s->pos += n;
}

struct fixture {
	struct script script;
	struct bmc *bmc;
	struct bmc_time now;
	struct bmc_addr src;
	struct bmc_out out;
};

static void
setup_vector(struct fixture *f, const struct vector *v)
{
	struct bmc_conf conf;
	struct bmc_env env = {script_rand, NULL, &f->script};
	uint8_t *p = f->script.bytes;

	memset(f, 0, sizeof(*f));
	env.arg = &f->script;
	p[0] = (uint8_t)v->bmc_sid;
	p[1] = (uint8_t)(v->bmc_sid >> 8);
	p[2] = (uint8_t)(v->bmc_sid >> 16);
	p[3] = (uint8_t)(v->bmc_sid >> 24);
	unhex(v->rc, p + 4, 16);
	unhex(v->response_iv, p + 20, 16);
	f->script.len = 36;

	bmc_conf_defaults(&conf);
	assert_int_equal(unhex(v->guid, conf.system_guid, 16), 16);
	unhex(v->kg, conf.kg, 20);
	f->bmc = bmc_new(&env, &conf);
	assert_non_null(f->bmc);
	assert_true(bmc_user_add(f->bmc, v->username, (const uint8_t *)v->password, strlen(v->password),
	                PRIV_ADMIN) > 0);
	f->now.mono_ms = 5000;
	f->now.wall_s = 1700000000;
	f->src.family = 4;
	f->src.ip[0] = 127;
	f->src.ip[3] = 1;
	f->src.port = 40000;
}

/* Send one captured packet; return the reply length. */
static size_t
send_hex(struct fixture *f, const char *hex)
{
	uint8_t pkt[BMC_DGRAM_MAX];
	size_t n = unhex(hex, pkt, sizeof(pkt));

	assert_int_equal(bmc_handle_datagram(f->bmc, &f->now, &f->src, pkt, n, &f->out), 0);
	return f->out.reply_len;
}

static void
assert_reply(struct fixture *f, const char *hex)
{
	uint8_t want[BMC_DGRAM_MAX];
	size_t n = unhex(hex, want, sizeof(want));

	assert_int_equal(f->out.reply_len, n);
	assert_memory_equal(f->out.reply, want, n);
}

static void
test_vectors_replay(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nvectors; i++) {
		const struct vector *v = &vectors[i];
		uint8_t want[BMC_DGRAM_MAX];
		struct fixture f;
		size_t n;

		print_message("vector %s\n", v->name);
		setup_vector(&f, v);

		/* Open Session: byte for byte, except that we grant the real maximum for "0". */
		assert_true(send_hex(&f, v->open_session_request) > 0);
		n = unhex(v->open_session_response, want, sizeof(want));
		if (want[16 + 2] == 0)
			want[16 + 2] = PRIV_ADMIN;
		assert_int_equal(f.out.reply_len, n);
		assert_memory_equal(f.out.reply, want, n);

		send_hex(&f, v->rakp1);
		assert_reply(&f, v->rakp2);
		send_hex(&f, v->rakp3);
		assert_reply(&f, v->rakp4);
		assert_int_equal(session_count(f.bmc, SESS_ACTIVE), 1);

		/* The first command: Set Session Privilege Level, sealed and answered. */
		send_hex(&f, v->request);
		assert_reply(&f, v->response);
		assert_int_equal(f.script.pos, f.script.len);
		bmc_free(f.bmc);
	}
}

static void
test_key_derivation(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nvectors; i++) {
		const struct vector *v = &vectors[i];
		uint8_t kg[20] = {0}, want[32];
		struct session s;
		size_t n;

		memset(&s, 0, sizeof(s));
		s.auth_alg = v->suite >= 15 ? AUTH_HMAC_SHA256 : AUTH_HMAC_SHA1;
		unhex(v->rm, s.rm, 16);
		unhex(v->rc, s.rc, 16);
		s.role = v->role;
		s.ulen = (uint8_t)strlen(v->username);
		memcpy(s.uname, v->username, s.ulen);
		memcpy(s.kuid, v->password, strlen(v->password));
		assert_int_equal(rakp_derive_keys(&s, v->kg ? kg : NULL, 20), v->kg ? 0 : 0);
		if (v->kg) {
			unhex(v->kg, kg, 20);
			assert_int_equal(rakp_derive_keys(&s, kg, 20), 0);
		}
		n = unhex(v->sik, want, sizeof(want));
		assert_int_equal(s.keylen, n);
		assert_memory_equal(s.sik, want, n);
		unhex(v->k1, want, sizeof(want));
		assert_memory_equal(s.k1, want, n);
		unhex(v->k2, want, sizeof(want));
		assert_memory_equal(s.k2, want, n);
	}
}

/* A wrong password (RAKP3 code) is refused with 0Fh and the session is gone. */
static void
test_wrong_rakp3(void **state)
{
	const struct vector *v = &vectors[0];
	uint8_t pkt[BMC_DGRAM_MAX];
	struct fixture f;
	size_t n;

	(void)state;
	setup_vector(&f, v);
	send_hex(&f, v->open_session_request);
	send_hex(&f, v->rakp1);
	n = unhex(v->rakp3, pkt, sizeof(pkt));
	pkt[n - 1] ^= 1;
	bmc_handle_datagram(f.bmc, &f.now, &f.src, pkt, n, &f.out);
	assert_true(f.out.reply_len >= 24);
	assert_int_equal(f.out.reply[16 + 1], RMCPP_INVALID_ICV);
	assert_int_equal(session_count(f.bmc, SESS_ACTIVE), 0);
	assert_int_equal(session_count(f.bmc, SESS_RAKP2), 0);
	bmc_free(f.bmc);
}

/* A retransmitted RAKP3 (RAKP4 lost) gets the same RAKP4, not an error. */
static void
test_rakp3_retransmit(void **state)
{
	const struct vector *v = &vectors[3];
	struct fixture f;

	(void)state;
	setup_vector(&f, v);
	send_hex(&f, v->open_session_request);
	send_hex(&f, v->rakp1);
	send_hex(&f, v->rakp3);
	assert_reply(&f, v->rakp4);
	send_hex(&f, v->rakp3);
	assert_reply(&f, v->rakp4);
	assert_int_equal(session_count(f.bmc, SESS_ACTIVE), 1);
	bmc_free(f.bmc);
}

/* An unknown user gets a RAKP2 of the same shape (no enumeration), then fails. */
static void
test_unknown_user_decoy(void **state)
{
	const struct vector *v = &vectors[0];
	uint8_t pkt[BMC_DGRAM_MAX];
	struct fixture f;
	size_t n;

	(void)state;
	setup_vector(&f, v);
	bmc_user_delete(f.bmc, bmc_user_find(f.bmc, v->username));
	f.script.len = sizeof(f.script.bytes); /* decoy key: extra random bytes */
	send_hex(&f, v->open_session_request);
	send_hex(&f, v->rakp1);
	n = unhex(v->rakp2, pkt, sizeof(pkt));
	assert_int_equal(f.out.reply_len, n);
	assert_int_equal(f.out.reply[16 + 1], RMCPP_OK);
	assert_memory_not_equal(f.out.reply + n - 20, pkt + n - 20, 20);
	send_hex(&f, v->rakp3);
	assert_int_equal(f.out.reply[16 + 1], RMCPP_INVALID_ICV);
	assert_int_equal(session_count(f.bmc, SESS_ACTIVE), 0);
	bmc_free(f.bmc);
}

/* Every proper prefix of every setup packet is dropped without a reply. */
static void
test_truncated_prefixes(void **state)
{
	const struct vector *v = &vectors[0];
	const char *pkts[] = {v->open_session_request, v->rakp1, v->rakp3, v->request};
	uint8_t pkt[BMC_DGRAM_MAX];
	struct fixture f;
	size_t i, n, k;

	(void)state;
	setup_vector(&f, v);
	f.script.len = sizeof(f.script.bytes);
	for (i = 0; i < sizeof(pkts) / sizeof(pkts[0]); i++) {
		n = unhex(pkts[i], pkt, sizeof(pkt));
		for (k = 0; k < n; k++) {
			bmc_handle_datagram(f.bmc, &f.now, &f.src, pkt, k, &f.out);
			assert_int_equal(f.out.reply_len, 0);
			assert_int_equal(f.out.nfx, 0);
		}
	}
	bmc_free(f.bmc);
}

/* Suite 0 and mixes that are no configured suite are refused with 11h. */
static void
test_cipher_suite_refusals(void **state)
{
	const struct vector *v = &vectors[0];
	uint8_t pkt[BMC_DGRAM_MAX];
	struct fixture f;
	size_t n;

	(void)state;
	setup_vector(&f, v);
	n = unhex(v->open_session_request, pkt, sizeof(pkt));
	/* algorithms at payload offsets 12, 20, 28 */
	pkt[16 + 12] = 0;
	pkt[16 + 20] = 0;
	pkt[16 + 28] = 0;
	bmc_handle_datagram(f.bmc, &f.now, &f.src, pkt, n, &f.out);
	assert_int_equal(f.out.reply_len, 16 + 8);
	assert_int_equal(f.out.reply[16 + 1], RMCPP_NO_CIPHER_SUITE);
	/* suite 2 exists but is not enabled by default */
	pkt[16 + 12] = 1;
	pkt[16 + 20] = 1;
	pkt[16 + 28] = 0;
	bmc_handle_datagram(f.bmc, &f.now, &f.src, pkt, n, &f.out);
	assert_int_equal(f.out.reply[16 + 1], RMCPP_NO_CIPHER_SUITE);
	/* SHA-1 authentication with SHA-256 integrity is no suite at all */
	pkt[16 + 20] = 4;
	pkt[16 + 28] = 1;
	bmc_handle_datagram(f.bmc, &f.now, &f.src, pkt, n, &f.out);
	assert_int_equal(f.out.reply[16 + 1], RMCPP_NO_CIPHER_SUITE);
	bmc_free(f.bmc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vectors_replay),
	    cmocka_unit_test(test_key_derivation),
	    cmocka_unit_test(test_wrong_rakp3),
	    cmocka_unit_test(test_rakp3_retransmit),
	    cmocka_unit_test(test_unknown_user_decoy),
	    cmocka_unit_test(test_truncated_prefixes),
	    cmocka_unit_test(test_cipher_suite_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
