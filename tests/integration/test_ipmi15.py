"""IPMI 1.5 sessions: off by default, and working with both clients when enabled."""
from conftest import ADMIN_PASSWORD

PW16 = "Old-Client-Pw-16"  # 1.5 passwords are at most 16 bytes


def test_enabled_md5_and_password(make_daemon):
    d = make_daemon(config="bmc:\n  ipmi15_auth_types: [md5, password]\n")
    assert "IPMI 1.5 sessions are enabled (auth types md5 password)" in d.log()
    d.ctl("user", "add", "old", "--priv", "administrator", "--password-stdin", input=PW16 + "\n", check=True)
    r = d.ipmitool("mc", "info", iface="lan", user="old", password=PW16)
    assert r.returncode == 0, r.stderr
    r = d.ipmitool("session", "info", "active", iface="lan", user="old", password=PW16)
    assert "IPMIv1.5" in r.stdout, r.stdout + r.stderr
    r = d.ipmitool("-A", "PASSWORD", "mc", "info", iface="lan", user="old", password=PW16)
    assert r.returncode == 0, r.stderr
    f = d.freeipmi("bmc-info", "--get-device-id", driver="LAN", user="old", password=PW16)
    assert f.returncode == 0, f.stderr
    # Wrong password and unknown user fail alike.
    a = d.ipmitool("mc", "info", iface="lan", user="old", password="Wrong-Passw0rd-1")
    b = d.ipmitool("mc", "info", iface="lan", user="nobody", password=PW16)
    assert a.returncode != 0 and b.returncode != 0
    assert a.stderr == b.stderr
    out = d.ipmitool("channel", "authcap", "1", "4", check=True).stdout
    assert "MD5" in out and "PASSWORD" in out and "NONE" not in out
    # RMCP+ keeps working alongside.
    assert d.ipmitool("mc", "info", password=ADMIN_PASSWORD).returncode == 0
