/*
 * gbload - ghostbmc's own IPMI 2.0 / RMCP+ load generator (C17, OpenSSL).
 *
 * A self-contained RMCP+ client: Get Channel Authentication Capabilities,
 * Open Session, RAKP 1-4 (HMAC-SHA1 for cipher suite 3, HMAC-SHA256 for 17,
 * name-only lookup), Set Session Privilege Level, session packets with
 * AES-CBC-128 and HMAC-SHA1-96 / HMAC-SHA256-128, Close Session.  One thread
 * drives K sessions, each on its own UDP socket, one request outstanding per
 * session (as ipmitool and FreeIPMI do), with poll(2): the client is cheap
 * enough that the BMC, not the client, is what a run measures.
 *
 * Modes (-m):
 *   req    K sessions are opened (setup time per session reported), then all
 *          start together and each sends -n requests of -c (or stops after
 *          -d seconds); reports req/s and latency percentiles.
 *   setup  K workers each open and close sessions back to back (authcap,
 *          Open Session, RAKP 1-4, Set Session Privilege, Close Session);
 *          reports sessions/s and the latency of a whole open (authcap to the
 *          privilege reply; the close is not in the latency).
 *   sweep  -N hosts from -H upwards (consecutive IPv4 addresses, the same
 *          port), K at a time: on each, a session, Get Device ID, Get Sensor
 *          Reading for each sensor of -S, Close Session.  Reports how many
 *          hosts answered everything.
 *   ping   Get Channel Authentication Capabilities (no session) until the
 *          host answers, at most -n tries of -t ms each.
 *
 * Output, key=value like ../shared/bench/loadgen: "session ..." lines (req
 * mode) and one "result ..." line.  Exit status 0 only if every request got
 * a valid answer.
 *
 * Safety: only 127.0.0.0/8 is accepted as a target (every host of a sweep
 * too); every loop is bounded by its count and by the -T deadline.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define MAX_K 64
#define MAX_SAMPLES (20u * 1000u * 1000u)
#define MAX_SENSORS 64
#define PKT_MAX 512

/* RMCP+ payload types */
#define PT_IPMI 0x00
#define PT_OPEN_RQ 0x10
#define PT_OPEN_RS 0x11
#define PT_RAKP1 0x12
#define PT_RAKP2 0x13
#define PT_RAKP3 0x14
#define PT_RAKP4 0x15

enum mode { MODE_REQ, MODE_SETUP, MODE_SWEEP, MODE_PING };

struct cmd_def {
	const char *name;
	uint8_t netfn, cmd;
	unsigned min_data; /* response data bytes after the completion code */
};

static const struct cmd_def CMDS[] = {
    {"devid", 0x06, 0x01, 11}, /* Get Device ID */
    {"sensor", 0x04, 0x2d, 2}, /* Get Sensor Reading */
    {"sel", 0x0a, 0x43, 2 + 16}, /* Get SEL Entry (whole record) */
    {"chassis", 0x00, 0x01, 3}, /* Get Chassis Status */
    {NULL, 0, 0, 0},
};

/* session states: each sends one packet and waits for its answer */
enum st {
	ST_AUTHCAP,
	ST_OPEN,
	ST_RAKP1,
	ST_RAKP3,
	ST_PRIV,
	ST_WAIT, /* req mode: active, waiting for the others (barrier) */
	ST_CMD, /* an in-session command is outstanding */
	ST_CLOSE,
	ST_DONE,
};

struct sess {
	int fd;
	enum st st;
	bool outstanding;
	uint32_t host; /* target IPv4, host order */
	uint32_t csid, msid;
	uint8_t tag;
	uint8_t rm[16], rc[16], guid[16];
	uint8_t sik[32], k1[32], k2[32];
	uint32_t seq;
	uint8_t rqseq, exp_netfn, exp_cmd;
	unsigned exp_min;
	EVP_MAC_CTX *mac; /* keyed with K1 */
	EVP_CIPHER_CTX *enc, *dec;
	int64_t t_sent, t_open0;
	uint8_t pkt[PKT_MAX];
	size_t pktlen;
	/* req mode */
	uint64_t done, ok, errors;
	unsigned lost_in_row;
	int64_t *lat;
	uint64_t nlat;
	int64_t setup_ns, start_ns, end_ns;
	bool setup_failed;
	char first_error[120];
	/* sweep: index in the command script */
	unsigned step;
	uint64_t cycles; /* setup mode: sessions done by this worker */
};

static struct {
	const char *host;
	uint32_t host_ip;
	int port;
	const char *user, *pass;
	int cipher, priv;
	int k;
	unsigned long n;
	double duration_s;
	enum mode mode;
	const struct cmd_def *cmd;
	int sensor, record;
	uint8_t sensors[MAX_SENSORS];
	int nsensors;
	unsigned long nhosts;
	int deadline_s;
	unsigned timeout_ms;
	unsigned max_lost;
	bool verbose;
} opt = {
    .host = "127.0.0.1",
    .port = 623,
    .user = "admin",
    .cipher = 3,
    .priv = 4,
    .k = 1,
    .n = 1000,
    .mode = MODE_REQ,
    .cmd = &CMDS[1],
    .sensor = 1,
    .nhosts = 1,
    .deadline_s = 300,
    .timeout_ms = 1000,
    .max_lost = 3,
};

/* per-suite algorithms */
static const char *g_md; /* "SHA1" or "SHA256" */
static size_t g_authlen; /* RAKP HMAC length: 20 or 32 */
static size_t g_icvlen; /* RAKP4 ICV: 12 or 16 */
static size_t g_integlen; /* session AuthCode: 12 or 16 */
static uint8_t g_auth_alg, g_integ_alg, g_conf_alg;
static EVP_MAC *g_hmac;
static uint8_t g_kuid[20];
static size_t g_ulen;

