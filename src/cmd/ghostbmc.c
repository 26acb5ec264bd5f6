/*
 * ghostbmc: the operator CLI.  It turns a command line into one control
 * request (docs/control-protocol.md) and prints the answer.  Passwords never
 * travel on the command line, where ps(1) and shell history would show them:
 * they come from a file, stdin or a no-echo prompt.
 *
 * Exit status: 0 done, 1 refused or daemon unreachable, 2 usage error.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "audit/audit_cli.h"
#include "cmd/ctl_client.h"
#include "config/config.h"

#ifndef GHOSTBMC_VERSION
#define GHOSTBMC_VERSION "unknown"
#endif

#define DEFAULT_STATE_DIR "/var/lib/ghostbmc"
#define SOCKET_NAME "ghostbmc.sock" /* CTL_SOCKET_NAME in src/io/ctl.h */
#define PASSWORD_LINE_MAX 256

#define EXIT_USAGE 2
#define CTL_ARGS_MAX 14 /* the daemon takes 16 arguments; -i adds two */

static const char usage_main[] =
    "usage: ghostbmc [--state-dir DIR] [-i NAME] COMMAND [ARGS]\n"
    "       ghostbmc [--state-dir DIR] --fleet list|status\n"
    "\n"
    "commands:\n"
    "  status                          instance, addresses, sessions, counters\n"
    "  user list                       the defined users\n"
    "  user add NAME [--priv PRIV] [--password-file FILE | --password-stdin]\n"
    "                                  create a user (PRIV: user (default), operator,\n"
    "                                  administrator)\n"
    "  user passwd NAME|ID [--password-file FILE | --password-stdin]\n"
    "                                  set a user's password\n"
    "  user del NAME|ID                delete a user\n"
    "  sensor list                     every sensor: reading, status, model\n"
    "  sensor show NAME|NUM            one sensor in detail, with its thresholds\n"
    "  sensor set NAME|NUM VALUE       pin a reading (units, or a state mask like 0x0080)\n"
    "  sensor release NAME|NUM         let the model drive the sensor again\n"
    "  host power on|off|cycle|reset|soft|nmi\n"
    "                                  the host's buttons (as Chassis Control would)\n"
    "  host load PERCENT               set the host's load, 0 to 100\n"
    "  host status                     the host's power, state, load, watchdog\n"
    "  host hang                       stop the simulated OS dead (its watchdog daemon too)\n"
    "  host console, console log       the host's console log (what it printed, newest last)\n"
    "  fault fan-fail NAME|NUM         stop a fan\n"
    "  fault psu-fail NAME|NUM         fail the power supply behind a sensor\n"
    "  fault intrusion                 open the chassis\n"
    "  fault clear [NAME|NUM]          clear every simulated fault, or one sensor's\n"
    "  sdr import FILE                 replace the sensors with an ipmitool sdr dump\n"
    "  sdr reset                       back to the configured sensors\n"
    "  sel list                        the event log, decoded a little and in hex\n"
    "  sel add HEX...                  add a 16-byte record (ID and timestamp are set)\n"
    "  sel clear                       clear the event log\n"
    "  sel import FILE                 append 16-byte raw records (timestamps kept)\n"
    "  fru show [ID]                   the FRU inventory, decoded\n"
    "  fru import ID FILE              replace FRU ID with an ipmitool fru read image\n"
    "  audit [--timeout MS] [--max-time S] [-v] HOST[:PORT]\n"
    "                                  check a BMC over the network for IPMI weaknesses\n"
    "\n"
    "options:\n"
    "  -i, --instance NAME  the fleet member the command is for (ghostbmc --fleet list)\n"
    "  --fleet list      a line per fleet member: name, address, power, sessions, SEL\n"
    "  --fleet status    the fleet's sums\n"
    "  --state-dir DIR   the daemon's state directory (default: $GHOSTBMC_STATE_DIR,\n"
    "                    else " DEFAULT_STATE_DIR ")\n"
    "  -h, --help        this help; COMMAND -h for a command's\n"
    "  -V, --version     print the version\n"
    "\n"
    "Without --password-file or --password-stdin, a password is prompted for on the\n"
    "terminal.  A password file's first line is the password.\n";

