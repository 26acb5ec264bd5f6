"""The operator CLI over the control socket, and what survives a restart."""
import os
import stat

from conftest import field


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
