"""Reading settings from the environment: every bad value stops start-up and names its variable."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"true", "1", "yes", "on"}
FALSE_WORDS = {"false", "0", "no", "off"}


def read_dotenv(path: Path) -> None:
    """Load KEY=VALUE lines from a .env file; variables already in the environment win."""
    if not path.is_file():
        return
    for number, raw_line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :]
        if "=" not in line:
            raise ImproperlyConfigured(f"{path}: line {number} is not KEY=VALUE: {raw_line!r}")
        key, value = line.split("=", 1)
        key, value = key.strip(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        os.environ.setdefault(key, value)


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"The environment variable {name} is required but not set.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"The environment variable {name} must be True or False, got {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"The environment variable {name} must be a whole number, got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"The environment variable {name} must be at least {minimum}, got {number}.")
    return number


def env_choice(name: str, default: str, choices: list[str]) -> str:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value not in choices:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be one of {', '.join(choices)}, got {value!r}."
        )
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(
            f"The environment variable {name} is a comma-separated list with an empty item: {value!r}."
        )
    return items


# Gap-free numbers and bulk inserts use INSERT ... RETURNING, which SQLite has from 3.35.
SQLITE_MINIMUM = (3, 35, 0)


def _sqlite_check(version: tuple[int, ...] | None = None) -> None:
    import sqlite3

    version = version or sqlite3.sqlite_version_info
    if tuple(version) < SQLITE_MINIMUM:
        raise ImproperlyConfigured(
            f"SQLite {'.'.join(map(str, version))} is too old: AidFlow needs SQLite "
            f"{'.'.join(map(str, SQLITE_MINIMUM))} or newer (set DATABASE_URL to a PostgreSQL server, or upgrade)."
        )


def env_database(name: str, default_sqlite_path: Path) -> dict:
    """Parse DATABASE_URL: sqlite:///path or postgres://user:pass@host:port/name."""
    import dj_database_url

    value = os.environ.get(name)
    if value is None or value.strip() == "":
        _sqlite_check()
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite_path),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    scheme = urlsplit(value).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"The environment variable {name} must start with sqlite:// or postgres://, got scheme {scheme!r}."
        )
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except Exception as error:  # dj_database_url raises several types for a malformed URL
        raise ImproperlyConfigured(f"The environment variable {name} is not a valid database URL: {error}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        _sqlite_check()
        config["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
        config["CONN_MAX_AGE"] = 0
    elif not config.get("NAME"):
        raise ImproperlyConfigured(f"The environment variable {name} names no database: {value!r}.")
    else:
        # No JIT compilation: AidFlow's queries are short, and PostgreSQL's cost-based JIT spent
        # ~20 ms compiling a 50 ms inbox count at a million applications. A URL's own ?options= wins.
        config.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    return config


def env_email(name: str) -> dict:
    """Parse EMAIL_URL: console://, smtp://user:pass@host:port, smtp+tls://..., smtp+ssl://..."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return {}
    parts = urlsplit(value)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parts.scheme not in {"smtp", "smtp+tls", "smtp+ssl"}:
        raise ImproperlyConfigured(
            f"The environment variable {name} must start with console://, smtp://, smtp+tls:// or smtp+ssl://, "
            f"got {parts.scheme!r}."
        )
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"The environment variable {name} has a bad port.") from None
    if not parts.hostname:
        raise ImproperlyConfigured(f"The environment variable {name} names no host.")
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or (465 if parts.scheme == "smtp+ssl" else 587 if parts.scheme == "smtp+tls" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
        "EMAIL_USE_SSL": parts.scheme == "smtp+ssl",
    }


def env_cache(name: str) -> dict:
    """CACHE_URL: unset for a per-process memory cache; redis://host:port/db for one shared by all processes."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    scheme = urlsplit(value).scheme
    if scheme not in {"redis", "rediss"}:
        raise ImproperlyConfigured(
            f"The environment variable {name} must start with redis:// or rediss://, got {scheme!r}."
        )
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": value}
