/*
 * The simulated 1U server.  A handful of first-order lags stand in for the
 * physics: each quantity moves toward a target with its own time constant,
 * so a load change warms the CPUs over tens of seconds, the fan curve
 * answers, and a failed fan spins down in a couple of seconds.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "core/chassis.h"
#include "host/sim.h"

#define FAN_MAX_RPM 16000.0
#define FAN_MIN_DUTY 0.30
#define FAN_CURVE_LO 45.0 /* hottest CPU at which fans leave their minimum */
#define FAN_CURVE_HI 80.0 /* ... and reach full speed */
#define CPU_IDLE_W 15.0
#define CPU_LOAD_W 110.0
#define BOARD_W 40.0
#define STANDBY_W 8.0
#define PSU_EFFICIENCY 0.92
#define MAINS_V 230.0

#define TAU_FAN_MS 2000.0
#define TAU_FAN_STOP_MS 1500.0
#define TAU_CPU_MS 15000.0
#define TAU_DIMM_MS 30000.0
#define TAU_EXHAUST_MS 20000.0
#define TAU_COOL_MS 60000.0 /* heatsinks after power-off */

struct sim_host {
	struct sim_params p;
	bool power; /* the machine has power: every phase but OFF and CYCLE_WAIT */
	enum sim_phase phase;
	uint64_t phase_left_ms; /* until the phase ends by itself */
	unsigned events;
	uint8_t boot_device;
	bool boot_efi;
	uint8_t *con; /* output queue, a ring of con_cap bytes */
	size_t con_cap;
	size_t con_start, con_len;
	/* the OS's console: login, then a shell */
	enum { TTY_LOGIN, TTY_PASSWORD, TTY_SHELL } tty;
	char line[128];
	size_t line_len;
	uint64_t os_ms; /* uptime of the running OS */
	double load; /* 0..1 */
	double cpu_c[SIM_MAX_CPUS];
	double dimm_c, exhaust_c;
	double fan_rpm[SIM_MAX_FANS];
	bool fan_failed[SIM_MAX_FANS];
	bool psu_failed[SIM_MAX_PSUS];
	bool intrusion;
	uint64_t rng;
};

void
sim_params_defaults(struct sim_params *p)
{
	memset(p, 0, sizeof(*p));
	p->power_on = true;
	p->load_pct = 20;
	p->ambient_c = 24.0;
	p->ncpus = 2;
	p->nfans = 4;
	p->npsus = 2;
	p->seed = 0x9e3779b97f4a7c15ull;
}

/* xorshift64*: the noise needs to look random, not be secret. */
static double
noise(struct sim_host *s)
{
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return (double)((s->rng * 0x2545f4914f6cdd1dull) >> 11) / (double)(1ull << 53) * 2.0 - 1.0;
}

static unsigned
clamp_count(unsigned n, unsigned max)
{
	return n > max ? max : n;
}

struct sim_host *
sim_new(const struct sim_params *p)
{
	struct sim_host *s;
	unsigned i;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->con_cap = p->console_queue ? p->console_queue : SIM_CONSOLE_QUEUE;
	if ((s->con = malloc(s->con_cap)) == NULL) {
		free(s);
		return NULL;
	}
	s->p = *p;
	s->p.ncpus = clamp_count(p->ncpus, SIM_MAX_CPUS);
	s->p.nfans = clamp_count(p->nfans, SIM_MAX_FANS);
	s->p.npsus = clamp_count(p->npsus, SIM_MAX_PSUS);
	s->power = p->power_on;
	s->phase = p->power_on ? SIM_RUNNING : SIM_OFF;
	s->load = (p->load_pct > 100 ? 100 : p->load_pct) / 100.0;
	s->rng = p->seed ? p->seed : 1;
	/* Start near equilibrium so the first readings are already believable. */
	for (i = 0; i < SIM_MAX_CPUS; i++)
		s->cpu_c[i] = p->ambient_c + (s->power ? 15.0 + 25.0 * s->load : 0);
	s->dimm_c = p->ambient_c + (s->power ? 8.0 + 12.0 * s->load : 0);
	s->exhaust_c = p->ambient_c + (s->power ? 10.0 + 15.0 * s->load : 0);
	for (i = 0; i < SIM_MAX_FANS; i++)
		s->fan_rpm[i] = s->power ? FAN_MAX_RPM * FAN_MIN_DUTY : 0;
	for (i = 0; i < 50; i++)
		sim_step(s, 1000);
	return s;
}

