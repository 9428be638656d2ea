"""`make bench`: generate databases, start the site and a bare app, load both in turn (A B A B),
print the table, write bench/results/latest.json and the requests/s-against-N chart."""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chart import draw_chart
from generate import (
    EDITOR_EMAIL,
    EDITOR_PASSWORD,
    RESULTS,
    WORK,
    drop_working_copy,
    template_database,
    working_copy,
    write_column_files,
)
from load import Load, LoadResult, find_wrk, run_load
from machine import CpuWatch, wait_until_idle
from report import print_run, summarise, write_results
from scenarios import Scenario, build_scenarios
from servers import BIN, Server, editor_cookie, source_env, start_bare, start_site
from sqlalchemy import text

from app.db import make_engine, migrate

LETTERS = 100_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000", help="article counts, comma-separated")
    parser.add_argument("--postgres", action="store_true", help="also run on PostgreSQL")
    parser.add_argument("--only-postgres", action="store_true", help="skip SQLite")
    parser.add_argument("--seconds", type=float, default=5, help="length of each load run")
    parser.add_argument("--rounds", type=int, default=2, help="A B pairs per row")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per row")
    parser.add_argument("--import-columns", type=int, default=1000, help="files to import")
    parser.add_argument("--port", type=int, default=18100, help="site port (bare app: +1)")
    parser.add_argument("--httpx", action="store_true", help="use httpx even if wrk exists")
    parser.add_argument("--only", default="", help="run only these rows (comma-separated keys)")
    parser.add_argument("--output", default=str(RESULTS / "latest.json"))
    parser.add_argument(
        "--source", type=Path, default=None, help="benchmark the app/ of another checkout"
    )
    return parser.parse_args(argv)


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def measure_row(
    scenario: Scenario, site: Server, bare: Server, args: argparse.Namespace, wrk: str | None
) -> dict[str, Any]:
    """Warm the site up, then alternate bare (A) and site (B) runs."""

    position = 0  # how far through the paths the site's runs of this row have got

    def load(server: Server, seconds: float) -> LoadResult:
        nonlocal position
        shape = Load(
            server.base_url,
            scenario.paths,
            seconds,
            scenario.connections,
            scenario.headers,
            scenario.post_json,
            start=position if server is site else 0,
        )
        watch = CpuWatch(server.pids(), site.pids() + bare.pids()).start()
        result = run_load(shape, wrk)
        if server is site:  # wrk's two threads each walked about half of the requests
            position += result.requests // 2
        result.others_cores = watch.others()
        result.cpu_ms_per_request = 1000 * watch.target_seconds() / max(1, result.requests)
        wait_until_idle(server.pids())
        return result

    warmup = args.warmup if scenario.warmup is None else scenario.warmup
    spent, best, flat = 0.0, float("inf"), 0
    warmup_cpu_ms: list[float] = []
    while spent < warmup and scenario.post_json is None:  # warm-up letters would go uncounted
        chunk = load(site, min(max(args.warmup, 2), warmup - spent))
        spent += chunk.seconds
        warmup_cpu_ms.append(round(chunk.cpu_ms_per_request, 3))
        # Steady once each of wrk's threads has walked the whole list and the cost per answer
        # has not fallen by a tenth for two chunks running (one flat chunk can be noise from
        # the rest of the machine; before the end of the list every path is new).
        flat = flat + 1 if chunk.cpu_ms_per_request > best * 0.9 else 0
        best = min(best, chunk.cpu_ms_per_request)
        if not scenario.settle or (position >= len(scenario.paths) and flat >= 2):
            break
    site_runs: list[LoadResult] = []
    bare_runs: list[LoadResult] = []
    for _ in range(args.rounds):
        if scenario.compare_with_bare:
            bare_runs.append(load(bare, args.seconds))
        site_runs.append(load(site, args.seconds))
    return {**summarise(scenario, site_runs, bare_runs), "warmup_cpu_ms": warmup_cpu_ms}


