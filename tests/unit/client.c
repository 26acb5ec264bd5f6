#include <stdio.h>

#include "client.h"
#include "core/crypto.h"
#include "core/rmcp.h"

void
client_init(struct client *c, struct bmc *bmc, struct bmc_time *now, uint16_t port)
{
	memset(c, 0, sizeof(*c));
	c->bmc = bmc;
	c->now = now;
	c->src.family = 4;
	c->src.ip[0] = 127;
	c->src.ip[3] = 1;
	c->src.port = port;
	c->con_sid = 0xa0a2a3a4u;
}

size_t
client_send(struct client *c, const uint8_t *pkt, size_t len)
{
	bmc_handle_datagram(c->bmc, c->now, &c->src, pkt, len, &c->out);
	return c->out.reply_len;
}

/* Session-setup framing: RMCP, auth type 06h, payload type, SID 0, seq 0, length. */
static size_t
setup_packet(uint8_t ptype, const uint8_t *payload, size_t n, uint8_t *pkt)
{
	struct wbuf w = WBUF_INIT(pkt, BMC_DGRAM_MAX);

	rmcp_encode_hdr(&w, RMCP_CLASS_IPMI);
	wbuf_put_u8(&w, RMCP_AUTH_RMCPP);
	wbuf_put_u8(&w, ptype);
	wbuf_put_u32le(&w, 0);
	wbuf_put_u32le(&w, 0);
	wbuf_put_u16le(&w, (uint16_t)n);
	wbuf_put_bytes(&w, payload, n);
	return w.len;
}

static void
suite_algs(uint8_t suite, uint8_t *a, uint8_t *i, uint8_t *cf)
{
	*a = suite >= 15 ? AUTH_HMAC_SHA256 : suite == 0 ? AUTH_NONE : AUTH_HMAC_SHA1;
	*i = (suite == 0 || suite == 1 || suite == 15) ? INTEG_NONE
	    : suite >= 15                              ? INTEG_HMAC_SHA256_128
	                                               : INTEG_HMAC_SHA1_96;
	*cf = (suite == 3 || suite == 17) ? CONF_AES_CBC_128 : CONF_NONE;
}