void
sim_free(struct sim_host *s)
{
	if (s != NULL)
		free(s->con);
	free(s);
}

/* ---- the machine's life ---- */

static void
console_write(struct sim_host *s, const void *data, size_t n)
{
	const uint8_t *p = data;
	size_t i;

	if (s->con == NULL)
		return;
	for (i = 0; i < n; i++) {
		s->con[(s->con_start + s->con_len) % s->con_cap] = p[i];
		if (s->con_len < s->con_cap)
			s->con_len++;
		else
			s->con_start = (s->con_start + 1) % s->con_cap;
	}
}

static void
console_put(struct sim_host *s, const char *text)
{
	console_write(s, text, strlen(text));
}

size_t
sim_console_take(struct sim_host *s, uint8_t *out, size_t max)
{
	size_t i, n = s->con_len < max ? s->con_len : max;

	for (i = 0; i < n; i++)
		out[i] = s->con[(s->con_start + i) % s->con_cap];
	s->con_start = (s->con_start + n) % s->con_cap;
	s->con_len -= n;
	return n;
}

size_t
sim_console_pending(const struct sim_host *s)
{
	return s->con_len;
}

static const char *const phase_names[] = {
    "off", "post", "booting", "running", "shutting-down", "hung", "cycle-wait"};

const char *
sim_phase_name(enum sim_phase p)
{
	return (unsigned)p < sizeof(phase_names) / sizeof(phase_names[0]) ? phase_names[p] : "unknown";
}

enum sim_phase
sim_phase(const struct sim_host *s)
{
	return s->phase;
}

static void
enter(struct sim_host *s, enum sim_phase p, uint64_t ms)
{
	bool had = s->power;

	s->phase = p;
	s->phase_left_ms = ms;
	s->power = p != SIM_OFF && p != SIM_CYCLE_WAIT;
	if (s->power && !had)
		s->events |= SIM_EV_POWER_ON;
	if (!s->power && had)
		s->events |= SIM_EV_POWER_OFF;
	switch (p) {
	case SIM_POST:
		console_put(s, "\r\nghostbmc virtual firmware 1.0 - POST\r\nMemory test ... 65536 MB OK\r\n");
		break;
	case SIM_SHUTTING_DOWN:
		console_put(
		    s, "\r\nACPI power button pressed: shutting down\r\nReached target Power-Off.\r\n");
		break;
	case SIM_OFF:
		console_put(s, "\r\n[power off]\r\n");
		break;
	default:
		break;
	}
}

static const char *
boot_device_text(uint8_t dev)
{
	switch (dev) {
	case 0x1:
		return "network (PXE)";
	case 0x5:
	case 0x8:
		return "CD/DVD";
	case 0x6:
		return "firmware setup";
	case 0x4:
		return "diagnostic partition";
	case 0xf:
		return "floppy";
	default:
		return "disk";
	}
}

