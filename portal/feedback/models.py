"""Ratings with their maintained tallies, comments with official replies, and complaints.

One rating per resident per report (a unique constraint); the tallies per report and per
term are changed in the same transaction as the rating, by relative UPDATEs, and are what
pages read. `flask feedback reconcile` checks them against the rating rows.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model, db
from portal.modeling import Synthetic, UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from portal.accounts.models import User
    from portal.akims.models import Term

SCORES = (1, 2, 3, 4, 5)
COMMENT_MAX_CHARS = 2_000
HIDE_REASON_MAX_CHARS = 300


class CommentStatus(enum.StrEnum):
    VISIBLE = "visible"
    HIDDEN_PENDING = "hidden_pending"  # hidden automatically after N complaints, until reviewed
    HIDDEN = "hidden"  # hidden by a moderator, with a public reason
    RESTORED = "restored"  # shown again by a moderator after being hidden


SHOWN_STATUSES = (CommentStatus.VISIBLE, CommentStatus.RESTORED)


class ComplaintReason(enum.StrEnum):
    SPAM = "spam"
    ABUSE = "abuse"
    PERSONAL_DATA = "personal_data"
    OFF_TOPIC = "off_topic"


class TallyColumns:
    """Count, sum and the distribution of scores; count and sum always agree with it."""

    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    rating_sum: Mapped[int] = mapped_column(Integer, default=0)
    rating_1: Mapped[int] = mapped_column(Integer, default=0)
    rating_2: Mapped[int] = mapped_column(Integer, default=0)
    rating_3: Mapped[int] = mapped_column(Integer, default=0)
    rating_4: Mapped[int] = mapped_column(Integer, default=0)
    rating_5: Mapped[int] = mapped_column(Integer, default=0)


def _tally_checks() -> tuple[CheckConstraint, ...]:
    return (
        CheckConstraint("rating_1 >= 0 AND rating_2 >= 0 AND rating_3 >= 0 AND rating_4 >= 0"
                        " AND rating_5 >= 0", name="non_negative"),
        CheckConstraint("rating_count = rating_1 + rating_2 + rating_3 + rating_4 + rating_5",
                        name="count_matches"),
        CheckConstraint("rating_sum = rating_1 + 2 * rating_2 + 3 * rating_3 + 4 * rating_4"
                        " + 5 * rating_5", name="sum_matches"),
    )


class ReportRatingTally(TallyColumns, Model):
    """The ratings of one report, kept current with every vote (a row appears with the first).

    A table of its own rather than columns on `report`: votes then never contend with the
    akim's edits of the report row, and the reports domain stays unaware of ratings."""

    __tablename__ = "report_rating_tally"
    __table_args__ = _tally_checks()

    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"),
                                           primary_key=True)


class TermRatingTally(TallyColumns, Model):
    """All ratings of all reports of one term: what the profile, the API and PDFs show."""

    __tablename__ = "term_rating_tally"
    __table_args__ = _tally_checks()

    term_id: Mapped[int] = mapped_column(ForeignKey("term.id", ondelete="CASCADE"),
                                         primary_key=True)


class Rating(Synthetic, Model):
    """A verified resident's score for a published report. Rating again changes this row."""

    __tablename__ = "rating"
    __table_args__ = (
        UniqueConstraint("report_id", "user_id"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique (report_id, user_id) serves lookups by report.
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    score: Mapped[int] = mapped_column(SmallInteger)
    # The latest comment written with the rating, if any (moderated like any comment).
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<Rating report={self.report_id} user={self.user_id} {self.score}>"


class Comment(Synthetic, Model):
    """A comment on a report or a promise, or the akim's official reply to one.

    `term_id` is the term that owns the report or promise: the akim who may reply officially
    and whose dashboard lists what awaits a reply. `is_resident` is a snapshot taken when the
    comment was posted."""

    __tablename__ = "comment"
    __table_args__ = (
        CheckConstraint("(report_id IS NULL AND promise_id IS NOT NULL)"
                        " OR (report_id IS NOT NULL AND promise_id IS NULL)",
                        name="one_target"),
        CheckConstraint("parent_id IS NULL OR is_official", name="replies_are_official"),
        CheckConstraint("(status = 'hidden') = (hidden_reason IS NOT NULL)",
                        name="hidden_has_reason"),
        CheckConstraint("length(body) BETWEEN 1 AND 2000", name="body_length"),
        CheckConstraint("rating_score IS NULL OR rating_score BETWEEN 1 AND 5",
                        name="rating_score_range"),
        CheckConstraint("open_complaints >= 0 AND complaint_count >= open_complaints",
                        name="complaints_counted"),
        # A thread's page: its top-level comments newest first, read in index order and
        # stopped after one page, however long the thread.
        Index("ix_comment_report_thread", "report_id", "parent_id", "created_at", "id"),
        Index("ix_comment_promise_thread", "promise_id", "parent_id", "created_at", "id"),
        Index("ix_comment_term_awaiting", "term_id", "answered_at"),
        # The moderators' queue: few rows, found without scanning every comment.
        Index("ix_comment_needs_review", "created_at",
              sqlite_where=db.text("status = 'hidden_pending' OR open_complaints > 0"),
              postgresql_where=db.text("status = 'hidden_pending' OR open_complaints > 0")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"))
    promise_id: Mapped[int | None] = mapped_column(
        ForeignKey("promise.id", ondelete="CASCADE"))
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    is_resident: Mapped[bool] = mapped_column(Boolean, default=False)
    is_official: Mapped[bool] = mapped_column(Boolean, default=False)
    rating_score: Mapped[int | None] = mapped_column(SmallInteger)  # given with this comment
    status: Mapped[CommentStatus] = mapped_column(str_enum(CommentStatus),
                                                  default=CommentStatus.VISIBLE)
    hidden_reason: Mapped[str | None] = mapped_column(String(HIDE_REASON_MAX_CHARS))
    complaint_count: Mapped[int] = mapped_column(Integer, default=0)
    open_complaints: Mapped[int] = mapped_column(Integer, default=0)  # since the last review
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # first official reply
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    moderated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    term: Mapped[Term] = relationship()
    parent: Mapped[Comment | None] = relationship(remote_side=[id])

    @property
    def is_shown(self) -> bool:
        return self.status in SHOWN_STATUSES

    def __repr__(self) -> str:
        return f"<Comment {self.id} {self.status}>"


class CommentComplaint(Synthetic, Model):
    """Someone signed in reported a comment to the moderators, once per person and comment."""

    __tablename__ = "comment_complaint"
    __table_args__ = (UniqueConstraint("comment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    reason: Mapped[ComplaintReason] = mapped_column(str_enum(ComplaintReason))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
