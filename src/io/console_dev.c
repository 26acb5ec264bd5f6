/*
 * A host's serial console reached through a device: a tty (serial port,
 * the slave side of a pty a VM or container runtime gives) or a FIFO.  What
 * the host writes goes to the console log and SOL; what the SOL client
 * types is written back.  The device may vanish and return (a VM restart):
 * read errors close it, and it is reopened on the next host sample.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <uv.h>

#include "io/console.h"
#include "io/console_dev.h"
#include "io/lan.h"
#include "io/log.h"

static void
dev_closed(uv_handle_t *h)
{
	struct console_dev *d = h->data;

	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	d->closing = false;
}

static void
dev_close(struct console_dev *d)
{
	if (!d->open || d->closing)
		return;
	(void)uv_poll_stop(&d->poll);
	d->open = false;
	d->closing = true;
	uv_close((uv_handle_t *)&d->poll, dev_closed);
}

static void
dev_readable(uv_poll_t *p, int status, int events)
{
	struct console_dev *d = p->data;
	uint8_t buf[4096];
	ssize_t n;

	if (status < 0 || !(events & UV_READABLE)) {
		dev_close(d);
		return;
	}
	while ((n = read(d->fd, buf, sizeof(buf))) > 0)
		console_output(d->inst, buf, (size_t)n);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		/* The other side went away (EIO on a pty whose master closed): try again later. */
		if (!d->warned)
			log_info("%s: console %s closed; reopening when it returns", d->inst->name, d->path);
		d->warned = true;
		dev_close(d);
	}
}

int
console_dev_open(struct console_dev *d)
{
	struct termios t;
	int r;

	if (d->open || d->closing || d->path[0] == '\0')
		return 0;
	if ((d->fd = open(d->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return -1;
	/* A tty: raw bytes, as a serial console carries them. */
	if (tcgetattr(d->fd, &t) == 0) {
		cfmakeraw(&t);
		(void)tcsetattr(d->fd, TCSANOW, &t);
	}
	d->poll.data = d;
	if ((r = uv_poll_init(d->inst->loop, &d->poll, d->fd)) < 0 ||
	    (r = uv_poll_start(&d->poll, UV_READABLE | UV_DISCONNECT, dev_readable)) < 0) {
		log_warnx("%s: console %s: %s", d->inst->name, d->path, uv_strerror(r));
		close(d->fd);
		d->fd = -1;
		return -1;
	}
	d->open = true;
	d->warned = false;
	log_info("%s: console attached: %s", d->inst->name, d->path);
	return 0;
}

void
console_dev_write(struct console_dev *d, const uint8_t *bytes, size_t n)
{
	/* Best effort, like a UART without flow control: what does not fit is lost. */
	if (d->open && write(d->fd, bytes, n) < 0 && errno != EAGAIN)
		dev_close(d);
}

void
console_dev_close(struct console_dev *d)
{
	dev_close(d);
}
