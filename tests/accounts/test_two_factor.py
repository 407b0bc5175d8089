"""Two factors for those with power (issue 24, finding 7): akims, moderators, staff and
administrators sign in with a password and a TOTP code wherever TWO_FACTOR_REQUIRED is on,
which production forces; residents may choose it; recovery codes work once; in development
the demo accounts sign in with their password alone (SPEC.md)."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyotp
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import OperationalError

from portal.accounts import two_factor
from portal.accounts.models import Role, User
from portal.extensions import db
from tests.conftest import csrf_from, production_settings
from tests.factories import TermFactory, UserFactory
from tests.factories.accounts import PASSWORD

KEY = re.compile(r"<code class=\"code\">([A-Z2-7]{16,})</code>")
CODES = re.compile(r"<li>([0-9a-f]{6}-[0-9a-f]{6})</li>")


def _post(browser: FlaskClient, url: str, data: dict[str, str], **kwargs: Any) -> Any:
    token = csrf_from(browser.get(url, **kwargs).get_data(as_text=True))
    return browser.post(url, data={**data, "csrf_token": token}, **kwargs)


def _password(browser: FlaskClient, email: str, **kwargs: Any) -> Any:
    return _post(browser, "/login", {"email": email, "password": PASSWORD}, **kwargs)


def _signed_in(browser: FlaskClient, **kwargs: Any) -> bool:
    return browser.get("/account", **kwargs).status_code == 200


def _code(secret: str, offset: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + offset)


def test_production_requires_two_factors_of_officials_from_start_up(
        make_app: Any, redis_url: str) -> None:
    """The production start-up path: no setting turns it off, and a password alone does not
    sign an administrator in."""
    production = make_app(**production_settings(redis_url, TWO_FACTOR_REQUIRED=False))
    assert production.config["TWO_FACTOR_REQUIRED"] is True
    UserFactory(email="chief@example.kz", roles=(Role.ADMIN,))
    browser = production.test_client()
    https: dict[str, Any] = {"base_url": "https://localhost",
                             "headers": {"Referer": "https://localhost/login"}}
    response = _password(browser, "chief@example.kz", **https)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/code")
    assert not _signed_in(browser, **https)
    page = browser.get("/login/code", **https).get_data(as_text=True)
    assert "authenticator app" in page and KEY.search(page)
    # A resident is not asked for a second factor, even in production.
    UserFactory(email="resident@example.kz")
    resident = production.test_client()
    assert _password(resident, "resident@example.kz", **https).headers["Location"] == "/"
    assert _signed_in(resident, **https)


def test_in_development_the_demo_accounts_sign_in_with_a_password(make_app: Any) -> None:
    development = make_app(PORTAL_ENV="development", WTF_CSRF_ENABLED=True)
    assert development.config["TWO_FACTOR_REQUIRED"] is False
    UserFactory(email="admin-dev@example.kz", roles=(Role.ADMIN,))
    browser = development.test_client()
    assert _password(browser, "admin-dev@example.kz").headers["Location"] == "/"
    assert _signed_in(browser)


def _required_app(make_app: Any) -> Flask:
    app: Flask = make_app(TWO_FACTOR_REQUIRED=True)
    return app


def _enrol(app: Flask, email: str) -> tuple[str, list[str]]:
    browser = app.test_client()
    _password(browser, email)
    page = browser.get("/login/code").get_data(as_text=True)
    secret = KEY.search(page).group(1)  # type: ignore[union-attr]
    wrong = _post(browser, "/login/code", {"code": "000000" if _code(secret) != "000000"
                                           else "111111"})
    assert wrong.status_code == 400 and "does not match" in wrong.get_data(as_text=True)
    assert not _signed_in(browser)
    done = _post(browser, "/login/code", {"code": _code(secret)})
    assert done.status_code == 200
    codes = CODES.findall(done.get_data(as_text=True))
    assert len(codes) == 10
    assert _signed_in(browser)
    return secret, codes


def test_an_official_sets_up_two_factors_then_needs_a_code(make_app: Any) -> None:
    app = _required_app(make_app)
    user = UserFactory(email="mod@example.kz", roles=(Role.MODERATOR,))
    secret, _codes = _enrol(app, "mod@example.kz")
    db.session.expire_all()
    assert two_factor.is_enabled(db.session.get(User, user.id))  # type: ignore[arg-type]
    browser = app.test_client()
    _password(browser, "mod@example.kz")
    assert not _signed_in(browser)
    # The code just used to set up is not accepted again (replay).
    used = _post(browser, "/login/code", {"code": _code(secret)})
    assert used.status_code == 400
    assert _post(browser, "/login/code", {"code": _code(secret, 30)}).status_code == 302
    assert _signed_in(browser)


def test_a_recovery_code_works_once(make_app: Any) -> None:
    app = _required_app(make_app)
    UserFactory(email="akim-x@example.kz", roles=(Role.AKIM,))
    _secret, codes = _enrol(app, "akim-x@example.kz")
    first = app.test_client()
    _password(first, "akim-x@example.kz")
    assert _post(first, "/login/code", {"code": codes[0].upper()}).status_code == 302
    assert _signed_in(first)
    again = app.test_client()
    _password(again, "akim-x@example.kz")
    assert _post(again, "/login/code", {"code": codes[0]}).status_code == 400
    assert not _signed_in(again)


def test_the_code_step_gives_up_after_a_few_wrong_codes(make_app: Any) -> None:
    app = _required_app(make_app)
    UserFactory(email="staff-x@example.kz", roles=(Role.STAFF,))
    secret, _codes = _enrol(app, "staff-x@example.kz")
    browser = app.test_client()
    _password(browser, "staff-x@example.kz")
    for _ in range(5):
        _post(browser, "/login/code", {"code": "12345"})
    response = browser.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert not _signed_in(browser)


def test_a_copy_of_the_cookie_buys_no_more_tries(make_app: Any) -> None:
    """The tries were counted in the session cookie: sending the copy kept after the password
    step again gave five fresh guesses each time."""
    app = _required_app(make_app)
    UserFactory(email="copy@example.kz", roles=(Role.STAFF,))
    secret, _codes = _enrol(app, "copy@example.kz")
    browser = app.test_client()
    _password(browser, "copy@example.kz")
    token = csrf_from(browser.get("/login/code").get_data(as_text=True))
    kept = browser.get_cookie("session").value  # type: ignore[union-attr]
    for _ in range(5):
        browser.set_cookie("session", kept)
        assert browser.post("/login/code", data={"code": "12345", "csrf_token": token}
                            ).status_code == 400
    browser.set_cookie("session", kept)
    response = browser.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    browser.set_cookie("session", kept)
    browser.post("/login/code", data={"code": _code(secret, 30), "csrf_token": token})
    assert not _signed_in(browser)


def test_wrong_codes_slow_the_account_down_like_wrong_passwords(make_app: Any) -> None:
    """Whoever has the password and guesses codes from many addresses meets the account's
    slow-down (RATELIMIT_LOGIN_ACCOUNT_SLOW), not only each pending sign-in's five tries."""
    app: Flask = make_app(TWO_FACTOR_REQUIRED=True, RATELIMIT_LOGIN_ACCOUNT_SLOW="3 per hour")
    UserFactory(email="guessed@example.kz", roles=(Role.MODERATOR,))
    secret, _codes = _enrol(app, "guessed@example.kz")  # one wrong code on the way
    addresses = ["203.0.113.40", "203.0.113.41"]
    for address in addresses:
        guesser = app.test_client()
        _password(guesser, "guessed@example.kz", environ_base={"REMOTE_ADDR": address})
        wrong = _post(guesser, "/login/code", {"code": "12345"},
                      environ_base={"REMOTE_ADDR": address})
        assert wrong.status_code == 400
    # The address that failed waits, at the code step as at the password step.
    slowed = _post(guesser, "/login/code", {"code": _code(secret, 30)},
                   environ_base={"REMOTE_ADDR": addresses[1]})
    assert slowed.status_code == 429 and slowed.headers.get("Retry-After")
    assert not _signed_in(guesser, environ_base={"REMOTE_ADDR": addresses[1]})
    again = _password(app.test_client(), "guessed@example.kz",
                      environ_base={"REMOTE_ADDR": addresses[0]})
    assert again.status_code == 429
    # The official, from an address that has not failed, still signs in.
    own = app.test_client()
    _password(own, "guessed@example.kz", environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert _post(own, "/login/code", {"code": _code(secret, 30)},
                 environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 302


def test_an_akim_who_sets_up_two_factors_goes_on_to_their_dashboard(make_app: Any) -> None:
    app = _required_app(make_app)
    UserFactory.akim_for(TermFactory(), email="first-time@example.kz")
    browser = app.test_client()
    _password(browser, "first-time@example.kz")
    secret = KEY.search(browser.get("/login/code").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    done = _post(browser, "/login/code", {"code": _code(secret)})
    assert done.status_code == 200
    onwards = re.search(r'href="([^"]*)">I have kept them', done.get_data(as_text=True))
    assert onwards and onwards.group(1) == "/akim/dashboard"


@contextmanager
def _one_writers_conflict(table: str) -> Iterator[list[str]]:
    """The first INSERT into `table` fails as SQLite fails when another process has written
    since this transaction read ("database is locked")."""
    conflicts: list[str] = []

    def conflict(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith(f"INSERT INTO {table}") and not conflicts:
            conflicts.append(statement)
            raise OperationalError(statement, {}, sqlite3.OperationalError("database is locked"))

    sa.event.listen(db.engine, "before_cursor_execute", conflict)
    try:
        yield conflicts
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", conflict)


def test_a_writers_conflict_at_either_step_is_tried_again(make_app: Any) -> None:
    """The password's sign-in was retried on a writer's conflict, the code's was not: an
    official's sign-in on the two machines' SQLite file could end in a 500."""
    app = _required_app(make_app)
    UserFactory(email="busy@example.kz", roles=(Role.STAFF,))
    secret, _codes = _enrol(app, "busy@example.kz")
    browser = app.test_client()
    _password(browser, "busy@example.kz")
    with _one_writers_conflict("user_session") as conflicts:
        response = _post(browser, "/login/code", {"code": _code(secret, 30)})
    assert conflicts and response.status_code == 302
    assert _signed_in(browser)
    resident = app.test_client()
    UserFactory(email="busy-resident@example.kz")
    with _one_writers_conflict("user_session") as conflicts:
        assert _password(resident, "busy-resident@example.kz").status_code == 302
    assert conflicts and _signed_in(resident)


def test_without_the_password_step_there_is_no_code_step(client: FlaskClient) -> None:
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")


def test_a_resident_may_turn_two_factors_on_and_off(app: Flask, client: FlaskClient,
                                                    login: Any) -> None:
    user = login(UserFactory(email="careful@example.kz"))
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = KEY.search(page).group(1)  # type: ignore[union-attr]
    assert client.get("/account/two-factor").get_data(as_text=True).count(secret) >= 1
    done = _post(client, "/account/two-factor", {"code": _code(secret)})
    assert done.status_code == 200 and len(CODES.findall(done.get_data(as_text=True))) == 10
    # From now on this resident's sign-in asks for a code, though nobody requires it.
    browser = app.test_client()
    assert _password(browser, "careful@example.kz").headers["Location"].endswith("/login/code")
    assert not _signed_in(browser)
    token = csrf_from(client.get("/account/two-factor").get_data(as_text=True))
    off = client.post("/account/two-factor/off", data={"off-csrf_token": token,
                                                        "off-code": _code(secret, 30)})
    assert off.status_code == 302
    db.session.expire_all()
    assert not two_factor.is_enabled(db.session.get(User, user.id))  # type: ignore[arg-type]


def test_guessing_a_code_on_the_account_page_is_limited(client: FlaskClient,
                                                       login: Any) -> None:
    """Renewing the recovery codes and turning two factors off each take a code: a session
    someone borrowed could guess six digits as fast as it could post them."""
    login(UserFactory(email="guarded@example.kz"))
    secret = KEY.search(client.get("/account/two-factor").get_data(as_text=True)
                        ).group(1)  # type: ignore[union-attr]
    assert _post(client, "/account/two-factor", {"code": _code(secret)}).status_code == 200
    statuses = []
    for _ in range(6):
        token = csrf_from(client.get("/account/two-factor").get_data(as_text=True))
        statuses.append(client.post("/account/two-factor/recovery-codes",
                                    data={"csrf_token": token, "code": "12345"}).status_code)
    assert statuses[:5] == [400] * 5 and statuses[5] == 429
    token = csrf_from(client.get("/account/two-factor").get_data(as_text=True))
    off = [client.post("/account/two-factor/off", data={"off-csrf_token": token,
                                                        "off-code": "12345"}).status_code
           for _ in range(6)]
    assert off[:5] == [400] * 5 and off[5] == 429


def test_an_official_who_must_cannot_turn_two_factors_off(make_app: Any) -> None:
    app = _required_app(make_app)
    UserFactory(email="adm@example.kz", roles=(Role.ADMIN,))
    secret, _codes = _enrol(app, "adm@example.kz")
    browser = app.test_client()
    _password(browser, "adm@example.kz")
    _post(browser, "/login/code", {"code": _code(secret, 30)})
    page = browser.get("/account/two-factor").get_data(as_text=True)
    assert "Turn two factors off" not in page and "recovery codes left" in page
    token = csrf_from(page)
    browser.post("/account/two-factor/off", data={"off-csrf_token": token,
                                                  "off-code": _code(secret, 60)})
    db.session.expire_all()
    admin = db.session.scalar(sa.select(User).where(User.email == "adm@example.kz"))
    assert two_factor.is_enabled(admin)  # type: ignore[arg-type]
