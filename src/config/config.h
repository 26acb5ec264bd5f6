/*
 * The daemon's configuration: a YAML file (docs/configuration.md) plus
 * command-line flags that override it.  Errors are for humans: each one is
 * "FILE:LINE: message".
 */
#ifndef GHOSTBMC_CONFIG_H
#define GHOSTBMC_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/bmc.h"
#include "core/fru.h"
#include "core/sensor.h"
#include "host/sim.h"

#define CONFIG_MAX_LISTEN 16
#define CONFIG_MAX_USERS BMC_MAX_USERS
#define CONFIG_MAX_SENSORS BMC_MAX_SENSORS
#define CONFIG_PATH_MAX 4096
#define CONFIG_CMD_MAX 1024 /* a host command, run with /bin/sh -c */
#define CONFIG_USER_MAX 256 /* a system account name, with its NUL */

/* `host.type`: what carries out power actions (io/hostif.h). */
enum config_host_type {
	CONFIG_HOST_SIM, /* the built-in simulated server */
	CONFIG_HOST_EXEC, /* configured commands (io/host_exec.c) */
	CONFIG_HOST_QEMU, /* a QEMU virtual machine the daemon spawns (io/host_qemu.c) */
};

/* `host.exec`: the commands of the exec backend; "" = not configured. */
struct config_host_exec {
	char power_on[CONFIG_CMD_MAX]; /* required */
	char power_off[CONFIG_CMD_MAX]; /* required */
	char reset[CONFIG_CMD_MAX]; /* "": power_off then power_on */
	char soft_off[CONFIG_CMD_MAX]; /* "": power_off */
	char nmi[CONFIG_CMD_MAX]; /* "": a diagnostic interrupt is a power fault */
	char status[CONFIG_CMD_MAX]; /* exit 0 on, 1 off, else unknown; "": none */
	unsigned timeout_s; /* per command, 1..600 */
	unsigned poll_interval_s; /* status polling, 1..3600 */
	char console[CONFIG_PATH_MAX]; /* the host's serial console: a tty, pty or FIFO path; "": none */
};

#define CONFIG_QEMU_ARGS_MAX 64 /* host.qemu.args entries */
#define CONFIG_QEMU_ARG_MAX 1024 /* one of them, with its NUL */

/* `host.qemu`: the VM of the qemu backend. */
struct config_host_qemu {
	char binary[CONFIG_PATH_MAX]; /* default qemu-system-x86_64 (looked up in PATH) */
	char args[CONFIG_QEMU_ARGS_MAX][CONFIG_QEMU_ARG_MAX]; /* the user's arguments, before ours */
	size_t nargs;
	unsigned shutdown_timeout_s; /* a soft off's grace before a hard off, 1..3600 */
};

struct config_user {
	char name[BMC_NAME_LEN + 1];
	char password_file[CONFIG_PATH_MAX]; /* first line is the password */
	char password[BMC_PASSWORD_MAX + 1]; /* inline (discouraged; a warning is logged) */
	bool has_inline_password;
	unsigned char privilege; /* PRIV_USER..PRIV_ADMIN */
	bool enabled;
};

#define CONFIG_FLEET_MAX 65536 /* instances in one process */
#define CONFIG_FLEET_OVERRIDES_MAX 256

/* `fleet.overrides.NAME`: what one member does differently. */
struct config_fleet_override {
	char name[BMC_INSTANCE_NAME_MAX];
	struct bmc_addr listen;
	bool has_listen;
	uint8_t system_guid[16]; /* wire order */
	bool has_guid;
	int power_on; /* -1: as the template */
};

/*
 * `fleet:` (or ghostbmcd --fleet N): the configuration is a template expanded
 * to count instances.  Member i (0-based) is named printf(name, first + i) and
 * listens on the base address plus i (step address) or the base port plus i
 * (step port); its system GUID carries first + i in its last bytes, so its
 * FRU serials do too.
 */
