/* The console side of IPMI 1.5 and RMCP+ session setup, for the audit (see wire.h). */
#include <string.h>

#include "audit/wire.h"
#include "core/buf.h"
#include "core/crypto.h"
#include "core/ipmi.h"

#define RMCP_VERSION 0x06
#define RMCP_SEQ_NO_ACK 0xff
#define RMCP_CLASS_IPMI 0x07
#define AUTHTYPE_RMCPP 0x06
#define RQ_SA 0x81 /* remote console software ID */
#define RS_SA 0x20 /* the BMC */

static void
rmcp_hdr(struct wbuf *w)
{
	wbuf_put_u8(w, RMCP_VERSION);
	wbuf_put_u8(w, 0);
	wbuf_put_u8(w, RMCP_SEQ_NO_ACK);
	wbuf_put_u8(w, RMCP_CLASS_IPMI);
}

/* An RMCP header for IPMI: version 06h, class 07h (the sequence and reserved bytes are not checked). */
static bool
rmcp_hdr_ok(struct buf *b)
{
	uint8_t v = buf_get_u8(b), cls;

	buf_skip(b, 2);
	cls = buf_get_u8(b);
	return !b->err && v == RMCP_VERSION && cls == RMCP_CLASS_IPMI;
}

size_t
aw_v15_request(uint8_t *out, size_t cap, uint8_t auth_type, uint32_t seq, uint32_t sid, const uint8_t *pw16,
    uint8_t netfn, uint8_t cmd, uint8_t rq_seq, const uint8_t *data, size_t len)
{
	static const uint8_t zero[16];
	uint8_t msg[AW_DGRAM_MAX], code[16];
	struct wbuf m = WBUF_INIT(msg, sizeof(msg));
	struct wbuf w = WBUF_INIT(out, cap);

	wbuf_put_u8(&m, RS_SA);
	wbuf_put_u8(&m, (uint8_t)(netfn << 2));
	wbuf_put_u8(&m, msg_checksum(msg, 2));
	wbuf_put_u8(&m, RQ_SA);
	wbuf_put_u8(&m, (uint8_t)(rq_seq << 2));
	wbuf_put_u8(&m, cmd);
	wbuf_put_bytes(&m, data, len);
	if (m.err || m.len + 1 > 255)
		return 0;
	wbuf_put_u8(&m, msg_checksum(msg + 3, m.len - 3));

	rmcp_hdr(&w);
	wbuf_put_u8(&w, auth_type);
	wbuf_put_u32le(&w, seq);
	wbuf_put_u32le(&w, sid);
	if (auth_type != AUTHTYPE_NONE) {
		if (!crypto_auth15_code(auth_type, pw16 != NULL ? pw16 : zero, sid, seq, msg, m.len, code))
			return 0;
		wbuf_put_bytes(&w, code, 16);
	}
	wbuf_put_u8(&w, (uint8_t)m.len);
	wbuf_put_bytes(&w, msg, m.len);
	return w.err ? 0 : w.len;
}

int
aw_v15_parse(const uint8_t *p, size_t n, struct aw_v15_rsp *r)
{
	struct buf b = BUF_INIT(p, n);
	const uint8_t *msg;
	uint8_t mlen;

	memset(r, 0, sizeof(*r));
	if (!rmcp_hdr_ok(&b))
		return -1;
	r->auth_type = buf_get_u8(&b) & 0x0f;
	if (r->auth_type == AUTHTYPE_RMCPP)
		return -1;
	r->seq = buf_get_u32le(&b);
	r->sid = buf_get_u32le(&b);
	if (r->auth_type != AUTHTYPE_NONE)
		buf_skip(&b, 16);
	mlen = buf_get_u8(&b);
	msg = buf_take(&b, mlen);
	/* rqSA netFn/LUN chk rsSA rqSeq/LUN cmd cc chk */
	if (msg == NULL || mlen < 8 || msg_checksum(msg, 2) != msg[2] ||
	    msg_checksum(msg + 3, (size_t)mlen - 4) != msg[mlen - 1])
		return -1;
	r->netfn = msg[1] >> 2;
	r->rq_seq = msg[4] >> 2;
	r->cmd = msg[5];
	r->cc = msg[6];
	r->data = msg + 7;
	r->len = (size_t)mlen - 8;
	return 0;
}