static const char usage_user_add[] =
    "usage: ghostbmc user add NAME [--priv user|operator|administrator]\n"
    "                            [--password-file FILE | --password-stdin]\n";
static const char usage_user_passwd[] =
    "usage: ghostbmc user passwd NAME|ID [--password-file FILE | --password-stdin]\n";
static const char usage_user_del[] = "usage: ghostbmc user del NAME|ID\n";

static int usage_error(const char *usage, const char *fmt, ...) __attribute__((__format__(printf, 2, 3)));

static int
usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ghostbmc: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	return EXIT_USAGE;
}

static bool
is_help(const char *s)
{
	return strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0;
}

/* ---- passwords ---- */

/* The first line of f, without its line end.  0, or -1 with a message printed. */
static int
read_line(FILE *f, const char *what, char *pw, size_t size)
{
	size_t len;

	if (fgets(pw, (int)size, f) == NULL) {
		fprintf(stderr, "ghostbmc: %s: %s\n", what, ferror(f) ? strerror(errno) : "no password");
		return -1;
	}
	len = strlen(pw);
	if (len > 0 && pw[len - 1] != '\n' && !feof(f)) {
		fprintf(stderr, "ghostbmc: %s: the password line is too long\n", what);
		return -1;
	}
	pw[strcspn(pw, "\r\n")] = '\0';
	if (pw[0] == '\0') {
		fprintf(stderr, "ghostbmc: %s: the password is empty\n", what);
		return -1;
	}
	return 0;
}

static int
prompt(int fd, const char *text, char *pw, size_t size)
{
	struct termios t, saved;
	FILE *f;
	int rc;

	if (tcgetattr(fd, &saved) == -1)
		return -1;
	t = saved;
	t.c_lflag &= ~(tcflag_t)ECHO;
	t.c_lflag |= ECHONL;
	if (tcsetattr(fd, TCSAFLUSH, &t) == -1)
		return -1;
	dprintf(fd, "%s", text);
	if ((f = fdopen(dup(fd), "r")) == NULL) {
		(void)tcsetattr(fd, TCSAFLUSH, &saved);
		return -1;
	}
	setvbuf(f, NULL, _IONBF, 0);
	rc = read_line(f, "prompt", pw, size);
	fclose(f);
	(void)tcsetattr(fd, TCSAFLUSH, &saved);
	return rc;
}

/* From --password-file, --password-stdin or, on a terminal, a prompt. 0, -1 (printed), or EXIT_USAGE. */
static int
get_password(const char *file, bool from_stdin, char *pw, size_t size, const char *usage)
{
	char again[PASSWORD_LINE_MAX];
	FILE *f;
	int fd, rc;

	if (file != NULL) {
		if ((f = fopen(file, "re")) == NULL) {
			fprintf(stderr, "ghostbmc: %s: %s\n", file, strerror(errno));
			return -1;
		}
		rc = read_line(f, file, pw, size);
		fclose(f);
		return rc;
	}
	if (from_stdin)
		return read_line(stdin, "stdin", pw, size);
	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1 || !isatty(fd)) {
		if (fd != -1)
			close(fd);
		return usage_error(
		    usage, "no terminal to prompt on: use --password-file or --password-stdin");
	}
	rc = prompt(fd, "Password: ", pw, size);
	if (rc == 0)
		rc = prompt(fd, "Retype password: ", again, sizeof(again));
	if (rc == 0 && strcmp(pw, again) != 0) {
		fprintf(stderr, "ghostbmc: the passwords differ\n");
		rc = -1;
	}
	OPENSSL_cleanse(again, sizeof(again));
	close(fd);
	return rc;
}

/* ---- talking to the daemon ---- */

/* -i NAME: every request goes to that member of a fleet. */
static const char *instance_name;

