"""Starting and stopping the servers under test; start-up time, memory, and a signed-in editor."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOGS = ROOT / "bench" / "results" / "work" / "logs"
WORKERS = 2


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path
    startup_seconds: float

    def pids(self) -> list[int]:
        return [self.process.pid, *_children(self.process.pid)]

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker process (the children that uvicorn started: copies
        of the master, or new interpreters when it spawns them)."""
        sizes = []
        master = Path(f"/proc/{self.process.pid}/cmdline").read_bytes()
        for pid in _children(self.process.pid):
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            if cmdline != master and b"spawn_main" not in cmdline:
                continue  # multiprocessing's resource tracker, not a worker
            status = Path(f"/proc/{pid}/status").read_text()
            match = re.search(r"VmRSS:\s+(\d+) kB", status)
            if match:
                sizes.append(int(match.group(1)) / 1024)
        return sizes

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _start(name: str, command: list[str], env: dict[str, str], port: int) -> Server:
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{name}.log"
    started = time.monotonic()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT
        )
    base_url = f"http://127.0.0.1:{port}"
    server = Server(name, process, base_url, log, 0.0)
    deadline = started + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited at start-up; see {log}")
        ready = log.read_text(errors="replace").count("Application startup complete")
        if ready >= WORKERS and _answers(base_url + "/healthz"):
            server.startup_seconds = time.monotonic() - started
            return server
        time.sleep(0.02)
    server.stop()
    raise RuntimeError(f"{name} did not start within 60 s; see {log}")


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code < 500
    except httpx.HTTPError:
        return False


def source_env(source: Path | None) -> dict[str, str]:
    """The environment that makes `app` come from another checkout (for before/after runs)."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source.resolve())
    return env


def start_site(database_url: str, var_dir: Path, port: int, source: Path | None = None) -> Server:
    """`consult serve --workers 2` on this database, letters unthrottled for the POST test."""
    env = source_env(source)
    env.update(
        {
            "CONSULT_DATABASE_URL": database_url,
            "CONSULT_VAR_DIR": str(var_dir),
            "CONSULT_BASE_URL": f"http://127.0.0.1:{port}",
            "CONSULT_SUBMISSIONS_PER_HOUR": "100000000",
            "CONSULT_CONTENT_DIR": str(ROOT / "content"),
        }
    )
    command = [str(BIN / "consult"), "serve", "--workers", str(WORKERS), "--port", str(port)]
    return _start("site", command, env, port)


def start_bare(port: int) -> Server:
    """The bare FastAPI app with the same uvicorn settings as `consult serve`."""
    command = [
        str(BIN / "python"),
        "-m",
        "uvicorn",
        "bare_app:app",
        "--app-dir",
        str(ROOT / "bench"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(WORKERS),
        "--proxy-headers",
        "--no-access-log",
        "--no-server-header",
        "--log-level",
        "info",
    ]
    return _start("bare", command, dict(os.environ), port)


def editor_cookie(base_url: str, email: str, password: str) -> str:
    """Sign in through /admin/login like a browser; the session cookie as a Cookie header."""
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=30) as client:
        page = client.get("/admin/login")
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        if match is None:
            raise RuntimeError("no CSRF token on /admin/login")
        answer = client.post(
            "/admin/login",
            data={"email": email, "password": password, "csrf_token": match.group(1)},
        )
        if answer.status_code != 303 or "consult_session" not in client.cookies:
            raise RuntimeError(f"sign-in failed with {answer.status_code}")
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())
