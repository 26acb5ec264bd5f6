/* Inside the control socket: what the command files (ctl.c, ctl_host.c) share. */
#ifndef GHOSTBMC_CTL_INT_H
#define GHOSTBMC_CTL_INT_H

struct ctl_conn;
struct instance;

#define CTL_UNHANDLED 1 /* not a request this file knows */

/* Append to the answer; ctl_reply_error() replaces it with "error: ..." and returns -1. */
void ctl_reply(struct ctl_conn *c, const char *fmt, ...) __attribute__((__format__(printf, 2, 3)));
int ctl_reply_error(struct ctl_conn *c, const char *fmt, ...) __attribute__((__format__(printf, 2, 3)));

/* sensor, host, fault and sdr requests: 0 done, -1 refused, CTL_UNHANDLED. */
int ctl_host_dispatch(struct ctl_conn *c, struct instance *inst, int argc, char **argv);

/* sel and fru requests (ctl_records.c): 0 done, -1 refused, CTL_UNHANDLED. */
int ctl_records_dispatch(struct ctl_conn *c, struct instance *inst, int argc, char **argv);

#endif
