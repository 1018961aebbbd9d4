"""The benchmarks are not tests, but their smoke mode runs here so they cannot rot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_sweep_benchmark_runs() -> None:
    result = subprocess.run(
        [sys.executable, "bench/sweep.py", "--smoke"],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "sweep database time" in result.stdout
    assert "ratio" in result.stdout


def test_the_interactions_benchmark_runs() -> None:
    command = [sys.executable, "bench/interactions.py", "--smoke"]
    result = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for path in ("/ping", "status (10 open)", "refused press", "turn submit", "floor press", "try again"):
        assert path in result.stdout
    assert "the floor bot's calls are Mend's on every path: yes" in result.stdout
    for ratio in ("Mend ÷ floor", "floor ÷ ping"):
        assert ratio in result.stdout
    assert "RSS mend" in result.stdout
    assert "callbacks later than 3 s: 0" in result.stdout
    for figure in ("quick repair:", "full repair:", "check-in sweep, 20 due", "global 429s answered to Mend"):
        assert figure in result.stdout


def test_the_history_benchmark_runs() -> None:
    command = [sys.executable, "bench/history.py", "--smoke"]
    result = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for figure in ("deferral", "follow-up with the picture", "picture in the pool", "PNG", "longest event-loop block"):
        assert figure in result.stdout


def test_the_postgresql_benchmarks_run(postgres_cluster: object) -> None:
    """They start PostgreSQL servers of their own; the fixture only says whether this machine can."""
    runs = (
        (["bench/sweep.py", "--database", "postgres"], "postgres: sweep database time"),
        (["bench/sweep.py", "--database", "postgres", "--shard"], "postgres, shard 0 of 2: sweep database time"),
        (["bench/shards.py"], "two / one at"),
        (["bench/interactions.py", "--database", "postgres"], "RSS mend"),
    )
    for arguments, figure in runs:
        command = [sys.executable, *arguments, "--smoke"]
        result = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        assert figure in result.stdout
