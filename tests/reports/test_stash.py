"""Text sent from the editor after the sign-in expired comes back to that browser only
(issue 24, finding 4): never through a link, never from a stranger, never evicted by one."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.accounts import sessions
from portal.accounts.models import User
from portal.extensions import db
from portal.reports.models import Report, ReportTextStash
from portal.reports.stash import STASH_COOKIE
from tests.conftest import csrf_from
from tests.factories import ReportFactory, TermFactory, UserFactory
from tests.factories.reports import FILLED

TYPED = "Written over an hour; the session ended meanwhile."
SAME_SITE = {"Origin": "http://localhost"}


def _form(token: str | None, summary: str) -> dict[str, Any]:
    data: dict[str, Any] = {**FILLED, "meeting_held_on": FILLED["meeting_held_on"].isoformat(),
                            "summary": summary}
    if token is not None:
        data["csrf_token"] = token
    return data


def _open_editor_then_expire(client: FlaskClient, login: Any, report: Report) -> str:
    """The akim opens the editor; their session then ends on the server. The form's token."""
    login(_akim(report), on=client)
    token = csrf_from(client.get(f"/reports/{report.id}/edit").get_data(as_text=True))
    with client.session_transaction() as cookie:
        sessions.end(cookie[sessions.SESSION_KEY])
    db.session.commit()
    return token


def _akim(report: Report) -> User:
    found = db.session.scalar(select(User).where(User.akim_id == report.term.akim_id))
    return found or UserFactory.akim_for(report.term)


def _stashes() -> int:
    return db.session.scalar(select(func.count()).select_from(ReportTextStash)) or 0


def test_text_sent_after_the_sign_in_expired_comes_back_to_that_browser(
        client: FlaskClient, login: Any) -> None:
    report = ReportFactory()
    token = _open_editor_then_expire(client, login, report)
    response = client.post(f"/reports/{report.id}/edit", data=_form(token, TYPED),
                           headers=SAME_SITE)
    assert response.status_code == 302
    login_url = urlsplit(response.headers["Location"])
    assert login_url.path == "/login"
    back = parse_qs(login_url.query)["next"][0]
    assert back == f"/reports/{report.id}/edit?restore=1"  # the link carries no secret
    assert db.session.get(Report, report.id).summary == ""  # nothing saved unseen
    cookie = client.get_cookie(STASH_COOKIE, path="/reports/")
    assert cookie is not None and cookie.http_only
    stash = db.session.scalar(select(ReportTextStash))
    assert stash is not None and cookie.value not in stash.token_hash
    # Someone else signing in on that browser gets nothing.
    login(UserFactory.akim_for(TermFactory()))
    assert client.get(back).status_code == 404
    login(_akim(report))
    page = client.get(back).get_data(as_text=True)
    assert TYPED in page and "brought back the text" in page


def test_a_strangers_text_never_reaches_the_akim_nor_evicts_theirs(
        app: Flask, client: FlaskClient, login: Any) -> None:
    report = ReportFactory()
    token = _open_editor_then_expire(client, login, report)
    client.post(f"/reports/{report.id}/edit", data=_form(token, TYPED), headers=SAME_SITE)
    assert _stashes() == 1

    stranger = app.test_client()
    stranger_token = csrf_from(stranger.get("/login").get_data(as_text=True))
    for number in range(25):
        response = stranger.post(f"/reports/{report.id}/edit",
                                 data=_form(stranger_token, f"Planted text {number}"),
                                 headers=SAME_SITE)
        assert response.status_code == 302
        assert "restore" not in response.headers["Location"]
    assert stranger.get_cookie(STASH_COOKIE, path="/reports/") is None
    assert _stashes() == 1  # nothing kept for the stranger, nothing of the akim's evicted

    login(_akim(report))
    planted_link = f"/reports/{report.id}/edit?restore=1"
    page = client.get(planted_link).get_data(as_text=True)
    assert TYPED in page and "Planted text" not in page
    fresh = app.test_client()  # the akim on another browser, following a planted link
    login(_akim(report), on=fresh)
    page = fresh.get(planted_link).get_data(as_text=True)
    assert "Planted text" not in page and TYPED not in page
    assert "brought back the text" not in page


def test_a_post_through_the_akims_own_browser_without_its_editor_token_is_not_kept(
        client: FlaskClient, login: Any) -> None:
    """Another site making the akim's browser post (no Origin sent) has no CSRF token."""
    report = ReportFactory()
    _open_editor_then_expire(client, login, report)
    for token in (None, "forged", csrf_from(client.get("/login").get_data(as_text=True))[:-2]):
        response = client.post(f"/reports/{report.id}/edit", data=_form(token, "Planted"))
        assert response.status_code == 302 and "restore" not in response.headers["Location"]
    assert _stashes() == 0


def test_a_browser_that_never_opened_this_reports_editor_keeps_nothing(
        client: FlaskClient, login: Any) -> None:
    report, other = ReportFactory(), ReportFactory()
    token = _open_editor_then_expire(client, login, other)
    response = client.post(f"/reports/{report.id}/amend", data=_form(token, "Elsewhere"),
                           headers=SAME_SITE)
    assert response.status_code == 302 and "restore" not in response.headers["Location"]
    assert _stashes() == 0
