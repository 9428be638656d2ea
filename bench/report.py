"""Turning load runs into the table: one row per page, the site beside the bare app."""

from __future__ import annotations

import json
from pathlib import Path
from statistics import mean
from typing import Any

from load import LoadResult
from scenarios import Scenario

HEADER = (
    f"{'':30} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6} "
    f"{'bare req/s':>10} {'ratio':>5} {'cpu ms':>7} {'bare cpu':>8} {'cpu ratio':>9} {'others':>6}"
)
LEGEND = (
    "ratio: req/s over the bare app's · cpu ms: the server's CPU per answer, bare cpu: the\n"
    "bare app's, cpu ratio: bare cpu / cpu (what ratio would be on an idle machine) · others:\n"
    "cores used meanwhile by processes outside the benchmark (the machine has 2)"
)


def summarise(
    scenario: Scenario, site_runs: list[LoadResult], bare_runs: list[LoadResult]
) -> dict[str, Any]:
    """The mean requests/s of the rounds and the worst p95/p99 of any round."""
    row: dict[str, Any] = {
        "label": scenario.label,
        "connections": scenario.connections,
        "rps": round(mean(r.rps for r in site_runs), 1),
        "p50_ms": round(mean(r.p50_ms for r in site_runs), 2),
        "p95_ms": round(max(r.p95_ms for r in site_runs), 2),
        "p99_ms": round(max(r.p99_ms for r in site_runs), 2),
        "errors": sum(r.errors for r in site_runs),
        "requests": sum(r.requests for r in site_runs),
        "rounds_rps": [round(r.rps, 1) for r in site_runs],
        "others_cores": round(mean(r.others_cores for r in site_runs + bare_runs), 2),
        "cpu_ms_per_request": round(mean(r.cpu_ms_per_request for r in site_runs), 3),
    }
    statuses: dict[int, int] = {}
    for run in site_runs:
        for status, count in run.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    if statuses:
        row["statuses"] = {str(k): v for k, v in sorted(statuses.items())}
    if scenario.post_json is not None:
        row["tokens"] = [t for run in site_runs for t in run.tokens]
    if bare_runs:
        row["bare_rps"] = round(mean(r.rps for r in bare_runs), 1)
        row["bare_rounds_rps"] = [round(r.rps, 1) for r in bare_runs]
        row["ratio"] = round(row["rps"] / row["bare_rps"], 3) if row["bare_rps"] else None
        bare_cpu = mean(r.cpu_ms_per_request for r in bare_runs)
        row["bare_cpu_ms_per_request"] = round(bare_cpu, 3)
        site_cpu = row["cpu_ms_per_request"]
        row["cpu_ratio"] = round(bare_cpu / site_cpu, 3) if site_cpu else None
    return row


def _line(row: dict[str, Any]) -> str:
    def optional(key: str, width: int, form: str) -> str:
        value = row.get(key)
        return f"{value:>{width}{form}}" if value is not None else " " * width

    if not row["requests"]:  # nothing answered within the runs: no latency to show
        return f"{row['label']:30} {0:>8} {'no answer within the run':>37}"
    return (
        f"{row['label']:30} {row['rps']:>8,.0f} {row['p50_ms']:>7.1f} {row['p95_ms']:>7.1f} "
        f"{row['p99_ms']:>7.1f} {row['errors']:>6} {optional('bare_rps', 10, ',.0f')} "
        f"{optional('ratio', 5, '.2f')} {row['cpu_ms_per_request']:>7.2f} "
        f"{optional('bare_cpu_ms_per_request', 8, '.2f')} {optional('cpu_ratio', 9, '.2f')} "
        f"{row['others_cores']:>6.1f}"
    )


def print_run(run: dict[str, Any], *, bare_startup: float) -> None:
    """The table for one backend and size, as `make bench` prints it."""
    print()
    print(
        f"== {run['backend']}, {run['articles']:,} articles, {run['letters']:,} letters, "
        "2 workers, 64 connections (rows marked so: 4) =="
    )
    print(HEADER)
    for row in run["rows"].values():
        print(_line(row))
    rss = " / ".join(f"{x:.0f}" for x in run["rss_mb_per_worker"]) or "?"
    print(
        f"{LEGEND}\nstart-up {run['startup_seconds']:.2f} s (bare app {bare_startup:.2f} s) · "
        f"resident memory per worker after the load: {rss} MB"
    )
    check = run.get("submission_check")
    if check:
        lost = check["acknowledged_201"] - check["acknowledged_rows_found"]
        print(
            f"letters: {check['acknowledged_201']:,} answered 201, "
            f"{check['acknowledged_rows_found']:,} of them found by token (lost: {lost}), "
            f"{check['rows_added']:,} rows added (the rest were cut off by the load "
            "generator's deadline: the server finished them, nobody read the answer)"
        )
    print(flush=True)


def write_results(results: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