struct config_fleet {
	unsigned count; /* 0: not a fleet, one instance named bmc.name */
	char name[BMC_INSTANCE_NAME_MAX]; /* a pattern with one %u-style conversion; default "node%04u" */
	unsigned first; /* the first member's number, default 1 */
	struct bmc_addr base; /* default: the first `listen` address */
	bool has_base;
	bool step_port; /* false: consecutive addresses, one port */
	struct config_fleet_override overrides[CONFIG_FLEET_OVERRIDES_MAX];
	size_t noverrides;
};

/* One expanded member. */
struct config_fleet_member {
	char name[BMC_INSTANCE_NAME_MAX];
	struct bmc_addr listen;
	uint8_t system_guid[16]; /* wire order; all zero: as configured (single instance) */
	bool power_on;
};

struct config {
	struct bmc_addr listen[CONFIG_MAX_LISTEN];
	size_t nlisten;
	char state_dir[CONFIG_PATH_MAX];
	char admin_password_file[CONFIG_PATH_MAX];
	/*
	 * `user`: the account to switch to after start-up when started as root
	 * (io/daemon.c); "" to stay as started.  --user overrides it.
	 */
	char user[CONFIG_USER_MAX];
	int log_level; /* enum bmc_log_level */
	struct bmc_conf bmc; /* the instance */
	struct config_user users[CONFIG_MAX_USERS];
	size_t nusers;
	struct sim_params host; /* `host:`; ncpus, nfans, npsus and seed are the daemon's */
	enum config_host_type host_type;
	struct config_host_exec host_exec; /* `host.exec`, checked when host_type is exec */
	struct config_host_qemu host_qemu; /* `host.qemu`, checked when host_type is qemu */
	/* The sensor list: the built-in server, less `sensors.remove`, with `sensors.define`. */
	struct bmc_sensor_conf sensors[CONFIG_MAX_SENSORS];
	size_t nsensors;
	/*
	 * The `sensors.define` entries in file order, each as written on top of the
	 * built-in sensor of that name when there is one; for an SDR import, which
	 * looks them up by name.
	 */
	struct bmc_sensor_conf overrides[CONFIG_MAX_SENSORS];
	size_t noverrides;
	char sdr_import[CONFIG_PATH_MAX]; /* an `ipmitool sdr dump` file; "" for none */
	/*
	 * `fru:` devices in file order, IDs unique, each one checked with
	 * bmc_fru_build().  Default: FRU 0 from bmc_fru_defaults() with its
	 * three serials empty.  Empty serials of FRU 0 (default or written)
	 * are the daemon's to fill from the system GUID.
	 */
	struct bmc_fru_conf frus[BMC_MAX_FRUS];
	size_t nfrus;
	struct config_fleet fleet;
};

/*
 * Defaults: no listen address (the daemon adds 0.0.0.0:623), state dir
 * /var/lib/ghostbmc, the simulated host's defaults, the built-in sensors,
 * the SEL of bmc_conf_defaults(), FRU 0 without serials.
 */
void config_defaults(struct config *cfg);

/* Parse YAML text into cfg (which holds defaults or earlier values). 0, or -1 with err set. */
int config_load_string(
    struct config *cfg, const char *name, const char *text, size_t len, char *err, size_t errlen);
int config_load_file(struct config *cfg, const char *path, char *err, size_t errlen);

/* "127.0.0.1:623", "0.0.0.0:623", "[::1]:6230", "::1" (port 623 when omitted). 0 or -1. */
int config_parse_addr(const char *s, struct bmc_addr *out);
/* Format an address as the parser reads it. */
void config_format_addr(const struct bmc_addr *a, char *buf, size_t len);

/* "user", "operator", "administrator"/"admin", "callback" -> PRIV_*; 0 if unknown. */
/*
 * Member i (0-based) of the fleet cfg describes.  0, or -1 with a reason
 * in err (an address past the end of its family, a name too long).
 */
int config_fleet_member(
    const struct config *cfg, unsigned i, struct config_fleet_member *m, char *err, size_t errlen);
/* Check that every member can be expanded and that names and addresses are distinct enough. */
int config_fleet_check(const struct config *cfg, char *err, size_t errlen);

unsigned char config_parse_priv(const char *s);
const char *config_priv_name(unsigned char priv);

#endif
