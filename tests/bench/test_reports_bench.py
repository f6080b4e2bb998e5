"""A tiny run of bench/reports.py, so the benchmark keeps working as the reports move."""

import os
import subprocess
import sys

from complaints.db.migrate import PROJECT_ROOT


def test_the_reports_benchmark_times_every_report_at_both_sizes(servers: tuple[str, str]) -> None:
    env = {**os.environ, "COMPLAINTS_DATABASE_URL": servers[0]}
    command = [sys.executable, str(PROJECT_ROOT / "bench" / "reports.py")]

    run = subprocess.run(
        [*command, "--cases", "600", "--small", "200", "--runs", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert "| report | 200 p50 ms | p95 ms | 600 p50 ms | p95 ms | ratio (p50) |" in run.stdout
    for report in ("summary", "trend by month", "league of handlers", "overdue list", "regulator statistics"):
        assert f"| {report}" in run.stdout
    assert "EXPLAIN (ANALYZE, BUFFERS) of the year summary at 600 cases" in run.stdout
    assert "report_case_facts" in run.stdout
