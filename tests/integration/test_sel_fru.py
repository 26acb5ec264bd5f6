"""The durable SEL and the FRU inventory, with ipmitool, FreeIPMI and a crash test."""
import os
import random
import re
import signal
import subprocess
import threading
import time

from conftest import ADMIN_PASSWORD

EVENT = "0x04 0x01 0x30 0x01 0x59 0x00 0x00"  # EvM rev 4, temperature #30h, threshold, UCR going high


def sel_list(d):
    """ghostbmc sel list -> {id: 16 record bytes}."""
    out = d.ctl("sel", "list", check=True).stdout
    rows = {}
    for line in out.splitlines()[1:]:
        cols = [c.strip() for c in line.split("|")]
        rows[int(cols[0], 16)] = bytes.fromhex(cols[4])
    return rows


def elist(d):
    return [l for l in d.ipmitool("sel", "elist", check=True).stdout.splitlines() if "|" in l]


def ipmi_sel(d, tmp, *args, **kw):
    cache = tmp / "sdr-cache"
    cache.mkdir(exist_ok=True)
    return d.freeipmi("ipmi-sel", "--sdr-cache-directory", str(cache), "--quiet-cache", *args, **kw)


def test_ipmitool_sel_add_delete_clear_time(bmc, tmp_path):
    events = tmp_path / "events.txt"
    events.write_text(EVENT + "\n" + "0x04 0x04 0x21 0x01 0x02 0x05 0x0a\n")
    bmc.ipmitool("sel", "add", str(events), check=True)
    rows = elist(bmc)
    assert len(rows) == 2, rows
    assert "Upper Critical going high" in rows[0]
    # ipmitool's file events carry generator 0000h, so ipmitool does not name the sensor.
    assert "Fan #0x21 | Lower Critical going low" in rows[1]
    info = bmc.ipmitool("sel", "info", check=True).stdout
    assert "Entries          : 2" in info
    assert "'Delete' 'Partial Add' 'Reserve' 'Get Alloc Info'" in info, info
    assert "# of Alloc Units : 1024" in info
    # FreeIPMI shows the same entries, decoded.
    fi = ipmi_sel(bmc, tmp_path, check=True).stdout
    assert "Temperature              | Upper Critical - going high" in fi, fi
    assert "Fan                      | Lower Critical - going low" in fi, fi
    first = int(rows[0].split("|")[0], 16)
    bmc.ipmitool("sel", "delete", str(first), check=True)
    assert len(elist(bmc)) == 1
    # SEL time: set, read back, and the next entry carries it.
    bmc.ipmitool("sel", "time", "set", "01/02/30 03:04:05", check=True)  # ipmitool parses a 2-digit year
    assert bmc.ipmitool("sel", "time", "get", check=True).stdout.startswith("01/02/30 03:04")
    bmc.ipmitool("sel", "add", str(events), check=True)
    assert any("01/02/30" in l for l in elist(bmc))
    bmc.ipmitool("sel", "clear", check=True)
    rows = elist(bmc)
    assert len(rows) == 1 and "Log area reset/cleared" in rows[0], rows


def test_freeipmi_clear_and_delete_range(bmc, tmp_path):
    events = tmp_path / "events.txt"
    events.write_text("\n".join([EVENT] * 6) + "\n")
    bmc.ipmitool("sel", "add", str(events), check=True)
    ids = sorted(sel_list(bmc))
    assert len(ids) == 6
    ipmi_sel(bmc, tmp_path, f"--delete-range={ids[1]}-{ids[3]}", check=True)
    assert sorted(sel_list(bmc)) == [ids[0], ids[4], ids[5]]
    ipmi_sel(bmc, tmp_path, "--clear", check=True)
    left = sel_list(bmc)
    assert len(left) == 1 and list(left.values())[0][10] == 0x10  # the Event Log sensor's "cleared"
    out = ipmi_sel(bmc, tmp_path, "--info", check=True).stdout
    assert re.search(r"Number of log entries\s+: 1$", out, re.M), out