/* The phase ran its course: the next one. */
static void
phase_done(struct sim_host *s)
{
	char line[128];

	switch (s->phase) {
	case SIM_POST:
		snprintf(line, sizeof(line), "Booting from %s (%s)\r\n", boot_device_text(s->boot_device),
		    s->boot_efi ? "UEFI" : "legacy BIOS");
		console_put(s, line);
		console_put(s,
		    "GRUB loading.\r\nWelcome to GRUB!\r\n\r\n  Booting `Debian GNU/Linux'\r\n\r\n"
		    "Loading Linux 6.1.0-28-amd64 ...\r\nLoading initial ramdisk ...\r\n"
		    "[    0.000000] Linux version 6.1.0-28-amd64 (debian-kernel@lists.debian.org) "
		    "(gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1\r\n"
		    "[    0.000000] Command line: BOOT_IMAGE=/vmlinuz-6.1.0-28-amd64 root=/dev/sda1 ro "
		    "console=tty0 console=ttyS0,115200n8\r\n"
		    "[    0.012345] ACPI: IPMI: found a BMC at 0xca2 (KCS)\r\n"
		    "[    1.234567] ipmi_si IPI0001:00: IPMI kcs interface initialized\r\n");
		s->events |= SIM_EV_BOOTED;
		s->boot_device = 0;
		s->boot_efi = false;
		enter(s, SIM_BOOTING, SIM_BOOT_MS);
		break;
	case SIM_BOOTING:
		console_put(s,
		    "[    2.104311] systemd[1]: Reached target Multi-User System.\r\n"
		    "\r\nDebian GNU/Linux 12 sim ttyS0\r\n\r\nsim login: ");
		s->tty = TTY_LOGIN;
		s->line_len = 0;
		s->os_ms = 0;
		enter(s, SIM_RUNNING, 0);
		break;
	case SIM_SHUTTING_DOWN:
		enter(s, SIM_OFF, 0);
		break;
	case SIM_CYCLE_WAIT:
		enter(s, SIM_POST, SIM_POST_MS);
		break;
	default:
		break;
	}
}

int
sim_power_action(struct sim_host *s, unsigned action, unsigned cycle_s)
{
	switch (action) {
	case POWER_ACTION_OFF:
		enter(s, SIM_OFF, 0);
		return 0;
	case POWER_ACTION_ON:
		if (!s->power)
			enter(s, SIM_POST, SIM_POST_MS);
		return 0;
	case POWER_ACTION_CYCLE:
		enter(s, SIM_CYCLE_WAIT, cycle_s ? cycle_s * 1000ull : SIM_CYCLE_MS);
		return 0;
	case POWER_ACTION_RESET:
		if (!s->power)
			return -1;
		console_put(s, "\r\n[reset]\r\n");
		s->events |= SIM_EV_RESET;
		enter(s, SIM_POST, SIM_POST_MS);
		return 0;
	case POWER_ACTION_SOFT:
		if (s->phase == SIM_RUNNING)
			enter(s, SIM_SHUTTING_DOWN, SIM_SHUTDOWN_MS);
		else if (s->power && s->phase != SIM_SHUTTING_DOWN)
			enter(s, SIM_OFF, 0); /* no OS to ask: ACPI firmware turns it off */
		return s->power || s->phase == SIM_OFF ? 0 : -1;
	case POWER_ACTION_DIAG:
		if (s->phase != SIM_RUNNING)
			return -1;
		console_put(s,
		    "\r\nUhhuh. NMI received for unknown reason 3d on CPU 0.\r\n"
		    "Kernel panic - not syncing: NMI: Not continuing\r\n");
		enter(s, SIM_HUNG, 0);
		return 0;
	default:
		return -1;
	}
}

void
sim_set_boot_hint(struct sim_host *s, uint8_t device, bool efi)
{
	s->boot_device = device;
	s->boot_efi = efi;
}

unsigned
sim_take_events(struct sim_host *s)
{
	unsigned e = s->events;

	s->events = 0;
	return e;
}

bool
sim_os_alive(const struct sim_host *s)
{
	return s->phase == SIM_RUNNING;
}

/* ---- the OS's console ---- */

static void
prompt(struct sim_host *s)
{
	console_put(
	    s, s->tty == TTY_SHELL ? "root@sim:~# " : (s->tty == TTY_LOGIN ? "sim login: " : "Password: "));
}

static void
cmd_seq(struct sim_host *s, const char *args)
{
	unsigned long a = 1, b = 0, i;
	char num[24];
	int n = sscanf(args, "%lu %lu", &a, &b);

	if (n == 1) {
		b = a;
		a = 1;
	} else if (n != 2) {
		console_put(s, "seq: missing operand\r\n");
		return;
	}
	/* Bounded, like everything a console client can ask for. */
	if (b - a > 1000000 || b < a) {
		console_put(s, "seq: range too large\r\n");
		return;
	}
	for (i = a; i <= b; i++) {
		snprintf(num, sizeof(num), "%lu\r\n", i);
		console_put(s, num);
	}
}

