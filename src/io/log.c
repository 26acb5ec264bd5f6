/*
 * Logging, after OpenSMTPD's log.c.  Kept free of libuv so that the CLI
 * could share it one day.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "io/log.h"

static const char *log_procname = "ghostbmcd";
static int log_foreground = 1;
static int log_verbose;

void
log_init(const char *procname, int foreground, int verbose)
{
	if (procname != NULL)
		log_procname = procname;
	log_foreground = foreground;
	log_verbose = verbose;
	if (!log_foreground)
		openlog(log_procname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_setverbose(int verbose)
{
	log_verbose = verbose;
}

int
log_getverbose(void)
{
	return log_verbose;
}

void
vlog(int pri, const char *fmt, va_list ap)
{
	int saved_errno = errno;

	if (log_foreground) {
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		fflush(stderr);
	} else {
		vsyslog(pri, fmt, ap);
	}
	errno = saved_errno;
}

static void logit(int pri, const char *fmt, ...) __attribute__((__format__(printf, 2, 3)));

static void
logit(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(pri, fmt, ap);
	va_end(ap);
}

static void vlog_errno(int pri, int code, const char *prefix, const char *fmt, va_list ap)
    __attribute__((__format__(printf, 4, 0)));

/* The message, then ": strerror(code)" when code is not 0. */
static void
vlog_errno(int pri, int code, const char *prefix, const char *fmt, va_list ap)
{
	char msg[1024];
	int saved_errno = errno;

	if (fmt == NULL) {
		msg[0] = '\0';
	} else {
		vsnprintf(msg, sizeof(msg), fmt, ap);
	}
	if (code != 0 && msg[0] != '\0')
		logit(pri, "%s%s: %s", prefix, msg, strerror(code));
	else if (code != 0)
		logit(pri, "%s%s", prefix, strerror(code));
	else
		logit(pri, "%s%s", prefix, msg);
	errno = saved_errno;
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	int code = errno;

	va_start(ap, fmt);
	vlog_errno(LOG_ERR, code, "", fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 0)
		return;
	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

static void vfatal(int code, const char *fmt, va_list ap) __attribute__((__format__(printf, 2, 0)));

/* On stderr a fatal line names the process: it may be the last thing a script shows. */
static void
vfatal(int code, const char *fmt, va_list ap)
{
	char prefix[64];

	if (log_foreground)
		snprintf(prefix, sizeof(prefix), "%s: fatal: ", log_procname);
	else
		snprintf(prefix, sizeof(prefix), "fatal: ");
	vlog_errno(LOG_CRIT, code, prefix, fmt, ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	int code = errno;

	va_start(ap, fmt);
	vfatal(code, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfatal(0, fmt, ap);
	va_end(ap);
	exit(1);
}

void
log_bmc(void *arg, enum bmc_log_level level, const char *line)
{
	(void)arg;
	switch (level) {
	case BMC_LOG_DEBUG:
		log_debug("%s", line);
		break;
	case BMC_LOG_INFO:
		log_info("%s", line);
		break;
	case BMC_LOG_WARN:
	default:
		log_warnx("%s", line);
		break;
	}
}
