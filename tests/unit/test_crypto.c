/* The OpenSSL wrapper against published known answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/crypto.h"
#include "core/ipmi.h"

static size_t
unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	unsigned v;

	while (s[0] && s[1] && sscanf(s, "%2x", &v) == 1) {
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* RFC 2202 test case 2 (SHA-1) and RFC 4231 test case 2 (SHA-256): key "Jefe". */
static void
test_hmac_known_answers(void **state)
{
	const char *data = "what do ya want for nothing?";
	struct iov_c v[2] = {{data, 10}, {data + 10, 18}};
	uint8_t out[CRYPTO_MAX_DIGEST], want[32];

	(void)state;
	assert_int_equal(crypto_hmac_auth(AUTH_HMAC_SHA1, "Jefe", 4, v, 2, out), 20);
	unhex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79", want);
	assert_memory_equal(out, want, 20);
	assert_int_equal(crypto_hmac_auth(AUTH_HMAC_SHA256, "Jefe", 4, v, 2, out), 32);
	unhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", want);
	assert_memory_equal(out, want, 32);
	assert_int_equal(crypto_hmac_auth(AUTH_NONE, "Jefe", 4, v, 2, out), 0);
	assert_int_equal(crypto_hmac_auth(0x3f, "Jefe", 4, v, 2, out), 0);
}

static void
test_integrity_truncation(void **state)
{
	uint8_t out[CRYPTO_MAX_DIGEST], full[CRYPTO_MAX_DIGEST];
	struct iov_c v = {"abc", 3};

	(void)state;
	assert_int_equal(crypto_hmac_integ(INTEG_HMAC_SHA1_96, (const uint8_t *)"k", 1, "abc", 3, out), 12);
	crypto_hmac_auth(AUTH_HMAC_SHA1, "k", 1, &v, 1, full);
	assert_memory_equal(out, full, 12);
	assert_int_equal(
	    crypto_hmac_integ(INTEG_HMAC_SHA256_128, (const uint8_t *)"k", 1, "abc", 3, out), 16);
	crypto_hmac_auth(AUTH_HMAC_SHA256, "k", 1, &v, 1, full);
	assert_memory_equal(out, full, 16);
	assert_int_equal(crypto_hmac_integ(INTEG_NONE, (const uint8_t *)"k", 1, "abc", 3, out), 0);
	assert_int_equal(crypto_hmac_integ(INTEG_MD5_128, (const uint8_t *)"k", 1, "abc", 3, out), 0);
}

static void
test_lengths(void **state)
{
	(void)state;
	assert_int_equal(crypto_auth_len(AUTH_HMAC_SHA1), 20);
	assert_int_equal(crypto_auth_len(AUTH_HMAC_SHA256), 32);
	assert_int_equal(crypto_auth_len(AUTH_NONE), 0);
	assert_int_equal(crypto_rakp4_icv_len(AUTH_HMAC_SHA1), 12);
	assert_int_equal(crypto_rakp4_icv_len(AUTH_HMAC_SHA256), 16);
	assert_int_equal(crypto_rakp4_icv_len(AUTH_NONE), 0);
	assert_int_equal(crypto_integ_len(INTEG_HMAC_SHA1_96), 12);
	assert_int_equal(crypto_integ_len(INTEG_HMAC_SHA256_128), 16);
	assert_int_equal(crypto_integ_len(0x3f), 0);
}

/* NIST SP 800-38A F.2.1/F.2.2, first block. */
static void
test_aes_cbc_known_answer(void **state)
{
	uint8_t key[16], iv[16], pt[16], ct[16], out[16];

	(void)state;
	unhex("2b7e151628aed2a6abf7158809cf4f3c", key);
	unhex("000102030405060708090a0b0c0d0e0f", iv);
	unhex("6bc1bee22e409f96e93d7e117393172a", pt);
	unhex("7649abac8119b246cee98e9b12e9197d", ct);
	assert_int_equal(crypto_aes_cbc(true, key, iv, pt, 16, out), 0);
	assert_memory_equal(out, ct, 16);
	assert_int_equal(crypto_aes_cbc(false, key, iv, ct, 16, out), 0);
	assert_memory_equal(out, pt, 16);
	assert_int_equal(crypto_aes_cbc(true, key, iv, pt, 15, out), -1);
}