static int64_t
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
die(const char *m)
{
	fprintf(stderr, "gbload: %s\n", m);
	exit(2);
}

static void
set_error(struct sess *s, const char *fmt, const char *detail)
{
	if (!s->first_error[0])
		snprintf(s->first_error, sizeof s->first_error, fmt, detail ? detail : "");
}

/* ---- crypto ---------------------------------------------------------------- */

struct iov {
	const void *p;
	size_t n;
};

static EVP_MAC_CTX *
mac_new(const uint8_t *key, size_t keylen)
{
	OSSL_PARAM p[2] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)g_md, 0),
	    OSSL_PARAM_construct_end()};
	EVP_MAC_CTX *c = EVP_MAC_CTX_new(g_hmac);
	if (!c || !EVP_MAC_init(c, key, keylen, p))
		die("HMAC init failed");
	return c;
}

static size_t
hmac_v(const uint8_t *key, size_t keylen, const struct iov *v, size_t n, uint8_t *out)
{
	EVP_MAC_CTX *c = mac_new(key, keylen);
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		EVP_MAC_update(c, v[i].p, v[i].n);
	EVP_MAC_final(c, out, &len, 32);
	EVP_MAC_CTX_free(c);
	return len;
}

/* session AuthCode with the pre-keyed K1 context */
static void
integ(struct sess *s, const uint8_t *data, size_t len, uint8_t *out)
{
	size_t l = 0;
	EVP_MAC_init(s->mac, NULL, 0, NULL);
	EVP_MAC_update(s->mac, data, len);
	EVP_MAC_final(s->mac, out, &l, 32);
}

static void
session_keys(struct sess *s)
{
	uint8_t rl[2] = {(uint8_t)(0x10 | opt.priv), (uint8_t)g_ulen}, c1[32], c2[32];
	struct iov v[4] = {{s->rm, 16}, {s->rc, 16}, {rl, 2}, {opt.user, g_ulen}};
	hmac_v(g_kuid, 20, v, 4, s->sik);
	memset(c1, 1, sizeof c1);
	memset(c2, 2, sizeof c2);
	/* the constants are 20 bytes for SHA-256 too (ipmitool, FreeIPMI, ghostbmc) */
	struct iov a = {c1, 20}, b = {c2, 20};
	hmac_v(s->sik, g_authlen, &a, 1, s->k1);
	hmac_v(s->sik, g_authlen, &b, 1, s->k2);
	if (s->mac)
		EVP_MAC_CTX_free(s->mac);
	s->mac = mac_new(s->k1, g_authlen);
	if (!s->enc) {
		s->enc = EVP_CIPHER_CTX_new();
		s->dec = EVP_CIPHER_CTX_new();
	}
	if (!s->enc || !s->dec || !EVP_EncryptInit_ex(s->enc, EVP_aes_128_cbc(), NULL, s->k2, NULL) ||
	    !EVP_DecryptInit_ex(s->dec, EVP_aes_128_cbc(), NULL, s->k2, NULL))
		die("AES init failed");
	EVP_CIPHER_CTX_set_padding(s->enc, 0);
	EVP_CIPHER_CTX_set_padding(s->dec, 0);
}

/* ---- packets --------------------------------------------------------------- */

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint8_t
cksum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return (uint8_t)-s;
}

/* IPMI request message: rsSA, netFn/LUN, chk, rqSA, rqSeq/LUN, cmd, data, chk */
static size_t
ipmi_msg(uint8_t *m, uint8_t netfn, uint8_t cmd, uint8_t rqseq, const uint8_t *d, size_t n)
{
	size_t k = 0;
	m[k++] = 0x20;
	m[k++] = (uint8_t)(netfn << 2);
	m[k] = cksum(m, 2);
	k++;
	m[k++] = 0x81;
	m[k++] = (uint8_t)(rqseq << 2);
	m[k++] = cmd;
	memcpy(m + k, d, n);
	k += n;
	m[k] = cksum(m + 3, k - 3);
	return k + 1;
}

static size_t
presession(uint8_t ptype, const uint8_t *pl, size_t n, uint8_t *pkt)
{
	static const uint8_t hdr[] = {0x06, 0x00, 0xff, 0x07, 0x06};
	memcpy(pkt, hdr, 5);
	pkt[5] = ptype;
	memset(pkt + 6, 0, 8);
	pkt[14] = (uint8_t)n;
	pkt[15] = (uint8_t)(n >> 8);
	memcpy(pkt + 16, pl, n);
	return 16 + n;
}

/* an IPMI message sealed in the session: AES-CBC-128, then the AuthCode */
static size_t
seal(struct sess *s, const uint8_t *msg, size_t m, uint8_t *pkt)
{
	uint8_t buf[PKT_MAX], code[32];
	size_t k = 16, padn = (16 - (m + 1) % 16) % 16;
	int outl = 0;

	memcpy(buf, msg, m);
	for (size_t i = 0; i < padn; i++)
		buf[m + i] = (uint8_t)(i + 1);
	buf[m + padn] = (uint8_t)padn;
	m += padn + 1;
	pkt[0] = 0x06, pkt[1] = 0x00, pkt[2] = 0xff, pkt[3] = 0x07, pkt[4] = 0x06;
	pkt[5] = 0xc0 | PT_IPMI;
	put32(pkt + 6, s->msid);
	if (++s->seq == 0)
		s->seq = 1;
	put32(pkt + 10, s->seq);
	RAND_bytes(pkt + 16, 16);
	EVP_EncryptInit_ex(s->enc, NULL, NULL, NULL, pkt + 16);
	EVP_EncryptUpdate(s->enc, pkt + 32, &outl, buf, (int)m);
	k = 32 + m;
	pkt[14] = (uint8_t)(k - 16);
	pkt[15] = (uint8_t)((k - 16) >> 8);
	size_t ipad = (4 - (k - 4 + 2) % 4) % 4;
	memset(pkt + k, 0xff, ipad);
	k += ipad;
	pkt[k++] = (uint8_t)ipad;
	pkt[k++] = 0x07;
	integ(s, pkt + 4, k - 4, code);
	memcpy(pkt + k, code, g_integlen);
	return k + g_integlen;
}

