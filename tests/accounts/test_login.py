"""Signing in and out: one message for every failure, a new session, throttling, POST logout."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.extensions import db, limiter
from tests.conftest import production_settings
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

REFUSED = "The email or password is not right."


def _visible(html: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*>', "", html)


def test_sign_in_rotates_the_session_and_records_it(client: FlaskClient, submit: Any) -> None:
    user = UserFactory(email="amina@example.kz")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before sign-in"
    response = submit("/login", {"email": "Amina@Example.kz ", "password": PASSWORD})
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{user.id}:1"
    assert db.session.get(type(user), user.id).last_login_at is not None


def test_the_next_parameter_only_stays_on_this_site(client: FlaskClient, submit: Any) -> None:
    UserFactory(email="n@example.kz")
    response = submit("/login?next=https://evil.example/", {"email": "n@example.kz",
                                                             "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout", data={"csrf_token": _token(client)})
    response = submit("/login?next=/account", {"email": "n@example.kz", "password": PASSWORD})
    assert response.headers["Location"] == "/account"


def _token(client: FlaskClient, page: str = "/") -> str:
    from tests.conftest import csrf_from

    return csrf_from(client.get(page).get_data(as_text=True))


def test_unknown_email_wrong_password_and_deactivated_look_the_same(submit: Any) -> None:
    UserFactory(email="real@example.kz")
    UserFactory(email="gone@example.kz", deactivated=True)
    pages = []
    for email, password in [("nobody@example.kz", PASSWORD), ("real@example.kz", "wrong pass 1"),
                            ("gone@example.kz", PASSWORD)]:
        response = submit("/login", {"email": email, "password": password})
        assert response.status_code == 200
        html = _visible(response.get_data(as_text=True))
        assert REFUSED in html
        pages.append(html.replace(email, "EMAIL"))
    assert len(set(pages)) == 1


def test_logout_needs_post(client: FlaskClient, login: Any) -> None:
    login(UserFactory())
    assert client.get("/logout").status_code == 405
    assert "My account" in client.get("/").get_data(as_text=True)
    response = client.post("/logout", data={"csrf_token": _token(client)})
    assert response.status_code == 302
    assert "Sign in" in client.get("/").get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_a_bumped_session_version_ends_old_sessions(client: FlaskClient, login: Any) -> None:
    user = login(UserFactory())
    assert client.get("/account").status_code == 200
    user.session_version += 1
    db.session.commit()
    assert client.get("/account").status_code == 302


def test_session_cookie_flags(client: FlaskClient, submit: Any, make_app: Any) -> None:
    UserFactory(email="c@example.kz")
    response = submit("/login", {"email": "c@example.kz", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in development and tests
    production = make_app(**production_settings())
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["SESSION_COOKIE_HTTPONLY"] is True
    assert production.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def _bad_logins(client: FlaskClient, emails: list[str], addresses: list[str]) -> list[int]:
    statuses = []
    for email, address in zip(emails, addresses, strict=True):
        from tests.conftest import csrf_from

        html = client.get("/login").get_data(as_text=True)
        response = client.post("/login", data={"email": email, "password": "wrong password",
                                                "csrf_token": csrf_from(html)},
                               environ_overrides={"REMOTE_ADDR": address})
        statuses.append(response.status_code)
    return statuses


def _sign_in(client: FlaskClient, email: str, address: str) -> Any:
    return client.post("/login", data={"email": email, "password": PASSWORD,
                                       "csrf_token": _token(client, "/login")},
                       environ_overrides={"REMOTE_ADDR": address})


def test_bad_logins_for_one_account_throttle_that_address_not_the_account(
        client: FlaskClient, app: Flask) -> None:
    """Issue 24, finding 5: failures keyed on the typed email locked the akim out."""
    UserFactory(email="target@example.kz")
    statuses = _bad_logins(client, ["target@example.kz"] * 7, ["203.0.113.7"] * 7)
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429, 429]
    page = _sign_in(client, "target@example.kz", "203.0.113.7")
    assert page.status_code == 429  # the address that failed waits, even with the password
    html = page.get_data(as_text=True)
    assert "Too many attempts. Please wait a little and try again." in html
    assert "<h1>Too many requests</h1>" in html
    assert page.headers.get("Retry-After")
    akim = app.test_client()  # the akim, from their own connection
    assert _sign_in(akim, "target@example.kz", "198.51.100.5").status_code == 302


def test_an_account_failed_on_from_many_addresses_is_slowed_not_locked(
        client: FlaskClient, app: Flask) -> None:
    UserFactory(email="akim@example.kz")
    botnet = [f"203.0.113.{n}" for n in range(25)]
    assert _bad_logins(client, ["akim@example.kz"] * 25, botnet) == [200] * 25
    # A second guess from an address that has failed waits for its turn ...
    retry = _bad_logins(client, ["akim@example.kz"], botnet[:1])
    assert retry == [429]
    assert _sign_in(client, "akim@example.kz", botnet[1]).status_code == 429
    # ... while an address that has not failed is never refused the right password,
    akim = app.test_client()
    assert _sign_in(akim, "akim@example.kz", "198.51.100.5").status_code == 302
    # and its wrong one is only counted.
    assert _bad_logins(app.test_client(), ["akim@example.kz"], ["198.51.100.6"]) == [200]
    # Other accounts are not slowed by it.
    UserFactory(email="other@example.kz")
    assert _bad_logins(client, ["other@example.kz"] * 2, botnet[2:4]) == [200, 200]


def test_too_many_bad_logins_from_one_address_are_throttled(client: FlaskClient) -> None:
    emails = [f"guess{n}@example.kz" for n in range(11)]
    statuses = _bad_logins(client, emails, ["198.51.100.23"] * 11)
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    # Another address is not affected.
    assert _bad_logins(client, ["someone@example.kz"], ["198.51.100.24"]) == [200]


def test_successful_sign_ins_do_not_use_up_the_limit(client: FlaskClient, submit: Any) -> None:
    UserFactory(email="daily@example.kz")
    for _ in range(7):
        assert submit("/login", {"email": "daily@example.kz", "password": PASSWORD}
                      ).status_code == 302
        client.post("/logout", data={"csrf_token": _token(client)})


@pytest.fixture
def redis_limited_app(make_app: Any, redis_url: str) -> Any:
    """An app whose limiter counts in Redis, under a key prefix of its own.

    The limiter is one object shared by every app in the process, so its storage is put back
    afterwards, and only this test's keys are deleted from the shared Redis database.
    """
    import redis

    saved = (limiter._storage, limiter._limiter, limiter._key_prefix)
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    app: Flask = make_app(RATELIMIT_STORAGE_URI=redis_url, RATELIMIT_KEY_PREFIX=prefix)
    yield app
    limiter._storage, limiter._limiter, limiter._key_prefix = saved
    connection = redis.Redis.from_url(redis_url)
    for key in connection.scan_iter(match=f"*{prefix}*"):
        connection.delete(key)


@pytest.mark.redis
def test_login_throttling_counts_in_redis(redis_limited_app: Flask, redis_url: str) -> None:
    import redis

    UserFactory(email="shared@example.kz")
    client = redis_limited_app.test_client()
    statuses = _bad_logins(client, ["shared@example.kz"] * 6, ["192.0.2.1"] * 6)
    assert statuses == [200] * 5 + [429]
    # The account is not locked: the right password from another address goes through.
    other = redis_limited_app.test_client()
    assert _sign_in(other, "shared@example.kz", "192.0.2.2").status_code == 302
    assert _bad_logins(client, ["shared@example.kz"], ["192.0.2.1"]) == [429]
    prefix = limiter._key_prefix
    keys = list(redis.Redis.from_url(redis_url).scan_iter(match=f"*{prefix}*"))
    assert keys, "the limiter did not write to Redis"
    assert not any(b"shared@example.kz" in key for key in keys)  # no email in the keys


@pytest.mark.redis
def test_the_slow_down_counts_in_redis_across_addresses(redis_limited_app: Flask) -> None:
    UserFactory(email="busy@example.kz")
    client = redis_limited_app.test_client()
    botnet = [f"192.0.2.{n}" for n in range(10, 30)]
    assert _bad_logins(client, ["busy@example.kz"] * 21, [*botnet, botnet[0]]) == \
        [200] * 20 + [429]
    assert _sign_in(redis_limited_app.test_client(), "busy@example.kz",
                    "192.0.2.99").status_code == 302
