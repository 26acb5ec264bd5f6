/*
 * The IPMI 1.5 session wrapper (IPMI 2.0 section 6.12, 22.15-22.17).
 *
 * Session-less requests (Get Channel Authentication Capabilities, Get
 * Channel Cipher Suites, Get System GUID, Get Session Challenge) always work.
 * IPMI 1.5 *sessions* exist only when the configuration enables at least one
 * 1.5 authentication type (bmc.ipmi15_auth_types): they authenticate with
 * MD5 at best, or send the password in clear, so they are off by default and
 * the daemon warns when they are on.  Unknown names get a challenge like any
 * other and fail at Activate Session, so names cannot be probed here either.
 */
#include <stdio.h>

#include "core/crypto.h"
#include "core/rmcp.h"

#define CMD_ACTIVATE_SESSION 0x3a

bool
lan15_auth_allowed(const struct bmc *bmc, uint8_t type)
{
	return type < 8 && (AUTHTYPE_SUPPORTED_MASK & (1u << type)) &&
	    (bmc->conf.ipmi15_auth_types & (1u << type));
}

/* The 16-byte key of a 1.5 session: the password in its 16-byte form. */
static const uint8_t *
session_pw16(const struct session *s)
{
	return s->kuid;
}

/* Frame a message in the 1.5 wrapper; pw is NULL for auth type none. */
static size_t
lan15_wrap(uint8_t type, uint32_t sid, uint32_t seq, const uint8_t *pw, const uint8_t *msg, size_t mlen,
    uint8_t *out, size_t cap)
{
	struct wbuf w = WBUF_INIT(out, cap);
	uint8_t code[16];

	if (mlen > 255)
		return 0;
	rmcp_encode_hdr(&w, RMCP_CLASS_IPMI);
	wbuf_put_u8(&w, type);
	wbuf_put_u32le(&w, seq);
	wbuf_put_u32le(&w, sid);
	if (type != AUTHTYPE_NONE) {
		if (pw == NULL || !crypto_auth15_code(type, pw, sid, seq, msg, mlen, code))
			return 0;
		wbuf_put_bytes(&w, code, 16);
	}
	wbuf_put_u8(&w, (uint8_t)mlen);
	wbuf_put_bytes(&w, msg, mlen);
	return w.err ? 0 : w.len;
}

/* A failed Activate Session is a failed login for a real user. */
static void
abandon_failed(struct bmc *bmc, struct session *s, uint64_t now_ms)
{
	if (!s->fake && s->uid != 0)
		users_login_failed(bmc, s->uid, now_ms);
	session_free(bmc, s);
}

/*
 * Activate Session, sent in a packet that names the temporary session ID
 * from Get Session Challenge and is authenticated with the password.  Until
 * the AuthCode checks out nothing can be answered (there is no key to sign
 * an error with), so a bad password is silence, as for RMCP+.
 */
