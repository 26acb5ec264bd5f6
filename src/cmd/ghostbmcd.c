/*
 * ghostbmcd: the BMC daemon.  It always runs in the foreground; systemd,
 * a container runtime or a script supervises it.  -d only chooses stderr
 * over syslog for the log.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "config/config.h"
#include "io/daemon.h"
#include "io/log.h"

#ifndef GHOSTBMC_VERSION
#define GHOSTBMC_VERSION "unknown"
#endif

enum {
	OPT_LISTEN = 256,
	OPT_STATE_DIR,
	OPT_ADMIN_PASSWORD_FILE,
	OPT_USER,
	OPT_FLEET,
};

static const struct option longopts[] = {
    {"config", required_argument, NULL, 'c'},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"state-dir", required_argument, NULL, OPT_STATE_DIR},
    {"admin-password-file", required_argument, NULL, OPT_ADMIN_PASSWORD_FILE},
    {"user", required_argument, NULL, OPT_USER},
    {"fleet", required_argument, NULL, OPT_FLEET},
    {"check", no_argument, NULL, 'n'},
    {"foreground", no_argument, NULL, 'd'},
    {"verbose", no_argument, NULL, 'v'},
    {"version", no_argument, NULL, 'V'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ghostbmcd [-dhnVv] [-c FILE] [--listen ADDR:PORT]... [--state-dir DIR]\n"
	    "                 [--admin-password-file FILE] [--user NAME]\n"
	    "\n"
	    "  -c, --config FILE        read the YAML configuration FILE (default: none, built-in\n"
	    "                           defaults)\n"
	    "      --listen ADDR:PORT   listen for RMCP/RMCP+ on this UDP address; repeat for more;\n"
	    "                           replaces the configuration's list (default 0.0.0.0:623).\n"
	    "                           IPv6: [::1]:6230\n"
	    "      --state-dir DIR      users, parameters, secret key, control socket\n"
	    "                           (default /var/lib/ghostbmc)\n"
	    "      --admin-password-file FILE\n"
	    "                           create or update user \"admin\" (administrator) with the\n"
	    "                           password on the first line of FILE\n"
	    "      --user NAME          when started as root: after binding the listen addresses\n"
	    "                           and preparing the state directory, give the directory to\n"
	    "                           NAME and run as NAME (overrides the configuration's user)\n"
	    "      --fleet N            run N instances from this configuration as a template,\n"
	    "                           on consecutive addresses from the first --listen one\n"
	    "                           (127.0.1.1:623, 127.0.1.2:623, ...), named node0001...;\n"
	    "                           overrides the configuration's fleet.count\n"
	    "  -n, --check              check the configuration and the password files, then exit\n"
	    "                           (0: valid, 1: not)\n"
	    "  -d, --foreground         log to stderr instead of syslog (ghostbmcd never forks)\n"
	    "  -v, --verbose            more log output; -vv for more still\n"
	    "  -V, --version            print the version and exit\n"
	    "  -h, --help               print this help and exit\n"
	    "\n"
	    "With no administrator configured, the first start generates a password for\n"
	    "user \"admin\" into STATE_DIR/initial-admin-password (mode 0600).\n");
}

/* Configuration, flags over it, then the check or the daemon.  Returns the exit status. */
static int
run(struct config *cfg, const char *config_file, const struct bmc_addr *listen, size_t nlisten,
    const char *state_dir, const char *admin_file, const char *user, int check, unsigned fleet)
{
	char err[CONFIG_PATH_MAX + 256];

	config_defaults(cfg);
	if (config_file != NULL && config_load_file(cfg, config_file, err, sizeof(err)) == -1) {
		/* Already "FILE:LINE: message", one per line. */
		fprintf(stderr, "%s%s", err, err[0] != '\0' && err[strlen(err) - 1] == '\n' ? "" : "\n");
		return 1;
	}
	if (nlisten > 0) {
		memcpy(cfg->listen, listen, nlisten * sizeof(listen[0]));
		cfg->nlisten = nlisten;
	}
	if (state_dir != NULL) {
		if (strlen(state_dir) >= sizeof(cfg->state_dir)) {
			fprintf(stderr, "ghostbmcd: --state-dir: path too long\n");
			return 1;
		}
		snprintf(cfg->state_dir, sizeof(cfg->state_dir), "%s", state_dir);
	}
	if (user != NULL) {
		if (user[0] == '\0' || strlen(user) >= sizeof(cfg->user)) {
			fprintf(stderr, "ghostbmcd: --user: not an account name\n");
			return 1;
		}
		snprintf(cfg->user, sizeof(cfg->user), "%s", user);
	}
	if (fleet > 0)
		cfg->fleet.count = fleet;
	if (config_fleet_check(cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "ghostbmcd: %s\n", err);
		return 1;
	}
	if (check) {
		if (daemon_check(cfg, admin_file) == -1)
			return 1;
		fprintf(stderr, "configuration OK\n");
		return 0;
	}

	/* Everything in the state directory is a secret or a socket for the owner only. */
	umask(S_IRWXG | S_IRWXO);
	/* A CLI that hangs up early must not kill the daemon. */
	signal(SIGPIPE, SIG_IGN);
	if (OPENSSL_init_crypto(0, NULL) != 1 || RAND_status() != 1) {
		fprintf(stderr, "ghostbmcd: OpenSSL's random number generator is not available\n");
		return 1;
	}
	return daemon_run(cfg, admin_file) == 0 ? 0 : 1;
}

