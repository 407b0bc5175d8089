"""From period lines to annual figures, and the maintained yearly summary per rural district.

The one rule for a category's annual figure, used by the summary and by every page:
for each of approved, adjusted and actual, the YEAR row's value when it states one, else the
sum of the quarter rows, else the sum of the month rows. The plan that execution is measured
against is the adjusted plan where one is stated, else the approved plan (per category).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Select, Table, and_, case, delete, func, insert, select
from sqlalchemy.orm import aliased

from portal.budgets.indicators import FULL_YEAR, TOTALS_FIELDS
from portal.budgets.models import (
    BudgetCategory,
    BudgetDistrictYear,
    BudgetLine,
    BudgetSpendingLine,
    BudgetYearSummary,
    PeriodKind,
    RevenueSection,
)
from portal.extensions import db
from portal.geo.models import RuralDistrict

CHUNK = 500
SUMMARY = cast(Table, BudgetYearSummary.__table__)  # Core statements: bulk work, no ORM bookkeeping
DISTRICT_YEARS = cast(Table, BudgetDistrictYear.__table__)


@dataclass(frozen=True)
class AnnualAmounts:
    """One category's year: whole tenge, None where no row states a value."""

    approved: int | None
    adjusted: int | None
    actual: int | None
    actual_through: int  # the last month the actual covers; 0 without any actual

    @property
    def plan(self) -> int | None:
        return self.adjusted if self.adjusted is not None else self.approved


def annual_select(lines: type[BudgetLine] | type[BudgetSpendingLine] = BudgetLine
                  ) -> Select[Any]:
    """Per (rural district, year, line item): each measure summed per period kind. The
    item is the revenue category, or the functional group for spending lines: one rule for
    both.

    Callers add their filters; `resolve_annual` turns a row into AnnualAmounts.
    """
    item: Any = BudgetLine.category_id if lines is BudgetLine else BudgetSpendingLine.function_id
    columns = []
    for measure in (lines.approved, lines.adjusted, lines.actual):
        for kind in (PeriodKind.YEAR, PeriodKind.QUARTER, PeriodKind.MONTH):
            columns.append(func.sum(case((lines.period_kind == kind, measure))))
    has_actual = lines.actual.is_not(None)
    quarter_last = func.max(case(
        (and_(lines.period_kind == PeriodKind.QUARTER, has_actual), lines.period_number)))
    month_last = func.max(case(
        (and_(lines.period_kind == PeriodKind.MONTH, has_actual), lines.period_number)))
    return (
        select(lines.rural_district_id, lines.year, item, *columns, quarter_last, month_last)
        .group_by(lines.rural_district_id, lines.year, item)
    )


def _first(*values: Any) -> int | None:
    for value in values:
        if value is not None:
            return int(value)  # PostgreSQL sums BIGINT as NUMERIC: back to an exact int
    return None


def resolve_annual(row: Any) -> AnnualAmounts:
    """An `annual_select` row (after its three key columns) as the category's annual figures."""
    (y_approved, q_approved, m_approved, y_adjusted, q_adjusted, m_adjusted,
     y_actual, q_actual, m_actual, quarter_last, month_last) = row[3:14]
    if y_actual is not None:
        actual, through = int(y_actual), FULL_YEAR
    elif q_actual is not None:
        actual, through = int(q_actual), 3 * int(quarter_last)
    elif m_actual is not None:
        actual, through = int(m_actual), int(month_last)
    else:
        actual, through = None, 0
    return AnnualAmounts(
        approved=_first(y_approved, q_approved, m_approved),
        adjusted=_first(y_adjusted, q_adjusted, m_adjusted),
        actual=actual,
        actual_through=through,
    )


def _category_kinds() -> dict[int, tuple[RevenueSection, bool]]:
    return {row.id: (row.section, row.is_own_revenue) for row in db.session.execute(
        select(BudgetCategory.id, BudgetCategory.section, BudgetCategory.is_own_revenue))}


_SECTION_COLUMN = {
    RevenueSection.TAX: "actual_tax",
    RevenueSection.NON_TAX: "actual_non_tax",
    RevenueSection.CAPITAL: "actual_capital",
    RevenueSection.TRANSFERS: "actual_transfers",
}
_SUMMED = ("approved_total", "plan_total", "actual_total", "approved_own", "plan_own",
           "actual_own", "actual_tax", "actual_non_tax", "actual_capital", "actual_transfers")


def summarise(rows: Iterable[Any], kinds: dict[int, tuple[RevenueSection, bool]]
              ) -> dict[tuple[int, int], dict[str, int]]:
    """Annual-select rows summed into one summary row per (rural district, year)."""
    summaries: dict[tuple[int, int], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys((*_SUMMED, "actual_through"), 0))
    for row in rows:
        amounts = resolve_annual(row)
        section, own = kinds[row[2]]
        summary = summaries[(row[0], row[1])]
        approved, plan, actual = amounts.approved or 0, amounts.plan or 0, amounts.actual or 0
        summary["approved_total"] += approved
        summary["plan_total"] += plan
        summary["actual_total"] += actual
        if own:
            summary["approved_own"] += approved
            summary["plan_own"] += plan
            summary["actual_own"] += actual
        summary[_SECTION_COLUMN[section]] += actual
        # The year's actuals reach as far as the furthest-reported category.
        summary["actual_through"] = max(summary["actual_through"], amounts.actual_through)
    return summaries


_SPENT = ("spending_functions", "spending_approved", "spending_plan", "spending_actual",
          "spending_through")