int
client_login(struct client *c, uint8_t suite, const char *user, const char *password, uint8_t priv)
{
	uint8_t pl[64], pkt[BMC_DGRAM_MAX], code[CRYPTO_MAX_DIGEST], rl[2], sid[4];
	const uint8_t *r;
	struct iov_c v[6];
	struct wbuf w;
	size_t n;

	suite_algs(suite, &c->auth, &c->integ, &c->conf);
	c->ulen = (uint8_t)strlen(user);
	snprintf(c->user, sizeof(c->user), "%s", user);
	memset(c->kuid, 0, sizeof(c->kuid));
	memcpy(c->kuid, password, strlen(password) < 20 ? strlen(password) : 20);
	c->role = (uint8_t)(0x10 | priv);
	c->seq = 0;

	/* Open Session */
	w = WBUF_INIT(pl, sizeof(pl));
	wbuf_put_u8(&w, 0x42);
	wbuf_put_u8(&w, 0);
	wbuf_put_u16le(&w, 0);
	wbuf_put_u32le(&w, c->con_sid);
	wbuf_put_u32le(&w, 0x08000000u);
	wbuf_put_u32le(&w, c->auth);
	wbuf_put_u32le(&w, 0x08000001u);
	wbuf_put_u32le(&w, c->integ);
	wbuf_put_u32le(&w, 0x08000002u);
	wbuf_put_u32le(&w, c->conf);
	n = setup_packet(PAYLOAD_OPEN_SESSION_RQ, pl, w.len, pkt);
	if (client_send(c, pkt, n) < 16 + 8)
		return -1;
	r = c->out.reply + 16;
	c->status = r[1];
	if (r[1] != RMCPP_OK)
		return r[1];
	c->bmc_sid = (uint32_t)(r[8] | r[9] << 8 | r[10] << 16 | (uint32_t)r[11] << 24);

	/* RAKP1 */
	for (n = 0; n < 16; n++)
		c->rm[n] = (uint8_t)(0x30 + n + c->src.port);
	w = WBUF_INIT(pl, sizeof(pl));
	wbuf_put_u8(&w, 0x43);
	wbuf_put_fill(&w, 0, 3);
	wbuf_put_u32le(&w, c->bmc_sid);
	wbuf_put_bytes(&w, c->rm, 16);
	wbuf_put_u8(&w, c->role);
	wbuf_put_u16le(&w, 0);
	wbuf_put_u8(&w, c->ulen);
	wbuf_put_bytes(&w, user, c->ulen);
	n = setup_packet(PAYLOAD_RAKP1, pl, w.len, pkt);
	if (client_send(c, pkt, n) < 16 + 8)
		return -1;
	r = c->out.reply + 16;
	c->status = r[1];
	if (r[1] != RMCPP_OK)
		return r[1];
	memcpy(c->rc, r + 8, 16);
	memcpy(c->guid, r + 24, 16);
	/* verify RAKP2 like a client does */
	sid[0] = (uint8_t)c->con_sid;
	sid[1] = (uint8_t)(c->con_sid >> 8);
	sid[2] = (uint8_t)(c->con_sid >> 16);
	sid[3] = (uint8_t)(c->con_sid >> 24);
	{
		uint8_t ids[8] = {sid[0], sid[1], sid[2], sid[3], (uint8_t)c->bmc_sid,
		    (uint8_t)(c->bmc_sid >> 8), (uint8_t)(c->bmc_sid >> 16), (uint8_t)(c->bmc_sid >> 24)};
		rl[0] = c->role;
		rl[1] = c->ulen;
		v[0] = (struct iov_c){ids, 8};
		v[1] = (struct iov_c){c->rm, 16};
		v[2] = (struct iov_c){c->rc, 16};
		v[3] = (struct iov_c){c->guid, 16};
		v[4] = (struct iov_c){rl, 2};
		v[5] = (struct iov_c){user, c->ulen};
		n = crypto_hmac_auth(c->auth, c->kuid, 20, v, 6, code);
		if (c->out.reply_len != 16 + 40 + n || memcmp(r + 40, code, n) != 0) {
			/* Tell the BMC with a RAKP3 carrying an error status (a guesser stays quiet). */
			if (c->quiet_on_bad_rakp2)
				return -1;
			w = WBUF_INIT(pl, sizeof(pl));
			wbuf_put_u8(&w, 0x44);
			wbuf_put_u8(&w, RMCPP_INVALID_ICV);
			wbuf_put_u16le(&w, 0);
			wbuf_put_u32le(&w, c->bmc_sid);
			n = setup_packet(PAYLOAD_RAKP3, pl, w.len, pkt);
			client_send(c, pkt, n);
			return -1;
		}
	}

	/* RAKP3 */
	v[0] = (struct iov_c){c->rc, 16};
	v[1] = (struct iov_c){sid, 4};
	v[2] = (struct iov_c){rl, 2};
	v[3] = (struct iov_c){user, c->ulen};
	n = crypto_hmac_auth(c->auth, c->kuid, 20, v, 4, code);
	w = WBUF_INIT(pl, sizeof(pl));
	wbuf_put_u8(&w, 0x44);
	wbuf_put_u8(&w, 0);
	wbuf_put_u16le(&w, 0);
	wbuf_put_u32le(&w, c->bmc_sid);
	wbuf_put_bytes(&w, code, n);
	n = setup_packet(PAYLOAD_RAKP3, pl, w.len, pkt);
	if (client_send(c, pkt, n) < 16 + 8)
		return -1;
	r = c->out.reply + 16;
	c->status = r[1];
	if (r[1] != RMCPP_OK)
		return r[1];

	/* keys, then check the RAKP4 ICV */
	{
		struct session s;
		uint8_t bsid[4] = {(uint8_t)c->bmc_sid, (uint8_t)(c->bmc_sid >> 8),
		    (uint8_t)(c->bmc_sid >> 16), (uint8_t)(c->bmc_sid >> 24)};
		size_t icvlen = crypto_rakp4_icv_len(c->auth);

		memset(&s, 0, sizeof(s));
		s.auth_alg = c->auth;
		memcpy(s.rm, c->rm, 16);
		memcpy(s.rc, c->rc, 16);
		s.role = c->role;
		s.ulen = c->ulen;
		memcpy(s.uname, user, c->ulen);
		memcpy(s.kuid, c->kuid, 20);
		if (rakp_derive_keys(&s, c->have_kg ? c->kg : NULL, 20) != 0)
			return -1;
		memcpy(c->sik, s.sik, sizeof(c->sik));
		memcpy(c->k1, s.k1, sizeof(c->k1));
		memcpy(c->k2, s.k2, sizeof(c->k2));
		c->keylen = s.keylen;
		v[0] = (struct iov_c){c->rm, 16};
		v[1] = (struct iov_c){bsid, 4};
		v[2] = (struct iov_c){c->guid, 16};
		crypto_hmac_auth(c->auth, c->sik, c->keylen, v, 3, code);
		if (c->out.reply_len != 16 + 8 + icvlen || memcmp(r + 8, code, icvlen) != 0)
			return -1;
	}
	return 0;
}