static void
lan15_activate(struct bmc *bmc, const struct bmc_time *now, struct session *s, uint8_t ptype, uint32_t seq,
    const uint8_t *msg, size_t mlen, struct bmc_out *out)
{
	struct ipmi_req rq;
	struct buf b;
	uint8_t type, priv, challenge[16], rsp[32], cc = CC_OK, h = 0;
	uint32_t out_seq;
	const struct bmc_user *u;
	size_t n;
	char a[64];

	if (msg_decode_request(msg, mlen, &rq) != 0 || rq.netfn != NETFN_APP ||
	    rq.cmd != CMD_ACTIVATE_SESSION)
		return;
	b = BUF_INIT(rq.data, rq.len);
	type = buf_get_u8(&b) & 0x0f;
	priv = buf_get_u8(&b) & 0x0f;
	buf_get_bytes(&b, challenge, 16);
	out_seq = buf_get_u32le(&b);
	if (b.err || b.left != 0 || !crypto_equal(challenge, s->challenge, 16))
		return;
	/* The packet is already authenticated by the caller with the password. */
	u = s->uid ? bmc_user_get(bmc, s->uid) : NULL;
	/* The session's type must be enabled, and enabled for the privilege asked (LAN parameter 2). */
	if (!lan15_auth_allowed(bmc, type) ||
	    (priv >= PRIV_CALLBACK && priv <= PRIV_OEM &&
	        !(bmc->params.lan.auth_enables[priv - 1] & (1u << type))))
		cc = CC_INVALID_FIELD;
	else if (out_seq == 0)
		cc = 0x85; /* invalid session sequence number */
	else if (priv < PRIV_CALLBACK || priv > PRIV_OEM || u == NULL || priv > u->priv_limit ||
	    priv > bmc->params.chan.v_priv)
		cc = 0x86; /* requested privilege exceeds the limit */
	else if (session_count(bmc, SESS_ACTIVE) >= bmc->conf.max_sessions ||
	    (h = session_free_handle(bmc)) == 0)
		cc = 0x81; /* no session slot */

	msg_response_header(&rq, rsp);
	n = MSG_RSP_HDR_LEN;
	rsp[n++] = cc;
	if (cc == CC_OK) {
		uint32_t new_sid = s->bmc_sid, in_seq;

		/* The console's first sequence number is ours to pick. */
		do
			bmc_rand(bmc, &in_seq, sizeof(in_seq));
		while (in_seq == 0);
		rsp[n++] = type;
		rsp[n++] = (uint8_t)new_sid;
		rsp[n++] = (uint8_t)(new_sid >> 8);
		rsp[n++] = (uint8_t)(new_sid >> 16);
		rsp[n++] = (uint8_t)(new_sid >> 24);
		rsp[n++] = (uint8_t)in_seq;
		rsp[n++] = (uint8_t)(in_seq >> 8);
		rsp[n++] = (uint8_t)(in_seq >> 16);
		rsp[n++] = (uint8_t)(in_seq >> 24);
		rsp[n++] = priv;
		s->state = SESS_ACTIVE;
		s->handle = h;
		s->auth_type = type;
		s->max_priv = priv;
		s->priv = priv < PRIV_USER ? priv : PRIV_USER;
		s->in_any = true;
		s->in_high = in_seq - 1;
		s->in_seen = 1;
		s->out_seq = out_seq; /* the reply below uses out_seq itself */
		s->last_ms = now->mono_ms;
		users_login_ok(bmc, s->uid);
		bmc_logf(bmc, BMC_LOG_INFO,
		    "session 0x%08x %s: IPMI 1.5 session opened for user \"%.*s\" (auth type %u)", s->bmc_sid,
		    addr_str(&s->peer, a, sizeof(a)), s->ulen, (const char *)s->uname, type);
	}
	rsp[n] = msg_checksum(rsp + 3, n - 3);
	n++;
	out->reply_len = lan15_wrap(ptype, s->bmc_sid, out_seq ? out_seq : seq, session_pw16(s), rsp, n,
	    out->reply, sizeof(out->reply));
	if (cc != CC_OK)
		session_free(bmc, s);
}

void
lan15_handle(struct bmc *bmc, const struct bmc_time *now, const struct bmc_addr *src, struct buf *b,
    struct bmc_out *out)
{
	uint8_t type, mlen, code[16], want[16], rsp[BMC_MSG_MAX], fail[8];
	const uint8_t *msg, *wire_code = NULL;
	struct retry_entry *e;
	struct ipmi_req rq;
	struct cmd_ctx ctx;
	struct session *s;
	uint32_t seq, sid, hash;
	size_t n, nf;

	type = buf_get_u8(b) & 0x0f;
	seq = buf_get_u32le(b);
	sid = buf_get_u32le(b);
	if (type != AUTHTYPE_NONE) {
		buf_get_bytes(b, code, 16);
		wire_code = code;
	}
	mlen = buf_get_u8(b);
	msg = buf_take(b, mlen);
	/* A legacy pad byte may follow; nothing else may. */
	if (msg == NULL || b->left > 1)
		return;

	if (sid == 0) {
		/* Session-less: only commands that need no session get through dispatch. */
		if (type != AUTHTYPE_NONE || seq != 0)
			return;
		cmd_ctx_init(&ctx, bmc, now, src, out);
		n = msg_serve(&ctx, msg, mlen, rsp, sizeof(rsp));
		if (n > 0)
			out->reply_len =
			    lan15_wrap(AUTHTYPE_NONE, 0, 0, NULL, rsp, n, out->reply, sizeof(out->reply));
		return;
	}

