"""ghostbmcd started as root binds UDP 623, then drops to --user and cannot get root back."""
import os
import pwd
import shutil
import stat
import tempfile

import pytest

from conftest import Daemon, loopback_623_host


def proc_ids(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return line.split()[1:]
    raise AssertionError(f"no {key} line in /proc/{pid}/status")


@pytest.fixture
def nobody():
    if os.geteuid() != 0:
        pytest.skip("needs root")
    try:
        return pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user nobody")


@pytest.fixture
def state_dir():
    # pytest's tmp_path sits below a root-only directory that nobody cannot search.
    d = tempfile.mkdtemp(prefix="ghostbmc-privdrop-", dir="/tmp")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def dropped(tmp_path, nobody, state_dir):
    host = loopback_623_host()
    d = Daemon(tmp_path, host=host, port=623, extra=["--state-dir", state_dir, "--user", "nobody"])
    d.state = state_dir
    yield d
    d.stop()


def test_runs_as_user_after_binding_623(dropped, nobody):
    pid = dropped.proc.pid
    uid, gid = str(nobody.pw_uid), str(nobody.pw_gid)
    assert proc_ids(pid, "Uid") == [uid] * 4
    assert proc_ids(pid, "Gid") == [gid] * 4
    assert "0" not in proc_ids(pid, "Groups")
    for cap in ("CapEff", "CapPrm"):
        assert int(proc_ids(pid, cap)[0], 16) == 0, cap
    assert "running as user nobody" in dropped.log()
    r = dropped.ipmitool("mc", "info", check=True)
    assert "Device ID" in r.stdout


def test_state_owned_by_user_and_private(dropped, nobody):
    dropped.ipmitool("user", "list", "1", check=True)
    st = os.stat(dropped.state)
    assert (st.st_uid, st.st_gid) == (nobody.pw_uid, nobody.pw_gid)
    assert stat.S_IMODE(st.st_mode) == 0o700
    names = os.listdir(dropped.state)
    for n in ("ghostbmc.db", "secret.key", "ghostbmcd.lock", "ghostbmc.sock"):
        assert n in names
    for n in names:
        st = os.lstat(os.path.join(dropped.state, n))
        assert (st.st_uid, st.st_gid) == (nobody.pw_uid, nobody.pw_gid), n
        assert stat.S_IMODE(st.st_mode) == 0o600, n


def test_root_uses_control_socket(dropped):
    r = dropped.ctl("status", check=True)
    assert "instance:" in r.stdout
    # A change through the socket is written by the dropped daemon.
    dropped.ctl("user", "add", "oper1", "--priv", "operator", "--password-stdin", input="Oper-Passw0rd-1\n",
                check=True)
    dropped.ipmitool("chassis", "status", user="oper1", password="Oper-Passw0rd-1", priv="OPERATOR",
                      check=True)


def test_restart_keeps_state(dropped, nobody):
    dropped.restart()
    assert proc_ids(dropped.proc.pid, "Uid") == [str(nobody.pw_uid)] * 4
    dropped.ipmitool("mc", "info", check=True)
    dropped.ctl("status", check=True)


def test_root_state_handed_over(tmp_path, nobody, state_dir):
    """A state directory last used by a root daemon is given to the user."""
    host = loopback_623_host()
    d = Daemon(tmp_path, host=host, port=623, extra=["--state-dir", state_dir])
    try:
        assert "running as root" in d.log()
        assert os.stat(os.path.join(state_dir, "secret.key")).st_uid == 0
    finally:
        d.stop()
    d.extra += ["--user", "nobody"]
    d.start()
    try:
        assert proc_ids(d.proc.pid, "Uid") == [str(nobody.pw_uid)] * 4
        assert os.stat(os.path.join(state_dir, "secret.key")).st_uid == nobody.pw_uid
        d.ipmitool("mc", "info", check=True)
    finally:
        d.stop()


def test_unknown_user_refused(tmp_path, nobody, state_dir):
    import subprocess
    from conftest import DAEMON
    r = subprocess.run([DAEMON, "-d", "--listen", "127.0.0.1:1", "--state-dir", state_dir,
                        "--user", "no-such-user-ghostbmc"], capture_output=True, text=True, timeout=15)
    assert r.returncode != 0
    assert "no-such-user-ghostbmc" in r.stderr
    assert os.listdir(state_dir) == []
    r = subprocess.run([DAEMON, "-n", "--user", "no-such-user-ghostbmc"], capture_output=True, text=True,
                       timeout=15)
    assert r.returncode == 1 and "no-such-user-ghostbmc" in r.stderr


def test_config_key_user(tmp_path, nobody, state_dir):
    host = loopback_623_host()
    d = Daemon(tmp_path, host=host, port=623, config="user: nobody\n", extra=["--state-dir", state_dir])
    d.state = state_dir
    try:
        assert proc_ids(d.proc.pid, "Uid") == [str(nobody.pw_uid)] * 4
        d.ctl("status", check=True)
    finally:
        d.stop()


def test_unprivileged_cannot_switch(tmp_path, nobody, state_dir):
    """Not root: --user naming another account is an error."""
    import subprocess
    from conftest import DAEMON
    os.chown(state_dir, nobody.pw_uid, nobody.pw_gid)
    r = subprocess.run(["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups",
                        DAEMON, "-d", "--listen", "127.0.0.1:1", "--state-dir", state_dir, "--user", "root"],
                       capture_output=True, text=True, timeout=15)
    assert r.returncode != 0
    assert "only root can switch" in r.stderr
