"""Recall-trigger flags, the rule versions and evaluation runs behind them, and petitions.

A flag is a civic accountability signal raised by a configurable rule, never a legal finding.
While its condition holds it is "live" (`cleared_on` is NULL); a partial unique index keeps at
most one live flag per (term, rule, subject), the natural key the evaluation diffs against.
"""

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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Role
from portal.extensions import JSONType, Model, db
from portal.modeling import Synthetic, UTCDateTime, as_utc, str_enum, utcnow

if TYPE_CHECKING:
    from portal.accounts.models import User
    from portal.akims.models import Term


class RuleCode(enum.StrEnum):
    """The five rules, in the order the methodology numbers them (1 to 5)."""

    REPORTING = "reporting"
    PROMISES = "promises"
    SATISFACTION = "satisfaction"
    PETITION = "petition"
    BUDGET = "budget"

    @property
    def number(self) -> int:
        return list(RuleCode).index(self) + 1


class Severity(enum.StrEnum):
    WARNING = "warning"
    TRIGGER = "trigger"


class FlagStatus(enum.StrEnum):
    OPEN = "open"  # raised; the akim may respond
    AKIM_RESPONDED = "akim_responded"
    UNDER_REVIEW = "under_review"  # a reviewer (a moderator of the portal) is looking at it
    UPHELD = "upheld"  # review decision: the signal stands
    DISMISSED = "dismissed"  # review decision: the signal does not stand
    CLEARED = "cleared"  # the condition no longer holds (before any review decision)


# Statuses in which the evaluation may still clear a flag; a review decision stands.
UNDECIDED = frozenset({FlagStatus.OPEN, FlagStatus.AKIM_RESPONDED, FlagStatus.UNDER_REVIEW})
DECIDED = frozenset({FlagStatus.UPHELD, FlagStatus.DISMISSED})


class ClearReason(enum.StrEnum):
    CONDITION_ENDED = "condition_ended"  # the numbers no longer cross the line
    TERM_ENDED = "term_ended"  # the term is no longer serving
    RULE_DISABLED = "rule_disabled"  # the rule was switched off in a newer rule version


class RuleSource(enum.StrEnum):
    CONFIGURATION = "configuration"  # the defaults in code and RECALL_RULES in instance config
    ADMIN = "admin"  # saved on the administrators' rules page


class PetitionStatus(enum.StrEnum):
    # Not "open": a flag is "open", and one vocabulary's LABELS dict cannot hold two members
    # that compare equal.
    OPEN = "collecting"  # collecting signatures until `closes_on`
    SUCCEEDED = "succeeded"  # reached the threshold; signing stops, the record stands
    CLOSED = "closed"  # the collection period ended below the threshold


class RuleSetVersion(Model):
    """One version of the rule thresholds. The current one is the latest number."""

    __tablename__ = "recall_rule_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    source: Mapped[RuleSource] = mapped_column(str_enum(RuleSource))
    thresholds: Mapped[dict[str, Any]] = mapped_column(JSONType)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship()


class RecallEvaluation(Model):
    """One run of the evaluation: the date it evaluated, the rules it used, what it changed."""

    __tablename__ = "recall_evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date] = mapped_column(Date, index=True)
    rule_version: Mapped[int] = mapped_column(Integer)
    actor_label: Mapped[str] = mapped_column(String(80))  # "cli", "job", "seed", "user:3"
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    terms: Mapped[int] = mapped_column(Integer, default=0)  # serving terms evaluated
    raised: Mapped[int] = mapped_column(Integer, default=0)
    confirmed: Mapped[int] = mapped_column(Integer, default=0)
    cleared: Mapped[int] = mapped_column(Integer, default=0)


def _where(condition: str) -> dict[str, Any]:
    return {"sqlite_where": db.text(condition), "postgresql_where": db.text(condition)}


