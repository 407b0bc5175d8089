"""Mandatory reports: one row per period a term owes, frozen versions once published, files."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import JSONType, Model
from portal.modeling import Synthetic, UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from portal.accounts.models import User
    from portal.akims.models import Term
    from portal.promises.models import Promise
    from portal.uploads import StoredFile


class ReportState(enum.StrEnum):
    DRAFT = "draft"  # being written; private to the akim (and staff)
    SUBMITTED = "submitted"  # the text is final and locked, waiting to be published
    PUBLISHED = "published"  # public and immutable; corrections are new versions


class Timeliness(enum.StrEnum):
    """Derived from the due date and the first publication, never stored."""

    UPCOMING = "upcoming"  # not published, not yet due
    ON_TIME = "on_time"  # covered (see `covered_on`) on or before the due date
    LATE = "late"  # covered after the due date
    MISSING = "missing"  # the due date has passed and nothing covering the period is published
    # Published before the period ended and not yet followed by a version covering the whole
    # period, which is not due yet. Interim never discharges the period: once the due date
    # passes without a covering version the report is missing.
    INTERIM = "interim"


class MeetingObligation(enum.StrEnum):
    """Whether the meeting with residents a period asks for was held; derived, never stored."""

    HELD = "held"  # at least one meeting was held within the period
    OPEN = "open"  # none yet, and the period has not ended
    MISSED = "missed"  # the period ended without a meeting


# The text of a report, in the order the page shows it. Dates, numbers and links are kept
# apart from the Markdown so that they can be checked, compared and rolled up.
MARKDOWN_SECTIONS = ("summary", "promises_progress", "budget_execution", "meeting_questions",
                     "next_plans")
MEETING_FACTS = ("meeting_held_on", "meeting_place", "meeting_attendance",
                 "meeting_broadcast_url")
CONTENT_FIELDS = ("summary", "promises_progress", "budget_execution", *MEETING_FACTS,
                  "meeting_questions", "next_plans")
SECTION_MAX_CHARS = 50_000


class ReportContent:
    """The sections of a report: the draft's working copy, or a frozen published version."""

    summary: Mapped[str] = mapped_column(Text, default="")
    promises_progress: Mapped[str] = mapped_column(Text, default="")
    budget_execution: Mapped[str] = mapped_column(Text, default="")
    meeting_held_on: Mapped[date | None] = mapped_column(Date)
    meeting_place: Mapped[str] = mapped_column(String(300), default="")
    meeting_attendance: Mapped[int | None] = mapped_column(Integer)
    meeting_broadcast_url: Mapped[str] = mapped_column(String(500), default="")
    meeting_questions: Mapped[str] = mapped_column(Text, default="")
    next_plans: Mapped[str] = mapped_column(Text, default="")

    def content(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in CONTENT_FIELDS}

    @property
    def is_blank(self) -> bool:
        return all(value in (None, "") for value in self.content().values())


