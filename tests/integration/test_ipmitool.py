"""ipmitool over lanplus, cipher suites 3 and 17: the issue's command list."""
import re
import time

import pytest

from conftest import ADMIN_PASSWORD, GUID, field


@pytest.mark.parametrize("cipher", [3, 17])
def test_mc_info(bmc, cipher):
    out = bmc.ipmitool("mc", "info", cipher=cipher, check=True).stdout
    assert field(out, "IPMI Version") == "2.0"
    assert field(out, "Device ID") == "32"
    assert field(out, "Manufacturer ID") == "0"
    assert field(out, "Product ID").startswith("18242")
    assert field(out, "Device Available") == "yes"


@pytest.mark.parametrize("cipher", [3, 17])
def test_mc_guid(bmc, cipher):
    out = bmc.ipmitool("mc", "guid", cipher=cipher, check=True).stdout
    assert field(out, "System GUID") == GUID
    assert field(out, "GUID Encoding") == "IPMI"


@pytest.mark.parametrize("cipher", [3, 17])
def test_channel_info(bmc, cipher):
    out = bmc.ipmitool("channel", "info", cipher=cipher, check=True).stdout
    assert "Channel 0x1 info" in out
    assert field(out, "Channel Medium Type") == "802.3 LAN"
    assert field(out, "Session Support") == "multi-session"
    assert field(out, "Active Session Count") == "1"
    assert field(out, "Access Mode") == "always available"


@pytest.mark.parametrize("cipher", [3, 17])
def test_channel_getciphers(bmc, cipher):
    out = bmc.ipmitool("channel", "getciphers", "ipmi", cipher=cipher, check=True).stdout
    rows = [l.split() for l in out.splitlines()[1:] if l.strip()]
    assert [r[0] for r in rows] == ["3", "17"], out
    assert rows[0][2:] == ["hmac_sha1", "hmac_sha1_96", "aes_cbc_128"]
    assert rows[1][2:] == ["hmac_sha256", "sha256_128", "aes_cbc_128"]


@pytest.mark.parametrize("cipher", [3, 17])
def test_session_info_active(bmc, cipher):
    out = bmc.ipmitool("session", "info", "active", cipher=cipher, check=True).stdout
    assert field(out, "privilege level") == "ADMINISTRATOR"
    assert field(out, "session type") == "IPMIv2/RMCP+"
    assert field(out, "console ip") == "127.0.0.1"
    assert field(out, "user id") == "2"
    assert field(out, "slot count") == "16"


def test_session_info_all(bmc):
    out = bmc.ipmitool("session", "info", "all", check=True).stdout
    assert out.count("privilege level") == 1
    assert out.count("session handle") == 16


@pytest.mark.parametrize("cipher", [3, 17])
def test_lan_print(bmc, cipher):
    out = bmc.ipmitool("lan", "print", "1", cipher=cipher, check=True).stdout
    assert field(out, "IP Address") == "127.0.0.1"
    assert field(out, "Subnet Mask") == "255.0.0.0"
    assert re.fullmatch(r"02(:[0-9a-f]{2}){5}", field(out, "MAC Address"))
    suites = field(out, "RMCP+ Cipher Suites").split(",")
    privs = field(out, "Cipher Suite Priv Max")
    enabled = {s for s, p in zip(suites, privs) if p != "X"}
    assert enabled == {"3", "17"}, out
    assert field(out, "Bad Password Threshold") == "5"
    assert field(out, "Auth Type Support") == ""


@pytest.mark.parametrize("cipher", [3, 17])
def test_user_list(bmc, cipher):
    out = bmc.ipmitool("user", "list", cipher=cipher, check=True).stdout
    rows = {l.split()[0]: l.split() for l in out.splitlines()[1:] if l.strip()}
    assert len(rows) == 16
    assert rows["2"][1] == "admin" and rows["2"][-1] == "ADMINISTRATOR"
    assert rows["1"][-2:] == ["NO", "ACCESS"]