/* open a session reply; the IPMI message into msg; 0 if it is not valid */
static size_t
unseal(struct sess *s, const uint8_t *pkt, size_t len, uint8_t *msg)
{
	uint8_t code[32], buf[PKT_MAX];
	int outl = 0;

	if (len < 16 + 32 + 2 + g_integlen || pkt[4] != 0x06 || (pkt[5] & 0xc0) != 0xc0 ||
	    (pkt[5] & 0x3f) != PT_IPMI || get32(pkt + 6) != s->csid)
		return 0;
	size_t plen = (size_t)pkt[14] | (size_t)pkt[15] << 8;
	if (16 + plen + 2 + g_integlen > len || plen < 32 || (plen - 16) % 16 || plen - 16 > sizeof buf)
		return 0;
	integ(s, pkt + 4, len - g_integlen - 4, code);
	if (memcmp(code, pkt + len - g_integlen, g_integlen) != 0)
		return 0;
	EVP_DecryptInit_ex(s->dec, NULL, NULL, NULL, pkt + 16);
	if (!EVP_DecryptUpdate(s->dec, buf, &outl, pkt + 32, (int)(plen - 16)))
		return 0;
	size_t m = plen - 16;
	if ((size_t)buf[m - 1] + 1 > m)
		return 0;
	m -= (size_t)buf[m - 1] + 1;
	memcpy(msg, buf, m);
	return m;
}

/* ---- the session state machine -------------------------------------------- */

static struct sess sess[MAX_K];
static int nsess;
static bool barrier_released;
static int64_t t_phase_start, t_phase_stop;
static unsigned long next_host; /* sweep: next host index to start */
static uint64_t hosts_ok, hosts_failed;
static char first_bad_host[200];
static uint64_t setup_ok, setup_err; /* setup mode, all workers */

static void
send_pkt(struct sess *s)
{
	s->t_sent = now_ns();
	s->outstanding = true;
	if (send(s->fd, s->pkt, s->pktlen, 0) < 0 && errno != ECONNREFUSED)
		set_error(s, "send: %s", strerror(errno));
}

static int
sock_for(uint32_t host)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {
	    .sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port), .sin_addr.s_addr = htonl(host)};
	if (fd < 0)
		die("socket failed");
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
		die("connect failed");
	return fd;
}

static void
start_authcap(struct sess *s)
{
	uint8_t m[16], d[2] = {0x8e, (uint8_t)opt.priv}; /* current channel, IPMI v2 data */
	size_t n = ipmi_msg(m, 0x06, 0x38, 0, d, 2);
	static const uint8_t hdr[] = {0x06, 0x00, 0xff, 0x07, 0x00, 0, 0, 0, 0, 0, 0, 0, 0};
	memcpy(s->pkt, hdr, sizeof hdr);
	s->pkt[13] = (uint8_t)n;
	memcpy(s->pkt + 14, m, n);
	s->pktlen = 14 + n;
	s->st = ST_AUTHCAP;
	s->t_open0 = now_ns();
	send_pkt(s);
}

static void
start_open(struct sess *s)
{
	uint8_t pl[32] = {0};
	RAND_bytes((uint8_t *)&s->csid, 4);
	s->csid |= 1; /* never 0 */
	s->tag++;
	pl[0] = s->tag;
	pl[1] = (uint8_t)opt.priv;
	put32(pl + 4, s->csid);
	pl[8] = 0x00, pl[11] = 0x08, pl[12] = g_auth_alg;
	pl[16] = 0x01, pl[19] = 0x08, pl[20] = g_integ_alg;
	pl[24] = 0x02, pl[27] = 0x08, pl[28] = g_conf_alg;
	s->pktlen = presession(PT_OPEN_RQ, pl, 32, s->pkt);
	s->st = ST_OPEN;
	s->seq = 0;
	s->rqseq = 0;
	send_pkt(s);
}

static void
start_rakp1(struct sess *s)
{
	uint8_t pl[64] = {0};
	RAND_bytes(s->rm, 16);
	s->tag++;
	pl[0] = s->tag;
	put32(pl + 4, s->msid);
	memcpy(pl + 8, s->rm, 16);
	pl[24] = (uint8_t)(0x10 | opt.priv);
	pl[27] = (uint8_t)g_ulen;
	memcpy(pl + 28, opt.user, g_ulen);
	s->pktlen = presession(PT_RAKP1, pl, 28 + g_ulen, s->pkt);
	s->st = ST_RAKP1;
	send_pkt(s);
}