int
main(int argc, char *argv[])
{
	struct bmc_addr listen[CONFIG_MAX_LISTEN];
	const char *config_file = NULL, *state_dir = NULL, *admin_file = NULL, *user = NULL;
	struct config *cfg;
	size_t nlisten = 0;
	unsigned fleet = 0;
	int ch, check = 0, foreground = 0, verbose = 0, rc;

	while ((ch = getopt_long(argc, argv, "c:dhnVv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config_file = optarg;
			break;
		case OPT_LISTEN:
			if (nlisten == CONFIG_MAX_LISTEN) {
				fprintf(
				    stderr, "ghostbmcd: at most %d --listen addresses\n", CONFIG_MAX_LISTEN);
				return 1;
			}
			if (config_parse_addr(optarg, &listen[nlisten]) == -1) {
				fprintf(stderr,
				    "ghostbmcd: --listen %s: not an address (examples: 127.0.0.1:6230, "
				    "0.0.0.0:623, [::1]:6230)\n",
				    optarg);
				return 1;
			}
			nlisten++;
			break;
		case OPT_STATE_DIR:
			state_dir = optarg;
			break;
		case OPT_ADMIN_PASSWORD_FILE:
			admin_file = optarg;
			break;
		case OPT_USER:
			user = optarg;
			break;
		case OPT_FLEET: {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);

			if (*optarg == '\0' || *end != '\0' || n < 1 || n > CONFIG_FLEET_MAX) {
				fprintf(stderr, "ghostbmcd: --fleet %s: expected a count from 1 to %d\n",
				    optarg, CONFIG_FLEET_MAX);
				return 1;
			}
			fleet = (unsigned)n;
			break;
		}
		case 'n':
			check = 1;
			break;
		case 'd':
			foreground = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("ghostbmcd %s\n", GHOSTBMC_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ghostbmcd: unexpected argument: %s\n", argv[optind]);
		usage(stderr);
		return 1;
	}

	/* A check talks to the terminal, whatever -d says. */
	log_init("ghostbmcd", foreground || check, verbose);

	if ((cfg = calloc(1, sizeof(*cfg))) == NULL) {
		fprintf(stderr, "ghostbmcd: %s\n", strerror(errno));
		return 1;
	}
	rc = run(cfg, config_file, listen, nlisten, state_dir, admin_file, user, check, fleet);
	free(cfg);
	return rc;
}
