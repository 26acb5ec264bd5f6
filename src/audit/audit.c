/*
 * The audit's checks (docs/audit.md).  Pure: every datagram goes through
 * struct audit_io, so the same code runs against a UDP socket and, in the
 * unit tests, against an in-process struct bmc.
 *
 * Order: Get Channel Authentication Capabilities (which also tells whether
 * the target answers at all); RAKP probes for the null user name, a few
 * vendor default names and one random name, each abandoned after RAKP 2 with
 * a RAKP 3 carrying an error status; cipher suite 0; IPMI 1.5 sessions with
 * auth type none or a straight empty password.  What the RAKP probes learn
 * (which names exist) steers the later checks, so no name is tried more than
 * twice.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/wire.h"
#include "core/crypto.h"
#include "core/ipmi.h"

#define CMD_GET_CHANNEL_AUTH_CAPS 0x38
#define CMD_GET_SESSION_CHALLENGE 0x39
#define CMD_ACTIVATE_SESSION 0x3a
#define CMD_CLOSE_SESSION 0x3c

/*
 * RAKP1 role: name-only lookup at User privilege, the lowest level a LAN
 * login normally gets, so a user whose limit is below Administrator is
 * still found.  It is part of every HMAC, so it is the same everywhere.
 */
#define AUDIT_ROLE (0x10 | PRIV_USER)

/* A RAKP3 that gives up, as a console does when RAKP2 does not verify. */
#define ABANDON_STATUS RMCPP_INVALID_ICV

/* Suites to find one the target accepts for the RAKP probes, most common first. */
static const uint8_t rakp_suites[] = {3, 17, 2, 16, 1, 15, 8, 7, 6};

/*
 * Well-known vendor defaults.  One RAKP exchange per name; its RAKP2 is
 * checked offline against every password listed for that name (and the
 * empty one), which is how CVE-2013-4786 is used to find default passwords.
 */
static const struct cred {
	const char *name, *pw, *vendor;
} defaults[] = {
    {"ADMIN", "ADMIN", "Supermicro"},
    {"root", "calvin", "Dell iDRAC"},
    {"root", "changeme", "Oracle ILOM"},
    {"root", "0penBmc", "OpenBMC"},
    {"USERID", "PASSW0RD", "IBM/Lenovo IMM"},
    {"admin", "admin", "Fujitsu iRMC, ASRock Rack and others"},
    {"admin", "password", "Cisco CIMC and others"},
    {"Administrator", "Admin@9000", "Huawei iBMC"},
};
#define NDEFAULTS (sizeof(defaults) / sizeof(defaults[0]))
#define MAX_PROBES 8 /* null name + distinct default names + the random name */

enum probe_state {
	PROBE_UNTRIED,
	PROBE_NO_SESSION, /* Open Session refused or unanswered: nothing learned */
	PROBE_NO_REPLY, /* Open Session answered, RAKP1 not */
	PROBE_REPLY,
};

struct probe {
	char name[AW_NAME_MAX + 1];
	enum probe_state state;
	uint8_t status;
	size_t len; /* RAKP2 payload length */
	const char *matched_pw; /* a candidate the RAKP2 code verified with, or NULL */
	const char *vendor;
};

struct audit {
	const struct audit_io *io;
	struct audit_opts o;
	struct audit_result *res;
	uint64_t deadline;
	bool stopped; /* out of time or the socket failed: silence means nothing from now on */
	bool refused; /* an ICMP port unreachable came back */
	uint8_t tag, rq_seq;

	/* Get Channel Authentication Capabilities */
	bool caps_ok;
	uint8_t caps_status, caps_ext;
	uint8_t auth_by_priv[PRIV_OEM + 1]; /* 1.5 auth types advertised per requested privilege */
	bool v15; /* IPMI 1.5 sessions supported */

	/* RAKP */
	int suite; /* -1 not chosen yet, 0 none accepted */
	uint8_t auth_alg, integ_alg, conf_alg;
	struct probe probes[MAX_PROBES];
	size_t nprobes;
	struct probe *random_probe;
	bool enumerable; /* unknown names are answered differently */
};

/* ---- plumbing ---- */

void
audit_opts_defaults(struct audit_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = AUDIT_TIMEOUT_DEFAULT_MS;
	o->tries = AUDIT_TRIES_DEFAULT;
	o->budget_ms = AUDIT_BUDGET_DEFAULT_MS;
}

const char *
audit_severity_name(enum audit_severity s)
{
	switch (s) {
	case AUDIT_CRITICAL:
		return "critical";
	case AUDIT_HIGH:
		return "high";
	case AUDIT_MEDIUM:
		return "medium";
	default:
		return "low";
	}
}

static void note(struct audit *a, const char *fmt, ...) __attribute__((__format__(printf, 2, 3)));

