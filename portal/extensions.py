"""Flask extensions, created unbound here and initialised in `create_app`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import JSON, MetaData, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSON on SQLite, JSONB on PostgreSQL.
JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# Models subclass `Model`: Flask-SQLAlchemy's `db.Model` at run time, typed as `Base` for mypy.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
cache = Cache()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def redis_client() -> Any:
    """The app's one Redis client (a connection pool), or None when REDIS_URL is unset: the
    page cache's data version and the worker heartbeat share it."""
    from flask import current_app

    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = current_app.extensions.get("portal_redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(url)
        current_app.extensions["portal_redis"] = client
    return client


def configure_sqlite(engine: Engine) -> None:
    """Make SQLite behave like a server database: foreign keys, WAL, waits, real savepoints.

    pysqlite starts transactions lazily and so breaks SAVEPOINT; SQLAlchemy's documented fix
    is to switch the driver's own handling off and emit BEGIN ourselves.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _writing_request() else "BEGIN")


@contextmanager
def foreign_keys_held_back(connection: Connection) -> Iterator[None]:
    """Run a schema change on SQLite with foreign keys checked once, at the end.

    Alembic's batch mode changes a SQLite table by copying it and dropping the old one, and
    with foreign keys on, SQLite's DROP TABLE first deletes every row: `ON DELETE CASCADE`
    children would go with it, silently. So enforcement is off while migrations run (the
    pragma only takes effect outside a transaction, hence on the driver connection before
    the first statement), `PRAGMA foreign_key_check` must find no broken reference before
    the transaction commits, and enforcement is back on before the connection returns to
    the pool. Other databases are left alone: their ALTER TABLE changes a table in place.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    raw: Any = connection.connection.driver_connection
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def broken_references(connection: Connection) -> list[str]:
    """SQLite's `foreign_key_check`, one line per row whose reference points nowhere."""
    if connection.dialect.name != "sqlite":
        return []
    rows = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    return [f"{table} row {rowid} → {parent}" for table, rowid, parent, _ in rows]


def _writing_request() -> bool:
    """A form post's first transaction takes SQLite's write lock when it begins (waiting up
    to busy_timeout for it). A deferred transaction that has read cannot start writing once
    another process has committed since ("database is locked" at once, whatever the timeout),
    and the views commit their writes directly; jobs use `commit_with_retry` instead. Only
    the first: what a view reads after its commit must not hold the lock until teardown."""
    from flask import has_request_context, request

    if not has_request_context() or request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    first = "portal.write_lock_taken" not in request.environ
    request.environ["portal.write_lock_taken"] = True
    return first
