/*
 * RMCP+ framing (IPMI 2.0 13.6, 13.28; CHECKLIST 6, 8): the session header,
 * integrity trailer and AES-CBC-128 payload, the sequence window, the retry
 * cache, and the routing of session-setup payloads to rakp.c.
 *
 * Anything that fails authentication is dropped without a word: no error
 * reply, no different timing for a bad pad than for a bad AuthCode.
 */
#include "core/crypto.h"
#include "core/rmcp.h"

#define PT_ENCRYPTED 0x80
#define PT_AUTHENTICATED 0x40
#define SESSION_HDR_LEN 12 /* auth type .. payload length */

struct rmcpp_hdr {
	uint8_t ptype; /* whole byte */
	uint32_t sid;
	uint32_t seq;
	uint16_t plen;
	const uint8_t *payload;
	size_t hdr_off; /* offset of the auth type byte in the packet */
};

/*
 * Frame a payload for the wire.  With a session, it is sealed as the session
 * negotiated: encrypted with a fresh IV, then integrity-protected.
 */
static size_t
rmcpp_wrap(struct bmc *bmc, struct session *s, uint8_t ptype, const uint8_t *plain, size_t plen, uint8_t *out,
    size_t cap)
{
	struct wbuf w = WBUF_INIT(out, cap);
	uint8_t *lenp, block[BMC_MSG_MAX + 32];
	size_t start_payload, n;

	rmcp_encode_hdr(&w, RMCP_CLASS_IPMI);
	wbuf_put_u8(&w, RMCP_AUTH_RMCPP);
	if (s != NULL) {
		if (s->conf_alg != CONF_NONE)
			ptype |= PT_ENCRYPTED;
		if (s->integ_alg != INTEG_NONE)
			ptype |= PT_AUTHENTICATED;
	}
	wbuf_put_u8(&w, ptype);
	wbuf_put_u32le(&w, s ? s->con_sid : 0);
	wbuf_put_u32le(&w, s ? session_next_out_seq(s) : 0);
	lenp = wbuf_reserve(&w, 2);
	start_payload = w.len;
	if (w.err)
		return 0;
	if (s != NULL && s->conf_alg == CONF_AES_CBC_128) {
		uint8_t iv[16], padn;
		size_t i;

		if (plen > BMC_MSG_MAX)
			return 0;
		memcpy(block, plain, plen);
		padn = (uint8_t)((16 - (plen + 1) % 16) % 16);
		for (i = 0; i < padn; i++)
			block[plen + i] = (uint8_t)(i + 1);
		block[plen + padn] = padn;
		n = plen + padn + 1;
		bmc_rand(bmc, iv, sizeof(iv));
		wbuf_put_bytes(&w, iv, 16);
		if (w.err || w.cap - w.len < n ||
		    crypto_sess_aes(&s->cs, true, iv, block, n, w.p + w.len) != 0)
			return 0;
		w.len += n;
		crypto_wipe(block, n);
	} else {
		wbuf_put_bytes(&w, plain, plen);
	}
	if (w.err)
		return 0;
	n = w.len - start_payload;
	lenp[0] = (uint8_t)n;
	lenp[1] = (uint8_t)(n >> 8);
	if (s != NULL && s->integ_alg != INTEG_NONE) {
		uint8_t code[CRYPTO_MAX_DIGEST];
		size_t padn = (4 - (w.len - 4 + 2) % 4) % 4, clen;

		wbuf_put_fill(&w, 0xff, padn);
		wbuf_put_u8(&w, (uint8_t)padn);
		wbuf_put_u8(&w, 0x07);
		if (w.err)
			return 0;
		clen = crypto_sess_integ(&s->cs, s->integ_alg, w.p + 4, w.len - 4, code);
		if (clen == 0)
			return 0;
		wbuf_put_bytes(&w, code, clen);
	}
	return w.err ? 0 : w.len;
}

size_t
rmcpp_seal(struct bmc *bmc, struct session *s, uint8_t ptype, const uint8_t *plain, size_t plen, uint8_t *out,
    size_t cap)
{
	return rmcpp_wrap(bmc, s, ptype, plain, plen, out, cap);
}

