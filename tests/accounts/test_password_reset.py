"""Password reset by emailed token: one answer for every address, single use, expiry."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts.models import AccountToken, TokenPurpose, User
from portal.accounts.tokens import digest
from portal.extensions import db
from portal.modeling import utcnow
from tests.accounts.conftest import Outbox, body, link_path
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

NEW_PASSWORD = "apricot orchard at dawn"


def _visible(html: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*>', "", html)


def _ask(submit: Any, email: str) -> Any:
    return submit("/password/forgot", {"email": email})


def test_known_and_unknown_addresses_get_the_same_answer(
    client: FlaskClient, submit: Any, outbox: Outbox
) -> None:
    UserFactory(email="known@example.kz")
    UserFactory(email="gone@example.kz", deactivated=True)
    answers = [_ask(submit, email) for email in
               ("known@example.kz", "unknown@example.kz", "gone@example.kz")]
    assert {a.status_code for a in answers} == {302}
    assert {a.headers["Location"] for a in answers} == {"/check-email?reason=reset"}
    page = client.get("/check-email?reason=reset").get_data(as_text=True)
    assert "If it has an account" in page
    # One email to each address typed; only a real account's owner gets a link.
    assert "/password/reset/" in body(outbox.last("known@example.kz"))
    for address in ("unknown@example.kz", "gone@example.kz"):
        assert len(outbox.to(address)) == 1
        assert "/password/reset/" not in body(outbox.last(address))


def test_reset_changes_the_password_once_and_ends_sessions(
    client: FlaskClient, app: Any, submit: Any, outbox: Outbox, login: Any
) -> None:
    user = UserFactory(email="reset@example.kz")
    elsewhere = app.test_client()
    login(user, on=elsewhere)
    assert elsewhere.get("/account").status_code == 200

    _ask(submit, "reset@example.kz")
    path = link_path(outbox.last("reset@example.kz"), "/password/reset/")
    token = path.rsplit("/", 1)[1]
    assert client.get(path).headers["Location"].endswith("/password/reset")
    form = client.get("/password/reset")
    assert "Choose a new password" in form.get_data(as_text=True)
    done = submit("/password/reset", {"password": NEW_PASSWORD})
    assert done.headers["Location"].endswith("/login")

    assert submit("/login", {"email": "reset@example.kz", "password": PASSWORD}
                  ).status_code == 200
    assert submit("/login", {"email": "reset@example.kz", "password": NEW_PASSWORD}
                  ).status_code == 302
    assert elsewhere.get("/account").status_code == 302  # the other session has ended

    # The database keeps only a hash, now marked used; the link does not work again.
    row = db.session.scalar(select(AccountToken).where(AccountToken.user_id == user.id))
    assert row is not None and row.token_hash == digest(token) and row.used_at is not None
    client.get(path)
    assert client.get("/password/reset").status_code == 400


def test_expired_reset_link_is_refused(client: FlaskClient, submit: Any, outbox: Outbox) -> None:
    UserFactory(email="late@example.kz")
    _ask(submit, "late@example.kz")
    for row in db.session.scalars(select(AccountToken)):
        row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    client.get(link_path(outbox.last("late@example.kz"), "/password/reset/"))
    response = client.get("/password/reset")
    assert response.status_code == 400
    assert "This link no longer works" in response.get_data(as_text=True)


def test_a_newer_link_replaces_the_older_one(client: FlaskClient, submit: Any,
                                             outbox: Outbox) -> None:
    UserFactory(email="twice@example.kz")
    _ask(submit, "twice@example.kz")
    first = link_path(outbox.last("twice@example.kz"), "/password/reset/")
    _ask(submit, "twice@example.kz")
    client.get(first)
    assert client.get("/password/reset").status_code == 400


def test_reset_tokens_last_an_hour() -> None:
    user = UserFactory()
    from portal.accounts import tokens

    tokens.issue(user, TokenPurpose.RESET_PASSWORD)
    row = db.session.scalar(select(AccountToken).where(AccountToken.user_id == user.id))
    assert row is not None
    lifetime = row.expires_at - row.created_at
    assert timedelta(minutes=59) < lifetime <= timedelta(hours=1)


def test_weak_new_password_is_explained(client: FlaskClient, submit: Any, outbox: Outbox) -> None:
    UserFactory(email="weak@example.kz")
    _ask(submit, "weak@example.kz")
    client.get(link_path(outbox.last("weak@example.kz"), "/password/reset/"))
    for password, message in (("short", "at least 10 characters"),
                              ("weak@example.kz!!", "Do not use your email address"),
                              ("qwertyuiop", "too easy to guess")):
        html = submit("/password/reset", {"password": password}).get_data(as_text=True)
        assert message in html


def test_a_reset_confirms_an_unconfirmed_address(client: FlaskClient, submit: Any,
                                                 outbox: Outbox) -> None:
    user = UserFactory(email="unconf@example.kz", unconfirmed=True)
    _ask(submit, "unconf@example.kz")
    client.get(link_path(outbox.last("unconf@example.kz"), "/password/reset/"))
    submit("/password/reset", {"password": NEW_PASSWORD})
    assert db.session.get(User, user.id).email_confirmed_at is not None


def test_reset_requests_are_rate_limited(submit: Any, outbox: Outbox) -> None:
    UserFactory(email="flood@example.kz")
    statuses = [_ask(submit, "flood@example.kz").status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert len(outbox.to("flood@example.kz")) == 3


def _ask_from(submit: Any, email: str, address: str, on: FlaskClient | None = None) -> int:
    return int(submit("/password/forgot", {"email": email}, on=on,
                      environ_overrides={"REMOTE_ADDR": address}).status_code)


def test_requests_from_others_never_stop_the_owners_reset(
        app: Flask, submit: Any, outbox: Outbox) -> None:
    """Keyed on the email alone, six requests a day from anyone blocked the akim's own reset."""
    UserFactory(email="akim@example.kz")
    strangers = [f"203.0.113.{n}" for n in range(7)]
    assert [_ask_from(submit, "akim@example.kz", a) for a in strangers] == [302] * 7
    owner = app.test_client()
    assert _ask_from(submit, "akim@example.kz", "198.51.100.5", on=owner) == 302
    assert len(outbox.to("akim@example.kz")) == 8


def test_an_address_asked_for_from_many_addresses_is_slowed_for_them_only(
        app: Flask, submit: Any, outbox: Outbox) -> None:
    UserFactory(email="busy@example.kz")
    botnet = [f"203.0.113.{n}" for n in range(10)]
    assert [_ask_from(submit, "busy@example.kz", a) for a in botnet] == [302] * 10
    # Past ten an hour from every address, an address that asked waits its turn ...
    refused = submit("/password/forgot", {"email": "busy@example.kz"},
                     environ_overrides={"REMOTE_ADDR": botnet[0]})
    assert refused.status_code == 429
    assert refused.headers.get("Retry-After")
    assert len(outbox.to("busy@example.kz")) == 10
    # ... while the owner, from an address that has not asked, always gets the mail,
    owner = app.test_client()
    assert _ask_from(submit, "busy@example.kz", "198.51.100.5", on=owner) == 302
    assert len(outbox.to("busy@example.kz")) == 11
    # and other addresses are not slowed by it.
    UserFactory(email="other@example.kz")
    assert _ask_from(submit, "other@example.kz", botnet[1]) == 302
