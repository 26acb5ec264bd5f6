/*
 * ghostbmc audit: check a BMC over the network for the well-known IPMI
 * weaknesses (docs/audit.md).  The checks talk to the target only through
 * struct audit_io, so the unit tests run them against an in-process struct
 * bmc and the CLI against a UDP socket (audit_udp.c).
 *
 * Read-only apart from login attempts, and bounded: each request is sent at
 * most `tries` times and waits `timeout_ms` each time, every login attempt
 * is abandoned before RAKP3 with an error status (never a valid RAKP3), a
 * user name is tried at most twice in one audit, and the whole audit stops
 * at `budget_ms`.
 */
#ifndef GHOSTBMC_AUDIT_H
#define GHOSTBMC_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The world, injected.  recv returns a datagram's length, 0 on timeout, AUDIT_IO_REFUSED or -1. */
#define AUDIT_IO_REFUSED (-2) /* the port is closed (ICMP port unreachable) */
struct audit_io {
	int (*send)(void *arg, const uint8_t *p, size_t n); /* 0 or -1 */
	int (*recv)(void *arg, uint8_t *p, size_t cap, uint32_t timeout_ms);
	uint64_t (*now_ms)(void *arg); /* monotonic */
	void (*rand)(void *arg, void *dst, size_t n);
	void *arg;
};

#define AUDIT_TIMEOUT_DEFAULT_MS 1000
#define AUDIT_TRIES_DEFAULT 3
#define AUDIT_BUDGET_DEFAULT_MS 30000

struct audit_opts {
	uint32_t timeout_ms; /* per try */
	unsigned tries; /* sends per request, 1..3 */
	uint32_t budget_ms; /* the whole audit */
	/* Progress for --verbose: one line, no newline.  May be NULL. */
	void (*note)(void *arg, const char *line);
	void *note_arg;
};

void audit_opts_defaults(struct audit_opts *o);

enum audit_severity { AUDIT_LOW, AUDIT_MEDIUM, AUDIT_HIGH, AUDIT_CRITICAL };
const char *audit_severity_name(enum audit_severity s);

struct audit_finding {
	enum audit_severity sev;
	char id[24]; /* stable check name, e.g. "cipher-zero" (docs/audit.md) */
	char text[192];
};

#define AUDIT_MAX_FINDINGS 24

struct audit_result {
	struct audit_finding f[AUDIT_MAX_FINDINGS];
	size_t n;
	bool answered; /* the target answered at least once */
	bool complete; /* every check ran to its end */
	char error[192]; /* why not, when !answered or !complete */
	unsigned sent; /* datagrams sent */
	uint8_t suite; /* the cipher suite the RAKP checks used (0 = none accepted) */
};

/*
 * Run every check.  Returns 0 when all ran, -1 when the target never
 * answered (res->error says what was tried), -2 when the audit stopped
 * early (time budget or a send error; the findings so far are in res).
 */
int audit_run(const struct audit_io *io, const struct audit_opts *opts, struct audit_result *res);

#endif
