/*
 * The control socket: a Unix stream socket for the operator CLI, born 0600
 * the way OpenBSD's control.c makes it.  One request per connection, a
 * bounded size and a deadline, then the answer and close.  Changes go
 * through the same commit-or-roll-back path as the LAN (lan.c), so the CLI
 * is told "ok" only for what is on disk.
 */
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <uv.h>

#include "config/config.h"
#include "core/bmc.h"
#include "core/chassis.h"
#include "core/sensor.h"
#include "io/ctl.h"
#include "io/ctl_int.h"
#include "io/lan.h"
#include "io/log.h"
#include "store/store.h"

#ifndef GHOSTBMC_VERSION
#define GHOSTBMC_VERSION "unknown"
#endif

#define CTL_REPLY_FIRST 8192
#define CTL_REPLY_MAX (4u << 20) /* a full SEL or an imported SDR's sensor list fits */
#define CTL_MAX_ARGS 16
#define CTL_MAX_CONNS 16
#define CTL_LINGER_MS 1000

struct ctl_conn;

struct ctl {
	uv_pipe_t pipe;
	struct instance **insts; /* the daemon's, in member order */
	size_t ninst;
	struct instance *inst; /* the one the request being handled names */
	struct ctl_conn *conns;
	unsigned nconns;
	bool closing;
};

struct ctl_conn {
	uv_pipe_t pipe;
	uv_timer_t timer;
	uv_write_t wreq;
	uv_shutdown_t sreq;
	struct ctl *ctl;
	struct ctl_conn *next;
	struct ctl_conn **prevp;
	int nopen; /* handles whose close callback is still due */
	bool answered; /* the request was handled; only the write remains */
	bool eof; /* the client has finished sending */
	bool closing;
	bool overflow; /* the answer did not fit */
	size_t len;
	char req[CTL_REQUEST_MAX];
	size_t rlen, rcap;
	char *reply; /* grows up to CTL_REPLY_MAX */
};

static void conn_close(struct ctl_conn *c);
static void conn_timeout(uv_timer_t *t);

/* ---- the answer ---- */

void
ctl_reply(struct ctl_conn *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->overflow)
		return;
	for (;;) {
		/* Keep room for the final line, so that an overflow can still be reported. */
		size_t room = c->rcap > c->rlen + 128 ? c->rcap - c->rlen - 128 : 0;
		char *bigger;

		va_start(ap, fmt);
		n = room > 0 ? vsnprintf(c->reply + c->rlen, room, fmt, ap) : 0;
		va_end(ap);
		if (n < 0) {
			c->overflow = true;
			return;
		}
		if (room > 0 && (size_t)n < room) {
			c->rlen += (size_t)n;
			return;
		}
		if (c->rcap >= CTL_REPLY_MAX ||
		    (bigger = realloc(c->reply, c->rcap ? c->rcap * 2 : CTL_REPLY_FIRST)) == NULL) {
			c->overflow = true;
			return;
		}
		c->reply = bigger;
		c->rcap = c->rcap ? c->rcap * 2 : CTL_REPLY_FIRST;
	}
}

/* The final line of a failed request.  Returns -1, for "return ctl_reply_error(...)". */
int
ctl_reply_error(struct ctl_conn *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Partial output before an error would read as data: drop it. */
	c->rlen = 0;
	c->overflow = false;
	ctl_reply(c, "error: %s\n", msg);
	return -1;
}

/* ---- commands ---- */

static const char *
priv_text(uint8_t priv)
{
	const char *s = config_priv_name(priv);

	return s != NULL ? s : "no-access";
}

/*
 * NAME or ID.  A name wins over an ID: IPMI allows a user called "3", and
 * the operator who typed a name that exists meant that user.
 */
static uint8_t
resolve_user(struct instance *inst, const char *s)
{
	const struct bmc_user *u;
	unsigned long v;
	char *end;
	uint8_t id;

	if ((id = bmc_user_find(inst->bmc, s)) != 0)
		return id;
	if (s[0] < '0' || s[0] > '9')
		return 0;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > BMC_MAX_USERS)
		return 0;
	u = bmc_user_get(inst->bmc, (uint8_t)v);
	return u != NULL && u->defined ? (uint8_t)v : 0;
}

