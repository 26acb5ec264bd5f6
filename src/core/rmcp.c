/*
 * RMCP (the UDP framing every IPMI LAN packet starts with), ASF presence
 * ping, and the IPMI 1.5 session wrapper.  IPMI 1.5 sessions are not offered,
 * so the wrapper only carries session-less requests such as Get Channel
 * Authentication Capabilities; anything naming a session is dropped.
 */
#include "core/rmcp.h"

int
rmcp_decode_hdr(struct buf *b, struct rmcp_hdr *h)
{
	h->version = buf_get_u8(b);
	(void)buf_get_u8(b); /* reserved */
	h->seq = buf_get_u8(b);
	h->cls = buf_get_u8(b);
	if (b->err || h->version != RMCP_VERSION)
		return -1;
	/* Never answer an ACK: two BMCs must not be able to loop. */
	if (h->cls & RMCP_CLASS_ACK_BIT)
		return -1;
	return 0;
}

void
rmcp_encode_hdr(struct wbuf *w, uint8_t cls)
{
	wbuf_put_u8(w, RMCP_VERSION);
	wbuf_put_u8(w, 0);
	wbuf_put_u8(w, RMCP_SEQ_NO_ACK);
	wbuf_put_u8(w, cls);
}

void
rmcp_handle_asf(struct bmc *bmc, const struct rmcp_hdr *h, struct buf *b, struct bmc_out *out)
{
	struct wbuf w = WBUF_INIT(out->reply, sizeof(out->reply));
	uint32_t iana;
	uint8_t type, tag, dlen;

	(void)bmc;
	(void)h;
	iana = buf_get_u32be(b);
	type = buf_get_u8(b);
	tag = buf_get_u8(b);
	(void)buf_get_u8(b);
	dlen = buf_get_u8(b);
	/* Only a well-formed ping is answered; a pong never is. */
	if (b->err || iana != ASF_IANA || type != ASF_TYPE_PING || dlen != 0)
		return;
	rmcp_encode_hdr(&w, RMCP_CLASS_ASF);
	wbuf_put_u8(&w, 0x00);
	wbuf_put_u8(&w, 0x00);
	wbuf_put_u8(&w, 0x11);
	wbuf_put_u8(&w, 0xbe);
	wbuf_put_u8(&w, ASF_TYPE_PONG);
	wbuf_put_u8(&w, tag);
	wbuf_put_u8(&w, 0x00);
	wbuf_put_u8(&w, 0x10);
	wbuf_put_u8(&w, 0x00); /* IANA again, then OEM-defined 0 */
	wbuf_put_u8(&w, 0x00);
	wbuf_put_u8(&w, 0x11);
	wbuf_put_u8(&w, 0xbe);
	wbuf_put_fill(&w, 0x00, 4);
	wbuf_put_u8(&w, 0x81); /* IPMI supported, ASF 1.0 */
	wbuf_put_u8(&w, 0x00);
	wbuf_put_fill(&w, 0x00, 6);
	if (!w.err)
		out->reply_len = w.len;
}

void
lan15_handle(struct bmc *bmc, const struct bmc_time *now, const struct bmc_addr *src, struct buf *b,
    struct bmc_out *out)
{
	struct wbuf w = WBUF_INIT(out->reply, sizeof(out->reply));
	struct cmd_ctx ctx;
	const uint8_t *msg;
	uint8_t auth, mlen, *lenp;
	uint32_t seq, sid;
	size_t n;

	(void)src;
	auth = buf_get_u8(b);
	seq = buf_get_u32le(b);
	sid = buf_get_u32le(b);
	mlen = buf_get_u8(b);
	msg = buf_take(b, mlen);
	/* No IPMI 1.5 sessions: only the session-less form is served. */
	if (msg == NULL || auth != 0 || seq != 0 || sid != 0)
		return;

	memset(&ctx, 0, sizeof(ctx));
	ctx.bmc = bmc;
	ctx.now = now;
	ctx.channel = CHANNEL_LAN;
	ctx.priv = PRIV_NONE;
	ctx.out = out;

	rmcp_encode_hdr(&w, RMCP_CLASS_IPMI);
	wbuf_put_u8(&w, 0);
	wbuf_put_u32le(&w, 0);
	wbuf_put_u32le(&w, 0);
	lenp = wbuf_reserve(&w, 1);
	if (w.err)
		return;
	n = msg_serve(&ctx, msg, mlen, w.p + w.len, w.cap - w.len);
	if (n == 0 || n > 255)
		return;
	*lenp = (uint8_t)n;
	out->reply_len = w.len + n;
}