/* RFC 1321: MD5("abc"). */
static void
test_md5(void **state)
{
	struct iov_c v[2] = {{"a", 1}, {"bc", 2}};
	uint8_t out[16], want[16];

	(void)state;
	assert_int_equal(crypto_md5(v, 2, out), 0);
	unhex("900150983cd24fb0d6963f7d28e17f72", want);
	assert_memory_equal(out, want, 16);
}

static void
test_equal_and_wipe(void **state)
{
	uint8_t a[4] = {1, 2, 3, 4}, b[4] = {1, 2, 3, 5};

	(void)state;
	assert_true(crypto_equal(a, a, 4));
	assert_false(crypto_equal(a, b, 4));
	assert_true(crypto_equal(a, b, 3));
	crypto_wipe(a, sizeof(a));
	assert_int_equal(a[0] | a[1] | a[2] | a[3], 0);
}

/* Prepared session keys give what the one-shot functions give, packet after packet. */
static void
test_session_contexts(void **state)
{
	static const uint8_t algs[] = {INTEG_HMAC_SHA1_96, INTEG_HMAC_SHA256_128, INTEG_HMAC_MD5_128};
	uint8_t k1[32], k2[16], iv[16], data[64], a[CRYPTO_MAX_DIGEST], b[CRYPTO_MAX_DIGEST];
	uint8_t ca[64], cb[64], back[64];
	struct crypto_sess cs;
	size_t i, round, n;

	(void)state;
	for (i = 0; i < sizeof(k1); i++)
		k1[i] = (uint8_t)(i * 7 + 1);
	for (i = 0; i < sizeof(k2); i++)
		k2[i] = (uint8_t)(i * 13 + 5);
	for (i = 0; i < sizeof(algs); i++) {
		assert_int_equal(crypto_sess_init(&cs, algs[i], k1, 20, true, k2), 0);
		for (round = 0; round < 5; round++) {
			memset(data, (int)(round + i), sizeof(data));
			memset(iv, (int)(0x40 + round), sizeof(iv));
			n = crypto_sess_integ(&cs, algs[i], data, 16 + round * 8, a);
			assert_true(n > 0);
			assert_int_equal(crypto_hmac_integ(algs[i], k1, 20, data, 16 + round * 8, b), n);
			assert_memory_equal(a, b, n);
			assert_int_equal(crypto_sess_aes(&cs, true, iv, data, 48, ca), 0);
			assert_int_equal(crypto_aes_cbc(true, k2, iv, data, 48, cb), 0);
			assert_memory_equal(ca, cb, 48);
			assert_int_equal(crypto_sess_aes(&cs, false, iv, ca, 48, back), 0);
			assert_memory_equal(back, data, 48);
		}
		assert_int_equal(crypto_sess_aes(&cs, true, iv, data, 15, ca), -1); /* not whole blocks */
		crypto_sess_free(&cs);
		assert_null(cs.mac);
	}
	/* No integrity, no confidentiality: nothing prepared, nothing computed. */
	assert_int_equal(crypto_sess_init(&cs, INTEG_NONE, k1, 20, false, k2), 0);
	assert_int_equal(crypto_sess_integ(&cs, INTEG_NONE, data, 16, a), 0);
	assert_int_equal(crypto_sess_aes(&cs, true, iv, data, 16, ca), -1);
	crypto_sess_free(&cs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_session_contexts),
	    cmocka_unit_test(test_hmac_known_answers),
	    cmocka_unit_test(test_integrity_truncation),
	    cmocka_unit_test(test_lengths),
	    cmocka_unit_test(test_aes_cbc_known_answer),
	    cmocka_unit_test(test_md5),
	    cmocka_unit_test(test_equal_and_wipe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