static void
start_rakp3(struct sess *s)
{
	uint8_t pl[64] = {0}, csid[4], rl[2] = {(uint8_t)(0x10 | opt.priv), (uint8_t)g_ulen};
	put32(csid, s->csid);
	struct iov v[4] = {{s->rc, 16}, {csid, 4}, {rl, 2}, {opt.user, g_ulen}};
	s->tag++;
	pl[0] = s->tag;
	put32(pl + 4, s->msid);
	size_t n = hmac_v(g_kuid, 20, v, 4, pl + 8);
	s->pktlen = presession(PT_RAKP3, pl, 8 + n, s->pkt);
	s->st = ST_RAKP3;
	send_pkt(s);
}

static void
start_cmd(
    struct sess *s, enum st st, uint8_t netfn, uint8_t cmd, const uint8_t *d, size_t n, unsigned min_data)
{
	uint8_t m[64];
	s->rqseq = (uint8_t)((s->rqseq + 1) & 0x3f);
	size_t len = ipmi_msg(m, netfn, cmd, s->rqseq, d, n);
	s->exp_netfn = netfn;
	s->exp_cmd = cmd;
	s->exp_min = min_data;
	s->pktlen = seal(s, m, len, s->pkt);
	s->st = st;
	send_pkt(s);
}

static void
start_priv(struct sess *s)
{
	uint8_t d = (uint8_t)opt.priv;
	start_cmd(s, ST_PRIV, 0x06, 0x3b, &d, 1, 1);
}

static void
start_close(struct sess *s)
{
	uint8_t d[4];
	put32(d, s->msid);
	start_cmd(s, ST_CLOSE, 0x06, 0x3c, d, 4, 0);
}

/* the request of the load (req mode) */
static void
start_load_cmd(struct sess *s)
{
	uint8_t d[8];
	size_t n = 0;
	switch (opt.cmd->cmd) {
	case 0x2d:
		d[n++] = (uint8_t)opt.sensor;
		break;
	case 0x43: /* reservation 0, record, offset 0, whole record */
		d[n++] = 0, d[n++] = 0;
		d[n++] = (uint8_t)opt.record, d[n++] = (uint8_t)(opt.record >> 8);
		d[n++] = 0, d[n++] = 0xff;
		break;
	default:
		break;
	}
	start_cmd(s, ST_CMD, opt.cmd->netfn, opt.cmd->cmd, d, n, opt.cmd->min_data);
}

/* sweep: step 0 is Get Device ID, then one Get Sensor Reading per sensor */
static void
start_sweep_cmd(struct sess *s)
{
	if (s->step == 0) {
		start_cmd(s, ST_CMD, 0x06, 0x01, NULL, 0, 11);
	} else {
		uint8_t d = opt.sensors[s->step - 1];
		start_cmd(s, ST_CMD, 0x04, 0x2d, &d, 1, 2);
	}
}

static void sweep_next_host(struct sess *s);

/* a session cycle ended (closed or failed) */
static void
cycle_end(struct sess *s, bool good)
{
	int64_t t = now_ns();
	s->outstanding = false;
	if (opt.mode == MODE_SETUP) {
		if (good)
			setup_ok++;
		else
			setup_err++;
		s->cycles++;
		if (s->cycles < opt.n && t < t_phase_stop) {
			start_authcap(s);
			return;
		}
		s->end_ns = t;
		s->st = ST_DONE;
	} else if (opt.mode == MODE_SWEEP) {
		if (good) {
			hosts_ok++;
		} else {
			hosts_failed++;
			if (!first_bad_host[0]) {
				struct in_addr a = {.s_addr = htonl(s->host)};
				snprintf(first_bad_host, sizeof first_bad_host, "%s(%s)", inet_ntoa(a),
				    s->first_error[0] ? s->first_error : "?");
			}
		}
		close(s->fd);
		s->fd = -1;
		sweep_next_host(s);
	} else {
		s->st = ST_DONE;
	}
}

static void
sweep_next_host(struct sess *s)
{
	if (next_host >= opt.nhosts || now_ns() > t_phase_stop) {
		s->st = ST_DONE;
		return;
	}
	s->host = opt.host_ip + (uint32_t)next_host++;
	s->first_error[0] = 0;
	s->step = 0;
	s->fd = sock_for(s->host);
	start_authcap(s);
}

static void
fail(struct sess *s, const char *why)
{
	set_error(s, "%s", why);
	if (opt.mode == MODE_REQ && s->st != ST_CMD && s->st != ST_CLOSE) {
		s->setup_failed = true;
		s->st = ST_DONE;
		s->outstanding = false;
		return;
	}
	cycle_end(s, false);
}

/* the load's next step after an answered (or lost) request in req mode */
static void
req_next(struct sess *s)
{
	int64_t t = now_ns();
	if (s->done >= opt.n || t >= t_phase_stop || s->lost_in_row >= opt.max_lost) {
		s->end_ns = t;
		if (s->lost_in_row >= opt.max_lost) {
			s->st = ST_DONE;
			s->outstanding = false;
			return;
		}
		start_close(s);
		return;
	}
	start_load_cmd(s);
}

