/* The per-installation key that encrypts passwords at rest (STATE_DIR/secret.key). */
#ifndef GHOSTBMC_SECRET_H
#define GHOSTBMC_SECRET_H

#include <stddef.h>
#include <stdint.h>

#define SECRET_KEY_LEN 32
#define SECRET_NONCE_LEN 12
#define SECRET_TAG_LEN 16

/* Load STATE_DIR/secret.key, creating it (0600) if absent. 0 or -1 with err. */
int secret_load(const char *state_dir, uint8_t key[SECRET_KEY_LEN], char *err, size_t errlen);

/* AES-256-GCM; aad binds the ciphertext to its row. 0 or -1. ct has len bytes. */
int secret_seal(const uint8_t key[SECRET_KEY_LEN], const void *aad, size_t aadlen, const uint8_t *pt,
    size_t len, uint8_t nonce[SECRET_NONCE_LEN], uint8_t *ct, uint8_t tag[SECRET_TAG_LEN]);
int secret_open(const uint8_t key[SECRET_KEY_LEN], const void *aad, size_t aadlen, const uint8_t *ct,
    size_t len, const uint8_t nonce[SECRET_NONCE_LEN], const uint8_t tag[SECRET_TAG_LEN], uint8_t *pt);

#endif
