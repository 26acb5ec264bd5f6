/* `ghostbmc audit`: the command line around audit_run() (docs/audit.md, docs/cli.md). */
#ifndef GHOSTBMC_AUDIT_CLI_H
#define GHOSTBMC_AUDIT_CLI_H

extern const char audit_cli_usage[];

/*
 * argv[0] is "audit".  Prints one line per finding and "N findings".  Exit
 * status: 0 no findings, 1 findings, 2 usage error or no answer (or an
 * incomplete audit without findings).
 */
int audit_cli(int argc, char *argv[]);

#endif