def summarise_spending(rows: Iterable[Any]) -> dict[tuple[int, int], dict[str, int]]:
    """Spending annual-select rows summed over functional groups per (rural district, year),
    by the revenue rule: the plan is each group's adjusted plan where stated, else approved;
    the year's spending actuals reach as far as the furthest-reported group."""
    sums: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(_SPENT, 0))
    for row in rows:
        amounts = resolve_annual(row)
        item = sums[(row[0], row[1])]
        item["spending_functions"] += 1
        item["spending_approved"] += amounts.approved or 0
        item["spending_plan"] += amounts.plan or 0
        item["spending_actual"] += amounts.actual or 0
        item["spending_through"] = max(item["spending_through"], amounts.actual_through)
    return sums


def refresh_year_summaries(pairs: Iterable[tuple[int, int]] | None = None) -> int:
    """Rebuild the summary rows of these (rural district, year) pairs; all of them for None.

    Set-based: two grouped queries (revenue, spending) and one delete/insert per chunk of
    rural districts per year. A pair with spending but no revenue gets no row: the indicators
    are of years with revenue on record. Flushes nothing through the ORM; the caller's
    transaction holds the change.
    """
    kinds = _category_kinds()
    written = 0
    if pairs is None:
        db.session.execute(delete(SUMMARY))
        written += _write(db.session.execute(annual_select()), kinds,
                          db.session.execute(annual_select(BudgetSpendingLine)))
        refresh_district_years()
        return written
    by_year: dict[int, set[int]] = defaultdict(set)
    for rural_district_id, year in pairs:
        by_year[year].add(rural_district_id)
    for year, ids in sorted(by_year.items()):
        ordered = sorted(ids)
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start:start + CHUNK]
            db.session.execute(delete(SUMMARY).where(
                SUMMARY.c.year == year, SUMMARY.c.rural_district_id.in_(chunk)))
            rows = db.session.execute(annual_select().where(
                BudgetLine.year == year, BudgetLine.rural_district_id.in_(chunk)))
            spent = db.session.execute(annual_select(BudgetSpendingLine).where(
                BudgetSpendingLine.year == year,
                BudgetSpendingLine.rural_district_id.in_(chunk)))
            written += _write(rows, kinds, spent)
    if by_year:
        refresh_district_years()
    return written


def _write(rows: Iterable[Any], kinds: dict[int, tuple[RevenueSection, bool]],
           spending_rows: Iterable[Any] = ()) -> int:
    summaries = summarise(rows, kinds)
    spending = summarise_spending(spending_rows)
    none_spent = dict.fromkeys(_SPENT, 0)
    values = [{"rural_district_id": rural_district_id, "year": year, **summary,
               **spending.get((rural_district_id, year), none_spent)}
              for (rural_district_id, year), summary in summaries.items()]
    for start in range(0, len(values), 5_000):
        db.session.execute(insert(SUMMARY), values[start:start + 5_000])
    return len(values)


def totals_by_unit_select(unit: Any) -> Select[Any]:
    """`Totals` columns per (unit, year) from the rural districts' yearly summaries, with
    like-for-like sums over those whose actuals cover this full year and the previous one,
    and the spending of those with spending on record.
    `unit` is a column such as RuralDistrict.id or RuralDistrict.district_id."""
    current = aliased(BudgetYearSummary)
    previous = aliased(BudgetYearSummary)
    both_closed = and_(current.actual_through == FULL_YEAR,
                       previous.actual_through == FULL_YEAR)

    spends = current.spending_functions > 0
    # Own revenue covers spending only where both actuals reach the same month.
    covered = and_(spends, current.spending_through > 0,
                   current.spending_through == current.actual_through)

    def matched(column: Any) -> Any:
        return func.coalesce(func.sum(case((both_closed, column), else_=0)), 0)

    return (
        select(
            unit, current.year, func.count(),
            func.coalesce(func.sum(RuralDistrict.population), 0),
            func.sum(current.approved_total), func.sum(current.plan_total),
            func.sum(current.actual_total), func.sum(current.approved_own),
            func.sum(current.plan_own), func.sum(current.actual_own),
            func.sum(current.actual_tax), func.sum(current.actual_non_tax),
            func.sum(current.actual_capital), func.sum(current.actual_transfers),
            func.min(current.actual_through),
            func.sum(case((current.actual_through == FULL_YEAR, 1), else_=0)),
            matched(current.actual_total), matched(previous.actual_total),
            matched(current.actual_own), matched(previous.actual_own),
            func.coalesce(func.sum(case((spends, 1), else_=0)), 0),
            func.coalesce(func.sum(case((spends, RuralDistrict.population), else_=0)), 0),
            func.sum(current.spending_approved), func.sum(current.spending_plan),
            func.sum(current.spending_actual),
            func.coalesce(func.min(case((spends, current.spending_through))), 0),
            func.coalesce(func.sum(case((covered, current.actual_own), else_=0)), 0),
            func.coalesce(func.sum(case((covered, current.spending_actual), else_=0)), 0),
        )
        .select_from(current)
        .join(RuralDistrict, RuralDistrict.id == current.rural_district_id)
        .outerjoin(previous, and_(previous.rural_district_id == current.rural_district_id,
                                  previous.year == current.year - 1))
        .group_by(unit, current.year)
    )


def refresh_district_years() -> int:
    """Rebuild the district roll-up from the yearly summaries: one grouped query, ~200
    districts × years rows. Cheap enough to redo whole after any import."""
    db.session.execute(delete(DISTRICT_YEARS))
    values = [
        {"district_id": row[0], "year": row[1],
         **{name: int(value or 0) for name, value in zip(TOTALS_FIELDS, row[2:], strict=True)}}
        for row in db.session.execute(totals_by_unit_select(RuralDistrict.district_id))
    ]
    if values:
        db.session.execute(insert(DISTRICT_YEARS), values)
    return len(values)
