"""The process supervisor behind `complaints up`, driven with tiny Python children."""

import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from complaints.local.supervisor import ChildSpec, run_children

# Announces itself once its SIGTERM handler is in place; leaves a mark when stopped gracefully.
_SERVER = """
import os, pathlib, signal, sys, time
here, name = pathlib.Path(sys.argv[1]), sys.argv[2]
def stop(signum, frame):
    (here / f"{name}.stopped").touch()
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
(here / f"{name}.ready").write_text(str(os.getpid()))
time.sleep(60)
"""

_STUBBORN = """
import os, pathlib, signal, sys, time
here, name = pathlib.Path(sys.argv[1]), sys.argv[2]
signal.signal(signal.SIGTERM, signal.SIG_IGN)
(here / f"{name}.ready").write_text(str(os.getpid()))
time.sleep(60)
"""

# Dies (as the environment says) once the others are up, so they have a handler to run.
_CRASHER = """
import os, pathlib, signal, sys, time
here = pathlib.Path(sys.argv[1])
while len(list(here.glob("*.ready"))) < int(sys.argv[2]):
    time.sleep(0.01)
how = os.environ["HOW"]
if "PATH" not in os.environ:
    sys.exit(99)  # the environment is added to ours, not a replacement
if how == "kill":
    os.kill(os.getpid(), signal.SIGKILL)
sys.exit(int(how))
"""


def _child(name: str, script: str, *args: object, **env: str) -> ChildSpec:
    return ChildSpec(name=name, argv=[sys.executable, "-c", script, *map(str, args)], env=env)


def _pid_is_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@contextmanager
def _signal_when_ready(directory: Path, count: int, signum: int) -> Iterator[None]:
    """Send `signum` to this process once `count` children have announced themselves."""

    def send() -> None:
        deadline = time.monotonic() + 10
        while len(list(directory.glob("*.ready"))) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(os.getpid(), signum)

    thread = threading.Thread(target=send)
    thread.start()
    try:
        yield
    finally:
        thread.join()


@pytest.mark.parametrize(("how", "expected"), [("3", 3), ("0", 1), ("kill", 128 + 9)])
def test_a_crash_stops_the_others_and_returns_its_code(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, how: str, expected: int
) -> None:
    specs = [
        _child("api", _SERVER, tmp_path, "api"),
        _child("worker", _SERVER, tmp_path, "worker"),
        _child("crasher", _CRASHER, tmp_path, 2, HOW=how),
    ]
    started = time.monotonic()

    assert run_children(specs, grace_seconds=5) == expected

    assert time.monotonic() - started < 5
    assert (tmp_path / "api.stopped").exists()
    assert (tmp_path / "worker.stopped").exists()
    assert "crasher" in caplog.text
    assert "stopping the others" in caplog.text


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_every_child_gracefully(tmp_path: Path, signum: int) -> None:
    before = signal.getsignal(signum)
    specs = [_child(name, _SERVER, tmp_path, name) for name in ("api", "routing", "sla")]

    with _signal_when_ready(tmp_path, 3, signum):
        assert run_children(specs, grace_seconds=5) == 0

    for name in ("api", "routing", "sla"):
        assert (tmp_path / f"{name}.stopped").exists()
    assert signal.getsignal(signum) is before


def test_a_child_ignoring_sigterm_is_killed_after_the_grace_period(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    specs = [
        _child("api", _SERVER, tmp_path, "api"),
        _child("stubborn", _STUBBORN, tmp_path, "stubborn"),
    ]
    started = time.monotonic()

    with _signal_when_ready(tmp_path, 2, signal.SIGTERM):
        assert run_children(specs, grace_seconds=0.5) == 0

    assert time.monotonic() - started < 5
    assert (tmp_path / "api.stopped").exists()
    assert _pid_is_gone(int((tmp_path / "stubborn.ready").read_text()))
    assert "stubborn" in caplog.text
    assert "killing it after the grace" in caplog.text


def test_a_child_that_cannot_start_stops_those_already_started(tmp_path: Path) -> None:
    before = signal.getsignal(signal.SIGTERM)
    specs = [
        _child("api", _SERVER, tmp_path, "api"),
        ChildSpec(name="missing", argv=[str(tmp_path / "no-such-program")], env={}),
    ]

    with pytest.raises(FileNotFoundError):
        run_children(specs, grace_seconds=5)

    assert signal.getsignal(signal.SIGTERM) is before
