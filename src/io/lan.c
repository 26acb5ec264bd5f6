/*
 * UDP listeners (RMCP, RMCP+) and the tick timer of one instance, and the
 * durable-effect code the control socket shares.  The order of work for one
 * datagram is the design's durability rule: core call, commit every durable
 * effect, only then send, then the effects that must follow the reply.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uv.h>

#include "config/config.h"
#include "core/bmc.h"
#include "core/ipmi.h"
#include "io/hostif.h"
#include "io/lan.h"
#include "io/log.h"
#include "store/store.h"

struct lan_listener {
	uv_udp_t udp;
	struct instance *inst;
	struct bmc_addr addr;
	bool send_warned;
};

/*
 * One receive buffer for every listener of every instance: the loop is one
 * thread and a datagram is handled before the next is read, so a fleet of
 * 10000 does not keep 10000 buffers.  With recvmmsg, libuv cuts it into
 * 64 KiB slots (its largest datagram) and fills up to LAN_MMSG of them per
 * system call; an oversized datagram still shows as longer than we accept.
 */
#define LAN_MMSG 8
#define LAN_MMSG_SLOT (64 * 1024)
static uint8_t lan_rxbuf[LAN_MMSG * LAN_MMSG_SLOT];

/* A reply that could not go out at once: a copy that lives until sent. */
struct lan_send_req {
	uv_udp_send_t req;
	size_t len;
	uint8_t data[];
};

static void
addr_to_sockaddr(const struct bmc_addr *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(a->port);
		memcpy(&sin->sin_addr, a->ip, 4);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(a->port);
		memcpy(&sin6->sin6_addr, a->ip, 16);
	}
}

static int
addr_from_sockaddr(const struct sockaddr *sa, struct bmc_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		a->family = 4;
		a->port = ntohs(sin->sin_port);
		memcpy(a->ip, &sin->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

		a->family = 6;
		a->port = ntohs(sin6->sin6_port);
		memcpy(a->ip, &sin6->sin6_addr, 16);
		return 0;
	}
	return -1;
}

/* ---- durable effects, shared with ctl.c ---- */

void
instance_snapshot_defaults(struct instance *inst)
{
	unsigned p;

	for (p = 0; p < BMC_PARAM_COUNT; p++)
		inst->param_default_len[p] =
		    bmc_param_export(inst->bmc, (enum bmc_param)p, inst->param_default[p]);
}

bool
instance_has_admin(const struct instance *inst)
{
	const struct bmc_user *u;
	uint8_t id;

	for (id = 1; id <= BMC_MAX_USERS; id++) {
		u = bmc_user_get(inst->bmc, id);
		if (u->defined && u->enabled && u->priv_limit == PRIV_ADMIN && u->password_len > 0)
			return true;
	}
	return false;
}

static int
save_user(struct instance *inst, uint32_t id)
{
	const struct bmc_user *u;

	if (id > BMC_MAX_USERS || (u = bmc_user_get(inst->bmc, (uint8_t)id)) == NULL) {
		log_warnx("%s: cannot save user %u: no such slot", inst->name, id);
		return -1;
	}
	if (store_user_put(inst->store, inst->name, u) == -1) {
		log_warnx("%s: cannot save user %u: %s", inst->name, id, store_errmsg(inst->store));
		return -1;
	}
	return 0;
}

static int
save_param(struct instance *inst, uint32_t arg)
{
	uint8_t blob[BMC_PARAM_BLOB_MAX];
	enum bmc_param p = (enum bmc_param)arg;
	const char *key;
	size_t n;

	if (arg >= BMC_PARAM_COUNT || (key = bmc_param_key(p)) == NULL) {
		log_warnx("%s: cannot save parameter %u: unknown", inst->name, arg);
		return -1;
	}
	n = bmc_param_export(inst->bmc, p, blob);
	if (store_param_put(inst->store, inst->name, key, blob, n) == -1) {
		log_warnx("%s: cannot save parameter %s: %s", inst->name, key, store_errmsg(inst->store));
		return -1;
	}
	return 0;
}

