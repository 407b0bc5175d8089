"""The feedback seed: consistent tallies, the demo's cases, a minority of poorly rated terms."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from portal import seed
from portal.accounts.models import User
from portal.akims.models import Term, TermStatus
from portal.extensions import db
from portal.feedback.models import Comment, CommentStatus, Rating
from portal.feedback.readers import (
    awaiting_reply,
    rating_summaries_for_terms,
    recent_report_ratings_for_terms,
)
from portal.feedback.reconcile import reconcile
from portal.reports.models import Report, ReportState
from portal.seed.context import Scale

AS_OF = date(2026, 11, 1)


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None
    return user


def test_the_demo_seed_shows_every_case() -> None:
    seed.run(Scale.DEMO, seed=2026, as_of=AS_OF)
    assert db.session.scalar(select(func.count()).select_from(Rating)) > 1000
    assert reconcile().mismatches == []
    akim, citizen = _user("akim@demo.kz"), _user("citizen@demo.kz")
    term = db.session.scalar(select(Term).where(Term.akim_id == akim.akim_id,
                                                Term.status == TermStatus.SERVING))
    assert term is not None
    published = list(db.session.scalars(
        select(Report.id).where(Report.term_id == term.id, Report.state == ReportState.PUBLISHED)
        .order_by(Report.period_start)))
    rated = set(db.session.scalars(select(Rating.report_id).where(Rating.user_id == citizen.id)))
    # The journey rates the latest published report: the citizen has not yet.
    assert published[-1] not in rated and len(rated) == 1
    waiting, total = awaiting_reply(term.id)
    assert total >= 5 and waiting
    statuses = {status: count for status, count in db.session.execute(
        select(Comment.status, func.count()).group_by(Comment.status))}
    assert statuses.get(CommentStatus.HIDDEN, 0) >= 1
    assert statuses.get(CommentStatus.HIDDEN_PENDING, 0) >= 1
    assert statuses.get(CommentStatus.RESTORED, 0) >= 1
    assert db.session.scalar(select(func.count()).select_from(Comment).where(
        Comment.status == CommentStatus.VISIBLE, Comment.open_complaints > 0)) >= 1
    official = db.session.scalar(select(func.count()).select_from(Comment)
                                 .where(Comment.is_official.is_(True)))
    assert official and official > 10


def test_a_minority_of_terms_is_poorly_rated() -> None:
    seed.run(Scale.DEMO, seed=2026, as_of=AS_OF)
    term_ids = list(db.session.scalars(select(Term.id)))
    windows = recent_report_ratings_for_terms(term_ids, reports=2)
    rated = [window for window in windows.values() if window.count >= 20]
    poor = [window for window in rated if window.average is not None and window.average < 2.5]
    assert rated and poor
    assert len(poor) < len(rated) / 3
    summaries = rating_summaries_for_terms(term_ids)
    averages = sorted(s.average for s in summaries.values() if s.average is not None)
    assert averages[0] < 2.5 < averages[-1] and averages[-1] > 4
