"""Promises of a term's programme, their timeline of claims and verdicts, amendments and votes.

Three things are kept apart, as peer systems taught: the akim's claimed status (with a numeric
progress), the independent verified verdict, and residents' confirm/dispute counts. The
current values are denormalised on `Promise` and changed only by the services in
`portal.promises.transitions` and `portal.promises.votes`.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Role
from portal.akims.models import Term
from portal.budgets.models import BudgetFunction
from portal.extensions import JSONType, Model
from portal.geo.models import Settlement
from portal.modeling import Synthetic, UTCDateTime, str_enum, utcnow
from portal.uploads import StoredFile

if TYPE_CHECKING:
    from portal.accounts.models import User


class PromiseCategory(enum.StrEnum):
    """The 12 areas of the System of Regional Standards, then three more."""

    EDUCATION = "education"
    HEALTHCARE = "healthcare"
    SOCIAL_SECURITY = "social_security"
    CULTURE_SPORTS = "culture_sports"
    RECREATION = "recreation"
    TRANSPORT = "transport"
    ROADS = "roads"
    ENGINEERING = "engineering"  # water, gas, power, heating, sewerage
    SAFETY = "safety"
    ENVIRONMENT = "environment"
    INFOCOMMUNICATIONS = "infocommunications"
    HOUSEHOLD_SERVICES = "household_services"
    ECONOMY_JOBS = "economy_jobs"
    LOCAL_GOVERNANCE = "local_governance"
    OTHER = "other"


class FundingSource(enum.StrEnum):
    RURAL_DISTRICT_BUDGET = "rural_district_budget"
    DISTRICT_BUDGET = "district_budget"
    AUYL_EL_BESIGI = "auyl_el_besigi"
    AUYL_AMANATY = "auyl_amanaty"
    SPONSOR = "sponsor"
    OTHER = "other"


class PromiseStatus(enum.StrEnum):
    NOT_YET_RATED = "not_yet_rated"  # the default: never "no action"
    IN_PROGRESS = "in_progress"
    STALLED = "stalled"
    PARTIALLY_KEPT = "partially_kept"
    KEPT = "kept"
    BROKEN = "broken"
    NOT_VERIFIABLE = "not_verifiable"
    OUTSIDE_COMPETENCE = "outside_competence"
    WITHDRAWN = "withdrawn"


class BrokenReason(enum.StrEnum):
    NO_FUNDING = "no_funding"
    OUTSIDE_COMPETENCE = "outside_competence"
    BLOCKED_BY_HIGHER_AUTHORITY = "blocked_by_higher_authority"
    CHANGED_POSITION = "changed_position"
    FORCE_MAJEURE = "force_majeure"
    OTHER = "other"


class UpdateKind(enum.StrEnum):
    CLAIM = "claim"  # the akim's progress update or status claim
    VERDICT = "verdict"  # an independent verdict by a moderator or parliamentary staff
    REOPEN = "reopen"  # a verifier reopened a closed claim so the akim can report again


class AmendmentKind(enum.StrEnum):
    ADDED = "added"  # a promise added after the baseline froze
    EDITED = "edited"  # a baseline promise changed after the freeze


class VoteChoice(enum.StrEnum):
    CONFIRM = "confirm"
    DISPUTE = "dispute"


def _named(enum_class: type[enum.StrEnum], name: str) -> SAEnum:
    """`str_enum` with its own constraint name: a table with two columns of one enum needs
    two CHECK constraints with different names (PostgreSQL refuses duplicates)."""
    column_type = str_enum(enum_class)
    column_type.name = name
    return column_type


def _broken_needs_reason(status: str, reason: str) -> str:
    """SQL: a reason exactly when the status is broken (a NULL status carries none)."""
    return (f"({status} = 'broken' AND {reason} IS NOT NULL)"
            f" OR (({status} IS NULL OR {status} <> 'broken') AND {reason} IS NULL)")


class Programme(Synthetic, Model):
    """A term's programme. Its baseline freezes on `baseline_date` (see docs/promises.md)."""

    __tablename__ = "promise_programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id"), unique=True)
    # The day the registered programme becomes the baseline: the term's first day when it was
    # entered before then, else the day the akim registered it. None: a draft, not registered.
    baseline_date: Mapped[date | None] = mapped_column(Date)
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    term: Mapped[Term] = relationship()

    def is_frozen(self, today: date) -> bool:
        return self.baseline_date is not None and self.baseline_date <= today


