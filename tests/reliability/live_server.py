"""The real site as a subprocess (`consult serve`), for tests that kill it or starve it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "reliability-secret-key-that-is-long-enough-for-hmac"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def consult_command() -> list[str]:
    script = Path(sys.executable).parent / "consult"
    return [str(script)] if script.exists() else [sys.executable, "-m", "app.cli"]


class LiveServer:
    """`consult serve --workers N` in its own process group, so one signal reaches every worker."""

    def __init__(
        self,
        database_url: str,
        var_dir: Path,
        *,
        workers: int = 2,
        port: int | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.database_url = database_url
        self.var_dir = var_dir
        self.workers = workers
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.extra_env = env or {}
        self.log_path = var_dir / "server.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.started_at = 0.0

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULT_")}
        env.update(
            {
                "CONSULT_DATABASE_URL": self.database_url,
                "CONSULT_VAR_DIR": str(self.var_dir),
                "CONSULT_SECRET_KEY": SECRET_KEY,
                "CONSULT_ENV": "test",
                "CONSULT_BASE_URL": self.base_url,
                "CONSULT_SUBMISSIONS_PER_HOUR": "100000",
                "CONSULT_FORM_MIN_SECONDS": "0",
                "CONSULT_CONTENT_DIR": str(ROOT / "content"),
            }
        )
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        assert self._process is None, "already running"
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        command = [
            *consult_command(),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
        ]
        self.started_at = time.monotonic()
        self._process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.environment(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_healthy(self, within: float) -> float:
        """Seconds from start() until /healthz answered 200; fails after `within` seconds."""
        deadline = self.started_at + within
        with httpx.Client(base_url=self.base_url, timeout=1.0) as client:
            while True:
                assert self._process is not None
                if self._process.poll() is not None:
                    raise AssertionError(f"the server exited:\n{self.log_tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    if client.get("/healthz").status_code == 200:
                        return time.monotonic() - self.started_at
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"/healthz did not answer 200 within {within} s:\n{self.log_tail()}"
                    )
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL the whole process group: the master and every worker, no clean-up at all."""
        process = self._take()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        self._close_log()

    def stop(self) -> None:
        """A graceful stop (SIGTERM), forced after 10 s."""
        if self._process is None:
            return
        process = self._take()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        # Workers left behind by a master that died first go too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        self._close_log()

    @property
    def pid(self) -> int:
        """The master's process id."""
        assert self._process is not None, "not running"
        return self._process.pid

    def workers_now(self) -> list[int]:
        """The process ids of the server's workers (the children of its master)."""
        master = str(self.pid)
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                # pid (name) state ppid ...: the name may hold spaces, so split after it
                if stat.read_text().rsplit(")", 1)[1].split()[1] == master:
                    found.append(int(stat.parent.name))
        return sorted(found)

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def _take(self) -> subprocess.Popen[bytes]:
        assert self._process is not None, "not running"
        process, self._process = self._process, None
        return process

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
