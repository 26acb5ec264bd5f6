/*
 * The qemu host backend: the governed host is a QEMU virtual machine that
 * the daemon spawns.  Three unix sockets in the state directory tie it to
 * the BMC:
 *
 *   vm-ipmi.sock     the daemon listens, QEMU's ipmi-bmc-extern connects
 *                    (reconnect=1): the guest's KCS interface (core/vmchan.h,
 *                    answered by bmc_handle_sysif);
 *   vm-console.sock  QEMU listens (the guest's ttyS0), the daemon connects:
 *                    console output for the log and SOL, SOL input back;
 *   vm-qmp.sock      QEMU listens, the daemon connects: power commands and
 *                    the SHUTDOWN / RESET / POWERDOWN events.
 *
 * The VM is independent of the daemon: it runs in a session of its own, its
 * pid is in STATE/vm.pid, and close() leaves it running.  A restarted
 * daemon finds it there, reports the host on and reconnects; QEMU
 * reconnects to vm-ipmi.sock by itself.  Power is "the QEMU process
 * exists": its exit (or a QMP SHUTDOWN) is power off.
 *
 * Memory: struct qemu_host lives until its timer and listening pipe have
 * closed; each connection (struct qconn) and each child (struct qproc)
 * until its own handle has closed.  Close callbacks touch only their own
 * struct.
 */
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "config/config.h"
#include "core/chassis.h"
#include "core/sysif.h"
#include "core/vmchan.h"
#include "io/console.h"
#include "io/hostif.h"
#include "io/lan.h"
#include "io/log.h"

extern const struct host_backend host_backend_qemu;

#define QEMU_TICK_MS 250 /* deadlines, liveness of a re-attached VM, reconnects */
#define QEMU_RETRY_MS 1000 /* between connection attempts to QMP and the console */
#define QEMU_KILL_MS 5000 /* QMP quit (or SIGTERM) to SIGKILL of the process group */
#define QEMU_QMP_WAIT_MS 15000 /* a running VM's QMP still unreachable: a fault */
#define QEMU_EARLY_EXIT_MS 5000 /* an exit this soon after the spawn is a failed power-on */
#define QEMU_CYCLE_DEFAULT_S 2
#define QEMU_RESET_QUIET_MS                                                                                  \
	3000 /* RESET events this soon after the last are one reset (SeaBIOS resets again) */
#define QEMU_LINE_MAX 4096 /* a QMP line; longer ones are skipped */

#define VM_IPMI_SOCK "vm-ipmi.sock"
#define VM_CONSOLE_SOCK "vm-console.sock"
#define VM_QMP_SOCK "vm-qmp.sock"
#define VM_PIDFILE "vm.pid"
#define VM_LOG "vm.log"

enum conn_kind { CONN_VM, CONN_QMP, CONN_CON };

struct qemu_host;

/* One stream: the VM channel QEMU opened, or our client connection to QMP or the console. */
struct qconn {
	struct qemu_host *h; /* NULL once detached (closing) */
	enum conn_kind kind;
	uv_pipe_t pipe;
	uv_connect_t creq;
	bool connected, closing;
	struct vmchan vm; /* CONN_VM */
	char line[QEMU_LINE_MAX + 1]; /* CONN_QMP */
	size_t linelen;
	bool skip_line;
	char rbuf[4096];
};

/* A QEMU we spawned: libuv tells its exit. */
struct qproc {
	struct qemu_host *h; /* NULL once nobody waits */
	int pid;
	uv_process_t proc;
};

struct qemu_host {
	struct instance *inst;
	const struct config_host_qemu *conf;
	char sock_vm[CONFIG_PATH_MAX + 32], sock_con[CONFIG_PATH_MAX + 32], sock_qmp[CONFIG_PATH_MAX + 32];
	char pidfile[CONFIG_PATH_MAX + 32], logfile[CONFIG_PATH_MAX + 32];

	uv_timer_t tick;
	uv_pipe_t listener; /* vm-ipmi.sock */
	struct qproc *proc; /* our child, or NULL (none, or a re-attached VM) */
	struct qconn *vm, *qmp, *con;

	uint64_t pid_since_ms; /* spawn or re-attach */
	uint64_t kill_at; /* SIGKILL the group then; 0 = none */
	uint64_t hard_off_at; /* a soft off's deadline; 0 = none */
	uint64_t spawn_at; /* 0 = none */
	uint64_t last_reset_ms; /* the last reset reported or expected */
	uint64_t last_try_ms;
	uint64_t qmp_pending_since;
	int nopen; /* of tick and listener; the struct is freed at 0 */
	int pid; /* the running VM, 0 = none (power off) */
	unsigned want_on_delay_s;
	char qmp_pending[32]; /* a command waiting for QMP; "" = none */
	uint8_t want_on_cause;
	bool tick_open, listener_open, closing;
	bool on; /* the power last reported */
	bool off_requested; /* an off is under way (quit or SIGTERM sent) */
	bool want_on; /* power on once the VM is gone (cycle, on during an off) */
	bool expect_reset; /* our system_reset: its RESET event is no news */
	bool qmp_ready; /* capabilities negotiated */
	bool qmp_fault_reported;
};

