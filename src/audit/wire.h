/*
 * The console side of the wire, for the audit: the messages a remote
 * console sends before and during login (IPMI 1.5 session wrapper, RMCP+
 * Open Session and RAKP) and the parsers of the BMC's answers.  Pure: bytes
 * in, bytes out.  Layouts as in CHECKLIST 2, 4 and 5; tests/unit/client.c
 * builds the same RMCP+ messages for the unit tests.
 */
#ifndef GHOSTBMC_AUDIT_WIRE_H
#define GHOSTBMC_AUDIT_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AW_DGRAM_MAX 512 /* anything this audit sends or expects back */
#define AW_NAME_MAX 16 /* IPMI user names */
#define AW_RAKP2_FIXED 40 /* RAKP2 before the key exchange auth code */

/* ---- IPMI 1.5 session wrapper ---- */

/*
 * One request message (rsSA 20h, rqSA 81h) in the 1.5 wrapper.  pw16 is the
 * 16-byte password form for auth types MD5 and straight password (NULL = all
 * zero, the empty password); type none carries no AuthCode.  Returns the
 * length, 0 when it does not fit or the type is not one we can sign.
 */
size_t aw_v15_request(uint8_t *out, size_t cap, uint8_t auth_type, uint32_t seq, uint32_t sid,
    const uint8_t *pw16, uint8_t netfn, uint8_t cmd, uint8_t rq_seq, const uint8_t *data, size_t len);

struct aw_v15_rsp {
	uint8_t auth_type;
	uint32_t seq, sid;
	uint8_t netfn, rq_seq, cmd, cc;
	const uint8_t *data; /* after the completion code, before the checksum */
	size_t len;
};

/* A response message in the 1.5 wrapper (checksums checked); 0, or -1 when it is not one. */
int aw_v15_parse(const uint8_t *p, size_t n, struct aw_v15_rsp *r);

/* ---- RMCP+ session setup (session ID 0, sequence 0, no trailer) ---- */

size_t aw_setup_packet(uint8_t *out, size_t cap, uint8_t ptype, const uint8_t *payload, size_t len);

/* An RMCP+ packet's payload type (bits 5:0) and payload; 0, or -1 when it is not one. */
int aw_rmcpp_parse(const uint8_t *p, size_t n, uint8_t *ptype, const uint8_t **payload, size_t *len);

/* Open Session Request for one algorithm triple; priv 0 = the highest the suite allows. */
size_t aw_open_session(uint8_t *out, size_t cap, uint8_t tag, uint8_t priv, uint32_t con_sid, uint8_t auth,
    uint8_t integ, uint8_t conf);

/* RAKP Message 1. */
size_t aw_rakp1(uint8_t *out, size_t cap, uint8_t tag, uint32_t bmc_sid, const uint8_t rm[16], uint8_t role,
    const char *name, size_t ulen);

/* RAKP Message 3 that gives up: a non-zero status and codelen zero bytes in place of the code. */
size_t aw_rakp3_abort(
    uint8_t *out, size_t cap, uint8_t tag, uint8_t status, uint32_t bmc_sid, size_t codelen);

/* The fields of an Open Session Response (error form: status only, no BMC SID). */
struct aw_open_rsp {
	uint8_t tag, status, max_priv;
	uint32_t con_sid, bmc_sid;
	bool has_con_sid;
};
int aw_open_parse(const uint8_t *pl, size_t n, struct aw_open_rsp *r);

struct aw_rakp2 {
	uint8_t tag, status;
	uint32_t con_sid;
	bool has_con_sid;
	uint8_t rc[16], guid[16];
	const uint8_t *code;
	size_t codelen; /* 0 for the error form */
	size_t len; /* the whole payload */
};
int aw_rakp2_parse(const uint8_t *pl, size_t n, struct aw_rakp2 *r);

/*
 * The key exchange auth code a RAKP2 should carry if the user's password
 * were pw (CHECKLIST 5): HMAC_Kuid(SIDm | SIDc | Rm | Rc | GUIDc | ROLEm |
 * ULENm | UNAMEm).  Returns its length (0 for an unknown algorithm).
 */
size_t aw_rakp2_code(uint8_t auth_alg, const char *pw, uint32_t con_sid, uint32_t bmc_sid,
    const uint8_t rm[16], const uint8_t rc[16], const uint8_t guid[16], uint8_t role, const char *name,
    size_t ulen, uint8_t out[32]);

/* The algorithms of a standard cipher suite; false for an ID we don't know. */
bool aw_suite_algs(uint8_t suite, uint8_t *auth, uint8_t *integ, uint8_t *conf);

/* The IPMI checksum, the core's (src/core/msg.c; declared here because rmcp.h is the BMC side). */
uint8_t msg_checksum(const uint8_t *p, size_t n);

#endif