size_t
aw_setup_packet(uint8_t *out, size_t cap, uint8_t ptype, const uint8_t *payload, size_t len)
{
	struct wbuf w = WBUF_INIT(out, cap);

	rmcp_hdr(&w);
	wbuf_put_u8(&w, AUTHTYPE_RMCPP);
	wbuf_put_u8(&w, ptype);
	wbuf_put_u32le(&w, 0);
	wbuf_put_u32le(&w, 0);
	wbuf_put_u16le(&w, (uint16_t)len);
	wbuf_put_bytes(&w, payload, len);
	return w.err ? 0 : w.len;
}

int
aw_rmcpp_parse(const uint8_t *p, size_t n, uint8_t *ptype, const uint8_t **payload, size_t *len)
{
	struct buf b = BUF_INIT(p, n);
	uint16_t plen;

	if (!rmcp_hdr_ok(&b) || (buf_get_u8(&b) & 0x0f) != AUTHTYPE_RMCPP)
		return -1;
	*ptype = buf_get_u8(&b) & 0x3f;
	if (*ptype == PAYLOAD_OEM)
		return -1; /* never part of session setup */
	buf_skip(&b, 8);
	plen = buf_get_u16le(&b);
	*payload = buf_take(&b, plen);
	*len = plen;
	return *payload == NULL ? -1 : 0;
}

size_t
aw_open_session(uint8_t *out, size_t cap, uint8_t tag, uint8_t priv, uint32_t con_sid, uint8_t auth,
    uint8_t integ, uint8_t conf)
{
	uint8_t pl[32];
	struct wbuf w = WBUF_INIT(pl, sizeof(pl));

	wbuf_put_u8(&w, tag);
	wbuf_put_u8(&w, priv);
	wbuf_put_u16le(&w, 0);
	wbuf_put_u32le(&w, con_sid);
	/* three algorithm payloads: type, 2 reserved, length 8, algorithm, 3 reserved */
	wbuf_put_u32le(&w, 0x08000000u);
	wbuf_put_u32le(&w, auth);
	wbuf_put_u32le(&w, 0x08000001u);
	wbuf_put_u32le(&w, integ);
	wbuf_put_u32le(&w, 0x08000002u);
	wbuf_put_u32le(&w, conf);
	return aw_setup_packet(out, cap, PAYLOAD_OPEN_SESSION_RQ, pl, w.len);
}

size_t
aw_rakp1(uint8_t *out, size_t cap, uint8_t tag, uint32_t bmc_sid, const uint8_t rm[16], uint8_t role,
    const char *name, size_t ulen)
{
	uint8_t pl[28 + AW_NAME_MAX];
	struct wbuf w = WBUF_INIT(pl, sizeof(pl));

	if (ulen > AW_NAME_MAX)
		return 0;
	wbuf_put_u8(&w, tag);
	wbuf_put_fill(&w, 0, 3);
	wbuf_put_u32le(&w, bmc_sid);
	wbuf_put_bytes(&w, rm, 16);
	wbuf_put_u8(&w, role);
	wbuf_put_u16le(&w, 0);
	wbuf_put_u8(&w, (uint8_t)ulen);
	wbuf_put_bytes(&w, name, ulen);
	return w.err ? 0 : aw_setup_packet(out, cap, PAYLOAD_RAKP1, pl, w.len);
}

size_t
aw_rakp3_abort(uint8_t *out, size_t cap, uint8_t tag, uint8_t status, uint32_t bmc_sid, size_t codelen)
{
	uint8_t pl[8 + CRYPTO_MAX_DIGEST];
	struct wbuf w = WBUF_INIT(pl, sizeof(pl));

	wbuf_put_u8(&w, tag);
	wbuf_put_u8(&w, status);
	wbuf_put_u16le(&w, 0);
	wbuf_put_u32le(&w, bmc_sid);
	wbuf_put_fill(&w, 0, codelen);
	return w.err ? 0 : aw_setup_packet(out, cap, PAYLOAD_RAKP3, pl, w.len);
}