static int
request(const char *sock, int argc, char *const argv[])
{
	char msg[512], *args[CTL_ARGS_MAX + 2];
	int i, n = 0;

	if (instance_name != NULL) {
		if (argc > CTL_ARGS_MAX) {
			fprintf(stderr, "ghostbmc: too many arguments\n");
			return 1;
		}
		args[n++] = (char *)"instance";
		args[n++] = (char *)instance_name;
		for (i = 0; i < argc; i++)
			args[n++] = argv[i];
		argc = n;
		argv = args;
	}
	switch (ctl_client_request(sock, argc, argv, stdout, msg, sizeof(msg))) {
	case CTL_CLIENT_OK:
		return 0;
	case CTL_CLIENT_REFUSED:
		fflush(stdout);
		fprintf(stderr, "ghostbmc: %s\n", msg);
		return 1;
	default:
		fprintf(stderr, "ghostbmc: %s\n", msg);
		return 1;
	}
}

/* ---- commands ---- */

struct command;

/* argc and argv start at the command's first word. */
typedef int command_fn(const char *sock, const struct command *cmd, int argc, char *argv[]);

/*
 * A command is one or two words, then arguments.  cmd_simple() checks their
 * number and answers -h, then runs run(), or sends the words and arguments
 * as they are when run is NULL.  A command with options (min < 0) is handed
 * to run() unchecked: it parses its arguments itself.
 */
struct command {
	const char *group; /* the first word */
	const char *sub; /* the second word, NULL for a one-word command */
	const char *usage;
	int min, max; /* how many arguments follow the words */
	command_fn *run;
};

struct user_opts {
	const char *who;
	const char *priv;
	const char *password_file;
	bool password_stdin;
};

/*
 * NAME|ID and options in any order.  allow_priv and allow_password say which
 * options the command takes.  Returns 0, 1 for help shown, or EXIT_USAGE.
 */
static int
parse_user_args(
    int argc, char *argv[], struct user_opts *o, bool allow_priv, bool allow_password, const char *usage)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *val = NULL;

		if (is_help(a)) {
			fputs(usage, stdout);
			return 1;
		}
		if (allow_priv && (strcmp(a, "--priv") == 0 || strncmp(a, "--priv=", 7) == 0)) {
			if (a[6] == '=')
				val = a + 7;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				return usage_error(usage, "%s needs a value", a);
			o->priv = val;
		} else if (allow_password &&
		    (strcmp(a, "--password-file") == 0 || strncmp(a, "--password-file=", 16) == 0)) {
			if (a[15] == '=')
				val = a + 16;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				return usage_error(usage, "%s needs a value", a);
			o->password_file = val;
		} else if (allow_password && strcmp(a, "--password-stdin") == 0) {
			o->password_stdin = true;
		} else if (a[0] == '-' && a[1] != '\0') {
			return usage_error(usage, "unknown option %s", a);
		} else if (o->who == NULL) {
			o->who = a;
		} else {
			return usage_error(usage, "unexpected argument %s", a);
		}
	}
	if (o->who == NULL)
		return usage_error(usage, "missing the user (NAME or ID)");
	if (o->password_file != NULL && o->password_stdin)
		return usage_error(usage, "--password-file and --password-stdin exclude each other");
	return 0;
}

static int
cmd_user_add(const char *sock, const struct command *cmd, int argc, char *argv[])
{
	char pw[PASSWORD_LINE_MAX];
	struct user_opts o;
	char *req[5];
	unsigned char priv;
	int rc;

	if ((rc = parse_user_args(argc - 2, argv + 2, &o, true, true, cmd->usage)) != 0)
		return rc == 1 ? 0 : rc;
	/* Least privilege unless asked. */
	if ((priv = config_parse_priv(o.priv != NULL ? o.priv : "user")) == 0)
		return usage_error(
		    cmd->usage, "unknown privilege %s (user, operator, administrator)", o.priv);
	if ((rc = get_password(o.password_file, o.password_stdin, pw, sizeof(pw), cmd->usage)) != 0)
		return rc == -1 ? 1 : rc;
	req[0] = "user";
	req[1] = "add";
	req[2] = (char *)(uintptr_t)o.who;
	req[3] = (char *)(uintptr_t)config_priv_name(priv);
	req[4] = pw;
	rc = request(sock, 5, req);
	OPENSSL_cleanse(pw, sizeof(pw));
	return rc;
}

