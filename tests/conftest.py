"""Test harness: the real migrations build one database per run; every test runs inside a
transaction that is rolled back, so tests never see each other's data.

Databases: SQLite by default; PostgreSQL when TEST_DATABASE_URL points at a server (a
throwaway database is created and dropped). In CI (CI=true) an unreachable PostgreSQL or
Redis is an error, never a skip.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession

from portal import create_app
from portal.accounts.sessions import sign_in_cookie
from portal.extensions import db, limiter, redis_client

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


# --------------------------------------------------------------------------- databases

def _create_postgres_database(server_url: str) -> tuple[str, sa.Engine]:
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"portal_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        message = f"PostgreSQL at {server_url} is unreachable: {error.orig}"
        if IN_CI:
            pytest.exit(message, returncode=3)
        pytest.skip(message, allow_module_level=True)
    url = sa.engine.make_url(server_url).set(database=name)
    return url.render_as_string(hide_password=False), admin


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    url, admin = _create_postgres_database(server_url)
    yield url
    name = sa.engine.make_url(url).database
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


# --------------------------------------------------------------------------- the app

class PortalClient(FlaskClient):
    """A test client that reads in English unless told otherwise, and that makes each
    request start fresh, as a new request in production would.

    Each test keeps one app context open and Flask reuses it for the client's requests, so
    request-scoped caches on `g` (Flask-Login's user, Flask-Babel's locale) and the session's
    identity map would outlive a request; they are cleared before each one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
        self.environ_base.setdefault("REMOTE_ADDR", "198.51.100.7")

    def open(self, *args: Any, **kwargs: Any) -> Any:
        db.session.expire_all()
        # Requests run inside the test's app context, so `g` would carry the signed-in user
        # (Flask-Login), the CSRF token and the locale from one request, and one client, to
        # the next. In production every request starts with an empty `g`.
        if has_app_context():
            for name in list(g):
                g.pop(name)
        return super().open(*args, **kwargs)


def test_config(database_url: str, instance_path: Path, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "PORTAL_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "IIN_HMAC_KEY": "test-iin-key-" + "y" * 32,
        "AUDIT_HMAC_KEY": "test-audit-key-" + "z" * 32,
        "STORAGE_URL": f"file://{instance_path}",
        "OUTBOX_FOLDER": str(instance_path / "outbox"),
        "HUEY_SQLITE_PATH": str(instance_path / "jobs.db"),
        "REDIS_URL": None,
    }
    config.update(overrides)
    return config


def production_settings(redis_url: str = "redis://127.0.0.1:6379/15",
                        **overrides: Any) -> dict[str, Any]:
    """What `PORTAL_ENV=production` insists on (docs/deployment.md), for tests of production
    behaviour. The Redis URL is only contacted if a test makes requests."""
    return {"PORTAL_ENV": "production", "REDIS_URL": redis_url,
            "PUBLIC_BASE_URL": "https://akim-portal.example", "MAIL_SERVER": "smtp.example.invalid",
            **overrides}


@pytest.fixture(scope="session")
def instance_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("instance")
    os.environ["PORTAL_INSTANCE_PATH"] = str(path)
    return path


@pytest.fixture(scope="session")
def app(database_url: str, instance_path: Path) -> Iterator[Flask]:
    app = create_app(test_config(database_url, instance_path))
    app.test_client_class = PortalClient
    with app.app_context():
        flask_migrate.upgrade()
        from portal.geo.reference import load_reference_map

        load_reference_map(actor="tests")
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def make_app(app: Flask, database_url: str, instance_path: Path) -> Any:
    """Build another app on the same database with some settings changed.

    Building an app points the job queue and the rate limiter's storage at it; the test app
    takes both back afterwards (a limiter left on another app's Redis would count, or fail,
    for every later test).
    """
    built: list[Flask] = []
    limiter_state = limiter._storage, limiter._limiter  # type: ignore[attr-defined]

    def build(**overrides: Any) -> Flask:
        other = create_app(test_config(database_url, instance_path, **overrides))
        other.test_client_class = PortalClient
        built.append(other)
        return other

    yield build
    from portal import jobs

    jobs.init_app(app)
    limiter._storage, limiter._limiter = limiter_state  # type: ignore[attr-defined]
    for other in built:
        with other.app_context():
            db.engine.dispose()


class _ConnectionSession(FlaskSession):
    """Flask-SQLAlchemy's session picks engines itself; in tests every statement must go
    through the one connection that holds the test's outer transaction."""

    def get_bind(self, *args: Any, **kwargs: Any) -> Any:
        return self.bind


