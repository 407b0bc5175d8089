"""Budget indicators from yearly totals: exact arithmetic (int, Fraction, Decimal), no float.

Definitions (docs/budgets.md has the long form):
- total revenue: the year's actual receipts, all categories;
- own revenue: actual receipts of the categories marked own revenue (everything but
  transfers); own share = own / total;
- own revenue per resident: own / population (the rural district's current population),
  rounded half-up to whole tenge;
- plan execution: actual / plan, where the plan of each category is its adjusted plan when
  stated, else its approved plan; also for own revenue alone;
- year-on-year growth: total (or own) revenue over the previous year's, minus one, counted
  like-for-like over the rural districts whose actuals cover both full years;
- growth since the first year on record: the year-on-year factors chained from the first
  year with full-year actuals. For one rural district with every year reported this is
  exactly this year / first year - 1; for areas it keeps comparing like with like.
Spending (recorded by functional group; only years with revenue on record are summarised):
- spending per resident: actual spending / the population of the rural districts with
  spending on record, rounded half-up to whole tenge (also per functional group);
- spending plan execution: actual spending / the spending plan (per group the adjusted plan
  where stated, else the approved), over the months the actuals cover, as for revenue;
- own revenue coverage: own revenue / actual spending, both over the same months: only rural
  districts whose revenue and spending actuals reach the same month count. Not capped: above
  1 when own revenue exceeded spending.
Capital against current spending is not computed: functional groups do not say it (it needs
the economic classification or the programmes).
Shares and growth are fractions (0.3312 is 33.12 %), rounded half-up to four places.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from fractions import Fraction
from typing import Any

FULL_YEAR = 12


@dataclass(frozen=True)
class Totals:
    """Sums over some rural districts for one year; they add up from districts to the nation."""

    rural_districts: int = 0
    population: int = 0
    approved_total: int = 0
    plan_total: int = 0
    actual_total: int = 0
    approved_own: int = 0
    plan_own: int = 0
    actual_own: int = 0
    actual_tax: int = 0
    actual_non_tax: int = 0
    actual_capital: int = 0
    actual_transfers: int = 0
    actual_through: int = 0  # the month every rural district's actuals reach (the minimum)
    closed: int = 0  # rural districts whose actuals cover the full year
    # Like-for-like: rural districts with full-year actuals in this year and the previous.
    matched_total: int = 0
    matched_previous_total: int = 0
    matched_own: int = 0
    matched_previous_own: int = 0
    # Spending, over the rural districts (among those above) with spending on record.
    spending_rural_districts: int = 0
    spending_population: int = 0
    spending_approved: int = 0
    spending_plan: int = 0
    spending_actual: int = 0
    spending_through: int = 0  # the minimum over the rural districts with spending
    # Own revenue and spending of the rural districts whose revenue and spending actuals
    # reach the same month (the own revenue coverage compares like with like).
    covered_own: int = 0
    covered_spending: int = 0

    def __add__(self, other: Totals) -> Totals:
        if not self.rural_districts:
            return other
        if not other.rural_districts:
            return self
        values = {name: getattr(self, name) + getattr(other, name) for name in _ADDED}
        reaches = [item.spending_through for item in (self, other)
                   if item.spending_rural_districts]
        return Totals(actual_through=min(self.actual_through, other.actual_through),
                      spending_through=min(reaches, default=0), **values)


TOTALS_FIELDS = tuple(item.name for item in fields(Totals))
_MINIMA = ("actual_through", "spending_through")
_ADDED = tuple(name for name in TOTALS_FIELDS if name not in _MINIMA)


@dataclass(frozen=True)
class YearIndicators:
    """One year of one area (a rural district, district, region or the nation), as plain
    values for pages, the API and PDFs. Money in whole tenge."""

    year: int
    rural_districts: int
    population: int
    approved: int
    plan: int
    revenue: int  # actual total revenue
    own_revenue: int
    transfers: int
    tax: int
    non_tax: int
    capital: int
    own_plan: int
    actual_through: int  # 12 when every rural district's actuals cover the full year
    own_share: Decimal | None
    own_revenue_per_resident: int | None
    plan_execution: Decimal | None
    own_plan_execution: Decimal | None
    growth: Decimal | None
    own_growth: Decimal | None
    growth_since_first: Decimal | None
    own_growth_since_first: Decimal | None
    first_year: int | None  # the base year of the growth since the first year on record
    # Spending (functional groups summed) of the rural districts with spending on record.
    spending_rural_districts: int
    spending_population: int
    spending_approved: int
    spending_plan: int
    spending: int  # actual spending
    spending_through: int  # the last month the spending actuals cover (areas: the minimum)
    spending_per_resident: int | None
    spending_plan_execution: Decimal | None
    own_revenue_coverage: Decimal | None  # own revenue / spending, over the same months

    @property
    def closed(self) -> bool:
        return self.actual_through == FULL_YEAR

    @property
    def has_actuals(self) -> bool:
        return self.actual_through > 0

    @property
    def has_spending(self) -> bool:
        return self.spending_rural_districts > 0

    @property
    def spending_closed(self) -> bool:
        return self.spending_through == FULL_YEAR

    def as_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["closed"] = self.closed
        return values


def as_fraction(numerator: int, denominator: int) -> Fraction | None:
    return Fraction(numerator, denominator) if denominator else None


def rounded(value: Fraction | None, digits: int = 4) -> Decimal | None:
    """An exact fraction rounded half-up (away from zero) to `digits` decimal places.

    Integer arithmetic throughout: |value| × 10^digits, plus one half, floored.
    """
    if value is None:
        return None
    scale = 10 ** digits
    magnitude = (2 * abs(value.numerator) * scale + value.denominator) // (
        2 * value.denominator)
    sign = "-" if value < 0 and magnitude else ""
    if digits == 0:
        return Decimal(f"{sign}{magnitude}")
    return Decimal(f"{sign}{magnitude // scale}.{magnitude % scale:0{digits}d}")


def share(numerator: int, denominator: int) -> Decimal | None:
    return rounded(as_fraction(numerator, denominator))


def growth(current: int, previous: int) -> Decimal | None:
    factor = as_fraction(current, previous)
    return rounded(factor - 1) if factor is not None else None


def per_resident(amount: int, population: int) -> int | None:
    value = rounded(as_fraction(amount, population), 0)
    return int(value) if value is not None else None


def year_indicators(series: Mapping[int, Totals],
                    only_year: int | None = None) -> list[YearIndicators]:
    """Indicators for every year of an area's series, oldest first (or for `only_year`:
    the chain from the first year is still followed, the other years are not built)."""
    result: list[YearIndicators] = []
    first_year: int | None = None
    chain_total: Fraction | None = None
    chain_own: Fraction | None = None
    for year in sorted(series):
        totals = series[year]
        since_total: Fraction | None = None
        since_own: Fraction | None = None
        if first_year is None:
            if totals.closed:
                first_year, chain_total, chain_own = year, Fraction(1), Fraction(1)
        else:
            chain_total = _chain(chain_total, totals.matched_total, totals.matched_previous_total)
            chain_own = _chain(chain_own, totals.matched_own, totals.matched_previous_own)
            since_total = chain_total - 1 if chain_total is not None else None
            since_own = chain_own - 1 if chain_own is not None else None
        if only_year is not None and year != only_year:
            continue
        has_actuals = totals.actual_through > 0 or totals.actual_total > 0
        has_spent = totals.spending_through > 0 or totals.spending_actual > 0
        result.append(YearIndicators(
            year=year,
            rural_districts=totals.rural_districts,
            population=totals.population,
            approved=totals.approved_total,
            plan=totals.plan_total,
            revenue=totals.actual_total,
            own_revenue=totals.actual_own,
            transfers=totals.actual_transfers,
            tax=totals.actual_tax,
            non_tax=totals.actual_non_tax,
            capital=totals.actual_capital,
            own_plan=totals.plan_own,
            actual_through=totals.actual_through,
            own_share=share(totals.actual_own, totals.actual_total),
            own_revenue_per_resident=per_resident(totals.actual_own, totals.population)
            if has_actuals else None,
            plan_execution=share(totals.actual_total, totals.plan_total)
            if has_actuals else None,
            own_plan_execution=share(totals.actual_own, totals.plan_own)
            if has_actuals else None,
            growth=growth(totals.matched_total, totals.matched_previous_total),
            own_growth=growth(totals.matched_own, totals.matched_previous_own),
            growth_since_first=rounded(since_total),
            own_growth_since_first=rounded(since_own),
            first_year=first_year if year != first_year else None,
            spending_rural_districts=totals.spending_rural_districts,
            spending_population=totals.spending_population,
            spending_approved=totals.spending_approved,
            spending_plan=totals.spending_plan,
            spending=totals.spending_actual,
            spending_through=totals.spending_through,
            spending_per_resident=per_resident(totals.spending_actual,
                                               totals.spending_population)
            if has_spent else None,
            spending_plan_execution=share(totals.spending_actual, totals.spending_plan)
            if has_spent else None,
            own_revenue_coverage=share(totals.covered_own, totals.covered_spending),
        ))
    return result


def _chain(chain: Fraction | None, current: int, previous: int) -> Fraction | None:
    """Extend a chained index by one year; a year without like-for-like data breaks it."""
    if chain is None or not previous:
        return None
    return chain * Fraction(current, previous)


def rural_district_totals(summary: Any, population: int,
                          previous: Any | None) -> Totals:
    """Totals of one rural district's year from its summary row (and the previous year's)."""
    closed = summary.actual_through == FULL_YEAR
    matched = previous is not None and closed and previous.actual_through == FULL_YEAR
    previous_total = previous.actual_total if previous is not None and matched else 0
    previous_own = previous.actual_own if previous is not None and matched else 0
    spends = summary.spending_functions > 0
    # Own revenue covers spending only where both actuals reach the same month.
    covered = spends and 0 < summary.spending_through == summary.actual_through
    return Totals(
        rural_districts=1,
        population=population,
        approved_total=summary.approved_total,
        plan_total=summary.plan_total,
        actual_total=summary.actual_total,
        approved_own=summary.approved_own,
        plan_own=summary.plan_own,
        actual_own=summary.actual_own,
        actual_tax=summary.actual_tax,
        actual_non_tax=summary.actual_non_tax,
        actual_capital=summary.actual_capital,
        actual_transfers=summary.actual_transfers,
        actual_through=summary.actual_through,
        closed=1 if closed else 0,
        matched_total=summary.actual_total if matched else 0,
        matched_previous_total=previous_total,
        matched_own=summary.actual_own if matched else 0,
        matched_previous_own=previous_own,
        spending_rural_districts=1 if spends else 0,
        spending_population=population if spends else 0,
        spending_approved=summary.spending_approved,
        spending_plan=summary.spending_plan,
        spending_actual=summary.spending_actual,
        spending_through=summary.spending_through,
        covered_own=summary.actual_own if covered else 0,
        covered_spending=summary.spending_actual if covered else 0,
    )