static void
run_command(struct sim_host *s, const char *cmd)
{
	char buf[160];

	while (*cmd == ' ')
		cmd++;
	if (*cmd == '\0') {
		/* nothing */
	} else if (strcmp(cmd, "help") == 0) {
		console_put(s,
		    "commands: help uptime uname [-a] hostname whoami echo seq reboot poweroff panic "
		    "exit\r\n");
	} else if (strcmp(cmd, "uptime") == 0) {
		unsigned long m = (unsigned long)(s->os_ms / 60000);
		snprintf(buf, sizeof(buf), " up %lu:%02lu,  1 user,  load average: %.2f, %.2f, %.2f\r\n",
		    m / 60, m % 60, s->load * 4, s->load * 3.6, s->load * 3.2);
		console_put(s, buf);
	} else if (strcmp(cmd, "uname") == 0) {
		console_put(s, "Linux\r\n");
	} else if (strcmp(cmd, "uname -a") == 0) {
		console_put(s,
		    "Linux sim 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 x86_64 GNU/Linux\r\n");
	} else if (strcmp(cmd, "hostname") == 0) {
		console_put(s, "sim\r\n");
	} else if (strcmp(cmd, "whoami") == 0) {
		console_put(s, "root\r\n");
	} else if (strncmp(cmd, "echo", 4) == 0 && (cmd[4] == ' ' || cmd[4] == '\0')) {
		console_put(s, cmd[4] ? cmd + 5 : "");
		console_put(s, "\r\n");
	} else if (strncmp(cmd, "seq ", 4) == 0) {
		cmd_seq(s, cmd + 4);
	} else if (strcmp(cmd, "reboot") == 0) {
		console_put(s, "[  OK  ] Reached target System Reboot.\r\nreboot: Restarting system\r\n");
		s->events |= SIM_EV_RESET;
		enter(s, SIM_POST, SIM_POST_MS);
		return;
	} else if (strcmp(cmd, "poweroff") == 0) {
		enter(s, SIM_SHUTTING_DOWN, SIM_SHUTDOWN_MS);
		return;
	} else if (strcmp(cmd, "panic") == 0) {
		console_put(s,
		    "[ 4242.424242] sysrq: Trigger a crash\r\n"
		    "[ 4242.424243] Kernel panic - not syncing: sysrq triggered crash\r\n");
		enter(s, SIM_HUNG, 0);
		return;
	} else if (strcmp(cmd, "exit") == 0 || strcmp(cmd, "logout") == 0) {
		s->tty = TTY_LOGIN;
		console_put(s, "\r\n");
	} else {
		snprintf(buf, sizeof(buf), "-bash: %.100s: command not found\r\n", cmd);
		console_put(s, buf);
	}
	prompt(s);
}

void
sim_console_input(struct sim_host *s, const uint8_t *in, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t ch = in[i];

		if (s->phase != SIM_RUNNING)
			continue; /* nobody reads the serial port */
		if (ch == '\r' || ch == '\n') {
			console_put(s, "\r\n");
			s->line[s->line_len] = '\0';
			s->line_len = 0;
			if (s->tty == TTY_LOGIN) {
				/* An empty name asks again, as getty does. */
				if (s->line[0] != '\0')
					s->tty = TTY_PASSWORD;
				prompt(s);
			} else if (s->tty == TTY_PASSWORD) {
				s->tty = TTY_SHELL;
				console_put(s, "Linux sim 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC x86_64\r\n");
				prompt(s);
			} else {
				run_command(s, s->line);
			}
			if (s->phase != SIM_RUNNING)
				return;
			continue;
		}
		if (ch == 0x7f || ch == 0x08) {
			if (s->line_len > 0) {
				s->line_len--;
				if (s->tty != TTY_PASSWORD)
					console_put(s, "\b \b");
			}
			continue;
		}
		if (ch == 0x03) { /* ^C */
			s->line_len = 0;
			console_put(s, "^C\r\n");
			prompt(s);
			continue;
		}
		if (ch < 0x20 || s->line_len + 1 >= sizeof(s->line))
			continue;
		s->line[s->line_len++] = (char)ch;
		if (s->tty != TTY_PASSWORD)
			console_write(s, &ch, 1);
	}
}

