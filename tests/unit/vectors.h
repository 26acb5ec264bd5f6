/* Captured RMCP+ session establishments (see tools/gen-vectors.py). Hex strings. */
#ifndef GHOSTBMC_TEST_VECTORS_H
#define GHOSTBMC_TEST_VECTORS_H

#include <stddef.h>
#include <stdint.h>

struct vector {
	int suite;
	const char *name, *username, *password;
	const char *kg, *rm, *rc, *guid, *sik, *k1, *k2, *rakp4_icv;
	uint32_t bmc_sid;
	uint8_t role;
	uint8_t granted_priv;
	const char *open_session_request, *open_session_response;
	const char *rakp1, *rakp2, *rakp3, *rakp4;
	const char *request, *response, *response_iv, *response_msg;
};

extern const struct vector vectors[];
extern const size_t nvectors;

#endif
