/*
 * A plain UDP socket for the audit: blocking, connect()ed to the target (so
 * the kernel drops datagrams from anyone else and reports an ICMP port
 * unreachable as ECONNREFUSED), with poll() for the timeouts.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "audit/audit_udp.h"

int
audit_udp_parse_target(
    const char *target, char *host, size_t hostlen, char *port, size_t portlen, char *err, size_t errlen)
{
	const char *h = target, *p = NULL, *end;
	size_t hl;
	char *e;
	unsigned long v;

	if (target[0] == '[') {
		if ((end = strchr(target, ']')) == NULL) {
			snprintf(err, errlen, "%s: missing ']'", target);
			return -1;
		}
		h = target + 1;
		hl = (size_t)(end - h);
		if (end[1] == ':')
			p = end + 2;
		else if (end[1] != '\0') {
			snprintf(err, errlen, "%s: expected ':PORT' after ']'", target);
			return -1;
		}
	} else if ((end = strchr(target, ':')) != NULL && strchr(end + 1, ':') == NULL) {
		hl = (size_t)(end - target);
		p = end + 1;
	} else {
		hl = strlen(target); /* a name, an IPv4 address or a bare IPv6 address */
	}
	if (hl == 0) {
		snprintf(err, errlen, "%s: no host", target);
		return -1;
	}
	if (hl >= hostlen) {
		snprintf(err, errlen, "%s: host name too long", target);
		return -1;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (p == NULL)
		p = AUDIT_DEFAULT_PORT;
	errno = 0;
	v = strtoul(p, &e, 10);
	if (p[0] < '0' || p[0] > '9' || *e != '\0' || errno != 0 || v == 0 || v > 65535) {
		snprintf(err, errlen, "%s: the port must be a number from 1 to 65535", target);
		return -1;
	}
	snprintf(port, portlen, "%lu", v);
	return 0;
}

int
audit_udp_open(struct audit_udp *u, const char *target, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	char host[256], port[8];
	int rc, fd = -1, saved = 0;

	u->fd = -1;
	if (audit_udp_parse_target(target, host, sizeof(host), port, sizeof(port), err, errlen) != 0)
		return -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol)) == -1) {
			saved = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", target, strerror(saved ? saved : EADDRNOTAVAIL));
		freeaddrinfo(res);
		return -1;
	}
	u->fd = fd;
	snprintf(u->label, sizeof(u->label), ai->ai_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, port);
	freeaddrinfo(res);
	return 0;
}

void
audit_udp_close(struct audit_udp *u)
{
	if (u->fd != -1)
		close(u->fd);
	u->fd = -1;
}

static int
udp_send(void *arg, const uint8_t *p, size_t n)
{
	struct audit_udp *u = arg;
	int tries;

	/* A pending ICMP error is reported (and cleared) by the next send: send again. */
	for (tries = 0; tries < 3; tries++) {
		if (send(u->fd, p, n, 0) == (ssize_t)n)
			return 0;
		if (errno != ECONNREFUSED && errno != EINTR)
			return -1;
	}
	return -1;
}

static uint64_t
udp_now(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int
udp_recv(void *arg, uint8_t *p, size_t cap, uint32_t timeout_ms)
{
	struct audit_udp *u = arg;
	uint64_t until = udp_now(NULL) + timeout_ms, now;
	struct pollfd pfd;
	ssize_t n;
	int rc;

	for (;;) {
		now = udp_now(NULL);
		if (now >= until)
			return 0;
		pfd.fd = u->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		rc = poll(&pfd, 1, (int)(until - now));
		if (rc == -1 && errno == EINTR)
			continue;
		if (rc == -1)
			return -1;
		if (rc == 0)
			return 0;
		n = recv(u->fd, p, cap, MSG_DONTWAIT);
		if (n > 0)
			return (int)n;
		if (n == 0)
			continue; /* an empty datagram answers nothing */
		if (errno == ECONNREFUSED)
			return AUDIT_IO_REFUSED;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return -1;
	}
}

static void
udp_rand(void *arg, void *dst, size_t n)
{
	(void)arg;
	if (RAND_bytes(dst, (int)n) != 1) {
		fprintf(stderr, "ghostbmc: audit: the random number generator failed\n");
		abort();
	}
}

void
audit_udp_io(struct audit_udp *u, struct audit_io *io)
{
	io->send = udp_send;
	io->recv = udp_recv;
	io->now_ms = udp_now;
	io->rand = udp_rand;
	io->arg = u;
}
