"""Load test: 20 staff members at once against a real server on 127.0.0.1, for a bounded time.

Needs the generated data set (see bench/staff_pages.py for how to make it). Run:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/teilhabe_bench REDIS_URL=redis://127.0.0.1:6379/14 \
        .venv/bin/python bench/load.py [seconds] [users]
Starts gunicorn (3 workers) on a free port on 127.0.0.1 and a Celery worker with beat (as in production: it
keeps the dashboards' figures fresh), runs locust headless (bench/locustfile.py) for the given time (default
60 s, 20 users), prints p50/p95/p99 and the errors per page and in total, then stops them all. The staff are
logged in beforehand (sessions made for them), so the figures are about their work, not about password
hashing. The baseline row is the accessibility statement under the same load.
"""

import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


# Run inside the server's settings (same SECRET_KEY and session store): one logged-in session per staff member.
SESSIONS = """
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from organisations.models import User
store = import_module(settings.SESSION_ENGINE).SessionStore
keys = []
for user in User.objects.filter(email__endswith="@generated.teilhabe.example", groups__isnull=False).distinct():
    session = store()
    session[SESSION_KEY], session[HASH_SESSION_KEY] = str(user.pk), user.get_session_auth_hash()
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session.create()
    keys.append(user.email.split("@")[0] + "=" + session.session_key)
print(",".join(keys))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(seconds: int, users: int) -> int:
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL to the database with the generated data (see bench/staff_pages.py).")
    port = free_port()
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "load-test-" + os.urandom(16).hex(),
           "ALLOWED_HOSTS": "127.0.0.1", "SECURE_COOKIES": "false", "SECURE_SSL_REDIRECT": "false",
           "SECURE_HSTS_SECONDS": "0"}  # fmt: skip
    collect = [
        BIN / "python",
        "manage.py",
        "collectstatic",
        "--noinput",
        "-v0",
        "--ignore",
        "viewflow/fonts/roboto/node_modules/*",
    ]
    subprocess.run(collect, cwd=ROOT, env=env, check=True)  # as the Dockerfile does
    env["CELERY_BROKER_URL"] = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
    env["CELERY_TASK_DEFAULT_QUEUE"] = "load-test"
    sessions = subprocess.run(
        [BIN / "python", "manage.py", "shell", "-c", SESSIONS], cwd=ROOT, env=env, check=True, capture_output=True,
        text=True,
    ).stdout.strip()  # fmt: skip
    worker = subprocess.Popen(
        [BIN / "celery", "-A", "config", "worker", "-B", "-Q", "load-test", "--concurrency", "1", "-l", "warning",
         "-s", Path(tempfile.gettempdir()) / f"load-beat-{port}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    server = subprocess.Popen(
        [BIN / "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "3", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        with tempfile.TemporaryDirectory() as directory:
            prefix = Path(directory) / "load"
            subprocess.run(
                [BIN / "locust", "-f", ROOT / "bench" / "locustfile.py", "--headless", "-u", str(users),
                 "-r", str(users), "-t", f"{seconds}s", "--host", f"http://127.0.0.1:{port}", "--csv", prefix,
                 "--only-summary", "--stop-timeout", "5"],
                cwd=ROOT, env={**os.environ, "TEILHABE_SESSIONS": sessions}, check=False, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=seconds + 60,
            )  # fmt: skip
            return report(Path(f"{prefix}_stats.csv"), seconds, users)
    finally:
        for process in (server, worker):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def report(path: Path, seconds: int, users: int) -> int:
    rows = list(csv.DictReader(path.open()))
    print(f"{users} users for {seconds} s against gunicorn (3 workers) on 127.0.0.1")
    print(f"{'page':32} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'req/s':>6}")
    errors = 0
    for row in rows:
        errors += int(row["Failure Count"]) if row["Name"] == "Aggregated" else 0
        print(f"{row['Name'][:32]:32} {row['Request Count']:>8} {row['Failure Count']:>6} {row['50%']:>7} "
              f"{row['95%']:>7} {row['99%']:>7} {float(row['Requests/s']):6.1f}")  # fmt: skip
    print(f"errors: {errors}")
    failures = path.with_name(path.name.replace("_stats.csv", "_failures.csv"))
    for row in csv.DictReader(failures.open()) if failures.exists() else []:
        print(f"  {row['Occurrences']}× {row['Method']} {row['Name']}: {row['Error']}")
    return 1 if errors else 0


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    sys.exit(main(*(args + [60, 20][len(args) :])))
