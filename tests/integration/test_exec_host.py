"""The exec host backend: power driven by configured commands (a fake PDU script here).

The script records every call (its argument and the GHOSTBMC_* environment)
in calls.log and keeps the host's power in a state file that its `status`
call reports.  Files next to it change its behaviour for one action:
fail-ACT (exit with the status inside), slow-ACT (sleep that long first),
hang-ACT (sleep 30 s in a child, recording its pid), stubborn (ignore
SIGTERM).
"""
import os
import subprocess
import time

from conftest import DAEMON, field

SCRIPT = r"""#!/bin/sh
dir=$(dirname "$0")
act=$1
if [ "$act" = status ]; then
    echo "status action=$GHOSTBMC_ACTION" >> "$dir/status.log"
    case "$(cat "$dir/state")" in on) exit 0 ;; off) exit 1 ;; *) exit 2 ;; esac
fi
echo "$act action=$GHOSTBMC_ACTION dev=$GHOSTBMC_BOOT_DEVICE mode=$GHOSTBMC_BOOT_MODE inst=$GHOSTBMC_INSTANCE" \
    >> "$dir/calls.log"
echo "fake pdu: $act"
echo "fake pdu warning: $act" >&2
[ -f "$dir/stubborn" ] && trap '' TERM
[ -f "$dir/slow-$act" ] && sleep "$(cat "$dir/slow-$act")"
if [ -f "$dir/hang-$act" ]; then
    sleep 30 &
    echo $! > "$dir/hang.pid"
    wait $!
    echo "finished $act" >> "$dir/calls.log"
fi
[ -f "$dir/fail-$act" ] && exit "$(cat "$dir/fail-$act")"
case "$act" in
    on) echo on > "$dir/state" ;;
    off|soft) echo off > "$dir/state" ;;
esac
exit 0
"""

WORDS = {"power_on": "on", "power_off": "off", "reset": "reset", "soft_off": "soft", "nmi": "nmi",
         "status": "status"}
ALL_OPTIONAL = ("reset", "soft_off", "nmi", "status")


class Pdu:
    def __init__(self, tmp_path, state="off"):
        self.dir = tmp_path / "pdu"
        self.dir.mkdir()
        self.script = self.dir / "pdu.sh"
        self.script.write_text(SCRIPT)
        os.chmod(self.script, 0o755)
        self.set_state(state)

    def set_state(self, state):
        (self.dir / "state").write_text(state + "\n")

    def state(self):
        return (self.dir / "state").read_text().strip()

    def touch(self, name, text=""):
        (self.dir / name).write_text(text)

    def remove(self, name):
        (self.dir / name).unlink()

    def calls(self):
        p = self.dir / "calls.log"
        return p.read_text().splitlines() if p.exists() else []

    def status_calls(self):
        p = self.dir / "status.log"
        return p.read_text().splitlines() if p.exists() else []

    def config(self, optional=ALL_OPTIONAL, timeout=3, poll_interval=1, power="off"):
        lines = ["host:", "  type: exec"]
        if power is not None:
            lines.append(f"  power: {power}")
        lines.append("  exec:")
        for key in ("power_on", "power_off") + tuple(optional):
            lines.append(f'    {key}: "{self.script} {WORDS[key]}"')
        lines += [f"    timeout: {timeout}", f"    poll_interval: {poll_interval}"]
        return "\n".join(lines) + "\n"


def call(act, action=None, dev="none", mode="legacy"):
    """The line the script logs for one call."""
    return f"{act} action={action or act} dev={dev} mode={mode} inst=bmc0"


def wait_for(what, pred, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout} s")


def power(d):
    out = d.ipmitool("chassis", "power", "status", check=True).stdout.strip()
    assert out in ("Chassis Power is on", "Chassis Power is off"), out
    return out.rsplit(" ", 1)[1]


def power_fault(d):
    return field(d.ipmitool("chassis", "status", check=True).stdout, "Power Control Fault")