static int
cmd_user_passwd(const char *sock, const struct command *cmd, int argc, char *argv[])
{
	char pw[PASSWORD_LINE_MAX];
	struct user_opts o;
	char *req[4];
	int rc;

	if ((rc = parse_user_args(argc - 2, argv + 2, &o, false, true, cmd->usage)) != 0)
		return rc == 1 ? 0 : rc;
	if ((rc = get_password(o.password_file, o.password_stdin, pw, sizeof(pw), cmd->usage)) != 0)
		return rc == -1 ? 1 : rc;
	req[0] = "user";
	req[1] = "passwd";
	req[2] = (char *)(uintptr_t)o.who;
	req[3] = pw;
	rc = request(sock, 4, req);
	OPENSSL_cleanse(pw, sizeof(pw));
	if (rc == 0)
		printf("password of user %s changed\n", o.who);
	return rc;
}

static int
cmd_user_del(const char *sock, const struct command *cmd, int argc, char *argv[])
{
	struct user_opts o;
	char *req[3];
	int rc;

	if ((rc = parse_user_args(argc - 2, argv + 2, &o, false, false, cmd->usage)) != 0)
		return rc == 1 ? 0 : rc;
	req[0] = "user";
	req[1] = "del";
	req[2] = (char *)(uintptr_t)o.who;
	return request(sock, 3, req);
}

/* The daemon checks these too; catching a typo here saves a round trip. */
static int
cmd_host_power(const char *sock, const struct command *cmd, int argc, char *argv[])
{
	static const char *const words[] = {"on", "off", "cycle", "reset", "soft", "nmi"};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(argv[2], words[i]) == 0)
			return request(sock, argc, argv);
	return usage_error(cmd->usage, "host power: %s is not on, off, cycle, reset, soft or nmi", argv[2]);
}

static int
cmd_host_load(const char *sock, const struct command *cmd, int argc, char *argv[])
{
	unsigned long pct = 0;
	char *end = argv[2];

	/* Digits only (no sign, no blanks), 0 to 100, and a "%" if you like. */
	if (isdigit((unsigned char)argv[2][0]))
		pct = strtoul(argv[2], &end, 10);
	if (end == argv[2] || pct > 100 || (*end != '\0' && strcmp(end, "%") != 0))
		return usage_error(
		    cmd->usage, "host load: PERCENT is an integer from 0 to 100, not %s", argv[2]);
	return request(sock, argc, argv);
}

/* The daemon has its own working directory: it takes absolute paths only.  FILE is the last word. */
static int
cmd_import(const char *sock, const struct command *cmd, int argc, char *argv[])
{
	char *req[4], *path;
	int i, rc;

	(void)cmd;
	if (argc > 4 || (path = realpath(argv[argc - 1], NULL)) == NULL) {
		fprintf(stderr, "ghostbmc: %s: %s\n", argv[argc - 1], strerror(errno));
		return 1;
	}
	for (i = 0; i < argc - 1; i++)
		req[i] = argv[i];
	req[argc - 1] = path;
	rc = request(sock, argc, req);
	free(path);
	return rc;
}

/* A record as 16 hex bytes, in one word or several: one request word either way. */
static int
cmd_sel_add(const char *sock, const struct command *cmd, int argc, char *argv[])
{
	char rec[16 * 5 + 1] = "", *req[3];
	int i;

	for (i = 2; i < argc; i++) {
		if (strlen(rec) + strlen(argv[i]) + 2 > sizeof(rec))
			return usage_error(cmd->usage, "sel add: the record is 16 bytes");
		strcat(rec, argv[i]);
		strcat(rec, " ");
	}
	req[0] = argv[0];
	req[1] = argv[1];
	req[2] = rec;
	return request(sock, 3, req);
}

