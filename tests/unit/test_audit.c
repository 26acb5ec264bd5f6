/*
 * ghostbmc audit (src/audit): the whole audit against an in-process struct
 * bmc through a fake transport and a fake clock, and against a small
 * scripted BMC with every weakness ghostbmc refuses to have (cipher suite 0,
 * anonymous login, 0Dh for unknown names, IPMI 1.5 auth type none...).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "audit/audit_udp.h"
#include "audit/wire.h"
#include "client.h"
#include "core/crypto.h"
#include "harness.h"

#define ADMIN_PW "Adm1n-Test-Passw0rd"
#define QMAX 16

/* ---- a transport with a fake clock ---- */

struct tport;
typedef size_t serve_fn(struct tport *t, const uint8_t *req, size_t n, uint8_t *rsp);

struct tport {
	struct harness *h; /* the in-process BMC, or NULL */
	serve_fn *serve; /* else this answers */
	void *fake; /* its state */
	struct bmc_addr src;
	uint8_t q[QMAX][BMC_DGRAM_MAX];
	size_t qlen[QMAX], head, count;
	uint64_t now;
	uint32_t rnd;
	unsigned sent;
	unsigned answer_first; /* answer only this many datagrams (0 = all) */
	bool dup; /* deliver every reply twice (stale duplicates must be skipped) */
	char notes[8192];
	size_t nlen;
};

static void
push(struct tport *t, const uint8_t *p, size_t n)
{
	size_t i = (t->head + t->count) % QMAX;

	if (t->count == QMAX || n == 0 || n > BMC_DGRAM_MAX)
		return;
	memcpy(t->q[i], p, n);
	t->qlen[i] = n;
	t->count++;
}

static int
t_send(void *arg, const uint8_t *p, size_t n)
{
	struct tport *t = arg;
	uint8_t rsp[BMC_DGRAM_MAX];
	size_t m = 0;

	t->sent++;
	t->now += 1; /* a round trip takes a millisecond */
	if (t->answer_first != 0 && t->sent > t->answer_first)
		return 0;
	if (t->h != NULL) {
		t->h->now.mono_ms = t->now;
		bmc_handle_datagram(t->h->bmc, &t->h->now, &t->src, p, n, &t->h->out);
		m = t->h->out.reply_len;
		if (m > 0)
			memcpy(rsp, t->h->out.reply, m);
	} else if (t->serve != NULL) {
		m = t->serve(t, p, n, rsp);
	}
	push(t, rsp, m);
	if (t->dup)
		push(t, rsp, m);
	return 0;
}

static int
t_recv(void *arg, uint8_t *p, size_t cap, uint32_t timeout_ms)
{
	struct tport *t = arg;
	size_t n;

	if (t->count == 0) {
		t->now += timeout_ms;
		if (t->h != NULL) {
			t->h->now.mono_ms = t->now;
			bmc_tick(t->h->bmc, &t->h->now, &t->h->out);
		}
		return 0;
	}
	n = t->qlen[t->head];
	assert_true(n <= cap);
	memcpy(p, t->q[t->head], n);
	t->head = (t->head + 1) % QMAX;
	t->count--;
	return (int)n;
}

static uint64_t
t_now(void *arg)
{
	return ((struct tport *)arg)->now;
}

static void
t_rand(void *arg, void *dst, size_t n)
{
	struct tport *t = arg;
	uint8_t *p = dst;
	size_t i;

	for (i = 0; i < n; i++) {
		t->rnd ^= t->rnd << 13;
		t->rnd ^= t->rnd >> 17;
		t->rnd ^= t->rnd << 5;
		p[i] = (uint8_t)t->rnd;
	}
}

static void
t_note(void *arg, const char *line)
{
	struct tport *t = arg;
	int n = snprintf(t->notes + t->nlen, sizeof(t->notes) - t->nlen, "%s\n", line);

	if (n > 0 && t->nlen + (size_t)n < sizeof(t->notes))
		t->nlen += (size_t)n;
}

static void
t_init(struct tport *t, struct harness *h)
{
	memset(t, 0, sizeof(*t));
	t->h = h;
	t->src.family = 4;
	t->src.ip[0] = 127;
	t->src.ip[3] = 1;
	t->src.port = 40623;
	t->now = h != NULL ? h->now.mono_ms : 5000000;
	t->rnd = 0x9e3779b9u;
}

