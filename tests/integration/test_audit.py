"""`ghostbmc audit HOST[:PORT]` end to end (docs/audit.md).

- against OpenIPMI's ipmi_sim configured insecurely (cipher suite 0 is always
  accepted there; a null user with an empty password; IPMI 1.5 auth type none;
  ADMIN/ADMIN): every one of those is reported, exit 1;
- against ghostbmcd on its defaults (with an administrator): exactly
  `0 findings`, exit 0, over IPv4 and IPv6, and the administrator can still
  log in afterwards;
- against ghostbmcd configured insecurely (IPMI 1.5 with auth type none,
  a vendor default account): those are reported;
- against a closed port and a port where something listens but never
  answers: exit 2 with a readable message, within a few seconds.

ipmi_sim is started here and killed by its own pid; everything stays on
loopback.
"""
import re
import shutil
import socket
import subprocess
import time

import pytest

from conftest import CLI, SANITIZER_MARKS, free_udp_port

SUMMARY = re.compile(r"^(\d+) findings$")
LINE = re.compile(r"^(critical|high|medium|low) +(\S+) +(\S.*)$")

IPMI_SIM_EMU = """\
mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02
mc_enable 0x20
"""


def audit(target, *args, timeout=60):
    """Run the audit; returns (CompletedProcess, seconds, {id: (severity, text)})."""
    t0 = time.monotonic()
    r = subprocess.run([CLI, "audit", *args, target], capture_output=True, text=True, timeout=timeout)
    elapsed = time.monotonic() - t0
    assert not [m for m in SANITIZER_MARKS if m in r.stderr], r.stderr
    findings = {}
    if r.returncode in (0, 1):
        lines = r.stdout.splitlines()
        assert lines, f"no output:\n{r.stderr}"
        m = SUMMARY.match(lines[-1])
        assert m, f"last line is not the summary:\n{r.stdout}"
        assert int(m.group(1)) == len(lines) - 1, r.stdout
        for line in lines[:-1]:
            f = LINE.match(line)
            assert f, f"not a finding line: {line!r}"
            assert f.group(2) not in findings, f"{f.group(2)} twice:\n{r.stdout}"
            findings[f.group(2)] = (f.group(1), f.group(3))
    return r, elapsed, findings


# ---- ipmi_sim ----

def lan_conf(port, users, auths):
    lines = ['name "audit"', "startlan 1", f"  addr 127.0.0.1 {port}", "  priv_limit admin"]
    for level in ("callback", "user", "operator", "admin"):
        lines.append(f"  allowed_auths_{level} {auths}")
    lines += ["  guid a123456789abcdefa123456789abcdef", "endlan"]
    return "\n".join(lines + users) + "\n"


def answers_auth_caps(port):
    """True when Get Channel Authentication Capabilities is answered on 127.0.0.1:port."""
    rq = bytes([6, 0, 0xFF, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0x20, 0x18, 0xC8, 0x81, 0x00, 0x38, 0x8E, 0x04, 0xB5])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.2)
        try:
            s.sendto(rq, ("127.0.0.1", port))
            return len(s.recv(512)) > 20
        except OSError:
            return False


