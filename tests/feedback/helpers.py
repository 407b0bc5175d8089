"""Shared builders for feedback tests: a report open for rating, residents, the akim."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from portal.accounts.models import User
from portal.akims.models import Term
from portal.extensions import db
from portal.feedback import ratings
from portal.feedback.ratings import RatingOutcome
from portal.reports.models import Report
from portal.reports.timeliness import local_today
from tests.factories import ReportFactory, TermFactory, UserFactory


def serving_term(**kwargs: Any) -> Term:
    today = local_today()
    starts = today - timedelta(days=400)
    values: dict[str, Any] = {"elected_on": starts - timedelta(days=3), "starts_on": starts,
                              "ends_on": starts + timedelta(days=4 * 365)}
    values.update(kwargs)
    return TermFactory(**values)


def published_report(term: Term | None = None, days_ago: int = 5, **kwargs: Any) -> Report:
    """A report first published `days_ago` days ago (by default still open for rating)."""
    term = term or serving_term()
    published_on = local_today() - timedelta(days=days_ago)
    start = published_on - timedelta(days=200)
    values: dict[str, Any] = {
        "term": term, "published": True, "period_start": start,
        "period_end": start + timedelta(days=180), "due_on": published_on + timedelta(days=3),
        "first_published_on": published_on,
        "first_published_at": datetime.combine(published_on, time(5), UTC),
    }
    values.update(kwargs)
    return ReportFactory(**values)


def resident(term: Term, **kwargs: Any) -> User:
    return UserFactory.resident_of(term.rural_district, **kwargs)


def akim_account(term: Term, **kwargs: Any) -> User:
    existing = db.session.scalar(select(User).where(User.akim_id == term.akim_id))
    return existing if existing is not None else UserFactory.akim_for(term, **kwargs)


def rate(report: Report, user: User, score: int, comment: str | None = None) -> RatingOutcome:
    """Rate through the service, as the view does, and commit."""
    outcome = ratings.rate_report(report.id, user.id, score, comment)
    db.session.commit()
    return outcome