int
sim_hang(struct sim_host *s)
{
	if (s->phase != SIM_RUNNING)
		return -1;
	console_put(s, "\r\nINFO: task kworker/0:1 blocked for more than 120 seconds.\r\n");
	enter(s, SIM_HUNG, 0);
	return 0;
}

void
sim_set_power(struct sim_host *s, bool on)
{
	/* A hand on the power button: on goes through POST, off is immediate. */
	(void)sim_power_action(s, on ? POWER_ACTION_ON : POWER_ACTION_OFF, 0);
}

bool
sim_power(const struct sim_host *s)
{
	return s->power;
}

int
sim_set_load(struct sim_host *s, unsigned pct)
{
	if (pct > 100)
		return -1;
	s->load = pct / 100.0;
	return 0;
}

unsigned
sim_load(const struct sim_host *s)
{
	return (unsigned)lround(s->load * 100.0);
}

int
sim_fan_fail(struct sim_host *s, unsigned fan, bool failed)
{
	if (fan < 1 || fan > s->p.nfans)
		return -1;
	s->fan_failed[fan - 1] = failed;
	return 0;
}

int
sim_psu_fail(struct sim_host *s, unsigned psu, bool failed)
{
	if (psu < 1 || psu > s->p.npsus)
		return -1;
	s->psu_failed[psu - 1] = failed;
	return 0;
}

void
sim_intrusion(struct sim_host *s, bool open)
{
	s->intrusion = open;
}

void
sim_clear_faults(struct sim_host *s)
{
	memset(s->fan_failed, 0, sizeof(s->fan_failed));
	memset(s->psu_failed, 0, sizeof(s->psu_failed));
	s->intrusion = false;
}

static void
approach(double *x, double target, double dt_ms, double tau_ms)
{
	*x = target + (*x - target) * exp(-dt_ms / tau_ms);
}

/* Mean speed of the fans as a fraction of full speed: the airflow. */
static double
airflow(const struct sim_host *s)
{
	double sum = 0;
	unsigned i;

	if (s->p.nfans == 0)
		return 0.5; /* passive cooling: call it half */
	for (i = 0; i < s->p.nfans; i++)
		sum += s->fan_rpm[i];
	return sum / (s->p.nfans * FAN_MAX_RPM);
}

static double
cpu_watts(const struct sim_host *s)
{
	return s->power ? CPU_IDLE_W + CPU_LOAD_W * s->load : 0;
}

static double
fan_duty(const struct sim_host *s)
{
	double hottest = s->p.ambient_c, d;
	unsigned i;

	for (i = 0; i < s->p.ncpus; i++)
		if (s->cpu_c[i] > hottest)
			hottest = s->cpu_c[i];
	for (i = 0; i < s->p.nfans; i++)
		if (s->fan_failed[i])
			return 1.0; /* a lost fan: the rest run flat out */
	d = FAN_MIN_DUTY + (1.0 - FAN_MIN_DUTY) * (hottest - FAN_CURVE_LO) / (FAN_CURVE_HI - FAN_CURVE_LO);
	return d < FAN_MIN_DUTY ? FAN_MIN_DUTY : (d > 1.0 ? 1.0 : d);
}

/* AC input of the whole machine. */
static double
input_watts(const struct sim_host *s)
{
	double duty = fan_duty(s), dc;

	if (!s->power)
		return STANDBY_W;
	dc = s->p.ncpus * cpu_watts(s) + BOARD_W + s->p.nfans * (2.0 + 18.0 * duty * duty * duty);
	return dc / PSU_EFFICIENCY + STANDBY_W;
}

