/* The IPMI message layer: addresses, netFn/LUN, sequence, checksums. */
#include "core/rmcp.h"

#define BMC_SA 0x20

uint8_t
msg_checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum = (uint8_t)(sum + p[i]);
	return (uint8_t)-sum;
}

int
msg_decode_request(const uint8_t *p, size_t n, struct ipmi_req *rq)
{
	struct buf b = BUF_INIT(p, n);
	uint8_t b1, b4;

	/* rsSA netFn/LUN chk1 rqSA rqSeq/LUN cmd [data] chk2 */
	if (n < 7 || msg_checksum(p, 2) != p[2] || msg_checksum(p + 3, n - 4) != p[n - 1])
		return -1;
	rq->rs_sa = buf_get_u8(&b);
	b1 = buf_get_u8(&b);
	(void)buf_get_u8(&b);
	rq->rq_sa = buf_get_u8(&b);
	b4 = buf_get_u8(&b);
	rq->cmd = buf_get_u8(&b);
	rq->netfn = b1 >> 2;
	rq->rs_lun = b1 & 3;
	rq->rq_seq = b4 >> 2;
	rq->rq_lun = b4 & 3;
	rq->data = b.p;
	rq->len = n - 7;
	/* An odd netFn is a response: nothing to answer. */
	if (b.err || (rq->netfn & 1))
		return -1;
	return 0;
}

void
msg_response_header(const struct ipmi_req *rq, uint8_t out[MSG_RSP_HDR_LEN])
{
	out[0] = rq->rq_sa;
	out[1] = (uint8_t)((rq->netfn | 1) << 2 | rq->rq_lun);
	out[2] = msg_checksum(out, 2);
	out[3] = rq->rs_sa;
	out[4] = (uint8_t)(rq->rq_seq << 2 | rq->rs_lun);
	out[5] = rq->cmd;
}

size_t
msg_serve(struct cmd_ctx *ctx, const uint8_t *in, size_t inlen, uint8_t *rsp, size_t cap)
{
	struct wbuf w = WBUF_INIT(rsp, cap);
	struct ipmi_req rq;
	uint8_t *hdr;

	if (msg_decode_request(in, inlen, &rq) != 0)
		return 0;
	ctx->netfn = rq.netfn;
	ctx->cmd = rq.cmd;

	hdr = wbuf_reserve(&w, MSG_RSP_HDR_LEN);
	if (hdr == NULL)
		return 0;
	msg_response_header(&rq, hdr);
	if (rq.rs_lun != 0)
		wbuf_put_u8(&w, CC_INVALID_LUN); /* only LUN 0 has commands */
	else
		dispatch(ctx, rq.data, rq.len, &w);
	if (w.err || w.len < 7)
		return 0;
	wbuf_put_u8(&w, msg_checksum(rsp + 3, w.len - 3));
	return w.err ? 0 : w.len;
}

/* The same response with completion code FFh: what to send if a commit fails. */
size_t
msg_fail_reply(const uint8_t *rsp, size_t n, uint8_t *out)
{
	if (n < 8)
		return 0;
	memcpy(out, rsp, 6);
	out[6] = CC_UNSPECIFIED;
	out[7] = msg_checksum(out + 3, 4);
	return 8;
}
