"""Configuration in layers: defaults here, then instance/config.py, then environment variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ENVIRONMENTS = ("development", "production", "testing")


class ConfigError(RuntimeError):
    """The configuration cannot start the portal safely."""


def defaults(instance_path: Path) -> dict[str, Any]:
    """The embedded defaults: everything runs from `instance/` with no other service."""
    return {
        "PORTAL_ENV": "development",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance_path / 'portal.db'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "REDIS_URL": None,
        "CACHE_TYPE": "SimpleCache",
        "CACHE_DEFAULT_TIMEOUT": 300,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # A moving window counts the requests of the last period exactly; the default fixed window
        # lets a burst straddling a minute boundary through twice (and made tests flaky).
        "RATELIMIT_STRATEGY": "moving-window",
        # Two factors for akims, moderators, staff and administrators: forced on in
        # production; off in development so the demo accounts sign in with a password alone.
        "TWO_FACTOR_REQUIRED": False,
        # A signed-in browser's session ends on the server after this many days.
        "SESSION_MAX_AGE_DAYS": 30,
        "RATELIMIT_LOGIN": "10 per minute;50 per hour",
        # Per account and address, never per account alone (portal.accounts.throttle).
        "RATELIMIT_LOGIN_ACCOUNT": "5 per minute;30 per hour",
        "RATELIMIT_REGISTER": "5 per hour",
        "RATELIMIT_VOTE": "30 per minute;300 per hour",
        "RATELIMIT_API": "300 per minute;5000 per hour",  # per address, all of /api/v1
        "HUEY_SQLITE_PATH": str(instance_path / "jobs.db"),
        "JOBS_IMMEDIATE": False,
        # Where files live (portal.storage): None is the instance folder itself (uploads/ and
        # exports/ inside it); file:///path another folder; s3://bucket/prefix?endpoint=… .
        "STORAGE_URL": None,
        # How many machines run web or job processes; with more than one, production refuses
        # storage that is not shared (see docs/deployment.md).
        "PORTAL_MACHINES": 1,
        "OUTBOX_FOLDER": str(instance_path / "outbox"),
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
        "MAX_UPLOAD_BYTES": 10 * 1024 * 1024,
        # A budget file larger than this is imported by the job worker, with a progress page
        # (portal.budgets.queued); smaller ones within the request.
        "BUDGET_IMPORT_INLINE_BYTES": 1_000_000,
        # A queued import still running this long lost its worker and is marked stopped.
        "BUDGET_IMPORT_STALL_MINUTES": 30,
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "BABEL_DEFAULT_LOCALE": "kk",
        # Messages outside a request (CLI output, service errors in jobs); None: the default.
        "OFFLINE_LOCALE": None,
        "BABEL_DEFAULT_TIMEZONE": "Asia/Almaty",
        "LANGUAGES": ("kk", "ru", "en"),
        "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
        "MAIL_SERVER": None,
        "MAIL_PORT": 587,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_USE_TLS": True,
        "MAIL_SENDER": "noreply@akim-portal.kz",
        # The envelope sender (Return-Path): where bounces and complaints come back, read by
        # `flask notifications intake` (docs/notifications.md). None: MAIL_SENDER.
        "MAIL_RETURN_PATH": None,
        "PER_PAGE": 50,
        "PASSWORD_HASH_PARAMS": {"time_cost": 3, "memory_cost": 65536, "parallelism": 2},
    }


TESTING_OVERRIDES: dict[str, Any] = {
    "TESTING": True,
    "JOBS_IMMEDIATE": True,
    # Tests read English, as the test client asks for it; language tests ask for kk/ru.
    "OFFLINE_LOCALE": "en",
    "WTF_CSRF_ENABLED": True,
    "CACHE_TYPE": "NullCache",
    "CACHE_NO_NULL_WARNING": True,
    # /healthz answers each request afresh (production reuses a result for 2 s).
    "HEALTH_REUSE_SECONDS": 0,
    # Cheap hashes keep the suite fast; production parameters are tested separately.
    "PASSWORD_HASH_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
}

ENV_VARIABLES = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "IIN_HMAC_KEY", "AUDIT_HMAC_KEY",
                 "PORTAL_ENV", "PUBLIC_BASE_URL", "TRUSTED_PROXIES", "STORAGE_URL",
                 "PORTAL_MACHINES",
                 "MAIL_SERVER", "MAIL_PORT", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_SENDER",
                 "MAIL_RETURN_PATH")


def from_environment(environ: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    """Read the documented environment variables into config keys."""
    values: dict[str, Any] = {}
    for name in ENV_VARIABLES:
        raw = environ.get(name)
        if raw in (None, ""):
            continue
        if name == "DATABASE_URL":
            values["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(raw)
        elif name in ("MAIL_PORT", "TRUSTED_PROXIES", "PORTAL_MACHINES"):
            values[name] = int(raw)
        else:
            values[name] = raw
    return values


def normalise_database_url(url: str) -> str:
    """Accept the common `postgres://` spellings and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def finalise(config: dict[str, Any], instance_path: Path,
             explicit: dict[str, Any] | None = None) -> None:
    """Derive dependent settings and refuse unsafe production configurations.

    `explicit` is the config passed to `create_app`; it wins over the testing overrides.
    """
    env = config.get("PORTAL_ENV", "development")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"PORTAL_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    if env == "testing":
        for key, value in TESTING_OVERRIDES.items():
            if key not in (explicit or {}):
                config[key] = value
    if env == "production":
        for key in ("SECRET_KEY", "IIN_HMAC_KEY", "AUDIT_HMAC_KEY"):
            if not config.get(key) or len(str(config[key])) < 32:
                raise ConfigError(f"{key} (32+ characters) is required when PORTAL_ENV=production")
        # Akims, moderators, staff and administrators sign in with two factors; not optional.
        config["TWO_FACTOR_REQUIRED"] = True
        problems = production_problems(config)
        if problems:
            raise ConfigError("PORTAL_ENV=production refuses to start half-configured:\n"
                              + "\n".join(f"  - {problem}" for problem in problems))
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
        config["PREFERRED_URL_SCHEME"] = "https"
    else:
        # The IIN and audit keys are separate from the session key: rotating sessions must not
        # orphan every stored IIN hash, nor break every seal of the audit trail.
        for key, file_name in (("SECRET_KEY", "secret_key"), ("IIN_HMAC_KEY", "iin_hmac_key"),
                               ("AUDIT_HMAC_KEY", "audit_hmac_key")):
            if not config.get(key):
                config[key] = _development_secret(instance_path, file_name)
    redis_url = config.get("REDIS_URL")
    if redis_url:
        if config.get("CACHE_TYPE") == "SimpleCache":
            config["CACHE_TYPE"] = "RedisCache"
            config["CACHE_REDIS_URL"] = redis_url
            config.setdefault("CACHE_KEY_PREFIX", "portal:")
        if config.get("RATELIMIT_STORAGE_URI") == "memory://":
            config["RATELIMIT_STORAGE_URI"] = redis_url
    uri = str(config["SQLALCHEMY_DATABASE_URI"])
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if uri.startswith("postgresql"):
        options.setdefault("pool_pre_ping", True)
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options


