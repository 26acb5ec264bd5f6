/*
 * The exec host backend: the governed host's power is driven by configured
 * commands (a PDU or GPIO script, a container runtime...), each run as
 * `/bin/sh -c CMD` with a timeout, one at a time per instance.  A command
 * that exits 0 did what it was asked and the host's new power is reported;
 * anything else is a power fault.  An optional status command, polled,
 * tells the BMC about changes made behind its back.
 *
 * Every child runs in a session of its own so that a timeout kills the
 * whole script (SIGTERM to its process group, SIGKILL 2 s later); its
 * stdout and stderr go to the daemon's log line by line.  Nothing here
 * blocks: the daemon keeps answering while a command runs.
 *
 * Memory: struct exec_host lives until its two timers have closed; each
 * child's struct exec_run until its three handles have closed.  Close
 * callbacks touch only their own struct.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "config/config.h"
#include "core/chassis.h"
#include "io/hostif.h"
#include "io/lan.h"
#include "io/log.h"

extern char **environ;

#define EXEC_QUEUE_MAX 4 /* actions waiting behind the running one; more are a fault */
#define EXEC_GRACE_MS 2000 /* SIGTERM to SIGKILL, and SIGKILL to giving up on the child */
#define EXEC_GROUP_POLL_MS 50 /* after the shell went at SIGTERM: is the rest of its group gone? */
#define EXEC_CYCLE_DEFAULT_S 2 /* a cycle's off time when the core has none */
#define EXEC_LINE_MAX 240 /* longer output lines are logged in pieces */
#define EXEC_LINES_MAX 64 /* output lines logged per command; the rest are counted */

#define JOB_STATUS 0x100 /* not a power action: run the status command */

struct exec_job {
	unsigned action; /* enum bmc_power_action, or JOB_STATUS */
	uint8_t cause; /* RESTART_* for the report of a power-on; 0 = as requested */
	bool startup; /* the first status: report the power, apply the restore policy */
	struct bmc_boot_hint hint;
	unsigned cycle_s;
};

struct exec_host;

/* One child: the process, the pipe of its stdout and stderr, its timeout. */
struct exec_run {
	struct exec_host *h; /* NULL once nobody waits for the result (host closed, child given up) */
	const char *inst_name;
	char what[48]; /* "cycle: power_on", for the log */
	bool quiet; /* status polls log their output at debug level */
	unsigned timeout_s;
	int pid;
	uv_process_t proc;
	uv_pipe_t out;
	uv_timer_t timer;
	int nopen; /* handles not yet closed; the struct is freed at 0 */
	bool proc_open, out_open, timer_open, done;
	int stage; /* 0 running, 1 SIGTERM sent, 2 SIGKILL sent */
	bool leader_gone; /* /bin/sh exited after SIGTERM, others of its group had not yet */
	uint64_t term_ms; /* uv_now() at SIGTERM */
	char rbuf[1024];
	char line[EXEC_LINE_MAX + 1];
	size_t linelen;
	unsigned nlines, dropped;
};

struct exec_host {
	struct instance *inst;
	const struct config_host_exec *conf;
	uv_timer_t poll; /* status polling */
	uv_timer_t wait; /* the off time of a cycle */
	int nopen; /* timers not yet closed; the struct is freed at 0 */
	bool closing;
	int known; /* the power last reported: -1 none yet, 0 off, 1 on */
	bool status_trouble; /* the last status poll said nothing usable (logged once) */
	int restore; /* bmc_restore_action() at start */
	uint8_t restore_cause;

	bool busy; /* job holds the action being carried out */
	struct exec_job job;
	unsigned step; /* which command of the job */
	struct exec_run *run; /* its child, NULL between commands */
	bool failed; /* the job's failure is reported (at a timeout, before its child is gone) */
	struct exec_job queue[EXEC_QUEUE_MAX];
	size_t qhead, qlen;
};

