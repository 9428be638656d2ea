"""The real site for the browser tests: a fresh database, the sample columns, staff, a server."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-secure-passphrase"
STAFF = {
    "editor": ("editor@example.org", "Eve Editor"),
    "columnist": ("columnist@example.org", "Cal Columnist"),
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Site:
    """`consult serve` on a free port, over a database made with the `consult` command."""

    def __init__(self, var_dir: Path) -> None:
        self.var_dir = var_dir
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = var_dir / "server.log"
        self._process: subprocess.Popen[bytes] | None = None

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULT_")}
        env.update(
            CONSULT_VAR_DIR=str(self.var_dir),
            CONSULT_DATABASE_URL=f"sqlite:///{self.var_dir / 'consult.db'}",
            CONSULT_SECRET_KEY="e2e-secret-key-that-is-long-enough-for-hmac",
            CONSULT_BASE_URL=self.base_url,
            CONSULT_FORM_MIN_SECONDS="0",
            CONSULT_SUBMISSIONS_PER_HOUR="1000",
            CONSULT_CONTENT_DIR=str(ROOT / "content"),
        )
        return env

    def consult(self, *args: str, stdin: str = "") -> None:
        """Run one `consult` command against this site's database; fail loudly if it fails."""
        done = subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            cwd=ROOT,
            env=self.environment(),
            input=stdin.encode(),
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, f"consult {' '.join(args)}: {done.stderr.decode()}"

    def prepare(self) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.consult("migrate")
        self.consult("content", "import")
        for role, (email, name) in STAFF.items():
            self.consult(
                "users", "create", email, "--role", role, "--name", name, "--password-stdin",
                stdin=PASSWORD + "\n",
            )  # fmt: skip

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "app.cli", "serve", "--port", str(self.port)],
                cwd=ROOT,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        with httpx.Client(base_url=self.base_url, timeout=1.0) as client:
            while time.monotonic() < deadline:
                assert self._process.poll() is None, f"the server exited:\n{self.log()}"
                with contextlib.suppress(httpx.HTTPError):
                    if client.get("/healthz").status_code == 200:
                        return
                time.sleep(0.1)
        self.stop()
        raise AssertionError(f"/healthz did not answer within 30 s:\n{self.log()}")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def post_letter(self, letter: str, signoff: str) -> str:
        """Send a letter through the JSON API (for tests about other pages); its status path."""
        body = {"question": letter, "signoff": signoff, "consent": True}
        response = httpx.post(f"{self.base_url}/api/v1/questions", json=body, timeout=10)
        assert response.status_code == 201, response.text
        return f"/ask/status/{response.json()['token']}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def mail(self) -> list[EmailMessage]:
        """Every message the site has written to its maildir, oldest first."""
        files = sorted((self.var_dir / "mail").glob("*/*"), key=lambda p: p.stat().st_mtime)
        return [
            message_from_bytes(p.read_bytes(), policy=policy.default)  # type: ignore[misc]
            for p in files
            if p.is_file()
        ]


@contextlib.contextmanager
def running_site(var_dir: Path) -> Iterator[Site]:
    site = Site(var_dir)
    site.prepare()
    site.start()
    try:
        yield site
    finally:
        site.stop()