int
aw_open_parse(const uint8_t *pl, size_t n, struct aw_open_rsp *r)
{
	struct buf b = BUF_INIT(pl, n);

	memset(r, 0, sizeof(*r));
	r->tag = buf_get_u8(&b);
	r->status = buf_get_u8(&b);
	if (b.err)
		return -1;
	/* Some BMCs (ipmi_sim) answer an error with tag and status only. */
	r->max_priv = buf_get_u8(&b);
	buf_skip(&b, 1);
	r->con_sid = buf_get_u32le(&b);
	r->has_con_sid = !b.err;
	if (r->status != RMCPP_OK)
		return 0;
	r->bmc_sid = buf_get_u32le(&b);
	return b.err ? -1 : 0;
}

int
aw_rakp2_parse(const uint8_t *pl, size_t n, struct aw_rakp2 *r)
{
	struct buf b = BUF_INIT(pl, n);

	memset(r, 0, sizeof(*r));
	r->len = n;
	r->tag = buf_get_u8(&b);
	r->status = buf_get_u8(&b);
	if (b.err)
		return -1;
	buf_skip(&b, 2);
	r->con_sid = buf_get_u32le(&b);
	r->has_con_sid = !b.err;
	if (!buf_get_bytes(&b, r->rc, 16) || !buf_get_bytes(&b, r->guid, 16))
		return 0; /* the error form, or shorter still */
	r->code = b.p;
	r->codelen = b.left;
	return 0;
}

size_t
aw_rakp2_code(uint8_t auth_alg, const char *pw, uint32_t con_sid, uint32_t bmc_sid, const uint8_t rm[16],
    const uint8_t rc[16], const uint8_t guid[16], uint8_t role, const char *name, size_t ulen,
    uint8_t out[32])
{
	uint8_t ids[8] = {(uint8_t)con_sid, (uint8_t)(con_sid >> 8), (uint8_t)(con_sid >> 16),
	    (uint8_t)(con_sid >> 24), (uint8_t)bmc_sid, (uint8_t)(bmc_sid >> 8), (uint8_t)(bmc_sid >> 16),
	    (uint8_t)(bmc_sid >> 24)};
	uint8_t rl[2] = {role, (uint8_t)ulen}, kuid[20];
	struct iov_c v[6] = {{ids, 8}, {rm, 16}, {rc, 16}, {guid, 16}, {rl, 2}, {name, ulen}};
	size_t pwlen = strlen(pw), n;

	/* Kuid: the password zero-padded to 20 bytes (HMAC pads keys with zeros anyway). */
	memset(kuid, 0, sizeof(kuid));
	memcpy(kuid, pw, pwlen < sizeof(kuid) ? pwlen : sizeof(kuid));
	n = crypto_hmac_auth(auth_alg, kuid, sizeof(kuid), v, 6, out);
	crypto_wipe(kuid, sizeof(kuid));
	return n;
}

bool
aw_suite_algs(uint8_t suite, uint8_t *auth, uint8_t *integ, uint8_t *conf)
{
	/* IPMI 2.0 table 22-20: the suites with standard algorithms this audit may use. */
	static const uint8_t t[][4] = {
	    {0, AUTH_NONE, INTEG_NONE, CONF_NONE},
	    {1, AUTH_HMAC_SHA1, INTEG_NONE, CONF_NONE},
	    {2, AUTH_HMAC_SHA1, INTEG_HMAC_SHA1_96, CONF_NONE},
	    {3, AUTH_HMAC_SHA1, INTEG_HMAC_SHA1_96, CONF_AES_CBC_128},
	    {6, AUTH_HMAC_MD5, INTEG_NONE, CONF_NONE},
	    {7, AUTH_HMAC_MD5, INTEG_HMAC_MD5_128, CONF_NONE},
	    {8, AUTH_HMAC_MD5, INTEG_HMAC_MD5_128, CONF_AES_CBC_128},
	    {15, AUTH_HMAC_SHA256, INTEG_NONE, CONF_NONE},
	    {16, AUTH_HMAC_SHA256, INTEG_HMAC_SHA256_128, CONF_NONE},
	    {17, AUTH_HMAC_SHA256, INTEG_HMAC_SHA256_128, CONF_AES_CBC_128},
	};
	size_t k;

	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		if (t[k][0] == suite) {
			*auth = t[k][1];
			*integ = t[k][2];
			*conf = t[k][3];
			return true;
		}
	}
	return false;
}
