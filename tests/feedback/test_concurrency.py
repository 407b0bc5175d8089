"""Fifty residents rating one report at the same moment: nothing is lost, counts are right.

These commit for real, from one thread and one connection per resident, on whichever database
the suite runs against (SQLite in WAL mode with busy_timeout, or PostgreSQL).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.accounts.sessions import sign_in_cookie
from portal.extensions import db
from portal.feedback import ratings
from portal.feedback.models import Rating, ReportRatingTally, TermRatingTally
from portal.feedback.reconcile import reconcile
from portal.transactions import commit_with_retry
from tests.conftest import csrf_from
from tests.feedback.helpers import published_report, resident

pytestmark = pytest.mark.concurrency

RESIDENTS = 50


def _post_together(app: Flask, report_id: int, votes: list[tuple[Any, int]]) -> list[int]:
    """Each vote on its own client, thread, app context and connection, from its own address;
    all requests are released at the same moment."""
    clients: list[tuple[FlaskClient, str, int]] = []
    for number, (user, score) in enumerate(votes):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"203.0.113.{number % 250 + 1}"
        with client.session_transaction() as session:
            sign_in_cookie(session, user)
        token = csrf_from(client.get(f"/reports/{report_id}").get_data(as_text=True))
        clients.append((client, token, score))
    db.session.remove()
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    lock = threading.Lock()

    def post(client: FlaskClient, token: str, score: int) -> None:
        with app.app_context():  # its own context, so its own session and connection
            barrier.wait()
            response = client.post(f"/reports/{report_id}/rate",
                                   data={"csrf_token": token, "score": str(score)})
            db.session.remove()
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=post, args=entry) for entry in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    db.session.remove()
    return statuses


def _tallies(report_id: int, term_id: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    report = db.session.get(ReportRatingTally, report_id)
    term = db.session.get(TermRatingTally, term_id)
    assert report is not None and term is not None

    def values(row: Any) -> tuple[int, ...]:
        return (row.rating_count, row.rating_sum, row.rating_1, row.rating_2, row.rating_3,
                row.rating_4, row.rating_5)

    return values(report), values(term)


def test_fifty_residents_rating_at_once_are_all_counted(app: Flask) -> None:
    report = published_report()
    residents = [resident(report.term) for _ in range(RESIDENTS)]
    db.session.commit()
    report_id, term_id = report.id, report.term_id
    votes = [(user, number % 5 + 1) for number, user in enumerate(residents)]
    statuses = _post_together(app, report_id, votes)
    assert statuses == [302] * RESIDENTS
    assert db.session.scalar(select(func.count()).select_from(Rating)
                             .where(Rating.report_id == report_id)) == RESIDENTS
    expected = (RESIDENTS, sum(score for _, score in votes), 10, 10, 10, 10, 10)
    assert _tallies(report_id, term_id) == (expected, expected)
    result = reconcile()
    assert result.mismatches == [] and result.reports_checked >= 1


def test_one_resident_rating_many_times_at_once_leaves_one_row(app: Flask) -> None:
    report = published_report()
    voter = resident(report.term)
    db.session.commit()
    report_id, term_id = report.id, report.term_id
    scores = [1, 5, 2, 4, 3, 5, 1, 4]
    statuses = _post_together(app, report_id, [(voter, score) for score in scores])
    assert statuses == [302] * len(scores)
    rows = list(db.session.scalars(select(Rating).where(Rating.report_id == report_id)))
    assert len(rows) == 1
    final = rows[0].score
    distribution = tuple(1 if score == final else 0 for score in range(1, 6))
    expected = (1, final, *distribution)
    assert _tallies(report_id, term_id) == (expected, expected)
    assert reconcile().mismatches == []


def test_the_service_under_contention_with_the_retry_loop(app: Flask) -> None:
    """The same, calling the service and committing in each thread (as a job would)."""
    report = published_report()
    residents = [resident(report.term) for _ in range(20)]
    db.session.commit()
    report_id, term_id = report.id, report.term_id
    user_ids = [user.id for user in residents]
    db.session.remove()
    barrier = threading.Barrier(len(user_ids))
    errors: list[BaseException] = []

    def work(user_id: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                commit_with_retry(lambda: ratings.rate_report(report_id, user_id, 2))
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(user_id,)) for user_id in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    expected = (20, 40, 0, 20, 0, 0, 0)
    assert _tallies(report_id, term_id) == (expected, expected)
