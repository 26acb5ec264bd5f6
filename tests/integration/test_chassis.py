"""Chassis control, boot options and the watchdog against the simulated host."""
import re
import time

from conftest import field


def host(d):
    """ghostbmc host status -> dict."""
    out = d.ctl("host", "status", check=True).stdout
    return {l.split(":", 1)[0].strip(): l.split(":", 1)[1].strip() for l in out.splitlines() if ":" in l}


def wait_state(d, state, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if host(d)["state"] == state:
            return
        time.sleep(0.2)
    raise AssertionError(f"host not {state} after {timeout} s: {host(d)}")


def power_status(d):
    return d.ipmitool("chassis", "power", "status", check=True).stdout.strip()


def fi_status(d):
    return d.freeipmi("ipmi-chassis", "--get-status", check=True).stdout


def test_power_actions_follow_the_host(bmc):
    wait_state(bmc, "running")
    assert power_status(bmc) == "Chassis Power is on"
    assert field(fi_status(bmc), "System Power") == "on"

    bmc.ipmitool("chassis", "power", "off", check=True)
    assert power_status(bmc) == "Chassis Power is off" and host(bmc)["state"] == "off"
    assert field(fi_status(bmc), "System Power") == "off"
    r = bmc.ipmitool("chassis", "power", "reset")
    assert r.returncode != 0 and host(bmc)["state"] == "off"  # no reset of a host that is off

    bmc.ipmitool("chassis", "power", "on", check=True)
    assert power_status(bmc) == "Chassis Power is on" and host(bmc)["state"] == "post"
    wait_state(bmc, "running")
    assert "chassis power control command" in bmc.ipmitool("chassis", "restart_cause", check=True).stdout

    bmc.ipmitool("chassis", "power", "cycle", check=True)
    assert power_status(bmc) == "Chassis Power is off" and host(bmc)["state"] == "cycle-wait"
    wait_state(bmc, "running")

    bmc.ipmitool("chassis", "power", "reset", check=True)
    assert host(bmc)["state"] == "post" and power_status(bmc) == "Chassis Power is on"
    wait_state(bmc, "running")

    bmc.ipmitool("chassis", "power", "soft", check=True)
    assert host(bmc)["state"] == "shutting-down" and power_status(bmc) == "Chassis Power is on"
    wait_state(bmc, "off")
    assert power_status(bmc) == "Chassis Power is off"
    # FreeIPMI drives it too.
    bmc.freeipmi("ipmi-chassis", "--chassis-control=power-up", check=True)
    wait_state(bmc, "running")
    bmc.freeipmi("ipmi-chassis", "--chassis-control=power-cycle", check=True)
    assert field(fi_status(bmc), "System Power") == "off"
    wait_state(bmc, "running")
    assert field(fi_status(bmc), "System Power") == "on"
    console = bmc.ctl("host", "console", check=True).stdout
    assert "Reached target Power-Off." in console and "[reset]" in console
    sel = bmc.ipmitool("sel", "elist", check=True).stdout
    assert "Power off/down | Asserted" in sel and "Power off/down | Deasserted" in sel, sel


def test_nmi_crashes_the_host(bmc):
    wait_state(bmc, "running")
    bmc.ipmitool("chassis", "power", "diag", check=True)
    assert host(bmc)["state"] == "hung"
    assert "Kernel panic - not syncing: NMI" in bmc.ctl("host", "console", check=True).stdout


def test_status_identify_policy(bmc):
    out = bmc.ipmitool("chassis", "status", check=True).stdout
    assert field(out, "System Power") == "on" and field(out, "Power Restore Policy") == "previous"
    bmc.ipmitool("chassis", "identify", "5", check=True)
    assert "Timed on" in field(fi_status(bmc), "Chassis Identify state"), fi_status(bmc)
    bmc.ipmitool("chassis", "identify", "force", check=True)
    assert "Indefinite on" in field(fi_status(bmc), "Chassis Identify state")
    bmc.ipmitool("chassis", "identify", "0", check=True)
    assert field(fi_status(bmc), "Chassis Identify state") == "off"
    # The restore policy decides the host's power when the BMC starts.
    bmc.ipmitool("chassis", "policy", "always-off", check=True)
    assert field(bmc.ipmitool("chassis", "status", check=True).stdout, "Power Restore Policy") == "always-off"
    bmc.restart()
    assert power_status(bmc) == "Chassis Power is off"
    bmc.ipmitool("chassis", "policy", "always-on", check=True)
    bmc.restart()
    assert power_status(bmc) == "Chassis Power is on"
    assert "always-restore power policy" in bmc.ipmitool("chassis", "restart_cause", check=True).stdout
    bmc.ipmitool("chassis", "policy", "previous", check=True)
    bmc.ipmitool("chassis", "power", "off", check=True)
    bmc.restart()
    assert power_status(bmc) == "Chassis Power is off"
    out = bmc.ipmitool("chassis", "poh", check=True).stdout
    assert re.search(r"POH Counter\s*: \d+ days, \d+ hours", out), out


def bootflags(d):
    return d.ipmitool("chassis", "bootparam", "get", "5", check=True).stdout


def test_bootdev_next_boot_only(bmc):
    wait_state(bmc, "running")
    bmc.ipmitool("chassis", "bootdev", "pxe", check=True)
    out = bootflags(bmc)
    assert "Boot Flag Valid" in out and "Options apply to only next boot" in out and "Force PXE" in out, out
    bmc.ipmitool("chassis", "power", "reset", check=True)
    wait_state(bmc, "running")
    assert "Booting from network (PXE) (legacy BIOS)" in bmc.ctl("host", "console", check=True).stdout
    assert "Boot Flag Invalid" in bootflags(bmc)  # spent by that boot
    bmc.ipmitool("chassis", "power", "reset", check=True)
    wait_state(bmc, "running")
    assert bmc.ctl("host", "console", check=True).stdout.rstrip().count("Booting from disk") >= 1


def test_bootdev_persistent_efi_and_raw_forms(bmc):
    bmc.ipmitool("chassis", "bootdev", "pxe", "options=persistent,efiboot", check=True)
    out = bootflags(bmc)
    assert "Options apply to all future boots" in out and "BIOS EFI boot" in out, out
    for _ in range(2):
        bmc.ipmitool("chassis", "power", "reset", check=True)
        wait_state(bmc, "running")
        assert "Boot Flag Valid" in bootflags(bmc)
    assert bmc.ctl("host", "console", check=True).stdout.count("Booting from network (PXE) (UEFI)") >= 2
    # OpenStack Ironic's raw forms.
    bmc.ipmitool("raw", "0x00", "0x08", "0x03", "0x08", check=True)
    bmc.ipmitool("raw", "0x00", "0x08", "0x05", "0xa0", "0x08", "0x00", "0x00", "0x00", check=True)  # EFI, disk, once
    out = bootflags(bmc)
    assert "Options apply to only next boot" in out and "Force Boot from default Hard-Drive" in out, out
    r = bmc.ipmitool("raw", "0x00", "0x09", "0x05", "0x00", "0x00", check=True)
    assert r.stdout.split() == ["01", "05", "a0", "08", "00", "00", "00"], r.stdout
    # FreeIPMI reads the same flags and writes them back (1.6.10 keeps the device it read, whatever
    # --boot-device says: its own quirk), as a next-boot-only setting.
    out = bmc.freeipmi("ipmi-chassis", "--get-boot-flags", check=True).stdout
    assert field(out, "Boot device selector") == "Force boot from default Hard drive", out
    assert field(out, "BIOS boot type") == "Extensible firmware Interface boot", out
    bmc.freeipmi("ipmi-chassis", "--set-boot-flags", "--boot-device=disk", check=True)
    bmc.restart()
    out = bootflags(bmc)  # kept across a BMC restart
    assert "Boot Flag Valid" in out and "Force Boot from default Hard-Drive" in out, out


def test_watchdog_resets_a_hung_host(bmc):
    wait_state(bmc, "running")
    # SMS/OS timer, hard reset, no pre-timeout, 10.0 s.
    bmc.ipmitool("raw", "0x06", "0x24", "0x04", "0x01", "0x00", "0x00", "0x64", "0x00", check=True)
    bmc.ipmitool("mc", "watchdog", "reset", check=True)
    out = bmc.ipmitool("mc", "watchdog", "get", check=True).stdout
    assert "Started/Running" in out and "Hard Reset" in out, out
    time.sleep(3)  # the host's watchdog daemon keeps it from expiring
    assert host(bmc)["state"] == "running" and host(bmc)["watchdog"] == "running"
    bmc.ctl("host", "hang", check=True)
    t0 = time.monotonic()
    while host(bmc)["restart cause"] != "4" and time.monotonic() - t0 < 15:
        time.sleep(0.05)
    elapsed = time.monotonic() - t0
    assert 9.5 <= elapsed <= 10.5, elapsed
    out = bmc.ipmitool("mc", "watchdog", "get", check=True).stdout
    assert "Stopped" in out and re.search(r"Timer Expiration Flags: \(0x10\)\s+\* SMS/OS", out), out
    assert "watchdog" in bmc.ipmitool("chassis", "restart_cause", check=True).stdout
    sel = bmc.ipmitool("sel", "elist", check=True).stdout
    assert "Watchdog2 Watchdog2 | Hard reset | Asserted" in sel, sel
    wait_state(bmc, "running")
    bmc.ipmitool("mc", "watchdog", "reset", check=True)
    bmc.ipmitool("mc", "watchdog", "off", check=True)
    assert "Stopped" in bmc.ipmitool("mc", "watchdog", "get", check=True).stdout
