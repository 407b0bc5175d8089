"""A meeting of an akim with residents, and the questions raised at it.

Decree No. 826 of 3 March 2022 has akims report to residents at meetings (see
`portal.reports.policy.MEETING_POLICY` for how often). The akim schedules a meeting in advance
(when and where), records it once held (attendance, minutes, video), and each question raised
with its answer, who is responsible and by when; a question is closed later, with evidence.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.modeling import Synthetic, UTCDateTime, as_utc, str_enum, utcnow

if TYPE_CHECKING:
    from portal.akims.models import Term
    from portal.geo.models import Settlement
    from portal.uploads import StoredFile


class MeetingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"  # announced, not yet held
    HELD = "held"  # took place; attendance recorded
    CANCELLED = "cancelled"


class QuestionStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # closed with evidence of what was done


class Meeting(Synthetic, Model):
    __tablename__ = "meeting"
    __table_args__ = (
        CheckConstraint("attendance IS NULL OR attendance >= 0", name="attendance_non_negative"),
        CheckConstraint("status <> 'held' OR attendance IS NOT NULL", name="held_has_attendance"),
        CheckConstraint("announced_at <= starts_at", name="announced_in_advance"),
        Index("ix_meeting_term_starts", "term_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id"))
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlement.id"), index=True)
    place: Mapped[str] = mapped_column(String(300))  # the building or address in the village
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    announced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[MeetingStatus] = mapped_column(str_enum(MeetingStatus),
                                                  default=MeetingStatus.SCHEDULED)
    attendance: Mapped[int | None] = mapped_column(Integer)
    video_url: Mapped[str] = mapped_column(String(500), default="")
    minutes_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"),
                                                        unique=True)
    # The akim moved an announced meeting (time, village or place): when, last. The page says
    # so and the audit trail holds each before and after.
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A cancelled meeting stays on the page, in the feeds and the API with when and why; it is
    # never deleted (`services.cancel` requires the reason).
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Each change or cancellation adds one: the iCalendar SEQUENCE (RFC 5545 3.8.7.4), so
    # calendars that hold the meeting take the new version.
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    term: Mapped[Term] = relationship()
    settlement: Mapped[Settlement] = relationship()
    minutes_file: Mapped[StoredFile | None] = relationship()
    questions: Mapped[list[MeetingQuestion]] = relationship(
        back_populates="meeting", order_by="MeetingQuestion.id")

    @property
    def is_held(self) -> bool:
        return self.status == MeetingStatus.HELD

    @property
    def starts(self) -> datetime:
        """`starts_at` as an aware UTC moment, whatever the database hands back."""
        value = as_utc(self.starts_at)
        assert value is not None  # noqa: S101 - the column is not nullable
        return value

    @property
    def is_scheduled(self) -> bool:
        return self.status == MeetingStatus.SCHEDULED

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def last_modified(self) -> datetime:
        """When the announcement last changed (announced, moved or cancelled), aware UTC."""
        moments = [as_utc(value) for value in (self.announced_at, self.changed_at,
                                                self.cancelled_at) if value is not None]
        return max(moment for moment in moments if moment is not None)

    @property
    def announced(self) -> datetime:
        value = as_utc(self.announced_at)
        assert value is not None  # noqa: S101 - the column is not nullable
        return value


class MeetingQuestion(Synthetic, Model):
    __tablename__ = "meeting_question"
    __table_args__ = (
        CheckConstraint("status <> 'closed' OR (closed_on IS NOT NULL AND evidence <> '')",
                        name="closed_has_evidence"),
        Index("ix_meeting_question_open", "status", "meeting_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")
    responsible: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[QuestionStatus] = mapped_column(str_enum(QuestionStatus),
                                                   default=QuestionStatus.OPEN)
    closed_on: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")  # what was done, with links
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="questions")

    @property
    def term(self) -> Term:
        """The meeting's term: whose question it is, for the permission rules."""
        return self.meeting.term
