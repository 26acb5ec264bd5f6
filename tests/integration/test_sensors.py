"""Sensors and the SDR over the simulated server, seen by ipmitool and FreeIPMI.

The reference is the daemon's own model, read with `ghostbmc sensor list`
before and after each client run: the model keeps moving (noise, lags), so a
client's value must lie within one raw step of what the model held while
the client was reading.
"""
import os
import time

import pytest

BUILTIN_THRESHOLD = ["CPU1 Temp", "CPU2 Temp", "DIMM Temp", "Inlet Temp", "Exhaust Temp", "12V", "5V", "3.3V",
                     "VBAT", "FAN1", "FAN2", "FAN3", "FAN4", "PSU1 Power In", "PSU2 Power In", "PSU1 Current",
                     "PSU2 Current"]
BUILTIN_DISCRETE = ["CPU1 Status", "CPU2 Status", "PSU1 Status", "PSU2 Status", "Intrusion", "Power Unit",
                    "System Event", "Watchdog2", "Event Log", "Session Audit", "Sys Restart"]
HOST_POWERED = ["CPU1 Temp", "CPU2 Temp", "DIMM Temp", "12V", "5V", "3.3V", "FAN1", "FAN2", "FAN3", "FAN4"]
STANDBY = ["Inlet Temp", "Exhaust Temp", "VBAT", "PSU1 Power In", "PSU1 Current"]


def model(bmc):
    """ghostbmc sensor list -> {name: dict(reading, unit, status, step, model, note, number)}."""
    out = bmc.ctl("sensor", "list", check=True).stdout
    rows = {}
    for line in out.splitlines()[1:]:
        cols = [c.strip() for c in line.split("|")]
        if len(cols) < 8:
            continue
        name, num, reading, unit, status, step, mdl, note = cols[:8]
        rows[name] = dict(number=int(num, 16), reading=reading, unit=unit, status=status,
                          step=float(step) if step != "-" else None, model=mdl, note=note)
    return rows


def value_of(text):
    """The number a client printed, or None for no reading."""
    tok = text.split()[0] if text.split() else ""
    try:
        return float(tok)
    except ValueError:
        return None


def sdr_elist(bmc, *args):
    """ipmitool sdr elist ... -> {name: (status, entity, reading text)}."""
    out = bmc.ipmitool("sdr", "elist", *args, check=True).stdout
    rows = {}
    for line in out.splitlines():
        cols = [c.strip() for c in line.split("|")]
        if len(cols) == 5:
            rows[cols[0]] = (cols[2], cols[3], cols[4])
    return rows


def ipmitool_sensor(bmc):
    """ipmitool sensor -> {name: [value, unit, status, lnr, lcr, lnc, unc, ucr, unr]}."""
    out = bmc.ipmitool("sensor", check=True).stdout
    return {cols[0]: cols[1:] for cols in ([c.strip() for c in l.split("|")] for l in out.splitlines())
            if len(cols) >= 10}


def ipmi_sensors(bmc, tmp, *args):
    """FreeIPMI ipmi-sensors with state and thresholds -> {name: columns}."""
    cache = tmp / "sdr-cache"
    cache.mkdir(exist_ok=True)
    r = bmc.freeipmi("ipmi-sensors", "--sdr-cache-directory", str(cache), "--quiet-cache",
                     "--output-sensor-state", "--output-sensor-thresholds", "--no-header-output", *args,
                     check=True)
    rows = {}
    for line in r.stdout.splitlines():
        cols = [c.strip() for c in line.split("|")]
        if len(cols) >= 13:
            rows[cols[1]] = dict(type=cols[2], state=cols[3], reading=cols[4], units=cols[5],
                                 thresholds=cols[6:12], event=cols[12])
    return rows


def within_model(before, after, name, printed):
    """printed lies within one raw step of the model's value before or after the client ran."""
    a, b = float(before[name]["reading"]), float(after[name]["reading"])
    step = max(before[name]["step"], after[name]["step"])
    lo, hi = min(a, b) - step * 1.001, max(a, b) + step * 1.001
    assert lo <= printed <= hi, f"{name}: client printed {printed}, model {a}..{b} (step {step})"


