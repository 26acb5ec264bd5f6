/* The audit's edge: a connected UDP socket to HOST[:PORT] behind struct audit_io. */
#ifndef GHOSTBMC_AUDIT_UDP_H
#define GHOSTBMC_AUDIT_UDP_H

#include <stddef.h>

#include "audit/audit.h"

#define AUDIT_DEFAULT_PORT "623"

struct audit_udp {
	int fd;
	char label[300]; /* "host:port" or "[v6]:port", for messages */
};

/*
 * Split HOST[:PORT], [V6ADDR][:PORT] or a bare IPv6 address.  host and port
 * get NUL-terminated copies (port defaults to 623).  0, or -1 with err set.
 */
int audit_udp_parse_target(
    const char *target, char *host, size_t hostlen, char *port, size_t portlen, char *err, size_t errlen);

/* Resolve and connect.  0, or -1 with err set. */
int audit_udp_open(struct audit_udp *u, const char *target, char *err, size_t errlen);
void audit_udp_close(struct audit_udp *u);

/* The socket as an audit_io (monotonic clock, OpenSSL's CSPRNG). */
void audit_udp_io(struct audit_udp *u, struct audit_io *io);

#endif
