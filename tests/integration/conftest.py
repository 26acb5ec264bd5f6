"""Fixtures that run the real ghostbmcd and real IPMI clients as subprocesses.

Every daemon gets its own state directory and a free UDP port on 127.0.0.1
(or port 623 on a 127.0.x.y address of its own, for clients that cannot be
given a port).  Traffic never leaves loopback.  On teardown the daemon is
stopped with SIGTERM and the test fails if it exited badly or a sanitizer
reported anything.
"""
import os
import random
import signal
import socket
import struct
import subprocess
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, os.environ.get("GHOSTBMC_BUILD", "build"))
DAEMON = os.path.join(BUILD, "ghostbmcd")
CLI = os.path.join(BUILD, "ghostbmc")
ADMIN_PASSWORD = "Adm1n-Test-Passw0rd"
GUID = "6f1c2a1e-3b4d-4e5f-9a8b-0c1d2e3f4a5b"
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:", "UndefinedBehaviorSanitizer")


def free_udp_port(host="127.0.0.1"):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def asf_ping(host, port, timeout=0.3):
    """One RMCP presence ping; True when a pong with our tag comes back."""
    tag = random.randint(0, 254)
    ping = bytes([6, 0, 0xFF, 6, 0, 0, 0x11, 0xBE, 0x80, tag, 0, 0])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(ping, (host, port))
        try:
            data, _ = s.recvfrom(512)
        except OSError:
            return False
    return len(data) == 28 and data[8] == 0x40 and data[9] == tag


class Daemon:
    def __init__(self, tmp_path, host="127.0.0.1", port=None, config=None, admin=True, extra=()):
        self.tmp = tmp_path
        self.host = host
        self.port = port or free_udp_port(host)
        self.state = str(tmp_path / "state")
        os.makedirs(self.state, mode=0o700, exist_ok=True)
        self.pwfile = str(tmp_path / "admin.pw")
        with open(self.pwfile, "w") as f:
            f.write(ADMIN_PASSWORD + "\n")
        os.chmod(self.pwfile, 0o600)
        self.config = None
        if config is not None:
            self.config = str(tmp_path / "ghostbmc.yaml")
            with open(self.config, "w") as f:
                f.write(config)
        self.admin = admin
        self.extra = list(extra)
        self.proc = None
        self.logs = []
        self.start()

    def argv(self):
        a = [DAEMON, "-d", "--listen", f"{self.host}:{self.port}", "--state-dir", self.state]
        if self.admin:
            a += ["--admin-password-file", self.pwfile]
        if self.config:
            a += ["-c", self.config]
        return a + self.extra

    def start(self):
        log = str(self.tmp / f"ghostbmcd.{len(self.logs)}.log")
        self.logs.append(log)
        self.proc = subprocess.Popen(self.argv(), stdout=open(log, "w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"ghostbmcd exited with {self.proc.returncode}:\n{self.log()}")
            if asf_ping(self.host, self.port):
                return
            time.sleep(0.05)
        raise AssertionError(f"ghostbmcd did not answer within 15 s:\n{self.log()}")

    def log(self):
        out = []
        for path in self.logs:
            with open(path, errors="replace") as f:
                out.append(f.read())
        return "\n".join(out)

    def stop(self, check=True):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("ghostbmcd did not stop on SIGTERM")
        rc = self.proc.returncode
        self.proc = None
        text = self.log()
        if check:
            bad = [m for m in SANITIZER_MARKS if m in text]
            assert not bad, f"sanitizer report in the daemon log:\n{text}"
            assert rc == 0, f"ghostbmcd exited with {rc}:\n{text}"

    def restart(self):
        self.stop()
        self.start()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None and asf_ping(self.host, self.port)

    # ---- clients ----

    def ipmitool(self, *args, user="admin", password=ADMIN_PASSWORD, cipher=17, priv=None, iface="lanplus",
                 timeout=60, check=False):
        a = ["ipmitool", "-I", iface, "-H", self.host, "-p", str(self.port), "-N", "1", "-R", "2"]
        if user is not None:
            a += ["-U", user]
        if password is not None:
            a += ["-P", password]
        if cipher is not None and iface == "lanplus":
            a += ["-C", str(cipher)]
        if priv:
            a += ["-L", priv]
        r = subprocess.run(a + list(args), capture_output=True, text=True, timeout=timeout)
        if check:
            assert r.returncode == 0, f"{' '.join(a + list(args))}: rc {r.returncode}\n{r.stdout}\n{r.stderr}"
        return r

    def freeipmi(self, tool, *args, user="admin", password=ADMIN_PASSWORD, priv="admin", driver="LAN_2_0",
                 timeout=90, check=False):
        a = [tool, "-h", f"{self.host}:{self.port}", "--session-timeout", "5000", "--retransmission-timeout", "1000"]
        if driver:
            a += ["-D", driver]
        if user is not None:
            a += ["-u", user]
        if password is not None:
            a += ["-p", password]
        if priv:
            a += ["-l", priv]
        r = subprocess.run(a + list(args), capture_output=True, text=True, timeout=timeout)
        if check:
            assert r.returncode == 0, f"{' '.join(a + list(args))}: rc {r.returncode}\n{r.stdout}\n{r.stderr}"
        return r

    def ctl(self, *args, input=None, check=False, state=None):
        r = subprocess.run([CLI, "--state-dir", state or self.state] + list(args), input=input,
                           capture_output=True, text=True, timeout=30)
        if check:
            assert r.returncode == 0, f"ghostbmc {' '.join(args)}: rc {r.returncode}\n{r.stdout}\n{r.stderr}"
        return r


@pytest.fixture
def make_daemon(tmp_path_factory):
    started = []

    def make(**kw):
        d = Daemon(tmp_path_factory.mktemp("bmc"), **kw)
        started.append(d)
        return d

    yield make
    for d in started:
        d.stop()


@pytest.fixture
def bmc(make_daemon):
    """A daemon with a known GUID and the test administrator."""
    return make_daemon(config=f'bmc:\n  system_guid: "{GUID}"\n')


def loopback_623_host():
    """A 127.0.x.y address of our own for clients that always use port 623."""
    for _ in range(50):
        host = f"127.0.{random.randint(2, 250)}.{random.randint(2, 250)}"
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.bind((host, 623))
            return host
        except OSError:
            continue
    pytest.skip("cannot bind UDP port 623 on loopback (needs root or CAP_NET_BIND_SERVICE)")


def field(output, name):
    """The value of 'Name : value' in a client's output."""
    for line in output.splitlines():
        if ":" in line and line.split(":", 1)[0].strip() == name:
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"no field {name!r} in:\n{output}")