static int
run(struct tport *t, struct audit_result *res)
{
	struct audit_io io = {t_send, t_recv, t_now, t_rand, t};
	struct audit_opts o;
	uint64_t start = t->now;
	int rc;

	audit_opts_defaults(&o);
	o.note = t_note;
	o.note_arg = t;
	rc = audit_run(&io, &o, res);
	/* Bounded whatever happens: the time budget, and a fixed number of datagrams. */
	assert_true(t->now - start <= AUDIT_BUDGET_DEFAULT_MS + AUDIT_TIMEOUT_DEFAULT_MS);
	assert_true(res->sent == t->sent);
	assert_true(res->sent <= 80);
	return rc;
}

static const struct audit_finding *
find(const struct audit_result *res, const char *id)
{
	size_t i;

	for (i = 0; i < res->n; i++)
		if (strcmp(res->f[i].id, id) == 0)
			return &res->f[i];
	return NULL;
}

static void
print_findings(const struct audit_result *res, const struct tport *t)
{
	size_t i;

	for (i = 0; i < res->n; i++)
		printf("  %s %s %s\n", audit_severity_name(res->f[i].sev), res->f[i].id, res->f[i].text);
	printf("%s%u datagrams sent\n", t->notes, res->sent);
}

/* ---- ghostbmc itself ---- */

/* The defaults with an administrator: nothing to report, and the administrator can still log in. */
static void
test_defaults_no_findings(void **state)
{
	struct harness *h = h_new(NULL);
	struct audit_result res;
	struct client c;
	struct tport t;

	(void)state;
	h_user(h, "admin", ADMIN_PW, PRIV_ADMIN);
	t_init(&t, h);
	assert_int_equal(run(&t, &res), 0);
	print_findings(&res, &t);
	assert_int_equal(res.n, 0);
	assert_true(res.answered && res.complete);
	assert_int_equal(res.suite, 3);
	/* Every probe was abandoned: no session is left active or half-open. */
	h->now.mono_ms = t.now;
	{
		struct bmc_status st;
		bmc_get_status(h->bmc, &st);
		assert_int_equal(st.active_sessions, 0);
		assert_int_equal(st.pending_sessions, 0);
	}
	client_init(&c, h->bmc, &h->now, 50000);
	assert_int_equal(client_login(&c, 17, "admin", ADMIN_PW, PRIV_ADMIN), 0);
	h_free(h);
}

/* Replies delivered twice (late duplicates of an earlier answer) change nothing. */
static void
test_duplicate_replies(void **state)
{
	struct harness *h = h_new(NULL);
	struct audit_result res;
	struct tport t;

	(void)state;
	h_user(h, "admin", ADMIN_PW, PRIV_ADMIN);
	t_init(&t, h);
	t.dup = true;
	assert_int_equal(run(&t, &res), 0);
	print_findings(&res, &t);
	assert_int_equal(res.n, 0);
	h_free(h);
}

/* IPMI 1.5 sessions switched on: the advertised auth types are findings, nothing else. */
static void
test_ipmi15_enabled(void **state)
{
	struct audit_result res;
	struct bmc_conf conf;
	struct harness *h;
	struct tport t;

	(void)state;
	bmc_conf_defaults(&conf);
	conf.ipmi15_auth_types = (1u << AUTHTYPE_NONE) | (1u << AUTHTYPE_MD5) | (1u << AUTHTYPE_PASSWORD);
	h = h_new(&conf);
	h_user(h, "admin", ADMIN_PW, PRIV_ADMIN);
	t_init(&t, h);
	assert_int_equal(run(&t, &res), 0);
	print_findings(&res, &t);
	assert_int_equal(res.n, 3);
	assert_non_null(find(&res, "ipmi15-auth-none"));
	assert_int_equal(find(&res, "ipmi15-auth-none")->sev, AUDIT_HIGH);
	assert_non_null(
	    strstr(find(&res, "ipmi15-auth-none")->text, "callback, user, operator, administrator"));
	assert_non_null(find(&res, "ipmi15-auth-md5"));
	assert_int_equal(find(&res, "ipmi15-auth-straight")->sev, AUDIT_HIGH);
	assert_null(find(&res, "ipmi15-none-login")); /* the null user is refused */
	h_free(h);
}