static void vm_gone(struct qemu_host *h, const char *why, bool early_fault);

/* ---- process helpers ---- */

/* Is pid a live QEMU (not a zombie, not a reused pid of something else)? */
static bool
pid_is_qemu(const struct qemu_host *h, int pid)
{
	char path[64], buf[4096];
	const char *base = strrchr(h->conf->binary, '/');
	ssize_t n;
	size_t i;
	int fd;

	if (pid <= 1 || kill(pid, 0) == -1)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return false; /* a zombie has no command line */
	for (i = 0; i < (size_t)n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	base = base != NULL ? base + 1 : h->conf->binary;
	return strstr(buf, "qemu") != NULL || (base[0] != '\0' && strstr(buf, base) != NULL);
}

static int
read_pidfile(const char *path)
{
	char buf[32];
	ssize_t n;
	long v;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	v = strtol(buf, NULL, 10);
	return v > 1 && v < 1 << 30 ? (int)v : 0;
}

/* Signal the VM's process group (it leads one: spawned detached), or the process alone. */
static void
signal_vm(int pid, int sig)
{
	if (pid <= 1)
		return;
	if (kill(-pid, sig) == -1)
		(void)kill(pid, sig);
}

/* ---- connections ---- */

static void
conn_closed(uv_handle_t *hd)
{
	free(hd->data);
}

/* Detach and close; the struct goes with its handle. */
static void
conn_close(struct qconn *c)
{
	if (c == NULL || c->closing)
		return;
	c->closing = true;
	if (c->h != NULL) {
		if (c->h->vm == c)
			c->h->vm = NULL;
		if (c->h->qmp == c) {
			c->h->qmp = NULL;
			c->h->qmp_ready = false;
		}
		if (c->h->con == c)
			c->h->con = NULL;
	}
	c->h = NULL;
	uv_close((uv_handle_t *)&c->pipe, conn_closed);
}

static struct qconn *
conn_new(struct qemu_host *h, enum conn_kind kind)
{
	struct qconn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->h = h;
	c->kind = kind;
	if (uv_pipe_init(h->inst->loop, &c->pipe, 0) < 0) {
		free(c);
		return NULL;
	}
	c->pipe.data = c;
	c->creq.data = c;
	vmchan_init(&c->vm);
	return c;
}

struct wreq {
	uv_write_t req;
	char data[];
};

static void
write_done(uv_write_t *req, int status)
{
	(void)status; /* a failed write shows as an error or EOF on the read side */
	free(req->data);
}

static void
conn_write(struct qconn *c, const void *p, size_t n)
{
	struct wreq *w;
	uv_buf_t b;

	if (c == NULL || c->closing || !c->connected || n == 0)
		return;
	if ((w = malloc(sizeof(*w) + n)) == NULL)
		return;
	memcpy(w->data, p, n);
	w->req.data = w;
	b = uv_buf_init(w->data, (unsigned)n);
	if (uv_write(&w->req, (uv_stream_t *)&c->pipe, &b, 1, write_done) < 0)
		free(w);
}

static void
conn_alloc(uv_handle_t *hd, size_t suggested, uv_buf_t *buf)
{
	struct qconn *c = hd->data;

	(void)suggested;
	*buf = uv_buf_init(c->rbuf, sizeof(c->rbuf));
}

/* ---- the VM channel: the guest's system interface ---- */

static void
vm_request(struct qemu_host *h, struct qconn *c, const struct vmchan_event *ev)
{
	struct instance *inst = h->inst;
	uint8_t rsp[VMCHAN_RSP_MAX], wire[VMCHAN_WIRE_MAX];
	struct bmc_time now;
	size_t rsplen = 0, n;
	int rc;
	bool ok = true;

	instance_now(inst, &now);
	bmc_out_reset(&inst->out);
	rc = bmc_handle_sysif(inst->bmc, &now, ev->netfn, ev->lun, ev->cmd, ev->data, ev->len, rsp,
	    sizeof(rsp), &rsplen, &inst->out);
	if (rc < 0 || rsplen == 0) {
		rsp[0] = 0xff; /* every request is answered once */
		rsplen = 1;
	}
	/* Durable effects are committed before the answer shows them. */
	if (instance_commit(inst, inst->out.fx, inst->out.nfx) == -1) {
		ok = false;
		rsp[0] = 0xff;
		rsplen = 1;
	}
	n = vmchan_encode_response(ev->seq, ev->netfn, ev->lun, ev->cmd, rsp, rsplen, wire, sizeof(wire));
	if (n > 0)
		conn_write(c, wire, n);
	log_debug("%s: vm: netfn %02x cmd %02x -> cc %02x (%zu bytes)", inst->name, ev->netfn, ev->cmd,
	    rsp[0], rsplen);
	if (ok)
		instance_after(inst, &inst->out); /* power actions, BMC resets: after the answer */
}

static void
vm_event(void *arg, const struct vmchan_event *ev)
{
	struct qconn *c = arg;
	struct qemu_host *h = c->h;

	if (h == NULL || h->closing)
		return;
	switch (ev->kind) {
	case VMCHAN_EV_MSG:
		vm_request(h, c, ev);
		break;
	case VMCHAN_EV_VERSION:
		if (ev->value != VMCHAN_VERSION)
			log_warnx("%s: vm: QEMU speaks protocol version %u, we speak %u", h->inst->name,
			    ev->value, VMCHAN_VERSION);
		break;
	case VMCHAN_EV_CAPS:
		log_debug("%s: vm: QEMU's capabilities %02x", h->inst->name, ev->value);
		break;
	case VMCHAN_EV_RESET:
		log_info("%s: vm: QEMU says the machine was reset", h->inst->name);
		break;
	case VMCHAN_EV_CONTROL:
		log_debug("%s: vm: control command %02x ignored", h->inst->name, ev->ctl);
		break;
	case VMCHAN_EV_ERROR:
		log_debug("%s: vm: frame dropped: %s", h->inst->name, vmchan_strerror(ev->error));
		break;
	}
}

/* ---- QMP ---- */

/* The string value of "key" in a line of JSON (flat enough for QMP's events). */
static bool
json_string(const char *line, const char *key, char *out, size_t outlen)
{
	char pat[48];
	const char *p;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	if ((p = strstr(line, pat)) == NULL)
		return false;
	p += strlen(pat);
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p++ != ':')
		return false;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p++ != '"')
		return false;
	while (*p != '\0' && *p != '"' && n + 1 < outlen)
		out[n++] = *p++;
	out[n] = '\0';
	return true;
}

