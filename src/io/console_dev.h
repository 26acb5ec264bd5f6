/* A host's serial console reached through a tty, pty or FIFO (console_dev.c). */
#ifndef GHOSTBMC_CONSOLE_DEV_H
#define GHOSTBMC_CONSOLE_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

struct instance;

struct console_dev {
	struct instance *inst;
	char path[4096];
	int fd;
	bool open, closing, warned;
	uv_poll_t poll;
};

/* Open (or reopen) the device; -1 when it is not there yet (call again later). */
int console_dev_open(struct console_dev *d);
void console_dev_write(struct console_dev *d, const uint8_t *bytes, size_t n);
void console_dev_close(struct console_dev *d);

#endif
