"""A real Celery worker for the test run, attached to the test database, when a broker is configured.

On the embedded default (no broker) tasks run in-process right after the commit, so there is nothing to start.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection


def uses_broker() -> bool:
    return not settings.CELERY_TASK_ALWAYS_EAGER


def worker_database_url() -> str:
    db = connection.settings_dict
    if "postgresql" not in db["ENGINE"]:
        raise RuntimeError("A worker in another process needs a server database (PostgreSQL).")
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class Worker:
    def __init__(self, *, queue: str, log_path: Path, env: dict, concurrency: int = 2):
        self.queue = queue
        self.concurrency = concurrency
        self.log_path = log_path
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        log = open(self.log_path, "ab")  # noqa: SIM115 (closed with the process)
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO", "--pool=prefork",
            f"--concurrency={self.concurrency}", "-Q", self.queue, "--without-gossip", "--without-mingle",
            "--without-heartbeat", "-n", f"{self.queue}@%h",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The Celery worker exited early:\n{self.log_path.read_text()[-3000:]}")
            if b"ready." in self.log_path.read_bytes():
                return
            time.sleep(0.2)
        raise RuntimeError(f"The Celery worker did not get ready:\n{self.log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def wait_until(predicate, timeout: float = 60, interval: float = 0.2):
    """Poll until predicate() is truthy (the worker works in another process); return its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def background_worker_for(request):
    return request.getfixturevalue("celery_worker_session")