static void
qmp_send(struct qemu_host *h, const char *cmd)
{
	char buf[96];
	int n = snprintf(buf, sizeof(buf), "{\"execute\": \"%s\"}\n", cmd);

	log_debug("%s: qmp: %s", h->inst->name, cmd);
	conn_write(h->qmp, buf, (size_t)n);
}

/* Run a QMP command now, or as soon as QMP is there (one waits; a newer one replaces it). */
static void
qmp_command(struct qemu_host *h, const char *cmd)
{
	if (h->qmp != NULL && h->qmp_ready) {
		qmp_send(h, cmd);
		return;
	}
	if (h->qmp_pending[0] != '\0')
		log_info(
		    "%s: qmp: %s replaced by %s before QMP was ready", h->inst->name, h->qmp_pending, cmd);
	snprintf(h->qmp_pending, sizeof(h->qmp_pending), "%s", cmd);
	h->qmp_pending_since = uv_now(h->inst->loop);
}

static void
qmp_event(struct qemu_host *h, const char *line)
{
	struct instance *inst = h->inst;
	char ev[48], reason[64];

	if (!json_string(line, "event", ev, sizeof(ev)))
		return;
	if (!json_string(line, "reason", reason, sizeof(reason)))
		snprintf(reason, sizeof(reason), "?");
	if (strcmp(ev, "SHUTDOWN") == 0) {
		log_info("%s: the VM shut down (%s)", inst->name, reason);
		if (h->on) {
			h->on = false;
			host_report_power(inst, false, 0);
		}
		/* QEMU exits after it; if it does not (-no-shutdown), it is made to. */
		if (h->kill_at == 0)
			h->kill_at = uv_now(inst->loop) + QEMU_KILL_MS;
		h->off_requested = true;
		h->hard_off_at = 0;
	} else if (strcmp(ev, "RESET") == 0) {
		uint64_t now = uv_now(inst->loop);
		bool quiet = h->last_reset_ms != 0 && now < h->last_reset_ms + QEMU_RESET_QUIET_MS;

		if (h->expect_reset && strstr(reason, "host-qmp") != NULL) {
			h->expect_reset = false;
			h->last_reset_ms = now;
			return;
		}
		/* The firmware resets once more as it starts: part of the reset already reported. */
		if (quiet) {
			log_debug("%s: the VM was reset again (%s)", inst->name, reason);
			return;
		}
		h->last_reset_ms = now;
		log_info("%s: the VM was reset (%s)", inst->name, reason);
		host_report_reset(inst, 0);
	} else if (strcmp(ev, "POWERDOWN") == 0) {
		log_info("%s: the VM's power button was pressed", inst->name);
	} else {
		log_debug("%s: qmp: event %s", inst->name, ev);
	}
}