/* Talks to a BMC over the network, not to the daemon: src/audit/. */
static int
cmd_audit(const char *sock, const struct command *cmd, int argc, char *argv[])
{
	(void)sock;
	(void)cmd;
	return audit_cli(argc, argv);
}

static const struct command commands[] = {
    {"status", NULL, "usage: ghostbmc status\n", 0, 0, NULL},
    {"user", "list", "usage: ghostbmc user list\n", 0, 0, NULL},
    {"user", "add", usage_user_add, -1, -1, cmd_user_add},
    {"user", "passwd", usage_user_passwd, -1, -1, cmd_user_passwd},
    {"user", "del", usage_user_del, -1, -1, cmd_user_del},
    {"sensor", "list", "usage: ghostbmc sensor list\n", 0, 0, NULL},
    {"sensor", "show", "usage: ghostbmc sensor show NAME|NUM\n", 1, 1, NULL},
    {"sensor", "set",
        "usage: ghostbmc sensor set NAME|NUM VALUE\n"
        "       VALUE: in the sensor's units (threshold sensors), or a state mask\n"
        "       0x0000-0x7fff (discrete sensors); kept until sensor release\n",
        2, 2, NULL},
    {"sensor", "release", "usage: ghostbmc sensor release NAME|NUM\n", 1, 1, NULL},
    {"host", "power", "usage: ghostbmc host power on|off|cycle|reset|soft|nmi\n", 1, 1, cmd_host_power},
    {"host", "load", "usage: ghostbmc host load PERCENT\n       PERCENT: 0 to 100\n", 1, 1, cmd_host_load},
    {"host", "status", "usage: ghostbmc host status\n", 0, 0, NULL},
    {"host", "hang", "usage: ghostbmc host hang\n", 0, 0, NULL},
    {"host", "console", "usage: ghostbmc host console\n", 0, 0, NULL},
    {"console", "log", "usage: ghostbmc console log\n", 0, 0, NULL},
    {"fault", "fan-fail", "usage: ghostbmc fault fan-fail NAME|NUM\n", 1, 1, NULL},
    {"fault", "psu-fail", "usage: ghostbmc fault psu-fail NAME|NUM\n", 1, 1, NULL},
    {"fault", "intrusion", "usage: ghostbmc fault intrusion\n", 0, 0, NULL},
    {"fault", "clear", "usage: ghostbmc fault clear [NAME|NUM]\n", 0, 1, NULL},
    {"sdr", "import", "usage: ghostbmc sdr import FILE\n       FILE: written by ipmitool sdr dump\n", 1, 1,
        cmd_import},
    {"sdr", "reset", "usage: ghostbmc sdr reset\n", 0, 0, NULL},
    {"sel", "list", "usage: ghostbmc sel list\n", 0, 0, NULL},
    {"sel", "add",
        "usage: ghostbmc sel add HEX...\n       HEX: the 16-byte record, e.g. 00 00 02 00 00 00 00 20 00 04 "
        "04 21 01 52 03 0a\n",
        1, 16, cmd_sel_add},
    {"sel", "clear", "usage: ghostbmc sel clear\n", 0, 0, NULL},
    {"sel", "import", "usage: ghostbmc sel import FILE\n       FILE: 16-byte raw SEL records back to back\n",
        1, 1, cmd_import},
    {"fru", "show", "usage: ghostbmc fru show [ID]\n", 0, 1, NULL},
    {"fru", "import",
        "usage: ghostbmc fru import ID FILE\n       FILE: written by ipmitool fru read ID FILE\n", 2, 2,
        cmd_import},
    {"audit", NULL, audit_cli_usage, -1, -1, cmd_audit},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int
cmd_simple(const char *sock, const struct command *cmd, int argc, char *argv[])
{
	int nwords = cmd->sub != NULL ? 2 : 1, i;

	for (i = nwords; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(cmd->usage, stdout);
			return 0;
		}
	}
	if (argc - nwords < cmd->min)
		return usage_error(cmd->usage, "%s%s%s: missing %s", cmd->group, cmd->sub != NULL ? " " : "",
		    cmd->sub != NULL ? cmd->sub : "",
		    cmd->min - (argc - nwords) > 1 ? "arguments" : "an argument");
	if (argc - nwords > cmd->max)
		return usage_error(cmd->usage, "unexpected argument %s", argv[nwords + cmd->max]);
	if (cmd->run != NULL)
		return cmd->run(sock, cmd, argc, argv);
	return request(sock, argc, argv);
}