def wait_for(what, predicate, timeout=15):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}: {last!r}")


def test_sdr_elist_full_matches_model(bmc):
    before = model(bmc)
    rows = sdr_elist(bmc, "full")
    after = model(bmc)
    assert sorted(rows) == sorted(BUILTIN_THRESHOLD)
    for name in BUILTIN_THRESHOLD:
        status, _, reading = rows[name]
        assert status == "ok", (name, rows[name])
        within_model(before, after, name, value_of(reading))
    assert rows["CPU1 Temp"][1] == "3.1" and rows["FAN2"][1] == "29.2"
    assert rows["12V"][2].endswith("Volts") and rows["FAN1"][2].endswith("RPM")
    assert rows["CPU1 Temp"][2].endswith("degrees C")


def test_sdr_elist_all_lists_locators_and_discrete(bmc):
    out = bmc.ipmitool("sdr", "elist", "all", check=True).stdout
    for name in BUILTIN_DISCRETE + ["System FRU", "BMC"]:
        assert any(l.startswith(name) for l in out.splitlines()), (name, out)
    states = sdr_elist(bmc, "compact")
    assert states["CPU1 Status"][2] == "Presence detected"
    assert states["PSU2 Status"][2] == "Presence detected"
    info = bmc.ipmitool("sdr", "info", check=True).stdout
    assert "SDR Version                         : 0x51" in info
    assert "Record Count                        : 30" in info


def test_sdr_type_temperature(bmc):
    out = bmc.ipmitool("sdr", "type", "Temperature", check=True).stdout
    names = sorted(l.split("|")[0].strip() for l in out.splitlines() if "|" in l)
    assert names == sorted(["CPU1 Temp", "CPU2 Temp", "DIMM Temp", "Inlet Temp", "Exhaust Temp"])


def test_ipmitool_sensor_with_thresholds(bmc):
    before = model(bmc)
    rows = ipmitool_sensor(bmc)
    after = model(bmc)
    assert set(BUILTIN_THRESHOLD + BUILTIN_DISCRETE) <= set(rows)
    for name in BUILTIN_THRESHOLD:
        within_model(before, after, name, float(rows[name][0]))
        assert rows[name][2] == "ok"
    # Thresholds in the order lnr lcr lnc unc ucr unr.
    assert rows["12V"][3:9] == ["na", "10.800", "11.400", "12.600", "13.200", "na"]
    assert rows["FAN2"][3:9] == ["500.000", "1000.000", "1500.000", "na", "na", "na"]
    assert rows["PSU1 Power In"][3:9] == ["na", "na", "na", "600.000", "700.000", "na"]
    assert rows["CPU1 Status"][1] == "discrete"


def test_ipmitool_sensor_thresh_set_and_event(bmc):
    bmc.ipmitool("sensor", "thresh", "Inlet Temp", "ucr", "40", check=True)
    out = bmc.ipmitool("sensor", "get", "Inlet Temp", check=True).stdout
    assert "Upper Critical        : 40.000" in out, out
    # The new threshold judges the next reading: above it is critical, and logged.
    bmc.ctl("sensor", "set", "Inlet Temp", "41", check=True)
    assert ipmitool_sensor(bmc)["Inlet Temp"][2] == "cr"
    sel = bmc.ipmitool("sel", "elist", check=True).stdout
    assert "Inlet Temp | Upper Non-critical going high | Asserted" in sel, sel
    assert "Inlet Temp | Upper Critical going high | Asserted" in sel, sel
    # A threshold the sensor does not have cannot be set.
    r = bmc.ipmitool("sensor", "thresh", "CPU1 Temp", "lcr", "5")
    assert r.returncode != 0 or "Error" in r.stdout + r.stderr


