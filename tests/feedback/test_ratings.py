"""Rating a report: who may, once each, changeable, only while the window is open."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.audit import AuditEvent
from portal.extensions import db
from portal.feedback import ratings
from portal.feedback.errors import FeedbackError
from portal.feedback.models import Comment, Rating
from portal.feedback.readers import rating_distribution_for_report, rating_summaries_for_terms
from portal.reports import services as report_services
from portal.reports.timeliness import local_today
from tests.factories import ReportFactory, UserFactory
from tests.feedback.helpers import akim_account, published_report, rate, resident, serving_term


def _rows(report_id: int) -> list[Rating]:
    return list(db.session.scalars(select(Rating).where(Rating.report_id == report_id)))


def _post(client: FlaskClient, csrf: Any, report_id: int, score: object,
          comment: str = "") -> Any:
    token = csrf(f"/reports/{report_id}")
    return client.post(f"/reports/{report_id}/rate",
                       data={"csrf_token": token, "score": str(score), "comment": comment})


# ------------------------------------------------------------------ eligibility matrix

@pytest.mark.parametrize(("who", "status", "explanation"), [
    ("anonymous", 302, "Sign in</a> as a verified resident"),
    ("unverified", 403, "Only verified residents of"),
    ("other district", 403, "Only verified residents of"),
    ("resident", 302, "Send my rating"),
    ("the akim", 403, "Akims do not rate their own reports."),
    ("the akim, verified here", 403, "Akims do not rate their own reports."),
    ("moderator", 403, "Only verified residents of"),
])
def test_who_may_rate(client: FlaskClient, login: Any, csrf: Any, who: str, status: int,
                      explanation: str) -> None:
    report = published_report()
    term = report.term
    users = {
        "unverified": lambda: resident(term, verified=False),
        "other district": lambda: UserFactory.resident_of(serving_term().rural_district),
        "resident": lambda: resident(term),
        "the akim": lambda: akim_account(term),
        "the akim, verified here": lambda: akim_account(
            term, rural_district=term.rural_district, verified=True),
        "moderator": lambda: UserFactory(moderator=True),
    }
    if who != "anonymous":
        login(users[who]())
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert explanation in page
    assert ('name="score"' in page) == (who == "resident")
    token = csrf("/login") if who == "anonymous" else csrf(f"/reports/{report.id}")
    response = client.post(f"/reports/{report.id}/rate",
                           data={"csrf_token": token, "score": "4"})
    assert response.status_code == status
    if who == "anonymous":
        assert "/login?next=" in response.headers["Location"]
    assert len(_rows(report.id)) == (1 if who == "resident" else 0)


def test_the_service_refuses_whoever_the_view_would(app: Any) -> None:
    report = published_report()
    for user in (resident(report.term, verified=False), akim_account(report.term),
                 UserFactory.resident_of(serving_term().rural_district)):
        with pytest.raises(FeedbackError):
            ratings.rate_report(report.id, user.id, 3)
    assert _rows(report.id) == []


def test_unpublished_reports_cannot_be_rated(client: FlaskClient, login: Any,
                                             csrf: Any) -> None:
    term = serving_term()
    draft = ReportFactory(term=term, filled=True)
    login(resident(term))
    token = csrf("/")
    response = client.post(f"/reports/{draft.id}/rate", data={"csrf_token": token, "score": "5"})
    assert response.status_code == 404
    with pytest.raises(FeedbackError, match="published"):
        ratings.rate_report(draft.id, resident(term).id, 5)


# ------------------------------------------------------------------ once each, changeable

def test_a_rating_is_counted_on_the_report_and_the_term(client: FlaskClient, login: Any,
                                                         csrf: Any) -> None:
    report = published_report()
    login(resident(report.term))
    response = _post(client, csrf, report.id, 4)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reports/{report.id}#rating")
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "your rating (4 of 5) is counted" in page
    assert "4.00 of 5" in page and "from 1 rating by a verified resident" in page
    assert "Your rating now: 4 of 5." in page
    summary = rating_distribution_for_report(report.id)
    assert (summary.count, summary.total, summary.distribution) == (1, 4, (0, 0, 0, 1, 0))
    assert rating_summaries_for_terms([report.term_id])[report.term_id] == summary


def test_rating_again_replaces_the_earlier_score(client: FlaskClient, login: Any,
                                                 csrf: Any) -> None:
    report = published_report()
    others = [resident(report.term) for _ in range(2)]
    rate(report, others[0], 5)
    rate(report, others[1], 3)
    login(resident(report.term))
    _post(client, csrf, report.id, 1)
    response = _post(client, csrf, report.id, 4)
    assert response.status_code == 302
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "Your rating is changed from 1 to 4." in page
    assert len(_rows(report.id)) == 3
    summary = rating_distribution_for_report(report.id)
    assert (summary.count, summary.total, summary.distribution) == (3, 12, (0, 0, 1, 1, 1))
    assert summary.average_shown is not None and str(summary.average_shown) == "4.00"
    term_summary = rating_summaries_for_terms([report.term_id])[report.term_id]
    assert (term_summary.count, term_summary.total) == (3, 12)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "rating.rate")
                                .order_by(AuditEvent.id)).all()
    assert [event.after["score"] for event in events][-2:] == [1, 4]
    assert events[-1].before == {"score": 1}


def test_the_term_adds_up_the_ratings_of_all_its_reports() -> None:
    term = serving_term()
    first, second = published_report(term, days_ago=30), published_report(term, days_ago=2)
    voter = resident(term)
    rate(first, voter, 2)
    rate(second, voter, 5)
    rate(second, resident(term), 4)
    summary = rating_summaries_for_terms([term.id, 999_999])
    assert (summary[term.id].count, summary[term.id].total) == (3, 11)
    assert summary[999_999].count == 0 and summary[999_999].average is None


def test_the_comment_of_a_rating_is_a_comment_on_the_report(client: FlaskClient, login: Any,
                                                             csrf: Any) -> None:
    report = published_report()
    voter = login(resident(report.term, display_name="Aigerim S."))
    _post(client, csrf, report.id, 2, "The school roof still leaks.\r\nSee for yourself.")
    rating = _rows(report.id)[0]
    comment = db.session.get(Comment, rating.comment_id)
    assert comment is not None and comment.report_id == report.id
    assert comment.body == "The school roof still leaks.\nSee for yourself."
    assert comment.rating_score == 2 and comment.is_resident and comment.author_id == voter.id
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "Aigerim S." in page and "rated 2 of 5" in page and "Resident" in page
    # Rating again without a comment keeps the comment already published.
    _post(client, csrf, report.id, 3)
    assert db.session.get(Rating, rating.id).comment_id == comment.id  # type: ignore[union-attr]


def test_a_missing_score_or_a_long_comment_shows_beside_the_field(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    report = published_report()
    login(resident(report.term))
    response = _post(client, csrf, report.id, "", "Kept text")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose a score from 1 to 5." in page and "Kept text" in page
    response = _post(client, csrf, report.id, 9)
    assert response.status_code == 400
    long_text = "x" * 2001
    response = _post(client, csrf, report.id, 3, long_text)
    assert response.status_code == 400
    assert "at most 2000 characters" in response.get_data(as_text=True)
    assert _rows(report.id) == []


# ------------------------------------------------------------------ the window

def test_ratings_close_after_the_window(client: FlaskClient, login: Any, csrf: Any) -> None:
    report = published_report(days_ago=90)
    voter = login(resident(report.term))
    closed_on = report.first_published_on + timedelta(days=90)
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert f"Ratings closed on {closed_on:%B} {closed_on.day}, {closed_on.year}." in page
    assert 'name="score"' not in page
    response = _post(client, csrf, report.id, 5)
    assert response.status_code == 409
    assert "Ratings of this report closed on" in response.get_data(as_text=True)
    assert _rows(report.id) == []
    with pytest.raises(FeedbackError, match="closed"):
        ratings.rate_report(report.id, voter.id, 5)


def test_the_last_day_of_the_window_is_still_open() -> None:
    report = published_report(days_ago=89)
    assert ratings.is_open(report)
    assert not ratings.is_open(report, local_today() + timedelta(days=1))
    rate(report, resident(report.term), 3)
    assert rating_distribution_for_report(report.id).count == 1


def test_the_window_is_configurable(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    report = published_report(days_ago=100)
    assert not ratings.is_open(report)
    monkeypatch.setitem(app.config, "RATING_WINDOW_DAYS", 120)
    assert ratings.is_open(report)
    rate(report, resident(report.term), 5)
    assert rating_distribution_for_report(report.id).count == 1


def test_a_correction_does_not_reopen_the_window(app: Any) -> None:
    report = published_report(days_ago=95)
    akim = akim_account(report.term)
    report_services.amend(report, {**report.content(), "summary": "Corrected figures.",
                                   "meeting_held_on": report.period_end},
                          "The budget table had a typo.", akim)
    db.session.commit()
    assert report.current_version == 2
    assert not ratings.is_open(report)
    with pytest.raises(FeedbackError, match="closed"):
        ratings.rate_report(report.id, resident(report.term).id, 4)


def test_rating_counts_survive_a_later_move(app: Any) -> None:
    """A resident who moves away keeps the rating they gave while they lived there."""
    from portal.accounts import services as account_services

    report = published_report()
    voter = resident(report.term)
    rate(report, voter, 2)
    account_services.change_rural_district(voter, serving_term().rural_district)
    db.session.commit()
    assert not voter.is_verified_resident_of(report.term.rural_district_id)
    assert rating_distribution_for_report(report.id).count == 1
    assert db.session.scalar(select(func.count()).select_from(Rating)
                             .where(Rating.report_id == report.id)) == 1
