"""Run the API and the workers as child processes and stop them together (`complaints up`).

One Ctrl-C (or SIGTERM) stops every child gracefully; a second one kills what is left. If a
child dies on its own the others are stopped too, so a half-running system never lingers.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import FrameType

log = logging.getLogger(__name__)

_POLL_SECONDS = 0.05


@dataclass(frozen=True)
class ChildSpec:
    name: str
    argv: list[str]
    # Added to (and overriding) this process's environment, so PATH, HOME etc. carry over.
    env: Mapping[str, str]


@dataclass
class _Child:
    spec: ChildSpec
    proc: subprocess.Popen[bytes]


def run_children(specs: Sequence[ChildSpec], *, grace_seconds: float = 10.0) -> int:
    """Run `specs` until one exits or we get SIGINT/SIGTERM; then stop them all.

    Returns 0 after a requested stop, else the exit code of the child that ended first
    (128 + signal number if a signal killed it, 1 if it exited with 0).
    Must be called from the main thread (it installs signal handlers).
    """
    signals: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        signals.append(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    children: list[_Child] = []
    try:
        for spec in specs:
            proc = subprocess.Popen(spec.argv, env={**os.environ, **spec.env})
            log.info("started %s (pid %d)", spec.name, proc.pid)
            children.append(_Child(spec, proc))
        exited = _wait_for_exit_or_signal(children, signals)
        if exited is None:
            log.info("stopping %s on %s", _names(children), _signame(signals[0]))
            return 0
        return _describe_crash(exited)
    finally:
        try:
            # Also reached when starting a child fails: never leave the others running.
            _stop(children, grace_seconds, signals)
        finally:
            for sig, handler in previous.items():
                if handler is not None:  # None: installed outside Python, cannot be restored
                    signal.signal(sig, handler)


def _wait_for_exit_or_signal(children: list[_Child], signals: list[int]) -> _Child | None:
    # Polling rather than os.wait(): waiting for "any child" would also reap children that are
    # not ours to reap (the embedded redis-server belongs to the same process).
    while not signals:
        for child in children:
            if child.proc.poll() is not None:
                return child
        time.sleep(_POLL_SECONDS)
    return None


def _describe_crash(child: _Child) -> int:
    code = child.proc.returncode
    if code < 0:
        log.error("%s was killed by %s; stopping the others", child.spec.name, _signame(-code))
        return 128 - code
    log.error("%s exited with code %d; stopping the others", child.spec.name, code)
    return code or 1


def _stop(children: list[_Child], grace_seconds: float, signals: list[int]) -> None:
    """SIGTERM every child still running, wait up to `grace_seconds`, then SIGKILL the rest."""
    running = [c for c in children if c.proc.poll() is None]
    for child in running:
        child.proc.terminate()
    signals_before = len(signals)
    deadline = time.monotonic() + grace_seconds
    while running and time.monotonic() < deadline and len(signals) <= signals_before:
        time.sleep(_POLL_SECONDS)
        running = [c for c in running if c.proc.poll() is None]
    for child in running:
        # A second Ctrl-C means "now", as it does for uvicorn.
        reason = "on a second signal" if len(signals) > signals_before else "after the grace"
        name, pid = child.spec.name, child.proc.pid
        log.warning("%s (pid %d) did not stop; killing it %s", name, pid, reason)
        child.proc.kill()
    for child in children:
        child.proc.wait()


def _names(children: list[_Child]) -> str:
    return ", ".join(c.spec.name for c in children)


def _signame(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"