static void
qmp_line(struct qemu_host *h, const char *line)
{
	char desc[160];

	if (strstr(line, "\"QMP\"") != NULL) {
		qmp_send(h, "qmp_capabilities");
		return;
	}
	if (strstr(line, "\"event\"") != NULL) {
		qmp_event(h, line);
		return;
	}
	if (strstr(line, "\"error\"") != NULL) {
		char what[200];

		if (!json_string(line, "desc", desc, sizeof(desc)))
			snprintf(desc, sizeof(desc), "an error");
		snprintf(what, sizeof(what), "qmp: %s", desc);
		host_report_fault(h->inst, what);
		return;
	}
	if (strstr(line, "\"return\"") != NULL && !h->qmp_ready) {
		h->qmp_ready = true;
		h->qmp_fault_reported = false;
		log_info("%s: qmp: connected", h->inst->name);
		if (h->qmp_pending[0] != '\0') {
			qmp_send(h, h->qmp_pending);
			h->qmp_pending[0] = '\0';
		}
	}
}

static void
qmp_feed(struct qconn *c, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && c->h != NULL; i++) {
		if (p[i] == '\n') {
			c->line[c->linelen] = '\0';
			if (!c->skip_line && c->linelen > 0)
				qmp_line(c->h, c->line);
			c->linelen = 0;
			c->skip_line = false;
		} else if (c->linelen < QEMU_LINE_MAX) {
			c->line[c->linelen++] = p[i];
		} else {
			c->skip_line = true;
		}
	}
}

/* ---- reading, connecting ---- */

static void
conn_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct qconn *c = s->data;
	struct qemu_host *h = c->h;

	if (h == NULL || c->closing)
		return;
	if (n < 0) {
		if (c->kind == CONN_VM)
			log_info("%s: vm: QEMU's IPMI channel closed", h->inst->name);
		else
			log_debug("%s: %s connection closed", h->inst->name,
			    c->kind == CONN_QMP ? "QMP" : "console");
		conn_close(c);
		return;
	}
	switch (c->kind) {
	case CONN_VM:
		vmchan_feed(&c->vm, (const uint8_t *)buf->base, (size_t)n, vm_event, c);
		break;
	case CONN_QMP:
		qmp_feed(c, buf->base, (size_t)n);
		break;
	case CONN_CON:
		console_output(h->inst, (const uint8_t *)buf->base, (size_t)n);
		break;
	}
}

static void
conn_connected(uv_connect_t *req, int status)
{
	struct qconn *c = req->data;
	struct qemu_host *h = c->h;

	if (c->closing || h == NULL)
		return;
	if (status < 0) {
		log_debug("%s: cannot connect to %s: %s", h->inst->name,
		    c->kind == CONN_QMP ? h->sock_qmp : h->sock_con, uv_strerror(status));
		conn_close(c);
		return;
	}
	c->connected = true;
	if (uv_read_start((uv_stream_t *)&c->pipe, conn_alloc, conn_read) < 0) {
		conn_close(c);
		return;
	}
	if (c->kind == CONN_CON)
		log_info("%s: console: connected to the VM's serial port", h->inst->name);
}

static void
connect_to(struct qemu_host *h, enum conn_kind kind)
{
	struct qconn *c = conn_new(h, kind);

	if (c == NULL)
		return;
	if (kind == CONN_QMP) {
		h->qmp = c;
		h->qmp_ready = false;
	} else {
		h->con = c;
	}
	uv_pipe_connect(&c->creq, &c->pipe, kind == CONN_QMP ? h->sock_qmp : h->sock_con, conn_connected);
}

