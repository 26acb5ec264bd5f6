/* OpenSSL behind IPMI's algorithm numbers.  Nothing here is a primitive of our own. */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include "core/crypto.h"
#include "core/ipmi.h"

static const EVP_MD *
auth_md(uint8_t auth_alg)
{
	switch (auth_alg) {
	case AUTH_HMAC_SHA1:
		return EVP_sha1();
	case AUTH_HMAC_SHA256:
		return EVP_sha256();
	case AUTH_HMAC_MD5:
		return EVP_md5();
	default:
		return NULL;
	}
}

size_t
crypto_auth_len(uint8_t auth_alg)
{
	const EVP_MD *md = auth_md(auth_alg);
	return md ? (size_t)EVP_MD_get_size(md) : 0;
}

size_t
crypto_rakp4_icv_len(uint8_t auth_alg)
{
	switch (auth_alg) {
	case AUTH_HMAC_SHA1:
		return 12;
	case AUTH_HMAC_SHA256:
	case AUTH_HMAC_MD5:
		return 16;
	default:
		return 0;
	}
}

size_t
crypto_integ_len(uint8_t integ_alg)
{
	switch (integ_alg) {
	case INTEG_HMAC_SHA1_96:
		return 12;
	case INTEG_HMAC_SHA256_128:
	case INTEG_HMAC_MD5_128:
		return 16;
	default:
		return 0;
	}
}

/* Fetched once: the HMAC implementation does not change while we run. */
static EVP_MAC *
hmac_impl(void)
{
	static EVP_MAC *mac;

	if (mac == NULL)
		mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	return mac;
}

static size_t
hmac_md(const EVP_MD *md, const void *key, size_t keylen, const struct iov_c *v, size_t n,
    uint8_t out[CRYPTO_MAX_DIGEST])
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	EVP_MAC *mac = hmac_impl();
	size_t len = 0, i;
	int ok;

	if (md == NULL || mac == NULL || (ctx = EVP_MAC_CTX_new(mac)) == NULL)
		return 0;
	params[0] = OSSL_PARAM_construct_utf8_string("digest", (char *)EVP_MD_get0_name(md), 0);
	params[1] = OSSL_PARAM_construct_end();
	ok = EVP_MAC_init(ctx, key, keylen, params);
	for (i = 0; ok && i < n; i++)
		ok = EVP_MAC_update(ctx, v[i].p, v[i].n);
	if (ok)
		ok = EVP_MAC_final(ctx, out, &len, CRYPTO_MAX_DIGEST);
	EVP_MAC_CTX_free(ctx);
	return ok ? len : 0;
}

size_t
crypto_hmac_auth(uint8_t auth_alg, const void *key, size_t keylen, const struct iov_c *v, size_t n,
    uint8_t out[CRYPTO_MAX_DIGEST])
{
	return hmac_md(auth_md(auth_alg), key, keylen, v, n, out);
}

size_t
crypto_hmac_integ(uint8_t integ_alg, const uint8_t *k1, size_t k1len, const void *data, size_t len,
    uint8_t out[CRYPTO_MAX_DIGEST])
{
	struct iov_c v = {data, len};
	const EVP_MD *md;
	size_t want = crypto_integ_len(integ_alg);

	switch (integ_alg) {
	case INTEG_HMAC_SHA1_96:
		md = EVP_sha1();
		break;
	case INTEG_HMAC_SHA256_128:
		md = EVP_sha256();
		break;
	case INTEG_HMAC_MD5_128:
		md = EVP_md5();
		break;
	default:
		return 0;
	}
	if (hmac_md(md, k1, k1len, &v, 1, out) < want)
		return 0;
	return want;
}

static const EVP_MD *
integ_md(uint8_t integ_alg)
{
	switch (integ_alg) {
	case INTEG_HMAC_SHA1_96:
		return EVP_sha1();
	case INTEG_HMAC_SHA256_128:
		return EVP_sha256();
	case INTEG_HMAC_MD5_128:
		return EVP_md5();
	default:
		return NULL;
	}
}

int
crypto_sess_init(
    struct crypto_sess *c, uint8_t integ_alg, const uint8_t *k1, size_t k1len, bool aes, const uint8_t k2[16])
{
	const EVP_MD *md = integ_md(integ_alg);
	EVP_MAC *mac = hmac_impl();
	OSSL_PARAM params[2];

