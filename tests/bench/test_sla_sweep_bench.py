"""A tiny run of bench/sla_sweep.py, so the benchmark keeps working as the schema moves."""

import os
import subprocess
import sys

from complaints.db.migrate import PROJECT_ROOT


def test_the_sweep_benchmark_runs_and_finds_every_breach_once(servers: tuple[str, str]) -> None:
    env = {**os.environ, "COMPLAINTS_DATABASE_URL": servers[0]}
    command = [sys.executable, str(PROJECT_ROOT / "bench" / "sla_sweep.py")]
    # A generous grace: on a loaded machine the two sweeper processes may start late, and the
    # run must still find every breach exactly once (the benchmark's exit code says so).
    small = ["--cases", "3000", "--small", "1000", "--falling-due", "1500", "--window", "2", "--grace", "15"]

    run = subprocess.run(
        [*command, *small], env=env, capture_output=True, text=True, timeout=300, check=False
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert "Index Scan using ix_deadlines_next_check_at_open" in run.stdout
    for line in ("missed (clock not breached)", "duplicate breach events"):
        assert f"{line}" in run.stdout
    assert "ratio large / small" in run.stdout
    assert "p99" in run.stdout