/* The usages of a group's commands, one after the other. */
static void
group_usage(const char *group, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < NCOMMANDS && off < len; i++)
		if (strcmp(commands[i].group, group) == 0)
			off += (size_t)snprintf(buf + off, len - off, "%s", commands[i].usage);
}

static int
dispatch(const char *sock, int argc, char *argv[])
{
	const struct command *cmd;
	char usage[2048];
	bool known = false;
	size_t i;

	for (i = 0; i < NCOMMANDS; i++) {
		cmd = &commands[i];
		if (strcmp(cmd->group, argv[0]) != 0)
			continue;
		known = true;
		if (cmd->sub == NULL || (argc > 1 && strcmp(cmd->sub, argv[1]) == 0))
			return cmd->min < 0 ? cmd->run(sock, cmd, argc, argv)
			                    : cmd_simple(sock, cmd, argc, argv);
	}
	if (!known)
		return usage_error(usage_main, "unknown command: %s", argv[0]);
	group_usage(argv[0], usage, sizeof(usage));
	if (argc < 2)
		return usage_error(usage, "%s: missing a subcommand", argv[0]);
	if (is_help(argv[1])) {
		fputs(usage, stdout);
		return 0;
	}
	return usage_error(usage, "unknown command: %s %s", argv[0], argv[1]);
}

static const struct option longopts[] = {
    {"state-dir", required_argument, NULL, 's'},
    {"instance", required_argument, NULL, 'i'},
    {"fleet", required_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

int
main(int argc, char *argv[])
{
	const char *state_dir = NULL, *fleet = NULL;
	char sock[CONFIG_PATH_MAX + 32];
	int ch;

	/* "+": options end at the command, whose own options are parsed below. */
	while ((ch = getopt_long(argc, argv, "+hVi:", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			state_dir = optarg;
			break;
		case 'i':
			instance_name = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "list") != 0 && strcmp(optarg, "status") != 0) {
				fprintf(
				    stderr, "ghostbmc: --fleet: expected list or status, not %s\n", optarg);
				return EXIT_USAGE;
			}
			fleet = optarg;
			break;
		case 'h':
			fputs(usage_main, stdout);
			return 0;
		case 'V':
			printf("ghostbmc %s\n", GHOSTBMC_VERSION);
			return 0;
		default:
			fputs(usage_main, stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0 && fleet == NULL) {
		fputs(usage_main, stderr);
		return EXIT_USAGE;
	}
	if (fleet != NULL && argc > 0) {
		fprintf(stderr, "ghostbmc: --fleet %s takes no command\n", fleet);
		return EXIT_USAGE;
	}
	if (state_dir == NULL && (state_dir = getenv("GHOSTBMC_STATE_DIR")) == NULL)
		state_dir = DEFAULT_STATE_DIR;
	if ((size_t)snprintf(sock, sizeof(sock), "%s/%s", state_dir, SOCKET_NAME) >= sizeof(sock)) {
		fprintf(stderr, "ghostbmc: state directory path too long\n");
		return EXIT_USAGE;
	}

	if (fleet != NULL) {
		char *req[2] = {(char *)"fleet", (char *)fleet};

		instance_name = NULL;
		return request(sock, 2, req);
	}
	if (strcmp(argv[0], "help") == 0) {
		fputs(usage_main, stdout);
		return 0;
	}
	return dispatch(sock, argc, argv);
}