def test_sel_survives_restart_with_ids(bmc, tmp_path):
    bmc.ctl("sensor", "set", "12V", "10.5", check=True)
    before = sel_list(bmc)
    assert len(before) >= 2
    bmc.restart()
    assert sel_list(bmc) == before
    # New IDs continue after the stored ones.
    bmc.ctl("sel", "add", "00 00 e0 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d", check=True)
    after = sel_list(bmc)
    new = set(after) - set(before)
    assert len(new) == 1 and min(new) > max(before)
    assert after[min(new)][2:] == bytes.fromhex("e0 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d")


def test_sel_full_policies(make_daemon, tmp_path):
    events = tmp_path / "events.txt"
    events.write_text("\n".join([EVENT] * 20) + "\n")
    stop = make_daemon(config="sel:\n  capacity: 16\n  when_full: stop\n")
    stop.ipmitool("sel", "add", str(events))
    assert len(sel_list(stop)) == 16
    info = stop.ipmitool("sel", "info", check=True).stdout
    assert "Overflow         : true" in info and "Free Space       : 0 bytes" in info, info
    over = make_daemon(config="sel:\n  capacity: 16\n  when_full: overwrite\n")
    over.ipmitool("sel", "add", str(events), check=True)
    ids = sorted(sel_list(over))
    assert len(ids) == 16 and ids[0] == 5, ids  # the four oldest were pushed out
    assert "Overflow         : true" in over.ipmitool("sel", "info", check=True).stdout
    over.restart()
    assert sorted(sel_list(over)) == ids


def test_sel_import_keeps_timestamps(bmc, tmp_path):
    recs = bytes.fromhex("0000 02 00e1f565 2000 04 01 30 01 52 00 00".replace(" ", "")) * 3
    f = tmp_path / "sel.bin"
    f.write_bytes(recs)
    bmc.ctl("sel", "import", str(f), check=True)
    rows = sel_list(bmc)
    assert len(rows) == 3 and all(r[3:7] == bytes.fromhex("00e1f565") for r in rows.values())
    assert sum("03/16/24" in l for l in elist(bmc)) == 3
    f.write_bytes(recs[:20])
    r = bmc.ctl("sel", "import", str(f))
    assert r.returncode == 1 and "16-byte" in r.stderr


def add_lines(n, start):
    """ipmitool exec lines adding OEM non-timestamped records whose bytes say which add they were."""
    lines, want = [], []
    for i in range(start, start + n):
        body = [0xE0 + (i % 32)] + list(i.to_bytes(4, "little")) + [0xA5, 0x5A, 0, 0, 0, 0, 0, 0, i & 0xFF]
        lines.append("raw 0x0a 0x44 0x00 0x00 " + " ".join(f"0x{b:02x}" for b in body))
        want.append(bytes(body))
    return lines, want