static void
note(struct audit *a, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	if (a->o.note == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	a->o.note(a->o.note_arg, line);
}

static void finding(struct audit *a, enum audit_severity sev, const char *id, const char *fmt, ...)
    __attribute__((__format__(printf, 4, 5)));

static void
finding(struct audit *a, enum audit_severity sev, const char *id, const char *fmt, ...)
{
	struct audit_finding *f;
	va_list ap;

	if (strcmp(id, "user-enumeration") == 0)
		a->enumerable = true;
	if (a->res->n >= AUDIT_MAX_FINDINGS)
		return;
	f = &a->res->f[a->res->n++];
	f->sev = sev;
	snprintf(f->id, sizeof(f->id), "%s", id);
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
}

static void
stop(struct audit *a, const char *why)
{
	if (!a->stopped)
		snprintf(a->res->error, sizeof(a->res->error), "%s", why);
	a->stopped = true;
}

static uint32_t
rand32(struct audit *a)
{
	uint32_t v;

	a->io->rand(a->io->arg, &v, sizeof(v));
	return v;
}

static uint32_t
rand_nonzero32(struct audit *a)
{
	uint32_t v;

	while ((v = rand32(a)) == 0)
		;
	return v;
}

/* A user name for messages: the null name is not "". */
static const char *
who(const char *name, char *buf, size_t len)
{
	if (name[0] == '\0')
		return "the null user name";
	snprintf(buf, len, "user \"%s\"", name);
	return buf;
}

typedef bool match_fn(void *ctx, const uint8_t *p, size_t n);

/*
 * Send req up to `tries` times, waiting timeout_ms each time for a datagram
 * that match() accepts (stale answers to earlier requests are skipped).
 * Returns the reply's length in rsp, 0 when none came, -1 when the audit is
 * stopped (out of time, or the socket failed).
 */
static int
xchg(struct audit *a, const uint8_t *req, size_t len, unsigned tries, match_fn *match, void *ctx,
    uint8_t *rsp, size_t cap)
{
	const struct audit_io *io = a->io;
	unsigned t;

	if (len == 0) {
		stop(a, "internal error: a request did not fit");
		return -1;
	}
	for (t = 0; t < tries; t++) {
		uint64_t now = io->now_ms(io->arg), until;

		if (a->stopped)
			return -1;
		if (now >= a->deadline) {
			stop(a, "the time budget ran out");
			return -1;
		}
		if (io->send(io->arg, req, len) != 0) {
			stop(a, "sending failed");
			return -1;
		}
		a->res->sent++;
		until = now + a->o.timeout_ms;
		if (until > a->deadline)
			until = a->deadline;
		for (;;) {
			int n;

			now = io->now_ms(io->arg);
			if (now >= until)
				break;
			n = io->recv(io->arg, rsp, cap, (uint32_t)(until - now));
			if (n == AUDIT_IO_REFUSED) {
				a->refused = true;
				break;
			}
			if (n < 0) {
				stop(a, "receiving failed");
				return -1;
			}
			if (n == 0)
				break;
			if (match(ctx, rsp, (size_t)n)) {
				a->res->answered = true;
				return n;
			}
		}
	}
	return a->stopped ? -1 : 0;
}

/* Send once and don't wait: the polite goodbyes (RAKP3 with an error status). */
static void
send_only(struct audit *a, const uint8_t *req, size_t len)
{
	if (a->stopped || len == 0)
		return;
	if (a->io->send(a->io->arg, req, len) != 0) {
		stop(a, "sending failed");
		return;
	}
	a->res->sent++;
}

/* ---- IPMI 1.5 wrapper requests ---- */

struct v15_match {
	uint8_t netfn, cmd, rq_seq;
	struct aw_v15_rsp r;
};

static bool
v15_match(void *ctx, const uint8_t *p, size_t n)
{
	struct v15_match *m = ctx;

	return aw_v15_parse(p, n, &m->r) == 0 && m->r.netfn == (m->netfn | 1) && m->r.cmd == m->cmd &&
	    m->r.rq_seq == m->rq_seq;
}

/*
 * One request in the 1.5 wrapper; the reply's fields land in m->r (data
 * points into buf).  Returns as xchg().
 */
static int
v15_cmd(struct audit *a, uint8_t auth_type, uint32_t seq, uint32_t sid, uint8_t cmd, const uint8_t *data,
    size_t len, unsigned tries, struct v15_match *m, uint8_t *buf, size_t cap)
{
	uint8_t pkt[AW_DGRAM_MAX];
	size_t n;

	m->netfn = NETFN_APP;
	m->cmd = cmd;
	m->rq_seq = a->rq_seq;
	a->rq_seq = (uint8_t)((a->rq_seq + 1) & 0x3f);
	n = aw_v15_request(pkt, sizeof(pkt), auth_type, seq, sid, NULL, m->netfn, cmd, m->rq_seq, data, len);
	return xchg(a, pkt, n, tries, v15_match, m, buf, cap);
}

/* ---- 1. Get Channel Authentication Capabilities ---- */

static const char *const priv_names[] = {"", "callback", "user", "operator", "administrator", "OEM"};

/* The privileges at which 1.5 auth type `type` is advertised, as text; false when none. */
static bool
levels_with(const struct audit *a, uint8_t type, char *buf, size_t len)
{
	size_t off = 0;
	uint8_t p;

	buf[0] = '\0';
	for (p = PRIV_CALLBACK; p <= PRIV_ADMIN; p++) {
		if (!(a->auth_by_priv[p] & (1u << type)))
			continue;
		off += (size_t)snprintf(
		    buf + off, off < len ? len - off : 0, "%s%s", off ? ", " : "", priv_names[p]);
	}
	return buf[0] != '\0';
}

/* The highest privilege at which `type` is advertised, 0 if none. */
static uint8_t
top_level_with(const struct audit *a, uint8_t type)
{
	uint8_t p;

	for (p = PRIV_ADMIN; p >= PRIV_CALLBACK; p--)
		if (a->auth_by_priv[p] & (1u << type))
			return p;
	return 0;
}

/* Returns 0, -1 when the target did not answer at all, -2 when stopped. */
static int
check_auth_caps(struct audit *a)
{
	static const struct {
		uint8_t type;
		enum audit_severity sev;
		const char *id, *name, *why;
	} types[] = {
	    {AUTHTYPE_NONE, AUDIT_HIGH, "ipmi15-auth-none", "none",
	        "IPMI 1.5 session messages without any authentication"},
	    {AUTHTYPE_PASSWORD, AUDIT_HIGH, "ipmi15-auth-straight", "straight password",
	        "the password crosses the network in clear text"},
	    {AUTHTYPE_MD2, AUDIT_MEDIUM, "ipmi15-auth-md2", "MD2",
	        "a broken digest, sessions without integrity or encryption"},
	    {AUTHTYPE_MD5, AUDIT_MEDIUM, "ipmi15-auth-md5", "MD5",
	        "challenges crackable offline, sessions without integrity or encryption"},
	};
	uint8_t buf[AW_DGRAM_MAX], rq[2], p, v2bit, rq1;
	struct v15_match m;
	char levels[64];
	size_t k;
	int n;

	/* As ipmitool and FreeIPMI ask: channel 0Eh (this one) with the IPMI 2.0 bit, Administrator. */
	rq[0] = 0x80 | CHANNEL_CURRENT;
	rq[1] = PRIV_ADMIN;
	n = v15_cmd(
	    a, AUTHTYPE_NONE, 0, 0, CMD_GET_CHANNEL_AUTH_CAPS, rq, 2, a->o.tries, &m, buf, sizeof(buf));
	if (n < 0)
		return -2;
	if (n == 0)
		return -1;
	if (m.r.cc != CC_OK) {
		/* An IPMI 1.5-only BMC refuses the 2.0 bit (CCh): ask as 1.5 consoles do. */
		rq[0] = CHANNEL_CURRENT;
		n = v15_cmd(a, AUTHTYPE_NONE, 0, 0, CMD_GET_CHANNEL_AUTH_CAPS, rq, 2, a->o.tries, &m, buf,
		    sizeof(buf));
		if (n < 0)
			return -2;
	}
	if (n > 0 && m.r.cc != CC_OK) {
		/* A channel limited below Administrator refuses that level (ipmi_sim): ask for User. */
		rq[0] = 0x80 | CHANNEL_CURRENT;
		rq[1] = PRIV_USER;
		n = v15_cmd(a, AUTHTYPE_NONE, 0, 0, CMD_GET_CHANNEL_AUTH_CAPS, rq, 2, a->o.tries, &m, buf,
		    sizeof(buf));
		if (n < 0)
			return -2;
	}
	if (n == 0 || m.r.cc != CC_OK || m.r.len < 3) {
		note(a, "Get Channel Authentication Capabilities refused (completion code %02Xh)",
		    n > 0 ? m.r.cc : 0xff);
		return 0;
	}
	a->caps_ok = true;
	v2bit = m.r.data[1] & 0x80;
	a->auth_by_priv[rq[1]] = m.r.data[1] & 0x37;
	a->caps_status = m.r.data[2];
	a->caps_ext = (m.r.data[1] & 0x80) && m.r.len >= 4 ? m.r.data[3] : 0;
	/* 1.5 sessions: a 1.5-only answer, the 2.0 answer's 1.5 bit, or any 1.5 type listed. */
	a->v15 = !v2bit || (a->caps_ext & 0x01) || (m.r.data[1] & 0x37);
	rq1 = rq[1];
	note(a, "channel authentication capabilities: %02X %02X %02X %02X", m.r.data[0], m.r.data[1],
	    m.r.data[2], a->caps_ext);

	/* The 1.5 types are per privilege (LAN parameter 2): ask for the others too. */
	if (a->v15) {
		for (p = PRIV_ADMIN; p >= PRIV_CALLBACK; p--) {
			if (p == rq1)
				continue;
			rq[0] = (uint8_t)(v2bit | CHANNEL_CURRENT);
			rq[1] = p;
			n = v15_cmd(a, AUTHTYPE_NONE, 0, 0, CMD_GET_CHANNEL_AUTH_CAPS, rq, 2, a->o.tries, &m,
			    buf, sizeof(buf));
			if (n < 0)
				return -2;
			if (n > 0 && m.r.cc == CC_OK && m.r.len >= 3)
				a->auth_by_priv[p] = m.r.data[1] & 0x37;
		}
	}

	for (k = 0; k < sizeof(types) / sizeof(types[0]); k++)
		if (levels_with(a, types[k].type, levels, sizeof(levels)))
			finding(a, types[k].sev, types[k].id,
			    "IPMI 1.5 authentication type %s is advertised (%s): %s", types[k].name, levels,
			    types[k].why);
	if (a->caps_status & 0x01)
		finding(a, AUDIT_CRITICAL, "anonymous-login",
		    "anonymous login is enabled (null user name with a null password), as Get Channel "
		    "Authentication Capabilities reports");
	if (a->caps_status & 0x02)
		finding(a, AUDIT_HIGH, "null-user-names",
		    "null user names are enabled: a user without a name can log in, as Get Channel "
		    "Authentication Capabilities reports");
	if (a->v15 && (a->caps_status & 0x10))
		finding(a, AUDIT_MEDIUM, "per-message-auth-off",
		    "per-message authentication is disabled: IPMI 1.5 session messages are not "
		    "authenticated after Activate Session");
	if (a->v15 && (a->caps_status & 0x08))
		finding(a, AUDIT_MEDIUM, "user-level-auth-off",
		    "user-level authentication is disabled: User-privilege IPMI 1.5 session messages are not "
		    "authenticated");
	return 0;
}

/* ---- RMCP+ session setup ---- */

struct open_match {
	uint8_t tag;
	uint32_t con_sid;
	struct aw_open_rsp r;
};

static bool
open_match(void *ctx, const uint8_t *p, size_t n)
{
	struct open_match *m = ctx;
	const uint8_t *pl;
	uint8_t ptype;
	size_t len;

	if (aw_rmcpp_parse(p, n, &ptype, &pl, &len) != 0 || ptype != PAYLOAD_OPEN_SESSION_RS ||
	    aw_open_parse(pl, len, &m->r) != 0)
		return false;
	return m->r.tag == m->tag && (!m->r.has_con_sid || m->r.con_sid == m->con_sid);
}

/* Open Session for a suite.  Returns as xchg(); the answer is in m->r. */
static int
open_session(struct audit *a, uint8_t suite, struct open_match *m)
{
	uint8_t pkt[AW_DGRAM_MAX], buf[AW_DGRAM_MAX], au, in, cf;

	if (!aw_suite_algs(suite, &au, &in, &cf))
		return 0;
	m->tag = a->tag++;
	m->con_sid = rand_nonzero32(a);
	return xchg(a, pkt, aw_open_session(pkt, sizeof(pkt), m->tag, 0, m->con_sid, au, in, cf), a->o.tries,
	    open_match, m, buf, sizeof(buf));
}

struct rakp2_match {
	uint8_t tag;
	uint32_t con_sid;
	struct aw_rakp2 r;
	uint8_t code[CRYPTO_MAX_DIGEST];
};

static bool
rakp2_match(void *ctx, const uint8_t *p, size_t n)
{
	struct rakp2_match *m = ctx;
	const uint8_t *pl;
	uint8_t ptype;
	size_t len;

	if (aw_rmcpp_parse(p, n, &ptype, &pl, &len) != 0 || ptype != PAYLOAD_RAKP2 ||
	    aw_rakp2_parse(pl, len, &m->r) != 0 || m->r.tag != m->tag)
		return false;
	/* An error about the session ID may carry console SID 0 (it names no session). */
	if (m->r.has_con_sid && m->r.con_sid != m->con_sid && m->r.con_sid != 0)
		return false;
	if (m->r.codelen > sizeof(m->code))
		return false;
	if (m->r.codelen > 0)
		memcpy(m->code, m->r.code, m->r.codelen);
	m->r.code = NULL; /* it pointed into the receive buffer */
	return true;
}

/*
 * RAKP1 for `name` in the session o opened; the answer is in m->r and
 * m->code.  Whatever came back, the pending session is abandoned with a
 * RAKP3 carrying an error status (an error RAKP2 has already ended it).
 * Returns as xchg().
 */
static int
rakp1(struct audit *a, const struct open_match *o, const char *name, uint8_t auth_alg, uint8_t rm[16],
    struct rakp2_match *m)
{
	uint8_t pkt[AW_DGRAM_MAX], buf[AW_DGRAM_MAX];
	size_t len = strlen(name);
	int n;

	a->io->rand(a->io->arg, rm, 16);
	m->tag = a->tag++;
	m->con_sid = o->con_sid;
	n = xchg(a, pkt, aw_rakp1(pkt, sizeof(pkt), m->tag, o->r.bmc_sid, rm, AUDIT_ROLE, name, len),
	    a->o.tries, rakp2_match, m, buf, sizeof(buf));
	if (n >= 0 && (n == 0 || m->r.status == RMCPP_OK))
		send_only(a, pkt,
		    aw_rakp3_abort(
		        pkt, sizeof(pkt), a->tag++, ABANDON_STATUS, o->r.bmc_sid, crypto_auth_len(auth_alg)));
	return n;
}

/* Open Session with the audit's suite, choosing one the first time. Returns as xchg(). */
static int
open_audit_session(struct audit *a, struct open_match *m)
{
	size_t k;
	int n;

	if (a->suite > 0)
		return open_session(a, (uint8_t)a->suite, m);
	if (a->suite == 0)
		return 0;
	for (k = 0; k < sizeof(rakp_suites); k++) {
		n = open_session(a, rakp_suites[k], m);
		if (n < 0)
			return n;
		if (n == 0) {
			a->suite = 0;
			if (a->caps_ext & 0x02) {
				stop(a, "no answer to RMCP+ Open Session although IPMI 2.0 is advertised");
				return -1;
			}
			note(a, "no answer to RMCP+ Open Session: RAKP checks skipped");
			return 0;
		}
		if (m->r.status == RMCPP_OK) {
			a->suite = rakp_suites[k];
			a->res->suite = rakp_suites[k];
			aw_suite_algs(rakp_suites[k], &a->auth_alg, &a->integ_alg, &a->conf_alg);
			note(a, "RAKP probes use cipher suite %u", a->suite);
			return n;
		}
		/* Only "not this suite" moves on; anything else (busy, ...) is an answer for all. */
		if (m->r.status != RMCPP_NO_CIPHER_SUITE && m->r.status != RMCPP_INVALID_AUTH_ALG &&
		    m->r.status != RMCPP_INVALID_INTEG_ALG && m->r.status != RMCPP_INVALID_CONF_ALG &&
		    m->r.status != RMCPP_NO_MATCHING_AUTH && m->r.status != RMCPP_NO_MATCHING_INTEG)
			return n;
	}
	a->suite = 0;
	note(a, "no cipher suite with authentication was accepted: RAKP checks skipped");
	return n;
}

/* Normal RAKP2 length for the audit's suite. */
static size_t
rakp2_len(const struct audit *a)
{
	return AW_RAKP2_FIXED + crypto_auth_len(a->auth_alg);
}

static bool
probe_normal(const struct audit *a, const struct probe *pr)
{
	return pr->state == PROBE_REPLY && pr->status == RMCPP_OK && pr->len == rakp2_len(a);
}

/*
 * One RAKP exchange for a name; its RAKP2 is verified offline against
 * pws[0..npw) (NULL entries skipped).  Returns 0, or -1 when stopped.
 */
static int
rakp_probe(struct audit *a, struct probe *pr, const char *const *pws, const char *const *vendors, size_t npw)
{
	struct open_match o;
	struct rakp2_match m;
	uint8_t rm[16], code[CRYPTO_MAX_DIGEST];
	size_t k, clen;
	int n;

	n = open_audit_session(a, &o);
	if (n < 0)
		return -1;
	if (n == 0 || o.r.status != RMCPP_OK) {
		pr->state = PROBE_NO_SESSION;
		return 0;
	}
	n = rakp1(a, &o, pr->name, a->auth_alg, rm, &m);
	if (n < 0)
		return -1;
	if (n == 0) {
		pr->state = PROBE_NO_REPLY;
		return 0;
	}
	pr->state = PROBE_REPLY;
	pr->status = m.r.status;
	pr->len = m.r.len;
	if (m.r.status != RMCPP_OK || m.r.codelen != crypto_auth_len(a->auth_alg))
		return 0;
	for (k = 0; k < npw; k++) {
		if (pws[k] == NULL)
			continue;
		clen = aw_rakp2_code(a->auth_alg, pws[k], o.con_sid, o.r.bmc_sid, rm, m.r.rc, m.r.guid,
		    AUDIT_ROLE, pr->name, strlen(pr->name), code);
		if (clen == m.r.codelen && crypto_equal(code, m.code, clen)) {
			pr->matched_pw = pws[k];
			pr->vendor = vendors != NULL ? vendors[k] : NULL;
			break;
		}
	}
	return 0;
}

static struct probe *
new_probe(struct audit *a, const char *name)
{
	struct probe *pr;

	if (a->nprobes >= MAX_PROBES)
		return NULL;
	pr = &a->probes[a->nprobes++];
	memset(pr, 0, sizeof(*pr));
	snprintf(pr->name, sizeof(pr->name), "%s", name);
	return pr;
}

/* 3. the null user name with an empty password. */
static int
check_null_user(struct audit *a)
{
	static const char *const empty[] = {""};
	struct probe *pr = new_probe(a, "");

	if (pr == NULL || rakp_probe(a, pr, empty, NULL, 1) != 0)
		return -1;
	if (pr->matched_pw != NULL)
		finding(a, AUDIT_CRITICAL, "null-user-login",
		    "the null user name logs in with an empty password (its RAKP 2 verifies with the empty "
		    "password)");
	return 0;
}

/* 5. vendor default credentials, one RAKP exchange per name. */
static int
check_defaults(struct audit *a)
{
	const char *pws[NDEFAULTS + 1], *vendors[NDEFAULTS + 1];
	char buf[AW_NAME_MAX + 16];
	size_t i, j, npw;

	for (i = 0; i < NDEFAULTS; i++) {
		struct probe *pr;
		bool seen = false;

		for (j = 0; j < i; j++)
			seen = seen || strcmp(defaults[j].name, defaults[i].name) == 0;
		if (seen || a->suite == 0)
			continue;
		npw = 0;
		for (j = i; j < NDEFAULTS; j++) {
			if (strcmp(defaults[j].name, defaults[i].name) != 0)
				continue;
			vendors[npw] = defaults[j].vendor;
			pws[npw++] = defaults[j].pw;
		}
		vendors[npw] = NULL;
		pws[npw++] = ""; /* an empty password is as bad */
		if ((pr = new_probe(a, defaults[i].name)) == NULL ||
		    rakp_probe(a, pr, pws, vendors, npw) != 0)
			return -1;
		if (pr->matched_pw == NULL)
			continue;
		if (pr->matched_pw[0] == '\0')
			finding(a, AUDIT_CRITICAL, "empty-password",
			    "%s has an empty password (its RAKP 2 verifies with the empty password)",
			    who(pr->name, buf, sizeof(buf)));
		else
			finding(a, AUDIT_CRITICAL, "default-credentials",
			    "default credentials %s / %s (%s) are accepted (RAKP 2 verified offline)",
			    pr->name, pr->matched_pw, pr->vendor);
	}
	return 0;
}

/* 6. RAKP2 for a name that surely does not exist, compared with what real names get. */
static int
check_enumeration(struct audit *a)
{
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	const struct probe *normal = NULL;
	uint8_t r[11];
	char name[16];
	struct probe *pr;
	size_t i;

	if (a->suite == 0)
		return 0;
	a->io->rand(a->io->arg, r, sizeof(r));
	memcpy(name, "gba-", 4);
	for (i = 0; i < sizeof(r); i++)
		name[4 + i] = alnum[r[i] % (sizeof(alnum) - 1)];
	name[4 + sizeof(r)] = '\0';
	if ((pr = new_probe(a, name)) == NULL || rakp_probe(a, pr, NULL, NULL, 0) != 0)
		return -1;
	a->random_probe = pr;
	for (i = 0; i + 1 < a->nprobes; i++)
		if (normal == NULL && probe_normal(a, &a->probes[i]))
			normal = &a->probes[i];
	if (pr->state == PROBE_NO_SESSION || probe_normal(a, pr)) {
		if (pr->state == PROBE_NO_SESSION)
			note(a, "user enumeration: no session to test with");
		return 0;
	}
	if (pr->state == PROBE_REPLY && pr->status == RMCPP_UNAUTHORIZED_NAME) {
		finding(a, AUDIT_MEDIUM, "user-enumeration",
		    "user names can be enumerated: RAKP 2 for an unknown name has status 0Dh (unauthorized "
		    "name), a real name gets 00h");
	} else if (pr->state == PROBE_REPLY && pr->status != RMCPP_OK) {
		if (normal != NULL)
			finding(a, AUDIT_MEDIUM, "user-enumeration",
			    "user names can be enumerated: RAKP 2 for an unknown name has "
			    "status %02Xh, %s gets 00h",
			    pr->status, normal->name[0] ? "a real name" : "the null user name");
		else
			note(a,
			    "user enumeration: RAKP 2 for an unknown name has status %02Xh, no name to "
			    "compare with",
			    pr->status);
	} else if (pr->state == PROBE_REPLY) {
		finding(a, AUDIT_MEDIUM, "user-enumeration",
		    "user names can be enumerated: RAKP 2 for an unknown name is "
		    "%zu bytes long, %zu for a real name",
		    pr->len, rakp2_len(a));
	} else if (normal != NULL) {
		finding(a, AUDIT_MEDIUM, "user-enumeration",
		    "user names can be enumerated: RAKP 1 for an unknown name gets "
		    "no answer, a real name gets RAKP 2");
	} else {
		note(a, "user enumeration: no RAKP 2 for any name");
	}
	return 0;
}

/* Is this name known to exist on the target? */
static bool
probe_exists(const struct audit *a, const struct probe *pr)
{
	if (pr == a->random_probe)
		return false;
	return pr->matched_pw != NULL || (a->enumerable && probe_normal(a, pr));
}

/*
 * Names for the checks that need a real one: those known to exist first,
 * then the usual suspects.  Returns how many (at most max).
 */
static size_t
login_names(const struct audit *a, const char **names, size_t max, bool with_fallback)
{
	static const char *const fallback[] = {"admin", "ADMIN", "root", ""};
	size_t n = 0, i, j;

	for (i = 0; i < a->nprobes && n < max; i++)
		if (probe_exists(a, &a->probes[i]))
			names[n++] = a->probes[i].name;
	for (i = 0; with_fallback && i < sizeof(fallback) / sizeof(fallback[0]) && n < max; i++) {
		bool dup = false;
		for (j = 0; j < n; j++)
			dup = dup || strcmp(names[j], fallback[i]) == 0;
		if (!dup)
			names[n++] = fallback[i];
	}
	return n;
}

/* 2. cipher suite 0: Open Session with no algorithms at all, then RAKP1 for a real name. */
static int
check_cipher_zero(struct audit *a)
{
	const char *names[3];
	struct open_match o;
	struct rakp2_match m;
	char buf[AW_NAME_MAX + 16];
	uint8_t rm[16];
	size_t nn, i;
	int n;

	n = open_session(a, 0, &o);
	if (n < 0)
		return -1;
	if (n == 0) {
		note(a, "cipher suite 0: no answer to Open Session");
		return 0;
	}
	if (o.r.status != RMCPP_OK) {
		note(a, "cipher suite 0: refused with status %02Xh", o.r.status);
		return 0;
	}
	nn = login_names(a, names, sizeof(names) / sizeof(names[0]), true);
	for (i = 0; i < nn; i++) {
		if (i > 0) {
			n = open_session(a, 0, &o);
			if (n < 0)
				return -1;
			if (n == 0 || o.r.status != RMCPP_OK)
				break;
		}
		n = rakp1(a, &o, names[i], AUTH_NONE, rm, &m);
		if (n < 0)
			return -1;
		if (n > 0 && m.r.status == RMCPP_OK) {
			finding(a, AUDIT_CRITICAL, "cipher-zero",
			    "cipher suite 0 is accepted and %s logs in with any password (RAKP 2 without "
			    "authentication)",
			    who(names[i], buf, sizeof(buf)));
			return 0;
		}
	}
	finding(a, AUDIT_HIGH, "cipher-zero",
	    "cipher suite 0 (no authentication, integrity or encryption) is accepted at Open Session; no "
	    "tried user name completed RAKP 2");
	return 0;
}

/* ---- 4. IPMI 1.5 sessions ---- */

/*
 * Get Session Challenge + Activate Session for `name` with auth type `type`
 * and an empty password.  Returns 1 when a session was activated (and
 * closed again), 0 when not, -1 when stopped.
 */
static int
v15_login(struct audit *a, uint8_t type, const char *name, uint8_t priv)
{
	uint8_t buf[AW_DGRAM_MAX], rq[22], pw16[16];
	struct v15_match m;
	uint32_t tsid, sid, seq, out_seq;
	int n;

	memset(rq, 0, sizeof(rq));
	rq[0] = type;
	memcpy(rq + 1, name, strlen(name));
	n = v15_cmd(
	    a, AUTHTYPE_NONE, 0, 0, CMD_GET_SESSION_CHALLENGE, rq, 17, a->o.tries, &m, buf, sizeof(buf));
	if (n <= 0)
		return n;
	if (m.r.cc != CC_OK || m.r.len < 20)
		return 0;
	tsid = (uint32_t)m.r.data[0] | (uint32_t)m.r.data[1] << 8 | (uint32_t)m.r.data[2] << 16 |
	    (uint32_t)m.r.data[3] << 24;
	rq[0] = type;
	rq[1] = priv;
	memcpy(rq + 2, m.r.data + 4, 16);
	out_seq = rand_nonzero32(a);
	rq[18] = (uint8_t)out_seq;
	rq[19] = (uint8_t)(out_seq >> 8);
	rq[20] = (uint8_t)(out_seq >> 16);
	rq[21] = (uint8_t)(out_seq >> 24);
	/* A refused activation is silence (nothing to sign an error with): don't wait three times. */
	memset(pw16, 0, sizeof(pw16));
	n = v15_cmd(a, type, 0, tsid, CMD_ACTIVATE_SESSION, rq, 22, a->o.tries < 2 ? a->o.tries : 2, &m, buf,
	    sizeof(buf));
	if (n <= 0)
		return n;
	if (m.r.cc == 0x86 && priv > PRIV_USER)
		return v15_login(a, type, name, PRIV_USER); /* above the user's limit: once more as User */
	if (m.r.cc != CC_OK || m.r.len < 10)
		return 0;
	/* Close it again: Close Session in the new session, with the sequence number the BMC chose. */
	sid = (uint32_t)m.r.data[1] | (uint32_t)m.r.data[2] << 8 | (uint32_t)m.r.data[3] << 16 |
	    (uint32_t)m.r.data[4] << 24;
	seq = (uint32_t)m.r.data[5] | (uint32_t)m.r.data[6] << 8 | (uint32_t)m.r.data[7] << 16 |
	    (uint32_t)m.r.data[8] << 24;
	memcpy(rq, m.r.data + 1, 4);
	n = v15_cmd(a, m.r.data[0] & 0x0f, seq, sid, CMD_CLOSE_SESSION, rq, 4, 1, &m, buf, sizeof(buf));
	return n < 0 ? -1 : 1;
}

static int
check_ipmi15_sessions(struct audit *a)
{
	const char *names[3];
	char buf[AW_NAME_MAX + 16];
	uint8_t priv;
	size_t nn, i;
	int r;

	if (!a->v15)
		return 0;
	/* Auth type none: no password at all, so any real name will do. */
	if ((priv = top_level_with(a, AUTHTYPE_NONE)) != 0) {
		names[0] = "";
		nn = 1 + login_names(a, names + 1, 2, false);
		for (i = 0; i < nn; i++) {
			if (i > 0 && names[i][0] == '\0')
				continue;
			if ((r = v15_login(a, AUTHTYPE_NONE, names[i], priv)) < 0)
				return -1;
			if (r > 0) {
				finding(a, AUDIT_CRITICAL, "ipmi15-none-login",
				    "an IPMI 1.5 session with authentication type none was "
				    "activated for %s: no password needed",
				    who(names[i], buf, sizeof(buf)));
				break;
			}
		}
	}
	/* Straight password: the null user with an empty password. */
	if ((priv = top_level_with(a, AUTHTYPE_PASSWORD)) != 0) {
		if ((r = v15_login(a, AUTHTYPE_PASSWORD, "", priv)) < 0)
			return -1;
		if (r > 0)
			finding(a, AUDIT_CRITICAL, "ipmi15-null-login",
			    "an IPMI 1.5 session with a straight (clear text) empty "
			    "password was activated for the null user name");
	}
	return 0;
}

/* IPMI 1.5 name probing: Get Session Challenge tells "invalid user name" (81h) apart. */
static int
check_ipmi15_enumeration(struct audit *a)
{
	static const uint8_t order[] = {AUTHTYPE_MD5, AUTHTYPE_PASSWORD, AUTHTYPE_NONE, AUTHTYPE_MD2};
	uint8_t buf[AW_DGRAM_MAX], rq[17], type = AUTHTYPE_MD5, r[8];
	struct v15_match m;
	size_t i;
	int n;

	if (!a->v15)
		return 0;
	for (i = sizeof(order); i-- > 0;)
		if (top_level_with(a, order[i]) != 0)
			type = order[i];
	memset(rq, 0, sizeof(rq));
	rq[0] = type;
	a->io->rand(a->io->arg, r, sizeof(r));
	for (i = 0; i < sizeof(r); i++)
		rq[1 + i] = (uint8_t)('a' + r[i] % 26);
	n = v15_cmd(
	    a, AUTHTYPE_NONE, 0, 0, CMD_GET_SESSION_CHALLENGE, rq, 17, a->o.tries, &m, buf, sizeof(buf));
	if (n < 0)
		return -1;
	if (n > 0 && m.r.cc == 0x81)
		finding(a, AUDIT_MEDIUM, "user-enumeration-ipmi15",
		    "user names can be enumerated: Get Session Challenge answers "
		    "81h (invalid user name) for an unknown name");
	return 0;
}

int
audit_run(const struct audit_io *io, const struct audit_opts *opts, struct audit_result *res)
{
	struct audit a;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&a, 0, sizeof(a));
	a.io = io;
	a.res = res;
	if (opts != NULL)
		a.o = *opts;
	else
		audit_opts_defaults(&a.o);
	if (a.o.tries == 0)
		a.o.tries = 1;
	if (a.o.tries > AUDIT_TRIES_DEFAULT)
		a.o.tries = AUDIT_TRIES_DEFAULT;
	if (a.o.timeout_ms == 0)
		a.o.timeout_ms = AUDIT_TIMEOUT_DEFAULT_MS;
	if (a.o.budget_ms == 0)
		a.o.budget_ms = AUDIT_BUDGET_DEFAULT_MS;
	a.deadline = io->now_ms(io->arg) + a.o.budget_ms;
	a.suite = -1;
	a.tag = (uint8_t)rand32(&a);
	a.rq_seq = (uint8_t)(rand32(&a) & 0x3f);

	rc = check_auth_caps(&a);
	if (rc == -1) {
		snprintf(res->error, sizeof(res->error),
		    "no answer to Get Channel Authentication Capabilities (%u tries, %u ms each)%s",
		    a.o.tries, (unsigned)a.o.timeout_ms,
		    a.refused ? ": the port is closed (ICMP port unreachable)" : "");
		return -1;
	}
	if (rc == 0 && check_null_user(&a) == 0 && check_defaults(&a) == 0 && check_enumeration(&a) == 0 &&
	    check_cipher_zero(&a) == 0 && check_ipmi15_sessions(&a) == 0 &&
	    check_ipmi15_enumeration(&a) == 0) {
		res->complete = true;
		return 0;
	}
	if (res->error[0] == '\0')
		snprintf(res->error, sizeof(res->error), "the audit stopped early");
	return -2;
}
