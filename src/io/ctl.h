/*
 * The operator control socket, STATE_DIR/ghostbmc.sock: one request of
 * newline-separated arguments in, text lines and "ok" or "error: ..." out.
 * The protocol is in docs/control-protocol.md; the client is src/cmd/ghostbmc.c.
 */
#ifndef GHOSTBMC_CTL_H
#define GHOSTBMC_CTL_H

#include <stddef.h>

struct instance;
struct ctl;

#define CTL_SOCKET_NAME "ghostbmc.sock"
#define CTL_REQUEST_MAX 8192 /* bytes of one request, terminator included */
#define CTL_IDLE_MS 5000 /* a client has this long to send its request */

/*
 * Create the socket at path (a stale one is replaced; the caller holds the
 * state directory's lock, so it cannot be a live daemon's) and listen.
 * NULL with a reason in err on failure.
 */
struct ctl *ctl_open(struct instance **insts, size_t ninst, const char *path, char *err, size_t errlen);
/* Stop listening, drop connections, remove the socket file. */
void ctl_close(struct ctl *ctl);

#endif
