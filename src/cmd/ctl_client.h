/*
 * The client side of the control protocol (docs/control-protocol.md), with
 * plain POSIX sockets: the CLI needs no event loop.
 */
#ifndef GHOSTBMC_CTL_CLIENT_H
#define GHOSTBMC_CTL_CLIENT_H

#include <stddef.h>
#include <stdio.h>

enum ctl_client_result {
	CTL_CLIENT_OK = 0, /* the daemon answered "ok" */
	CTL_CLIENT_REFUSED, /* the daemon answered "error: ..."; msg holds the line */
	CTL_CLIENT_UNREACHABLE, /* no daemon at the socket; msg says why */
	CTL_CLIENT_BROKEN, /* a bad request, or a cut or malformed answer; msg says why */
};

/*
 * Send argv[0..argc) as one request to the socket at path, write the
 * answer's data lines to out, and put the reason of any failure in msg.
 */
enum ctl_client_result ctl_client_request(
    const char *path, int argc, char *const argv[], FILE *out, char *msg, size_t msglen);

#endif