/* Vendor defaults are found offline from one RAKP2 per name, with SHA-1 and SHA-256 suites. */
static void
check_defaults_found(uint32_t suites, uint8_t want_suite)
{
	struct audit_result res;
	struct bmc_conf conf;
	struct harness *h;
	struct tport t;
	const struct audit_finding *f;

	bmc_conf_defaults(&conf);
	conf.min_password_len = 1;
	conf.suites_enabled = suites;
	h = h_new(&conf);
	h_user(h, "admin", ADMIN_PW, PRIV_ADMIN);
	h_user(h, "ADMIN", "ADMIN", PRIV_USER); /* below Administrator: still found */
	h_user(h, "root", "changeme", PRIV_ADMIN);
	t_init(&t, h);
	assert_int_equal(run(&t, &res), 0);
	print_findings(&res, &t);
	assert_int_equal(res.suite, want_suite);
	assert_int_equal(res.n, 2);
	f = &res.f[0];
	assert_string_equal(f->id, "default-credentials");
	assert_int_equal(f->sev, AUDIT_CRITICAL);
	assert_non_null(strstr(f->text, "ADMIN / ADMIN (Supermicro)"));
	assert_non_null(strstr(res.f[1].text, "root / changeme (Oracle ILOM)"));
	h_free(h);
}

static void
test_default_credentials(void **state)
{
	(void)state;
	check_defaults_found(BMC_SUITE_DEFAULT_MASK, 3);
	check_defaults_found(1u << 17, 17);
}

/* With auth type none on, a user name the audit learned logs in over IPMI 1.5 without a password. */
static void
test_ipmi15_none_login(void **state)
{
	struct audit_result res;
	struct bmc_conf conf;
	struct harness *h;
	struct tport t;
	struct bmc_status st;

	(void)state;
	bmc_conf_defaults(&conf);
	conf.min_password_len = 1;
	conf.ipmi15_auth_types = 1u << AUTHTYPE_NONE;
	h = h_new(&conf);
	h_user(h, "USERID", "PASSW0RD", PRIV_ADMIN);
	t_init(&t, h);
	assert_int_equal(run(&t, &res), 0);
	print_findings(&res, &t);
	assert_non_null(find(&res, "default-credentials"));
	assert_non_null(find(&res, "ipmi15-auth-none"));
	assert_non_null(find(&res, "ipmi15-none-login"));
	assert_non_null(strstr(find(&res, "ipmi15-none-login")->text, "user \"USERID\""));
	assert_int_equal(res.n, 3);
	/* The 1.5 session it opened was closed again. */
	bmc_get_status(h->bmc, &st);
	assert_int_equal(st.active_sessions, 0);
	h_free(h);
}

/* Nobody answers: -1 after three tries of the first request, within their timeouts. */
static void
test_no_answer(void **state)
{
	struct audit_result res;
	struct tport t;

	(void)state;
	t_init(&t, NULL);
	assert_int_equal(run(&t, &res), -1);
	assert_false(res.answered);
	assert_int_equal(res.sent, AUDIT_TRIES_DEFAULT);
	assert_int_equal(t.now - 5000000, AUDIT_TRIES_DEFAULT * AUDIT_TIMEOUT_DEFAULT_MS);
	assert_non_null(strstr(res.error, "no answer to Get Channel Authentication Capabilities"));
}

/* Only the first answer comes back: silence afterwards is no finding, and the audit says it stopped. */
static void
test_silent_after_caps(void **state)
{
	struct harness *h = h_new(NULL);
	struct audit_result res;
	struct tport t;

	(void)state;
	t_init(&t, h);
	t.answer_first = 1;
	assert_int_equal(run(&t, &res), -2);
	print_findings(&res, &t);
	assert_int_equal(res.n, 0);
	assert_true(res.answered);
	assert_false(res.complete);
	assert_non_null(strstr(res.error, "Open Session"));
	assert_true(res.sent <= 1 + AUDIT_TRIES_DEFAULT);
	h_free(h);
}

/* ---- a scripted insecure BMC (as ipmi_sim configured badly) ---- */

struct fake {
	uint8_t caps[8];
	bool cipher0;
	uint32_t next_sid;
	struct {
		uint32_t bmc_sid, con_sid;
		uint8_t auth;
	} s[32];
	size_t ns;
	unsigned logins15;
};

static const uint8_t fake_guid[16] = {
    0xa1, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xa1, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};

