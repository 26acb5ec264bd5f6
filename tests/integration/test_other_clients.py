"""Clients beyond ipmitool and FreeIPMI: pyghmi (OpenStack) and ipmiutil."""
import subprocess
import sys
import time

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


PYGHMI_SENSORS = r"""
import sys
from pyghmi.ipmi import command
c = command.Command(bmc=sys.argv[1], userid=sys.argv[3], password=sys.argv[4], port=int(sys.argv[2]))
for r in c.get_sensor_data():
    print('%s|%s|%s|%s|%s' % (r.name, r.type, r.value, r.units, r.health))
c.ipmi_session.logout()
"""


def test_pyghmi_sensor_data(bmc):
    """pyghmi reads the SDR and every sensor its own way (OpenStack Ironic's path)."""
    bmc.ctl("sensor", "set", "Inlet Temp", "31", check=True)
    bmc.ctl("fault", "fan-fail", "FAN3", check=True)
    deadline = time.monotonic() + 15
    while True:
        r = subprocess.run(["/usr/bin/python3", "-c", PYGHMI_SENSORS, bmc.host, str(bmc.port), "admin",
                            ADMIN_PASSWORD], capture_output=True, text=True, timeout=90)
        assert r.returncode == 0, r.stdout + r.stderr
        rows = {l.split("|")[0]: l.split("|")[1:] for l in r.stdout.splitlines() if l.count("|") == 4}
        if float(rows["FAN3"][1]) < 1000 or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert rows["Inlet Temp"][:3] == ["Temperature", "31.0", "°C"], rows["Inlet Temp"]
    assert rows["12V"][0] == "Voltage" and abs(float(rows["12V"][1]) - 12.0) < 0.2
    assert float(rows["FAN3"][1]) < 1000 and rows["FAN3"][3] != "0", rows["FAN3"]  # health: not ok
    assert rows["FAN1"][3] == "0", rows["FAN1"]
