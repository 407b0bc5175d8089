"""Bursts of ratings, comments and reports are refused with a clear message, and logged."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import CommentFactory, UserFactory
from tests.feedback.helpers import published_report, resident


def _rate(client: FlaskClient, csrf: Any, report_id: int, score: int = 4) -> Any:
    page = f"/reports/{report_id}"
    return client.post(f"{page}/rate", data={"csrf_token": csrf(page), "score": str(score)})


def test_a_burst_of_ratings_from_one_account(app: Flask, client: FlaskClient, login: Any,
                                             csrf: Any, monkeypatch: pytest.MonkeyPatch,
                                             caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setitem(app.config, "RATELIMIT_RATING", "3 per minute")
    report = published_report()
    voter = login(resident(report.term))
    assert [_rate(client, csrf, report.id, score).status_code for score in (1, 2, 3)] == [302] * 3
    with caplog.at_level(logging.WARNING, logger="portal.feedback.throttle"):
        refused = _rate(client, csrf, report.id, 5)
    assert refused.status_code == 429
    assert "You have rated many times in a short while." in refused.get_data(as_text=True)
    assert refused.headers.get("Retry-After")
    logged = [record.getMessage() for record in caplog.records
              if record.name == "portal.feedback.throttle"]
    # Neither the account nor the address is in the log line.
    assert logged == ["feedback rate limit reached: rating per account (3 per 1 minute) on "
                      "feedback.rate"]
    assert voter.email not in caplog.text and "198.51.100.7" not in caplog.text


def test_a_burst_from_one_address_across_accounts(app: Flask, login: Any, csrf: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "RATELIMIT_COMMENT_IP", "2 per minute")
    report = published_report()
    page = f"/reports/{report.id}"
    statuses = []
    for _ in range(3):
        client = app.test_client()
        login(resident(report.term), on=client)
        statuses.append(client.post(f"{page}/comments", data={
            "csrf_token": csrf(page, on=client), "body": "Hello"}).status_code)
    assert statuses == [302, 302, 429]
    # Another address is not held back.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "203.0.113.50"
    login(resident(report.term), on=other)
    assert other.post(f"{page}/comments", data={
        "csrf_token": csrf(page, on=other), "body": "Hello"}).status_code == 302


def test_comments_on_reports_and_promises_share_one_limit(
        app: Flask, client: FlaskClient, login: Any, csrf: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.factories import PromiseFactory

    monkeypatch.setitem(app.config, "RATELIMIT_COMMENT", "1 per minute")
    report = published_report()
    promise = PromiseFactory(term=report.term)
    login(resident(report.term))
    first = client.post(f"/reports/{report.id}/comments",
                        data={"csrf_token": csrf(f"/reports/{report.id}"), "body": "One"})
    second = client.post(f"/promises/{promise.id}/comments",
                         data={"csrf_token": csrf(f"/promises/{promise.id}"), "body": "Two"})
    assert (first.status_code, second.status_code) == (302, 429)
    assert "You have posted many comments" in second.get_data(as_text=True)


def test_a_burst_of_complaints(app: Flask, client: FlaskClient, login: Any, csrf: Any,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "RATELIMIT_COMPLAINT", "2 per minute")
    report = published_report()
    targets = [CommentFactory(report=report) for _ in range(3)]
    login(UserFactory())
    page = f"/reports/{report.id}"
    statuses = [client.post(f"/comments/{comment.id}/report", data={
        "csrf_token": csrf(page), "reason": "spam"}).status_code
        for comment in targets]
    assert statuses == [302, 302, 429]