def process_gone(pid):
    """No such process, or only its zombie (whoever reaps orphans here may be slow)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def sel_power_unit_failures(d):
    out = d.ipmitool("sel", "elist", check=True).stdout
    return [l for l in out.splitlines() if "Power Unit" in l and "Failure detected" in l]


def act(d, pdu, word, calls, state):
    """One chassis power action: wait until the script has been called and the BMC reports state."""
    d.ipmitool("chassis", "power", word, check=True)
    wait_for(f"power {word}", lambda: len(pdu.calls()) >= calls and power(d) == state)
    assert pdu.state() == state


def test_every_action_runs_its_command_once(make_daemon, tmp_path):
    pdu = Pdu(tmp_path)
    d = make_daemon(config=pdu.config())
    wait_for("the start-up status", lambda: len(pdu.status_calls()) >= 1)
    assert power(d) == "off" and pdu.calls() == []

    act(d, pdu, "on", 1, "on")
    assert "chassis power control command" in d.ipmitool("chassis", "restart_cause", check=True).stdout
    act(d, pdu, "soft", 2, "off")
    act(d, pdu, "on", 3, "on")
    act(d, pdu, "reset", 4, "on")
    act(d, pdu, "cycle", 6, "on")
    d.ipmitool("chassis", "power", "diag", check=True)
    wait_for("nmi", lambda: len(pdu.calls()) == 7)
    act(d, pdu, "off", 8, "off")
    time.sleep(1.5)  # nothing more runs (status polls aside)
    assert pdu.calls() == [
        call("on"), call("soft"), call("on"), call("reset"),
        call("off", "cycle"), call("on", "cycle"),
        call("nmi"), call("off"),
    ]
    assert power(d) == "off" and power_fault(d) == "false"
    assert set(pdu.status_calls()) == {"status action=status"}
    # The commands' output, both streams, is in the daemon's log under the instance and the action.
    log = d.log()
    assert "bmc0: on: power_on: fake pdu: on" in log
    assert "bmc0: cycle: power_off: fake pdu warning: off" in log
    assert "bmc0: nmi: fake pdu: nmi" in log


def test_defaults_without_optional_commands(make_daemon, tmp_path):
    pdu = Pdu(tmp_path, state="on")
    d = make_daemon(config=pdu.config(optional=()))
    # No status command: the host is taken to be off (and `power: off` asks nothing of the restore policy).
    assert power(d) == "off" and pdu.calls() == []
    act(d, pdu, "on", 1, "on")
    act(d, pdu, "reset", 3, "on")  # power_off, then power_on
    act(d, pdu, "soft", 4, "off")  # power_off
    act(d, pdu, "on", 5, "on")
    assert pdu.calls() == [call("on"), call("off", "reset"), call("on", "reset"), call("off", "soft"), call("on")]
    # No nmi command: a diagnostic interrupt is a power fault, and nothing runs.
    failures = len(sel_power_unit_failures(d))
    d.ipmitool("chassis", "power", "diag", check=True)
    wait_for("the fault", lambda: power_fault(d) == "true")
    assert len(sel_power_unit_failures(d)) == failures + 1
    assert "power control fault: nmi: not supported" in d.log()
    assert len(pdu.calls()) == 5 and power(d) == "on"
    # The next action that works clears the fault.
    act(d, pdu, "off", 6, "off")
    assert power_fault(d) == "false"


def test_restore_policy_at_start(make_daemon, tmp_path):
    pdu = Pdu(tmp_path, state="off")
    # "previous" with the host on before anything was stored: found off, it is powered on.
    d = make_daemon(config=pdu.config(power=None))
    wait_for("the restore power-on", lambda: pdu.calls() == [call("on")] and power(d) == "on")
    assert "restore-previous power policy" in d.ipmitool("chassis", "restart_cause", check=True).stdout
    # Found on: nothing to do.
    d.restart()
    wait_for("the start-up status", lambda: "bmc0: host found on" in d.log())
    assert power(d) == "on" and pdu.calls() == [call("on")]
    # Off behind the BMC's back while it was down: "previous" (on) powers it up again.
    d.ipmitool("chassis", "policy", "previous", check=True)
    d.stop()
    pdu.set_state("off")
    d.start()
    wait_for("the second restore", lambda: len(pdu.calls()) == 2 and power(d) == "on")
    # always-off: found off, left off.
    d.ipmitool("chassis", "policy", "always-off", check=True)
    d.stop()
    pdu.set_state("off")
    d.start()
    wait_for("the start-up status", lambda: d.log().count("bmc0: host found off") == 3)
    time.sleep(0.5)
    assert power(d) == "off" and len(pdu.calls()) == 2


def test_status_sees_changes_behind_the_bmcs_back(make_daemon, tmp_path):
    pdu = Pdu(tmp_path)
    d = make_daemon(config=pdu.config(poll_interval=1))
    wait_for("the start-up status", lambda: len(pdu.status_calls()) >= 1)
    assert power(d) == "off"
    pdu.set_state("on")
    t0 = time.monotonic()
    wait_for("on from status", lambda: power(d) == "on", timeout=5)
    assert time.monotonic() - t0 < 2.5  # one poll interval, plus the command and a client round trip
    pdu.set_state("off")
    wait_for("off from status", lambda: power(d) == "off", timeout=2.5)
    # A status that says neither (exit 2) changes nothing, and is logged once.
    pdu.set_state("unplugged")
    n = len(pdu.status_calls())
    wait_for("three more polls", lambda: len(pdu.status_calls()) >= n + 3, timeout=6)
    assert power(d) == "off"
    assert d.log().count("the host's power is unknown") == 1
    pdu.set_state("on")
    wait_for("on again", lambda: power(d) == "on", timeout=2.5)
    assert pdu.calls() == []  # only status ran
    assert "bmc0: status: the host is on (changed outside the BMC)" in d.log()


def test_a_hung_command_is_killed_at_the_timeout(make_daemon, tmp_path):
    pdu = Pdu(tmp_path)
    d = make_daemon(config=pdu.config(optional=(), timeout=2))
    assert power(d) == "off"
    failures = len(sel_power_unit_failures(d))
    pdu.touch("hang-on")
    t0 = time.monotonic()
    d.ipmitool("chassis", "power", "on", check=True)
    wait_for("the hanging child", lambda: (pdu.dir / "hang.pid").exists(), timeout=2)
    pid = int((pdu.dir / "hang.pid").read_text())
    # The daemon keeps answering while the command hangs.
    assert d.ipmitool("mc", "info", check=True).stdout.startswith("Device ID")
    assert power(d) == "off" and power_fault(d) == "false"
    assert not process_gone(pid)
    wait_for("the power fault", lambda: power_fault(d) == "true", timeout=5)
    elapsed = time.monotonic() - t0
    assert 1.8 <= elapsed < 3.5, elapsed
    wait_for("the child killed", lambda: process_gone(pid), timeout=2)
    assert power(d) == "off" and pdu.state() == "off"
    assert len(sel_power_unit_failures(d)) == failures + 1
    assert "bmc0: power control fault: on: power_on: timed out after 2 s" in d.log()
    time.sleep(0.5)
    assert "finished on" not in pdu.calls()
    # It works again once the script does.
    pdu.remove("hang-on")
    act(d, pdu, "on", 2, "on")
    assert power_fault(d) == "false"


def test_a_child_ignoring_sigterm_gets_sigkill(make_daemon, tmp_path):
    pdu = Pdu(tmp_path, state="on")
    d = make_daemon(config=pdu.config(optional=("status",), timeout=1))
    wait_for("the start-up status", lambda: power(d) == "on")
    pdu.touch("stubborn")
    pdu.touch("hang-off")
    t0 = time.monotonic()
    d.ipmitool("chassis", "power", "off", check=True)
    wait_for("the hanging child", lambda: (pdu.dir / "hang.pid").exists(), timeout=2)
    pid = int((pdu.dir / "hang.pid").read_text())
    # The fault is reported at the timeout...
    wait_for("the power fault", lambda: power_fault(d) == "true", timeout=3)
    assert time.monotonic() - t0 < 2.5
    assert power(d) == "on"
    # ...but the child, ignoring SIGTERM, lives on until SIGKILL 2 s later, and the next action waits for that.
    pdu.remove("stubborn")
    pdu.remove("hang-off")
    d.ipmitool("chassis", "power", "off", check=True)
    assert not process_gone(pid) and len(pdu.calls()) == 1
    wait_for("the second power-off", lambda: power(d) == "off", timeout=5)
    elapsed = time.monotonic() - t0
    assert 2.8 <= elapsed < 5, elapsed  # the 1 s timeout, then 2 s of SIGTERM ignored
    assert process_gone(pid) and len(pdu.calls()) == 2
    log = d.log()
    assert "off: power_off: no answer after 1 s: terminating it" in log
    assert "bmc0: off: waiting for off to finish" in log
    assert log.index("off: power_off: still running: killing it") < log.rindex("bmc0: off: starting")


def test_failures_and_the_queue(make_daemon, tmp_path):
    pdu = Pdu(tmp_path, state="on")
    d = make_daemon(config=pdu.config(optional=("status",), timeout=3, poll_interval=30))
    wait_for("the start-up status", lambda: power(d) == "on")
    # A command that fails is a fault; the host is left as it was.
    pdu.touch("fail-off", "3")
    d.ipmitool("chassis", "power", "off", check=True)
    wait_for("the fault", lambda: power_fault(d) == "true")
    assert power(d) == "on" and "power control fault: off: power_off: exit status 3" in d.log()
    pdu.remove("fail-off")
    # One action at a time: the rest wait (four of them); beyond that, a fault.
    pdu.touch("slow-on", "1")
    n = len(pdu.calls())
    for _ in range(6):
        d.ctl("host", "power", "on", check=True)
    wait_for("five power-ons", lambda: d.log().count("bmc0: on: power_on done") == 5, timeout=10)
    assert "on: 4 actions are already waiting" in d.log()
    time.sleep(1.5)
    assert len(pdu.calls()) == n + 5 and power(d) == "on" and power_fault(d) == "false"


def test_bootdev_reaches_the_command(make_daemon, tmp_path):
    pdu = Pdu(tmp_path)
    d = make_daemon(config=pdu.config())
    wait_for("the start-up status", lambda: len(pdu.status_calls()) >= 1)
    d.ipmitool("chassis", "bootdev", "pxe", check=True)
    act(d, pdu, "on", 1, "on")
    assert pdu.calls()[-1] == call("on", dev="pxe")
    # That boot spent the next-boot-only flags.
    assert "Boot Flag Invalid" in d.ipmitool("chassis", "bootparam", "get", "5", check=True).stdout
    act(d, pdu, "cycle", 3, "on")
    assert pdu.calls()[-2:] == [call("off", "cycle"), call("on", "cycle")]
    # Persistent and EFI: every boot gets them.
    d.ipmitool("chassis", "bootdev", "cdrom", "options=efiboot,persistent", check=True)
    act(d, pdu, "reset", 4, "on")
    act(d, pdu, "cycle", 6, "on")
    assert pdu.calls()[3:] == [call("reset", dev="cdrom", mode="efi"), call("off", "cycle", "cdrom", "efi"),
                              call("on", "cycle", "cdrom", "efi")]


def test_stop_while_a_command_runs(make_daemon, tmp_path):
    pdu = Pdu(tmp_path)
    d = make_daemon(config=pdu.config(optional=(), timeout=60))
    pdu.touch("hang-on")
    d.ipmitool("chassis", "power", "on", check=True)
    wait_for("the hanging child", lambda: (pdu.dir / "hang.pid").exists(), timeout=2)
    pid = int((pdu.dir / "hang.pid").read_text())
    t0 = time.monotonic()
    d.stop()  # checks a clean exit
    assert time.monotonic() - t0 < 3
    wait_for("the child killed", lambda: process_gone(pid), timeout=2)


def check_config(tmp_path, text):
    f = tmp_path / "bad.yaml"
    f.write_text(text)
    r = subprocess.run([DAEMON, "-n", "-c", str(f)], capture_output=True, text=True, timeout=20)
    return r.returncode, r.stderr.replace(str(f), "bad.yaml")


def test_config_checks(tmp_path):
    rc, err = check_config(tmp_path, "host:\n  type: exec\n  exec:\n    power_on: /bin/true\n    timeout: 5\n")
    assert rc == 1 and "bad.yaml:3: type exec: exec.power_on and exec.power_off are required" in err, err
    rc, err = check_config(tmp_path, "host:\n  type: exec\n")
    assert rc == 1 and "bad.yaml:2: type exec: exec.power_on and exec.power_off are required" in err, err
    rc, err = check_config(tmp_path, "host:\n  exec:\n    power_on: a\n    power_off: b\n")
    assert rc == 1 and "bad.yaml:2: exec: the commands are for type: exec" in err, err
    rc, err = check_config(tmp_path, "host:\n  type: exec\n  exec:\n    power_on: a\n    power_off: b\n"
                                     "    timeout: 0\n    poll_interval: 3601\n    power_cycle: c\n    nmi: ''\n")
    assert rc == 1, err
    assert "bad.yaml:6: timeout: expected a number from 1 to 600, not \"0\"" in err, err
    assert "bad.yaml:7: poll_interval: expected a number from 1 to 3600" in err, err
    assert "bad.yaml:8: exec: unknown key \"power_cycle\"" in err, err
    assert "bad.yaml:9: nmi: expected a command" in err, err
    rc, err = check_config(tmp_path, "host:\n  type: kvm\n")
    assert rc == 1 and "bad.yaml:2: type: expected sim, exec or qemu, not \"kvm\"" in err, err
    rc, err = check_config(tmp_path, "host:\n  type: exec\n  power: off\n  exec:\n    power_on: a on\n"
                                     "    power_off: a off\n    status: a status\n")
    assert rc == 0, err