promise_settlement = Table(
    "promise_settlement",
    Model.metadata,
    Column("promise_id", ForeignKey("promise.id", ondelete="CASCADE"), primary_key=True),
    Column("settlement_id", ForeignKey("settlement.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Promise(Synthetic, Model):
    __tablename__ = "promise"
    __table_args__ = (
        CheckConstraint("claimed_progress >= 0 AND claimed_progress <= 100",
                        name="progress_percent"),
        CheckConstraint("cost_estimate IS NULL OR cost_estimate >= 0", name="cost_non_negative"),
        CheckConstraint(_broken_needs_reason("claimed_status", "claimed_broken_reason"),
                        name="claimed_broken_reason"),
        CheckConstraint(_broken_needs_reason("verified_status", "verified_broken_reason"),
                        name="verified_broken_reason"),
        CheckConstraint("confirm_count >= 0 AND dispute_count >= 0", name="votes_non_negative"),
        Index("ix_promise_term_status", "term_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id"))  # see ix_promise_term_status
    number: Mapped[int] = mapped_column(Integer)  # its place in the programme, from 1
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(2), default="kk")  # the text's language
    category: Mapped[PromiseCategory] = mapped_column(str_enum(PromiseCategory))
    deadline: Mapped[date] = mapped_column(Date)
    original_deadline: Mapped[date] = mapped_column(Date)  # as in the baseline or when added
    cost_estimate: Mapped[int | None] = mapped_column(BigInteger)  # whole tenge
    funding_source: Mapped[FundingSource | None] = mapped_column(str_enum(FundingSource))
    # The functional group of the rural district's budget that pays for it (the portal
    # records spending by group, not by budget programme: docs/budgets.md). None: not stated.
    budget_function_id: Mapped[int | None] = mapped_column(ForeignKey("budget_function.id"),
                                                           index=True)
    inherited: Mapped[bool] = mapped_column(Boolean, default=False)  # from a predecessor
    in_baseline: Mapped[bool] = mapped_column(Boolean, default=True)  # False: added later
    # The akim's current claim.
    claimed_status: Mapped[PromiseStatus] = mapped_column(
        _named(PromiseStatus, "claimed_status"), default=PromiseStatus.NOT_YET_RATED)
    claimed_progress: Mapped[int] = mapped_column(Integer, default=0)
    claimed_broken_reason: Mapped[BrokenReason | None] = mapped_column(
        _named(BrokenReason, "claimed_reason"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The independent verdict; None: not verified yet.
    verified_status: Mapped[PromiseStatus | None] = mapped_column(
        _named(PromiseStatus, "verified_status"))
    verified_broken_reason: Mapped[BrokenReason | None] = mapped_column(
        _named(BrokenReason, "verified_reason"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What indicators count: the verdict where there is one, else the claim.
    status: Mapped[PromiseStatus] = mapped_column(
        str_enum(PromiseStatus), default=PromiseStatus.NOT_YET_RATED)
    # Residents' answers to the current claim (mirrors that claim's counts).
    confirm_count: Mapped[int] = mapped_column(Integer, default=0)
    dispute_count: Mapped[int] = mapped_column(Integer, default=0)
    amendment_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    term: Mapped[Term] = relationship()
    budget_function: Mapped[BudgetFunction | None] = relationship()
    settlements: Mapped[list[Settlement]] = relationship(
        secondary=promise_settlement, order_by=Settlement.kato)
    updates: Mapped[list[PromiseUpdate]] = relationship(
        back_populates="promise", order_by=lambda: [PromiseUpdate.created_at, PromiseUpdate.id],
        cascade="all, delete-orphan", passive_deletes=True)
    amendments: Mapped[list[PromiseAmendment]] = relationship(
        back_populates="promise",
        order_by=lambda: [PromiseAmendment.created_at, PromiseAmendment.id],
        cascade="all, delete-orphan", passive_deletes=True)

    @property
    def rural_district_id(self) -> int:
        """For the permission rules: the rural district whose residents may vote."""
        return self.term.rural_district_id

    def is_overdue(self, today: date) -> bool:
        from portal.promises.rules import OPEN_STATUSES

        return self.deadline < today and self.status in OPEN_STATUSES

    def __repr__(self) -> str:
        return f"<Promise {self.id} term={self.term_id} {self.status}>"


class PromiseUpdate(Synthetic, Model):
    """One entry of a promise's public timeline: a claim, a verdict or a reopening."""

    __tablename__ = "promise_update"
    __table_args__ = (
        CheckConstraint("progress IS NULL OR (progress >= 0 AND progress <= 100)",
                        name="progress_percent"),
        CheckConstraint(_broken_needs_reason("status", "broken_reason"), name="broken_reason"),
        CheckConstraint("confirm_count >= 0 AND dispute_count >= 0", name="votes_non_negative"),
        Index("ix_promise_update_promise_created", "promise_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    promise_id: Mapped[int] = mapped_column(ForeignKey("promise.id", ondelete="CASCADE"))
    kind: Mapped[UpdateKind] = mapped_column(str_enum(UpdateKind))
    status: Mapped[PromiseStatus] = mapped_column(str_enum(PromiseStatus))
    previous_status: Mapped[PromiseStatus | None] = mapped_column(
        _named(PromiseStatus, "previous_status"))
    progress: Mapped[int | None] = mapped_column(Integer)  # claims only
    broken_reason: Mapped[BrokenReason | None] = mapped_column(str_enum(BrokenReason))
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str | None] = mapped_column(String(500))  # verdicts: where it was checked
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    author_role: Mapped[Role] = mapped_column(str_enum(Role))  # shown instead of a name
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirm_count: Mapped[int] = mapped_column(Integer, default=0)
    dispute_count: Mapped[int] = mapped_column(Integer, default=0)

    promise: Mapped[Promise] = relationship(back_populates="updates")
    evidence: Mapped[list[PromiseEvidence]] = relationship(
        back_populates="update", order_by="PromiseEvidence.id",
        cascade="all, delete-orphan", passive_deletes=True)

    @property
    def is_claim(self) -> bool:
        return self.kind == UpdateKind.CLAIM

    @property
    def is_status_change(self) -> bool:
        return self.previous_status != self.status


class PromiseEvidence(Synthetic, Model):
    """A link or an uploaded file backing an update."""

    __tablename__ = "promise_evidence"
    __table_args__ = (
        CheckConstraint("url IS NOT NULL OR file_id IS NOT NULL", name="link_or_file"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(
        ForeignKey("promise_update.id", ondelete="CASCADE"), index=True)
    url: Mapped[str | None] = mapped_column(String(500))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"), index=True)

    update: Mapped[PromiseUpdate] = relationship(back_populates="evidence")
    file: Mapped[StoredFile | None] = relationship()


class PromiseAmendment(Synthetic, Model):
    """A public change to the programme after its baseline froze, with the reason."""

    __tablename__ = "promise_amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    promise_id: Mapped[int] = mapped_column(
        ForeignKey("promise.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AmendmentKind] = mapped_column(str_enum(AmendmentKind))
    # {field: [before, after]} in plain JSON values (dates ISO, enums by value).
    changes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    reason: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    promise: Mapped[Promise] = relationship(back_populates="amendments")


class PromiseVote(Synthetic, Model):
    """A resident's answer to "is it done?" on one claim: one row per resident and claim."""

    __tablename__ = "promise_vote"
    __table_args__ = (UniqueConstraint("update_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("promise_update.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    choice: Mapped[VoteChoice] = mapped_column(str_enum(VoteChoice))
    comment: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()