class Report(Synthetic, ReportContent, Model):
    """The report a term owes for one period. Created by the schedule, in draft, with no text."""

    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("term_id", "period_start"),
        CheckConstraint("period_end >= period_start", name="period_in_order"),
        CheckConstraint("meeting_attendance IS NULL OR meeting_attendance >= 0",
                        name="attendance_non_negative"),
        CheckConstraint(
            "(state = 'published') = (first_published_at IS NOT NULL)",
            name="published_has_date",
        ),
        CheckConstraint("current_version >= 0", name="version_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique (term_id, period_start) serves lookups by term.
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    # active_history: the guard must see the stored state even if it was never loaded.
    state: Mapped[ReportState] = mapped_column(str_enum(ReportState), default=ReportState.DRAFT,
                                               active_history=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The Almaty calendar day of the first publication and how late that was: stored once at
    # publication so that timeliness roll-ups are plain comparisons on any database.
    first_published_on: Mapped[date | None] = mapped_column(Date)
    # The Almaty day the first version covering the whole period was published: a version
    # published after `period_end`. A report published earlier is interim and does not
    # discharge the period until then (NULL meanwhile). `days_late` is how late that came.
    covered_on: Mapped[date | None] = mapped_column(Date, active_history=True)
    days_late: Mapped[int | None] = mapped_column(Integer, active_history=True)
    current_version: Mapped[int] = mapped_column(Integer, default=0)

    term: Mapped[Term] = relationship()
    versions: Mapped[list[ReportVersion]] = relationship(
        back_populates="report", order_by="ReportVersion.number"
    )
    attachments: Mapped[list[ReportAttachment]] = relationship(
        back_populates="report", order_by="ReportAttachment.id"
    )

    @property
    def is_published(self) -> bool:
        return self.state == ReportState.PUBLISHED

    @property
    def is_draft(self) -> bool:
        return self.state == ReportState.DRAFT

    @property
    def is_interim(self) -> bool:
        """Published, but only before the period ended: the period is not yet discharged."""
        return self.is_published and self.covered_on is None

    def __repr__(self) -> str:
        return f"<Report {self.id} term={self.term_id} {self.period_start} {self.state}>"


class ReportVersion(Synthetic, ReportContent, Model):
    """A published text, frozen. Version 1 at publication; each correction adds the next one.

    Rows are never updated or deleted: an ORM guard (`portal.reports.guards`) and a database
    trigger (see the migration) both refuse it.
    """

    __tablename__ = "report_version"
    __table_args__ = (
        UniqueConstraint("report_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("number = 1 OR reason IS NOT NULL", name="amendment_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))  # unique (report, number)
    number: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)  # why it was corrected; None for version 1
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    report: Mapped[Report] = relationship(back_populates="versions")
    author: Mapped[User | None] = relationship()

    @property
    def is_amendment(self) -> bool:
        return self.number > 1

    def __repr__(self) -> str:
        return f"<ReportVersion report={self.report_id} v{self.number}>"


class ReportChanges(Model):
    """What a correction changed, marked once by the job worker after it was published
    (`portal.reports.changes`), so the "changes" page only reads it.

    `runs` holds, for each changed field, the runs of `portal.reports.diffing.opcodes` over
    the two texts' tokens (no HTML: the page escapes and marks the text itself). `method`
    names the tokens and the comparison that made them; a row made by another method is
    ignored and the page compares the versions itself.
    """

    __tablename__ = "report_changes"

    version_id: Mapped[int] = mapped_column(ForeignKey("report_version.id"), primary_key=True)
    method: Mapped[int] = mapped_column(Integer)
    runs: Mapped[dict[str, list[list[Any]]]] = mapped_column(JSONType)
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReportAttachment(Synthetic, Model):
    """A file attached to a report. Private while the report is unpublished; public after.

    `added_in_version` is None while the report is a draft, 1 for files published with the
    report, N for a file added by the correction that made version N. A published file is never
    removed: a correction may add files, not take them away.
    """

    __tablename__ = "report_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), unique=True)
    added_in_version: Mapped[int | None] = mapped_column(Integer, active_history=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    report: Mapped[Report] = relationship(back_populates="attachments")
    stored_file: Mapped[StoredFile] = relationship(lazy="joined")

    @property
    def is_published(self) -> bool:
        return self.added_in_version is not None

    @property
    def term(self) -> Term:
        """The report's term: whose file it is, for the permission rules."""
        return self.report.term


class ReportTextStash(Model):
    """Text posted to an editor by a browser whose sign-in had expired, kept for a week so
    that signing in again brings it back to that browser (`portal.reports.stash`).
    `token_hash` is the hash of that browser's stash key and the report: one per pair."""

    __tablename__ = "report_text_stash"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"),
                                           index=True)
    values: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class ReportPromiseEntry(Synthetic, Model):
    """One promise of the term's programme in a report's progress on promises: the akim's
    claim, a short text and an evidence link (`portal.reports.promise_entries`).

    Entries are versioned with the report's text, as its files are: `since_version` is None
    while the report is unpublished, 1 for entries published with it, N for an entry a
    correction (version N) brought in; `until_version` is the correction that replaced it
    (None while it is current). A published entry is never edited or deleted
    (`portal.reports.guards`): version V shows the entries with since <= V < until.
    """

    __tablename__ = "report_promise_entry"
    __table_args__ = (
        # One current entry per promise of a report; replaced ones stay beside it.
        Index("uq_report_promise_entry_current", "report_id", "promise_id", unique=True,
              sqlite_where=sql_text("until_version IS NULL"),
              postgresql_where=sql_text("until_version IS NULL")),
        CheckConstraint("until_version IS NULL OR until_version > since_version",
                        name="replaced_after_published"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))  # see the partial index
    promise_id: Mapped[int] = mapped_column(ForeignKey("promise.id"), index=True)
    claim: Mapped[str] = mapped_column(String(32))  # a PromiseStatus value
    text: Mapped[str] = mapped_column(Text, default="")
    evidence_url: Mapped[str] = mapped_column(String(500), default="")
    since_version: Mapped[int | None] = mapped_column(Integer, active_history=True)
    until_version: Mapped[int | None] = mapped_column(Integer, active_history=True)

    report: Mapped[Report] = relationship()
    promise: Mapped[Promise] = relationship()

    @property
    def term(self) -> Term:
        return self.report.term

    @property
    def claim_status(self) -> Any:
        from portal.promises.models import PromiseStatus

        return PromiseStatus(self.claim)
