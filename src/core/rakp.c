/*
 * RMCP+ session establishment: Open Session, RAKP 1-4 (IPMI 2.0 13.17-13.22,
 * CHECKLIST 4-5).  Each function reads a request payload and writes the reply
 * payload; rmcpplus.c frames both.
 *
 * Names are not revealed: an unknown, disabled or locked-out user (or a null
 * name) gets a RAKP2 that looks like any other, keyed by a random password
 * drawn for that attempt, and the login then fails at RAKP3 like a wrong
 * password would.  See docs/security.md for what this cannot hide
 * (CVE-2013-4786).
 */
#include <stdio.h>

#include "core/crypto.h"
#include "core/rmcp.h"

/* The suite an (auth, integrity, confidentiality) triple names, or -1. */
static int
suite_of(uint8_t a, uint8_t i, uint8_t c)
{
	static const uint8_t suites[][4] = {
	    {1, AUTH_HMAC_SHA1, INTEG_NONE, CONF_NONE},
	    {2, AUTH_HMAC_SHA1, INTEG_HMAC_SHA1_96, CONF_NONE},
	    {3, AUTH_HMAC_SHA1, INTEG_HMAC_SHA1_96, CONF_AES_CBC_128},
	    {15, AUTH_HMAC_SHA256, INTEG_NONE, CONF_NONE},
	    {16, AUTH_HMAC_SHA256, INTEG_HMAC_SHA256_128, CONF_NONE},
	    {17, AUTH_HMAC_SHA256, INTEG_HMAC_SHA256_128, CONF_AES_CBC_128},
	};
	size_t k;

	for (k = 0; k < sizeof(suites) / sizeof(suites[0]); k++)
		if (suites[k][1] == a && suites[k][2] == i && suites[k][3] == c)
			return suites[k][0];
	return -1;
}

/* 0xff in a field means "any" (payload length 0): pick from the enabled suites, strongest first. */
static int
suite_choose(const struct bmc *bmc, uint8_t a, uint8_t i, uint8_t c)
{
	static const uint8_t pref[] = {17, 3, 16, 2, 15, 1};
	static const uint8_t algs[18][3] = {[1] = {1, 0, 0},
	    [2] = {1, 1, 0},
	    [3] = {1, 1, 1},
	    [15] = {3, 0, 0},
	    [16] = {3, 4, 0},
	    [17] = {3, 4, 1}};
	size_t k;

	for (k = 0; k < sizeof(pref); k++) {
		const uint8_t *s = algs[pref[k]];
		if ((a == 0xff || a == s[0]) && (i == 0xff || i == s[1]) && (c == 0xff || c == s[2]) &&
		    params_suite_priv(bmc, pref[k]) != 0)
			return pref[k];
	}
	return -1;
}

static void
suite_algs(uint8_t suite, uint8_t *a, uint8_t *i, uint8_t *c)
{
	*a = suite >= 15 ? AUTH_HMAC_SHA256 : AUTH_HMAC_SHA1;
	switch (suite) {
	case 1:
	case 15:
		*i = INTEG_NONE;
		break;
	case 2:
	case 3:
		*i = INTEG_HMAC_SHA1_96;
		break;
	default:
		*i = INTEG_HMAC_SHA256_128;
		break;
	}
	*c = (suite == 3 || suite == 17) ? CONF_AES_CBC_128 : CONF_NONE;
}

/* One algorithm payload: type, 2 reserved, length (0 = any, 8 = one algorithm). */
static uint8_t
read_alg_payload(struct buf *b, uint8_t want_type, bool *bad)
{
	uint8_t type = buf_get_u8(b), len, alg;

	buf_skip(b, 2);
	len = buf_get_u8(b);
	if (b->err || type != want_type) {
		*bad = true;
		return 0;
	}
	if (len == 0)
		return 0xff;
	if (len != 8) {
		*bad = true;
		return 0;
	}
	alg = buf_get_u8(b) & 0x3f;
	buf_skip(b, 3);
	return alg;
}