size_t
client_seal_payload(
    struct client *c, uint8_t ptype, const uint8_t *payload, size_t len, uint8_t *pkt, size_t cap)
{
	uint8_t msg[BMC_MSG_MAX + 32], iv[16], *lenp;
	struct wbuf w = WBUF_INIT(pkt, cap);
	size_t m = len, n, start;

	if (len > BMC_MSG_MAX)
		return 0;
	memcpy(msg, payload, len);
	rmcp_encode_hdr(&w, RMCP_CLASS_IPMI);
	wbuf_put_u8(&w, RMCP_AUTH_RMCPP);
	wbuf_put_u8(&w, (uint8_t)((c->conf ? 0x80 : 0) | (c->integ ? 0x40 : 0) | ptype));
	wbuf_put_u32le(&w, c->bmc_sid);
	if (++c->seq == 0)
		c->seq = 1;
	wbuf_put_u32le(&w, c->seq);
	lenp = wbuf_reserve(&w, 2);
	start = w.len;
	if (c->conf) {
		uint8_t padn = (uint8_t)((16 - (m + 1) % 16) % 16), i;
		for (i = 0; i < padn; i++)
			msg[m + i] = (uint8_t)(i + 1);
		msg[m + padn] = padn;
		m += padn + 1u;
		memset(iv, 0x5a, sizeof(iv));
		iv[0] = (uint8_t)c->seq;
		wbuf_put_bytes(&w, iv, 16);
		if (w.err || w.cap - w.len < m)
			return 0;
		crypto_aes_cbc(true, c->k2, iv, msg, m, w.p + w.len);
		w.len += m;
	} else {
		wbuf_put_bytes(&w, msg, m);
	}
	if (w.err)
		return 0;
	n = w.len - start;
	lenp[0] = (uint8_t)n;
	lenp[1] = (uint8_t)(n >> 8);
	if (c->integ) {
		uint8_t code[CRYPTO_MAX_DIGEST];
		size_t padn = (4 - (w.len - 4 + 2) % 4) % 4, clen;
		wbuf_put_fill(&w, 0xff, padn);
		wbuf_put_u8(&w, (uint8_t)padn);
		wbuf_put_u8(&w, 0x07);
		if (w.err)
			return 0;
		clen = crypto_hmac_integ(c->integ, c->k1, c->keylen, w.p + 4, w.len - 4, code);
		wbuf_put_bytes(&w, code, clen);
	}
	return w.err ? 0 : w.len;
}

size_t
client_seal(
    struct client *c, uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len, uint8_t *pkt, size_t cap)
{
	uint8_t msg[BMC_MSG_MAX];
	size_t m = 0;

	if (len + 7 > sizeof(msg))
		return 0;
	msg[m++] = 0x20;
	msg[m++] = (uint8_t)(netfn << 2);
	msg[m] = msg_checksum(msg, 2);
	m++;
	msg[m++] = 0x81;
	msg[m++] = (uint8_t)(c->rq_seq++ << 2);
	c->rq_seq &= 0x3f;
	msg[m++] = cmd;
	if (len > 0)
		memcpy(msg + m, data, len);
	m += len;
	msg[m] = msg_checksum(msg + 3, m - 3);
	m++;
	return client_seal_payload(c, PAYLOAD_IPMI, msg, m, pkt, cap);
}