def count_letters(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        count = int(connection.execute(text("SELECT count(*) FROM question")).scalar_one())
    engine.dispose()
    return count


def letters_found(url: str, tokens: list[str]) -> int:
    """How many acknowledged letters are in the database, found by their status tokens."""
    hashes = [hashlib.sha256(t.encode()).hexdigest() for t in tokens]
    engine = make_engine(url)
    found = 0
    with engine.connect() as connection:
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            marks = ", ".join(f":h{i}" for i in range(len(chunk)))
            found += int(
                connection.execute(
                    text(f"SELECT count(*) FROM question WHERE token_hash IN ({marks})"),
                    {f"h{i}": h for i, h in enumerate(chunk)},
                ).scalar_one()
            )
    engine.dispose()
    return found


def run_size(
    backend: str, articles: int, bare: Server, args: argparse.Namespace, wrk: str | None
) -> dict[str, Any]:
    """One database size on one backend: a fresh copy, a fresh server, every row of the table."""
    template = template_database(backend, articles, LETTERS)
    url = working_copy(backend, template, f"{backend}_{articles}")
    var_dir = WORK / f"var_{backend}_{articles}"
    shutil.rmtree(var_dir, ignore_errors=True)
    site = start_site(url, var_dir, args.port, args.source)
    try:
        cookie = editor_cookie(site.base_url, EDITOR_EMAIL, EDITOR_PASSWORD)
        scenarios = build_scenarios(site.base_url, articles, cookie)
        wanted = {k for k in args.only.split(",") if k}
        rows: dict[str, Any] = {}
        before = count_letters(url)
        for scenario in scenarios:
            if wanted and scenario.key not in wanted:
                continue
            print(f"  {backend} {articles:>7,}: {scenario.label}", flush=True)
            rows[scenario.key] = measure_row(scenario, site, bare, args, wrk)
        rss = site.worker_rss_mb()
    finally:
        site.stop()
    run: dict[str, Any] = {
        "backend": backend,
        "articles": articles,
        "letters": LETTERS,
        "startup_seconds": round(site.startup_seconds, 2),
        "rss_mb_per_worker": [round(x, 1) for x in rss],
        "rows": rows,
    }
    if "submit" in rows:
        acknowledged = rows["submit"].pop("tokens")
        run["submission_check"] = {
            "acknowledged_201": len(acknowledged),
            "rows_added": count_letters(url) - before,
            "acknowledged_rows_found": letters_found(url, acknowledged),
        }
    drop_working_copy(backend, url)
    return run


def time_import(columns: int, source: Path | None) -> dict[str, Any]:
    """`consult content import` of generated column files into an empty SQLite database."""
    directory = write_column_files(WORK / f"columns_{columns}", columns)
    database = WORK / "import.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    migrate(url)
    env = source_env(source)
    env.update({"CONSULT_DATABASE_URL": url, "CONSULT_VAR_DIR": str(WORK / "var_import")})
    started = time.monotonic()
    subprocess.run(
        [str(BIN / "consult"), "content", "import", str(directory)],
        env=env,
        check=True,
        capture_output=True,
    )
    seconds = time.monotonic() - started
    return {
        "columns": columns,
        "seconds": round(seconds, 1),
        "ms_per_column": round(1000 * seconds / columns, 2),
        "extrapolated_10000_seconds": round(seconds * 10_000 / columns, 1),
        "extrapolated": columns != 10_000,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the servers are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    backends = [] if args.only_postgres else ["sqlite"]
    backends += ["postgresql"] if args.postgres or args.only_postgres else []
    for port in (args.port, args.port + 1):
        if not _port_free(port):
            print(f"bench: port {port} is in use; pass --port", file=sys.stderr)
            return 2
    wrk = None if args.httpx else find_wrk()
    print(f"load generator: {wrk or 'httpx (bounded async client)'}", flush=True)
    bare = start_bare(args.port + 1)
    runs = []
    try:
        for backend in backends:
            for articles in sizes:
                runs.append(run_size(backend, articles, bare, args, wrk))
                print_run(runs[-1], bare_startup=bare.startup_seconds)
    finally:
        bare.stop()
    imported = time_import(args.import_columns, args.source) if args.import_columns else None
    results = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_generator": "wrk" if wrk else "httpx",
        "source": str(args.source or "."),
        "seconds_per_run": args.seconds,
        "rounds": args.rounds,
        "runs": runs,
        "import": imported,
        "wall_seconds": round(time.monotonic() - started),
    }
    output = Path(args.output)
    write_results(results, output)
    chart = draw_chart(results, output.with_suffix(".png"))
    if imported:
        kind = "extrapolated from" if imported["extrapolated"] else "measured on"
        print(
            f"import: {imported['columns']:,} columns in {imported['seconds']} s "
            f"({imported['ms_per_column']} ms each); 10,000 columns ≈ "
            f"{imported['extrapolated_10000_seconds']} s ({kind} {imported['columns']:,})"
        )
    print(f"results: {output}\nchart:   {chart}\nwall time: {results['wall_seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