static void
open_session_error(struct wbuf *rs, uint8_t tag, uint8_t status, uint32_t con_sid)
{
	wbuf_put_u8(rs, tag);
	wbuf_put_u8(rs, status);
	wbuf_put_u8(rs, 0);
	wbuf_put_u8(rs, 0);
	wbuf_put_u32le(rs, con_sid);
}

static void
open_session_reply(struct wbuf *rs, const struct session *s)
{
	wbuf_put_u8(rs, s->open_tag);
	wbuf_put_u8(rs, RMCPP_OK);
	wbuf_put_u8(rs, s->max_priv);
	wbuf_put_u8(rs, 0);
	wbuf_put_u32le(rs, s->con_sid);
	wbuf_put_u32le(rs, s->bmc_sid);
	wbuf_put_u32le(rs, 0x08000000u);
	wbuf_put_u32le(rs, s->auth_alg);
	wbuf_put_u32le(rs, 0x08000001u);
	wbuf_put_u32le(rs, s->integ_alg);
	wbuf_put_u32le(rs, 0x08000002u);
	wbuf_put_u32le(rs, s->conf_alg);
}

void
rakp_open_session(
    struct bmc *bmc, const struct bmc_time *now, const struct bmc_addr *src, struct buf *b, struct wbuf *rs)
{
	uint8_t tag, req_priv, a, i, c, lim;
	uint32_t con_sid;
	struct session *s;
	bool bad = false;
	size_t k;
	int suite;

	tag = buf_get_u8(b);
	req_priv = buf_get_u8(b);
	buf_skip(b, 2);
	con_sid = buf_get_u32le(b);
	if (b->err)
		return; /* not even a tag and console ID to answer to */
	a = read_alg_payload(b, 0, &bad);
	i = read_alg_payload(b, 1, &bad);
	c = read_alg_payload(b, 2, &bad);
	if (bad || b->err || con_sid == 0) {
		open_session_error(rs, tag, RMCPP_ILLEGAL_PARAM, con_sid);
		return;
	}

	/* A retransmission (same source, tag, console ID) gets the same answer. */
	for (k = 0; k < sizeof(bmc->sessions) / sizeof(bmc->sessions[0]); k++) {
		s = bmc->sessions[k];
		if (s != NULL && s->state == SESS_OPEN && s->open_tag == tag && s->con_sid == con_sid &&
		    addr_equal(&s->peer, src)) {
			open_session_reply(rs, s);
			return;
		}
	}

	if ((req_priv & 0xf0) != 0 || (req_priv & 0x0f) > PRIV_OEM) {
		open_session_error(rs, tag, RMCPP_INVALID_ROLE, con_sid);
		return;
	}
	req_priv &= 0x0f;
	suite = (a == 0xff || i == 0xff || c == 0xff) ? suite_choose(bmc, a, i, c) : suite_of(a, i, c);
	if (suite < 0 || (lim = params_suite_priv(bmc, (uint8_t)suite)) == 0) {
		open_session_error(rs, tag, RMCPP_NO_CIPHER_SUITE, con_sid);
		return;
	}
	if (lim > bmc->params.chan.v_priv)
		lim = bmc->params.chan.v_priv;
	if (lim == 0 || lim > PRIV_OEM || (req_priv != 0 && req_priv > lim)) {
		open_session_error(rs, tag, RMCPP_INVALID_ROLE, con_sid);
		return;
	}
	if (session_count(bmc, SESS_ACTIVE) >= bmc->conf.max_sessions ||
	    !session_make_room(bmc, src, now->mono_ms) || (s = session_new(bmc, src, now->mono_ms)) == NULL) {
		open_session_error(rs, tag, RMCPP_NO_RESOURCES, con_sid);
		return;
	}
	s->open_tag = tag;
	s->open_req_priv = req_priv;
	s->max_priv = req_priv != 0 ? req_priv : lim;
	s->con_sid = con_sid;
	s->suite = (uint8_t)suite;
	suite_algs(s->suite, &s->auth_alg, &s->integ_alg, &s->conf_alg);
	open_session_reply(rs, s);
}

/* Find the half-open or active session a setup message names, from its own peer. */
static struct session *
setup_session(struct bmc *bmc, const struct bmc_addr *src, uint32_t sid)
{
	struct session *s = session_find(bmc, sid);

	if (s == NULL || !addr_equal(&s->peer, src))
		return NULL;
	return s;
}

