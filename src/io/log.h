/*
 * The daemon's logging vocabulary, after OpenSMTPD's log.c: log_warn appends
 * strerror(errno), log_warnx does not, log_debug speaks only when verbose,
 * fatal and fatalx log and exit.  Lines go to stderr in the foreground (-d)
 * and to syslog otherwise.  Every function preserves errno.
 */
#ifndef GHOSTBMC_LOG_H
#define GHOSTBMC_LOG_H

#include <stdarg.h>

#include "core/bmc.h"

/*
 * verbose: -1 warnings only, 0 adds informational lines, 1 adds debug lines,
 * 2 and more add packet-level detail where callers ask for it.
 */
void log_init(const char *procname, int foreground, int verbose);
void log_setverbose(int verbose);
int log_getverbose(void);

void log_warn(const char *fmt, ...) __attribute__((__format__(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((__format__(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((__format__(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((__format__(printf, 1, 2)));
void vlog(int pri, const char *fmt, va_list ap) __attribute__((__format__(printf, 2, 0)));
void fatal(const char *fmt, ...) __attribute__((__noreturn__, __format__(printf, 1, 2)));
void fatalx(const char *fmt, ...) __attribute__((__noreturn__, __format__(printf, 1, 2)));

/* A struct bmc_env log callback: the core's lines, at the core's level. */
void log_bmc(void *arg, enum bmc_log_level level, const char *line);

#endif