@pytest.fixture(autouse=True)
def _isolated(request: pytest.FixtureRequest, app: Flask) -> Iterator[None]:
    """Each test inside a rolled-back transaction; the app's commits become savepoints.

    Tests marked `concurrency` commit for real from several connections; they clean up
    after themselves by deleting every row they added.
    """
    with app.app_context():
        limiter.reset()
        if request.node.get_closest_marker("concurrency"):
            yield
            _delete_test_rows()
            return
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session({
            "bind": connection, "join_transaction_mode": "create_savepoint",
            "class_": _ConnectionSession,
        })
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


REFERENCE_TABLES = frozenset({"region", "district", "alembic_version"})


def _delete_test_rows() -> None:
    db.session.remove()
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # As the tables' owner restoring a database would: the audit trail's append-only
            # trigger is for the application, not for the harness that wipes test data.
            connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES:
                connection.execute(table.delete())


@pytest.fixture
def no_heartbeats(app: Flask) -> Iterator[None]:
    """No job consumer has beaten (portal.heartbeat), before and after the test."""
    from portal import heartbeat

    heartbeat.forget_all()
    yield
    heartbeat.forget_all()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# --------------------------------------------------------------------------- helpers

@pytest.fixture
def login(client: FlaskClient) -> Any:
    """Sign a user in on the test client by putting them in its session."""

    def sign_in(user: Any, on: FlaskClient | None = None) -> Any:
        target = on or client
        with target.session_transaction() as session:
            sign_in_cookie(session, user)
        return user

    return sign_in


CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


@pytest.fixture
def csrf(client: FlaskClient) -> Any:
    """The CSRF token a form page hands out (default: the home page's sign-out form)."""

    def token(url: str = "/login", on: FlaskClient | None = None) -> str:
        target = on or client
        return csrf_from(target.get(url).get_data(as_text=True))

    return token


TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")


@pytest.fixture
def count_queries(app: Flask) -> Any:
    """`with count_queries() as queries:` … `len(queries)` is the number of SQL statements."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
                statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", before)

    return counting


def split_audit_writes(statements: list[str]) -> tuple[list[str], list[str]]:
    """A page's own statements, and those that record a view in the audit trail (a page
    showing personal data records who looked: the chain's lock, its head, the insert)."""
    recording = [q for q in statements if "pg_advisory_xact_lock" in q
                 or q.lstrip().startswith(("INSERT INTO audit_event",
                                           "SELECT audit_event.row_hash"))]
    return [q for q in statements if q not in recording], recording


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL")
    if not url:
        if IN_CI:
            pytest.fail("TEST_REDIS_URL is not set; in CI Redis tests must run")
        pytest.skip("TEST_REDIS_URL not set: Redis tests skipped locally")
    import redis

    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as error:
        if IN_CI:
            pytest.fail(f"Redis at {url} is unreachable: {error}")
        pytest.skip(f"Redis at {url} is unreachable: {error}")
    return url


@pytest.fixture(params=["files", pytest.param("redis", marks=pytest.mark.redis)])
def lease_store(request: pytest.FixtureRequest, app: Flask) -> Iterator[str]:
    """Leases (`portal.locks`) in the instance folder, then in Redis (TEST_REDIS_URL, made the
    app's REDIS_URL for the test); none left over before or after."""
    from portal import locks

    def forget() -> None:
        with app.app_context():
            client = redis_client()
        if client is not None:
            for key in client.scan_iter(match=locks.REDIS_PREFIX + "*", count=100):
                client.delete(key)
        for path in (Path(app.instance_path) / locks.FOLDER).glob("*.lease"):
            path.unlink(missing_ok=True)

    previous = app.config["REDIS_URL"]
    if request.param == "redis":
        app.config["REDIS_URL"] = request.getfixturevalue("redis_url")
    app.extensions.pop("portal_redis", None)
    forget()
    try:
        yield str(request.param)
    finally:
        forget()
        app.config["REDIS_URL"] = previous
        app.extensions.pop("portal_redis", None)


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto's S3 server on 127.0.0.1 for the whole run (tests/s3server.py)."""
    from tests.s3server import CREDENTIALS, s3_server

    for name, value in CREDENTIALS.items():
        os.environ.setdefault(name, value)
    with s3_server(tmp_path_factory.mktemp("s3") / "moto.log") as endpoint:
        yield endpoint


@pytest.fixture
def s3_url(s3_endpoint: str) -> str:
    """A STORAGE_URL naming a fresh bucket of the test S3 server."""
    from tests.s3server import create_bucket

    bucket = f"portal-test-{uuid.uuid4().hex[:12]}"
    create_bucket(s3_endpoint, bucket)
    return f"s3://{bucket}/files?endpoint={s3_endpoint}&path_style=1"
