"""The security baseline: CSRF on every form, gates that hold, object rules for akims, no
secret in the database or the logs, headers, argon2id."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Blueprint, Flask
from flask.testing import FlaskClient
from werkzeug.routing import IntegerConverter, Rule

from portal.accounts import tokens
from portal.akims.models import Term
from portal.extensions import db
from portal.permissions import ACCESS_ATTRIBUTE, Permission, can, require
from tests.accounts.conftest import Outbox, link_path
from tests.factories import (
    RuralDistrictFactory,
    TermFactory,
    UserFactory,
    VerificationRequestFactory,
)


def _sample_url(app: Flask, rule: Rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        values[name] = 1 if isinstance(converter, IntegerConverter) else "x"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _rules(app: Flask, method: str) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules()
            if method in (rule.methods or set()) and rule.endpoint != "static"]


# Editors that keep an akim's typed text: a bad or missing token re-renders the form with the
# text and "your form expired" instead of the 400 page (tested in tests/reports/test_views.py).
TEXT_KEEPING_EDITORS = {"reports.edit", "reports.amend"}


def test_every_post_route_refuses_a_missing_csrf_token(app: Flask, client: FlaskClient,
                                                       login: Any) -> None:
    login(UserFactory(admin=True))
    checked = 0
    for rule in _rules(app, "POST"):
        if rule.rule.startswith("/api/") or rule.endpoint in TEXT_KEEPING_EDITORS:
            continue  # the read-only JSON API takes no cookies-based writes
        if rule.endpoint == "notifications.unsubscribe":
            # RFC 8058: a mail program's one-click POST has no session and no CSRF token; the
            # signed token in the path is the proof (a forged one is a 404, tests/notifications).
            continue
        url = _sample_url(app, rule)
        response = client.post(url, data={"email": "x@example.kz"})
        assert response.status_code == 400, url
        assert "Your form expired or was sent from elsewhere" in response.get_data(as_text=True)
        forged = client.post(url, data={"csrf_token": "forged"})
        assert forged.status_code == 400, url
        checked += 1
    assert checked >= 15


def test_gated_routes_never_answer_anonymous_visitors(app: Flask, client: FlaskClient) -> None:
    for rule in _rules(app, "GET"):
        view = app.view_functions[rule.endpoint]
        access = getattr(view, ACCESS_ATTRIBUTE, ("public", None))
        if access[0] == "public":
            continue
        response = client.get(_sample_url(app, rule))
        assert response.status_code in (302, 401, 404), rule.rule
        if response.status_code == 302:
            assert "/login?next=" in response.headers["Location"]


POST_FORM = re.compile(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", re.DOTALL | re.IGNORECASE)


def test_every_post_form_on_our_pages_carries_a_csrf_token(client: FlaskClient,
                                                           login: Any) -> None:
    pending = VerificationRequestFactory()
    target = UserFactory.akim_for(TermFactory())
    pages = {"/login": 1, "/register": 1, "/password/forgot": 1}
    for url, at_least in pages.items():
        forms = POST_FORM.findall(client.get(url).get_data(as_text=True))
        assert len(forms) >= at_least and all("csrf_token" in form for form in forms), url
    login(UserFactory(admin=True))
    for url in ("/account", "/admin/users", f"/admin/users/{target.id}?akim_q=a",
                "/moderation/verifications", "/admin/residents-register"):
        html = client.get(url).get_data(as_text=True)
        forms = POST_FORM.findall(html)
        assert len(forms) >= 2, url  # the page's own forms and the sign-out form
        assert all("csrf_token" in form for form in forms), url
    assert f"/moderation/verifications/{pending.id}/approve" in client.get(
        "/moderation/verifications").get_data(as_text=True)


def test_security_headers_on_account_pages(client: FlaskClient, login: Any) -> None:
    login(UserFactory(admin=True))
    for url in ("/account", "/admin/users", "/moderation/verifications", "/login"):
        headers = client.get(url).headers
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_passwords_are_hashed_with_argon2id(make_app: Any) -> None:
    from portal.accounts.passwords import hash_password

    production_like = make_app(PORTAL_ENV="development")
    with production_like.app_context():
        stored = hash_password("a long enough password")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=2$")


# --------------------------------------------------------------------------- akim objects

@pytest.fixture
def term_app(make_app: Any) -> Flask:
    """An app with one akim-owned route, declared as the editors declare theirs."""
    app: Flask = make_app()
    probe = Blueprint("probe", __name__)

    def term_or_none(term_id: int) -> Term | None:
        return db.session.get(Term, term_id)

    @probe.route("/probe/terms/<int:term_id>/edit/<int:number>", methods=["GET"])
    @require(Permission.REPORTS_EDIT, load=term_or_none, hide=lambda term: not term.is_serving)
    def edit_term(term: Term, number: int) -> str:
        return f"editor of term {term.id}, part {number}"

    app.register_blueprint(probe)
    return app


def test_an_akim_edits_only_their_own_serving_term(term_app: Flask, login: Any) -> None:
    """The decorator loads the term, checks it and hands it to the view with the other path
    values; refusals are 403, or 404 where `hide` says the object is private."""
    term_a, term_b = TermFactory(), TermFactory()
    ended = TermFactory(ended=True)
    akim_a = UserFactory.akim_for(term_a)
    former = UserFactory.akim_for(ended)
    citizen = UserFactory.resident_of(term_a.rural_district)

    cases = [
        (akim_a, term_a, 200), (akim_a, term_b, 403), (former, ended, 404),
        (citizen, term_a, 403), (UserFactory(admin=True), term_b, 403),
        (UserFactory(moderator=True), term_a, 403),
    ]
    for user, term, status in cases:
        client = term_app.test_client()
        login(user, on=client)
        response = client.get(f"/probe/terms/{term.id}/edit/7")
        assert response.status_code == status, (user.roles, term.id, status)
        if status == 200:
            assert response.get_data(as_text=True) == f"editor of term {term.id}, part 7"
    missing = term_app.test_client()
    login(akim_a, on=missing)
    assert missing.get("/probe/terms/999999/edit/7").status_code == 404
    anonymous = term_app.test_client().get(f"/probe/terms/{term_a.id}/edit/7")
    assert anonymous.status_code == 302


def test_object_rules_for_akims_and_residents() -> None:
    term_a, term_b = TermFactory(), TermFactory()
    akim_a = UserFactory.akim_for(term_a)
    resident_a = UserFactory.resident_of(term_a.rural_district)
    unverified_a = UserFactory.resident_of(term_a.rural_district, verified=False)
    assert can(akim_a, Permission.PROMISES_EDIT, term_a)
    assert not can(akim_a, Permission.PROMISES_EDIT, term_b)
    assert not can(akim_a, Permission.REPORTS_RATE, term_a)  # never rates their own term
    assert can(resident_a, Permission.REPORTS_RATE, term_a)
    assert not can(resident_a, Permission.REPORTS_RATE, term_b)
    assert not can(unverified_a, Permission.REPORTS_RATE, term_a)
    assert not can(resident_a, Permission.PROMISES_EDIT, term_a)


# --------------------------------------------------------------------------- no plain secrets

def _text_values() -> list[tuple[str, str, str]]:
    """Every non-empty value of every column of every table, as text."""
    found = []
    with db.session.no_autoflush:
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(sa.select(table)).mappings():
                for column, value in row.items():
                    if value is not None:
                        found.append((table.name, column, str(value)))
    return found


def test_no_iin_password_token_or_session_in_the_database_or_logs(
    client: FlaskClient, submit: Any, outbox: Outbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    iin, password, new_password = "791028302728", "first secret password", "second secret pw"
    place = RuralDistrictFactory()
    submit("/register", {"email": "someone@example.kz", "password": password, "iin": iin,
                         "rural_district": place.kato})
    confirm_path = link_path(outbox.last("someone@example.kz"), "/register/confirm/")
    client.get(confirm_path)
    submit("/register/confirm", {})
    signed_in = submit("/login", {"email": "someone@example.kz", "password": password})
    assert signed_in.status_code == 302
    session_cookie = client.get_cookie("session")
    assert session_cookie is not None
    cookies = {session_cookie.value}
    assert client.get("/account").status_code == 200

    submit("/password/forgot", {"email": "someone@example.kz"})
    reset_path = link_path(outbox.last("someone@example.kz"), "/password/reset/")
    client.get(reset_path)
    assert submit("/password/reset", {"password": new_password}).status_code == 302
    assert submit("/login", {"email": "someone@example.kz", "password": new_password}
                  ).status_code == 302
    cookies.add(client.get_cookie("session").value)  # type: ignore[union-attr]
    db.session.commit()

    secrets = {
        "IIN": iin, "password": password, "new password": new_password,
        "confirm token": confirm_path.rsplit("/", 1)[1],
        "reset token": reset_path.rsplit("/", 1)[1],
        **{f"session cookie {n}": value for n, value in enumerate(cookies)},
    }
    for table, column, value in _text_values():
        for name, secret in secrets.items():
            assert secret not in value, f"{name} stored in {table}.{column}"
    assert caplog.records, "nothing was logged: the check would be empty"
    for record in caplog.records:
        line = record.getMessage() + (record.exc_text or "")
        for name, secret in secrets.items():
            assert secret not in line, f"{name} in the log: {line}"


def test_request_logs_lose_tokens_and_iins(app: Flask) -> None:
    token = "Zx8_secretTokenValue-123"
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1,
                               '%s - - [%s] "%s" %s %s',
                               ("127.0.0.1", "now", f"GET /password/reset/{token} HTTP/1.1",
                                "302", "-"), None)
    tokens.TokenRedactingFilter().filter(record)
    assert token not in record.getMessage()
    assert "/password/reset/[token]" in record.getMessage()

    gunicorn = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(r)s", None,
                                 None)
    gunicorn.args = {"r": "GET /search?q=791028302728 HTTP/1.1"}
    tokens.TokenRedactingFilter().filter(gunicorn)
    assert "791028302728" not in gunicorn.getMessage()
    for typed in ("791028 302728", "7910-2830-2728", "7910+2830+2728", "791028%20302728"):
        spaced = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, "GET /search?q=%s",
                                   (typed,), None)
        tokens.TokenRedactingFilter().filter(spaced)
        assert spaced.getMessage() == "GET /search?q=[12 digits]", typed
    assert any(isinstance(f, tokens.TokenRedactingFilter)
               for f in logging.getLogger("werkzeug").filters)
