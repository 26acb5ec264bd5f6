/*
 * Passwords key the RMCP+ HMACs, so they must be recoverable: they are
 * sealed with AES-256-GCM under a random key that lives only in
 * STATE_DIR/secret.key.  A key file anyone else can read is refused, like
 * smtpd refuses a secrets file with loose permissions.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "store/secret.h"

static int
read_key(int fd, const char *path, uint8_t key[SECRET_KEY_LEN], char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen, "%s: owned by uid %u, not by us (uid %u)", path, (unsigned)st.st_uid,
		    (unsigned)geteuid());
		return -1;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(err, errlen, "%s: mode %04o lets others read it; chmod 600 it", path,
		    (unsigned)(st.st_mode & 07777));
		return -1;
	}
	if (st.st_size != SECRET_KEY_LEN || read(fd, key, SECRET_KEY_LEN) != SECRET_KEY_LEN) {
		snprintf(err, errlen, "%s: not a %d-byte key file", path, SECRET_KEY_LEN);
		return -1;
	}
	return 0;
}

int
secret_load(const char *state_dir, uint8_t key[SECRET_KEY_LEN], char *err, size_t errlen)
{
	char path[4096], tmp[4200];
	int fd, rc;

	snprintf(path, sizeof(path), "%s/secret.key", state_dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) != -1) {
		rc = read_key(fd, path, key, err, errlen);
		close(fd);
		return rc;
	}
	if (errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* Written whole to a temporary name, synced, then renamed: never half a key. */
	if (RAND_bytes(key, SECRET_KEY_LEN) != 1) {
		snprintf(err, errlen, "cannot draw a random key");
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if (write(fd, key, SECRET_KEY_LEN) != SECRET_KEY_LEN || fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
gcm(int enc, const uint8_t key[SECRET_KEY_LEN], const void *aad, size_t aadlen, const uint8_t *in, size_t len,
    const uint8_t nonce[SECRET_NONCE_LEN], uint8_t tag[SECRET_TAG_LEN], uint8_t *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, ok;

	if (ctx == NULL || len > 1024)
		return -1;
	ok = EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, SECRET_NONCE_LEN, NULL) &&
	    EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc) &&
	    EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aadlen) &&
	    (len == 0 || EVP_CipherUpdate(ctx, out, &n, in, (int)len));
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SECRET_TAG_LEN, tag);
	if (ok)
		ok = EVP_CipherFinal_ex(ctx, out + (len ? n : 0), &n);
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SECRET_TAG_LEN, tag);
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

int
secret_seal(const uint8_t key[SECRET_KEY_LEN], const void *aad, size_t aadlen, const uint8_t *pt, size_t len,
    uint8_t nonce[SECRET_NONCE_LEN], uint8_t *ct, uint8_t tag[SECRET_TAG_LEN])
{
	if (RAND_bytes(nonce, SECRET_NONCE_LEN) != 1)
		return -1;
	return gcm(1, key, aad, aadlen, pt, len, nonce, tag, ct);
}

int
secret_open(const uint8_t key[SECRET_KEY_LEN], const void *aad, size_t aadlen, const uint8_t *ct, size_t len,
    const uint8_t nonce[SECRET_NONCE_LEN], const uint8_t tag[SECRET_TAG_LEN], uint8_t *pt)
{
	uint8_t t[SECRET_TAG_LEN];

	memcpy(t, tag, sizeof(t));
	if (gcm(0, key, aad, aadlen, ct, len, nonce, t, pt) != 0) {
		OPENSSL_cleanse(pt, len);
		return -1;
	}
	return 0;
}