void
instance_now(const struct instance *inst, struct bmc_time *now)
{
	now->mono_ms = uv_now(inst->loop);
	now->wall_s = (int64_t)time(NULL);
}

static bool
durable_kind(enum bmc_fx_kind k)
{
	return k == FX_SAVE_USER || k == FX_SAVE_PARAM || k == FX_SEL_ADD || k == FX_SEL_DELETE ||
	    k == FX_SEL_CLEAR || k == FX_SAVE_FRU;
}

static int
apply_fx(struct instance *inst, const struct bmc_fx *fx)
{
	switch (fx->kind) {
	case FX_SAVE_USER:
		return save_user(inst, fx->arg);
	case FX_SAVE_PARAM:
		return save_param(inst, fx->arg);
	case FX_SEL_ADD:
	case FX_SEL_DELETE:
	case FX_SEL_CLEAR:
		return instance_save_sel(inst, fx);
	case FX_SAVE_FRU:
		return instance_save_fru(inst, fx->arg);
	default:
		return 0;
	}
}

int
instance_commit(struct instance *inst, const struct bmc_fx *fx, size_t nfx)
{
	size_t i;
	bool any = false;
	int failed = 0;

	for (i = 0; i < nfx; i++)
		any |= durable_kind(fx[i].kind);
	if (!any)
		return 0;
	/*
	 * A grouped commit still open (a control request between two datagrams)
	 * goes first, so that this write is not acknowledged before it is durable.
	 */
	lan_batch_flush();
	/* One transaction: the effects of one request are one durable write. */
	if (store_begin(inst->store) == -1) {
		log_warnx("%s: cannot begin a transaction: %s", inst->name, store_errmsg(inst->store));
		failed = 1;
	}
	for (i = 0; i < nfx && !failed; i++)
		failed = apply_fx(inst, &fx[i]) == -1;
	if (failed) {
		store_rollback(inst->store);
	} else if (store_commit(inst->store) == -1) {
		log_warnx("%s: commit failed: %s", inst->name, store_errmsg(inst->store));
		failed = 1;
	}
	if (!failed)
		return 0;
	instance_reload_touched(inst, fx, nfx);
	return -1;
}

void
instance_reload_touched(struct instance *inst, const struct bmc_fx *fx, size_t nfx)
{
	size_t i;
	bool sel = false;

	/* The store is the truth: memory must show what it holds again. */
	for (i = 0; i < nfx; i++) {
		if (fx[i].kind == FX_SAVE_USER && fx[i].arg <= BMC_MAX_USERS)
			(void)instance_reload_user(inst, (uint8_t)fx[i].arg);
		else if (fx[i].kind == FX_SAVE_PARAM && fx[i].arg < BMC_PARAM_COUNT)
			(void)instance_reload_param(inst, (enum bmc_param)fx[i].arg);
		else if (fx[i].kind == FX_SAVE_FRU)
			(void)instance_reload_fru(inst, (uint8_t)fx[i].arg);
		else if (fx[i].kind == FX_SEL_ADD || fx[i].kind == FX_SEL_DELETE ||
		    fx[i].kind == FX_SEL_CLEAR)
			sel = true;
	}
	if (sel)
		(void)instance_reload_sel(inst);
}

struct reload_user {
	struct instance *inst;
	uint8_t id;
	bool found;
};

static void
reload_user_cb(void *arg, const struct bmc_user *u)
{
	struct reload_user *r = arg;

	if (u->id != r->id)
		return;
	bmc_user_restore(r->inst->bmc, u);
	r->found = true;
}

int
instance_reload_user(struct instance *inst, uint8_t id)
{
	struct reload_user r = {inst, id, false};

	if (store_user_load(inst->store, inst->name, reload_user_cb, &r) == -1) {
		log_warnx("%s: cannot reload user %u from the store (%s): memory and store may disagree "
		          "until the next start",
		    inst->name, id, store_errmsg(inst->store));
		return -1;
	}
	if (!r.found) {
		struct bmc_user u;

		memset(&u, 0, sizeof(u));
		u.id = id;
		u.defined = false;
		bmc_user_restore(inst->bmc, &u);
	}
	log_warnx("%s: user %u rolled back to the stored state", inst->name, id);
	return 0;
}