void
sim_step(struct sim_host *s, uint64_t dt_ms)
{
	double dt = (double)dt_ms, flow, duty, r_th;
	uint64_t left;
	unsigned i;

	/* The machine's phase first: it decides what has power. */
	if (s->phase == SIM_RUNNING)
		s->os_ms += dt_ms;
	left = dt_ms;
	while (left > 0 && s->phase_left_ms > 0) {
		uint64_t step = left < s->phase_left_ms ? left : s->phase_left_ms;
		s->phase_left_ms -= step;
		left -= step;
		if (s->phase_left_ms == 0)
			phase_done(s);
	}
	duty = fan_duty(s);
	for (i = 0; i < s->p.nfans; i++) {
		if (s->fan_failed[i] || !s->power)
			approach(&s->fan_rpm[i], 0, dt, TAU_FAN_STOP_MS);
		else
			approach(&s->fan_rpm[i], duty * FAN_MAX_RPM, dt, TAU_FAN_MS);
	}
	flow = airflow(s);
	/* Heatsink to air: worse as the airflow drops. */
	r_th = 0.30 + 0.35 * (1.0 - flow);
	for (i = 0; i < s->p.ncpus; i++)
		approach(&s->cpu_c[i], s->p.ambient_c + cpu_watts(s) * r_th, dt,
		    s->power ? TAU_CPU_MS : TAU_COOL_MS);
	approach(&s->dimm_c, s->p.ambient_c + (s->power ? 5.0 + 20.0 * s->load * (1.0 - 0.5 * flow) : 0), dt,
	    s->power ? TAU_DIMM_MS : TAU_COOL_MS);
	approach(&s->exhaust_c,
	    s->p.ambient_c + (s->power ? (input_watts(s) - STANDBY_W) * 0.06 / (0.2 + flow) : 0), dt,
	    s->power ? TAU_EXHAUST_MS : TAU_COOL_MS);
}

static unsigned
working_psus(const struct sim_host *s)
{
	unsigned i, n = 0;

	for (i = 0; i < s->p.npsus; i++)
		if (!s->psu_failed[i])
			n++;
	return n;
}

bool
sim_read(struct sim_host *s, const struct bmc_sensor_model *m, double *value, uint16_t *state)
{
	unsigned i = m->index ? m->index - 1u : 0;
	double psu_share;

	*value = 0;
	*state = 0;
	if (m->host_powered && !s->power)
		return false;
	switch (m->kind) {
	case MODEL_STATIC:
		*value = m->nominal;
		*state = m->state;
		return true;
	case MODEL_CPU_TEMP:
		*value = s->cpu_c[i % SIM_MAX_CPUS] + 0.3 * noise(s);
		return true;
	case MODEL_DIMM_TEMP:
		*value = s->dimm_c + 0.3 * noise(s);
		return true;
	case MODEL_INLET_TEMP:
		*value = s->p.ambient_c + 0.3 * noise(s);
		return true;
	case MODEL_EXHAUST_TEMP:
		*value = s->exhaust_c + 0.3 * noise(s);
		return true;
	case MODEL_VOLTAGE:
	case MODEL_BATTERY:
		*value = m->nominal + m->noise * noise(s);
		return true;
	case MODEL_FAN:
		*value = s->fan_rpm[i % SIM_MAX_FANS];
		if (*value > 50)
			*value += 40 * noise(s);
		return true;
	case MODEL_POWER_IN:
	case MODEL_CURRENT_IN:
		if (i < SIM_MAX_PSUS && s->psu_failed[i])
			return true; /* a failed supply carries nothing */
		psu_share = working_psus(s) ? input_watts(s) / working_psus(s) : 0;
		psu_share += psu_share * 0.01 * noise(s);
		*value = m->kind == MODEL_POWER_IN ? psu_share : psu_share / MAINS_V;
		return true;
	case MODEL_CPU_STATUS:
		*state = i < s->p.ncpus ? 0x0080 : 0; /* presence detected */
		return true;
	case MODEL_PSU_STATUS:
		if (i >= s->p.npsus)
			return true;
		*state =
		    (uint16_t)(0x0001 | (s->psu_failed[i] ? 0x000a : 0)); /* presence; failure, input lost */
		return true;
	case MODEL_INTRUSION:
		*state = s->intrusion ? 0x0001 : 0;
		return true;
	case MODEL_POWER_UNIT:
		*state = s->power ? 0 : 0x0001; /* power off / power down */
		return true;
	default:
		return false;
	}
}
