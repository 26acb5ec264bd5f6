/* Wire codecs: RMCP, the IPMI 1.5 session wrapper, RMCP+ and the IPMI message layer. */
#ifndef GHOSTBMC_RMCP_H
#define GHOSTBMC_RMCP_H

#include "core/bmc_int.h"

#define RMCP_VERSION 0x06
#define RMCP_SEQ_NO_ACK 0xff
#define RMCP_CLASS_ASF 0x06
#define RMCP_CLASS_IPMI 0x07
#define RMCP_CLASS_ACK_BIT 0x80
#define RMCP_AUTH_RMCPP 0x06
#define ASF_IANA 4542u
#define ASF_TYPE_PING 0x80
#define ASF_TYPE_PONG 0x40

struct rmcp_hdr {
	uint8_t version, seq, cls;
};

/* Reads the 4-byte RMCP header; -1 for a version we don't speak or an ACK. */
int rmcp_decode_hdr(struct buf *b, struct rmcp_hdr *h);
void rmcp_encode_hdr(struct wbuf *w, uint8_t cls);
void rmcp_handle_asf(struct bmc *bmc, const struct rmcp_hdr *h, struct buf *b, struct bmc_out *out);

/* IPMI 1.5 wrapper (lan15.c): session-less requests, and 1.5 sessions when enabled. */
bool lan15_auth_allowed(const struct bmc *bmc, uint8_t type);
uint8_t lan15_challenge(struct cmd_ctx *ctx, uint8_t type, const uint8_t name[16], struct wbuf *rs);
void lan15_handle(struct bmc *bmc, const struct bmc_time *now, const struct bmc_addr *src, struct buf *b,
    struct bmc_out *out);

/* RMCP+ (auth type 06h): session setup and session traffic. */
void rmcpp_handle(struct bmc *bmc, const struct bmc_time *now, const struct bmc_addr *src, const uint8_t *pkt,
    size_t len, struct bmc_out *out);

/* ---- IPMI message layer (msg.c) ---- */

struct ipmi_req {
	uint8_t rs_sa, netfn, rs_lun, rq_sa, rq_seq, rq_lun, cmd;
	const uint8_t *data;
	size_t len;
};

/* A response's header (rqSA .. cmd) for a request: addresses swapped, netFn + 1, rqSeq echoed. */
#define MSG_RSP_HDR_LEN 6
void msg_response_header(const struct ipmi_req *rq, uint8_t out[MSG_RSP_HDR_LEN]);

/* Decode and checksum-check a request message; -1 = drop silently. */
int msg_decode_request(const uint8_t *p, size_t n, struct ipmi_req *rq);
/* Checksum over p[0..n): the byte that makes the sum 0. */
uint8_t msg_checksum(const uint8_t *p, size_t n);
/* The response rsp[0..n) answered with completion code FFh instead (8 bytes); 0 if too short. */
size_t msg_fail_reply(const uint8_t *rsp, size_t n, uint8_t *out);

/*
 * Serve one request message: decode, dispatch, encode the response into rsp
 * (capacity cap).  Returns the response length, or 0 to drop.
 */
size_t msg_serve(struct cmd_ctx *ctx, const uint8_t *in, size_t inlen, uint8_t *rsp, size_t cap);

/* ---- session setup (rakp.c) ---- */

void rakp_open_session(struct bmc *bmc, const struct bmc_time *now, const struct bmc_addr *src,
    struct buf *payload, struct wbuf *rs);
void rakp_rakp1(struct bmc *bmc, const struct bmc_time *now, const struct bmc_addr *src, struct buf *payload,
    struct wbuf *rs);
void rakp_rakp3(struct bmc *bmc, const struct bmc_time *now, const struct bmc_addr *src, struct buf *payload,
    struct wbuf *rs);
/* Key derivation exposed for unit tests. */
int rakp_derive_keys(struct session *s, const uint8_t *kg, size_t kglen);

#endif
