"""When a request fails in the database, the reader still gets the portal's page, never the
server's bare "Internal Server Error"; and on SQLite a form post is not refused because
another process wrote first."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import OperationalError

from portal.accounts.models import User
from portal.extensions import configure_sqlite, db
from tests.factories.accounts import UserFactory


def test_a_busy_database_answers_a_page_that_says_to_try_again(make_app: Any) -> None:
    app: Flask = make_app()

    @app.get("/_test/busy")
    def busy() -> str:
        raise OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked"))

    response = app.test_client().get("/_test/busy")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "temporarily unavailable" in response.get_data(as_text=True)


def test_a_failed_transaction_still_gets_the_portal_error_page(make_app: Any,
                                                              login: Any) -> None:
    """The error page loads the signed-in user: on the failed session that load failed again
    and gunicorn answered its own bare 500 (seen in the cluster's crash drill)."""
    app: Flask = make_app()
    user = UserFactory()
    db.session.flush()

    @app.get("/_test/broken")
    def broken() -> str:
        db.session.add(User(email=user.email, password_hash="x"))  # the same email twice
        db.session.flush()
        return "unreachable"

    client = app.test_client()
    login(user, client)
    response = client.get("/_test/broken")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong on our side" in page and "<nav" in page


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Any:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'race.db'}")
    configure_sqlite(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE note (body TEXT)"))
    yield engine
    engine.dispose()


def _overtaken(engine: sa.Engine, app: Flask, method: str) -> list[str]:
    """A request reads, another process commits a write, the request then writes."""
    with app.test_request_context(method=method), engine.connect() as request_connection:
        request_connection.begin()
        request_connection.execute(sa.text("SELECT count(*) FROM note")).scalar()

        def other_process() -> None:
            with engine.begin() as other:
                other.execute(sa.text("INSERT INTO note VALUES ('other')"))

        other = threading.Thread(target=other_process)
        other.start()
        other.join(timeout=0.5)  # a form post holds the write lock: the other one waits
        request_connection.execute(sa.text("INSERT INTO note VALUES ('request')"))
        request_connection.commit()
        other.join(timeout=30)
    with engine.connect() as connection:
        return sorted(connection.execute(sa.text("SELECT body FROM note")).scalars())


def test_a_form_post_on_sqlite_writes_after_another_process_wrote(sqlite_file: sa.Engine,
                                                                 app: Flask) -> None:
    assert _overtaken(sqlite_file, app, "POST") == ["other", "request"]


def test_without_the_write_lock_the_same_race_is_refused(sqlite_file: sa.Engine,
                                                         app: Flask) -> None:
    """What a form post would meet without BEGIN IMMEDIATE (a page's GET does not write)."""
    with pytest.raises(OperationalError, match="database is locked"):
        _overtaken(sqlite_file, app, "GET")
