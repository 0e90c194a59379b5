"""Run the full (slow) reliability suite and print its figures for the README.

    .venv/bin/python scripts/reliability_full_run.py [--atheris-seconds 60] [--seed N]

Runs ``pytest tests/reliability`` with VETDESK_FULL=1 (crash kills, fault injection,
fuzzing, concurrency, migrations, refusals), the bomb tests of
tests/workbook/test_filesafety.py, and, when atheris is installed, the coverage-guided
fuzzer tests/reliability/fuzz_atheris.py for a while. The figures the tests record are
then printed as a Markdown section that can be pasted into README.md. The exit code is
pytest's (0: everything held).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BOMB_TESTS = "bomb or laughs or entity or too_many or oversized"


def run_pytest(stats: Path, seed: int) -> tuple[int, str, float]:
    """The full reliability suite and the bomb tests; returns exit code, summary line, seconds."""
    env = dict(os.environ, VETDESK_FULL="1", VETDESK_RELIABILITY_STATS=str(stats))
    env["VETDESK_RELIABILITY_SEED"] = str(seed)
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-rxXf",
            "tests/reliability",
            "tests/workbook/test_filesafety.py",
            "-k",
            f"not test_filesafety or ({BOMB_TESTS})",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.monotonic() - started
    output = result.stdout + result.stderr
    sys.stderr.write(output[-6000:])
    summary = next(
        (
            line.strip("= ")
            for line in reversed(output.splitlines())
            if " in " in line and "passed" in line
        ),
        "no summary",
    )
    return result.returncode, summary, seconds


def run_atheris(seconds: int) -> dict[str, Any] | None:
    """The atheris fuzzer in bytes mode for a while; None when atheris is not installed."""
    if seconds <= 0 or importlib.util.find_spec("atheris") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        stats = Path(tmp) / "atheris.json"
        env = dict(os.environ, VETDESK_ATHERIS_STATS=str(stats))
        result = subprocess.run(
            [
                sys.executable,
                "tests/reliability/fuzz_atheris.py",
                "--mode",
                "bytes",
                f"-max_total_time={seconds}",
                f"-artifact_prefix={tmp}/",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        log = result.stdout + result.stderr
        runs = re.findall(r"Done (\d+) runs", log)
        figures: dict[str, Any] = json.loads(stats.read_text()) if stats.exists() else {}
        crashed = (
            result.returncode != 0
            or "ERROR: libFuzzer" in log
            or "Uncaught Python exception" in log
        )
        if crashed:
            sys.stderr.write(log[-4000:])
        return {
            "runs": int(runs[-1]) if runs else 0,
            "outcomes": figures.get("outcomes", {}),
            "crashes": 1 if crashed else 0,
            "seconds": seconds,
        }


def _rows(stats: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [s for s in stats if s.get("name") == name]


def report(
    stats: list[dict[str, Any]],
    seed: int,
    summary: str,
    seconds: float,
    atheris: dict[str, Any] | None,
) -> str:
    """The Markdown section."""
    lines = [
        f"### Reliability (full run {dt.date.today().isoformat()}, seed {seed}, {seconds / 60:.1f} min)",
        "",
        "Crash safety: each operation runs in a child process that is SIGKILLed at an instrumented",
        "point (SQL statement, commit, fsync, rename) or after a random share of its duration; after",
        "every kill the database passes `integrity_check` and `foreign_key_check`, holds exactly its",
        "content from before or after the operation, keeps its audit chain and lock, and the",
        "operation run again completes. Export targets hold the old file or a complete new one.",
        "",
        "| operation | points | kills | left as before | left as after | target file old / new | re-runs | stale temp files |",
        "|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    kills = 0
    for row in _rows(stats, "crash"):
        states: dict[str, int] = row["states"]
        files: dict[str, int] = row.get("files", {})
        kills += int(row["kills"])
        before = states.get("before", 0) + states.get("unchanged", 0)
        after = sum(v for k, v in states.items() if k not in ("before", "unchanged"))
        file_text = f"{files.get('old', 0)} / {files.get('new', 0)}" if files else "—"
        op = row["op"] + (" (PostgreSQL)" if row.get("engine") == "postgresql" else "")
        lines.append(
            f"| {op} | {row['points']} | {row['kills']} | {before} | {after} | {file_text} "
            f"| {row['retries']} | {row.get('temp_leftovers', 0)} |"
        )
    losses = sum(int(r.get("losses", 0)) for r in stats)
    lines += ["", f"**{kills} kills survived, {losses} losses.**", ""]
    faults = _rows(stats, "faults")
    if faults:
        parts = [
            f"{r.get('operation', 'merge')} on {r.get('engine', 'sqlite')}, {r['mode']}: "
            f"{r['injected']} faults of {r['statements']}"
            for r in faults
        ]
        lines.append(
            "Fault injection (the SQL statements of an operation, each failing in turn): "
            + ", ".join(parts)
            + "; every failed operation left the city database exactly as before (and an export's"
            + " earlier file in place), the complete one exactly as after."
        )
        lines.append("")
    fuzz = _rows(stats, "fuzz")
    if fuzz:
        lines.append(
            "| fuzzed input | cases | outcomes | slowest | memory growth (RSS / traced peak) | crashes |"
        )
        lines.append("|---|---:|---|---:|---|---:|")
        for row in fuzz:
            outcomes = Counter(row["outcomes"])
            grouped: defaultdict[str, int] = defaultdict(int)
            for label, n in outcomes.items():
                grouped[label.split(":")[0]] += n
            text = ", ".join(f"{k} {v}" for k, v in sorted(grouped.items(), key=lambda kv: -kv[1]))
            lines.append(
                f"| {row['kind']} | {row['cases']} | {text} | {row['slowest_seconds']} s | "
                f"{row['rss_growth_mb']} MB / {row['traced_peak_mb']} MB ({row['traced_cases']} traced) | {row['crashes']} |"
            )
        if atheris is not None:
            lines.append(
                f"| atheris (bytes, {atheris['seconds']} s) | {atheris['runs']} | "
                + ", ".join(
                    f"{k} {v}"
                    for k, v in sorted(atheris["outcomes"].items(), key=lambda kv: -kv[1])[:6]
                )
                + f" | — | libFuzzer limits | {atheris['crashes']} |"
            )
        lines.append("")
    race = _rows(stats, "concurrency-race")
    loop = _rows(stats, "concurrency-loop")
    if race or loop:
        parts_text: list[str] = []
        if race:
            race_text = ", ".join(f"{k} {v}" for k, v in sorted(race[0]["outcomes"].items()))
            parts_text.append(
                f"{race[0]['rounds']} races of two `vetdesk import` processes A and B ({race_text})"
            )
        if loop:
            parts_text.append(
                f"{loop[0]['imports']} imports in one process while another ran {loop[0]['checks']} checks"
            )
        lines.append(
            "Concurrency: "
            + "; ".join(parts_text)
            + ": the loser was told the database is in use, nothing interleaved, nothing was damaged."
        )
        lines.append("")
    lines.append(f"pytest: {summary}.")
    return "\n".join(lines)


def main() -> int:
    """Run everything and print the section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--atheris-seconds", type=int, default=60)
    parser.add_argument("--seed", type=int, default=int(time.time()) % 2**31)
    parser.add_argument("--stats", type=Path, help="keep the raw figures (JSON lines) in this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        stats_file = args.stats or Path(tmp) / "stats.jsonl"
        stats_file.unlink(missing_ok=True)
        code, summary, seconds = run_pytest(stats_file, args.seed)
        atheris = run_atheris(args.atheris_seconds)
        stats = (
            [
                json.loads(line)
                for line in stats_file.read_text(encoding="utf-8").splitlines()
                if line
            ]
            if stats_file.exists()
            else []
        )
    print(report(stats, args.seed, summary, seconds, atheris))
    if atheris and atheris["crashes"]:
        return code or 1
    return code


if __name__ == "__main__":
    raise SystemExit(main())
