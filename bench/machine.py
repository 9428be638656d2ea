"""How busy the rest of the machine was during a load run: CPU used by processes that are
neither the servers under test nor the load generator (a shared machine makes noisy figures)."""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _machine_busy_seconds() -> float:
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    values = [int(x) for x in fields]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / TICKS


def _process_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def _ours(pids: list[int]) -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once it has exited
    total = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    return total + sum(_process_seconds(pid) for pid in pids)


@dataclass
class CpuWatch:
    """Start before a run; afterwards `target_seconds()` is the CPU the server under load used
    (robust to a busy machine, unlike requests/s) and `others()` the cores everybody else
    outside the benchmark used meanwhile."""

    target: list[int]
    everything: list[int]
    began: float = 0.0
    busy: float = 0.0
    ours: float = 0.0
    target_start: float = 0.0

    def start(self) -> CpuWatch:
        self.began = time.monotonic()
        self.busy, self.ours = _machine_busy_seconds(), _ours(self.everything)
        self.target_start = sum(_process_seconds(pid) for pid in self.target)
        return self

    def target_seconds(self) -> float:
        return sum(_process_seconds(pid) for pid in self.target) - self.target_start

    def others(self) -> float:
        wall = time.monotonic() - self.began
        busy = _machine_busy_seconds() - self.busy
        ours = _ours(self.everything) - self.ours
        return max(0.0, busy - ours) / wall if wall > 0 else 0.0


def wait_until_idle(pids: list[int], *, limit: float = 30.0, below: float = 0.1) -> float:
    """Wait (at most `limit` seconds) until these processes use less than `below` of a core:
    a slow server is still answering the last run's abandoned requests, and the next run
    must not pay for them. Returns the seconds waited."""
    began = time.monotonic()
    while time.monotonic() - began < limit:
        before = sum(_process_seconds(pid) for pid in pids)
        time.sleep(0.5)
        if sum(_process_seconds(pid) for pid in pids) - before < below * 0.5:
            break
    return time.monotonic() - began
