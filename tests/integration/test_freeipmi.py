"""FreeIPMI: bmc-info without workarounds, ipmi-config, rmcpping/ipmiping."""
import subprocess

import pytest

from conftest import GUID, loopback_623_host


def test_bmc_info(bmc):
    r = bmc.freeipmi("bmc-info", priv=None, check=True)
    out = r.stdout
    assert "IPMI Version          : 2.0" in out
    assert f"System GUID : {GUID}" in out
    assert "System Firmware Version       : ghostbmc" in out
    assert "Medium Type          : 802.3 LAN" in out
    assert "Session Support      : multi-session" in out


@pytest.mark.parametrize("priv", ["user", "operator", "admin"])
def test_bmc_info_privileges(bmc, priv):
    r = bmc.freeipmi("bmc-info", "--get-device-id", priv=priv, check=True)
    assert "Device ID             : 32" in r.stdout


def test_ipmi_config_checkout(bmc):
    sections = ["Lan_Conf", "Lan_Conf_Auth", "Lan_Conf_Security_Keys", "Lan_Conf_Misc", "Lan_Channel",
                "Rmcpplus_Conf_Privilege", "Lan_Conf_User_Security", "User2"]
    args = ["--checkout"]
    for s in sections:
        args += ["-S", s]
    r = bmc.freeipmi("ipmi-config", *args)
    out = r.stdout
    assert "No such" not in r.stderr and "error" not in r.stderr.lower(), r.stderr

    def val(key):
        for line in out.splitlines():
            parts = line.split(None, 1)
            if parts and parts[0] == key:
                return parts[1].strip() if len(parts) > 1 else ""
        raise AssertionError(f"{key} missing:\n{out}")

    assert val("IP_Address") == "127.0.0.1"
    assert val("Subnet_Mask") == "255.0.0.0"
    assert val("IP_Address_Source") == "Static"
    assert val("Maximum_Privilege_Cipher_Suite_Id_3") == "Administrator"
    for unused in ("1", "2", "15"):
        assert val("Maximum_Privilege_Cipher_Suite_Id_" + unused) == "Unused"
    assert val("Bad_Password_Threshold") == "5"
    assert val("Volatile_Access_Mode") == "Always_Available"
    assert val("Non_Volatile_Channel_Privilege_Limit") == "Administrator"
    assert val("Username") == "admin"
    assert val("Lan_Privilege_Limit") == "Administrator"
    assert val("K_G") == "0x" + "00" * 20


def test_ipmi_config_commit_bad_password_threshold(bmc):
    bmc.freeipmi("ipmi-config", "--commit", "-e", "Lan_Conf_User_Security:Bad_Password_Threshold=3")
    out = bmc.ipmitool("lan", "print", "1", check=True).stdout
    assert "Bad Password Threshold  : 3" in out
    bmc.restart()
    out = bmc.ipmitool("lan", "print", "1", check=True).stdout
    assert "Bad Password Threshold  : 3" in out


@pytest.fixture
def bmc623(make_daemon):
    host = loopback_623_host()
    return make_daemon(host=host, port=623)


def test_rmcpping(bmc623):
    r = subprocess.run(["rmcpping", "-c", "2", bmc623.host], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 pongs received" in r.stdout


def test_ipmiping(bmc623):
    r = subprocess.run(["ipmiping", "-c", "2", bmc623.host], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 responses received" in r.stdout
