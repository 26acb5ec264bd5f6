/*
 * One request, one answer over the daemon's control socket.  The request
 * may carry a password, so its buffer is wiped before returning.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cmd/ctl_client.h"

/* Same bound as the daemon's CTL_REQUEST_MAX (src/io/ctl.h). */
#define REQUEST_MAX 8192
#define ANSWER_MAX (4 << 20) /* CTL_REPLY_MAX in src/io/ctl.c */
#define TIMEOUT_S 30

static int
send_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		/* MSG_NOSIGNAL: a daemon that hangs up is an error message, not SIGPIPE. */
		if ((n = send(fd, p, len, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static enum ctl_client_result
build_request(int argc, char *const argv[], char *req, size_t *len, char *msg, size_t msglen)
{
	size_t off = 0, n;
	int i;

	for (i = 0; i < argc; i++) {
		n = strlen(argv[i]);
		/* An empty line would end the request early; a newline would split an argument. */
		if (n == 0 || strpbrk(argv[i], "\r\n") != NULL) {
			snprintf(msg, msglen, "argument %d is empty or contains a line break", i + 1);
			return CTL_CLIENT_BROKEN;
		}
		if (off + n + 2 > REQUEST_MAX) {
			snprintf(msg, msglen, "request too large (at most %d bytes)", REQUEST_MAX);
			return CTL_CLIENT_BROKEN;
		}
		memcpy(req + off, argv[i], n);
		off += n;
		req[off++] = '\n';
	}
	req[off++] = '\n';
	*len = off;
	return CTL_CLIENT_OK;
}

/* Split the answer into data lines and the final "ok" / "error: ..." line. */
static enum ctl_client_result
parse_answer(char *ans, size_t len, FILE *out, char *msg, size_t msglen)
{
	char *last;

	if (len == 0) {
		snprintf(msg, msglen, "the daemon closed the connection without an answer");
		return CTL_CLIENT_BROKEN;
	}
	if (ans[len - 1] != '\n') {
		snprintf(msg, msglen, "the daemon's answer was cut short");
		return CTL_CLIENT_BROKEN;
	}
	ans[len - 1] = '\0';
	last = strrchr(ans, '\n');
	last = last != NULL ? last + 1 : ans;
	if (strcmp(last, "ok") != 0 && strncmp(last, "error: ", 7) != 0) {
		snprintf(msg, msglen, "malformed answer from the daemon");
		return CTL_CLIENT_BROKEN;
	}
	if (last > ans)
		fwrite(ans, 1, (size_t)(last - ans), out);
	if (strcmp(last, "ok") == 0)
		return CTL_CLIENT_OK;
	snprintf(msg, msglen, "%s", last);
	return CTL_CLIENT_REFUSED;
}

enum ctl_client_result
ctl_client_request(const char *path, int argc, char *const argv[], FILE *out, char *msg, size_t msglen)
{
	struct sockaddr_un sun;
	struct timeval tv = {TIMEOUT_S, 0};
	enum ctl_client_result res;
	char req[REQUEST_MAX];
	char *ans = NULL;
	size_t reqlen = 0, anslen = 0;
	ssize_t n;
	int fd = -1;

	if ((res = build_request(argc, argv, req, &reqlen, msg, msglen)) != CTL_CLIENT_OK)
		goto done;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(msg, msglen, "cannot reach the daemon at %s: %s", path, strerror(ENAMETOOLONG));
		res = CTL_CLIENT_UNREACHABLE;
		goto done;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		snprintf(msg, msglen, "cannot reach the daemon at %s: %s", path, strerror(errno));
		res = CTL_CLIENT_UNREACHABLE;
		goto done;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (send_all(fd, req, reqlen) == -1) {
		snprintf(msg, msglen, "cannot send to the daemon at %s: %s", path, strerror(errno));
		res = CTL_CLIENT_BROKEN;
		goto done;
	}
	if ((ans = malloc(ANSWER_MAX)) == NULL) {
		snprintf(msg, msglen, "%s", strerror(errno));
		res = CTL_CLIENT_BROKEN;
		goto done;
	}
	/* The daemon closes after answering: read to end of input. */
	for (;;) {
		if (anslen == ANSWER_MAX) {
			snprintf(msg, msglen, "the daemon's answer is too long");
			res = CTL_CLIENT_BROKEN;
			goto done;
		}
		n = recv(fd, ans + anslen, ANSWER_MAX - anslen, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(msg, msglen, "no answer from the daemon at %s: %s", path,
			    errno == EAGAIN || errno == EWOULDBLOCK ? "timed out" : strerror(errno));
			res = CTL_CLIENT_BROKEN;
			goto done;
		}
		if (n == 0)
			break;
		anslen += (size_t)n;
	}
	res = parse_answer(ans, anslen, out, msg, msglen);
done:
	OPENSSL_cleanse(req, sizeof(req));
	free(ans);
	if (fd != -1)
		close(fd);
	return res;
}