static size_t
fake_rmcpp(uint8_t ptype, const uint8_t *pl, size_t n, uint8_t *rsp)
{
	return aw_setup_packet(rsp, BMC_DGRAM_MAX, ptype, pl, n);
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* A 1.5 response with auth type none. */
static size_t
fake_v15_rsp(const uint8_t *rq, uint8_t cc, const uint8_t *data, size_t len, uint8_t *rsp)
{
	uint8_t m[64];
	size_t k = 0, n = 0;

	m[k++] = 0x81;
	m[k++] = (uint8_t)((rq[1] & 0xfc) + 4);
	m[k] = msg_checksum(m, 2);
	k++;
	m[k++] = 0x20;
	m[k++] = rq[4];
	m[k++] = rq[5];
	m[k++] = cc;
	if (len > 0)
		memcpy(m + k, data, len);
	k += len;
	m[k] = msg_checksum(m + 3, k - 3);
	k++;
	memcpy(rsp, "\x06\x00\xff\x07\x00\x00\x00\x00\x00\x00\x00\x00\x00", 13);
	n = 13;
	rsp[n++] = (uint8_t)k;
	memcpy(rsp + n, m, k);
	return n + k;
}

static size_t
fake_serve(struct tport *t, const uint8_t *p, size_t n, uint8_t *rsp)
{
	struct fake *f = t->fake;
	uint8_t out[40 + CRYPTO_MAX_DIGEST];

	if (n < 5 || p[3] != 0x07)
		return 0;
	if (p[4] != 0x06) {
		/* IPMI 1.5 wrapper */
		uint8_t type = p[4];
		uint32_t sid = le32(p + 9);
		size_t off = 13 + (type ? 16 : 0);
		const uint8_t *m = p + off + 1, *d = m + 6;
		static const uint8_t zero[16];

		if (n < off + 1 + 7)
			return 0;
		switch (m[5]) {
		case 0x38:
			return fake_v15_rsp(m, 0, f->caps, 8, rsp);
		case 0x39:
			if (memcmp(d + 1, zero, 16) != 0)
				return fake_v15_rsp(m, 0x81, NULL, 0, rsp);
			put32(out, 0x0101);
			memset(out + 4, 0xcc, 16);
			return fake_v15_rsp(m, 0, out, 20, rsp);
		case 0x3a:
			/* none, or a straight empty password (its AuthCode: 16 zero bytes) */
			if (sid != 0x0101 || (type != 0 && (type != 4 || memcmp(p + 13, zero, 16) != 0)))
				return 0;
			f->logins15++;
			out[0] = type;
			put32(out + 1, 0x0202);
			put32(out + 5, 0x10);
			out[9] = d[1];
			return fake_v15_rsp(m, 0, out, 10, rsp);
		case 0x3c:
			return fake_v15_rsp(m, 0, NULL, 0, rsp);
		default:
			return fake_v15_rsp(m, 0xc1, NULL, 0, rsp);
		}
	}
	if (n < 16)
		return 0;
	{
		uint8_t ptype = p[5] & 0x3f;
		const uint8_t *pl = p + 16;
		size_t plen = (size_t)(p[14] | p[15] << 8);

		if (ptype == 0x10 && plen >= 32) {
			uint8_t a = pl[12], i = pl[20], c = pl[28];
			bool ok = (a == 1 && i == 1 && c == 1) || (f->cipher0 && a == 0 && i == 0 && c == 0);

			memset(out, 0, 36);
			out[0] = pl[0];
			out[1] = ok ? 0 : 0x11;
			memcpy(out + 4, pl + 4, 4);
			if (!ok)
				return fake_rmcpp(0x11, out, 8, rsp);
			f->s[f->ns % 32].bmc_sid = ++f->next_sid;
			f->s[f->ns % 32].con_sid = le32(pl + 4);
			f->s[f->ns % 32].auth = a;
			f->ns++;
			put32(out + 8, f->next_sid);
			out[15] = 8;
			out[16] = a;
			out[20] = 1;
			out[23] = 8;
			out[24] = i;
			out[28] = 2;
			out[31] = 8;
			out[32] = c;
			return fake_rmcpp(0x11, out, 36, rsp);
		}
		if (ptype == 0x12 && plen >= 28) {
			uint32_t bsid = le32(pl + 4);
			size_t k, ulen = pl[27], len = 40;
			char name[17];

			for (k = 0; k < 32 && f->s[k].bmc_sid != bsid; k++)
				;
			if (k == 32 || ulen > 16 || plen != 28 + ulen)
				return 0;
			memcpy(name, pl + 28, ulen);
			name[ulen] = '\0';
			memset(out, 0, sizeof(out));
			out[0] = pl[0];
			out[1] =
			    ulen == 0 ? 0 : 0x0d; /* only the null user exists; others: "unauthorized name" */
			put32(out + 4, f->s[k].con_sid);
			memset(out + 8, 0x5a, 16);
			memcpy(out + 24, fake_guid, 16);
			if (f->s[k].auth != 0)
				len += aw_rakp2_code(f->s[k].auth, "", f->s[k].con_sid, bsid, pl + 8, out + 8,
				    fake_guid, pl[24], name, ulen, out + 40);
			return fake_rmcpp(0x13, out, len, rsp);
		}
	}
	return 0; /* RAKP3: the session just ends */
}

static void
test_insecure_bmc(void **state)
{
	static const char *const want[] = {"ipmi15-auth-none", "ipmi15-auth-straight", "ipmi15-auth-md2",
	    "ipmi15-auth-md5", "anonymous-login", "null-user-login", "user-enumeration", "cipher-zero",
	    "ipmi15-none-login", "ipmi15-null-login", "user-enumeration-ipmi15"};
	struct audit_result res;
	struct fake f;
	struct tport t;
	size_t i;

	(void)state;
	memset(&f, 0, sizeof(f));
	/* as ipmi_sim with a null user: none MD2 MD5 straight, anonymous login, 1.5 and 2.0 */
	memcpy(f.caps, "\x01\x97\x05\x03\x00\x00\x00\x00", 8);
	f.cipher0 = true;
	t_init(&t, NULL);
	t.serve = fake_serve;
	t.fake = &f;
	assert_int_equal(run(&t, &res), 0);
	print_findings(&res, &t);
	assert_int_equal(res.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < res.n; i++)
		assert_string_equal(res.f[i].id, want[i]);
	assert_int_equal(find(&res, "cipher-zero")->sev, AUDIT_CRITICAL);
	assert_non_null(
	    strstr(find(&res, "cipher-zero")->text, "the null user name logs in with any password"));
	assert_int_equal(find(&res, "user-enumeration")->sev, AUDIT_MEDIUM);
	assert_non_null(strstr(find(&res, "user-enumeration")->text, "0Dh"));
	assert_int_equal(f.logins15, 2);

	/* Cipher suite 0 refused, anonymous login off: those findings go. */
	memset(&f, 0, sizeof(f));
	memcpy(f.caps, "\x01\x80\x04\x02\x00\x00\x00\x00", 8);
	t_init(&t, NULL);
	t.serve = fake_serve;
	t.fake = &f;
	assert_int_equal(run(&t, &res), 0);
	print_findings(&res, &t);
	assert_null(find(&res, "cipher-zero"));
	assert_null(find(&res, "anonymous-login"));
	assert_null(find(&res, "ipmi15-none-login"));
	assert_non_null(find(&res, "null-user-login"));
	assert_non_null(find(&res, "user-enumeration"));
	assert_int_equal(res.n, 2);
}

/* ---- the edge's target parser ---- */

static void
test_parse_target(void **state)
{
	static const struct {
		const char *in, *host, *port;
	} ok[] = {
	    {"127.0.0.1", "127.0.0.1", "623"},
	    {"127.0.0.1:6230", "127.0.0.1", "6230"},
	    {"[::1]:623", "::1", "623"},
	    {"[::1]", "::1", "623"},
	    {"::1", "::1", "623"},
	    {"fe80::1%lo", "fe80::1%lo", "623"},
	    {"bmc.example:0623", "bmc.example", "623"},
	};
	static const char *const bad[] = {
	    "", ":623", "[::1", "[::1]x", "h:0", "h:65536", "h:", "h:-1", "h:1x"};
	char host[64], port[8], err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(audit_udp_parse_target(
		                     ok[i].in, host, sizeof(host), port, sizeof(port), err, sizeof(err)),
		    0);
		assert_string_equal(host, ok[i].host);
		assert_string_equal(port, ok[i].port);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(
		    audit_udp_parse_target(bad[i], host, sizeof(host), port, sizeof(port), err, sizeof(err)),
		    -1);
		assert_true(err[0] != '\0');
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_no_findings),
	    cmocka_unit_test(test_duplicate_replies),
	    cmocka_unit_test(test_ipmi15_enabled),
	    cmocka_unit_test(test_default_credentials),
	    cmocka_unit_test(test_ipmi15_none_login),
	    cmocka_unit_test(test_no_answer),
	    cmocka_unit_test(test_silent_after_caps),
	    cmocka_unit_test(test_insecure_bmc),
	    cmocka_unit_test(test_parse_target),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