/* The password policy, spelled out: bmc_strerror() cannot know the numbers. */
static int
check_password(struct ctl_conn *c, const char *pw)
{
	char why[160];

	if (bmc_password_problem(
	        bmc_get_conf(c->ctl->inst->bmc), (const uint8_t *)pw, strlen(pw), why, sizeof(why)) != NULL)
		return ctl_reply_error(c, "%s", why);
	return 0;
}

/* Commit the user slot or answer the error; the slot is rolled back by instance_commit(). */
static int
persist_user(struct ctl_conn *c, uint8_t id)
{
	struct bmc_fx fx = {FX_SAVE_USER, id};

	if (instance_commit(c->ctl->inst, &fx, 1) == -1)
		return ctl_reply_error(c, "cannot save the change, nothing was changed (see the daemon log)");
	return 0;
}

static int
cmd_status(struct ctl_conn *c)
{
	struct instance *inst = c->ctl->inst;
	struct bmc_status st;
	uint64_t commits, writes;
	char a[64];
	size_t i;

	bmc_get_status(inst->bmc, &st);
	ctl_reply(c, "instance: %s\n", inst->name);
	ctl_reply(c, "version: %s\n", GHOSTBMC_VERSION);
	for (i = 0; i < inst->nlisten; i++) {
		config_format_addr(&inst->listen[i], a, sizeof(a));
		ctl_reply(c, "listen: %s\n", a);
	}
	ctl_reply(c, "sessions: %u active, %u pending\n", st.active_sessions, st.pending_sessions);
	ctl_reply(c, "users: %u defined, %u enabled\n", st.users, bmc_user_count(inst->bmc, true));
	ctl_reply(c,
	    "datagrams: %llu received, %llu sent, %llu dropped (%llu over a source's pre-session budget)\n",
	    (unsigned long long)st.rx_datagrams, (unsigned long long)st.tx_datagrams,
	    (unsigned long long)(st.dropped + inst->edge_dropped), (unsigned long long)st.limited);
	store_stats(inst->store, &commits, &writes);
	ctl_reply(c, "SEL: %zu entries; store: %llu commits, %llu record writes\n", bmc_sel_count(inst->bmc),
	    (unsigned long long)commits, (unsigned long long)writes);
	ctl_reply(
	    c, "uptime: %llu s\n", (unsigned long long)((uv_now(inst->loop) - inst->started_ms) / 1000));
	return 0;
}

static int
cmd_user_list(struct ctl_conn *c)
{
	struct instance *inst = c->ctl->inst;
	const struct bmc_user *u;
	uint8_t id;

	ctl_reply(c, "%-3s %-16s %-13s %-8s %s\n", "ID", "NAME", "PRIVILEGE", "STATE", "PASSWORD");
	for (id = 1; id <= BMC_MAX_USERS; id++) {
		u = bmc_user_get(inst->bmc, id);
		if (u == NULL || !u->defined)
			continue;
		ctl_reply(c, "%-3u %-16s %-13s %-8s %s\n", id, u->name[0] != '\0' ? u->name : "(anonymous)",
		    priv_text(u->priv_limit), u->enabled ? "enabled" : "disabled",
		    u->password_len > 0 ? "yes" : "no");
	}
	return 0;
}

static int
cmd_user_add(struct ctl_conn *c, const char *name, const char *privname, const char *pw)
{
	struct instance *inst = c->ctl->inst;
	uint8_t priv, id;
	int r;

	if ((priv = config_parse_priv(privname)) == 0)
		return ctl_reply_error(
		    c, "unknown privilege \"%s\" (user, operator or administrator)", privname);
	/* "add" never changes an existing account; "passwd" is for that. */
	if ((id = bmc_user_find(inst->bmc, name)) != 0)
		return ctl_reply_error(c, "user \"%s\" already exists (ID %u)", name, id);
	if (check_password(c, pw) == -1)
		return -1;
	r = bmc_user_add(inst->bmc, name, (const uint8_t *)pw, strlen(pw), priv);
	if (r == BMC_ERR_INVALID)
		return ctl_reply_error(c, "invalid user name \"%s\": 1 to %d printable characters, no spaces",
		    name, BMC_NAME_LEN);
	if (r == BMC_ERR_FULL)
		return ctl_reply_error(c, "no free user slot: IDs 2 to %d are all taken", BMC_MAX_USERS);
	if (r < 0)
		return ctl_reply_error(c, "%s", bmc_strerror(r));
	id = (uint8_t)r;
	if (persist_user(c, id) == -1)
		return -1;
	log_info("%s: control: user %s (ID %u) added, privilege %s", inst->name, name, id, priv_text(priv));
	ctl_reply(c, "user %s added with ID %u\n", name, id);
	return 0;
}

