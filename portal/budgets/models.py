"""Rural district (fourth-level) budgets: revenue categories and lines, spending functions and
lines, the maslikhat decisions each year's figures come from, yearly summaries, imports.

Money is whole tenge in BigInteger columns from the file to the page; no float anywhere.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.extensions import JSONType, Model
from portal.geo.models import RuralDistrict
from portal.modeling import LocalizedName, Synthetic, UTCDateTime, str_enum, utcnow


class RevenueSection(enum.StrEnum):
    """The four revenue sections of every rural district budget decision (DOMAIN.md)."""

    TAX = "tax"
    NON_TAX = "non_tax"
    CAPITAL = "capital"  # sales of fixed capital
    TRANSFERS = "transfers"


class PeriodKind(enum.StrEnum):
    YEAR = "year"  # the whole fiscal year: annual approved/adjusted plans, annual actuals
    QUARTER = "quarter"
    MONTH = "month"


# The number a period carries: 0 for the year, 1-4 for quarters, 1-12 for months.
PERIOD_NUMBERS: dict[PeriodKind, range] = {
    PeriodKind.YEAR: range(0, 1),
    PeriodKind.QUARTER: range(1, 5),
    PeriodKind.MONTH: range(1, 13),
}


class ImportKind(enum.StrEnum):
    """What an imported file holds, decided from its header (see budgets.importing)."""

    REVENUE = "revenue"
    SPENDING = "spending"
    DECISIONS = "decisions"


class DecisionKind(enum.StrEnum):
    ADOPTED = "adopted"  # the decision that approved the year's budget
    AMENDING = "amending"  # a later decision that changed it


class ImportStatus(enum.StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # nothing was written; the errors are kept with the history row


class ImportJobStatus(enum.StrEnum):
    # Values of their own: labels are looked up by value, and "failed" is ImportStatus's.
    QUEUED = "waiting"
    RUNNING = "checking"
    DONE = "finished"  # the import ran: its BudgetImport row says imported or rejected
    FAILED = "stopped"  # it could not run (the file lost, the worker crashed): nothing written


class BudgetCategory(LocalizedName, Model):
    """One revenue line of the budget structure, loaded from `budgets/data/categories.csv`."""

    __tablename__ = "budget_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    section: Mapped[RevenueSection] = mapped_column(str_enum(RevenueSection))
    # Own revenue is everything but transfers; kept as data so the definition can be revised.
    is_own_revenue: Mapped[bool] = mapped_column(Boolean)
    # False for lines that DOMAIN.md marks unconfirmed for fourth-level budgets.
    confirmed: Mapped[bool] = mapped_column(Boolean)
    valid_from_year: Mapped[int | None] = mapped_column(SmallInteger)
    sort_order: Mapped[int] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<BudgetCategory {self.code}>"


def _period_checks() -> tuple[CheckConstraint, ...]:
    return (
        CheckConstraint("approved >= 0", name="approved_non_negative"),
        CheckConstraint("adjusted >= 0", name="adjusted_non_negative"),
        CheckConstraint("actual >= 0", name="actual_non_negative"),
        CheckConstraint(
            "(period_kind = 'year' AND period_number = 0)"
            " OR (period_kind = 'quarter' AND period_number BETWEEN 1 AND 4)"
            " OR (period_kind = 'month' AND period_number BETWEEN 1 AND 12)",
            name="period_number_in_range",
        ),
    )


class BudgetLine(Synthetic, Model):
    """Approved plan, adjusted plan and actual of one category in one period, in whole tenge.

    The natural key is (rural district, year, period kind, period number, category); the
    importer upserts on it. An empty amount is NULL: "not stated", never zero.
    """

    __tablename__ = "budget_line"
    __table_args__ = (
        UniqueConstraint("rural_district_id", "year", "period_kind", "period_number",
                         "category_id", name="uq_budget_line_natural_key"),
        Index("ix_budget_line_year", "year"),
        *_period_checks(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rural_district_id: Mapped[int] = mapped_column(ForeignKey("rural_district.id"))
    year: Mapped[int] = mapped_column(SmallInteger)
    period_kind: Mapped[PeriodKind] = mapped_column(str_enum(PeriodKind, 8))
    period_number: Mapped[int] = mapped_column(SmallInteger)
    category_id: Mapped[int] = mapped_column(ForeignKey("budget_category.id"), index=True)
    approved: Mapped[int | None] = mapped_column(BigInteger)
    adjusted: Mapped[int | None] = mapped_column(BigInteger)
    actual: Mapped[int | None] = mapped_column(BigInteger)

    rural_district: Mapped[RuralDistrict] = relationship()
    category: Mapped[BudgetCategory] = relationship()

    def __repr__(self) -> str:
        return (f"<BudgetLine rd={self.rural_district_id} {self.year} {self.period_kind}"
                f"{self.period_number} cat={self.category_id}>")


class BudgetFunction(LocalizedName, Model):
    """A functional group of the unified budget classification (order of the Minister of
    Finance of 18 September 2014 No. 403), loaded from `budgets/data/functions.csv`."""

    __tablename__ = "budget_function"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)  # "01", "07"
    sort_order: Mapped[int] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<BudgetFunction {self.code}>"


class BudgetSpendingLine(Synthetic, Model):
    """Approved plan, adjusted plan and actual spending of one functional group in one
    period, in whole tenge; keyed like a revenue line, with the function in place of the
    category. An empty amount is NULL: "not stated", never zero."""

    __tablename__ = "budget_spending_line"
    __table_args__ = (
        UniqueConstraint("rural_district_id", "year", "period_kind", "period_number",
                         "function_id", name="uq_budget_spending_line_natural_key"),
        Index("ix_budget_spending_line_year", "year"),
        *_period_checks(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rural_district_id: Mapped[int] = mapped_column(ForeignKey("rural_district.id"))
    year: Mapped[int] = mapped_column(SmallInteger)
    period_kind: Mapped[PeriodKind] = mapped_column(str_enum(PeriodKind, 8))
    period_number: Mapped[int] = mapped_column(SmallInteger)
    function_id: Mapped[int] = mapped_column(ForeignKey("budget_function.id"), index=True)
    approved: Mapped[int | None] = mapped_column(BigInteger)
    adjusted: Mapped[int | None] = mapped_column(BigInteger)
    actual: Mapped[int | None] = mapped_column(BigInteger)

    function: Mapped[BudgetFunction] = relationship()


class BudgetDecision(Synthetic, Model):
    """The legal source of a rural district's budget year: the district maslikhat's decision
    that adopted it, and each decision that amended it (number, date, link to the register).
    The same decision often adopts the budgets of several rural districts: one row each."""

    __tablename__ = "budget_decision"
    __table_args__ = (
        UniqueConstraint("rural_district_id", "year", "number",
                         name="uq_budget_decision_natural_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rural_district_id: Mapped[int] = mapped_column(ForeignKey("rural_district.id"))
    year: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[DecisionKind] = mapped_column(str_enum(DecisionKind, 16))
    number: Mapped[str] = mapped_column(String(40))
    decided_on: Mapped[date] = mapped_column(Date)
    url: Mapped[str] = mapped_column(String(500))

    def __repr__(self) -> str:
        return f"<BudgetDecision rd={self.rural_district_id} {self.year} No. {self.number}>"


class BudgetYearSummary(Model):
    """One rural district's year, summed over categories: the maintained aggregate that
    profiles, roll-ups and charts read. Rebuilt for the (rural district, year) pairs an
    import or the seed touched, in the same transaction (see `budgets.summaries`)."""

    __tablename__ = "budget_year_summary"
    __table_args__ = (Index("ix_budget_year_summary_year", "year"),)

    rural_district_id: Mapped[int] = mapped_column(ForeignKey("rural_district.id"),
                                                   primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    approved_total: Mapped[int] = mapped_column(BigInteger)
    # The plan that execution is measured against: adjusted where stated, else approved.
    plan_total: Mapped[int] = mapped_column(BigInteger)
    actual_total: Mapped[int] = mapped_column(BigInteger)
    approved_own: Mapped[int] = mapped_column(BigInteger)
    plan_own: Mapped[int] = mapped_column(BigInteger)
    actual_own: Mapped[int] = mapped_column(BigInteger)
    actual_tax: Mapped[int] = mapped_column(BigInteger)
    actual_non_tax: Mapped[int] = mapped_column(BigInteger)
    actual_capital: Mapped[int] = mapped_column(BigInteger)
    actual_transfers: Mapped[int] = mapped_column(BigInteger)
    # The last month the actuals cover (12: the year is closed; 9: January to September).
    actual_through: Mapped[int] = mapped_column(SmallInteger)
    # The year's spending, summed over functional groups by the same annual rule (0 without
    # spending lines): groups on record, approved plan, plan measured against, actual, and
    # the last month the spending actuals cover.
    spending_functions: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    spending_approved: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    spending_plan: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    spending_actual: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    spending_through: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")


class BudgetDistrictYear(Model):
    """A district's year, summed over its rural districts: the maintained roll-up that the
    region and national pages read (a region sums its districts, the nation its regions).

    The columns are those of `budgets.indicators.Totals`, including the like-for-like sums
    over rural districts with full-year actuals in this year and the previous one. Rebuilt
    with the yearly summaries, in the same transaction."""

    __tablename__ = "budget_district_year"

    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    rural_districts: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(BigInteger)
    approved_total: Mapped[int] = mapped_column(BigInteger)
    plan_total: Mapped[int] = mapped_column(BigInteger)
    actual_total: Mapped[int] = mapped_column(BigInteger)
    approved_own: Mapped[int] = mapped_column(BigInteger)
    plan_own: Mapped[int] = mapped_column(BigInteger)
    actual_own: Mapped[int] = mapped_column(BigInteger)
    actual_tax: Mapped[int] = mapped_column(BigInteger)
    actual_non_tax: Mapped[int] = mapped_column(BigInteger)
    actual_capital: Mapped[int] = mapped_column(BigInteger)
    actual_transfers: Mapped[int] = mapped_column(BigInteger)
    actual_through: Mapped[int] = mapped_column(SmallInteger)
    closed: Mapped[int] = mapped_column(Integer)
    matched_total: Mapped[int] = mapped_column(BigInteger)
    matched_previous_total: Mapped[int] = mapped_column(BigInteger)
    matched_own: Mapped[int] = mapped_column(BigInteger)
    matched_previous_own: Mapped[int] = mapped_column(BigInteger)
    spending_rural_districts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    spending_population: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    spending_approved: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    spending_plan: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    spending_actual: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    spending_through: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    covered_own: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    covered_spending: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class BudgetImport(Model):
    """The history of imports: who, when, which file (by hash), what happened."""

    __tablename__ = "budget_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    actor_label: Mapped[str] = mapped_column(String(80))  # "user:12", "cli"
    file_name: Mapped[str] = mapped_column(String(200))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_format: Mapped[str] = mapped_column(String(8))  # csv, xlsx, or "" when unreadable
    kind: Mapped[ImportKind] = mapped_column(str_enum(ImportKind, 16),
                                             default=ImportKind.REVENUE,
                                             server_default=ImportKind.REVENUE.value)
    status: Mapped[ImportStatus] = mapped_column(str_enum(ImportStatus, 16))
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    # The first errors as {row, column, code, detail}; rendered in the reader's language.
    errors: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONType)

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<BudgetImport {self.id} {self.status} {self.file_sha256[:8]}>"


class BudgetImportJob(Model):
    """A large upload imported by the job worker (portal.budgets.queued): where its file
    waits, how far the check got, and, once done, the import it became."""

    __tablename__ = "budget_import_job"
    __table_args__ = (
        CheckConstraint("progress_done >= 0 AND progress_done <= progress_total",
                        name="progress_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    file_bytes: Mapped[int] = mapped_column(BigInteger)
    # The uploaded file in portal.storage until the job has read it (then deleted and None).
    stored_key: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[ImportJobStatus] = mapped_column(str_enum(ImportJobStatus, 16),
                                                    default=ImportJobStatus.QUEUED)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)  # rows checked
    progress_total: Mapped[int] = mapped_column(Integer, default=0)  # rows in the file
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("budget_import.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User | None] = relationship()
    outcome: Mapped[BudgetImport | None] = relationship()

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED)

    def __repr__(self) -> str:
        return (f"<BudgetImportJob {self.id} {self.status} "
                f"{self.progress_done}/{self.progress_total}>")