static void
on_reply(struct sess *s, const uint8_t *p, size_t len)
{
	int64_t t = now_ns();
	if (opt.verbose) {
		fprintf(stderr, "st=%d len=%zu:", (int)s->st, len);
		for (size_t i = 0; i < len && i < 80; i++)
			fprintf(stderr, " %02x", p[i]);
		fprintf(stderr, "\n");
	}
	if (!s->outstanding)
		return;
	switch (s->st) {
	case ST_AUTHCAP:
		/* IPMI 1.5 framing: msg at 14; cc at 14+6 */
		if (len < 14 + 8 || p[4] != 0x00 || p[14 + 5] != 0x38)
			return;
		if (p[14 + 6] != 0) {
			fail(s, "authcap: completion code");
			return;
		}
		if (opt.mode == MODE_PING) {
			s->outstanding = false;
			s->st = ST_DONE;
			s->end_ns = t;
			return;
		}
		start_open(s);
		return;
	case ST_OPEN:
		if (len < 16 + 36 || p[5] != PT_OPEN_RS || p[16] != s->tag)
			return;
		if (p[17] != 0) {
			fail(s, "open session: status");
			return;
		}
		if (get32(p + 20) != s->csid)
			return;
		s->msid = get32(p + 24);
		start_rakp1(s);
		return;
	case ST_RAKP1: {
		if (len < 16 + 40 || p[5] != PT_RAKP2 || p[16] != s->tag)
			return;
		if (p[17] != 0) {
			fail(s, "rakp2: status");
			return;
		}
		if (get32(p + 20) != s->csid)
			return;
		memcpy(s->rc, p + 24, 16);
		memcpy(s->guid, p + 40, 16);
		uint8_t ids[8], rl[2] = {(uint8_t)(0x10 | opt.priv), (uint8_t)g_ulen}, code[32];
		put32(ids, s->csid);
		put32(ids + 4, s->msid);
		struct iov v[6] = {
		    {ids, 8}, {s->rm, 16}, {s->rc, 16}, {s->guid, 16}, {rl, 2}, {opt.user, g_ulen}};
		hmac_v(g_kuid, 20, v, 6, code);
		if (len != 16 + 40 + g_authlen || memcmp(p + 56, code, g_authlen) != 0) {
			fail(s, "rakp2: key exchange code does not verify (password?)");
			return;
		}
		start_rakp3(s);
		return;
	}
	case ST_RAKP3: {
		if (len < 16 + 8 || p[5] != PT_RAKP4 || p[16] != s->tag)
			return;
		if (p[17] != 0) {
			fail(s, "rakp4: status");
			return;
		}
		if (get32(p + 20) != s->csid)
			return;
		session_keys(s);
		uint8_t mid[4], code[32];
		put32(mid, s->msid);
		struct iov v[3] = {{s->rm, 16}, {mid, 4}, {s->guid, 16}};
		hmac_v(s->sik, g_authlen, v, 3, code);
		if (len != 16 + 8 + g_icvlen || memcmp(p + 24, code, g_icvlen) != 0) {
			fail(s, "rakp4: ICV does not verify");
			return;
		}
		start_priv(s);
		return;
	}
	case ST_PRIV:
	case ST_CMD:
	case ST_CLOSE: {
		uint8_t m[PKT_MAX];
		size_t ml = unseal(s, p, len, m);
		if (ml < 8 || m[0] != 0x81 || (m[1] >> 2) != (uint8_t)(s->exp_netfn + 1) ||
		    (m[4] >> 2) != s->rqseq || m[5] != s->exp_cmd)
			return; /* not ours (stale, or damaged): ignore */
		bool good = m[6] == 0 && ml - 8 >= s->exp_min && cksum(m, 2) == m[2] &&
		    cksum(m + 3, ml - 4) == m[ml - 1];
		s->outstanding = false;
		if (s->st == ST_PRIV) {
			if (!good) {
				fail(s, "set session privilege refused");
				return;
			}
			if (opt.mode == MODE_REQ) {
				s->setup_ns = t - s->t_open0;
				s->st = ST_WAIT;
				return;
			}
			if (opt.mode == MODE_SETUP) {
				if (s->nlat < opt.n)
					s->lat[s->nlat++] = t - s->t_open0;
				start_close(s);
				return;
			}
			start_sweep_cmd(s); /* sweep */
			return;
		}
		if (s->st == ST_CLOSE) {
			cycle_end(s, opt.mode == MODE_REQ || (good && !s->first_error[0]));
			return;
		}
		/* ST_CMD */
		if (opt.mode == MODE_SWEEP) {
			if (!good) {
				char w[80];
				snprintf(
				    w, sizeof w, "cmd %02x/%02x cc %02x", s->exp_netfn, s->exp_cmd, m[6]);
				set_error(s, "%s", w);
				start_close(s); /* the host counts as failed (first_error set) */
				return;
			}
			if (++s->step > (unsigned)opt.nsensors) {
				start_close(s);
				return;
			}
			start_sweep_cmd(s);
			return;
		}
		s->lost_in_row = 0;
		if (s->nlat < opt.n)
			s->lat[s->nlat++] = t - s->t_sent;
		s->done++;
		if (good) {
			s->ok++;
		} else {
			char w[80];
			snprintf(w, sizeof w, "completion code %02x / %zu data bytes", m[6], ml - 8);
			set_error(s, "%s", w);
			s->errors++;
		}
		req_next(s);
		return;
	}
	default:
		return;
	}
}

static void
on_timeout(struct sess *s)
{
	s->outstanding = false;
	switch (s->st) {
	case ST_CMD:
		if (opt.mode == MODE_REQ) {
			set_error(s, "%s", "request timed out");
			s->errors++;
			s->done++;
			s->lost_in_row++;
			req_next(s);
			return;
		}
		set_error(s, "%s", "request timed out");
		cycle_end(s, false);
		return;
	case ST_CLOSE:
		cycle_end(s, opt.mode == MODE_REQ);
		return;
	case ST_AUTHCAP:
		if (opt.mode == MODE_PING) {
			if (++s->done < opt.n && now_ns() < t_phase_stop) {
				start_authcap(s);
				return;
			}
			set_error(s, "%s", "no answer");
			s->st = ST_DONE;
			return;
		}
		/* fall through */
	default: {
		static const char *names[] = {"authcap", "open session", "rakp1", "rakp3", "set privilege"};
		char w[80];
		snprintf(w, sizeof w, "no answer to %s", s->st <= ST_PRIV ? names[s->st] : "?");
		fail(s, w);
	}
		return;
	}
}