static int
cmd_user_passwd(struct ctl_conn *c, const char *who, const char *pw)
{
	struct instance *inst = c->ctl->inst;
	uint8_t id;
	int r;

	if ((id = resolve_user(inst, who)) == 0)
		return ctl_reply_error(c, "no such user \"%s\"", who);
	if (check_password(c, pw) == -1)
		return -1;
	if ((r = bmc_user_set_password(inst->bmc, id, (const uint8_t *)pw, strlen(pw))) < 0)
		return ctl_reply_error(c, "%s", bmc_strerror(r));
	if (persist_user(c, id) == -1)
		return -1;
	log_info("%s: control: password of user %s (ID %u) changed", inst->name,
	    bmc_user_get(inst->bmc, id)->name, id);
	return 0;
}

static int
cmd_user_del(struct ctl_conn *c, const char *who)
{
	struct instance *inst = c->ctl->inst;
	char name[BMC_NAME_LEN + 1];
	uint8_t id;
	int r;

	if ((id = resolve_user(inst, who)) == 0)
		return ctl_reply_error(c, "no such user \"%s\"", who);
	snprintf(name, sizeof(name), "%s", bmc_user_get(inst->bmc, id)->name);
	if ((r = bmc_user_delete(inst->bmc, id)) < 0)
		return ctl_reply_error(c, "%s", bmc_strerror(r));
	if (persist_user(c, id) == -1)
		return -1;
	log_info("%s: control: user %s (ID %u) deleted", inst->name, name, id);
	ctl_reply(c, "user %s (ID %u) deleted\n", name, id);
	if (!instance_has_admin(inst))
		ctl_reply(c,
		    "note: no enabled administrator is left; the next start of the daemon generates one\n");
	return 0;
}

/* `fleet list`: a line per instance; `fleet status`: the sums. */
static int
cmd_fleet(struct ctl_conn *c, const char *what)
{
	unsigned long long rx = 0, tx = 0, dropped = 0;
	unsigned on = 0, sessions = 0;
	struct bmc_chassis_info ci;
	struct bmc_status st;
	struct bmc_time now;
	char a[64];
	size_t i;
	bool list = strcmp(what, "list") == 0;

	if (!list && strcmp(what, "status") != 0)
		return ctl_reply_error(c, "fleet: \"%s\" is not list or status", what);
	if (list)
		ctl_reply(c, "NAME | ADDRESS | POWER | SESSIONS | SEL\n");
	for (i = 0; i < c->ctl->ninst; i++) {
		struct instance *inst = c->ctl->insts[i];

		instance_now(inst, &now);
		bmc_chassis_info(inst->bmc, &now, &ci);
		bmc_get_status(inst->bmc, &st);
		on += ci.power_on;
		sessions += st.active_sessions;
		rx += st.rx_datagrams;
		tx += st.tx_datagrams;
		dropped += st.dropped + inst->edge_dropped;
		if (list) {
			config_format_addr(&inst->listen[0], a, sizeof(a));
			ctl_reply(c, "%s | %s | %s | %u | %zu\n", inst->name, a, ci.power_on ? "on" : "off",
			    st.active_sessions, bmc_sel_count(inst->bmc));
		}
	}
	if (!list) {
		ctl_reply(c, "instances: %zu\n", c->ctl->ninst);
		ctl_reply(c, "hosts: %u powered on, %zu off\n", on, c->ctl->ninst - on);
		ctl_reply(c, "sessions: %u active\n", sessions);
		ctl_reply(c, "datagrams: %llu received, %llu sent, %llu dropped\n", rx, tx, dropped);
	}
	return 0;
}

