"""Set-based readers of ratings and comments for pages, the API, PDFs and the recall rules.

Every reader is one query (comment threads: two) whatever the number of terms or ratings: the
rating readers read the maintained tallies, never the rating rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.akims.models import Term
from portal.extensions import db
from portal.feedback.models import (
    SHOWN_STATUSES,
    Comment,
    CommentComplaint,
    CommentStatus,
    ComplaintReason,
    Rating,
    ReportRatingTally,
    TermRatingTally,
)
from portal.feedback.tallies import NO_RATINGS, TALLY_COLUMNS, RatingSummary, summary_from
from portal.promises.models import Promise
from portal.reports.models import Report, ReportState

# ----------------------------------------------------------------------------- ratings


def _tally(model: Any) -> list[Any]:
    return [getattr(model, name) for name in TALLY_COLUMNS]


def rating_statement(ids: Sequence[int]) -> Select[Any]:
    """Term id, then the tally columns `summary_from` reads (`portal.figures` joins it with
    the other figures' statements into one query)."""
    return (select(TermRatingTally.term_id, *_tally(TermRatingTally))
            .where(TermRatingTally.term_id.in_(ids)))


def rating_summaries_for_terms(term_ids: Iterable[int]) -> dict[int, RatingSummary]:
    """Count, average and distribution of all ratings of each term's reports. One query;
    every id asked for is in the result (NO_RATINGS when nobody rated yet)."""
    ids = sorted(set(term_ids))
    result = dict.fromkeys(ids, NO_RATINGS)
    if ids:
        for term_id, *values in db.session.execute(rating_statement(ids)):
            result[term_id] = summary_from(values)
    return result


def rating_summaries_for_reports(report_ids: Iterable[int]) -> dict[int, RatingSummary]:
    """The same per report (lists of reports, the API). One query."""
    ids = sorted(set(report_ids))
    result = dict.fromkeys(ids, NO_RATINGS)
    if ids:
        rows = db.session.execute(select(ReportRatingTally.report_id,
                                         *_tally(ReportRatingTally))
                                  .where(ReportRatingTally.report_id.in_(ids)))
        for report_id, *values in rows:
            result[report_id] = summary_from(values)
    return result


def rating_distribution_for_report(report_id: int) -> RatingSummary:
    return rating_summaries_for_reports([report_id])[report_id]


@dataclass(frozen=True)
class RatingWindow:
    """The ratings of a term's most recent published reports, added together."""

    count: int
    total: int
    report_ids: tuple[int, ...]

    @property
    def average(self) -> Decimal | None:
        """Exact enough for thresholds (`average < 2.5`); None when nobody rated."""
        return Decimal(self.total) / Decimal(self.count) if self.count else None


def recent_report_ratings_for_terms(term_ids: Iterable[int], reports: int = 2,
                                    as_of: date | None = None) -> dict[int, RatingWindow]:
    """For each term, the ratings of its last `reports` published reports (by period; only
    reports first published on or before `as_of` when given). One query.

    Counts come from the maintained tallies, so they are the ratings as they stand now. Every
    rating was cast by a verified resident of the district (the service refuses others). When a
    resident's verification ends later (they move away, or an administrator revokes it), their
    earlier ratings still count: they were eligible when they rated. Ratings close
    RATING_WINDOW_DAYS after publication, so for an `as_of` past that the numbers no longer move.
    """
    ids = sorted(set(term_ids))
    result = {term_id: RatingWindow(0, 0, ()) for term_id in ids}
    if not ids or reports < 1:
        return result
    conditions = [Report.term_id.in_(ids), Report.state == ReportState.PUBLISHED]
    if as_of is not None:
        conditions.append(Report.first_published_on <= as_of)
    ranked = (
        select(Report.id.label("report_id"), Report.term_id.label("term_id"),
               func.row_number().over(partition_by=Report.term_id,
                                      order_by=(Report.period_start.desc(), Report.id.desc()))
               .label("position"))
        .where(*conditions)
        .subquery()
    )
    statement = (
        select(ranked.c.term_id, ranked.c.report_id, ReportRatingTally.rating_count,
               ReportRatingTally.rating_sum)
        .outerjoin(ReportRatingTally, ReportRatingTally.report_id == ranked.c.report_id)
        .where(ranked.c.position <= reports)
        .order_by(ranked.c.term_id, ranked.c.position)
    )
    gathered: dict[int, list[Any]] = {}
    for term_id, report_id, count, total in db.session.execute(statement):
        entry = gathered.setdefault(term_id, [0, 0, []])
        entry[0] += int(count or 0)
        entry[1] += int(total or 0)
        entry[2].append(report_id)
    for term_id, (count, total, report_list) in gathered.items():
        result[term_id] = RatingWindow(count, total, tuple(report_list))
    return result


def report_rating_state(report_id: int, user_id: int | None) -> tuple[RatingSummary, int | None]:
    """The report's tally and the viewer's own score, in one query."""
    mine = (select(Rating.score)
            .where(Rating.report_id == report_id, Rating.user_id == (user_id or -1))
            .scalar_subquery())
    row = db.session.execute(select(*_tally(ReportRatingTally), mine)
                             .where(ReportRatingTally.report_id == report_id)).first()
    if row is None:  # the tally row comes with the first rating: nobody rated yet
        return NO_RATINGS, None
    return summary_from(row[:-1]), row[-1]


# ----------------------------------------------------------------------------- comments


@dataclass(frozen=True)
class CommentView:
    """A comment as a page shows it (plain values: no lazy loads from templates)."""

    id: int
    parent_id: int | None
    author_id: int | None
    author_name: str | None
    body: str
    is_resident: bool
    is_official: bool
    rating_score: int | None
    status: CommentStatus
    hidden_reason: str | None
    created_at: datetime
    answered_at: datetime | None

    @property
    def is_shown(self) -> bool:
        return self.status in SHOWN_STATUSES


@dataclass
class CommentThread:
    """One page of top-level comments (newest first), each with its replies (oldest first)."""

    items: list[tuple[CommentView, list[CommentView]]]
    page: int
    per_page: int
    total: int
    replies_shown: int = field(default=0)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


_VIEW_COLUMNS = (Comment.id, Comment.parent_id, Comment.author_id, User.display_name,
                 Comment.body, Comment.is_resident, Comment.is_official, Comment.rating_score,
                 Comment.status, Comment.hidden_reason, Comment.created_at, Comment.answered_at)


def _view(row: Any) -> CommentView:
    values = list(row[:len(_VIEW_COLUMNS)])
    values[8] = CommentStatus(values[8])
    return CommentView(*values)


def comment_thread(kind: str, target_id: int, page: int = 1, per_page: int = 20) -> CommentThread:
    """Comments on a report or a promise: the page of top-level ones with their count (one
    query), then their replies (one query).

    The count is a subquery rather than a window over the rows: a window would read the whole
    thread, while the page alone is read in index order and stops after `per_page` rows."""
    column = Comment.report_id if kind == "report" else Comment.promise_id
    top_level = (column == target_id, Comment.parent_id.is_(None))
    counted = select(func.count()).select_from(Comment).where(*top_level).scalar_subquery()
    statement = (
        select(*_VIEW_COLUMNS, counted.label("total"))
        .outerjoin(User, User.id == Comment.author_id)
        .where(*top_level)
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(per_page)
    )
    page = max(1, page)
    rows: list[Any] = list(db.session.execute(statement.offset((page - 1) * per_page)))
    if not rows and page > 1:  # past the end: show the first page
        page = 1
        rows = list(db.session.execute(statement))
    top = [_view(row) for row in rows]
    total = int(rows[0][-1]) if rows else 0
    replies: dict[int, list[CommentView]] = {comment.id: [] for comment in top}
    if top:
        reply_rows = db.session.execute(
            select(*_VIEW_COLUMNS).outerjoin(User, User.id == Comment.author_id)
            .where(Comment.parent_id.in_(list(replies)))
            .order_by(Comment.created_at, Comment.id))
        for row in reply_rows:
            reply = _view(row)
            replies[reply.parent_id or 0].append(reply)
    return CommentThread([(comment, replies[comment.id]) for comment in top], page, per_page,
                         total, sum(len(items) for items in replies.values()))


@dataclass(frozen=True)
class AwaitingReply:
    """A resident's comment on the akim's report or promise that has no official reply yet."""

    id: int
    report_id: int | None
    promise_id: int | None
    body: str
    is_resident: bool
    created_at: datetime
    period_start: date | None
    period_end: date | None
    promise_number: int | None
    promise_title: str | None


def awaiting_reply(term_id: int, limit: int = 10,
                   offset: int = 0) -> tuple[list[AwaitingReply], int]:
    """Comments waiting for the akim's official reply, newest first (a page of `limit` from
    `offset`), and how many wait. One query (two on a page past the end)."""
    statement = (
        select(Comment.id, Comment.report_id, Comment.promise_id, Comment.body,
               Comment.is_resident, Comment.created_at, Report.period_start, Report.period_end,
               Promise.number, Promise.title, func.count().over())
        .outerjoin(Report, Report.id == Comment.report_id)
        .outerjoin(Promise, Promise.id == Comment.promise_id)
        .where(Comment.term_id == term_id, Comment.answered_at.is_(None),
               Comment.parent_id.is_(None), Comment.is_official.is_(False),
               Comment.status.in_(SHOWN_STATUSES))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(limit).offset(offset)
    )
    rows: list[Any] = list(db.session.execute(statement))
    if not rows and offset:
        # Past the last page: say how many wait all the same.
        return [], awaiting_reply(term_id, 1)[1]
    return [AwaitingReply(*row[:-1]) for row in rows], int(rows[0][-1]) if rows else 0


# ----------------------------------------------------------------------------- moderation


@dataclass(frozen=True)
class Subject:
    """What a comment is about, for a link: a report's period or a promise's number and title."""

    period_start: date | None
    period_end: date | None
    promise_number: int | None
    promise_title: str | None


def with_subjects(rows: Iterable[Any]) -> list[tuple[Comment, Subject]]:
    """Rows of `moderation_queue` or `recently_hidden` as (comment, subject) pairs."""
    return [(row[0], Subject(*row[1:5])) for row in rows]


def moderation_queue() -> Any:
    """Comments hidden by complaints (first) and shown ones with complaints not yet reviewed,
    with what they are about; a select for `paginate(..., scalars=False)`."""
    return (
        select(Comment, Report.period_start, Report.period_end, Promise.number, Promise.title)
        .options(joinedload(Comment.author), joinedload(Comment.term).joinedload(Term.akim),
                 joinedload(Comment.term).joinedload(Term.rural_district))
        .outerjoin(Report, Report.id == Comment.report_id)
        .outerjoin(Promise, Promise.id == Comment.promise_id)
        .where(or_(Comment.status == CommentStatus.HIDDEN_PENDING, Comment.open_complaints > 0))
        .order_by(case((Comment.status == CommentStatus.HIDDEN_PENDING, 0), else_=1),
                  Comment.open_complaints.desc(), Comment.created_at, Comment.id)
    )


def complaint_reasons(comment_ids: Iterable[int]) -> dict[int, dict[ComplaintReason, int]]:
    """How many complaints of each reason every comment has. One query."""
    ids = sorted(set(comment_ids))
    result: dict[int, dict[ComplaintReason, int]] = {comment_id: {} for comment_id in ids}
    if ids:
        rows = db.session.execute(
            select(CommentComplaint.comment_id, CommentComplaint.reason, func.count())
            .where(CommentComplaint.comment_id.in_(ids))
            .group_by(CommentComplaint.comment_id, CommentComplaint.reason))
        for comment_id, reason, count in rows:
            result[comment_id][ComplaintReason(reason)] = int(count)
    return result


def recently_hidden(limit: int = 20) -> list[Any]:
    """Comments moderators hid, most recent decision first, so a mistake can be undone."""
    return list(db.session.execute(
        select(Comment, Report.period_start, Report.period_end, Promise.number, Promise.title)
        .options(joinedload(Comment.author))
        .outerjoin(Report, Report.id == Comment.report_id)
        .outerjoin(Promise, Promise.id == Comment.promise_id)
        .where(Comment.status == CommentStatus.HIDDEN)
        .order_by(Comment.moderated_at.desc(), Comment.id.desc())
        .limit(limit)
    ))
