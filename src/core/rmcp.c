/*
 * RMCP, the UDP framing every IPMI LAN packet starts with, and the ASF
 * presence ping.  The IPMI 1.5 session wrapper is in lan15.c, RMCP+ in
 * rmcpplus.c.
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