static void job_next(struct exec_host *h);
static void job_finish(struct exec_host *h);

static const char *
action_word(unsigned action)
{
	return action == JOB_STATUS ? "status" : host_action_word(action);
}

static const char *
boot_device_word(const struct bmc_boot_hint *hint)
{
	if (!hint->valid)
		return "none";
	switch (hint->device) {
	case BOOTDEV_NONE:
		return "none";
	case BOOTDEV_PXE:
		return "pxe";
	case BOOTDEV_DISK:
		return "disk";
	case BOOTDEV_DISK_SAFE:
		return "safe";
	case BOOTDEV_DIAG:
		return "diag";
	case BOOTDEV_CDROM:
		return "cdrom";
	case BOOTDEV_BIOS:
		return "bios";
	case BOOTDEV_REMOTE_FLOPPY:
		return "remote-floppy";
	case BOOTDEV_REMOTE_CDROM:
		return "remote-cdrom";
	case BOOTDEV_REMOTE_DISK:
		return "remote-disk";
	case BOOTDEV_FLOPPY:
		return "floppy";
	default:
		return "unknown";
	}
}

/* ---- a child ---- */

static void
run_log_line(struct exec_run *r)
{
	if (r->linelen == 0)
		return;
	r->line[r->linelen] = '\0';
	r->linelen = 0;
	if (r->nlines >= EXEC_LINES_MAX) {
		r->dropped++;
		return;
	}
	r->nlines++;
	if (r->quiet)
		log_debug("%s: %s: %s", r->inst_name, r->what, r->line);
	else
		log_info("%s: %s: %s", r->inst_name, r->what, r->line);
}

static void
run_feed(struct exec_run *r, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch == '\n') {
			run_log_line(r);
			continue;
		}
		if (ch == '\r' && i + 1 < n && p[i + 1] == '\n')
			continue;
		r->line[r->linelen++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
		if (r->linelen == EXEC_LINE_MAX)
			run_log_line(r);
	}
}

static void
run_handle_closed(uv_handle_t *hd)
{
	struct exec_run *r = hd->data;

	if (--r->nopen == 0)
		free(r);
}

/* Close what is still open; the struct goes when the last handle has closed. */
static void
run_close(struct exec_run *r)
{
	if (r->timer_open) {
		r->timer_open = false;
		(void)uv_timer_stop(&r->timer);
		uv_close((uv_handle_t *)&r->timer, run_handle_closed);
	}
	if (r->out_open) {
		r->out_open = false;
		run_log_line(r);
		uv_close((uv_handle_t *)&r->out, run_handle_closed);
	}
	if (r->proc_open) {
		r->proc_open = false;
		uv_close((uv_handle_t *)&r->proc, run_handle_closed);
	}
}

static void
run_alloc(uv_handle_t *hd, size_t suggested, uv_buf_t *buf)
{
	struct exec_run *r = hd->data;

	(void)suggested;
	*buf = uv_buf_init(r->rbuf, sizeof(r->rbuf));
}

static void
run_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct exec_run *r = s->data;

	if (n > 0) {
		run_feed(r, buf->base, (size_t)n);
	} else if (n < 0) {
		/* EOF (or an error): the children are done writing; the exit says the rest. */
		run_log_line(r);
		if (r->out_open) {
			r->out_open = false;
			uv_close((uv_handle_t *)&r->out, run_handle_closed);
		}
	}
}

/* Whatever the child wrote before it exited, read now, so its lines come before the verdict. */
static void
run_drain(struct exec_run *r)
{
	uv_os_fd_t fd;
	ssize_t n;

	if (!r->out_open || uv_fileno((uv_handle_t *)&r->out, &fd) != 0)
		return;
	while ((n = read(fd, r->rbuf, sizeof(r->rbuf))) > 0)
		run_feed(r, r->rbuf, (size_t)n);
	run_log_line(r);
}

