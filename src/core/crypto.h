/*
 * The only door to OpenSSL in the core.  Algorithms are the IPMI numbers
 * (AUTH_*, INTEG_*); lengths are those of the digests.  No primitive is
 * written here, only wrapped.
 */
#ifndef GHOSTBMC_CRYPTO_H
#define GHOSTBMC_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRYPTO_MAX_DIGEST 32
#define CRYPTO_AES_BLOCK 16

/* A gather list, so callers hash header ‖ payload without copying. */
struct iov_c {
	const void *p;
	size_t n;
};

/* Digest length of an RAKP authentication algorithm (0 for none/unsupported). */
size_t crypto_auth_len(uint8_t auth_alg);
/* RAKP4 ICV length: 12 for HMAC-SHA1, 16 for HMAC-SHA256 / HMAC-MD5, 0 for none. */
size_t crypto_rakp4_icv_len(uint8_t auth_alg);
/* AuthCode length of a session integrity algorithm (12 or 16; 0 for none). */
size_t crypto_integ_len(uint8_t integ_alg);

/* HMAC with the hash of auth_alg over the concatenation of v[0..n). Returns digest length or 0. */
size_t crypto_hmac_auth(uint8_t auth_alg, const void *key, size_t keylen, const struct iov_c *v, size_t n,
    uint8_t out[CRYPTO_MAX_DIGEST]);

/* Session integrity AuthCode (already truncated). Returns its length or 0. */
size_t crypto_hmac_integ(uint8_t integ_alg, const uint8_t *k1, size_t k1len, const void *data, size_t len,
    uint8_t out[CRYPTO_MAX_DIGEST]);

/* AES-128-CBC without OpenSSL padding; len must be a multiple of 16. 0 or -1. */
/*
 * A session's keys, prepared once when it becomes active: the integrity
 * HMAC keyed by K1 and the AES-128 key schedules of K2, so that a packet
 * costs no allocation and no key set-up.  Fields are NULL when unused.
 */
struct crypto_sess {
	void *mac; /* EVP_MAC_CTX, HMAC with the integrity digest and K1 */
	void *enc, *dec; /* EVP_CIPHER_CTX, AES-128-CBC with K2, no padding */
};
int crypto_sess_init(struct crypto_sess *c, uint8_t integ_alg, const uint8_t *k1, size_t k1len, bool aes,
    const uint8_t k2[16]);
void crypto_sess_free(struct crypto_sess *c);
/* As crypto_hmac_integ / crypto_aes_cbc with the prepared keys. */
size_t crypto_sess_integ(const struct crypto_sess *c, uint8_t integ_alg, const void *data, size_t len,
    uint8_t out[CRYPTO_MAX_DIGEST]);
int crypto_sess_aes(const struct crypto_sess *c, bool encrypt, const uint8_t iv[16], const uint8_t *in,
    size_t len, uint8_t *out);

/*
 * The AuthCode of an IPMI 1.5 packet (IPMI 2.0 22.17.1) for auth type MD5
 * (MD5 of password, session ID, message, sequence, password) or straight
 * password; false for any other type.  Both ends use it: the BMC and the audit.
 */
bool crypto_auth15_code(uint8_t type, const uint8_t pw[16], uint32_t sid, uint32_t seq, const uint8_t *msg,
    size_t mlen, uint8_t out[16]);

int crypto_aes_cbc(
    bool encrypt, const uint8_t key[16], const uint8_t iv[16], const uint8_t *in, size_t len, uint8_t *out);

/* MD5 over a gather list (IPMI 1.5 auth type MD5 only). 0 or -1. */
int crypto_md5(const struct iov_c *v, size_t n, uint8_t out[16]);

/* Constant-time comparison. */
bool crypto_equal(const void *a, const void *b, size_t n);

/* Wipe secrets so the compiler cannot drop it. */
void crypto_wipe(void *p, size_t n);

#endif
