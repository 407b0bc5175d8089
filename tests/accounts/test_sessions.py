"""Sessions end on the server (issue 24, finding 10): a cookie saved before signing out no
longer works after it; "sign out on all other devices" ends the others at once; the account
page lists the browsers signed in."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from portal.accounts.models import User, UserSession
from portal.extensions import db
from portal.modeling import as_utc, utcnow
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD


def _cookie(client: FlaskClient) -> str:
    found = client.get_cookie("session")
    assert found is not None
    return found.value


def _sign_in(app: Flask, submit: Any, email: str) -> FlaskClient:
    browser = app.test_client()
    response = submit("/login", {"email": email, "password": PASSWORD}, on=browser,
                      headers={"User-Agent": "Phone browser 1.0"})
    assert response.status_code == 302
    return browser


def test_a_cookie_saved_before_signing_out_no_longer_works(app: Flask, submit: Any) -> None:
    """The issue's replay: copy the session cookie, sign out, send the copy."""
    UserFactory(email="saved@example.kz")
    browser = _sign_in(app, submit, "saved@example.kz")
    saved = _cookie(browser)
    assert browser.get("/account").status_code == 200
    submit("/account", {}, to="/logout", on=browser)
    thief = app.test_client()
    thief.set_cookie("session", saved)
    response = thief.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.scalar(select(UserSession.ended_at)) is not None


def test_signing_out_one_browser_leaves_the_others_signed_in(app: Flask, submit: Any) -> None:
    UserFactory(email="two@example.kz")
    phone = _sign_in(app, submit, "two@example.kz")
    laptop = _sign_in(app, submit, "two@example.kz")
    submit("/account", {}, to="/logout", on=phone)
    assert phone.get("/account").status_code == 302
    assert laptop.get("/account").status_code == 200


def test_sign_out_on_all_other_devices(app: Flask, submit: Any) -> None:
    user = UserFactory(email="many@example.kz")
    phone = _sign_in(app, submit, "many@example.kz")
    laptop = _sign_in(app, submit, "many@example.kz")
    stolen = _cookie(phone)
    page = laptop.get("/account").get_data(as_text=True)
    assert page.count("Phone browser 1.0") == 2 and "this browser" in page
    response = submit("/account", {}, to="/account/sessions", prefix="sessions", on=laptop)
    assert response.status_code == 302
    assert laptop.get("/account").status_code == 200  # this browser stays
    assert phone.get("/account").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/account").status_code == 302
    db.session.expire_all()
    live = db.session.scalars(select(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None))).all()
    assert len(live) == 1


def test_a_password_change_ends_the_other_sessions(app: Flask, submit: Any) -> None:
    UserFactory(email="pw@example.kz")
    phone = _sign_in(app, submit, "pw@example.kz")
    laptop = _sign_in(app, submit, "pw@example.kz")
    response = submit("/account", {"password-current_password": PASSWORD,
                                   "password-new_password": "several other unrelated words"},
                      to="/account/password", prefix="password", on=laptop)
    assert response.status_code == 302
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302


def test_a_session_ends_after_its_maximum_age(client: FlaskClient, login: Any) -> None:
    user = login(UserFactory())
    assert client.get("/account").status_code == 200
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert row is not None
    row.created_at = utcnow() - timedelta(days=31)
    db.session.commit()
    assert client.get("/account").status_code == 302
    db.session.expire_all()
    assert db.session.get(UserSession, row.id).ended_at is not None  # type: ignore[union-attr]


def test_the_time_last_seen_is_written_even_after_a_writers_conflict(
        client: FlaskClient, login: Any) -> None:
    """The loader committed it itself: on SQLite, a read and then a write meet another
    process's commit ("database is locked"), and the page was a 500. Now it is written after
    the view, and tried again."""
    user = login(UserFactory())
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert row is not None
    row.last_seen_at = utcnow() - timedelta(minutes=10)
    db.session.commit()
    conflicts: list[str] = []

    def conflict(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("UPDATE user_session") and not conflicts:
            conflicts.append(statement)
            raise OperationalError(statement, {}, sqlite3.OperationalError("database is locked"))

    event.listen(db.engine, "before_cursor_execute", conflict)
    try:
        assert client.get("/account").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", conflict)
    assert conflicts
    db.session.expire_all()
    seen = db.session.get(UserSession, row.id).last_seen_at  # type: ignore[union-attr]
    assert utcnow() - as_utc(seen) < timedelta(minutes=1)  # type: ignore[operator]


def test_a_deactivated_account_is_signed_out_everywhere(app: Flask, client: FlaskClient,
                                                        login: Any, csrf: Any) -> None:
    user = UserFactory(email="gone@example.kz")
    browser = app.test_client()
    login(user, on=browser)
    assert browser.get("/account").status_code == 200
    login(UserFactory(admin=True))
    token = csrf("/login")
    client.post(f"/admin/users/{user.id}/deactivate", data={"csrf_token": token})
    assert browser.get("/account").status_code == 302
    assert db.session.get(User, user.id).is_active_account is False  # type: ignore[union-attr]
