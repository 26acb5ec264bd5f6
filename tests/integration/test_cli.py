"""The operator CLI over the control socket, and what survives a restart."""
import os
import stat
import subprocess

import pytest

from conftest import CLI, field


def login(bmc, user, password, priv="ADMINISTRATOR"):
    return bmc.ipmitool("mc", "info", user=user, password=password, priv=priv)


def test_status(bmc):
    bmc.ipmitool("mc", "info", check=True)
    out = bmc.ctl("status", check=True).stdout
    assert field(out, "instance") == "bmc0"
    assert field(out, "listen") == f"127.0.0.1:{bmc.port}"
    assert "users: 1 defined" in out


def test_user_add_login_restart(bmc):
    r = bmc.ctl("user", "add", "ops", "--priv", "operator", "--password-stdin", input="Ops-Passw0rd-42\n")
    assert r.returncode == 0, r.stderr
    assert login(bmc, "ops", "Ops-Passw0rd-42", "OPERATOR").returncode == 0
    assert login(bmc, "ops", "Ops-Passw0rd-42", "ADMINISTRATOR").returncode != 0
    out = bmc.ctl("user", "list", check=True).stdout
    assert any(l.split()[1:3] == ["ops", "operator"] for l in out.splitlines()[1:]), out
    bmc.restart()
    assert login(bmc, "ops", "Ops-Passw0rd-42", "OPERATOR").returncode == 0
    # The IPMI view agrees with the CLI.
    ipmi = bmc.ipmitool("user", "list", check=True).stdout
    assert any(l.split()[1:2] == ["ops"] and l.endswith("OPERATOR") for l in ipmi.splitlines()), ipmi


def test_user_passwd_and_del(bmc, tmp_path):
    bmc.ctl("user", "add", "tmpuser", "--priv", "user", "--password-stdin", input="First-Passw0rd\n", check=True)
    pwfile = tmp_path / "pw"
    pwfile.write_text("Second-Passw0rd\n")
    bmc.ctl("user", "passwd", "tmpuser", "--password-file", str(pwfile), check=True)
    assert login(bmc, "tmpuser", "First-Passw0rd", "USER").returncode != 0
    assert login(bmc, "tmpuser", "Second-Passw0rd", "USER").returncode == 0
    bmc.ctl("user", "del", "tmpuser", check=True)
    assert login(bmc, "tmpuser", "Second-Passw0rd", "USER").returncode != 0
    assert "tmpuser" not in bmc.ctl("user", "list", check=True).stdout


def test_cli_errors(bmc, tmp_path):
    r = bmc.ctl("user", "add", "weak", "--priv", "user", "--password-stdin", input="short\n")
    assert r.returncode == 1
    assert "password" in r.stderr and "8" in r.stderr, r.stderr
    r = bmc.ctl("user", "del", "nobody")
    assert r.returncode == 1 and "error" in r.stderr.lower()
    r = bmc.ctl("user", "add", "x", "--priv", "emperor", "--password-stdin", input="Long-Enough-1\n")
    assert r.returncode != 0
    r = bmc.ctl("frobnicate")
    assert r.returncode == 2
    # No daemon there: a readable error naming the socket.
    empty = tmp_path / "nothing"
    empty.mkdir()
    r = bmc.ctl("status", state=str(empty))
    assert r.returncode == 1 and "cannot reach the daemon" in r.stderr


def test_generated_admin_password(make_daemon):
    d = make_daemon(admin=False)
    path = os.path.join(d.state, "initial-admin-password")
    st = os.stat(path)
    assert stat.S_IMODE(st.st_mode) == 0o600
    pw = open(path).read().strip()
    assert len(pw) >= 16
    assert path in d.log()
    assert pw not in d.log()
    r = d.ipmitool("mc", "info", password=pw)
    assert r.returncode == 0, r.stderr
    # A restart keeps the same account and does not generate another password.
    d.restart()
    assert open(path).read().strip() == pw
    assert d.ipmitool("mc", "info", password=pw).returncode == 0


def test_state_files_private(bmc):
    for name in ("ghostbmc.db", "secret.key", "ghostbmc.sock"):
        mode = stat.S_IMODE(os.stat(os.path.join(bmc.state, name)).st_mode)
        assert mode & 0o077 == 0, (name, oct(mode))
    assert stat.S_IMODE(os.stat(bmc.state).st_mode) & 0o077 == 0
    # Passwords are not stored in clear.
    bmc.ipmitool("mc", "info", check=True)
    for name in os.listdir(bmc.state):
        p = os.path.join(bmc.state, name)
        if os.path.isfile(p):
            assert b"Adm1n-Test-Passw0rd" not in open(p, "rb").read(), name