LOOPBACK_HOSTS = ("localhost", "127.", "[::1]", "0.0.0.0")  # noqa: S104 - names, not binds


def production_problems(config: dict[str, Any]) -> list[str]:
    """What a production start lacks, each naming its variable (docs/deployment.md)."""
    problems = []
    if not config.get("REDIS_URL"):
        problems.append("REDIS_URL is not set: rate limits, the page cache and the job queue "
                        "must be shared by every process (without it each worker counts "
                        "failed logins on its own)")
    base_url = str(config.get("PUBLIC_BASE_URL") or "")
    host = urlsplit(base_url).netloc.lower()
    if not base_url or not host or host.startswith(LOOPBACK_HOSTS):
        problems.append("PUBLIC_BASE_URL is not set to the public address (e.g. "
                        "https://akim-portal.kz): links in mail and PDFs would point at "
                        f"{base_url or 'nothing'}")
    if not config.get("MAIL_SERVER"):
        problems.append("MAIL_SERVER is not set: mail (password resets with live links) "
                        "would be written to files in the instance folder instead of sent")
    problem = _storage_problem(config.get("STORAGE_URL"), int(config.get("PORTAL_MACHINES") or 1))
    if problem:
        problems.append(problem)
    return problems


def _storage_problem(url: str | None, machines: int) -> str | None:
    """The store STORAGE_URL names, read by the storage's own parser (portal.storage): a URL
    it cannot use is named at start, not at the first upload; one machine's folder is refused
    when several machines serve."""
    from portal.storage import StorageError, from_url

    try:
        store = from_url(url, Path("instance"))  # builds no connection
    except StorageError as error:
        return str(error)  # each names STORAGE_URL and what it expects
    if machines > 1 and not store.shared:
        return (f"STORAGE_URL is {url or 'unset (the instance folder)'} but "
                f"PORTAL_MACHINES={machines}: files written on one machine would be "
                "missing on the others; use s3://… or a shared folder "
                "(file:///mount?shared=1)")
    return None


def _development_secret(instance_path: Path, file_name: str) -> str:
    """A random key generated once into instance/ so it survives restarts in development."""
    key_file = instance_path / file_name
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key