/* ---- main loop ------------------------------------------------------------- */

static void
run_loop(int64_t deadline)
{
	struct pollfd pf[MAX_K];
	int idx[MAX_K];
	uint8_t buf[PKT_MAX * 2];

	for (;;) {
		int64_t t = now_ns();
		if (t > deadline) {
			for (int i = 0; i < nsess; i++)
				if (sess[i].st != ST_DONE) {
					set_error(&sess[i], "%s", "deadline (-T) reached");
					sess[i].st = ST_DONE;
				}
			return;
		}
		/* req mode barrier: start when every session is active or failed */
		if (opt.mode == MODE_REQ && !barrier_released) {
			bool all = true;
			for (int i = 0; i < nsess; i++)
				if (sess[i].st != ST_WAIT && sess[i].st != ST_DONE)
					all = false;
			if (all) {
				barrier_released = true;
				t_phase_start = now_ns();
				t_phase_stop = opt.duration_s > 0
				    ? t_phase_start + (int64_t)(opt.duration_s * 1e9)
				    : deadline;
				for (int i = 0; i < nsess; i++)
					if (sess[i].st == ST_WAIT) {
						sess[i].start_ns = now_ns();
						if (opt.n == 0) {
							sess[i].end_ns = sess[i].start_ns;
							start_close(&sess[i]);
						} else {
							start_load_cmd(&sess[i]);
						}
					}
			}
		}
		int np = 0;
		int64_t next = deadline;
		for (int i = 0; i < nsess; i++) {
			struct sess *s = &sess[i];
			if (s->st == ST_DONE || !s->outstanding)
				continue;
			pf[np] = (struct pollfd){.fd = s->fd, .events = POLLIN};
			idx[np++] = i;
			int64_t due = s->t_sent + (int64_t)opt.timeout_ms * 1000000;
			if (due < next)
				next = due;
		}
		if (np == 0) {
			bool waiting = false;
			for (int i = 0; i < nsess; i++)
				if (sess[i].st == ST_WAIT)
					waiting = true;
			if (!waiting)
				return;
			continue;
		}
		int64_t ms = (next - t + 999999) / 1000000;
		int r = poll(pf, (nfds_t)np, ms < 0 ? 0 : (int)(ms > 1000 ? 1000 : ms));
		if (r < 0 && errno != EINTR)
			die("poll failed");
		for (int j = 0; j < np && r > 0; j++) {
			if (!(pf[j].revents & (POLLIN | POLLERR)))
				continue;
			struct sess *s = &sess[idx[j]];
			for (int rep = 0; rep < 8; rep++) {
				ssize_t n = recv(s->fd, buf, sizeof buf, 0);
				if (n < 0 && errno == ECONNREFUSED && opt.mode != MODE_PING &&
				    s->outstanding) {
					/* ICMP port unreachable: nobody listens there (any more) */
					set_error(s, "%s", "port unreachable");
					on_timeout(s);
					break;
				}
				if (n < 0)
					break; /* EAGAIN; in ping mode the timeout retries */
				on_reply(s, buf, (size_t)n);
				if (!s->outstanding || s->fd != pf[j].fd)
					break;
			}
		}
		t = now_ns();
		for (int j = 0; j < np; j++) {
			struct sess *s = &sess[idx[j]];
			if (s->outstanding && s->fd == pf[j].fd &&
			    t - s->t_sent > (int64_t)opt.timeout_ms * 1000000)
				on_timeout(s);
		}
	}
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static double
pct_us(const int64_t *v, size_t n, double p)
{
	if (!n)
		return 0;
	size_t r = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (r < 1)
		r = 1;
	if (r > n)
		r = n;
	return (double)v[r - 1] / 1000.0;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: gbload [-H host] [-p port] [-U user] [-P pass] [-C 3|17] [-l user|operator|admin]\n"
	    "              [-m req|setup|sweep|ping] [-k sessions] [-n count] [-d seconds]\n"
	    "              [-c sensor|devid|sel|chassis] [-s sensor#] [-r sel-record]\n"
	    "              [-N hosts] [-S sensor,sensor,...] [-t timeout_ms] [-T deadline_s] [-L lost]\n"
	    "              [-v (print every reply)]\n"
	    "  req:   K sessions, each sends -n requests of -c (or for -d seconds)\n"
	    "  setup: K workers, each opens and closes -n sessions (or for -d seconds)\n"
	    "  sweep: -N consecutive addresses from -H, K at a time: session, Get Device ID,\n"
	    "         Get Sensor Reading of each -S sensor, close\n"
	    "  ping:  Get Channel Auth Caps until answered, at most -n tries of -t ms\n"
	    "  only 127.0.0.0/8 targets; password also from env IPMI_PASSWORD\n");
}