static void
rakp_error(struct wbuf *rs, uint8_t tag, uint8_t status, uint32_t con_sid)
{
	open_session_error(rs, tag, status, con_sid);
}

static size_t
rakp2_code(const struct session *s, const uint8_t guid[16], uint8_t out[CRYPTO_MAX_DIGEST])
{
	uint8_t ids[8], rl[2];
	struct iov_c v[6];

	ids[0] = (uint8_t)s->con_sid;
	ids[1] = (uint8_t)(s->con_sid >> 8);
	ids[2] = (uint8_t)(s->con_sid >> 16);
	ids[3] = (uint8_t)(s->con_sid >> 24);
	ids[4] = (uint8_t)s->bmc_sid;
	ids[5] = (uint8_t)(s->bmc_sid >> 8);
	ids[6] = (uint8_t)(s->bmc_sid >> 16);
	ids[7] = (uint8_t)(s->bmc_sid >> 24);
	rl[0] = s->role;
	rl[1] = s->ulen;
	v[0] = (struct iov_c){ids, 8};
	v[1] = (struct iov_c){s->rm, 16};
	v[2] = (struct iov_c){s->rc, 16};
	v[3] = (struct iov_c){guid, 16};
	v[4] = (struct iov_c){rl, 2};
	v[5] = (struct iov_c){s->uname, s->ulen};
	return crypto_hmac_auth(s->auth_alg, s->kuid, sizeof(s->kuid), v, 6, out);
}

static size_t
rakp3_code(const struct session *s, uint8_t out[CRYPTO_MAX_DIGEST])
{
	uint8_t sid[4] = {(uint8_t)s->con_sid, (uint8_t)(s->con_sid >> 8), (uint8_t)(s->con_sid >> 16),
	    (uint8_t)(s->con_sid >> 24)};
	uint8_t rl[2] = {s->role, s->ulen};
	struct iov_c v[4] = {{s->rc, 16}, {sid, 4}, {rl, 2}, {s->uname, s->ulen}};

	return crypto_hmac_auth(s->auth_alg, s->kuid, sizeof(s->kuid), v, 4, out);
}

int
rakp_derive_keys(struct session *s, const uint8_t *kg, size_t kglen)
{
	static const uint8_t c1[20] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
	static const uint8_t c2[20] = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
	uint8_t rl[2] = {s->role, s->ulen};
	struct iov_c v[4] = {{s->rm, 16}, {s->rc, 16}, {rl, 2}, {s->uname, s->ulen}};
	struct iov_c k;
	size_t n;

	if (kg == NULL) {
		kg = s->kuid;
		kglen = sizeof(s->kuid);
	}
	n = crypto_hmac_auth(s->auth_alg, kg, kglen, v, 4, s->sik);
	if (n == 0)
		return -1;
	/* The constants are 20 bytes for SHA-256 too (ipmitool, FreeIPMI, pyghmi). */
	k = (struct iov_c){c1, sizeof(c1)};
	if (crypto_hmac_auth(s->auth_alg, s->sik, n, &k, 1, s->k1) != n)
		return -1;
	k = (struct iov_c){c2, sizeof(c2)};
	if (crypto_hmac_auth(s->auth_alg, s->sik, n, &k, 1, s->k2) != n)
		return -1;
	s->keylen = (uint8_t)n;
	return 0;
}

void
rakp_rakp1(
    struct bmc *bmc, const struct bmc_time *now, const struct bmc_addr *src, struct buf *b, struct wbuf *rs)
{
	uint8_t tag, rm[16], role, ulen, name[BMC_NAME_LEN], digest[CRYPTO_MAX_DIGEST],
	    code[CRYPTO_MAX_DIGEST];
	const struct bmc_user *u;
	struct session *s;
	struct iov_c v;
	uint32_t sid;
	size_t n;
	uint8_t uid, priv;
	char a[64];

	const uint8_t *start = b->p;
	size_t total = b->left;