def test_sel_crash_sigkill(make_daemon, tmp_path):
    """SIGKILL the daemon at random points while a client adds 2000 entries."""
    d = make_daemon(config="sel:\n  capacity: 4096\n")
    rng = random.Random(int(os.environ.get("GHOSTBMC_CRASH_SEED", "623")))
    acked = {}
    total, chunk, kills = 2000, 250, 0
    for start in range(0, total, chunk):
        lines, want = add_lines(min(chunk, total - start), start)
        script = tmp_path / f"adds-{start}.txt"
        script.write_text("\n".join(lines) + "\n")
        p = subprocess.Popen(["stdbuf", "-oL", "-eL", "ipmitool", "-I", "lanplus", "-C", "17", "-H", d.host, "-p",
                              str(d.port), "-U", "admin", "-P", ADMIN_PASSWORD, "-N", "1", "-R", "1", "exec",
                              str(script)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        out = []
        reader = threading.Thread(target=lambda: out.extend(p.stdout))
        reader.start()
        killed = False
        if kills < 5 and rng.random() < 0.75:
            time.sleep(rng.uniform(0.05, 0.8))
            d.proc.send_signal(signal.SIGKILL)
            d.proc.wait()
            killed, kills = True, kills + 1
            time.sleep(0.3)
            p.kill()
        try:
            p.wait(timeout=120)
        finally:
            if p.poll() is None:
                p.kill()
        reader.join(timeout=10)
        # One line per command, in order: the record ID, or an error.
        for i, line in enumerate(out[:len(want)]):
            m = re.fullmatch(r" ([0-9a-f]{2}) ([0-9a-f]{2})", line.rstrip("\n"))
            if m:
                acked[int(m.group(2) + m.group(1), 16)] = want[i]
        if killed:
            d.proc = None
            d.start()
    assert kills >= 3, "the crash test must actually crash the daemon"
    assert len(acked) >= 500, len(acked)
    stored = sel_list(d)
    lost = {i: r.hex() for i, r in acked.items() if i not in stored or stored[i][2:] != r}
    assert not lost, f"{len(lost)} acknowledged entries lost or changed: {list(lost.items())[:5]}"
    # The log stays readable by both tools.
    assert len(elist(d)) == len(stored)
    r = ipmi_sel(d, tmp_path, "--info", check=True)
    assert re.search(rf"Number of log entries\s+: {len(stored)}$", r.stdout, re.M), r.stdout
    r = ipmi_sel(d, tmp_path, check=True)
    assert len([l for l in r.stdout.splitlines() if "|" in l]) == len(stored) + 1  # and a header


def test_fru_print_edit_persist(bmc, tmp_path):
    out = bmc.ipmitool("fru", "print", "0", check=True).stdout
    assert "Board Mfg             : ghostbmc" in out, out
    assert "Product Name          : Simulated 1U Server" in out
    assert "Chassis Type          : Rack Mount Chassis" in out
    fi = bmc.freeipmi("ipmi-fru", "--sdr-cache-directory", str(tmp_path), check=True).stdout
    assert "FRU Board Manufacturer: ghostbmc" in fi, fi
    assert "FRU Product Name: Simulated 1U Server" in fi
    # ipmitool writes the board serial (field 2) back through Write FRU Data.
    bmc.ipmitool("fru", "edit", "0", "field", "b", "2", "SN-EDITED-42", check=True)
    assert "Board Serial          : SN-EDITED-42" in bmc.ipmitool("fru", "print", "0", check=True).stdout
    bmc.restart()
    assert "Board Serial          : SN-EDITED-42" in bmc.ipmitool("fru", "print", "0", check=True).stdout
    # The restart stamped the SDR anew, so FreeIPMI's cache from before is stale: a new one.
    (tmp_path / "after").mkdir()
    fi = bmc.freeipmi("ipmi-fru", "--sdr-cache-directory", str(tmp_path / "after"), check=True).stdout
    assert "FRU Board Serial Number: SN-EDITED-42" in fi, fi
    assert "SN-EDITED-42" in bmc.ctl("fru", "show", "0", check=True).stdout


def test_fru_configured_and_imported(make_daemon, tmp_path):
    config = """
fru:
  - id: 0
    name: "Mainboard"
    board: {manufacturer: "Acme", product: "X1 Board", serial: "B123", part: "P-1", mfg_date: "2024-03-01 12:00"}
    product: {manufacturer: "Acme", name: "X1", part: "X1-P", version: "2", serial: "S-9", asset_tag: "A-7"}
  - id: 2
    name: "PSU1 FRU"
    write_protect: true
    board: {manufacturer: "PowerCo", product: "800W PSU", serial: "PSU-1", part: "PS-800"}
"""
    d = make_daemon(config=config)
    out = d.ipmitool("fru", "print", check=True).stdout
    assert "Builtin FRU Device (ID 0)" in out and "PSU1 FRU (ID 2)" in out, out
    assert "Product Asset Tag     : A-7" in out and "Board Mfg Date        : Fri Mar  1 12:00:00 2024" in out, out
    assert "Mainboard" in d.ipmitool("sdr", "elist", "fru", check=True).stdout
    # A write-protected FRU refuses writes.
    r = d.ipmitool("fru", "edit", "2", "field", "b", "2", "NOPE")
    assert "NOPE" not in d.ipmitool("fru", "print", "2", check=True).stdout, r.stdout + r.stderr
    # Clone a FRU image into another instance and read the same fields back.
    img = tmp_path / "fru0.bin"
    d.ipmitool("fru", "read", "0", str(img), check=True)
    other = make_daemon()
    other.ctl("fru", "import", "0", str(img), check=True)
    got = other.ipmitool("fru", "print", "0", check=True).stdout
    assert "Board Serial          : B123" in got and "Product Serial        : S-9" in got, got
    other.restart()
    assert "Board Serial          : B123" in other.ipmitool("fru", "print", "0", check=True).stdout
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x01\x00\x00\x01\x00\x00\x00\x00" + b"\x00" * 8)
    r = other.ctl("fru", "import", "0", str(bad))
    assert r.returncode == 1 and "checksum" in r.stderr, r.stderr


def store_counts(d):
    m = re.search(r"store: (\d+) commits, (\d+) record writes", d.ctl("status", check=True).stdout)
    return int(m.group(1)), int(m.group(2))


def test_burst_of_adds_is_grouped(make_daemon, tmp_path):
    """Adds that arrive together share commits, and each is acknowledged only once durable."""
    d = make_daemon(config="sel:\n  capacity: 2048\n")
    c0, w0 = store_counts(d)
    # Four clients: more half-open sessions from one address than that are evicted (max_pending_per_source).
    procs, per, clients = [], 80, 4
    for k in range(clients):
        lines, _ = add_lines(per, k * per)
        f = tmp_path / f"burst-{k}.txt"
        f.write_text("\n".join(lines) + "\n")
        procs.append(subprocess.Popen(["ipmitool", "-I", "lanplus", "-C", "17", "-H", d.host, "-p", str(d.port),
                                       "-U", "admin", "-P", ADMIN_PASSWORD, "exec", str(f)],
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    acked = 0
    for p in procs:
        out, _ = p.communicate(timeout=120)
        acked += len(re.findall(r"^ [0-9a-f]{2} [0-9a-f]{2}$", out, re.M))
    assert acked == per * clients
    c1, w1 = store_counts(d)
    assert w1 - w0 >= acked and c1 - c0 < acked, (c1 - c0, w1 - w0, acked)
    d.proc.send_signal(signal.SIGKILL)
    d.proc.wait()
    d.proc = None
    d.start()
    assert len(sel_list(d)) == acked


def test_lockout_is_audited(bmc):
    bmc.ipmitool("lan", "set", "1", "bad_pass_thresh", "2", "1", "60", "60", check=True)
    bmc.ctl("user", "add", "victim", "--priv", "user", "--password-stdin", input="Victim-Passw0rd\n", check=True)
    for _ in range(2):
        assert bmc.ipmitool("mc", "info", user="victim", password="Wrong-Passw0rd-1", priv="USER").returncode != 0
    # A client that gives up after RAKP2 is counted when its half-open session times out (5 s).
    deadline = time.monotonic() + 20
    while not any("Session Audit" in l for l in elist(bmc)) and time.monotonic() < deadline:
        time.sleep(0.5)
    rows = elist(bmc)
    assert any("Session Audit" in l and "Asserted" in l for l in rows), rows
    rec = [r for r in sel_list(bmc).values() if r[10] == 0x2A]
    assert rec and rec[-1][13] == 0xA3 and rec[-1][15] == 1, rec  # offset 3, user ID in data 2, channel 1