static void step_done(struct exec_host *h, bool exited, int64_t status, const char *why);
static void step_failed(struct exec_host *h, const char *why);

/* The verdict on a child: hand it to the host (if anyone still waits) and let the child go. */
static void
run_finish(struct exec_run *r, bool exited, int64_t status, const char *why)
{
	struct exec_host *h = r->h;

	if (r->done)
		return;
	r->done = true;
	run_drain(r);
	if (r->dropped > 0)
		log_info("%s: %s: %u more output lines not logged", r->inst_name, r->what, r->dropped);
	r->h = NULL;
	run_close(r);
	if (h != NULL) {
		h->run = NULL;
		step_done(h, exited, status, why);
	}
}

static void run_timer(uv_timer_t *t);

static void
run_exited(uv_process_t *p, int64_t status, int sig)
{
	struct exec_run *r = p->data;
	char why[96];

	/*
	 * The shell went at SIGTERM but the script it started may ignore it:
	 * while any of the group is left, the grace period runs on to SIGKILL.
	 * (A process group's ID is not reused while the group has members.)
	 */
	if (r->stage == 1 && kill(-r->pid, 0) == 0) {
		r->leader_gone = true;
		(void)uv_timer_start(&r->timer, run_timer, EXEC_GROUP_POLL_MS, 0);
		return;
	}
	if (r->stage > 0)
		snprintf(why, sizeof(why), "timed out after %u s", r->timeout_s);
	else if (sig != 0)
		snprintf(why, sizeof(why), "killed by signal %d", sig);
	else if (status != 0)
		snprintf(why, sizeof(why), "exit status %lld", (long long)status);
	else
		why[0] = '\0';
	run_finish(r, r->stage == 0 && sig == 0, status, why);
}

/* The timeout, then SIGKILL, then giving up on a child that will not die. */
static void
run_timer(uv_timer_t *t)
{
	struct exec_run *r = t->data;
	char why[96];

	snprintf(why, sizeof(why), "timed out after %u s", r->timeout_s);
	switch (r->stage) {
	case 0:
		if (r->quiet)
			log_debug("%s: %s: no answer after %u s: terminating it", r->inst_name, r->what,
			    r->timeout_s);
		else
			log_warnx("%s: %s: no answer after %u s: terminating it", r->inst_name, r->what,
			    r->timeout_s);
		(void)kill(-r->pid, SIGTERM);
		r->stage = 1;
		r->term_ms = uv_now(r->timer.loop);
		(void)uv_timer_start(&r->timer, run_timer, EXEC_GRACE_MS, 0);
		if (r->h != NULL)
			step_failed(r->h, why); /* the fault now; the next action waits for the child's end */
		break;
	case 1:
		if (r->leader_gone && kill(-r->pid, 0) == -1) {
			run_finish(r, false, -1, why); /* the whole group went at SIGTERM */
			break;
		}
		if (r->leader_gone && uv_now(r->timer.loop) < r->term_ms + EXEC_GRACE_MS) {
			(void)uv_timer_start(&r->timer, run_timer, EXEC_GROUP_POLL_MS, 0);
			break;
		}
		if (r->quiet)
			log_debug("%s: %s: still running: killing it", r->inst_name, r->what);
		else
			log_warnx("%s: %s: still running: killing it", r->inst_name, r->what);
		(void)kill(-r->pid, SIGKILL);
		r->stage = 2;
		if (r->leader_gone) /* nothing left to wait for */
			run_finish(r, false, -1, why);
		else
			(void)uv_timer_start(&r->timer, run_timer, EXEC_GRACE_MS, 0);
		break;
	default:
		log_warnx("%s: %s: process %d survives SIGKILL: left behind", r->inst_name, r->what, r->pid);
		run_finish(r, false, -1, why);
		break;
	}
}