struct reload_param {
	struct instance *inst;
	enum bmc_param p;
	const char *key;
	bool found;
};

static void
reload_param_cb(void *arg, const char *key, const uint8_t *val, size_t len)
{
	struct reload_param *r = arg;

	if (strcmp(key, r->key) != 0)
		return;
	r->found = true;
	if (bmc_param_import(r->inst->bmc, r->p, val, len) < 0)
		log_warnx(
		    "%s: stored parameter %s is malformed (%zu bytes); ignored", r->inst->name, key, len);
}

int
instance_reload_param(struct instance *inst, enum bmc_param p)
{
	struct reload_param r = {inst, p, bmc_param_key(p), false};

	if (r.key == NULL)
		return -1;
	if (store_param_load(inst->store, inst->name, reload_param_cb, &r) == -1) {
		log_warnx("%s: cannot reload parameter %s from the store (%s): memory and store may "
		          "disagree until the next start",
		    inst->name, r.key, store_errmsg(inst->store));
		return -1;
	}
	if (!r.found)
		(void)bmc_param_import(inst->bmc, p, inst->param_default[p], inst->param_default_len[p]);
	log_warnx("%s: parameter %s rolled back to the stored state", inst->name, r.key);
	return 0;
}

/* ---- sending ---- */

static void
send_done(uv_udp_send_t *req, int status)
{
	struct lan_send_req *sr = (struct lan_send_req *)req;

	if (status < 0 && status != UV_ECANCELED)
		log_debug("reply of %zu bytes not sent: %s", sr->len, uv_strerror(status));
	free(sr);
}

static void
lan_send(struct lan_listener *l, const struct bmc_addr *dst, const uint8_t *p, size_t len)
{
	struct sockaddr_storage ss;
	struct lan_send_req *sr;
	uv_buf_t b;
	int r;

	addr_to_sockaddr(dst, &ss);
	b = uv_buf_init((char *)(uintptr_t)p, (unsigned)len);
	r = uv_udp_try_send(&l->udp, &b, 1, (const struct sockaddr *)&ss);
	if (r == UV_EAGAIN) {
		/* Socket buffer full or replies queued: queue a copy behind them, in order. */
		if ((sr = malloc(sizeof(*sr) + len)) == NULL) {
			r = UV_ENOMEM;
		} else {
			sr->len = len;
			memcpy(sr->data, p, len);
			b = uv_buf_init((char *)sr->data, (unsigned)len);
			r = uv_udp_send(&sr->req, &l->udp, &b, 1, (const struct sockaddr *)&ss, send_done);
			if (r < 0)
				free(sr);
		}
	}
	if (r < 0) {
		char a[64];

		config_format_addr(dst, a, sizeof(a));
		/* Warn once per listener; a peer can make this happen at will. */
		if (!l->send_warned) {
			log_warnx("%s: cannot send to %s: %s (further send errors at debug level)",
			    l->inst->name, a, uv_strerror(r));
			l->send_warned = true;
		} else {
			log_debug("%s: cannot send to %s: %s", l->inst->name, a, uv_strerror(r));
		}
	}
}

/* What must follow a committed reply: power actions, a Cold/Warm Reset dropping every session. */
static void
after_reply(struct instance *inst, const struct bmc_out *out)
{
	struct bmc_fx fx[BMC_FX_MAX];
	uint8_t typed[BMC_CONSOLE_IN_MAX];
	size_t i, n = out->nfx, ntyped = out->console_in_len;
	bool brk = out->console_break;

	/* Power actions and the console run the core again (and reuse inst->out): work from copies. */
	memcpy(fx, out->fx, n * sizeof(fx[0]));
	memcpy(typed, out->console_in, ntyped);
	for (i = 0; i < n; i++) {
		if (fx[i].kind == FX_POWER) {
			host_power(inst, fx[i].arg);
		} else if (fx[i].kind == FX_RESET_BMC) {
			log_info("%s: %s reset requested: all sessions closed", inst->name,
			    fx[i].arg ? "warm" : "cold");
			bmc_reset_sessions(inst->bmc);
		}
	}
	if (ntyped > 0 || brk)
		console_input(inst, typed, ntyped, brk);
	else if (inst->console.buf != NULL)
		console_pump(inst); /* an ACK may have opened the SOL window */
}