def test_ipmi_sensors_state_and_thresholds(bmc, tmp_path):
    before = model(bmc)
    rows = ipmi_sensors(bmc, tmp_path)
    after = model(bmc)
    assert set(BUILTIN_THRESHOLD + BUILTIN_DISCRETE) <= set(rows), rows.keys()
    for name in BUILTIN_THRESHOLD:
        assert rows[name]["state"] == "Nominal", (name, rows[name])
        within_model(before, after, name, float(rows[name]["reading"]))
    assert rows["FAN2"]["thresholds"] == ["500.00", "1000.00", "1500.00", "N/A", "N/A", "N/A"]
    assert rows["Inlet Temp"]["thresholds"] == ["N/A", "3.00", "8.00", "38.00", "42.00", "47.00"]
    assert rows["CPU1 Status"]["event"] == "'Processor Presence detected'"
    assert rows["FAN1"]["units"] == "RPM" and rows["12V"]["units"] == "V"


def test_fan_fail_is_critical_and_logged(bmc, tmp_path):
    bmc.ctl("fault", "fan-fail", "FAN2", check=True)
    rows = wait_for("FAN2 critical in ipmi-sensors",
                    lambda: (lambda r: r if r["FAN2"]["state"] == "Critical" else None)(ipmi_sensors(bmc, tmp_path)))
    assert float(rows["FAN2"]["reading"]) < 1000
    assert rows["FAN1"]["state"] == "Nominal"
    assert model(bmc)["FAN2"]["status"] in ("cr", "nr")
    sel = bmc.ipmitool("sel", "elist", check=True).stdout
    assert "Fan FAN2 | Lower Critical going low  | Asserted" in sel, sel
    # The other fans take over: they speed up.
    assert float(model(bmc)["FAN1"]["reading"]) > 8000
    bmc.ctl("sensor", "release", "FAN2", check=True)
    wait_for("the deassertion in the SEL",
             lambda: "Fan FAN2 | Lower Critical going low  | Deasserted" in
             bmc.ipmitool("sel", "elist", check=True).stdout)
    assert wait_for("FAN2 nominal", lambda: ipmi_sensors(bmc, tmp_path)["FAN2"]["state"] == "Nominal")


def test_host_power_off_makes_host_sensors_unavailable(bmc, tmp_path):
    bmc.ctl("host", "power", "off", check=True)
    rows = sdr_elist(bmc)
    for name in HOST_POWERED:
        assert rows[name][0] == "ns" and rows[name][2] == "No Reading", (name, rows[name])
    for name in STANDBY:
        assert value_of(rows[name][2]) is not None, (name, rows[name])
    sensor = ipmitool_sensor(bmc)
    assert sensor["CPU1 Temp"][0] == "na" and sensor["CPU1 Temp"][2] == "na"
    fi = ipmi_sensors(bmc, tmp_path)
    for name in HOST_POWERED:
        assert fi[name]["reading"] == "N/A" and fi[name]["state"] == "N/A", (name, fi[name])
    assert fi["Inlet Temp"]["state"] == "Nominal"
    assert sdr_elist(bmc, "compact")["Power Unit"][2] == "Power off/down"
    sel = bmc.ipmitool("sel", "elist", check=True).stdout
    assert "Power Unit Power Unit | Power off/down | Asserted" in sel, sel
    bmc.ctl("host", "power", "on", check=True)
    rows = sdr_elist(bmc)
    for name in HOST_POWERED:
        assert rows[name][0] == "ok" and value_of(rows[name][2]) is not None, (name, rows[name])


def test_pinned_reading_flows_through_thresholds(bmc, tmp_path):
    bmc.ctl("sensor", "set", "12V", "10.5", check=True)
    rows = ipmitool_sensor(bmc)
    assert rows["12V"][0] == "10.500" and rows["12V"][2] == "cr"
    sel = bmc.ipmitool("sel", "elist", check=True).stdout
    assert "Voltage 12V | Lower Critical going low  | Asserted | Reading 10.50 < Threshold 10.80 Volts" in sel, sel
    # FreeIPMI decodes the same records, with their severity.
    r = bmc.freeipmi("ipmi-sel", "--sdr-cache-directory", str(tmp_path), "--quiet-cache", "--output-event-state",
                     check=True)
    assert ("| 12V           | Voltage                  | Critical | Lower Critical - going low ; "
            "Sensor Reading = 10.50 V ; Threshold = 10.80 V") in r.stdout, r.stdout
    bmc.ctl("sensor", "set", "Intrusion", "0x0001", check=True)
    sel = bmc.ipmitool("sel", "elist", check=True).stdout
    assert "Physical Security Intrusion | General Chassis intrusion | Asserted" in sel, sel
    bmc.ctl("sensor", "release", "12V", check=True)
    bmc.ctl("sensor", "release", "Intrusion", check=True)
    wait_for("12V back to ok", lambda: model(bmc)["12V"]["status"] == "ok")


