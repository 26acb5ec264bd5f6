/*
 * ghostbmcd's life: state directory and lock, store, instance, first-start
 * credentials, listeners, control socket, signals, clean shutdown.
 */
#ifndef GHOSTBMC_DAEMON_H
#define GHOSTBMC_DAEMON_H

struct config;

#define DAEMON_LOCK_NAME "ghostbmcd.lock"
#define DAEMON_INITIAL_PASSWORD_NAME "initial-admin-password"
#define DAEMON_SDR_IMPORT_NAME "sdr-import.bin" /* the last `ghostbmc sdr import` */

/*
 * Run until SIGINT or SIGTERM.  Start-up failures are fatal (logged, exit 1);
 * afterwards nothing is.  Returns the exit status of a clean shutdown.
 * cli_admin_password_file (may be NULL) wins over the config's.
 */
int daemon_run(struct config *cfg, const char *cli_admin_password_file);

/*
 * For ghostbmcd -n: what the configuration refers to but the parser cannot
 * see (password files and their contents against the password policy).
 * Logs each problem; 0 when there is none, else -1.
 */
int daemon_check(const struct config *cfg, const char *cli_admin_password_file);

#endif