void
instance_after(struct instance *inst, const struct bmc_out *out)
{
	after_reply(inst, out);
}

static void
send_result(struct instance *inst, struct lan_listener *l, const struct bmc_addr *dst,
    const struct bmc_out *out, bool ok)
{
	/* A packet the core sends on its own (SOL) names its destination; it leaves by the first listener. */
	if (out->reply_dst_set && out->reply_len > 0) {
		l = l != NULL ? l : (inst->listeners != NULL ? inst->listeners[0] : NULL);
		dst = &out->reply_dst;
	}
	if (l != NULL) {
		if (ok && out->reply_len > 0)
			lan_send(l, dst, out->reply, out->reply_len);
		else if (!ok && out->reply_fail_len > 0)
			lan_send(l, dst, out->reply_fail, out->reply_fail_len);
	} else if (out->reply_len > 0) {
		log_warnx("%s: a reply without a destination was dropped", inst->name);
	}
	if (ok)
		after_reply(inst, out);
}

void
instance_finish(struct instance *inst, struct bmc_out *out)
{
	send_result(inst, NULL, NULL, out, instance_commit(inst, out->fx, out->nfx) == 0);
}

/*
 * Grouped commits.  Every datagram that arrives in one turn of the loop is
 * handled at once; the store writes of all of them, for every instance of a
 * fleet, go into one transaction, committed (one fsync) when the loop has
 * read everything it had, in the check phase.  Replies wait in order until
 * then: none is sent before the data it shows is durable, and none waits
 * longer than its own commit.  One batch for the process, because the
 * instances share one store: a batch per instance would nest, and the inner
 * ones would answer before the outer commit made their writes durable.
 */
struct pending_reply {
	struct instance *inst;
	struct lan_listener *l;
	struct bmc_addr dst;
	struct bmc_out out;
};

static struct {
	uv_check_t check;
	unsigned users; /* instances started: the check handle lives while there are any */
	struct store *store; /* the open transaction's */
	struct pending_reply *item[LAN_BATCH_MAX];
	size_t n;
} batch;

/* Take the queued replies out before sending: what follows a reply may commit again. */
static size_t
batch_take(struct pending_reply **items)
{
	size_t n = batch.n;

	memcpy(items, batch.item, n * sizeof(items[0]));
	batch.n = 0;
	(void)uv_check_stop(&batch.check);
	return n;
}

static void
batch_finish(struct pending_reply **items, size_t n, bool ok)
{
	size_t i;

	if (!ok)
		for (i = 0; i < n; i++)
			instance_reload_touched(items[i]->inst, items[i]->out.fx, items[i]->out.nfx);
	for (i = 0; i < n; i++) {
		send_result(items[i]->inst, items[i]->l, &items[i]->dst, &items[i]->out, ok);
		free(items[i]);
	}
}

void
lan_batch_flush(void)
{
	struct pending_reply *items[LAN_BATCH_MAX];
	size_t n;
	bool ok;

	if (batch.n == 0)
		return;
	ok = store_commit(batch.store) == 0;
	if (!ok)
		log_warnx("commit failed: %s", store_errmsg(batch.store));
	n = batch_take(items);
	batch_finish(items, n, ok);
}

/* A write failed inside the open transaction: roll it back, reload, and fail every queued reply. */
static void
batch_fail(void)
{
	struct pending_reply *items[LAN_BATCH_MAX];
	size_t n;

	store_rollback(batch.store);
	n = batch_take(items);
	batch_finish(items, n, false);
}

static void
batch_check_cb(uv_check_t *h)
{
	(void)h;
	lan_batch_flush();
}

/* Queue a reply behind the open transaction; false when it must be handled alone. */
static bool
batch_add(
    struct instance *inst, struct lan_listener *l, const struct bmc_addr *dst, const struct bmc_out *out)
{
	struct pending_reply *p;
	size_t i;
	bool durable = false;

