"""The qemu host backend: a real QEMU guest (TCG) governed by ghostbmcd.

Slow and heavy, so opt-in: GHOSTBMC_QEMU_TESTS=1, a qemu-system-x86_64 and the
test guest image built by `scripts/guest-image` (in .cache/guest under the
repository, or in $GHOSTBMC_GUEST_DIR).  The guest prints GHOSTBMC-* markers on
its serial console and runs `ipmitool mc info` through its KCS interface, which
QEMU's ipmi-bmc-extern device forwards to the daemon.

The VM outlives the daemon by design, so every test kills what it started.
"""
import os
import shutil
import signal
import time

import pexpect
import pytest

from conftest import ADMIN_PASSWORD, ROOT

QEMU = shutil.which("qemu-system-x86_64")


def guest_dir():
    d = os.environ.get("GHOSTBMC_GUEST_DIR") or os.path.join(ROOT, ".cache", "guest")
    return d


def skip_reason():
    if os.environ.get("GHOSTBMC_QEMU_TESTS") != "1":
        return "QEMU tests are opt-in: set GHOSTBMC_QEMU_TESTS=1"
    if QEMU is None:
        return "qemu-system-x86_64 is not installed"
    d = guest_dir()
    for f in ("vmlinuz", "initramfs.cpio.gz"):
        if not os.path.isfile(os.path.join(d, f)):
            return f"no guest image in {d} (build it with scripts/guest-image {d}, or set GHOSTBMC_GUEST_DIR)"
    return None


pytestmark = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")


def qemu_config(shutdown_timeout=10):
    d = guest_dir()
    args = ["-accel", "tcg", "-m", "256", "-display", "none", "-nodefaults",
            "-kernel", os.path.join(d, "vmlinuz"), "-initrd", os.path.join(d, "initramfs.cpio.gz"),
            "-append", "console=ttyS0"]
    quoted = ", ".join(f'"{a}"' for a in args)
    return ("host:\n  type: qemu\n  power: off\n  qemu:\n"
            f"    binary: {QEMU}\n    args: [{quoted}]\n    shutdown_timeout: {shutdown_timeout}\n")


def vm_pid(d):
    try:
        with open(os.path.join(d.state, "vm.pid")) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def alive(pid):
    if pid is None:
        return False
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"qemu" in f.read()
    except OSError:
        return False


@pytest.fixture
def qbmc(make_daemon):
    d = make_daemon(config=qemu_config())
    pids = set()
    d.vm_pids = pids
    yield d
    # The daemon leaves its VM running on purpose: end it here.
    p = vm_pid(d)
    if p is not None:
        pids.add(p)
    for p in pids:
        if alive(p):
            try:
                os.killpg(p, signal.SIGKILL)
            except OSError:
                os.kill(p, signal.SIGKILL)


def wait_for(pred, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def console_log(d):
    return d.ctl("console", "log", check=True).stdout


def power_on_and_boot(d):
    d.ipmitool("chassis", "power", "on", check=True)
    pid = wait_for(lambda: vm_pid(d) if alive(vm_pid(d)) else None, 15, "the QEMU process")
    d.vm_pids.add(pid)
    wait_for(lambda: "GHOSTBMC-GUEST-SHELL" in console_log(d), 90, "the guest's boot:\n" + d.log())
    return pid


def sol_mc_info(d):
    """Type `ipmitool mc info` at the guest's shell over SOL; the guest's output."""
    child = pexpect.spawn("ipmitool", ["-I", "lanplus", "-C", "17", "-H", d.host, "-p", str(d.port), "-U", "admin",
                                       "-P", ADMIN_PASSWORD, "sol", "activate"],
                          encoding="latin-1", timeout=30, maxread=65536)
    try:
        child.expect_exact("[SOL Session operational")
        child.send("\r")
        child.expect_exact("guest# ")
        child.send("ipmitool mc info\r")
        child.expect(r"Product ID\s+: 18242 \(0x4742\)")
        child.expect_exact("guest# ")
        text = child.before
        child.send("~.")
        child.expect(pexpect.EOF)
        return text
    finally:
        child.close(force=True)


def test_power_on_boots_and_answers_in_band(qbmc):
    assert "Chassis Power is off" in qbmc.ipmitool("chassis", "power", "status", check=True).stdout
    pid = power_on_and_boot(qbmc)
    log = console_log(qbmc)
    assert "GHOSTBMC-GUEST-READY" in log and "ipmi=yes" in log
    assert "GHOSTBMC-SELFTEST-END result=PASS" in log  # the guest's own ipmitool reached us
    assert "Chassis Power is on" in qbmc.ipmitool("chassis", "power", "status", check=True).stdout
    sol_mc_info(qbmc)
    # Off ends the process.
    qbmc.ipmitool("chassis", "power", "off", check=True)
    wait_for(lambda: not alive(pid), 10, "QEMU to exit")
    wait_for(lambda: "Chassis Power is off" in qbmc.ipmitool("chassis", "power", "status").stdout, 5,
             "power off reported")
    assert "VM stopped" in qbmc.log()


def test_restart_keeps_the_vm(qbmc):
    pid = power_on_and_boot(qbmc)
    qbmc.restart()
    assert alive(pid), "the VM died with the daemon"
    assert vm_pid(qbmc) == pid
    assert "re-attached" in qbmc.log()
    assert "Chassis Power is on" in qbmc.ipmitool("chassis", "power", "status", check=True).stdout
    # QEMU reconnects its IPMI channel (reconnect=1); in-band works again.
    wait_for(lambda: qbmc.log().count("IPMI channel connected") >= 2, 10, "QEMU's reconnection")
    sol_mc_info(qbmc)


def test_vm_killed_behind_our_back_is_power_off(qbmc):
    pid = power_on_and_boot(qbmc)
    os.killpg(pid, signal.SIGKILL)
    wait_for(lambda: "Chassis Power is off" in qbmc.ipmitool("chassis", "power", "status").stdout, 10,
             "power off after the kill")
    assert "VM exited" in qbmc.log()
