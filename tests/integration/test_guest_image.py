"""The QEMU test guest built by scripts/guest-image (see docs/qemu.md).

Runs by default; skipped only when qemu-system-x86_64 is missing, when the
image build fails (its output is in the skip reason) or when
GHOSTBMC_QEMU_TESTS=0.

- scripts/guest-image builds the kernel and initramfs into a temporary cache
  directory (the .debs are taken from $GHOSTBMC_GUEST_DIR or .cache/guest when
  they are there, so that no download is repeated), and a second run over the
  same directory is a cached no-op;
- the guest boots under `qemu-system-x86_64 -accel tcg -m 256 -nographic` with
  no BMC attached, reaches its GHOSTBMC-GUEST-READY marker, and its shell on the
  serial console runs what is typed into it; QEMU's `system_powerdown` (the ACPI
  power button) makes it print its shutdown message and power off;
- when OpenIPMI's ipmi_sim is installed, the guest boots against it through
  `ipmi-bmc-extern` + `isa-ipmi-kcs`, and `ipmitool mc info` works in the guest
  (the in-band self-test and a command typed into the shell).

QEMU and ipmi_sim are started here and killed by their own pids; everything
listens on 127.0.0.1 only.
"""
import os
import re
import shutil
import socket
import subprocess
import time

import pexpect
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "guest-image")
BUILD_TIMEOUT = 900  # s: package installs and a 70 MB download on a cold machine
BOOT_TIMEOUT = 180  # s: about 7 s here under TCG; generous for a loaded CI machine
CMD_TIMEOUT = 30  # s: one command typed into the guest shell