	for (i = 0; i < out->nfx; i++)
		durable |= durable_kind(out->fx[i].kind);
	if (!inst->batch_ready || (batch.n == 0 && !durable))
		return false; /* nothing to wait for: answer at once */
	if (batch.n > 0 && batch.store != inst->store)
		lan_batch_flush(); /* another store (not in ghostbmcd): its own transaction */
	if ((p = malloc(sizeof(*p))) == NULL)
		return false;
	p->inst = inst;
	p->l = l;
	p->dst = *dst;
	p->out = *out;
	if (batch.n == 0) {
		if (store_begin(inst->store) == -1) {
			free(p);
			return false;
		}
		batch.store = inst->store;
		(void)uv_check_start(&batch.check, batch_check_cb);
	}
	batch.item[batch.n++] = p;
	for (i = 0; i < out->nfx; i++) {
		if (durable_kind(out->fx[i].kind) && apply_fx(inst, &out->fx[i]) == -1) {
			batch_fail(); /* the transaction is spoiled: all of it fails */
			return true;
		}
	}
	if (batch.n == LAN_BATCH_MAX)
		lan_batch_flush();
	return true;
}

/*
 * Everything after a core call: commit, then reply (or the failure reply),
 * then what must follow the reply.  l and dst are NULL for a tick.
 */
static void
lan_finish(
    struct instance *inst, struct lan_listener *l, const struct bmc_addr *dst, const struct bmc_out *out)
{
	if (l != NULL && batch_add(inst, l, dst, out))
		return;
	send_result(inst, l, dst, out, instance_commit(inst, out->fx, out->nfx) == 0);
}

/* ---- receiving ---- */

static void
recv_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	(void)h;
	(void)suggested;
	*buf = uv_buf_init((char *)lan_rxbuf, sizeof(lan_rxbuf));
}

static void
recv_cb(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf, const struct sockaddr *addr, unsigned flags)
{
	struct lan_listener *l = h->data;
	struct instance *inst = l->inst;
	struct bmc_addr src;
	struct bmc_time now;
	int r;

	if (nread < 0) {
		log_debug("%s: receive error: %s", inst->name, uv_strerror((int)nread));
		return;
	}
	/* nread 0 with no address means "nothing more", not an empty datagram. */
	if (addr == NULL)
		return;
	/* addr dies with this callback: copy it before anything else. */
	if (addr_from_sockaddr(addr, &src) == -1 || nread == 0 || (flags & UV_UDP_PARTIAL) ||
	    (size_t)nread > BMC_DGRAM_MAX) {
		inst->edge_dropped++;
		return;
	}
	instance_now(inst, &now);
	r = bmc_handle_datagram(inst->bmc, &now, &src, (const uint8_t *)buf->base, (size_t)nread, &inst->out);
	if (r < 0) {
		char a[64];

		config_format_addr(&src, a, sizeof(a));
		log_warnx("%s: datagram from %s: %s", inst->name, a, bmc_strerror(r));
	}
	lan_finish(inst, l, &src, &inst->out);
}

void
lan_tick(struct instance *inst)
{
	struct bmc_time now;
	int r;

	instance_now(inst, &now);
	if ((r = bmc_tick(inst->bmc, &now, &inst->out)) < 0)
		log_warnx("%s: tick: %s", inst->name, bmc_strerror(r));
	lan_finish(inst, NULL, NULL, &inst->out);
}

static void
tick_cb(uv_timer_t *t)
{
	lan_tick(t->data);
}

/* ---- set-up and tear-down ---- */

static void
listener_closed(uv_handle_t *h)
{
	free(h->data);
}