/* Check the integrity trailer; on success *plen_end is where the payload must end. */
static bool
rmcpp_check_integrity(const struct session *s, const uint8_t *pkt, size_t len, const struct rmcpp_hdr *h)
{
	size_t clen = crypto_integ_len(s->integ_alg), pay_end, padn, i;
	uint8_t code[CRYPTO_MAX_DIGEST];

	pay_end = h->hdr_off + SESSION_HDR_LEN + h->plen;
	/* payload, pad, pad length, next header, AuthCode: nothing else */
	if (len < pay_end + 2 + clen)
		return false;
	padn = len - clen - 2 - pay_end;
	if (padn > 3 || pkt[len - clen - 2] != padn || pkt[len - clen - 1] != 0x07)
		return false;
	if ((len - clen - h->hdr_off) % 4 != 0)
		return false;
	for (i = 0; i < padn; i++)
		if (pkt[pay_end + i] != 0xff)
			return false;
	if (crypto_sess_integ(&s->cs, s->integ_alg, pkt + h->hdr_off, len - clen - h->hdr_off, code) != clen)
		return false;
	return crypto_equal(code, pkt + len - clen, clen);
}

/* Decrypt an AES-CBC-128 payload into out; returns the plaintext length or -1. */
static int
rmcpp_decrypt(const struct session *s, const uint8_t *p, size_t n, uint8_t *out)
{
	uint8_t padn;
	size_t i, m;

	if (n < 32 || n % 16 != 0 || n - 16 > BMC_MSG_MAX + 16)
		return -1;
	m = n - 16;
	if (crypto_sess_aes(&s->cs, false, p, p + 16, m, out) != 0)
		return -1;
	padn = out[m - 1];
	if (padn > 15 || (size_t)padn + 1 > m)
		return -1;
	for (i = 0; i < padn; i++)
		if (out[m - 1 - padn + i] != i + 1)
			return -1;
	return (int)(m - 1 - padn);
}

static void
serve_session_ipmi(struct bmc *bmc, const struct bmc_time *now, struct session *s, const uint8_t *msg,
    size_t mlen, struct bmc_out *out)
{
	uint8_t rsp[BMC_MSG_MAX], fail[8];
	struct retry_entry *e;
	struct cmd_ctx ctx;
	struct ipmi_req rq;
	uint32_t hash;
	size_t n, nf;

	if (msg_decode_request(msg, mlen, &rq) != 0)
		return;
	hash = session_rq_hash(rq.data, rq.len);
	if ((e = session_retry_find(s, rq.rq_seq, rq.netfn, rq.cmd, hash, now->mono_ms)) != NULL) {
		out->reply_len =
		    rmcpp_wrap(bmc, s, PAYLOAD_IPMI, e->reply, e->len, out->reply, sizeof(out->reply));
		return;
	}
	cmd_ctx_init(&ctx, bmc, now, &s->peer, out);
	ctx.sess = s;
	ctx.priv = s->priv;
	n = msg_serve(&ctx, msg, mlen, rsp, sizeof(rsp));
	if (n == 0)
		return;
	session_retry_store(s, rq.rq_seq, rq.netfn, rq.cmd, hash, now->mono_ms, rsp, n);
	if (ctx.durable && (nf = msg_fail_reply(rsp, n, fail)) != 0)
		out->reply_fail_len =
		    rmcpp_wrap(bmc, s, PAYLOAD_IPMI, fail, nf, out->reply_fail, sizeof(out->reply_fail));
	out->reply_len = rmcpp_wrap(bmc, s, PAYLOAD_IPMI, rsp, n, out->reply, sizeof(out->reply));
	/* Close Session: the reply goes out sealed with the keys, then they die. */
	if (ctx.close_target != NULL)
		session_free(bmc, ctx.close_target);
}

/* Session setup: each request payload type, its handler and its reply type. */
static const struct {
	uint8_t rq, rs;
	void (*fn)(
	    struct bmc *, const struct bmc_time *, const struct bmc_addr *, struct buf *, struct wbuf *);
} setup_steps[] = {
    {PAYLOAD_OPEN_SESSION_RQ, PAYLOAD_OPEN_SESSION_RS, rakp_open_session},
    {PAYLOAD_RAKP1, PAYLOAD_RAKP2, rakp_rakp1},
    {PAYLOAD_RAKP3, PAYLOAD_RAKP4, rakp_rakp3},
};