static long
num(const char *s, long lo, long hi, const char *what)
{
	char *e;
	errno = 0;
	long v = strtol(s, &e, 0);
	if (errno || *e || v < lo || v > hi) {
		fprintf(stderr, "gbload: %s must be %ld..%ld\n", what, lo, hi);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	int c;
	while ((c = getopt(argc, argv, "H:p:U:P:C:l:m:k:n:d:c:s:r:N:S:t:T:L:vh")) != -1) {
		switch (c) {
		case 'H':
			opt.host = optarg;
			break;
		case 'p':
			opt.port = (int)num(optarg, 1, 65535, "port");
			break;
		case 'U':
			opt.user = optarg;
			break;
		case 'P':
			opt.pass = optarg;
			break;
		case 'C':
			opt.cipher = (int)num(optarg, 3, 17, "cipher suite");
			break;
		case 'l':
			if (!strcasecmp(optarg, "user"))
				opt.priv = 2;
			else if (!strcasecmp(optarg, "operator"))
				opt.priv = 3;
			else if (!strcasecmp(optarg, "admin"))
				opt.priv = 4;
			else {
				usage(stderr);
				return 2;
			}
			break;
		case 'm':
			if (!strcmp(optarg, "req"))
				opt.mode = MODE_REQ;
			else if (!strcmp(optarg, "setup"))
				opt.mode = MODE_SETUP;
			else if (!strcmp(optarg, "sweep"))
				opt.mode = MODE_SWEEP;
			else if (!strcmp(optarg, "ping"))
				opt.mode = MODE_PING;
			else {
				usage(stderr);
				return 2;
			}
			break;
		case 'k':
			opt.k = (int)num(optarg, 1, MAX_K, "sessions (-k)");
			break;
		case 'n':
			opt.n = (unsigned long)num(optarg, 0, 10000000, "count (-n)");
			break;
		case 'd':
			opt.duration_s = (double)num(optarg, 1, 3600, "duration (-d)");
			break;
		case 'c': {
			const struct cmd_def *d = CMDS;
			while (d->name && strcmp(d->name, optarg))
				d++;
			if (!d->name) {
				usage(stderr);
				return 2;
			}
			opt.cmd = d;
			break;
		}
		case 's':
			opt.sensor = (int)num(optarg, 0, 254, "sensor");
			break;
		case 'r':
			opt.record = (int)num(optarg, 0, 65535, "record");
			break;
		case 'N':
			opt.nhosts = (unsigned long)num(optarg, 1, 1 << 20, "hosts (-N)");
			break;
		case 'S': {
			char *copy = strdup(optarg), *save = NULL;
			for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
				if (opt.nsensors == MAX_SENSORS)
					die("too many sensors in -S");
				opt.sensors[opt.nsensors++] = (uint8_t)num(t, 0, 254, "sensor in -S");
			}
			free(copy);
			break;
		}
		case 't':
			opt.timeout_ms = (unsigned)num(optarg, 1, 600000, "timeout (-t)");
			break;
		case 'T':
			opt.deadline_s = (int)num(optarg, 1, 3600, "deadline (-T)");
			break;
		case 'L':
			opt.max_lost = (unsigned)num(optarg, 1, 1000000, "lost in a row (-L)");
			break;
		case 'v':
			opt.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (opt.cipher != 3 && opt.cipher != 17)
		die("cipher suite must be 3 or 17");
	if (!opt.pass)
		opt.pass = getenv("IPMI_PASSWORD");
	if (!opt.pass && opt.mode != MODE_PING)
		die("no password (-P or IPMI_PASSWORD)");
	if (opt.pass && strlen(opt.pass) > 20)
		die("password longer than 20 characters");
	g_ulen = strlen(opt.user);
	if (g_ulen > 16)
		die("user name longer than 16 characters");

	/* loopback only: this tool must never load another machine */
	struct in_addr ia;
	if (inet_pton(AF_INET, opt.host, &ia) != 1)
		die("-H must be an IPv4 address");
	opt.host_ip = ntohl(ia.s_addr);
	uint64_t last = (uint64_t)opt.host_ip + (opt.mode == MODE_SWEEP ? opt.nhosts - 1 : 0);
	if ((opt.host_ip >> 24) != 127 || (last >> 24) != 127) {
		fprintf(stderr, "gbload: %s is not a loopback address (127.0.0.0/8); refusing\n", opt.host);
		return 2;
	}
	if (opt.mode == MODE_SWEEP && opt.nsensors == 0)
		opt.sensors[opt.nsensors++] = (uint8_t)opt.sensor;

	if (opt.cipher == 17) {
		g_md = "SHA256", g_authlen = 32, g_icvlen = 16, g_integlen = 16;
		g_auth_alg = 0x03, g_integ_alg = 0x04;
	} else {
		g_md = "SHA1", g_authlen = 20, g_icvlen = 12, g_integlen = 12;
		g_auth_alg = 0x01, g_integ_alg = 0x01;
	}
	g_conf_alg = 0x01;
	if (opt.pass)
		memcpy(g_kuid, opt.pass, strlen(opt.pass));
	g_hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!g_hmac)
		die("no HMAC in OpenSSL");

	if (opt.mode == MODE_PING)
		opt.k = 1;
	if (opt.mode == MODE_SWEEP && (unsigned long)opt.k > opt.nhosts)
		opt.k = (int)opt.nhosts;
	if ((opt.mode == MODE_REQ || opt.mode == MODE_SETUP) && (uint64_t)opt.k * opt.n > MAX_SAMPLES)
		die("k*n too large");
	nsess = opt.k;

	int64_t t0 = now_ns();
	int64_t deadline = t0 + (int64_t)opt.deadline_s * 1000000000;
	t_phase_stop = deadline;
	if (opt.mode != MODE_REQ && opt.duration_s > 0)
		t_phase_stop = t0 + (int64_t)(opt.duration_s * 1e9);
	t_phase_start = t0;
	for (int i = 0; i < nsess; i++) {
		struct sess *s = &sess[i];
		s->fd = -1;
		if (opt.mode == MODE_REQ || opt.mode == MODE_SETUP) {
			s->lat = calloc(opt.n ? opt.n : 1, sizeof(int64_t));
			if (!s->lat)
				die("out of memory");
		}
		RAND_bytes(&s->tag, 1);
		if (opt.mode == MODE_SWEEP) {
			sweep_next_host(s);
			continue;
		}
		s->host = opt.host_ip;
		s->fd = sock_for(s->host);
		s->start_ns = t0;
		if (opt.mode == MODE_SETUP && opt.n == 0)
			s->st = ST_DONE;
		else
			start_authcap(s);
	}
	run_loop(deadline);
	int64_t t_end = now_ns();

	/* results */
	uint64_t ok = 0, errors = 0, done = 0;
	int setup_failed = 0, truncated = 0;
	int64_t start = INT64_MAX, end = 0;
	int64_t setups[MAX_K];
	size_t nsetup = 0, nl = 0;
	for (int i = 0; i < nsess; i++) {
		struct sess *s = &sess[i];
		if (strstr(s->first_error, "deadline"))
			truncated = 1;
		if (opt.mode == MODE_REQ) {
			ok += s->ok;
			errors += s->errors;
			done += s->done;
			setup_failed += s->setup_failed;
			if (!s->setup_failed)
				setups[nsetup++] = s->setup_ns;
			if (s->done) {
				if (s->start_ns < start)
					start = s->start_ns;
				if (s->end_ns > end)
					end = s->end_ns;
			}
			if (s->lost_in_row >= opt.max_lost)
				truncated = 1;
			printf("session id=%d setup_us=%.0f done=%llu ok=%llu errors=%llu setup_failed=%d "
			       "first_error=\"%s\"\n",
			    i, (double)s->setup_ns / 1000.0, (unsigned long long)s->done,
			    (unsigned long long)s->ok, (unsigned long long)s->errors, s->setup_failed,
			    s->first_error);
		} else if (opt.mode == MODE_SETUP && s->first_error[0] && opt.verbose) {
			fprintf(stderr, "worker %d: %s\n", i, s->first_error);
		}
	}
	if (opt.mode == MODE_PING) {
		struct sess *s = &sess[0];
		bool answered = s->st == ST_DONE && !s->first_error[0];
		printf("result mode=ping ok=%d tries=%llu rtt_us=%.1f first_error=\"%s\"\n", answered ? 1 : 0,
		    (unsigned long long)s->done + 1,
		    answered ? (double)(s->end_ns - s->t_sent) / 1000.0 : 0.0, s->first_error);
		return answered ? 0 : 1;
	}
	if (opt.mode == MODE_SWEEP) {
		double wall = (double)(t_end - t0) / 1e9;
		printf("result mode=sweep hosts=%lu ok=%llu failed=%llu not_reached=%llu cipher=%d "
		       "sensors=%d wall_s=%.3f "
		       "hosts_per_s=%.1f first_failed=\"%s\"\n",
		    opt.nhosts, (unsigned long long)hosts_ok, (unsigned long long)hosts_failed,
		    (unsigned long long)(opt.nhosts - hosts_ok - hosts_failed), opt.cipher, opt.nsensors,
		    wall, wall > 0 ? (double)(hosts_ok + hosts_failed) / wall : 0.0, first_bad_host);
		return hosts_ok == opt.nhosts ? 0 : 1;
	}
	/* latency samples */
	for (int i = 0; i < nsess; i++)
		nl += sess[i].nlat;
	int64_t *lat = malloc((nl ? nl : 1) * sizeof *lat);
	if (!lat)
		die("out of memory");
	nl = 0;
	for (int i = 0; i < nsess; i++) {
		memcpy(lat + nl, sess[i].lat, sess[i].nlat * sizeof *lat);
		nl += sess[i].nlat;
	}
	qsort(lat, nl, sizeof *lat, cmp_i64);
	double sum = 0;
	for (size_t i = 0; i < nl; i++)
		sum += (double)lat[i];
	if (opt.mode == MODE_SETUP) {
		ok = setup_ok;
		errors = setup_err;
		done = ok + errors;
		start = t0;
		for (int i = 0; i < nsess; i++)
			if (sess[i].end_ns > end)
				end = sess[i].end_ns;
	}
	qsort(setups, nsetup, sizeof *setups, cmp_i64);
	double wall = end > start ? (double)(end - start) / 1e9 : 0.0;
	printf("result mode=%s cmd=%s k=%d n=%lu cipher=%d done=%llu ok=%llu errors=%llu setup_failed=%d "
	       "wall_s=%.6f rate_per_s=%.1f mean_us=%.1f p50_us=%.1f p90_us=%.1f p99_us=%.1f max_us=%.1f "
	       "setup_p50_us=%.1f setup_max_us=%.1f truncated=%d first_error=\"%s\"\n",
	    opt.mode == MODE_REQ ? "req" : "setup", opt.mode == MODE_REQ ? opt.cmd->name : "session", opt.k,
	    opt.n, opt.cipher, (unsigned long long)done, (unsigned long long)ok, (unsigned long long)errors,
	    setup_failed, wall, wall > 0 ? (double)ok / wall : 0.0, nl ? sum / (double)nl / 1000.0 : 0.0,
	    pct_us(lat, nl, 50), pct_us(lat, nl, 90), pct_us(lat, nl, 99),
	    nl ? (double)lat[nl - 1] / 1000.0 : 0.0, pct_us(setups, nsetup, 50),
	    nsetup ? (double)setups[nsetup - 1] / 1000.0 : 0.0, truncated, sess[0].first_error);
	return (errors || setup_failed || truncated) ? 1 : 0;
}
