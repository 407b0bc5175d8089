"""The national databases `make bench` measures, built once and reused.

SQLite lives in bench/cache/sqlite/portal.db and PostgreSQL in the database `akim_bench` on the
local server. A marker next to each records how long the seed took and which version of the
seed code (portal/seed and migrations/) built it; a different version rebuilds it. Benchmarks
that write (the budget import, the recall evaluation) get a scratch copy, never the cache.
`make bench-clean` forgets both.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / "cache"
SEED_CODE = ("portal/seed", "migrations")
PG_SERVER = os.environ.get("BENCH_PG_SERVER",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PG_DATABASE = "akim_bench"
PG_REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
# Production refuses to start without Redis (docs/deployment.md), so the SQLite run has one too.
SQLITE_REDIS = os.environ.get("BENCH_SQLITE_REDIS_URL", "redis://127.0.0.1:6379/13")
# Anonymous GETs under load must not meet the per-address limits of the API (300 a minute) and
# of the dossier route (20 a minute): the bench raises them in its own instance config. No
# other limit applies to GETs (no default limits).
INSTANCE_CONFIG = ('RATELIMIT_API = "1000000 per minute"\n'
                   'RATELIMIT_DOSSIER = "1000000 per minute"\n')


@dataclass(frozen=True)
class Database:
    label: str  # "SQLite" or "PostgreSQL"
    url: str
    instance: Path  # PORTAL_INSTANCE_PATH: secret keys, data-version file, exports
    redis_url: str | None
    seed_seconds: float
    rebuilt: bool

    def env(self, production: bool = True) -> dict[str, str]:
        """The environment the app runs with: this database, and production settings with
        the keys the seed generated (so hashed IINs still match)."""
        env = {key: value for key, value in os.environ.items()
               if key not in ("DATABASE_URL", "REDIS_URL", "PORTAL_ENV")}
        env["PORTAL_INSTANCE_PATH"] = str(self.instance)
        env["DATABASE_URL"] = self.url
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        if production:
            env["PORTAL_ENV"] = "production"
            env["SECRET_KEY"] = (self.instance / "secret_key").read_text().strip()
            env["IIN_HMAC_KEY"] = (self.instance / "iin_hmac_key").read_text().strip()
            env["AUDIT_HMAC_KEY"] = (self.instance / "audit_hmac_key").read_text().strip()
            # The rest production insists on. Links are never followed and no mail is
            # measured here: nothing listens on port 9, so a mail would fail and be retried.
            env.setdefault("PUBLIC_BASE_URL", "https://akim-portal.example")
            env.setdefault("MAIL_SERVER", "127.0.0.1")
            env.setdefault("MAIL_PORT", "9")
        return env


def seed_code_version() -> str:
    """The last commit that touched the seed code, plus a digest of uncommitted edits."""
    commit = _git("log", "-1", "--format=%h", "--", *SEED_CODE) or "unknown"
    diff = _git("diff", "HEAD", "--", *SEED_CODE)
    return f"{commit}+{hashlib.sha256(diff.encode()).hexdigest()[:8]}" if diff else commit


def git_commit() -> str:
    commit = _git("rev-parse", "--short", "HEAD") or "uncommitted"
    return commit + ("-dirty" if _git("status", "--porcelain", "--untracked-files=no") else "")


def _git(*args: str) -> str:
    result = subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT)
    return result.stdout.strip() if result.returncode == 0 else ""


def flask(*args: str, env: dict[str, str]) -> None:
    subprocess.run([str(ROOT / ".venv" / "bin" / "flask"), "--app", "portal", *args],
                   check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)


def _read_marker(path: Path, version: str) -> float | None:
    if not path.exists():
        return None
    marker = json.loads(path.read_text())
    return float(marker["seconds"]) if marker.get("seed_code") == version else None


def _write_marker(path: Path, seconds: float, version: str) -> None:
    path.write_text(json.dumps({"seconds": seconds, "seed_code": version,
                                "built_at": datetime.now(UTC).isoformat(timespec="seconds")}))


def _prepare_instance(instance: Path) -> None:
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.py").write_text(INSTANCE_CONFIG)


def _seed(env: dict[str, str]) -> float:
    env = {**env, "PORTAL_ENV": "development"}
    flask("db", "upgrade", env=env)
    started = time.perf_counter()
    flask("seed", "--scale", "national", env=env)
    return time.perf_counter() - started


def sqlite_national() -> Database:
    instance = CACHE / "sqlite"
    _prepare_instance(instance)
    version = seed_code_version()
    marker = instance / "seed.json"
    path = instance / "portal.db"
    seconds = _read_marker(marker, version) if path.exists() else None
    database = Database("SQLite", f"sqlite:///{path}", instance, SQLITE_REDIS, seconds or 0.0,
                        seconds is None)
    if seconds is None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        print(f"Building the national seed on SQLite (seed code {version}) ...", flush=True)
        seconds = _seed(database.env(production=False))
        _write_marker(marker, seconds, version)
        database = Database("SQLite", database.url, instance, SQLITE_REDIS, seconds, True)
    return database


def _pg_url(name: str) -> str:
    return sa.engine.make_url(PG_SERVER).set(database=name).render_as_string(
        hide_password=False)


def _pg_admin(statement: str) -> None:
    engine = sa.create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(statement))
    finally:
        engine.dispose()


def _pg_exists(name: str) -> bool:
    engine = sa.create_engine(PG_SERVER)
    try:
        with engine.connect() as connection:
            return bool(connection.execute(sa.text(
                "SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first())
    finally:
        engine.dispose()


def postgres_national() -> Database:
    instance = CACHE / "postgres"
    _prepare_instance(instance)
    version = seed_code_version()
    marker = instance / "seed.json"
    seconds = _read_marker(marker, version) if _pg_exists(PG_DATABASE) else None
    database = Database("PostgreSQL", _pg_url(PG_DATABASE), instance, PG_REDIS,
                        seconds or 0.0, seconds is None)
    if seconds is None:
        print(f"Building the national seed on PostgreSQL (seed code {version}) ...", flush=True)
        _pg_admin(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        _pg_admin(f'CREATE DATABASE "{PG_DATABASE}"')
        seconds = _seed(database.env(production=False))
        _write_marker(marker, seconds, version)
        database = Database("PostgreSQL", database.url, instance, PG_REDIS, seconds, True)
    return database


@contextmanager
def scratch_copy(database: Database, directory: Path) -> Iterator[str]:
    """A throwaway copy of a cached national database; yields its URL."""
    if database.label == "SQLite":
        source = Path(database.url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{source}{suffix}").exists():
                shutil.copy(f"{source}{suffix}", directory / f"portal.db{suffix}")
        yield f"sqlite:///{directory / 'portal.db'}"
        return
    name = f"{PG_DATABASE}_scratch"
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{PG_DATABASE}"')
    try:
        yield _pg_url(name)
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def scratch_instance(database: Database, directory: Path) -> Path:
    """An instance folder of its own for a run that writes (exports, the job queue, the data
    version), with the cached database's keys and config."""
    instance = directory / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    for name in ("config.py", "secret_key", "iin_hmac_key"):
        if (database.instance / name).exists():
            shutil.copy(database.instance / name, instance / name)
    return instance


def forget() -> None:
    """`make bench-clean`: drop both cached national databases."""
    shutil.rmtree(CACHE, ignore_errors=True)
    if _pg_exists(PG_DATABASE):
        _pg_admin(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')


if __name__ == "__main__":
    forget()