static int
listener_open(
    struct instance *inst, const struct bmc_addr *a, struct lan_listener **lp, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	struct lan_listener *l;
	char text[64];
	unsigned flags = 0;
	int r;

	config_format_addr(a, text, sizeof(text));
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		snprintf(err, errlen, "cannot listen on %s: %s", text, strerror(errno));
		return -1;
	}
	l->inst = inst;
	l->addr = *a;
	l->udp.data = l;
	/* recvmmsg: the replies to several clients' requests cost one system call to read. */
	if ((r = uv_udp_init_ex(
	         inst->loop, &l->udp, (a->family == 4 ? AF_INET : AF_INET6) | UV_UDP_RECVMMSG)) < 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", text, uv_strerror(r));
		free(l);
		return -1;
	}
	*lp = l;
	addr_to_sockaddr(a, &ss);
	/*
	 * No SO_REUSEADDR: a port another process (or another ghostbmcd) holds
	 * must be an error, not two daemons splitting the traffic.  IPv6 sockets
	 * are v6-only so that "::" and "0.0.0.0" can be listed side by side.
	 */
	if (a->family == 6)
		flags |= UV_UDP_IPV6ONLY;
	if ((r = uv_udp_bind(&l->udp, (const struct sockaddr *)&ss, flags)) < 0) {
		const char *hint = "";

		if (r == UV_EADDRINUSE)
			hint = " (is another BMC or ghostbmcd using it?)";
		else if (r == UV_EACCES && a->port < 1024)
			hint = " (ports below 1024 need root or CAP_NET_BIND_SERVICE; try --listen with a "
			       "port like 6230)";
		else if (r == UV_EADDRNOTAVAIL)
			hint = " (no interface has that address)";
		snprintf(err, errlen, "cannot listen on %s: %s%s", text, uv_strerror(r), hint);
		return -1;
	}
	if ((r = uv_udp_recv_start(&l->udp, recv_alloc, recv_cb)) < 0) {
		snprintf(err, errlen, "cannot receive on %s: %s", text, uv_strerror(r));
		return -1;
	}
	return 0;
}

int
lan_start(struct instance *inst, char *err, size_t errlen)
{
	size_t i;
	int r;

	if ((inst->listeners = calloc(inst->nlisten, sizeof(*inst->listeners))) == NULL) {
		snprintf(err, errlen, "cannot listen: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < inst->nlisten; i++)
		if (listener_open(inst, &inst->listen[i], &inst->listeners[i], err, errlen) == -1)
			return -1;
	if (batch.users == 0 && (r = uv_check_init(inst->loop, &batch.check)) < 0) {
		snprintf(err, errlen, "%s: check handle: %s", inst->name, uv_strerror(r));
		return -1;
	}
	batch.users++;
	inst->batch_ready = true;
	inst->started_ms = uv_now(inst->loop);
	if (inst->shared_clock)
		return 0;
	inst->tick.data = inst;
	if ((r = uv_timer_init(inst->loop, &inst->tick)) < 0) {
		snprintf(err, errlen, "cannot start the timer: %s", uv_strerror(r));
		return -1;
	}
	inst->tick_running = true;
	if ((r = uv_timer_start(&inst->tick, tick_cb, BMC_TICK_MS, BMC_TICK_MS)) < 0) {
		snprintf(err, errlen, "cannot start the timer: %s", uv_strerror(r));
		return -1;
	}
	inst->started_ms = uv_now(inst->loop);
	return 0;
}

void
lan_close(struct instance *inst)
{
	size_t i;

	if (inst->listeners != NULL) {
		for (i = 0; i < inst->nlisten; i++) {
			struct lan_listener *l = inst->listeners[i];

			if (l == NULL)
				continue;
			(void)uv_udp_recv_stop(&l->udp);
			/* Freed in the close callback: a queued send may still hold the handle. */
			uv_close((uv_handle_t *)&l->udp, listener_closed);
		}
		free(inst->listeners);
		inst->listeners = NULL;
	}
	if (inst->tick_running) {
		(void)uv_timer_stop(&inst->tick);
		uv_close((uv_handle_t *)&inst->tick, NULL);
		inst->tick_running = false;
	}
	if (inst->batch_ready) {
		lan_batch_flush(); /* before the listeners' handles go */
		inst->batch_ready = false;
		if (--batch.users == 0)
			uv_close((uv_handle_t *)&batch.check, NULL);
	}
}