	tag = buf_get_u8(b);
	buf_skip(b, 3);
	sid = buf_get_u32le(b);
	buf_get_bytes(b, rm, 16);
	role = buf_get_u8(b);
	buf_skip(b, 2);
	ulen = buf_get_u8(b);
	if (b->err)
		return;
	s = setup_session(bmc, src, sid);
	if (s == NULL || (s->state != SESS_OPEN && s->state != SESS_RAKP2)) {
		rakp_error(rs, tag, RMCPP_INVALID_SID, 0);
		return;
	}
	if (ulen > BMC_NAME_LEN) {
		rakp_error(rs, tag, RMCPP_INVALID_NAME_LEN, s->con_sid);
		return;
	}
	if (!buf_get_bytes(b, name, ulen) || b->left != 0) {
		rakp_error(rs, tag, RMCPP_ILLEGAL_PARAM, s->con_sid);
		return;
	}
	priv = role & 0x0f;
	if ((role & 0xe0) != 0 || priv == 0 || priv > PRIV_OEM || priv > s->max_priv) {
		rakp_error(rs, tag, RMCPP_INVALID_ROLE, s->con_sid);
		return;
	}

	/* A retransmitted RAKP1 gets the same RAKP2 (same Rc); a new one starts over. */
	v = (struct iov_c){start, total};
	crypto_hmac_auth(AUTH_HMAC_SHA256, "rakp1", 5, &v, 1, digest);
	if (s->state != SESS_RAKP2 || !crypto_equal(digest, s->rakp1_digest, 32)) {
		memcpy(s->rakp1_digest, digest, 32);
		memcpy(s->rm, rm, 16);
		s->role = role;
		s->ulen = ulen;
		memset(s->uname, 0, sizeof(s->uname));
		memcpy(s->uname, name, ulen);
		bmc_rand(bmc, s->rc, 16);

		uid = ulen == 0 ? 0 : users_lookup(bmc, name, ulen, (role & 0x10) != 0, priv);
		u = uid ? bmc_user_get(bmc, uid) : NULL;
		s->uid = uid;
		s->fake = u == NULL || !u->enabled || u->password_len == 0 || !u->ipmi_messaging ||
		    u->priv_limit == PRIV_NO_ACCESS || users_locked(bmc, uid, now->mono_ms) ||
		    users_guesses_exhausted(bmc, uid, now->mono_ms, session_count_unanswered(bmc, uid, s));
		if (!s->fake && priv > u->priv_limit) {
			/* A real user asking above their limit: say so (FreeIPMI explains it). */
			session_free(bmc, s);
			rakp_error(rs, tag, RMCPP_UNAUTHORIZED_ROLE, 0);
			return;
		}
		memset(s->kuid, 0, sizeof(s->kuid));
		if (s->fake)
			bmc_rand(bmc, s->kuid, sizeof(s->kuid));
		else
			memcpy(s->kuid, u->password, u->password_len);
		if (s->fake)
			bmc_logf(bmc, BMC_LOG_INFO, "session 0x%08x %s: RAKP1 for an unusable user name",
			    s->bmc_sid, addr_str(src, a, sizeof(a)));
	}
	n = rakp2_code(s, bmc->conf.system_guid, code);
	if (n == 0)
		return;
	s->state = SESS_RAKP2;
	s->last_ms = now->mono_ms;
	wbuf_put_u8(rs, tag);
	wbuf_put_u8(rs, RMCPP_OK);
	wbuf_put_u8(rs, 0);
	wbuf_put_u8(rs, 0);
	wbuf_put_u32le(rs, s->con_sid);
	wbuf_put_bytes(rs, s->rc, 16);
	wbuf_put_bytes(rs, bmc->conf.system_guid, 16);
	wbuf_put_bytes(rs, code, n);
}

