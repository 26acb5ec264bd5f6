/*
 * The chassis as the edge sees it: the core decides (Chassis Control, the
 * watchdog, the restore policy) and emits FX_POWER effects; the edge drives
 * the host backend and reports back what the host really did.  The core's
 * view of the host's power follows those reports, never its own wishes.
 */
#ifndef GHOSTBMC_CHASSIS_H
#define GHOSTBMC_CHASSIS_H

#include "core/bmc.h"

/* FX_POWER arguments: what the edge must do to the host. */
enum bmc_power_action {
	POWER_ACTION_OFF, /* hard power down */
	POWER_ACTION_ON,
	POWER_ACTION_CYCLE, /* off, the configured interval, on */
	POWER_ACTION_RESET, /* hard reset */
	POWER_ACTION_SOFT, /* ACPI soft shutdown: the OS shuts down cleanly */
	POWER_ACTION_DIAG, /* pulse diagnostic interrupt (NMI) */
};

/* Why the host last (re)started: Get System Restart Cause values (IPMI 2.0 28.11). */
enum bmc_restart_cause {
	RESTART_UNKNOWN = 0x0,
	RESTART_CHASSIS_CONTROL = 0x1,
	RESTART_RESET_BUTTON = 0x2,
	RESTART_POWER_BUTTON = 0x3,
	RESTART_WATCHDOG = 0x4,
	RESTART_OEM = 0x5,
	RESTART_RESTORE_ALWAYS_ON = 0x6,
	RESTART_RESTORE_PREVIOUS = 0x7,
	RESTART_PEF_RESET = 0x8,
	RESTART_PEF_CYCLE = 0x9,
	RESTART_SOFT_RESET = 0xa,
	RESTART_RTC_WAKEUP = 0xb,
};

/* Power restore policy (Get Chassis Status byte 1 bits 6:5). */
enum { RESTORE_ALWAYS_OFF = 0, RESTORE_PREVIOUS = 1, RESTORE_ALWAYS_ON = 2 };

/* Boot device selectors (boot options parameter 5, data 2 bits 5:2). */
enum {
	BOOTDEV_NONE = 0x0,
	BOOTDEV_PXE = 0x1,
	BOOTDEV_DISK = 0x2,
	BOOTDEV_DISK_SAFE = 0x3,
	BOOTDEV_DIAG = 0x4,
	BOOTDEV_CDROM = 0x5,
	BOOTDEV_BIOS = 0x6,
	BOOTDEV_REMOTE_FLOPPY = 0x7,
	BOOTDEV_REMOTE_CDROM = 0x8,
	BOOTDEV_REMOTE_DISK = 0xb,
	BOOTDEV_FLOPPY = 0xf,
};

/* The boot the host should do now, from the boot flags (parameter 5). */
struct bmc_boot_hint {
	uint8_t device; /* BOOTDEV_* */
	bool efi; /* EFI boot rather than legacy */
	bool persistent;
	bool valid; /* the flags are valid: the host should honour them */
};

/*
 * Reports from the edge.  Each may raise SEL events (power unit, ACPI
 * power state) into out.
 */
/* The host's power changed to on/off; cause says why it came on (RESTART_*). */
void bmc_host_power_changed(
    struct bmc *bmc, const struct bmc_time *now, bool on, uint8_t cause, struct bmc_out *out);
/* The host finished its firmware and took the boot hint: a next-boot-only setting is spent. */
void bmc_host_booted(struct bmc *bmc, const struct bmc_time *now, struct bmc_out *out);
/* A power action failed (backend error, timeout): the power fault bit and a SEL entry. */
void bmc_host_power_fault(struct bmc *bmc, const struct bmc_time *now, struct bmc_out *out);
/* The boot the host should do now (read at power-on and reset). */
void bmc_boot_hint(const struct bmc *bmc, struct bmc_boot_hint *hint);

/* The operator's hand on the buttons (CLI): as Chassis Control, with its own restart cause. */
void bmc_chassis_request(struct bmc *bmc, uint8_t action, uint8_t cause, struct bmc_out *out);

/* Start-up: what the restore policy wants done with a host found off; -1 for nothing. */
int bmc_restore_action(const struct bmc *bmc, uint8_t *cause);

/* A watchdog kick from inside the host (the sim's OS daemon; in-band later): as Reset Watchdog Timer. */
int bmc_watchdog_kick(struct bmc *bmc, const struct bmc_time *now);

/* For `ghostbmc status` and tests. */
struct bmc_chassis_info {
	bool power_on;
	bool power_fault;
	uint8_t restore_policy;
	uint8_t restart_cause;
	bool identify_on;
	uint8_t cycle_interval_s; /* 0 = the backend's default */
	uint32_t poh_minutes;
	bool watchdog_running;
	uint8_t watchdog_use; /* timer use, bits 2:0 */
	uint8_t watchdog_action; /* timeout action, bits 2:0 */
	uint16_t watchdog_initial; /* 100 ms units */
	uint16_t watchdog_left; /* 100 ms units */
	uint8_t watchdog_expired; /* expiration flags */
};
void bmc_chassis_info(const struct bmc *bmc, const struct bmc_time *now, struct bmc_chassis_info *info);

#endif