static void
serve_sessionless(struct bmc *bmc, const struct bmc_time *now, const struct bmc_addr *src,
    const struct rmcpp_hdr *h, struct bmc_out *out)
{
	uint8_t rsp[BMC_MSG_MAX];
	struct wbuf w = WBUF_INIT(rsp, sizeof(rsp));
	struct buf b = BUF_INIT(h->payload, h->plen);
	struct cmd_ctx ctx;
	uint8_t rtype;
	size_t n;

	/* Setup messages and pre-session requests carry sequence 0 and no trailer. */
	if (h->ptype & (PT_ENCRYPTED | PT_AUTHENTICATED))
		return;
	if (h->ptype == PAYLOAD_IPMI) {
		cmd_ctx_init(&ctx, bmc, now, src, out);
		n = msg_serve(&ctx, h->payload, h->plen, rsp, sizeof(rsp));
		rtype = PAYLOAD_IPMI;
	} else {
		size_t i;

		for (i = 0; i < sizeof(setup_steps) / sizeof(setup_steps[0]); i++)
			if (setup_steps[i].rq == h->ptype)
				break;
		if (i == sizeof(setup_steps) / sizeof(setup_steps[0]))
			return;
		setup_steps[i].fn(bmc, now, src, &b, &w);
		n = w.err ? 0 : w.len;
		rtype = setup_steps[i].rs;
	}
	if (n > 0)
		out->reply_len = rmcpp_wrap(bmc, NULL, rtype, rsp, n, out->reply, sizeof(out->reply));
}

void
rmcpp_handle(struct bmc *bmc, const struct bmc_time *now, const struct bmc_addr *src, const uint8_t *pkt,
    size_t len, struct bmc_out *out)
{
	struct buf b = BUF_INIT(pkt, len);
	struct rmcpp_hdr h;
	struct session *s;
	uint8_t plain[BMC_MSG_MAX + 32];
	const uint8_t *msg;
	size_t mlen;

	if (pkt == NULL)
		return;
	buf_skip(&b, 4); /* RMCP header, checked by the caller */
	h.hdr_off = 4;
	(void)buf_get_u8(&b); /* auth type 06h */
	h.ptype = buf_get_u8(&b);
	if ((h.ptype & 0x3f) == PAYLOAD_OEM)
		return; /* no OEM payloads */
	h.sid = buf_get_u32le(&b);
	h.seq = buf_get_u32le(&b);
	h.plen = buf_get_u16le(&b);
	h.payload = buf_take(&b, h.plen);
	if (b.err)
		return;

	if (h.sid == 0) {
		if (b.left != 0)
			return; /* setup messages have no trailer */
		serve_sessionless(bmc, now, src, &h, out);
		return;
	}

	s = session_find(bmc, h.sid);
	if (s == NULL || s->state != SESS_ACTIVE || !addr_equal(&s->peer, src))
		return;
	/* Exactly the protection negotiated, no less (and no more). */
	if (!!(h.ptype & PT_AUTHENTICATED) != (s->integ_alg != INTEG_NONE) ||
	    !!(h.ptype & PT_ENCRYPTED) != (s->conf_alg != CONF_NONE))
		return;
	if (s->integ_alg != INTEG_NONE) {
		if (!rmcpp_check_integrity(s, pkt, len, &h))
			return;
	} else if (b.left != 0) {
		return;
	}
	if (!session_seq_accept(s, h.seq))
		return;
	if (s->conf_alg != CONF_NONE) {
		int m = rmcpp_decrypt(s, h.payload, h.plen, plain);
		if (m < 0)
			return;
		msg = plain;
		mlen = (size_t)m;
	} else {
		msg = h.payload;
		mlen = h.plen;
	}
	s->last_ms = now->mono_ms;
	switch (h.ptype & 0x3f) {
	case PAYLOAD_IPMI:
		serve_session_ipmi(bmc, now, s, msg, mlen, out);
		break;
	case PAYLOAD_SOL:
		sol_handle(bmc, now, s, msg, mlen, out);
		break;
	default:
		break; /* no other payload types */
	}
	crypto_wipe(plain, sizeof(plain));
}
