"""What must be refused is refused with a clear error, and the daemon keeps serving."""
from conftest import ADMIN_PASSWORD


def assert_still_serving(bmc):
    assert bmc.ipmitool("mc", "info").returncode == 0


def test_wrong_password(bmc):
    r = bmc.ipmitool("mc", "info", password="Wrong-Passw0rd-9")
    assert r.returncode != 0
    assert "Unable to establish IPMI v2 / RMCP+ session" in r.stderr
    assert_still_serving(bmc)


def test_unknown_user_looks_like_wrong_password(bmc):
    r = bmc.ipmitool("mc", "info", user="nosuchuser", password=ADMIN_PASSWORD)
    assert r.returncode != 0
    assert "Unable to establish IPMI v2 / RMCP+ session" in r.stderr
    # FreeIPMI says which step failed: the same for both cases.
    a = bmc.freeipmi("bmc-info", "--get-device-id", password="Wrong-Passw0rd-9")
    b = bmc.freeipmi("bmc-info", "--get-device-id", user="nosuchuser")
    assert a.returncode != 0 and b.returncode != 0
    assert "password invalid" in a.stderr and "password invalid" in b.stderr, (a.stderr, b.stderr)
    assert_still_serving(bmc)


def test_cipher_suite_zero(bmc):
    r = bmc.ipmitool("mc", "info", cipher=0)
    assert r.returncode != 0
    assert "no matching cipher suite" in r.stderr
    assert_still_serving(bmc)


def test_disabled_suites(bmc):
    for c in (1, 2, 15, 16):
        r = bmc.ipmitool("mc", "info", cipher=c)
        assert r.returncode != 0 and "no matching cipher suite" in r.stderr, (c, r.stderr)


def test_ipmi15_refused(bmc):
    # IPMI 1.5 passwords are at most 16 bytes; the refusal comes before any password check.
    bmc.ctl("user", "add", "old", "--priv", "administrator", "--password-stdin", input="Old-Client-Pw-16\n",
            check=True)
    r = bmc.ipmitool("mc", "info", iface="lan", user="old", password="Old-Client-Pw-16")
    assert r.returncode != 0
    assert "Unable to establish IPMI v1.5 / RMCP session" in r.stderr
    f = bmc.freeipmi("bmc-info", "--get-device-id", driver="LAN", user="old", password="Old-Client-Pw-16")
    assert f.returncode != 0
    assert "authentication type unavailable" in f.stderr, f.stderr
    assert_still_serving(bmc)


def test_empty_user_and_password(bmc):
    r = bmc.ipmitool("mc", "info", user="", password="")
    assert r.returncode != 0
    r = bmc.ipmitool("mc", "info", user="admin", password="")
    assert r.returncode != 0
    r = bmc.ipmitool("mc", "info", user="", password=ADMIN_PASSWORD)
    assert r.returncode != 0
    out = bmc.ipmitool("channel", "authcap", "1", "4", check=True).stdout
    assert "Null user names exist      : no" in out
    assert "Anonymous login enabled    : no" in out
    assert_still_serving(bmc)


def test_get_session_challenge_does_not_reveal_names(bmc):
    # IPMI 1.5 is off: the challenge is refused the same way for any name.
    admin = ["0x61", "0x64", "0x6d", "0x69", "0x6e"] + ["0x00"] * 11
    a = bmc.ipmitool("raw", "0x06", "0x39", "0x02", *admin)
    b = bmc.ipmitool("raw", "0x06", "0x39", "0x02", *["0x7a"] * 16)
    assert "rsp=0xcc" in a.stderr and "rsp=0xcc" in b.stderr, (a.stderr, b.stderr)
