"""Start-up refuses bad configuration with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" * 60


def manage_check(**environment) -> subprocess.CompletedProcess:
    # DEBUG is set explicitly so a developer's .env (DEBUG=True) cannot relax the checks.
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "SECRET_KEY": GOOD_KEY,
        "DEBUG": "False",
        "AIDFLOW_IGNORE_DOTENV": "1",
    }
    env.update(environment)
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("environment", "variable"),
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"SECRET_KEY": None, "DEBUG": "False"}, "SECRET_KEY"),
        ({"SECRET_KEY": "too-short"}, "SECRET_KEY"),
        ({"DATABASE_URL": "mysql://user@host/db"}, "DATABASE_URL"),
        ({"ALLOWED_HOSTS": "a.example,,b.example"}, "ALLOWED_HOSTS"),
        ({"EMAIL_URL": "ftp://mail.example"}, "EMAIL_URL"),
        ({"SECURE_SSL_REDIRECT": "sometimes"}, "SECURE_SSL_REDIRECT"),
        ({"AXES_FAILURE_LIMIT": "five"}, "AXES_FAILURE_LIMIT"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"CACHE_URL": "memcached://127.0.0.1:11211"}, "CACHE_URL"),
        ({"AIDFLOW_PUBLIC_URL": "aidflow.gov.cn"}, "AIDFLOW_PUBLIC_URL"),
    ],
)
def test_bad_value_stops_startup_naming_the_variable(environment, variable):
    result = manage_check(**environment)
    assert result.returncode != 0
    assert f"The environment variable {variable}" in result.stderr


def test_good_configuration_starts():
    result = manage_check(
        DEBUG="False",
        ALLOWED_HOSTS="aidflow.example.gov.cn",
        EMAIL_URL="smtp+tls://u:p@mail:587",
        CACHE_URL="redis://127.0.0.1:6379/1",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_postgresql_connections_run_without_jit_unless_the_url_says_otherwise(monkeypatch):
    from aidflow.env import env_database

    monkeypatch.setenv("AIDFLOW_TEST_DB", "postgres://aidflow@db.example:5432/aidflow")
    assert env_database("AIDFLOW_TEST_DB", ROOT / "unused.sqlite3")["OPTIONS"]["options"] == "-c jit=off"
    monkeypatch.setenv(
        "AIDFLOW_TEST_DB", "postgres://aidflow@db.example:5432/aidflow?sslmode=require&options=-c%20jit%3Don"
    )
    options = env_database("AIDFLOW_TEST_DB", ROOT / "unused.sqlite3")["OPTIONS"]
    assert options == {"sslmode": "require", "options": "-c jit=on"}


def test_an_sqlite_without_returning_is_refused_at_start():
    from django.core.exceptions import ImproperlyConfigured

    from aidflow.env import _sqlite_check

    _sqlite_check((3, 35, 0))
    with pytest.raises(ImproperlyConfigured, match=r"SQLite 3\.31\.1 is too old"):
        _sqlite_check((3, 31, 1))
