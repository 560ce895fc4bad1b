"""Configuration mistakes stop the app at startup with a message that names the variable."""

import os
import subprocess
import sys

from django.conf import settings

STARTUP = "import django; django.setup(); from django.db import connection; connection.ensure_connection()"


def start_django(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", STARTUP],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_mode_without_a_secret_key_refuses_to_start():
    result = start_django(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_malformed_database_url_names_the_variable():
    result = start_django(DEBUG="false", SECRET_KEY="x" * 60, DATABASE_URL="postgres//no-scheme-separator")
    assert result.returncode != 0
    assert "DATABASE_URL is not a usable database URL" in result.stderr


def test_a_database_url_without_a_database_name_names_the_variable():
    result = start_django(SECRET_KEY="x" * 60, DATABASE_URL="postgres://user@127.0.0.1:5432/")
    assert result.returncode != 0
    assert "DATABASE_URL is not a usable database URL: it names no database" in result.stderr


def test_a_bad_boolean_names_the_variable():
    result = start_django(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_the_embedded_default_starts_without_any_configuration(tmp_path):
    result = start_django(DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "teilhabe.sqlite3").exists()