def pin_everything(bmc, values):
    """Pin every sensor at the given model readings, so two instances read the same."""
    for name, row in values.items():
        assert row["reading"] != "na", (name, row)
        bmc.ctl("sensor", "set", name, row["reading"], check=True)


def test_sdr_dump_import_roundtrip(make_daemon, tmp_path):
    src = make_daemon()
    values = model(src)
    pin_everything(src, values)
    dump = str(tmp_path / "sdr.bin")
    src.ipmitool("sdr", "dump", dump, check=True)
    want = src.ipmitool("sdr", "elist", "all", check=True).stdout
    assert os.path.getsize(dump) > 28 * 5

    # Cloned by the config key ...
    clone = make_daemon(config=f"sdr_import: {dump}\n")
    assert {n: r["model"] for n, r in model(clone).items()} == {n: "static" for n in values}
    pin_everything(clone, values)
    assert clone.ipmitool("sdr", "elist", "all", check=True).stdout == want
    # ... and by the CLI, which survives a restart.
    other = make_daemon()
    other.ctl("sdr", "import", dump, check=True)
    pin_everything(other, values)
    assert other.ipmitool("sdr", "elist", "all", check=True).stdout == want
    other.restart()
    assert all(r["model"] == "static" for r in model(other).values())
    other.ctl("sdr", "reset", check=True)
    assert model(other)["CPU1 Temp"]["model"] == "cpu-temp:1"


def test_sdr_import_refuses_garbage(make_daemon, tmp_path):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x01\x00\x51\x01\x40" + b"\x00" * 10)
    d = make_daemon()
    r = d.ctl("sdr", "import", str(bad))
    assert r.returncode == 1 and "bytes" in r.stderr, r.stderr
    assert "CPU1 Temp" in model(d)
    r = d.ctl("sensor", "set", "CPU1 Temp", "hot")
    assert r.returncode == 1 and "not a number" in r.stderr


def test_configured_sensors(make_daemon):
    config = """
sensors:
  remove: ["CPU2 Temp", "CPU2 Status"]
  define:
    - name: "FAN1"
      thresholds: {lcr: 1200, lnc: 1800}
    - name: "GPU Temp"
      number: 0x50
      type: temperature
      entity: "11.1"
      model: static
      value: 61
      thresholds: {unc: 85, ucr: 90}
"""
    d = make_daemon(config=config)
    rows = ipmitool_sensor(d)
    assert "CPU2 Temp" not in rows and "CPU2 Status" not in rows
    assert rows["GPU Temp"][0] == "61.000" and rows["GPU Temp"][6:8] == ["85.000", "90.000"]
    assert rows["FAN1"][4:6] == ["1200.000", "1800.000"]
    assert sdr_elist(d, "full")["GPU Temp"][1] == "11.1"


@pytest.mark.parametrize("cipher", [3, 17])
def test_sensor_commands_need_a_session_privilege(bmc, cipher):
    # A user may read sensors but not change thresholds.
    bmc.ctl("user", "add", "watcher", "--priv", "user", "--password-stdin", input="Watch-Passw0rd\n", check=True)
    r = bmc.ipmitool("sdr", "elist", "full", user="watcher", password="Watch-Passw0rd", priv="USER",
                     cipher=cipher)
    assert r.returncode == 0 and "CPU1 Temp" in r.stdout
    r = bmc.ipmitool("sensor", "thresh", "Inlet Temp", "ucr", "40", user="watcher", password="Watch-Passw0rd",
                     priv="USER", cipher=cipher)
    assert "Insufficient privilege" in r.stdout + r.stderr or r.returncode != 0
    out = bmc.ipmitool("sensor", "get", "Inlet Temp", check=True).stdout
    assert "Upper Critical        : 42.000" in out