/* Strings of the child's environment: ours, less stale GHOSTBMC_ values, plus the action's. */
static char **
run_env(char *const add[], size_t nadd)
{
	static const char *const ours[] = {
	    "GHOSTBMC_ACTION=", "GHOSTBMC_INSTANCE=", "GHOSTBMC_BOOT_DEVICE=", "GHOSTBMC_BOOT_MODE="};
	size_t n = 0, i, j, k = 0;
	char **env;

	while (environ != NULL && environ[n] != NULL)
		n++;
	if ((env = calloc(n + nadd + 1, sizeof(*env))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		bool skip = false;
		for (j = 0; j < sizeof(ours) / sizeof(ours[0]); j++)
			skip |= strncmp(environ[i], ours[j], strlen(ours[j])) == 0;
		if (!skip)
			env[k++] = environ[i];
	}
	for (i = 0; i < nadd; i++)
		env[k++] = add[i];
	env[k] = NULL;
	return env;
}

/*
 * Start cmd for the current job: 0, or -1 with why (nothing is left running).
 * On success h->run is the child; step_done() follows when it ends.
 */
static int
run_start(struct exec_host *h, const char *cmd, const char *name, char *why, size_t whylen)
{
	struct instance *inst = h->inst;
	const struct exec_job *job = &h->job;
	char e_action[48], e_inst[BMC_INSTANCE_NAME_MAX + 32], e_dev[48], e_mode[48];
	char *add[] = {e_action, e_inst, e_dev, e_mode};
	char *args[] = {"/bin/sh", "-c", (char *)cmd, NULL};
	uv_process_options_t o;
	uv_stdio_container_t stdio[3];
	uv_file fds[2] = {-1, -1};
	struct exec_run *r;
	char **env;
	int rc;

	snprintf(e_action, sizeof(e_action), "GHOSTBMC_ACTION=%s", action_word(job->action));
	snprintf(e_inst, sizeof(e_inst), "GHOSTBMC_INSTANCE=%s", inst->name);
	snprintf(e_dev, sizeof(e_dev), "GHOSTBMC_BOOT_DEVICE=%s", boot_device_word(&job->hint));
	snprintf(e_mode, sizeof(e_mode), "GHOSTBMC_BOOT_MODE=%s",
	    job->hint.valid && job->hint.efi ? "efi" : "legacy");
	if ((r = calloc(1, sizeof(*r))) == NULL || (env = run_env(add, 4)) == NULL) {
		free(r);
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	r->inst_name = inst->name;
	r->timeout_s = h->conf->timeout_s;
	r->quiet = job->action == JOB_STATUS;
	if (strcmp(action_word(job->action), name) == 0)
		snprintf(r->what, sizeof(r->what), "%s", name);
	else
		snprintf(r->what, sizeof(r->what), "%s: %s", action_word(job->action), name);

	if ((rc = uv_pipe(fds, 0, 0)) < 0) {
		snprintf(why, whylen, "cannot make a pipe: %s", uv_strerror(rc));
		free(env);
		free(r);
		return -1;
	}
	memset(&o, 0, sizeof(o));
	memset(stdio, 0, sizeof(stdio));
	stdio[0].flags = UV_IGNORE; /* /dev/null */
	stdio[1].flags = UV_INHERIT_FD;
	stdio[1].data.fd = fds[1];
	stdio[2].flags = UV_INHERIT_FD;
	stdio[2].data.fd = fds[1];
	o.file = "/bin/sh";
	o.args = args;
	o.env = env;
	o.exit_cb = run_exited;
	o.flags = UV_PROCESS_DETACHED; /* a session and process group of its own, to kill as a whole */
	o.stdio = stdio;
	o.stdio_count = 3;
	rc = uv_spawn(inst->loop, &r->proc, &o);
	r->proc.data = r;
	free(env);
	(void)close(fds[1]);
	r->proc_open = true; /* initialised even when the spawn failed */
	r->nopen++;
	if (rc < 0) {
		snprintf(why, whylen, "cannot run /bin/sh: %s", uv_strerror(rc));
		(void)close(fds[0]);
		run_close(r);
		return -1;
	}
	r->pid = r->proc.pid;
	if ((rc = uv_timer_init(inst->loop, &r->timer)) == 0) {
		r->timer.data = r;
		r->timer_open = true;
		r->nopen++;
		rc = uv_timer_start(&r->timer, run_timer, (uint64_t)r->timeout_s * 1000, 0);
	}
	if (rc == 0 && (rc = uv_pipe_init(inst->loop, &r->out, 0)) == 0) {
		r->out.data = r;
		r->out_open = true;
		r->nopen++;
		if ((rc = uv_pipe_open(&r->out, fds[0])) == 0)
			fds[0] = -1;
		if (rc == 0)
			rc = uv_read_start((uv_stream_t *)&r->out, run_alloc, run_read);
	}
	if (rc < 0) {
		/* The child runs but cannot be watched: stop it. */
		(void)kill(-r->pid, SIGKILL);
		if (fds[0] != -1)
			(void)close(fds[0]);
		snprintf(why, whylen, "cannot watch the command: %s", uv_strerror(rc));
		run_close(r);
		return -1;
	}
	log_debug("%s: %s: running %s (pid %d)", inst->name, r->what, cmd, r->pid);
	r->h = h;
	h->run = r;
	return 0;
}

/* ---- jobs: an action as a sequence of commands ---- */

static void
report_power(struct exec_host *h, bool on, uint8_t cause)
{
	h->known = on;
	h->status_trouble = false;
	host_report_power(h->inst, on, cause);
}

/* The command of the job's current step, or NULL when the job has no more; *name is its key. */
static const char *
step_command(const struct exec_host *h, const char **name)
{
	const struct config_host_exec *c = h->conf;

	switch (h->job.action) {
	case POWER_ACTION_ON:
		*name = "power_on";
		return h->step == 0 ? c->power_on : NULL;
	case POWER_ACTION_OFF:
		*name = "power_off";
		return h->step == 0 ? c->power_off : NULL;
	case POWER_ACTION_SOFT:
		*name = c->soft_off[0] != '\0' ? "soft_off" : "power_off";
		return h->step == 0 ? (c->soft_off[0] != '\0' ? c->soft_off : c->power_off) : NULL;
	case POWER_ACTION_RESET:
		if (c->reset[0] != '\0') {
			*name = "reset";
			return h->step == 0 ? c->reset : NULL;
		}
		*name = h->step == 0 ? "power_off" : "power_on"; /* off, then on */
		return h->step == 0 ? c->power_off : h->step == 1 ? c->power_on : NULL;
	case POWER_ACTION_CYCLE:
		*name = h->step == 0 ? "power_off" : "power_on";
		return h->step == 0 ? c->power_off : h->step == 1 ? c->power_on : NULL;
	case POWER_ACTION_DIAG:
		*name = "nmi";
		return h->step == 0 && c->nmi[0] != '\0' ? c->nmi : NULL;
	case JOB_STATUS:
		*name = "status";
		return h->step == 0 ? c->status : NULL;
	default:
		*name = "?";
		return NULL;
	}
}

static void
fault(struct exec_host *h, const char *name, const char *why)
{
	char what[160];

	if (strcmp(action_word(h->job.action), name) == 0)
		snprintf(what, sizeof(what), "%s: %s", name, why);
	else
		snprintf(what, sizeof(what), "%s: %s: %s", action_word(h->job.action), name, why);
	host_report_fault(h->inst, what);
}

static void
status_result(struct exec_host *h, bool exited, int64_t status, const char *why)
{
	const char *name = h->inst->name;
	int now = !exited ? -1 : status == 0 ? 1 : status == 1 ? 0 : -1;

	if (now == -1) {
		/* Logged once, not at every poll. */
		if (!h->status_trouble || h->job.startup)
			log_warnx("%s: status: %s: the host's power is unknown%s", name, why,
			    h->job.startup ? "; the restore policy is not applied" : "");
		h->status_trouble = true;
		return;
	}
	if (h->status_trouble)
		log_info("%s: status: the host's power is known again", name);
	h->status_trouble = false;
	if (h->job.startup || h->known == -1)
		log_info("%s: host found %s", name, now ? "on" : "off");
	else if (now != h->known)
		log_info("%s: status: the host is %s (changed outside the BMC)", name, now ? "on" : "off");
	if (now != h->known)
		report_power(h, now == 1, 0);
	if (h->job.startup) {
		if (now == 0 && h->restore == POWER_ACTION_ON) {
			struct exec_job on;

			memset(&on, 0, sizeof(on));
			on.action = POWER_ACTION_ON;
			on.cause = h->restore_cause;
			bmc_boot_hint(h->inst->bmc, &on.hint);
			log_info("%s: restore policy: powering the host on", name);
			/* First in line: it decides what the host is when the BMC starts. */
			h->qhead = (h->qhead + EXEC_QUEUE_MAX - 1) % EXEC_QUEUE_MAX;
			if (h->qlen == EXEC_QUEUE_MAX) {
				char what[96];

				/* The newest waiting action makes room. */
				snprintf(what, sizeof(what), "%s: dropped for the restore policy's power-on",
				    action_word(h->queue[h->qhead].action));
				h->qlen--;
				host_report_fault(h->inst, what);
			}
			h->queue[h->qhead] = on;
			h->qlen++;
		}
	}
}

/*
 * The current step failed: a power fault, reported once.  A timeout reports
 * at once (the host waits no longer for the child to die); the job still
 * holds the slot until the child is gone.
 */
static void
step_failed(struct exec_host *h, const char *why)
{
	const char *name;

	if (h->failed || h->job.action == JOB_STATUS)
		return;
	h->failed = true;
	(void)step_command(h, &name);
	/* A reset done as off and on that failed half way left the host off. */
	if (h->step == 1 && h->job.action == POWER_ACTION_RESET)
		report_power(h, false, 0);
	fault(h, name, why);
}

/* A cycle's off time is over: power on. */
static void
cycle_wait_done(uv_timer_t *t)
{
	struct exec_host *h = t->data;

	if (!h->closing && h->busy)
		job_next(h);
}

/* The current step's command ended: exited (normally) with status, or failed for why. */
static void
step_done(struct exec_host *h, bool exited, int64_t status, const char *why)
{
	const struct exec_job *job = &h->job;
	bool ok = exited && status == 0;
	const char *name;

	(void)step_command(h, &name);
	if (job->action == JOB_STATUS) {
		status_result(h, exited, status, why);
		job_finish(h);
		return;
	}
	if (!ok) {
		step_failed(h, why);
		job_finish(h);
		return;
	}
	if (strcmp(action_word(job->action), name) == 0)
		log_info("%s: %s: done", h->inst->name, name);
	else
		log_info("%s: %s: %s done", h->inst->name, action_word(job->action), name);
	switch (job->action) {
	case POWER_ACTION_ON:
		report_power(h, true, job->cause);
		host_report_booted(h->inst); /* the firmware is out of sight: it took the hint */
		break;
	case POWER_ACTION_OFF:
	case POWER_ACTION_SOFT:
		report_power(h, false, 0);
		break;
	case POWER_ACTION_RESET:
		if (h->conf->reset[0] == '\0' && h->step == 0) {
			h->step++;
			job_next(h);
			return;
		}
		h->known = 1;
		host_report_reset(h->inst, job->cause);
		host_report_booted(h->inst);
		break;
	case POWER_ACTION_CYCLE:
		if (h->step == 0) {
			unsigned s = job->cycle_s != 0 ? job->cycle_s : EXEC_CYCLE_DEFAULT_S;

			report_power(h, false, 0);
			h->step++;
			if (uv_timer_start(&h->wait, cycle_wait_done, (uint64_t)s * 1000, 0) < 0)
				job_next(h);
			return;
		}
		report_power(h, true, job->cause);
		host_report_booted(h->inst);
		break;
	default:
		break; /* an NMI changes no power */
	}
	job_finish(h);
}

/* Run the current step's command. */
static void
job_next(struct exec_host *h)
{
	const char *name, *cmd = step_command(h, &name);
	char why[160];

	if (cmd == NULL) {
		job_finish(h);
		return;
	}
	if (run_start(h, cmd, name, why, sizeof(why)) == -1)
		step_done(h, false, -1, why);
}

static void
job_start(struct exec_host *h, const struct exec_job *job, bool queued)
{
	h->busy = true;
	h->job = *job;
	h->step = 0;
	h->failed = false;
	/* A job that waited boots by the flags as they are now (an earlier boot may have spent them). */
	if (queued && job->action != JOB_STATUS)
		bmc_boot_hint(h->inst->bmc, &h->job.hint);
	if (job->action == POWER_ACTION_ON || job->action == POWER_ACTION_CYCLE ||
	    job->action == POWER_ACTION_RESET)
		log_info("%s: %s: starting (boot device %s, %s)", h->inst->name, action_word(job->action),
		    boot_device_word(&h->job.hint), h->job.hint.valid && h->job.hint.efi ? "efi" : "legacy");
	else if (job->action != JOB_STATUS)
		log_info("%s: %s: starting", h->inst->name, action_word(job->action));
	job_next(h);
}

/* The job is over: the next waiting one, if any. */
static void
job_finish(struct exec_host *h)
{
	struct exec_job next;

	h->busy = false;
	h->step = 0;
	h->failed = false;
	if (h->closing || h->qlen == 0)
		return;
	next = h->queue[h->qhead];
	h->qhead = (h->qhead + 1) % EXEC_QUEUE_MAX;
	h->qlen--;
	job_start(h, &next, true);
}

/* ---- the backend ---- */

static void
poll_due(uv_timer_t *t)
{
	struct exec_host *h = t->data;
	struct exec_job job;

	/* A running or waiting action will report; the next poll looks again. */
	if (h->closing || h->busy || h->qlen > 0)
		return;
	memset(&job, 0, sizeof(job));
	job.action = JOB_STATUS;
	bmc_boot_hint(h->inst->bmc, &job.hint);
	job_start(h, &job, false);
}

static void
host_timer_closed(uv_handle_t *hd)
{
	struct exec_host *h = hd->data;

	if (--h->nopen == 0)
		free(h);
}

static int
exec_start(struct instance *inst, char *err, size_t errlen)
{
	const struct config_host_exec *c = &inst->cfg->host_exec;
	struct exec_host *h;
	struct exec_job job;
	int rc;

	if (c->power_on[0] == '\0' || c->power_off[0] == '\0') {
		snprintf(
		    err, errlen, "%s: host type exec needs the power_on and power_off commands", inst->name);
		return -1;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(err, errlen, "%s: out of memory", inst->name);
		return -1;
	}
	h->inst = inst;
	h->conf = c;
	h->known = -1;
	/* Asked before any report: a report of "off" would change what "previous" means. */
	h->restore = bmc_restore_action(inst->bmc, &h->restore_cause);
	h->poll.data = h->wait.data = h;
	if ((rc = uv_timer_init(inst->loop, &h->poll)) < 0) {
		free(h);
		snprintf(err, errlen, "%s: timer: %s", inst->name, uv_strerror(rc));
		return -1;
	}
	h->nopen = 1;
	inst->backend_state = h;
	if ((rc = uv_timer_init(inst->loop, &h->wait)) < 0) {
		snprintf(err, errlen, "%s: timer: %s", inst->name, uv_strerror(rc));
		return -1; /* the caller gives up; close() closes the poll timer */
	}
	h->nopen = 2;
	log_info("%s: host backend exec: timeout %u s, %s", inst->name, c->timeout_s,
	    c->status[0] != '\0' ? "status polled" : "no status command");
	memset(&job, 0, sizeof(job));
	bmc_boot_hint(inst->bmc, &job.hint);
	if (c->status[0] != '\0') {
		/* Nothing is reported until the status command has answered. */
		uint64_t ms = (uint64_t)c->poll_interval_s * 1000;

		job.action = JOB_STATUS;
		job.startup = true;
		job_start(h, &job, false);
		if ((rc = uv_timer_start(&h->poll, poll_due, ms, ms)) < 0) {
			snprintf(err, errlen, "%s: timer: %s", inst->name, uv_strerror(rc));
			return -1;
		}
		return 0;
	}
	/* No way to ask: the host is taken to be off, as after a loss of power. */
	log_info("%s: no status command: the host is taken to be off", inst->name);
	report_power(h, false, 0);
	if (h->restore == POWER_ACTION_ON) {
		log_info("%s: restore policy: powering the host on", inst->name);
		job.action = POWER_ACTION_ON;
		job.cause = h->restore_cause;
		job_start(h, &job, false);
	}
	return 0;
}

static void
exec_power(struct instance *inst, unsigned action, const struct bmc_boot_hint *hint, unsigned cycle_s)
{
	struct exec_host *h = inst->backend_state;
	struct exec_job job;

	if (h == NULL || h->closing) {
		log_warnx(
		    "%s: power %s ignored: the host backend is stopped", inst->name, action_word(action));
		return;
	}
	if (action > POWER_ACTION_DIAG) {
		host_report_fault(inst, "an unknown power action");
		return;
	}
	if (action == POWER_ACTION_DIAG && h->conf->nmi[0] == '\0') {
		host_report_fault(inst, "nmi: not supported (no nmi command configured)");
		return;
	}
	memset(&job, 0, sizeof(job));
	job.action = action;
	job.hint = *hint;
	job.cycle_s = cycle_s;
	if (!h->busy) {
		job_start(h, &job, false);
		return;
	}
	if (h->qlen == EXEC_QUEUE_MAX) {
		char what[96];

		snprintf(what, sizeof(what), "%s: %d actions are already waiting", action_word(action),
		    EXEC_QUEUE_MAX);
		host_report_fault(inst, what);
		return;
	}
	log_info(
	    "%s: %s: waiting for %s to finish", inst->name, action_word(action), action_word(h->job.action));
	h->queue[(h->qhead + h->qlen) % EXEC_QUEUE_MAX] = job;
	h->qlen++;
}

static void
exec_close(struct instance *inst)
{
	struct exec_host *h = inst->backend_state;
	struct exec_run *r;

	if (h == NULL)
		return;
	inst->backend_state = NULL;
	h->closing = true;
	h->qlen = 0;
	if ((r = h->run) != NULL) {
		/* The loop is ending: nobody would see the result.  Stop the whole process group. */
		h->run = NULL;
		r->h = NULL;
		r->done = true;
		log_warnx("%s: %s: stopped unfinished (the daemon is stopping)", r->inst_name, r->what);
		(void)kill(-r->pid, SIGKILL);
		run_close(r);
	}
	if (h->nopen >= 1) {
		(void)uv_timer_stop(&h->poll);
		uv_close((uv_handle_t *)&h->poll, host_timer_closed);
	}
	if (h->nopen >= 2) {
		(void)uv_timer_stop(&h->wait);
		uv_close((uv_handle_t *)&h->wait, host_timer_closed);
	}
}

/* No console input: a real host's serial console is not ours to reach. */
const struct host_backend host_backend_exec = {
    .name = "exec", .start = exec_start, .power = exec_power, .close = exec_close};