	memset(c, 0, sizeof(*c));
	if (md != NULL) {
		if (mac == NULL || (c->mac = EVP_MAC_CTX_new(mac)) == NULL)
			goto fail;
		params[0] = OSSL_PARAM_construct_utf8_string("digest", (char *)EVP_MD_get0_name(md), 0);
		params[1] = OSSL_PARAM_construct_end();
		if (!EVP_MAC_init(c->mac, k1, k1len, params))
			goto fail;
	}
	if (aes) {
		if ((c->enc = EVP_CIPHER_CTX_new()) == NULL || (c->dec = EVP_CIPHER_CTX_new()) == NULL ||
		    !EVP_CipherInit_ex(c->enc, EVP_aes_128_cbc(), NULL, k2, NULL, 1) ||
		    !EVP_CipherInit_ex(c->dec, EVP_aes_128_cbc(), NULL, k2, NULL, 0) ||
		    !EVP_CIPHER_CTX_set_padding(c->enc, 0) || !EVP_CIPHER_CTX_set_padding(c->dec, 0))
			goto fail;
	}
	return 0;
fail:
	crypto_sess_free(c);
	return -1;
}

void
crypto_sess_free(struct crypto_sess *c)
{
	EVP_MAC_CTX_free(c->mac);
	EVP_CIPHER_CTX_free(c->enc);
	EVP_CIPHER_CTX_free(c->dec);
	memset(c, 0, sizeof(*c));
}

size_t
crypto_sess_integ(const struct crypto_sess *c, uint8_t integ_alg, const void *data, size_t len,
    uint8_t out[CRYPTO_MAX_DIGEST])
{
	size_t want = crypto_integ_len(integ_alg), n = 0;

	/* A NULL key re-initialises the context with the key it holds (OpenSSL 3). */
	if (c->mac == NULL || want == 0 || !EVP_MAC_init(c->mac, NULL, 0, NULL) ||
	    !EVP_MAC_update(c->mac, data, len) || !EVP_MAC_final(c->mac, out, &n, CRYPTO_MAX_DIGEST) ||
	    n < want)
		return 0;
	return want;
}

int
crypto_sess_aes(const struct crypto_sess *c, bool encrypt, const uint8_t iv[16], const uint8_t *in,
    size_t len, uint8_t *out)
{
	EVP_CIPHER_CTX *ctx = encrypt ? c->enc : c->dec;
	int n1 = 0, n2 = 0;

	if (ctx == NULL || len % CRYPTO_AES_BLOCK != 0 || len > (size_t)INT32_MAX)
		return -1;
	/* Only the IV changes: the key schedule stays. */
	if (!EVP_CipherInit_ex(ctx, NULL, NULL, NULL, iv, -1) ||
	    !EVP_CipherUpdate(ctx, out, &n1, in, (int)len) || !EVP_CipherFinal_ex(ctx, out + n1, &n2))
		return -1;
	return (size_t)n1 + (size_t)n2 == len ? 0 : -1;
}

bool
crypto_auth15_code(uint8_t type, const uint8_t pw[16], uint32_t sid, uint32_t seq, const uint8_t *msg,
    size_t mlen, uint8_t out[16])
{
	uint8_t sidb[4] = {(uint8_t)sid, (uint8_t)(sid >> 8), (uint8_t)(sid >> 16), (uint8_t)(sid >> 24)};
	uint8_t seqb[4] = {(uint8_t)seq, (uint8_t)(seq >> 8), (uint8_t)(seq >> 16), (uint8_t)(seq >> 24)};
	struct iov_c v[5] = {{pw, 16}, {sidb, 4}, {msg, mlen}, {seqb, 4}, {pw, 16}};

	switch (type) {
	case AUTHTYPE_MD5:
		return crypto_md5(v, 5, out) == 0;
	case AUTHTYPE_PASSWORD:
		memcpy(out, pw, 16);
		return true;
	default:
		return false;
	}
}

int
crypto_aes_cbc(
    bool encrypt, const uint8_t key[16], const uint8_t iv[16], const uint8_t *in, size_t len, uint8_t *out)
{
	EVP_CIPHER_CTX *ctx;
	int n1 = 0, n2 = 0, ok;

	if (len % CRYPTO_AES_BLOCK != 0 || len > (size_t)INT32_MAX)
		return -1;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	ok = EVP_CipherInit_ex(ctx, EVP_aes_128_cbc(), NULL, key, iv, encrypt ? 1 : 0) &&
	    EVP_CIPHER_CTX_set_padding(ctx, 0) && EVP_CipherUpdate(ctx, out, &n1, in, (int)len) &&
	    EVP_CipherFinal_ex(ctx, out + n1, &n2);
	EVP_CIPHER_CTX_free(ctx);
	return ok && (size_t)n1 + (size_t)n2 == len ? 0 : -1;
}

int
crypto_md5(const struct iov_c *v, size_t n, uint8_t out[16])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int len = 0;
	size_t i;
	int ok;

	if (ctx == NULL)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_md5(), NULL);
	for (i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(ctx, v[i].p, v[i].n);
	if (ok)
		ok = EVP_DigestFinal_ex(ctx, out, &len);
	EVP_MD_CTX_free(ctx);
	return ok && len == 16 ? 0 : -1;
}

bool
crypto_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

void
crypto_wipe(void *p, size_t n)
{
	OPENSSL_cleanse(p, n);
}
