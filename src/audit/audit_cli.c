/* `ghostbmc audit [--timeout MS] [--max-time SECONDS] [-v] HOST[:PORT]` */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/audit_cli.h"
#include "audit/audit_udp.h"

#define EXIT_FINDINGS 1
#define EXIT_USAGE 2

const char audit_cli_usage[] =
    "usage: ghostbmc audit [--timeout MS] [--max-time SECONDS] [-v] HOST[:PORT]\n"
    "       check a BMC over the network (UDP, RMCP/RMCP+) for the well-known IPMI\n"
    "       weaknesses; HOST is a name, an IPv4 address or [IPv6]; PORT defaults to 623\n"
    "  --timeout MS        wait per try, 100 to 10000 (default 1000); 3 tries per request\n"
    "  --max-time SECONDS  stop the whole audit after this long, 1 to 300 (default 30)\n"
    "  -v, --verbose       say what each check saw, on stderr\n"
    "exit status: 0 no findings, 1 findings, 2 usage error or no answer\n";

static int usage(const char *fmt, ...) __attribute__((__format__(printf, 1, 2)));

static int
usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ghostbmc: audit: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", audit_cli_usage);
	return EXIT_USAGE;
}

/* An option's value: "--opt=V" or "--opt V".  NULL (and *i unchanged) when missing. */
static const char *
value(int argc, char *argv[], int *i, const char *opt)
{
	size_t len = strlen(opt);

	if (strncmp(argv[*i], opt, len) == 0 && argv[*i][len] == '=')
		return argv[*i] + len + 1;
	if (*i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static bool
number(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;

	if (s == NULL || s[0] < '0' || s[0] > '9')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return *end == '\0' && errno == 0 && *out >= lo && *out <= hi;
}

static void
note_line(void *arg, const char *line)
{
	(void)arg;
	fprintf(stderr, "ghostbmc: audit: %s\n", line);
}

static bool
is_opt(const char *a, const char *opt)
{
	size_t len = strlen(opt);
	return strncmp(a, opt, len) == 0 && (a[len] == '\0' || a[len] == '=');
}

int
audit_cli(int argc, char *argv[])
{
	struct audit_opts o;
	struct audit_result res;
	struct audit_udp u;
	struct audit_io io;
	const char *target = NULL, *v;
	unsigned long n;
	char err[300];
	size_t i;
	int k, rc;

	audit_opts_defaults(&o);
	for (k = 1; k < argc; k++) {
		const char *a = argv[k];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(audit_cli_usage, stdout);
			return 0;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			o.note = note_line;
		} else if (is_opt(a, "--timeout")) {
			if (!number(v = value(argc, argv, &k, "--timeout"), 100, 10000, &n))
				return usage("--timeout: expected milliseconds from 100 to 10000, not %s",
				    v ? v : "nothing");
			o.timeout_ms = (uint32_t)n;
		} else if (is_opt(a, "--max-time")) {
			if (!number(v = value(argc, argv, &k, "--max-time"), 1, 300, &n))
				return usage(
				    "--max-time: expected seconds from 1 to 300, not %s", v ? v : "nothing");
			o.budget_ms = (uint32_t)n * 1000u;
		} else if (strcmp(a, "--") == 0 && k + 1 < argc && target == NULL) {
			target = argv[++k];
		} else if (a[0] == '-' && a[1] != '\0') {
			return usage("unknown option %s", a);
		} else if (target == NULL) {
			target = a;
		} else {
			return usage("unexpected argument %s", a);
		}
	}
	if (target == NULL)
		return usage("missing the target (HOST[:PORT])");
	if (audit_udp_open(&u, target, err, sizeof(err)) != 0) {
		fprintf(stderr, "ghostbmc: audit: %s\n", err);
		return EXIT_USAGE;
	}
	audit_udp_io(&u, &io);
	rc = audit_run(&io, &o, &res);
	audit_udp_close(&u);
	if (rc == -1) {
		fprintf(stderr, "ghostbmc: audit: %s: %s\n", u.label, res.error);
		return EXIT_USAGE;
	}
	for (i = 0; i < res.n; i++)
		printf("%-8s  %-24s  %s\n", audit_severity_name(res.f[i].sev), res.f[i].id, res.f[i].text);
	printf("%zu findings\n", res.n);
	fflush(stdout);
	if (rc != 0) {
		fprintf(stderr, "ghostbmc: audit: %s: incomplete: %s (%u datagrams sent)\n", u.label,
		    res.error, res.sent);
		return res.n > 0 ? EXIT_FINDINGS : EXIT_USAGE;
	}
	return res.n > 0 ? EXIT_FINDINGS : 0;
}
