"""Clients beyond ipmitool and FreeIPMI: pyghmi (OpenStack) and ipmiutil."""
import subprocess
import sys

from conftest import ADMIN_PASSWORD, loopback_623_host

PYGHMI = r"""
import sys
from pyghmi.ipmi import command
c = command.Command(bmc=sys.argv[1], userid=sys.argv[3], password=sys.argv[4], port=int(sys.argv[2]))
r = c.raw_command(netfn=6, command=1)
assert r['code'] == 0 and r['data'][4] == 2, r
g = c.raw_command(netfn=6, command=0x37)
print(bytes(g['data']).hex())
c.ipmi_session.logout()
"""


def test_pyghmi(bmc):
    r = subprocess.run(["/usr/bin/python3", "-c", PYGHMI, bmc.host, str(bmc.port), "admin", ADMIN_PASSWORD],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    # Wire order of the GUID: the text's bytes reversed.
    assert r.stdout.strip() == bytes.fromhex("6f1c2a1e3b4d4e5f9a8b0c1d2e3f4a5b")[::-1].hex()


def test_pyghmi_wrong_password(bmc):
    r = subprocess.run(["/usr/bin/python3", "-c", PYGHMI, bmc.host, str(bmc.port), "admin", "Wrong-Passw0rd-1"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert "Incorrect password" in (r.stdout + r.stderr)


def test_ipmiutil_lanplus(make_daemon):
    d = make_daemon(host=loopback_623_host(), port=623)
    # ipmiutil cuts passwords to 16 bytes, so give it an account whose password fits.
    d.ctl("user", "add", "util", "--priv", "administrator", "--password-stdin", input="Util-Passw0rd-16\n",
          check=True)
    r = subprocess.run(["ipmiutil", "health", "-N", d.host, "-U", "util", "-P", "Util-Passw0rd-16", "-F", "lan2",
                        "-J", "3"], capture_output=True, text=True, timeout=60)
    out = r.stdout + r.stderr
    assert "IPMI v2.0" in out, out
    assert "Selftest status   = 0055     (OK)" in out, out
    assert "S0: working" in out, out
