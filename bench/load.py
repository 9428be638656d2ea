"""Load generators: wrk (Debian's package) when present, else a bounded async httpx client."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

WRK_DIR = Path(__file__).resolve().parent / "wrk"


@dataclass
class LoadResult:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    statuses: dict[int, int] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)
    others_cores: float = 0.0  # CPU used meanwhile by processes outside the benchmark
    cpu_ms_per_request: float = 0.0  # CPU the server's processes spent per answer

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def find_wrk(install: bool = True) -> str | None:
    """wrk's path; installs Debian's package when missing and we are root (else None)."""
    found = shutil.which("wrk")
    if found or not install or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    print("  wrk is missing: apt-get install -y wrk", flush=True)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": False}
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], **quiet)  # type: ignore[call-overload]
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "update", "-q"], **quiet)  # type: ignore[call-overload]
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], **quiet)  # type: ignore[call-overload]
    return shutil.which("wrk")


@dataclass
class Load:
    """One load run's shape: where, what, how hard and for how long."""

    base_url: str
    paths: list[str]
    seconds: float
    connections: int = 64
    headers: dict[str, str] = field(default_factory=dict)
    post_json: str | None = None  # POST this body to paths[0] instead of GETs
    # Where in `paths` to begin: each run of a row goes on where the last one stopped, so a
    # warm-up walks the whole list and a "not cached" row never meets a page it asked for.
    start: int = 0


def run_load(load: Load, wrk: str | None) -> LoadResult:
    """Drive the server with wrk when we have it, else with httpx."""
    if wrk:
        return _run_wrk(load, wrk)
    return asyncio.run(_run_httpx(load))


def _run_wrk(load: Load, wrk: str) -> LoadResult:
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as scratch:
        env = dict(os.environ)
        paths_file = Path(scratch) / "paths.txt"
        paths_file.write_text("\n".join(load.paths) + "\n")
        env["BENCH_PATHS"] = str(paths_file)
        env["BENCH_START"] = str(load.start)
        target, script = load.base_url + "/", WRK_DIR / "get.lua"
        if load.post_json is not None:
            body_file = Path(scratch) / "body.json"
            body_file.write_text(load.post_json)
            env["BENCH_BODY"], env["BENCH_TOKENS"] = str(body_file), f"{scratch}/tokens.txt"
            target, script = load.base_url + load.paths[0], WRK_DIR / "post.lua"
        seconds = max(1, round(load.seconds))  # wrk takes whole seconds
        command = [wrk, "-t2", f"-c{load.connections}", f"-d{seconds}s", "--timeout", "10s"]
        for name, value in load.headers.items():
            command += ["-H", f"{name}: {value}"]
        command += ["-s", str(script), target]
        output = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        line = next(x for x in output.stdout.splitlines() if x.startswith("BENCH "))
        summary = json.loads(line.removeprefix("BENCH "))
        tokens: list[str] = []
        if load.post_json is not None:
            tokens = Path(env["BENCH_TOKENS"]).read_text().split()
    errors = sum(summary[k] for k in ("connect", "read", "write", "status", "timeout"))
    statuses: dict[int, int] = {}
    for status, count in summary.get("statuses", []):
        statuses[status] = statuses.get(status, 0) + count
    return LoadResult(
        requests=summary["requests"],
        seconds=summary["duration_us"] / 1e6,
        errors=errors,
        p50_ms=summary["p50"] / 1000,
        p95_ms=summary["p95"] / 1000,
        p99_ms=summary["p99"] / 1000,
        statuses=statuses,
        tokens=tokens,
    )


async def _run_httpx(load: Load) -> LoadResult:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    tokens: list[str] = []
    failures = 0
    limits = httpx.Limits(max_connections=load.connections)
    deadline = time.monotonic() + load.seconds

    async def worker(client: httpx.AsyncClient, offset: int) -> None:
        nonlocal failures
        index = offset
        while time.monotonic() < deadline:
            path = load.paths[index % len(load.paths)]
            index += 1
            began = time.perf_counter()
            try:
                if load.post_json is not None:
                    response = await client.post(path, content=load.post_json)
                else:
                    response = await client.get(path)
            except httpx.HTTPError:
                failures += 1
                continue
            latencies.append(time.perf_counter() - began)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code == 201:
                tokens.append(response.json()["token"])

    headers = dict(load.headers)
    if load.post_json is not None:
        headers["Content-Type"] = "application/json"
    started = time.monotonic()
    async with httpx.AsyncClient(
        base_url=load.base_url, headers=headers, limits=limits, timeout=10
    ) as client:
        await asyncio.gather(
            *(worker(client, load.start + i * 7919) for i in range(load.connections))
        )
    elapsed = time.monotonic() - started
    latencies.sort()

    def percentile(p: float) -> float:
        if not latencies:
            return 0.0
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    errors = failures + sum(n for s, n in statuses.items() if s >= 400)
    return LoadResult(
        requests=len(latencies),
        seconds=elapsed,
        errors=errors,
        p50_ms=percentile(0.50),
        p95_ms=percentile(0.95),
        p99_ms=percentile(0.99),
        statuses=statuses,
        tokens=tokens,
    )