class Flag(Model):
    """A recall-trigger flag on a term: what fired, the evidence, and its due process."""

    __tablename__ = "recall_flag"
    __table_args__ = (
        Index("uq_recall_flag_live", "term_id", "rule", "subject", unique=True,
              **_where("cleared_on IS NULL")),
        Index("ix_recall_flag_term_id", "term_id"),
        Index("ix_recall_flag_status_raised", "status", "first_raised_on"),
        CheckConstraint("status <> 'cleared' OR cleared_on IS NOT NULL",
                        name="cleared_has_date"),
        CheckConstraint("(cleared_on IS NULL) = (clear_reason IS NULL)",
                        name="cleared_has_reason"),
        CheckConstraint("status NOT IN ('upheld', 'dismissed') OR "
                        "(decided_at IS NOT NULL AND decision_reason IS NOT NULL)",
                        name="decision_has_reason"),
        CheckConstraint("response IS NULL OR responded_at IS NOT NULL",
                        name="response_has_time"),
        CheckConstraint("(review_started_at IS NULL) = (review_started_by_role IS NULL)",
                        name="review_has_role"),
        CheckConstraint("(decided_at IS NULL) = (decided_by_role IS NULL)",
                        name="decision_has_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id"))  # see ix_recall_flag_term_id
    rule: Mapped[RuleCode] = mapped_column(str_enum(RuleCode))
    # What distinguishes flags of one rule on one term: the fiscal year for the budget rule,
    # otherwise empty.
    subject: Mapped[str] = mapped_column(String(16), default="")
    severity: Mapped[Severity] = mapped_column(str_enum(Severity))
    status: Mapped[FlagStatus] = mapped_column(str_enum(FlagStatus), default=FlagStatus.OPEN,
                                               active_history=True)
    # The numbers and record ids that made it fire: as first raised, and as last confirmed.
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONType)
    current_evidence: Mapped[dict[str, Any]] = mapped_column(JSONType)
    first_raised_on: Mapped[date] = mapped_column(Date)  # the as-of date of the raising run
    last_confirmed_on: Mapped[date] = mapped_column(Date)
    cleared_on: Mapped[date | None] = mapped_column(Date)
    clear_reason: Mapped[ClearReason | None] = mapped_column(str_enum(ClearReason))
    rule_version: Mapped[int] = mapped_column(Integer)  # the rule version that raised it
    confirmed_rule_version: Mapped[int] = mapped_column(Integer)
    raised_by_evaluation_id: Mapped[int | None] = mapped_column(
        ForeignKey("recall_evaluation.id", ondelete="SET NULL"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Hidden from the public until the response window ends or the akim responds.
    public_from: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    response: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    responded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    review_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_started_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    # The role each step was taken under, kept with the record: flags were reviewed by
    # parliamentary staff until review passed to the portal's moderators, and those earlier
    # decisions stay as made, with the role of who made them.
    review_started_by_role: Mapped[Role | None] = mapped_column(
        str_enum(Role, name="review_started_by_role"))
    decided_by_role: Mapped[Role | None] = mapped_column(str_enum(Role, name="decided_by_role"))

    term: Mapped[Term] = relationship()

    @property
    def is_live(self) -> bool:
        return self.cleared_on is None

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED

    def is_public(self, now: datetime | None = None) -> bool:
        public_from = as_utc(self.public_from)
        return public_from is not None and public_from <= (now or utcnow())

    def __repr__(self) -> str:
        return f"<Flag {self.id} term={self.term_id} {self.rule} {self.subject} {self.status}>"


class Petition(Synthetic, Model):
    """A recall petition of a term, started by a verified resident. Signers stay private."""

    __tablename__ = "recall_petition"
    __table_args__ = (
        # One petition collects (or has succeeded) per term at a time: signatures are not
        # split between rival petitions, and a success is not started over.
        Index("uq_recall_petition_current", "term_id", unique=True,
              **_where("status IN ('collecting', 'succeeded')")),
        Index("ix_recall_petition_term_id", "term_id"),
        CheckConstraint("signature_count >= 0", name="count_non_negative"),
        CheckConstraint("closes_on >= opened_on", name="closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id"))  # see ix_recall_petition_term_id
    rural_district_id: Mapped[int] = mapped_column(ForeignKey("rural_district.id"))
    initiator_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    opened_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)  # the last day to sign (Almaty calendar)
    status: Mapped[PetitionStatus] = mapped_column(str_enum(PetitionStatus),
                                                   default=PetitionStatus.OPEN)
    # Maintained in SQL (+1 / -1) in the signing transaction: never recounted on a page view.
    signature_count: Mapped[int] = mapped_column(Integer, default=0)
    succeeded_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)

    term: Mapped[Term] = relationship()

    def accepts_signatures(self, today: date) -> bool:
        return self.status == PetitionStatus.OPEN and today <= self.closes_on

    def __repr__(self) -> str:
        return f"<Petition {self.id} term={self.term_id} {self.status} {self.signature_count}>"


class PetitionSignature(Synthetic, Model):
    """One resident's signature. Withdrawing keeps the row (with the time), so that an
    evaluation as of an earlier date counts what was signed then; signing again restores it."""

    __tablename__ = "recall_petition_signature"
    __table_args__ = (UniqueConstraint("petition_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(
        ForeignKey("recall_petition.id", ondelete="CASCADE"))  # unique (petition, user)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
