"""Rating a published report: who may, while the window is open, once each, changeable.

The window opens with the first publication and closes RATING_WINDOW_DAYS later (default 90).
A correction (a new version) does not reopen it: residents rate the report as it was due,
and a correction published late must not buy the akim a fresh round of ratings.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import audit, clock
from portal.accounts.models import User
from portal.extensions import db
from portal.feedback import comments, tallies
from portal.feedback.errors import FeedbackError
from portal.feedback.models import SCORES, Comment, Rating
from portal.formats import date_text, place_of
from portal.modeling import utcnow
from portal.permissions import Permission, can, permissions_of
from portal.reports.models import Report
from portal.reports.timeliness import local_today

DEFAULT_WINDOW_DAYS = 90


class RatingBlock(enum.StrEnum):
    """Why someone cannot rate a report, so that the page can say so."""

    CLOSED = "closed"
    SIGN_IN = "sign_in"
    OWN_REPORT = "own_report"
    NOT_VERIFIED = "not_verified"
    OTHER_DISTRICT = "other_district"
    NOT_CITIZEN = "not_citizen"
    NOT_ADULT = "not_adult"


def window_days() -> int:
    return int(current_app.config.get("RATING_WINDOW_DAYS") or DEFAULT_WINDOW_DAYS)


def closes_on(report: Any) -> date | None:
    """The first day on which the report can no longer be rated; None while unpublished."""
    published = report.first_published_on
    return published + timedelta(days=window_days()) if published is not None else None


def is_open(report: Any, today: date | None = None) -> bool:
    closing = closes_on(report)
    return closing is not None and (today or local_today()) < closing


def why_cannot_rate(user: Any, report: Report, today: date | None = None) -> RatingBlock | None:
    """None when `user` may rate `report` now; otherwise the first reason that applies."""
    if not is_open(report, today):
        return RatingBlock.CLOSED
    if not getattr(user, "is_authenticated", False):
        return RatingBlock.SIGN_IN
    if user.akim_id is not None and user.akim_id == report.term.akim_id:
        return RatingBlock.OWN_REPORT
    if can(user, Permission.REPORTS_RATE, report):
        # Ratings are a civic voice of adults (issue 18, item 7; a rule of ours): a minor
        # rates from the day they turn 18, counted on the Almaty calendar.
        return None if user.is_adult_on(today or clock.today()) else RatingBlock.NOT_ADULT
    if user.resident_verified_at is None:
        return RatingBlock.NOT_VERIFIED
    if not user.is_verified_resident_of(report.term.rural_district_id):
        return RatingBlock.OTHER_DISTRICT
    if Permission.REPORTS_RATE not in permissions_of(user):
        return RatingBlock.NOT_CITIZEN
    return RatingBlock.NOT_VERIFIED  # pragma: no cover - every refusal of `can` is named above


@dataclass(frozen=True)
class RatingOutcome:
    rating: Rating
    previous_score: int | None
    comment: Comment | None


def rate_report(report_id: int, user_id: int, score: int, comment: str | None = None, *,
                today: date | None = None) -> RatingOutcome:
    """Record or change a resident's score for a report, with an optional comment.

    Takes ids, not objects: the first statement must be a write (see `tallies.ensure_report_row`)
    and loading an expired object would read first. Everything is checked again here, after
    the write lock, on the latest committed rows.
    """
    if score not in SCORES:
        raise FeedbackError(_("Choose a score from 1 to 5."), "score")
    text = comments.clean_body(comment, "comment")
    tallies.ensure_report_row(report_id)
    report = db.session.get(Report, report_id, populate_existing=True)
    user = db.session.get(User, user_id, populate_existing=True)
    if report is None or user is None or not report.is_published:
        raise FeedbackError(_("Only published reports can be rated."))
    block = why_cannot_rate(user, report, today)
    if block is not None:
        raise FeedbackError(refusal_message(block, report))
    tallies.ensure_term_row(report.term_id)
    rating = _mine(report_id, user_id)
    previous: int | None = None
    if rating is None:
        added = Rating(report_id=report_id, user_id=user_id, score=score)
        try:
            with db.session.begin_nested():
                db.session.add(added)
        except IntegrityError:
            # The same resident's other request got there first: change its row instead.
            rating = _mine(report_id, user_id)
            if rating is None:  # pragma: no cover - the unique constraint guarantees a row
                raise
            previous = rating.score
        else:
            rating = added
    else:
        previous = rating.score
    tallies.apply_change(report_id, report.term_id, previous, score)
    if previous is not None:
        rating.score, rating.updated_at = score, utcnow()
    written = None
    if text is not None:
        written = comments.add_rating_comment(report, user, text, score)
        rating.comment_id = written.id
    db.session.flush()
    audit.record(user, "rating.rate", rating,
                 {"score": previous} if previous is not None else None,
                 {"score": score, "report_id": report_id,
                  "comment_id": written.id if written else None})
    return RatingOutcome(rating, previous, written)


def _mine(report_id: int, user_id: int) -> Rating | None:
    # FOR UPDATE (PostgreSQL): a second request of the same resident waits for the first, so
    # a change of mind is never counted twice. SQLite serialises writers anyway.
    return db.session.scalar(
        select(Rating).where(Rating.report_id == report_id, Rating.user_id == user_id)
        .with_for_update().execution_options(populate_existing=True)
    )


def refusal_message(block: RatingBlock, report: Report) -> str:
    place = place_of(report.term.rural_district.name)  # "residents of …": genitive in ru
    messages = {
        RatingBlock.SIGN_IN: _("Sign in to rate this report."),
        RatingBlock.OWN_REPORT: _("Akims do not rate their own reports."),
        RatingBlock.NOT_VERIFIED: _("Only verified residents of %(place)s can rate this "
                                    "report. Ask to be verified on your account page.",
                                    place=place),
        RatingBlock.OTHER_DISTRICT: _("Only verified residents of %(place)s can rate this "
                                      "report.", place=place),
        RatingBlock.NOT_CITIZEN: _("Ratings come from citizen accounts; this account's role "
                                   "does not rate reports."),
        RatingBlock.NOT_ADULT: _("Residents rate from the day they turn 18; your account "
                                 "page shows that day."),
    }
    closing = closes_on(report)
    messages[RatingBlock.CLOSED] = _("Ratings of this report closed on %(day)s.",
                                     day=date_text(closing) if closing else "—")
    return messages[block]
