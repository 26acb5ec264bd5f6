"""The daemon's command line: config checks, clear start-up errors."""
import subprocess

from conftest import DAEMON, free_udp_port


def run(*args, timeout=20):
    return subprocess.run([DAEMON] + list(args), capture_output=True, text=True, timeout=timeout)


def test_check_config(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("listen: 127.0.0.1:6230\nbmc:\n  cipher_suites: [3, 17]\n")
    r = run("-n", "-c", str(good))
    assert r.returncode == 0, r.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("bmc:\n  cipher_suites: [0]\n  session_timeout: 0\nusers: [{name: x}]\n")
    r = run("-n", "-c", str(bad))
    assert r.returncode == 1
    assert f"{bad}:2: cipher_suites: suite 0" in r.stderr
    assert f"{bad}:3: session_timeout" in r.stderr
    assert "user x: give exactly one of password_file and password" in r.stderr
    r = run("-n", "-c", str(tmp_path / "missing.yaml"))
    assert r.returncode == 1 and "missing.yaml" in r.stderr


def test_bad_listen_address(tmp_path):
    r = run("-d", "--state-dir", str(tmp_path / "s"), "--listen", "not-an-address")
    assert r.returncode != 0
    assert "not-an-address" in r.stderr


def test_port_in_use_and_state_dir_lock(make_daemon, tmp_path):
    d = make_daemon()
    # Another daemon on the same port: a clear error, not a silent second listener.
    r = run("-d", "--state-dir", str(tmp_path / "other"), "--listen", f"127.0.0.1:{d.port}",
            "--admin-password-file", d.pwfile)
    assert r.returncode != 0
    assert f"127.0.0.1:{d.port}" in r.stderr
    # Another daemon on the same state directory: refused too.
    r = run("-d", "--state-dir", d.state, "--listen", f"127.0.0.1:{free_udp_port()}", "--admin-password-file",
            d.pwfile)
    assert r.returncode != 0
    assert "lock" in r.stderr.lower() or "already" in r.stderr.lower(), r.stderr
    assert d.alive()


def test_configured_users(make_daemon, tmp_path):
    pw = tmp_path / "monitor.pw"
    pw.write_text("Monitor-Passw0rd\n")
    d = make_daemon(config=f"users:\n  - name: monitor\n    password_file: {pw}\n    privilege: user\n")
    r = d.ipmitool("mc", "info", user="monitor", password="Monitor-Passw0rd", priv="USER")
    assert r.returncode == 0, r.stderr
    r = d.ipmitool("mc", "info", user="monitor", password="Monitor-Passw0rd", priv="OPERATOR")
    assert r.returncode != 0