	s = session_find(bmc, sid);
	if (s == NULL || !s->v15 || !addr_equal(&s->peer, src))
		return;
	if (type == AUTHTYPE_NONE ? !lan15_auth_allowed(bmc, AUTHTYPE_NONE) : wire_code == NULL)
		return;
	if (type != AUTHTYPE_NONE &&
	    (!crypto_auth15_code(type, session_pw16(s), sid, seq, msg, mlen, want) ||
	        !crypto_equal(want, wire_code, 16))) {
		if (s->state != SESS_ACTIVE)
			abandon_failed(bmc, s, now->mono_ms);
		return;
	}
	if (s->state != SESS_ACTIVE) {
		if (s->fake || !lan15_auth_allowed(bmc, type)) {
			abandon_failed(bmc, s, now->mono_ms);
			return;
		}
		lan15_activate(bmc, now, s, type, seq, msg, mlen, out);
		return;
	}
	/* Per-message authentication with the session's own type, in the window. */
	if (type != s->auth_type || !session_seq_accept(s, seq))
		return;
	s->last_ms = now->mono_ms;
	if (msg_decode_request(msg, mlen, &rq) != 0)
		return;
	hash = session_rq_hash(rq.data, rq.len);
	if ((e = session_retry_find(s, rq.rq_seq, rq.netfn, rq.cmd, hash, now->mono_ms)) != NULL) {
		out->reply_len = lan15_wrap(s->auth_type, s->bmc_sid, session_next_out_seq(s),
		    session_pw16(s), e->reply, e->len, out->reply, sizeof(out->reply));
		return;
	}
	cmd_ctx_init(&ctx, bmc, now, src, out);
	ctx.sess = s;
	ctx.priv = s->priv;
	n = msg_serve(&ctx, msg, mlen, rsp, sizeof(rsp));
	if (n == 0)
		return;
	session_retry_store(s, rq.rq_seq, rq.netfn, rq.cmd, hash, now->mono_ms, rsp, n);
	if (ctx.durable && (nf = msg_fail_reply(rsp, n, fail)) != 0)
		out->reply_fail_len = lan15_wrap(s->auth_type, s->bmc_sid, session_next_out_seq(s),
		    session_pw16(s), fail, nf, out->reply_fail, sizeof(out->reply_fail));
	out->reply_len = lan15_wrap(s->auth_type, s->bmc_sid, session_next_out_seq(s), session_pw16(s), rsp,
	    n, out->reply, sizeof(out->reply));
	if (ctx.close_target != NULL)
		session_free(bmc, ctx.close_target);
}

uint8_t
lan15_challenge(struct cmd_ctx *ctx, uint8_t type, const uint8_t name[16], struct wbuf *rs)
{
	struct bmc *bmc = ctx->bmc;
	const struct bmc_user *u;
	struct session *s;
	size_t len = strnlen((const char *)name, 16);
	uint8_t uid;

	if (!lan15_auth_allowed(bmc, type) || ctx->src == NULL)
		return CC_INVALID_FIELD;
	if (!session_make_room(bmc, ctx->src, ctx->now->mono_ms) ||
	    (s = session_new(bmc, ctx->src, ctx->now->mono_ms)) == NULL)
		return CC_OUT_OF_SPACE;
	s->v15 = true;
	s->auth_type = type;
	s->ulen = (uint8_t)len;
	memcpy(s->uname, name, len);
	uid = len ? users_lookup(bmc, name, len, true, 0) : 0;
	u = uid ? bmc_user_get(bmc, uid) : NULL;
	s->uid = uid;
	/* 20-byte passwords have no 1.5 form: such a user cannot use 1.5. */
	s->fake = u == NULL || !u->enabled || u->password_len == 0 || u->password_len > 16 ||
	    !u->ipmi_messaging || u->priv_limit == PRIV_NO_ACCESS ||
	    users_locked(bmc, uid, ctx->now->mono_ms);
	memset(s->kuid, 0, sizeof(s->kuid));
	if (s->fake)
		bmc_rand(bmc, s->kuid, 16);
	else
		memcpy(s->kuid, u->password, u->password_len);
	bmc_rand(bmc, s->challenge, sizeof(s->challenge));
	/* Not a RAKP2 harvest: a challenge carries nothing keyed by the password. */
	s->state = SESS_OPEN;
	wbuf_put_u32le(rs, s->bmc_sid);
	wbuf_put_bytes(rs, s->challenge, 16);
	return CC_OK;
}
