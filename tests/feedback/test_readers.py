"""The set-based readers others use (profile, API, PDFs, recall rules) and the page budgets."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import insert, select

from portal.extensions import db
from portal.feedback.models import Rating, ReportRatingTally, TermRatingTally
from portal.feedback.readers import (
    rating_distribution_for_report,
    rating_summaries_for_reports,
    rating_summaries_for_terms,
    recent_report_ratings_for_terms,
)
from portal.feedback.tallies import RatingSummary
from portal.reports.timeliness import local_today
from tests.factories import CommentFactory, ReportFactory, UserFactory
from tests.feedback.helpers import akim_account, published_report, rate, resident, serving_term


def test_summaries_for_terms_take_one_query(count_queries: Any) -> None:
    terms = [serving_term() for _ in range(3)]
    for term, scores in zip(terms, ([5, 4], [1], []), strict=True):
        report = published_report(term)
        for score in scores:
            rate(report, resident(term), score)
    ids = [term.id for term in terms]
    with count_queries() as queries:
        summaries = rating_summaries_for_terms(ids)
    assert len(queries) == 1
    assert summaries[terms[0].id] == RatingSummary(2, 9, (0, 0, 0, 1, 1))
    assert summaries[terms[0].id].average == Decimal("4.5")
    assert summaries[terms[1].id].average == Decimal(1)
    assert summaries[terms[2].id].count == 0 and summaries[terms[2].id].average is None
    assert summaries[terms[0].id].as_dict() == {
        "avg": 4.5, "count": 2, "distribution": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1}}


def test_report_summaries(count_queries: Any) -> None:
    report = published_report()
    for score in (2, 3, 3):
        rate(report, resident(report.term), score)
    report_id = report.id
    with count_queries() as queries:
        summary = rating_distribution_for_report(report_id)
    assert len(queries) == 1
    assert (summary.count, summary.distribution) == (3, (0, 1, 2, 0, 0))
    assert str(summary.average_shown) == "2.67"
    assert rating_summaries_for_reports([report.id, 999_999])[999_999].count == 0


def test_recent_report_ratings_for_the_recall_rules(count_queries: Any) -> None:
    term = serving_term()
    today = local_today()
    # Three published reports (the oldest period first) and a draft.
    oldest = published_report(term, days_ago=80, period_start=today - timedelta(days=600),
                              period_end=today - timedelta(days=420))
    middle = published_report(term, days_ago=40, period_start=today - timedelta(days=400),
                              period_end=today - timedelta(days=220))
    latest = published_report(term, days_ago=3, period_start=today - timedelta(days=200),
                              period_end=today - timedelta(days=20))
    ReportFactory(term=term, period_start=today - timedelta(days=10),
                  period_end=today + timedelta(days=170), due_on=today + timedelta(days=200))
    voters = [resident(term) for _ in range(3)]
    for report, scores in ((oldest, [5, 5, 5]), (middle, [2, 1]), (latest, [3, 2, 1])):
        for voter, score in zip(voters, scores, strict=False):
            rate(report, voter, score)
    other = serving_term()
    ids = [term.id, other.id]
    with count_queries() as queries:
        windows = recent_report_ratings_for_terms(ids)
    assert len(queries) == 1
    window = windows[term.id]
    assert window.report_ids == (latest.id, middle.id)
    assert (window.count, window.total) == (5, 9)
    assert window.average == Decimal(9) / Decimal(5) and window.average < Decimal("2.5")
    assert windows[other.id].count == 0 and windows[other.id].average is None
    # As of before the latest publication: the two before it.
    earlier = recent_report_ratings_for_terms([term.id], reports=2,
                                              as_of=today - timedelta(days=10))[term.id]
    assert earlier.report_ids == (middle.id, oldest.id)
    assert (earlier.count, earlier.total) == (5, 18)
    assert recent_report_ratings_for_terms([term.id], reports=3)[term.id].count == 8


def test_the_profile_shows_the_terms_average_in_one_query(client: FlaskClient,
                                                          count_queries: Any) -> None:
    term = serving_term()
    report = published_report(term)
    for score in (4, 5, 5, 3):
        rate(report, resident(term), score)
    html = client.get(f"/akims/{term.akim_id}").get_data(as_text=True)
    assert "Residents' ratings of reports" in html
    assert "4.25 of 5" in html and "average of 4 ratings by verified residents" in html
    with count_queries() as queries:
        client.get(f"/akims/{term.akim_id}")
    feedback_queries = [q for q in queries if "rating_tally" in q]
    assert len(feedback_queries) == 1


def _bulk_ratings(report_id: int, term_id: int, count: int) -> None:
    """`count` ratings straight into the tables (users too), tallies consistent."""
    first = UserFactory().id
    users = [{"email": f"bulk{first}-{n}@example.kz", "is_active_account": True,
              "session_version": 1} for n in range(count)]
    db.session.execute(insert(UserFactory._meta.model), users)
    ids = list(db.session.scalars(select(UserFactory._meta.model.id)
                                  .where(UserFactory._meta.model.id > first)))
    db.session.execute(insert(Rating), [{"report_id": report_id, "user_id": user_id,
                                         "score": n % 5 + 1} for n, user_id in enumerate(ids)])
    counts = [sum(1 for n in range(len(ids)) if n % 5 + 1 == score) for score in range(1, 6)]
    values = {"rating_count": len(ids), "rating_sum": sum(s * c for s, c in
                                                          zip(range(1, 6), counts, strict=True)),
              **{f"rating_{s}": c for s, c in zip(range(1, 6), counts, strict=True)}}
    db.session.execute(insert(ReportRatingTally).values(report_id=report_id, **values))
    db.session.execute(insert(TermRatingTally).values(term_id=term_id, **values))
    db.session.commit()


def test_the_report_page_costs_the_same_with_many_ratings(client: FlaskClient, login: Any,
                                                          count_queries: Any) -> None:
    few, many = published_report(), published_report()
    for report, count in ((few, 3), (many, 400)):
        _bulk_ratings(report.id, report.term_id, count)
        CommentFactory(report=report)
    measured = {}
    for report in (few, many):
        login(resident(report.term))
        client.get(f"/reports/{report.id}")
        with count_queries() as queries:
            html = client.get(f"/reports/{report.id}").get_data(as_text=True)
        measured[report.id] = len(queries)
        assert 'name="score"' in html
        # The rating rows are read only for the viewer's own score, never counted.
        reading_ratings = [q for q in queries if "FROM rating " in q or "FROM rating\n" in q]
        assert all("rating.user_id" in q and "count(" not in q.lower()
                   for q in reading_ratings)
    assert measured[few.id] == measured[many.id] <= 10
    login(akim_account(many.term))
    with count_queries() as queries:
        client.get("/akim/dashboard")
    assert len(queries) <= 10
