"""The qemu host backend: a real QEMU guest (TCG) governed by ghostbmcd.

Runs by default: a module fixture runs `scripts/guest-image` into
$GHOSTBMC_GUEST_DIR (default .cache/guest under the repository; a no-op in
under a second when the image is up to date, about 15 s to build it).  The
tests are skipped only when qemu-system-x86_64 is missing, when the image build
fails (its output is in the skip reason) or when GHOSTBMC_QEMU_TESTS=0.  The
guest prints GHOSTBMC-* markers on its serial console and runs `ipmitool mc
info` through its KCS interface, which QEMU's ipmi-bmc-extern device forwards
to the daemon.

The VM outlives the daemon by design, so every test kills what it started.
"""
import os
import re
import shutil
import signal
import subprocess
import time

import pexpect
import pytest

from conftest import ADMIN_PASSWORD, ROOT

QEMU = shutil.which("qemu-system-x86_64")
SCRIPT = os.path.join(ROOT, "scripts", "guest-image")
BUILD_TIMEOUT = 900  # s: package installs and a 70 MB download on a cold machine


def guest_dir():
    return os.environ.get("GHOSTBMC_GUEST_DIR") or os.path.join(ROOT, ".cache", "guest")


@pytest.fixture(scope="module", autouse=True)
def guest_image():
    """Build (or find up to date) the guest image; skip the module when that is impossible."""
    if os.environ.get("GHOSTBMC_QEMU_TESTS") == "0":
        pytest.skip("GHOSTBMC_QEMU_TESTS=0")
    if QEMU is None:
        pytest.skip("qemu-system-x86_64 is not installed")
    d = guest_dir()
    try:
        r = subprocess.run([SCRIPT, d], capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        pytest.skip(f"scripts/guest-image {d} took over {BUILD_TIMEOUT} s:\n{e.stdout}\n{e.stderr}")
    if r.returncode != 0:
        pytest.skip(f"scripts/guest-image {d} failed with {r.returncode}:\n{r.stdout}\n{r.stderr}")
    return d


def qemu_config(shutdown_timeout=10, append=""):
    d = guest_dir()
    args = ["-accel", "tcg", "-m", "256", "-display", "none", "-nodefaults",
            "-kernel", os.path.join(d, "vmlinuz"), "-initrd", os.path.join(d, "initramfs.cpio.gz"),
            "-append", ("console=ttyS0 " + append).strip()]
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
def make_qbmc(make_daemon):
    made = []

    def make(**kw):
        d = make_daemon(config=qemu_config(**kw))
        d.vm_pids = set()
        made.append(d)
        return d

    yield make
    # The daemon leaves its VM running on purpose: end it here.
    for d in made:
        p = vm_pid(d)
        if p is not None:
            d.vm_pids.add(p)
        for p in d.vm_pids:
            if alive(p):
                try:
                    os.killpg(p, signal.SIGKILL)
                except OSError:
                    os.kill(p, signal.SIGKILL)


@pytest.fixture
def qbmc(make_qbmc):
    return make_qbmc()


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


def sol_shell(d, steps, timeout=30):
    """Type each (command, regex) of `steps` at the guest's shell over SOL and
    wait for the regex; returns the guest's output for each command.  Every
    command is followed by an echo of a number the shell computes, so a local
    echo of the typed line never counts as the guest's answer."""
    child = pexpect.spawn("ipmitool", ["-I", "lanplus", "-C", "17", "-H", d.host, "-p", str(d.port), "-U", "admin",
                                       "-P", ADMIN_PASSWORD, "sol", "activate"],
                          encoding="latin-1", timeout=timeout, maxread=65536)
    out = []
    try:
        child.expect_exact("[SOL Session operational")
        child.send("\r")
        child.expect_exact("guest# ")
        for i, (cmd, pattern) in enumerate(steps):
            n = 1000 + i
            child.send(f"{cmd}; echo step-done-$(({n}*2))\r")
            child.expect(f"step-done-{n * 2}")
            text = child.before
            assert re.search(pattern, text), f"{cmd!r}: no {pattern!r} in the guest's output:\n{text}"
            out.append(text)
            child.expect_exact("guest# ")
        child.send("~.")
        child.expect(pexpect.EOF)
        return out
    finally:
        child.close(force=True)


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
    # QEMU reconnects its IPMI channel (reconnect=1: it retries every second); in-band works again.
    t0 = time.monotonic()
    wait_for(lambda: qbmc.log().count("IPMI channel connected") >= 2, 10, "QEMU's reconnection")
    elapsed = time.monotonic() - t0
    print(f"IPMI channel back {elapsed:.2f} s after the daemon answered again")
    assert elapsed <= 2.0, elapsed
    sol_mc_info(qbmc)


def test_vm_killed_behind_our_back_is_power_off(qbmc):
    pid = power_on_and_boot(qbmc)
    os.killpg(pid, signal.SIGKILL)
    wait_for(lambda: "Chassis Power is off" in qbmc.ipmitool("chassis", "power", "status").stdout, 10,
             "power off after the kill")
    assert "VM exited" in qbmc.log()


def test_in_band_sdr_and_sel_add(qbmc):
    power_on_and_boot(qbmc)
    before = qbmc.ipmitool("sel", "elist", check=True).stdout
    t0 = time.monotonic()
    sdr, sel = sol_shell(qbmc, [
        ("ipmitool sdr elist", r"CPU1 Temp"),
        ("echo '0x04 0x01 0x30 0x01 0x59 0x00 0x00' > /tmp/ev && ipmitool sel add /tmp/ev && echo sel-add-$((1+1))-ok",
         r"sel-add-2-ok"),
    ])
    print(f"in-band sdr elist + sel add over SOL: {time.monotonic() - t0:.1f} s")
    after = qbmc.ipmitool("sel", "elist", check=True).stdout
    new = [line for line in after.splitlines() if line not in before.splitlines()]
    added = [line for line in new if "Temperature" in line]
    assert len(added) == 1, f"{sel}\nbefore:\n{before}\nafter:\n{after}"
    print(f"the guest's SEL entry, out of band: {added[0]}")


def test_power_reset_reboots_the_guest(qbmc):
    pid = power_on_and_boot(qbmc)
    n = console_log(qbmc).count("GHOSTBMC-GUEST-READY")
    t0 = time.monotonic()
    qbmc.ipmitool("chassis", "power", "reset", check=True)
    wait_for(lambda: console_log(qbmc).count("GHOSTBMC-GUEST-READY") > n, 90, "the guest's second boot")
    print(f"chassis power reset -> GHOSTBMC-GUEST-READY in {time.monotonic() - t0:.1f} s")
    wait_for(lambda: console_log(qbmc).count("GHOSTBMC-GUEST-SHELL") > n, 30, "the guest's shell")
    assert vm_pid(qbmc) == pid and alive(pid), "a reset must keep the QEMU process"
    assert "Chassis Power is on" in qbmc.ipmitool("chassis", "power", "status", check=True).stdout
    sol_mc_info(qbmc)  # in-band works after the reset


def test_power_soft_shuts_the_guest_down(make_qbmc):
    timeout = 30
    d = make_qbmc(shutdown_timeout=timeout)
    pid = power_on_and_boot(d)
    t0 = time.monotonic()
    d.ipmitool("chassis", "power", "soft", check=True)
    wait_for(lambda: not alive(pid), timeout - 5, "QEMU to exit after the ACPI power button")
    elapsed = time.monotonic() - t0
    print(f"chassis power soft -> QEMU exit in {elapsed:.1f} s")
    assert "GUEST: power button, shutting down" in console_log(d)
    wait_for(lambda: "Chassis Power is off" in d.ipmitool("chassis", "power", "status").stdout, 5,
             "power off reported")
    assert "did not power off within" not in d.log()


def test_guest_watchdog_resets_the_vm(make_qbmc):
    d = make_qbmc(append="guest.watchdog=8")
    pid = power_on_and_boot(d)
    assert "GUEST: watchdog armed for 8s, never fed" in console_log(d)
    t0 = time.monotonic()  # the watchdog was armed a little before the shell's marker
    wait_for(lambda: "Watchdog" in d.ipmitool("sel", "elist").stdout, 20, "the watchdog's SEL event:\n" + d.log())
    fired = time.monotonic() - t0
    print(f"guest shell -> watchdog event in {fired:.1f} s")
    assert fired < 12, f"the watchdog fired {fired:.1f} s after the guest armed it for 8 s"
    wait_for(lambda: console_log(d).count("GHOSTBMC-GUEST-READY") >= 2, 90, "the guest's second boot")
    assert vm_pid(d) == pid and alive(pid)
    sel = d.ipmitool("sel", "elist", check=True).stdout
    assert re.search(r"Watchdog ?2.*\| Hard reset", sel), sel
    wd = d.ipmitool("mc", "watchdog", "get", check=True).stdout
    m = re.search(r"Timer Expiration Flags:\s*\(?0x([0-9a-fA-F]{2})", wd)
    assert m and int(m.group(1), 16) & 0x10, wd  # SMS/OS expired
    cause = d.ipmitool("chassis", "restart_cause", check=True).stdout
    assert "watchdog" in cause.lower(), cause
