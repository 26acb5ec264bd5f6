/*
 * A minimal RMCP+ console for tests and fuzz targets: logs in to a struct
 * bmc through bmc_handle_datagram() exactly as a LAN client would, and seals
 * and opens session packets.  It reuses the core's crypto wrappers; the
 * captured vectors (test_rakp.c) check those independently.
 */
#ifndef GHOSTBMC_TEST_CLIENT_H
#define GHOSTBMC_TEST_CLIENT_H

#include "core/bmc_int.h"

struct client {
	struct bmc *bmc;
	struct bmc_time *now;
	struct bmc_addr src;
	uint8_t auth, integ, conf;
	uint32_t con_sid, bmc_sid;
	uint8_t rm[16], rc[16], guid[16];
	uint8_t role, ulen;
	char user[BMC_NAME_LEN + 1];
	uint8_t kuid[20];
	uint8_t kg[20];
	bool have_kg;
	uint8_t sik[32], k1[32], k2[32];
	size_t keylen;
	uint32_t seq; /* last session sequence number sent */
	uint8_t rq_seq; /* IPMI rqSeq, 6 bits */
	struct bmc_out out;
	uint8_t status; /* last RMCP+ status seen during login */
	bool quiet_on_bad_rakp2; /* stop after a RAKP2 that does not verify, as a guesser does */
};

/* Set up a client from 127.0.0.1:port. */
void client_init(struct client *c, struct bmc *bmc, struct bmc_time *now, uint16_t port);

/*
 * Open Session + RAKP 1-4 with cipher suite `suite`, requesting `priv` with
 * name-only lookup.  Returns 0 when the session is active, else the RMCP+
 * status that refused it (c->status), or -1 when the BMC did not answer or
 * RAKP2/RAKP4 did not verify.
 */
int client_login(struct client *c, uint8_t suite, const char *user, const char *password, uint8_t priv);

/* Seal any payload (an IPMI message, a SOL packet) as the session negotiated. Returns its length or 0. */
size_t client_seal_payload(
    struct client *c, uint8_t ptype, const uint8_t *payload, size_t len, uint8_t *pkt, size_t cap);

/* Build a sealed IPMI request packet (does not send it). Returns its length. */
size_t client_seal(
    struct client *c, uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len, uint8_t *pkt, size_t cap);

/* Open a reply packet; copies the IPMI message (from rqSA) to msg. Returns its length or 0. */
size_t client_open(struct client *c, const uint8_t *pkt, size_t len, uint8_t *msg, size_t cap);

/*
 * Send one command in the session.  Returns the completion code, or -1 if no
 * (valid) reply came.  rsp/rsplen receive the data after the code.
 */
int client_cmd(struct client *c, uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len, uint8_t *rsp,
    size_t *rsplen);

/* Send raw bytes from the client's address; returns the reply length. */
size_t client_send(struct client *c, const uint8_t *pkt, size_t len);

/* A SOL packet as the console sees it. */
struct client_sol {
	uint8_t seq, ack, accepted, status;
	uint8_t chars[BMC_MSG_MAX];
	size_t n;
};

/* Send a SOL packet (header fields, then characters) in the session; returns the reply's length. */
size_t client_sol_send(
    struct client *c, uint8_t seq, uint8_t ack, uint8_t accepted, uint8_t op, const uint8_t *chars, size_t n);

/* Open a SOL packet from the BMC (a reply or an unsolicited one); returns its payload length, 0 if not one.
 */
size_t client_sol_open(struct client *c, const uint8_t *pkt, size_t len, struct client_sol *sol);

#endif