/* QEMU connects (or reconnects) its ipmi-bmc-extern chardev. */
static void
vm_accept(uv_stream_t *srv, int status)
{
	struct qemu_host *h = srv->data;
	struct qconn *c;
	uint8_t wire[8];
	size_t n;

	if (status < 0 || h->closing) {
		log_warnx("%s: vm: listen: %s", h->inst->name, uv_strerror(status));
		return;
	}
	if ((c = conn_new(h, CONN_VM)) == NULL)
		return;
	if (uv_accept(srv, (uv_stream_t *)&c->pipe) < 0) {
		conn_close(c);
		return;
	}
	if (h->vm != NULL) {
		/* One VM channel at a time, as ipmi_sim: the newcomer is closed. */
		log_warnx("%s: vm: a second connection on %s refused", h->inst->name, h->sock_vm);
		c->h = NULL;
		conn_close(c);
		return;
	}
	c->connected = true;
	h->vm = c;
	if (uv_read_start((uv_stream_t *)&c->pipe, conn_alloc, conn_read) < 0) {
		conn_close(c);
		return;
	}
	log_info("%s: vm: QEMU's IPMI channel connected", h->inst->name);
	if ((n = vmchan_encode_version(wire, sizeof(wire))) > 0)
		conn_write(c, wire, n);
}

/* ---- power ---- */

static void
report_on(struct qemu_host *h, uint8_t cause)
{
	h->on = true;
	host_report_power(h->inst, true, cause);
}

static void
report_off(struct qemu_host *h)
{
	h->on = false;
	host_report_power(h->inst, false, 0);
}

static void
qproc_closed(uv_handle_t *hd)
{
	free(hd->data);
}

static void
qproc_exited(uv_process_t *p, int64_t status, int sig)
{
	struct qproc *q = p->data;
	struct qemu_host *h = q->h;
	char why[96];

	q->h = NULL;
	uv_close((uv_handle_t *)&q->proc, qproc_closed);
	if (h == NULL || h->proc != q)
		return;
	h->proc = NULL;
	if (h->pid != q->pid)
		return;
	if (sig != 0)
		snprintf(why, sizeof(why), "killed by signal %d", sig);
	else
		snprintf(why, sizeof(why), "exit status %lld", (long long)status);
	vm_gone(h, why, true);
}

/* Reset the per-VM state for a VM that is running now (spawned or found). */
static void
vm_running(struct qemu_host *h, int pid)
{
	h->pid = pid;
	h->pid_since_ms = uv_now(h->inst->loop);
	h->off_requested = false;
	h->kill_at = h->hard_off_at = 0;
	h->qmp_pending[0] = '\0';
	h->qmp_fault_reported = false;
	h->expect_reset = false;
	h->last_try_ms = 0;
}