def run_guest_image(cache_dir, skip_on_failure=False):
    t0 = time.monotonic()
    try:
        r = subprocess.run([SCRIPT, str(cache_dir)], capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        if skip_on_failure:
            pytest.skip(f"scripts/guest-image {cache_dir} took over {BUILD_TIMEOUT} s:\n{e.stdout}\n{e.stderr}")
        raise
    elapsed = time.monotonic() - t0
    if r.returncode != 0 and skip_on_failure:
        pytest.skip(f"scripts/guest-image {cache_dir} failed with {r.returncode}:\n{r.stdout}\n{r.stderr}")
    assert r.returncode == 0, f"scripts/guest-image failed:\n{r.stdout}\n{r.stderr}"
    last = r.stdout.strip().splitlines()[-1].split()
    return last, r.stderr, elapsed


@pytest.fixture(scope="module")
def guest(tmp_path_factory):
    if os.environ.get("GHOSTBMC_QEMU_TESTS") == "0":
        pytest.skip("GHOSTBMC_QEMU_TESTS=0")
    if shutil.which("qemu-system-x86_64") is None:
        pytest.skip("qemu-system-x86_64 is not installed")
    cache = tmp_path_factory.mktemp("guest-cache")
    shared = os.path.join(os.environ.get("GHOSTBMC_GUEST_DIR") or os.path.join(ROOT, ".cache", "guest"), "debs")
    if os.path.isdir(shared):
        (cache / "debs").mkdir()
        for name in os.listdir(shared):
            if name.endswith(".deb"):
                shutil.copy(os.path.join(shared, name), cache / "debs" / name)
    paths, log, elapsed = run_guest_image(cache, skip_on_failure=True)
    kernel, initrd = paths
    assert kernel == str(cache / "vmlinuz") and initrd == str(cache / "initramfs.cpio.gz")
    assert os.path.getsize(kernel) > 1_000_000 and os.path.getsize(initrd) > 1_000_000
    print(f"guest image built in {elapsed:.1f} s:\n{log}")
    return {"dir": cache, "kernel": kernel, "initrd": initrd}


def free_tcp_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc, grace=5.0):
    """SIGTERM, then SIGKILL after `grace` seconds, for one process we started."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=grace)


class Guest:
    """qemu-system-x86_64 with the guest's serial console on a pexpect pty."""

    def __init__(self, guest, tmp_path, extra=()):
        self.log_path = tmp_path / "console.log"
        self.log = open(self.log_path, "w")
        args = [
            "-accel", "tcg", "-m", "256", "-nographic",
            "-kernel", guest["kernel"], "-initrd", guest["initrd"],
            "-append", "console=ttyS0",
            *extra,
        ]
        self.t0 = time.monotonic()
        self.child = pexpect.spawn(
            "qemu-system-x86_64", args, encoding="utf-8", codec_errors="replace",
            timeout=BOOT_TIMEOUT, logfile=self.log,
        )

    def expect(self, pattern, timeout):
        try:
            self.child.expect(pattern, timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            self.log.flush()
            with open(self.log_path, errors="replace") as f:
                tail = f.read()[-4000:]
            raise AssertionError(f"guest console never showed {pattern!r} ({type(e).__name__}); last output:\n{tail}")
        return self.child.match

    def type(self, line):
        # A terminal sends CR; the guest's tty turns it into a newline.
        self.child.send(line + "\r")

    def boot(self):
        m = self.expect(r"GHOSTBMC-GUEST-READY kernel=(\S+) ipmi=(\w+)", BOOT_TIMEOUT)
        self.boot_seconds = time.monotonic() - self.t0
        print(f"QEMU start -> GHOSTBMC-GUEST-READY in {self.boot_seconds:.1f} s (kernel {m.group(1)}, ipmi={m.group(2)})")
        return m.group(2)

    def close(self):
        if self.child.isalive():
            self.child.terminate(force=True)
        self.child.close(force=True)
        self.log.close()


def test_second_run_is_cached(guest):
    paths, log, elapsed = run_guest_image(guest["dir"])
    assert paths == [guest["kernel"], guest["initrd"]]
    assert "up to date" in log
    assert elapsed < 10, f"a cached run took {elapsed:.1f} s"


def test_boots_to_marker_without_bmc(guest, tmp_path):
    g = Guest(guest, tmp_path)
    try:
        # No BMC: the ipmi_si probe fails, the guest says so and carries on.
        assert g.boot() == "no"
        g.expect(r"GHOSTBMC-SELFTEST-END result=FAIL", CMD_TIMEOUT)
        g.expect(r"GHOSTBMC-GUEST-SHELL", CMD_TIMEOUT)
        g.expect(r"guest# ", CMD_TIMEOUT)
        # The shell does the arithmetic, so reading 42 back is not a local echo.
        g.type("echo shell-$((6*7)) $(cat /proc/modules | cut -d' ' -f1 | sort | tr '\\n' ,) end")
        m = g.expect(r"shell-42 (\S+) end", CMD_TIMEOUT)
        modules = m.group(1).split(",")
        for name in ("ipmi_msghandler", "ipmi_devintf", "ipmi_si", "ipmi_watchdog", "evdev", "button"):
            assert name in modules, m.group(1)
        g.expect(r"guest# ", CMD_TIMEOUT)
        # The ACPI power button, from QEMU's monitor (Ctrl-A c on -nographic's stdio).
        g.child.send("\x01c")
        g.expect(r"\(qemu\)", CMD_TIMEOUT)
        g.child.send("system_powerdown\r")
        g.expect(r"GUEST: power button, shutting down", CMD_TIMEOUT)
        g.expect(pexpect.EOF, CMD_TIMEOUT)
    finally:
        g.close()


IPMI_SIM_LAN = """\
name "ghostbmc-guest-test"
set_working_mc 0x20
  startlan 1
    addr 127.0.0.1 {lan_port}
    priv_limit admin
    allowed_auths_admin md5
    guid a123456789abcdefa123456789abcdef
  endlan
  serial 15 127.0.0.1 {vm_port} codec VM
  user 2 true "admin" "{password}" admin 10 md5
"""
IPMI_SIM_EMU = """\
mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02
sel_enable 0x20 1000 0x0a
mc_enable 0x20
"""


def tcp_listening(port):
    """True when a socket listens on 127.0.0.1:port (read from /proc, so that
    ipmi_sim, which takes one VM connection at a time, sees no probe)."""
    want = f"0100007F:{port:04X}"
    with open("/proc/net/tcp") as f:
        return any(line.split()[1] == want and line.split()[3] == "0A" for line in list(f)[1:])


def wait_listening(port, proc, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if tcp_listening(port):
            return
        assert proc.poll() is None, "ipmi_sim exited"
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port}")


@pytest.mark.skipif(shutil.which("ipmi_sim") is None, reason="OpenIPMI's ipmi_sim is not installed")
def test_mc_info_in_guest_against_ipmi_sim(guest, tmp_path):
    vm_port = free_tcp_port()
    (tmp_path / "lan.conf").write_text(
        IPMI_SIM_LAN.format(lan_port=free_udp_port(), vm_port=vm_port, password=f"Pw-{os.getpid()}-{vm_port}")
    )
    (tmp_path / "sim.emu").write_text(IPMI_SIM_EMU)
    (tmp_path / "state").mkdir()
    with open(tmp_path / "ipmi_sim.log", "w") as simlog:
        sim = subprocess.Popen(
            ["ipmi_sim", "-n", "-c", str(tmp_path / "lan.conf"), "-f", str(tmp_path / "sim.emu"),
             "-s", str(tmp_path / "state")],
            stdin=subprocess.DEVNULL, stdout=simlog, stderr=subprocess.STDOUT,
        )
    g = None
    try:
        # The BMC must listen before QEMU starts, or the guest's driver probes a
        # disconnected interface and gives up.
        wait_listening(vm_port, sim)
        g = Guest(guest, tmp_path, extra=[
            "-chardev", f"socket,id=ipmi0,host=127.0.0.1,port={vm_port},reconnect=1",
            "-device", "ipmi-bmc-extern,chardev=ipmi0,id=bmc0",
            "-device", "isa-ipmi-kcs,bmc=bmc0",
        ])
        assert g.boot() == "yes"
        # The self-test's `ipmitool mc info` reached ipmi_sim (manufacturer 4753, product 0x0f02).
        g.expect(r"Manufacturer ID\s+: 4753", CMD_TIMEOUT)
        g.expect(r"GHOSTBMC-SELFTEST-END result=PASS", CMD_TIMEOUT)
        g.expect(r"guest# ", CMD_TIMEOUT)
        # ipmitool typed into the shell, as a SOL test will.
        g.type("ipmitool mc info | grep -i 'product id'; echo rc-$((40+2))")
        m = g.expect(r"Product ID\s+: (\d+) \((0x[0-9a-f]+)\)", CMD_TIMEOUT)
        assert m.group(2) == "0x0f02"
        g.expect(r"rc-42", CMD_TIMEOUT)
    finally:
        if g is not None:
            g.close()
        stop(sim)
    assert not re.search(r"(?i)segmentation|abort", (tmp_path / "ipmi_sim.log").read_text(errors="replace"))