size_t
client_open(struct client *c, const uint8_t *pkt, size_t len, uint8_t *msg, size_t cap)
{
	size_t plen, clen = crypto_integ_len(c->integ);
	uint8_t code[CRYPTO_MAX_DIGEST];

	if (len < 16 || pkt[4] != 0x06)
		return 0;
	if ((uint32_t)(pkt[6] | pkt[7] << 8 | pkt[8] << 16 | (uint32_t)pkt[9] << 24) != c->con_sid)
		return 0;
	plen = (size_t)(pkt[14] | pkt[15] << 8);
	if (16 + plen > len)
		return 0;
	if (c->integ) {
		if ((pkt[5] & 0x40) == 0 || len < 16 + plen + 2 + clen)
			return 0;
		crypto_hmac_integ(c->integ, c->k1, c->keylen, pkt + 4, len - clen - 4, code);
		if (memcmp(code, pkt + len - clen, clen) != 0)
			return 0;
	}
	if (c->conf) {
		uint8_t buf[BMC_MSG_MAX + 32];
		size_t m = plen - 16;
		if ((pkt[5] & 0x80) == 0 || plen < 32 || m % 16 || m > sizeof(buf) ||
		    crypto_aes_cbc(false, c->k2, pkt + 16, pkt + 32, m, buf) != 0)
			return 0;
		m -= (size_t)buf[m - 1] + 1;
		if (m > cap)
			return 0;
		memcpy(msg, buf, m);
		return m;
	}
	if (plen > cap)
		return 0;
	memcpy(msg, pkt + 16, plen);
	return plen;
}

int
client_cmd(struct client *c, uint8_t netfn, uint8_t cmd, const uint8_t *data, size_t len, uint8_t *rsp,
    size_t *rsplen)
{
	uint8_t pkt[BMC_DGRAM_MAX], msg[BMC_MSG_MAX];
	size_t n = client_seal(c, netfn, cmd, data, len, pkt, sizeof(pkt)), m;

	if (n == 0 || client_send(c, pkt, n) == 0)
		return -1;
	m = client_open(c, c->out.reply, c->out.reply_len, msg, sizeof(msg));
	if (m < 8 || msg_checksum(msg, 2) != msg[2] || msg_checksum(msg + 3, m - 4) != msg[m - 1])
		return -1;
	if (rsplen != NULL) {
		*rsplen = m - 8;
		if (rsp != NULL && m > 8)
			memcpy(rsp, msg + 7, m - 8);
	}
	return msg[6];
}

size_t
client_sol_send(
    struct client *c, uint8_t seq, uint8_t ack, uint8_t accepted, uint8_t op, const uint8_t *chars, size_t n)
{
	uint8_t pl[BMC_MSG_MAX], pkt[BMC_DGRAM_MAX];
	size_t len;

	if (n + 4 > sizeof(pl))
		return 0;
	pl[0] = seq;
	pl[1] = ack;
	pl[2] = accepted;
	pl[3] = op;
	if (n > 0)
		memcpy(pl + 4, chars, n);
	len = client_seal_payload(c, PAYLOAD_SOL, pl, n + 4, pkt, sizeof(pkt));
	if (len == 0)
		return 0;
	return client_send(c, pkt, len);
}

size_t
client_sol_open(struct client *c, const uint8_t *pkt, size_t len, struct client_sol *sol)
{
	uint8_t pl[BMC_MSG_MAX + 32];
	size_t n;

	memset(sol, 0, sizeof(*sol));
	if (len < 16 || (pkt[5] & 0x3f) != PAYLOAD_SOL)
		return 0;
	n = client_open(c, pkt, len, pl, sizeof(pl));
	if (n < 4 || n - 4 > sizeof(sol->chars))
		return 0;
	sol->seq = pl[0];
	sol->ack = pl[1];
	sol->accepted = pl[2];
	sol->status = pl[3];
	sol->n = n - 4;
	memcpy(sol->chars, pl + 4, sol->n);
	return n;
}