# ---- sensors, the simulated host, faults, the SDR ----

def cli(state, *args, cwd=None):
    return subprocess.run([CLI, "--state-dir", state] + list(args), capture_output=True, text=True, timeout=30,
                          cwd=cwd)


def sensor_rows(out):
    """sensor list: {name: [num, reading, unit, status, step, model, note]}."""
    lines = out.splitlines()
    assert [c.strip() for c in lines[0].split("|")] == \
        ["NAME", "NUM", "READING", "UNIT", "STATUS", "STEP", "MODEL", "NOTE"], out
    rows = {}
    for line in lines[1:]:
        cols = [c.strip() for c in line.split("|")]
        rows[cols[0]] = cols[1:]
    return rows


@pytest.mark.parametrize("args", [
    ["sensor"],
    ["sensor", "frob"],
    ["sensor", "list", "extra"],
    ["sensor", "show"],
    ["sensor", "show", "FAN1", "FAN2"],
    ["sensor", "set"],
    ["sensor", "set", "FAN1"],
    ["sensor", "set", "FAN1", "1", "2"],
    ["sensor", "release"],
    ["host"],
    ["host", "power"],
    ["host", "power", "maybe"],
    ["host", "power", "on", "now"],
    ["host", "load"],
    ["host", "load", "150"],
    ["host", "load", "-1"],
    ["host", "load", "half"],
    ["host", "load", "1e2"],
    ["host", "status", "extra"],
    ["fault"],
    ["fault", "explode"],
    ["fault", "fan-fail"],
    ["fault", "psu-fail"],
    ["fault", "psu-fail", "PSU1 Status", "PSU2 Status"],
    ["fault", "intrusion", "now"],
    ["fault", "clear", "FAN1", "FAN2"],
    ["sdr"],
    ["sdr", "import"],
    ["sdr", "import", "a.sdr", "b.sdr"],
    ["sdr", "reset", "extra"],
])
def test_host_commands_usage_errors(tmp_path, args):
    # Caught before contacting the daemon: there is none in tmp_path.
    r = cli(str(tmp_path), *args)
    assert r.returncode == 2, (args, r.returncode, r.stderr)
    assert r.stderr.startswith("ghostbmc: ") and "usage: ghostbmc " + args[0] in r.stderr, r.stderr
    assert r.stdout == ""


def test_host_commands_help(tmp_path):
    r = cli(str(tmp_path), "sensor", "set", "-h")
    assert r.returncode == 0 and r.stdout.startswith("usage: ghostbmc sensor set NAME|NUM VALUE"), r
    r = cli(str(tmp_path), "host", "load", "150", "--help")
    assert r.returncode == 0 and r.stdout.startswith("usage: ghostbmc host load PERCENT"), r
    r = cli(str(tmp_path), "fault", "-h")
    assert r.returncode == 0
    for sub in ("fan-fail", "psu-fail", "intrusion", "clear"):
        assert f"usage: ghostbmc fault {sub}" in r.stdout, r.stdout
    r = cli(str(tmp_path), "--help")
    for cmd in ("sensor list", "sensor set", "host power", "host load", "fault clear", "sdr import", "sdr reset"):
        assert cmd in r.stdout, cmd


def test_sensor_list(bmc):
    rows = sensor_rows(bmc.ctl("sensor", "list", check=True).stdout)
    assert rows["CPU1 Temp"][0] == "0x01" and rows["CPU1 Temp"][2] == "degrees C", rows["CPU1 Temp"]
    assert rows["FAN2"][0] == "0x21" and rows["FAN2"][2] == "RPM" and rows["FAN2"][5] == "fan:2", rows["FAN2"]
    assert rows["CPU1 Status"][2] == "discrete"
    assert all(r[6] == "" for r in rows.values())


def test_sensor_set_show_release(bmc):
    r = bmc.ctl("sensor", "set", "Inlet Temp", "30", check=True)
    assert "Inlet Temp pinned at 30.000" in r.stdout, r.stdout
    out = bmc.ctl("sensor", "show", "Inlet Temp", check=True).stdout
    assert field(out, "reading") == "30.000 degrees C", out
    assert field(out, "pinned") == "yes"
    assert sensor_rows(bmc.ctl("sensor", "list", check=True).stdout)["Inlet Temp"][6] == "pinned"
    # IPMI clients see the pinned reading.
    ipmi = bmc.ipmitool("sensor", "reading", "Inlet Temp", check=True).stdout
    assert ipmi.split("|")[1].strip() in ("30", "30.000"), ipmi
    r = bmc.ctl("sensor", "release", "Inlet Temp", check=True)
    assert "released" in r.stdout
    out = bmc.ctl("sensor", "show", "Inlet Temp", check=True).stdout
    assert field(out, "pinned") == "no", out
    # By number, and a discrete sensor's state mask.
    bmc.ctl("sensor", "set", "0x21", "1000", check=True)
    out = bmc.ctl("sensor", "show", "FAN2", check=True).stdout
    assert field(out, "reading") == "1000.000 RPM" and field(out, "status") == "cr", out
    bmc.ctl("sensor", "release", "0x21", check=True)
    bmc.ctl("sensor", "set", "CPU1 Status", "0x0100", check=True)
    assert field(bmc.ctl("sensor", "show", "CPU1 Status", check=True).stdout, "reading") == "0x0100"