static struct instance *
instance_named(struct ctl *ctl, const char *name)
{
	size_t i;

	for (i = 0; i < ctl->ninst; i++)
		if (strcmp(ctl->insts[i]->name, name) == 0)
			return ctl->insts[i];
	return NULL;
}

static int
dispatch(struct ctl_conn *c, int argc, char **argv)
{
	int r;

	if (argc == 0)
		return ctl_reply_error(c, "empty request");
	if (strcmp(argv[0], "fleet") == 0 && argc == 2)
		return cmd_fleet(c, argv[1]);
	/* "instance NAME REQUEST...": the request is for that member. */
	c->ctl->inst = c->ctl->insts[0];
	if (strcmp(argv[0], "instance") == 0 && argc >= 2) {
		if ((c->ctl->inst = instance_named(c->ctl, argv[1])) == NULL) {
			c->ctl->inst = c->ctl->insts[0];
			return ctl_reply_error(
			    c, "no instance is called %s (ghostbmc --fleet list)", argv[1]);
		}
		argc -= 2;
		argv += 2;
		if (argc == 0)
			return ctl_reply_error(c, "empty request");
	} else if (c->ctl->ninst > 1) {
		return ctl_reply_error(c,
		    "this daemon runs a fleet of %zu instances: name one with ghostbmc -i NAME "
		    "(ghostbmc --fleet list)",
		    c->ctl->ninst);
	}
	if (strcmp(argv[0], "status") == 0 && argc == 1)
		return cmd_status(c);
	if (strcmp(argv[0], "user") == 0 && argc >= 2) {
		if (strcmp(argv[1], "list") == 0 && argc == 2)
			return cmd_user_list(c);
		if (strcmp(argv[1], "add") == 0 && argc == 5)
			return cmd_user_add(c, argv[2], argv[3], argv[4]);
		if (strcmp(argv[1], "passwd") == 0 && argc == 4)
			return cmd_user_passwd(c, argv[2], argv[3]);
		if (strcmp(argv[1], "del") == 0 && argc == 3)
			return cmd_user_del(c, argv[2]);
	}
	if ((r = ctl_host_dispatch(c, c->ctl->inst, argc, argv)) != CTL_UNHANDLED ||
	    (r = ctl_records_dispatch(c, c->ctl->inst, argc, argv)) != CTL_UNHANDLED)
		return r;
	/* Echo only the first two words: later ones may be a password. */
	return ctl_reply_error(c, "unknown request \"%s%s%s\" with %d argument%s", argv[0],
	    argc > 1 ? " " : "", argc > 1 ? argv[1] : "", argc, argc == 1 ? "" : "s");
}

/*
 * Split the request (complete: ends with an empty line, or at end of input)
 * into arguments in place and run it.
 */
static void
handle_request(struct ctl_conn *c)
{
	char *argv[CTL_MAX_ARGS];
	char *p = c->req, *end = c->req + c->len, *nl;
	int argc = 0;

	if (memchr(c->req, '\0', c->len) != NULL) {
		ctl_reply_error(c, "request contains a NUL byte");
		goto done;
	}
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end; /* the last line before end of input */
		*nl = '\0';
		if (nl > p && nl[-1] == '\r')
			nl[-1] = '\0';
		if (*p == '\0')
			break;
		if (argc == CTL_MAX_ARGS) {
			ctl_reply_error(c, "too many arguments (at most %d)", CTL_MAX_ARGS);
			goto done;
		}
		argv[argc++] = p;
		p = nl + 1;
	}
	if (dispatch(c, argc, argv) == 0)
		ctl_reply(c, "ok\n");
	if (c->overflow)
		ctl_reply_error(c, "answer too long");
done:
	/* The request may hold a password. */
	OPENSSL_cleanse(c->req, sizeof(c->req));
	c->len = 0;
}

/* ---- connections ---- */