static void
rakp4_reply(struct bmc *bmc, const struct session *s, uint8_t tag, struct wbuf *rs)
{
	uint8_t sid[4] = {(uint8_t)s->bmc_sid, (uint8_t)(s->bmc_sid >> 8), (uint8_t)(s->bmc_sid >> 16),
	    (uint8_t)(s->bmc_sid >> 24)};
	struct iov_c v[3] = {{s->rm, 16}, {sid, 4}, {bmc->conf.system_guid, 16}};
	uint8_t icv[CRYPTO_MAX_DIGEST];
	size_t n = crypto_rakp4_icv_len(s->auth_alg);

	if (crypto_hmac_auth(s->auth_alg, s->sik, s->keylen, v, 3, icv) < n)
		return;
	wbuf_put_u8(rs, tag);
	wbuf_put_u8(rs, RMCPP_OK);
	wbuf_put_u8(rs, 0);
	wbuf_put_u8(rs, 0);
	wbuf_put_u32le(rs, s->con_sid);
	wbuf_put_bytes(rs, icv, n);
}

void
rakp_rakp3(
    struct bmc *bmc, const struct bmc_time *now, const struct bmc_addr *src, struct buf *b, struct wbuf *rs)
{
	uint8_t tag, status, want[CRYPTO_MAX_DIGEST];
	const uint8_t *code;
	struct session *s;
	uint32_t sid;
	size_t n;
	uint8_t h;
	char a[64];

	tag = buf_get_u8(b);
	status = buf_get_u8(b);
	buf_skip(b, 2);
	sid = buf_get_u32le(b);
	if (b->err)
		return;
	s = setup_session(bmc, src, sid);
	if (s == NULL || (s->state != SESS_RAKP2 && s->state != SESS_ACTIVE)) {
		rakp_error(rs, tag, RMCPP_INVALID_SID, 0);
		return;
	}
	if (status != RMCPP_OK) {
		/*
		 * The console gave up: RAKP2 did not verify, i.e. a wrong
		 * password.  That is a failed login like a bad RAKP3 code.
		 */
		if (s->state == SESS_RAKP2)
			session_abandon(bmc, s, now->mono_ms);
		return;
	}
	n = crypto_auth_len(s->auth_alg);
	code = buf_take(b, n);
	if (code == NULL || b->left != 0 || rakp3_code(s, want) != n || s->fake ||
	    !crypto_equal(code, want, n)) {
		if (s->state == SESS_ACTIVE)
			return; /* a forged "retransmission" must not end a live session */
		bmc_logf(bmc, BMC_LOG_INFO, "session 0x%08x %s: login failed for user \"%.*s\"", s->bmc_sid,
		    addr_str(src, a, sizeof(a)), s->ulen, (const char *)s->uname);
		if (!s->fake && s->uid != 0)
			users_login_failed(bmc, s->uid, now->mono_ms);
		rakp_error(rs, tag, RMCPP_INVALID_ICV, s->con_sid);
		session_free(bmc, s);
		return;
	}
	if (s->state == SESS_ACTIVE) {
		rakp4_reply(bmc, s, tag, rs); /* RAKP4 was lost: same answer again */
		return;
	}
	if (session_count(bmc, SESS_ACTIVE) >= bmc->conf.max_sessions ||
	    (h = session_free_handle(bmc)) == 0) {
		rakp_error(rs, tag, RMCPP_NO_RESOURCES, s->con_sid);
		session_free(bmc, s);
		return;
	}
	if (rakp_derive_keys(s, params_kg_set(bmc) ? bmc->params.kg : NULL, sizeof(bmc->params.kg)) != 0 ||
	    crypto_sess_init(
	        &s->cs, s->integ_alg, s->k1, s->keylen, s->conf_alg == CONF_AES_CBC_128, s->k2) != 0) {
		rakp_error(rs, tag, RMCPP_NO_RESOURCES, s->con_sid);
		session_free(bmc, s);
		return;
	}
	s->state = SESS_ACTIVE;
	s->handle = h;
	s->max_priv = s->role & 0x0f;
	s->priv = s->max_priv < PRIV_USER ? s->max_priv : PRIV_USER;
	s->last_ms = now->mono_ms;
	users_login_ok(bmc, s->uid);
	bmc_logf(bmc, BMC_LOG_INFO,
	    "session 0x%08x %s: opened for user \"%.*s\" (suite %u, max privilege %u)", s->bmc_sid,
	    addr_str(src, a, sizeof(a)), s->ulen, (const char *)s->uname, s->suite, s->max_priv);
	rakp4_reply(bmc, s, tag, rs);
}
