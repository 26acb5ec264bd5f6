"""Fleet mode: one ghostbmcd, many BMCs, each with its own state (issue 10)."""
import re
import subprocess
import time

from conftest import ADMIN_PASSWORD, asf_ping, free_udp_port

N = 200


def ipmitool(host, port, *args, timeout=60):
    return subprocess.run(["ipmitool", "-I", "lanplus", "-C", "17", "-H", host, "-p", str(port), "-N", "1",
                           "-R", "3", "-U", "admin", "-P", ADMIN_PASSWORD] + list(args),
                          capture_output=True, text=True, timeout=timeout)


def addr(i):
    """Member i (1-based) of a fleet based at 127.0.1.1."""
    return f"127.0.1.{i}"


def test_fleet_of_200(make_daemon):
    port = free_udp_port("127.0.1.1")
    bmc = make_daemon(host="127.0.1.1", port=port, extra=["--fleet", str(N)])
    # every member answers an RMCP ping at its own address (bounded: one ping each)
    silent = [i for i in range(1, N + 1) if not asf_ping(addr(i), port)]
    assert not silent, f"members not answering: {silent[:10]}"

    listing = bmc.ctl("--fleet", "list", check=True).stdout.splitlines()
    assert len(listing) == N + 1, listing[:3]
    assert listing[1].startswith(f"node0001 | 127.0.1.1:{port} | on")
    assert listing[N].startswith(f"node0{N:03d} | 127.0.1.{N}:{port} | on")

    # a sample of members: each is a whole BMC with its own GUID
    guids = set()
    for i in (1, 2, 7, 8, 99, N):
        r = ipmitool(addr(i), port, "mc", "info")
        assert r.returncode == 0 and "IPMI Version" in r.stdout, r.stderr
        r = ipmitool(addr(i), port, "mc", "guid")
        m = re.search(r"System GUID\s*:\s*(\S+)", r.stdout)
        assert m and m.group(1).endswith(f"{i:012d}"), r.stdout
        guids.add(m.group(1))
        r = ipmitool(addr(i), port, "sensor")
        assert r.returncode == 0 and "CPU1 Temp" in r.stdout and "FAN1" in r.stdout, r.stdout + r.stderr
    assert len(guids) == 6
    # FRU serials follow the GUID, so the number shows in them
    r = ipmitool(addr(42), port, "fru", "print", "0")
    assert "SV0000000042" in r.stdout, r.stdout

    # power is per member: node 7 off leaves node 8 on
    assert ipmitool(addr(7), port, "chassis", "power", "off").returncode == 0
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "is off" not in ipmitool(addr(7), port, "chassis", "power",
                                                                    "status").stdout:
        time.sleep(0.2)
    assert "Chassis Power is off" in ipmitool(addr(7), port, "chassis", "power", "status").stdout
    assert "Chassis Power is on" in ipmitool(addr(8), port, "chassis", "power", "status").stdout

    # the SEL is per member: node 7 logged its power-off, node 8 did not
    sel7 = ipmitool(addr(7), port, "sel", "elist").stdout
    sel8 = ipmitool(addr(8), port, "sel", "elist").stdout
    assert re.search(r"(?i)power", sel7), sel7
    assert not re.search(r"(?i)power off|power down", sel8), sel8
    added = ipmitool(addr(9), port, "sel", "add", "/dev/null")  # nothing to add: just must not break
    assert added.returncode in (0, 1)

    # the CLI addresses one member with -i; without it, a fleet asks for one
    r = bmc.ctl("-i", "node0008", "sensor", "set", "Inlet Temp", "41", check=True)
    assert "pinned" in r.stdout
    r8 = ipmitool(addr(8), port, "sensor", "get", "Inlet Temp").stdout
    r9 = ipmitool(addr(9), port, "sensor", "get", "Inlet Temp").stdout
    assert re.search(r"Sensor Reading\s*:\s*41", r8), r8
    assert not re.search(r"Sensor Reading\s*:\s*41 ", r9), r9
    r = bmc.ctl("status")
    assert r.returncode != 0 and "-i NAME" in r.stderr
    r = bmc.ctl("-i", "node9999", "status")
    assert r.returncode != 0 and "no instance is called node9999" in r.stderr
    st = bmc.ctl("--fleet", "status", check=True).stdout
    assert f"instances: {N}" in st and f"hosts: {N - 1} powered on, 1 off" in st, st

    # state survives a restart, per member
    bmc.restart()
    assert re.search(r"(?i)power", ipmitool(addr(7), port, "sel", "elist").stdout)
    assert len(bmc.ctl("--fleet", "list", check=True).stdout.splitlines()) == N + 1


def test_fleet_config_template(make_daemon):
    """fleet: in the configuration, with a port step, a name pattern and a per-member override."""
    port = free_udp_port("127.0.0.1")
    cfg = f"""
fleet:
  count: 5
  name: "rack1-u%02u"
  first: 10
  listen: "127.0.0.1:{port}"
  step: port
  overrides:
    rack1-u12:
      power: off
"""
    bmc = make_daemon(host="127.0.0.1", port=port, config=cfg)
    listing = bmc.ctl("--fleet", "list", check=True).stdout
    assert f"rack1-u10 | 127.0.0.1:{port} | on" in listing, listing
    assert f"rack1-u14 | 127.0.0.1:{port + 4} | on" in listing, listing
    assert f"rack1-u12 | 127.0.0.1:{port + 2} | off" in listing, listing
    assert "Chassis Power is off" in ipmitool("127.0.0.1", port + 2, "chassis", "power", "status").stdout
    assert "Chassis Power is on" in ipmitool("127.0.0.1", port + 3, "chassis", "power", "status").stdout


def test_fleet_refusals(tmp_path):
    from conftest import DAEMON
    cases = [
        (["--fleet", "0"], "expected a count"),
        (["--fleet", "x"], "expected a count"),
        (["--fleet", "3", "--listen", "255.255.255.254:6230"], "past the end"),
    ]
    for extra, msg in cases:
        r = subprocess.run([DAEMON, "-d", "--state-dir", str(tmp_path / "s"), "-n"] + extra,
                           capture_output=True, text=True, timeout=30)
        assert r.returncode != 0 and msg in r.stderr, (extra, r.stderr)