/* Spawn QEMU: 0, or -1 with why. */
static int
spawn_vm(struct qemu_host *h, char *why, size_t whylen)
{
	const struct config_host_qemu *q = h->conf;
	char ipmi_dev[CONFIG_PATH_MAX + 96], con_dev[CONFIG_PATH_MAX + 96], qmp_arg[CONFIG_PATH_MAX + 64];
	const char *ours[] = {"-chardev", ipmi_dev, "-device", "ipmi-bmc-extern,chardev=gbipmi,id=gbbmc",
	    "-device", "isa-ipmi-kcs,bmc=gbbmc,irq=5", "-chardev", con_dev, "-serial", "chardev:gbcon",
	    "-qmp", qmp_arg, "-pidfile", h->pidfile};
	size_t nours = sizeof(ours) / sizeof(ours[0]), i, k = 0;
	uv_process_options_t o;
	uv_stdio_container_t stdio[3];
	struct qproc *p;
	char **args;
	int fd, rc;

	snprintf(ipmi_dev, sizeof(ipmi_dev), "socket,id=gbipmi,path=%s,reconnect=1", h->sock_vm);
	snprintf(con_dev, sizeof(con_dev), "socket,id=gbcon,path=%s,server=on,wait=off", h->sock_con);
	snprintf(qmp_arg, sizeof(qmp_arg), "unix:%s,server=on,wait=off", h->sock_qmp);
	if ((args = calloc(q->nargs + nours + 2, sizeof(*args))) == NULL ||
	    (p = calloc(1, sizeof(*p))) == NULL) {
		free(args);
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	args[k++] = (char *)q->binary;
	for (i = 0; i < q->nargs; i++)
		args[k++] = (char *)q->args[i];
	for (i = 0; i < nours; i++)
		args[k++] = (char *)ours[i];
	args[k] = NULL;
	if ((fd = open(h->logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) == -1) {
		snprintf(why, whylen, "%s: %s", h->logfile, strerror(errno));
		free(args);
		free(p);
		return -1;
	}
	/* Sockets of an earlier VM would only refuse our connections. */
	(void)unlink(h->sock_con);
	(void)unlink(h->sock_qmp);
	memset(&o, 0, sizeof(o));
	memset(stdio, 0, sizeof(stdio));
	stdio[0].flags = UV_IGNORE;
	stdio[1].flags = UV_INHERIT_FD;
	stdio[1].data.fd = fd;
	stdio[2].flags = UV_INHERIT_FD;
	stdio[2].data.fd = fd;
	o.file = q->binary;
	o.args = args;
	o.exit_cb = qproc_exited;
	o.flags = UV_PROCESS_DETACHED; /* a session of its own: it outlives the daemon */
	o.stdio = stdio;
	o.stdio_count = 3;
	rc = uv_spawn(h->inst->loop, &p->proc, &o);
	p->proc.data = p;
	(void)close(fd);
	free(args);
	if (rc < 0) {
		snprintf(why, whylen, "cannot run %s: %s", q->binary, uv_strerror(rc));
		uv_close((uv_handle_t *)&p->proc, qproc_closed); /* initialised even when the spawn failed */
		return -1;
	}
	p->pid = p->proc.pid;
	p->h = h;
	h->proc = p;
	vm_running(h, p->pid);
	log_info(
	    "%s: VM started: %s (pid %d; its output in %s)", h->inst->name, q->binary, p->pid, h->logfile);
	return 0;
}

static void
power_on(struct qemu_host *h, uint8_t cause)
{
	char why[CONFIG_PATH_MAX + 64], what[CONFIG_PATH_MAX + 96];

	if (spawn_vm(h, why, sizeof(why)) == -1) {
		snprintf(what, sizeof(what), "on: %s", why);
		host_report_fault(h->inst, what);
		return;
	}
	report_on(h, cause);
	host_report_booted(h->inst); /* the VM boots what its arguments say: the hint is spent */
}

/* Hard off: QMP quit (SIGTERM without QMP), SIGKILL of the group QEMU_KILL_MS later. */
static void
power_off(struct qemu_host *h)
{
	uint64_t now = uv_now(h->inst->loop);

	h->hard_off_at = 0;
	if (h->off_requested && h->kill_at != 0)
		return; /* already under way */
	h->off_requested = true;
	h->kill_at = now + QEMU_KILL_MS;
	if (h->qmp != NULL && h->qmp_ready) {
		qmp_send(h, "quit");
	} else {
		log_info("%s: off: QMP is not connected: terminating QEMU", h->inst->name);
		h->qmp_pending[0] = '\0';
		signal_vm(h->pid, SIGTERM);
	}
}

/* The VM process is gone: power off (reported once), then a waiting power-on. */
static void
vm_gone(struct qemu_host *h, const char *why, bool early_fault)
{
	struct instance *inst = h->inst;
	uint64_t now = uv_now(inst->loop);
	bool requested = h->off_requested;
	bool early = early_fault && !requested && now < h->pid_since_ms + QEMU_EARLY_EXIT_MS;

	if (requested)
		log_info("%s: VM stopped (%s)", inst->name, why);
	else
		log_warnx("%s: VM exited (%s)", inst->name, why);
	if (read_pidfile(h->pidfile) == h->pid)
		(void)unlink(h->pidfile);
	h->pid = 0;
	h->off_requested = false;
	h->kill_at = h->hard_off_at = 0;
	h->expect_reset = false;
	if (h->qmp_pending[0] != '\0') {
		log_info("%s: qmp: %s dropped: the VM is gone", inst->name, h->qmp_pending);
		h->qmp_pending[0] = '\0';
	}
	conn_close(h->qmp);
	conn_close(h->con);
	if (h->on)
		report_off(h);
	if (early) {
		char what[CONFIG_PATH_MAX + 96];

		snprintf(what, sizeof(what), "on: QEMU exited at once (%s; see %s)", why, h->logfile);
		host_report_fault(inst, what);
	}
	if (h->want_on) {
		h->want_on = false;
		h->spawn_at = now + (uint64_t)h->want_on_delay_s * 1000 + 1;
	}
}

static void
tick_cb(uv_timer_t *t)
{
	struct qemu_host *h = t->data;
	uint64_t now = uv_now(h->inst->loop);

	if (h->closing)
		return;
	/* A re-attached VM is no child of ours: nobody tells us it went. */
	if (h->pid != 0 && h->proc == NULL && !pid_is_qemu(h, h->pid)) {
		vm_gone(h, "the process is gone", false);
	}
	if (h->pid == 0) {
		if (h->spawn_at != 0 && now >= h->spawn_at) {
			uint8_t cause = h->want_on_cause;

			h->spawn_at = 0;
			h->want_on_cause = 0;
			power_on(h, cause);
		}
		return;
	}
	if (h->kill_at != 0 && now >= h->kill_at) {
		log_warnx("%s: off: QEMU (pid %d) still running: killing it", h->inst->name, h->pid);
		h->kill_at = 0;
		signal_vm(h->pid, SIGKILL);
	}
	if (h->hard_off_at != 0 && now >= h->hard_off_at) {
		log_warnx("%s: soft: the guest did not power off within %u s: powering off", h->inst->name,
		    h->conf->shutdown_timeout_s);
		h->hard_off_at = 0;
		power_off(h);
	}
	if ((h->qmp == NULL || h->con == NULL) && now >= h->last_try_ms + QEMU_RETRY_MS) {
		h->last_try_ms = now;
		if (h->qmp == NULL)
			connect_to(h, CONN_QMP);
		if (h->con == NULL)
			connect_to(h, CONN_CON);
	}
	if (!h->qmp_ready && !h->qmp_fault_reported && !h->off_requested &&
	    now >= h->pid_since_ms + QEMU_QMP_WAIT_MS) {
		char what[CONFIG_PATH_MAX + 64];

		h->qmp_fault_reported = true;
		snprintf(what, sizeof(what), "QMP unreachable at %s", h->sock_qmp);
		host_report_fault(h->inst, what);
	}
	if (h->qmp_pending[0] != '\0' && now >= h->qmp_pending_since + QEMU_QMP_WAIT_MS) {
		char what[96];

		snprintf(what, sizeof(what), "%s: QMP did not become ready", h->qmp_pending);
		h->qmp_pending[0] = '\0';
		host_report_fault(h->inst, what);
	}
}

/* ---- the backend ---- */

static void
handle_closed(uv_handle_t *hd)
{
	struct qemu_host *h = hd->data;

	if (--h->nopen == 0)
		free(h);
}

static int
qemu_start(struct instance *inst, char *err, size_t errlen)
{
	const char *dir = inst->cfg->state_dir;
	struct qemu_host *h;
	uint8_t cause = 0;
	int restore, pid, rc;

	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(err, errlen, "%s: out of memory", inst->name);
		return -1;
	}
	h->inst = inst;
	h->conf = &inst->cfg->host_qemu;
	snprintf(h->sock_vm, sizeof(h->sock_vm), "%s/%s", dir, VM_IPMI_SOCK);
	snprintf(h->sock_con, sizeof(h->sock_con), "%s/%s", dir, VM_CONSOLE_SOCK);
	snprintf(h->sock_qmp, sizeof(h->sock_qmp), "%s/%s", dir, VM_QMP_SOCK);
	snprintf(h->pidfile, sizeof(h->pidfile), "%s/%s", dir, VM_PIDFILE);
	snprintf(h->logfile, sizeof(h->logfile), "%s/%s", dir, VM_LOG);
	if (strlen(h->sock_con) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		snprintf(err, errlen, "%s: state directory %s: too long a path for its unix sockets",
		    inst->name, dir);
		free(h);
		return -1;
	}
	/* Asked before any report: a report of "off" would change what "previous" means. */
	restore = bmc_restore_action(inst->bmc, &cause);
	h->tick.data = h->listener.data = h;
	if ((rc = uv_timer_init(inst->loop, &h->tick)) < 0) {
		snprintf(err, errlen, "%s: timer: %s", inst->name, uv_strerror(rc));
		free(h);
		return -1;
	}
	h->tick_open = true;
	h->nopen = 1;
	inst->backend_state = h;
	if ((rc = uv_pipe_init(inst->loop, &h->listener, 0)) < 0) {
		snprintf(err, errlen, "%s: pipe: %s", inst->name, uv_strerror(rc));
		return -1; /* the caller gives up; close() closes the timer */
	}
	h->listener_open = true;
	h->nopen = 2;
	(void)unlink(h->sock_vm); /* a previous daemon's */
	if ((rc = uv_pipe_bind(&h->listener, h->sock_vm)) < 0 ||
	    (rc = uv_listen((uv_stream_t *)&h->listener, 4, vm_accept)) < 0) {
		snprintf(err, errlen, "%s: %s: %s", inst->name, h->sock_vm, uv_strerror(rc));
		return -1;
	}
	(void)chmod(h->sock_vm, 0600);
	if ((rc = uv_timer_start(&h->tick, tick_cb, QEMU_TICK_MS, QEMU_TICK_MS)) < 0) {
		snprintf(err, errlen, "%s: timer: %s", inst->name, uv_strerror(rc));
		return -1;
	}
	log_info("%s: host backend qemu: %s with %zu arguments; VM channel %s", inst->name, h->conf->binary,
	    h->conf->nargs, h->sock_vm);

	pid = read_pidfile(h->pidfile);
	if (pid != 0 && pid_is_qemu(h, pid)) {
		log_info("%s: VM found running (pid %d): re-attached", inst->name, pid);
		vm_running(h, pid);
		report_on(h, 0);
		connect_to(h, CONN_QMP);
		connect_to(h, CONN_CON);
		h->last_try_ms = uv_now(inst->loop);
		return 0;
	}
	if (pid != 0) {
		log_info("%s: %s names pid %d, which is no running QEMU: the VM is off", inst->name,
		    h->pidfile, pid);
		(void)unlink(h->pidfile);
	}
	report_off(h);
	if (restore == POWER_ACTION_ON) {
		log_info("%s: restore policy: powering the VM on", inst->name);
		power_on(h, cause);
	}
	return 0;
}

static void
qemu_power(struct instance *inst, unsigned action, const struct bmc_boot_hint *hint, unsigned cycle_s)
{
	struct qemu_host *h = inst->backend_state;

	(void)hint; /* the VM boots what its arguments say */
	if (h == NULL || h->closing) {
		log_warnx("%s: power %s ignored: the host backend is stopped", inst->name,
		    host_action_word(action));
		return;
	}
	log_info("%s: %s: %s", inst->name, host_action_word(action),
	    h->pid != 0 ? (h->off_requested ? "the VM is stopping" : "the VM is running") : "the VM is off");
	switch (action) {
	case POWER_ACTION_ON:
		if (h->pid != 0 && !h->off_requested) {
			report_on(h, 0); /* already on */
		} else if (h->pid != 0) {
			h->want_on = true; /* once the VM has stopped */
			h->want_on_delay_s = 0;
			h->want_on_cause = 0;
		} else {
			h->spawn_at = 0;
			power_on(h, 0);
		}
		break;
	case POWER_ACTION_OFF:
		h->want_on = false;
		h->spawn_at = 0;
		if (h->pid == 0)
			report_off(h);
		else
			power_off(h);
		break;
	case POWER_ACTION_CYCLE:
		if (h->pid == 0) {
			if (h->spawn_at == 0)
				power_on(h, 0);
			break;
		}
		h->want_on = true;
		h->want_on_delay_s = cycle_s != 0 ? cycle_s : QEMU_CYCLE_DEFAULT_S;
		h->want_on_cause = 0;
		power_off(h);
		break;
	case POWER_ACTION_RESET:
		if (h->pid == 0 || h->off_requested) {
			host_report_fault(inst, "reset: the VM is off");
			break;
		}
		h->expect_reset = true;
		h->last_reset_ms = uv_now(inst->loop);
		qmp_command(h, "system_reset");
		host_report_reset(inst, 0);
		host_report_booted(inst);
		break;
	case POWER_ACTION_SOFT:
		h->want_on = false;
		h->spawn_at = 0;
		if (h->pid == 0) {
			report_off(h);
			break;
		}
		if (h->off_requested)
			break;
		qmp_command(h, "system_powerdown");
		h->hard_off_at = uv_now(inst->loop) + (uint64_t)h->conf->shutdown_timeout_s * 1000;
		break;
	case POWER_ACTION_DIAG:
		if (h->pid == 0 || h->off_requested) {
			host_report_fault(inst, "nmi: the VM is off");
			break;
		}
		qmp_command(h, "inject-nmi");
		break;
	default:
		host_report_fault(inst, "an unknown power action");
		break;
	}
}

static void
qemu_console_write(struct instance *inst, const uint8_t *bytes, size_t n)
{
	struct qemu_host *h = inst->backend_state;

	if (h == NULL || h->closing || h->con == NULL || !h->con->connected) {
		log_debug("%s: console: %zu typed bytes dropped (not connected)", inst->name, n);
		return;
	}
	conn_write(h->con, bytes, n);
}

/* Close everything of ours; the VM runs on (a restarted daemon re-attaches). */
static void
qemu_close(struct instance *inst)
{
	struct qemu_host *h = inst->backend_state;

	if (h == NULL)
		return;
	inst->backend_state = NULL;
	h->closing = true;
	if (h->pid != 0)
		log_info("%s: the VM (pid %d) keeps running", inst->name, h->pid);
	conn_close(h->vm);
	conn_close(h->qmp);
	conn_close(h->con);
	if (h->proc != NULL) {
		h->proc->h = NULL;
		uv_close((uv_handle_t *)&h->proc->proc, qproc_closed);
		h->proc = NULL;
	}
	if (h->listener_open) {
		h->listener_open = false;
		uv_close((uv_handle_t *)&h->listener, handle_closed);
	}
	if (h->tick_open) {
		h->tick_open = false;
		(void)uv_timer_stop(&h->tick);
		uv_close((uv_handle_t *)&h->tick, handle_closed);
	}
}

const struct host_backend host_backend_qemu = {.name = "qemu",
    .start = qemu_start,
    .power = qemu_power,
    .close = qemu_close,
    .console_write = qemu_console_write};