class IpmiSim:
    def __init__(self, tmp_path, users, auths):
        self.port = free_udp_port()
        self.tmp = tmp_path
        (tmp_path / "lan.conf").write_text(lan_conf(self.port, users, auths))
        (tmp_path / "sim.emu").write_text(IPMI_SIM_EMU)
        (tmp_path / "state").mkdir()
        self.logf = open(tmp_path / "ipmi_sim.log", "w")
        self.proc = subprocess.Popen(
            ["ipmi_sim", "-n", "-c", str(tmp_path / "lan.conf"), "-f", str(tmp_path / "sim.emu"),
             "-s", str(tmp_path / "state")],
            stdin=subprocess.DEVNULL, stdout=self.logf, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while not answers_auth_caps(self.port):
            assert self.proc.poll() is None, f"ipmi_sim exited:\n{self.log()}"
            assert time.monotonic() < deadline, f"ipmi_sim did not answer:\n{self.log()}"
            time.sleep(0.1)

    def log(self):
        return (self.tmp / "ipmi_sim.log").read_text(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.logf.close()
        assert not re.search(r"(?i)segmentation|abort", self.log())


@pytest.fixture
def make_sim(tmp_path_factory):
    if shutil.which("ipmi_sim") is None:
        pytest.skip("OpenIPMI's ipmi_sim is not installed")
    sims = []

    def make(users, auths):
        s = IpmiSim(tmp_path_factory.mktemp("sim"), users, auths)
        sims.append(s)
        return s

    yield make
    for s in sims:
        s.stop()


def test_ipmi_sim_insecure(make_sim):
    sim = make_sim(['user 1 true "" "" admin 10', 'user 2 true "ADMIN" "ADMIN" admin 10'],
                   "none md2 md5 straight")
    r, elapsed, f = audit(f"127.0.0.1:{sim.port}")
    assert r.returncode == 1, r.stdout + r.stderr
    assert elapsed < 30
    # cipher suite 0: accepted, and a login with any password gets as far as RAKP 2
    assert f["cipher-zero"][0] == "critical", r.stdout
    # the null user name with an empty password: advertised, and proven over RMCP+ and IPMI 1.5
    assert f["anonymous-login"][0] == "critical"
    assert f["null-user-login"][0] == "critical"
    assert f["ipmi15-null-login"][0] == "critical"
    # IPMI 1.5 auth type none: advertised and a session activated with it
    assert f["ipmi15-auth-none"][0] == "high"
    assert "callback, user, operator, administrator" in f["ipmi15-auth-none"][1]
    assert f["ipmi15-none-login"][0] == "critical"
    assert f["ipmi15-auth-straight"][0] == "high"
    assert f["ipmi15-auth-md5"][0] == "medium" and f["ipmi15-auth-md2"][0] == "medium"
    # the Supermicro default, found offline from one RAKP 2
    assert "ADMIN / ADMIN (Supermicro)" in f["default-credentials"][1]
    # ipmi_sim tells unknown names apart (RAKP 2 status 0Dh, Get Session Challenge 81h)
    assert "0Dh" in f["user-enumeration"][1]
    assert f["user-enumeration-ipmi15"][0] == "medium"
    assert set(f) == {"cipher-zero", "anonymous-login", "null-user-login", "ipmi15-null-login",
                      "ipmi15-auth-none", "ipmi15-none-login", "ipmi15-auth-straight", "ipmi15-auth-md5",
                      "ipmi15-auth-md2", "default-credentials", "user-enumeration",
                      "user-enumeration-ipmi15"}, r.stdout
    assert sim.proc.poll() is None


def test_ipmi_sim_cipher_zero_with_enumerated_name(make_sim):
    """No null user, no default password, MD5 only: cipher suite 0 still lets the name the audit found in."""
    sim = make_sim(['user 2 true "admin" "Str0ng-Sim-Passw0rd" admin 10'], "md5")
    r, _, f = audit(f"127.0.0.1:{sim.port}")
    assert r.returncode == 1, r.stdout + r.stderr
    assert f["cipher-zero"][0] == "critical"
    assert 'user "admin" logs in with any password' in f["cipher-zero"][1]
    assert set(f) == {"ipmi15-auth-md5", "user-enumeration", "cipher-zero", "user-enumeration-ipmi15"}, r.stdout


# ---- ghostbmcd ----

def ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.bind(("::1", 0))
            return s.getsockname()[1]
    except OSError:
        return None


def test_ghostbmc_defaults(make_daemon):
    port6 = ipv6_loopback()
    extra = ["--listen", f"[::1]:{port6}"] if port6 else []
    d = make_daemon(extra=extra)
    r, elapsed, f = audit(f"{d.host}:{d.port}")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == "0 findings\n"
    assert elapsed < 10
    if port6:
        r, _, _ = audit(f"[::1]:{port6}")
        assert (r.returncode, r.stdout) == (0, "0 findings\n"), r.stderr
    # Read-only and polite: the administrator is not locked out and logs in as before.
    d.ipmitool("mc", "info", check=True)
    assert d.alive()


def test_ghostbmc_verbose(make_daemon):
    d = make_daemon()
    r, _, _ = audit(f"{d.host}:{d.port}", "-v", "--timeout", "500", "--max-time", "10")
    assert r.returncode == 0
    assert r.stdout == "0 findings\n"
    assert "RAKP probes use cipher suite 3" in r.stderr
    assert "cipher suite 0: refused with status 11h" in r.stderr


def test_ghostbmc_insecure(make_daemon):
    d = make_daemon(config="bmc:\n  ipmi15_auth_types: [none, md5, password]\n")
    d.ctl("user", "add", "USERID", "--priv", "administrator", "--password-stdin", input="PASSW0RD\n",
          check=True)
    r, _, f = audit(f"{d.host}:{d.port}")
    assert r.returncode == 1, r.stdout + r.stderr
    assert set(f) == {"ipmi15-auth-none", "ipmi15-auth-md5", "ipmi15-auth-straight", "default-credentials",
                      "ipmi15-none-login"}, r.stdout
    assert "USERID / PASSW0RD (IBM/Lenovo IMM)" in f["default-credentials"][1]
    assert 'user "USERID"' in f["ipmi15-none-login"][1]
    # still no enumeration, no null user, no cipher suite 0
    assert d.alive()


# ---- nobody answers ----

def test_closed_port():
    port = free_udp_port()
    r, elapsed, _ = audit(f"127.0.0.1:{port}")
    assert r.returncode == 2
    assert r.stdout == ""
    assert f"127.0.0.1:{port}: no answer to Get Channel Authentication Capabilities" in r.stderr
    assert "port is closed" in r.stderr
    assert elapsed < 5


def test_silent_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        r, elapsed, _ = audit(f"127.0.0.1:{port}")
        received = 0
        s.settimeout(0)
        try:
            while True:
                s.recv(2048)
                received += 1
        except OSError:
            pass
    assert r.returncode == 2
    assert "no answer to Get Channel Authentication Capabilities (3 tries, 1000 ms each)" in r.stderr
    assert 2.5 < elapsed < 10
    assert received == 3  # a fixed number of datagrams


def test_silent_port_short_timeout():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        r, elapsed, _ = audit(f"127.0.0.1:{s.getsockname()[1]}", "--timeout", "200")
    assert r.returncode == 2
    assert "(3 tries, 200 ms each)" in r.stderr
    assert elapsed < 3


@pytest.mark.parametrize("args,message", [
    ([], "missing the target"),
    (["127.0.0.1:0"], "port must be a number from 1 to 65535"),
    (["127.0.0.1:99999"], "port must be a number"),
    (["[::1"], "missing ']'"),
    (["--timeout", "5", "127.0.0.1"], "--timeout"),
    (["--max-time", "0", "127.0.0.1"], "--max-time"),
    (["--bogus", "127.0.0.1"], "unknown option --bogus"),
    (["127.0.0.1", "extra"], "unexpected argument extra"),
    (["no-such-host.invalid"], "no-such-host.invalid"),
])
def test_usage_errors(args, message):
    r = subprocess.run([CLI, "audit", *args], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2, r.stdout + r.stderr
    assert not [m for m in SANITIZER_MARKS if m in r.stderr], r.stderr
    assert message in r.stderr
    assert r.stdout == ""


def test_help():
    r = subprocess.run([CLI, "audit", "-h"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0 and "usage: ghostbmc audit" in r.stdout
    r = subprocess.run([CLI, "-h"], capture_output=True, text=True, timeout=10)
    assert "audit [--timeout MS]" in r.stdout