static void
conn_closed(uv_handle_t *h)
{
	struct ctl_conn *c = h->data;

	if (--c->nopen > 0)
		return;
	free(c->reply);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

static void
conn_close(struct ctl_conn *c)
{
	if (c->closing)
		return;
	c->closing = true;
	if ((*c->prevp = c->next) != NULL)
		c->next->prevp = c->prevp;
	c->ctl->nconns--;
	(void)uv_timer_stop(&c->timer);
	uv_close((uv_handle_t *)&c->timer, conn_closed);
	uv_close((uv_handle_t *)&c->pipe, conn_closed);
}

static void
conn_shut(uv_shutdown_t *req, int status)
{
	struct ctl_conn *c = req->data;

	if (status < 0)
		conn_close(c);
	/* Otherwise wait for the client's end of input (or the linger timer). */
}

/*
 * Close gently: our end of output first, then wait for the client's.  A
 * Unix socket closed with unread input makes the client's read fail with
 * ECONNRESET, which would eat the answer to an oversized request.
 */
static void
conn_written(uv_write_t *req, int status)
{
	struct ctl_conn *c = req->data;

	if (status < 0) {
		if (status != UV_ECANCELED)
			log_debug("control: answer not delivered: %s", uv_strerror(status));
		conn_close(c);
		return;
	}
	if (c->eof) {
		conn_close(c);
		return;
	}
	c->sreq.data = c;
	if (uv_shutdown(&c->sreq, (uv_stream_t *)&c->pipe, conn_shut) < 0)
		conn_close(c);
}

static void
conn_answer(struct ctl_conn *c)
{
	uv_buf_t b;
	int r;

	c->answered = true;
	c->len = 0;
	/* Lingering for the client's EOF gets a short deadline of its own. */
	(void)uv_timer_start(&c->timer, conn_timeout, CTL_LINGER_MS, 0);
	b = uv_buf_init(c->reply, (unsigned)c->rlen);
	c->wreq.data = c;
	if ((r = uv_write(&c->wreq, (uv_stream_t *)&c->pipe, &b, 1, conn_written)) < 0) {
		log_debug("control: cannot answer: %s", uv_strerror(r));
		conn_close(c);
	}
}

static bool
request_complete(const struct ctl_conn *c)
{
	/* An empty line ends the request: "\n" first, or "\n\n" anywhere. */
	if (c->len >= 1 && c->req[0] == '\n')
		return true;
	if (c->len >= 2 && memmem(c->req, c->len, "\n\n", 2) != NULL)
		return true;
	return c->len >= 4 && memmem(c->req, c->len, "\r\n\r\n", 4) != NULL;
}

static void
conn_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct ctl_conn *c = h->data;

	(void)suggested;
	/* Size 0 when full: libuv then reports UV_ENOBUFS.  After the answer, a scratch buffer. */
	*buf = uv_buf_init(c->req + c->len, (unsigned)(sizeof(c->req) - c->len));
}

static void
conn_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct ctl_conn *c = s->data;

	(void)buf;
	if (c->closing)
		return;
	if (c->answered) {
		/* Input after the request is discarded until the client's EOF. */
		if (nread < 0)
			conn_close(c);
		return;
	}
	if (nread > 0) {
		c->len += (size_t)nread;
		if (request_complete(c)) {
			handle_request(c);
			conn_answer(c);
		} else if (c->len == sizeof(c->req)) {
			OPENSSL_cleanse(c->req, sizeof(c->req));
			ctl_reply_error(c, "request too large (at most %d bytes)", CTL_REQUEST_MAX);
			conn_answer(c);
		}
		return;
	}
	if (nread == UV_EOF && c->len > 0) {
		/* End of input also ends the request. */
		c->eof = true;
		handle_request(c);
		conn_answer(c);
		return;
	}
	if (nread == UV_ENOBUFS) {
		OPENSSL_cleanse(c->req, sizeof(c->req));
		ctl_reply_error(c, "request too large (at most %d bytes)", CTL_REQUEST_MAX);
		conn_answer(c);
		return;
	}
	if (nread < 0)
		conn_close(c);
}