def test_user_set_name_and_password(bmc):
    bmc.ipmitool("user", "set", "name", "3", "bob", check=True)
    bmc.ipmitool("user", "set", "password", "3", "Bob-Passw0rd-1", check=True)
    bmc.ipmitool("user", "priv", "3", "3", "1", check=True)
    bmc.ipmitool("user", "enable", "3", check=True)
    out = bmc.ipmitool("user", "list", check=True).stdout
    assert re.search(r"^3\s+bob\s+.*OPERATOR$", out, re.M), out
    assert "Success" in bmc.ipmitool("user", "test", "3", "16", "Bob-Passw0rd-1", check=True).stdout
    r = bmc.ipmitool("user", "test", "3", "16", "Not-Bobs-Passw0rd")
    assert "password incorrect" in (r.stdout + r.stderr)
    r = bmc.ipmitool("mc", "info", user="bob", password="Bob-Passw0rd-1", priv="OPERATOR")
    assert r.returncode == 0, r.stderr
    # Survives a restart of the daemon.
    bmc.restart()
    r = bmc.ipmitool("mc", "info", user="bob", password="Bob-Passw0rd-1", priv="OPERATOR")
    assert r.returncode == 0, r.stderr
    # Disabled: refused.
    bmc.ipmitool("user", "disable", "3", check=True)
    r = bmc.ipmitool("mc", "info", user="bob", password="Bob-Passw0rd-1", priv="OPERATOR")
    assert r.returncode != 0


def test_user_password_policy(bmc):
    bmc.ipmitool("user", "set", "name", "4", "carol", check=True)
    r = bmc.ipmitool("user", "set", "password", "4", "short")
    assert r.returncode != 0
    assert "Invalid data field" in r.stderr
    # A 20-byte password uses the 20-byte form and works for login.
    pw = "Twenty-Byte-Passw0rd"
    bmc.ipmitool("user", "set", "password", "4", pw, "20", check=True)
    bmc.ipmitool("user", "priv", "4", "2", "1", check=True)
    bmc.ipmitool("user", "enable", "4", check=True)
    r = bmc.ipmitool("mc", "info", user="carol", password=pw, priv="USER")
    assert r.returncode == 0, r.stderr


def test_cipher_autodetect_is_fast(bmc):
    t0 = time.monotonic()
    r = bmc.ipmitool("mc", "info", cipher=None)
    assert r.returncode == 0, r.stderr
    assert time.monotonic() - t0 < 3


def test_user_privilege_session(bmc):
    bmc.ipmitool("user", "set", "name", "5", "viewer", check=True)
    bmc.ipmitool("user", "set", "password", "5", "Viewer-Passw0rd", check=True)
    bmc.ipmitool("user", "priv", "5", "2", "1", check=True)
    bmc.ipmitool("user", "enable", "5", check=True)
    ok = bmc.ipmitool("mc", "info", user="viewer", password="Viewer-Passw0rd", priv="USER")
    assert ok.returncode == 0, ok.stderr
    # Get LAN Configuration needs OPERATOR, Get User Access too (CHECKLIST 10).
    r = bmc.ipmitool("lan", "print", "1", user="viewer", password="Viewer-Passw0rd", priv="USER")
    assert r.returncode != 0
    r = bmc.ipmitool("raw", "0x0c", "0x02", "0x01", "0x03", "0x00", "0x00", user="viewer",
                     password="Viewer-Passw0rd", priv="USER")
    assert "rsp=0xd4" in r.stderr, r.stderr
    r = bmc.ipmitool("user", "list", user="viewer", password="Viewer-Passw0rd", priv="USER")
    assert r.returncode != 0 and "Insufficient privilege level" in r.stderr, r.stderr
    # A USER account cannot get an ADMINISTRATOR session.
    r = bmc.ipmitool("mc", "info", user="viewer", password="Viewer-Passw0rd", priv="ADMINISTRATOR")
    assert r.returncode != 0


def test_admin_at_user_level(bmc):
    out = bmc.ipmitool("session", "info", "active", priv="USER", check=True).stdout
    assert field(out, "privilege level") == "USER"


def test_unknown_command_c1(bmc):
    r = bmc.ipmitool("raw", "0x06", "0xff")
    assert r.returncode != 0
    assert "rsp=0xc1" in r.stderr and "Invalid command" in r.stderr