def test_sensor_refusals(bmc):
    r = bmc.ctl("sensor", "set", "NOPE", "1")
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.startswith("ghostbmc: error:") and "NOPE" in r.stderr, r.stderr
    r = bmc.ctl("sensor", "show", "NOPE")
    assert r.returncode == 1 and "NOPE" in r.stderr
    r = bmc.ctl("sensor", "set", "CPU1 Temp", "warm")
    assert r.returncode == 1 and "warm" in r.stderr and "not a number" in r.stderr, r.stderr
    r = bmc.ctl("fault", "fan-fail", "CPU1 Temp")
    assert r.returncode == 1 and "not a fan" in r.stderr, r.stderr


def test_host_power_and_load(bmc):
    bmc.ctl("host", "power", "off", check=True)
    out = bmc.ctl("host", "status", check=True).stdout
    assert field(out, "power") == "off", out
    assert field(bmc.ctl("sensor", "show", "CPU1 Temp", check=True).stdout, "reading") == "na"
    bmc.ctl("host", "power", "on", check=True)
    assert field(bmc.ctl("host", "status", check=True).stdout, "power") == "on"
    r = bmc.ctl("host", "load", "55", check=True)
    assert "55%" in r.stdout
    r = bmc.ctl("host", "load", "150")
    assert r.returncode == 2 and "0 to 100" in r.stderr, r.stderr
    assert field(bmc.ctl("host", "status", check=True).stdout, "load") == "55%"


def test_faults(bmc):
    bmc.ctl("fault", "intrusion", check=True)
    assert field(bmc.ctl("sensor", "show", "Intrusion", check=True).stdout, "reading") == "0x0001"
    bmc.ctl("fault", "psu-fail", "PSU2 Status", check=True)
    assert field(bmc.ctl("sensor", "show", "PSU2 Status", check=True).stdout, "reading") != "0x0001"
    bmc.ctl("fault", "fan-fail", "FAN3", check=True)
    r = bmc.ctl("fault", "clear", "FAN3", check=True)
    assert "FAN3 released" in r.stdout
    bmc.ctl("fault", "clear", check=True)
    assert field(bmc.ctl("sensor", "show", "Intrusion", check=True).stdout, "reading") == "0x0000"
    assert field(bmc.ctl("sensor", "show", "PSU2 Status", check=True).stdout, "reading") == "0x0001"


def test_sdr_import_missing_file(bmc, tmp_path):
    r = cli(bmc.state, "sdr", "import", "missing-file", cwd=str(tmp_path))
    assert r.returncode == 1, r
    assert r.stderr.startswith("ghostbmc: missing-file: "), r.stderr


def test_sdr_import_relative_path_and_reset(bmc, tmp_path):
    bmc.ipmitool("sdr", "dump", str(tmp_path / "dump.sdr"), check=True)
    r = cli(bmc.state, "sdr", "import", "dump.sdr", cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert f"from {tmp_path / 'dump.sdr'}" in r.stdout, r.stdout
    rows = sensor_rows(bmc.ctl("sensor", "list", check=True).stdout)
    assert rows["FAN2"][0] == "0x21" and rows["FAN2"][5] == "static", rows["FAN2"]
    # The import is kept over a restart.
    bmc.restart()
    assert sensor_rows(bmc.ctl("sensor", "list", check=True).stdout)["FAN2"][5] == "static"
    # A file the daemon cannot parse: its refusal, exit 1.
    (tmp_path / "junk.sdr").write_bytes(b"not an SDR\n")
    r = cli(bmc.state, "sdr", "import", "junk.sdr", cwd=str(tmp_path))
    assert r.returncode == 1 and "ghostbmc: error: sdr import:" in r.stderr, r.stderr
    r = bmc.ctl("sdr", "reset", check=True)
    assert "reset to the configuration" in r.stdout
    assert sensor_rows(bmc.ctl("sensor", "list", check=True).stdout)["FAN2"][5] == "fan:2"