static void
conn_timeout(uv_timer_t *t)
{
	struct ctl_conn *c = t->data;

	/* A client that sent a partial request and stalled holds no slot for long. */
	if (!c->answered) {
		OPENSSL_cleanse(c->req, sizeof(c->req));
		c->len = 0;
		log_debug("control: client idle for %d ms; closed", CTL_IDLE_MS);
	}
	conn_close(c);
}

static void
ctl_accept(uv_stream_t *server, int status)
{
	struct ctl *ctl = server->data;
	struct ctl_conn *c;
	int r;

	if (status < 0) {
		log_warnx("control: accept: %s", uv_strerror(status));
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warn("control: accept");
		return;
	}
	c->ctl = ctl;
	c->pipe.data = c;
	c->timer.data = c;
	if ((r = uv_pipe_init(server->loop, &c->pipe, 0)) < 0) {
		log_warnx("control: accept: %s", uv_strerror(r));
		free(c);
		return;
	}
	(void)uv_timer_init(server->loop, &c->timer);
	c->nopen = 2;
	if ((c->next = ctl->conns) != NULL)
		c->next->prevp = &c->next;
	ctl->conns = c;
	c->prevp = &ctl->conns;
	ctl->nconns++;
	if ((r = uv_accept(server, (uv_stream_t *)&c->pipe)) < 0) {
		log_warnx("control: accept: %s", uv_strerror(r));
		conn_close(c);
		return;
	}
	if (ctl->nconns > CTL_MAX_CONNS) {
		log_warnx("control: more than %d clients at once; connection refused", CTL_MAX_CONNS);
		conn_close(c);
		return;
	}
	if ((r = uv_timer_start(&c->timer, conn_timeout, CTL_IDLE_MS, 0)) < 0 ||
	    (r = uv_read_start((uv_stream_t *)&c->pipe, conn_alloc, conn_read)) < 0) {
		log_warnx("control: %s", uv_strerror(r));
		conn_close(c);
	}
}

/* ---- the listening socket ---- */

struct ctl *
ctl_open(struct instance **insts, size_t ninst, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	struct ctl *ctl;
	mode_t old_umask;
	int r;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen,
		    "control socket path %s is too long (at most %zu bytes); use a shorter "
		    "state directory",
		    path, sizeof(sun.sun_path) - 1);
		return NULL;
	}
	if (unlink(path) == -1 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove stale control socket %s: %s", path, strerror(errno));
		return NULL;
	}
	if ((ctl = calloc(1, sizeof(*ctl))) == NULL) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		return NULL;
	}
	ctl->insts = insts;
	ctl->ninst = ninst;
	ctl->inst = insts[0];
	ctl->pipe.data = ctl;
	if ((r = uv_pipe_init(insts[0]->loop, &ctl->pipe, 0)) < 0) {
		snprintf(err, errlen, "control socket: %s", uv_strerror(r));
		free(ctl);
		return NULL;
	}
	/* Born 0600: never, even briefly, connectable by anyone else. */
	old_umask = umask(S_IXUSR | S_IRWXG | S_IRWXO);
	r = uv_pipe_bind(&ctl->pipe, path);
	umask(old_umask);
	if (r < 0) {
		snprintf(err, errlen, "cannot create control socket %s: %s", path, uv_strerror(r));
		ctl_close(ctl);
		return NULL;
	}
	if (chmod(path, S_IRUSR | S_IWUSR) == -1) {
		snprintf(err, errlen, "chmod %s: %s", path, strerror(errno));
		ctl_close(ctl);
		return NULL;
	}
	if ((r = uv_listen((uv_stream_t *)&ctl->pipe, 8, ctl_accept)) < 0) {
		snprintf(err, errlen, "cannot listen on control socket %s: %s", path, uv_strerror(r));
		ctl_close(ctl);
		return NULL;
	}
	return ctl;
}

static void
ctl_closed(uv_handle_t *h)
{
	free(h->data);
}

void
ctl_close(struct ctl *ctl)
{
	if (ctl == NULL || ctl->closing)
		return;
	ctl->closing = true;
	while (ctl->conns != NULL)
		conn_close(ctl->conns);
	/* libuv removes the socket file of a bound pipe when it closes it. */
	uv_close((uv_handle_t *)&ctl->pipe, ctl_closed);
}
