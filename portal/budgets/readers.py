"""Set-based readers of budgets, returning plain values for pages, the API and PDFs.

Each reader costs a fixed number of queries whatever the number of rows: one for the
summaries of any number of rural districts or terms, two for an area's roll-up.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select

from portal.akims.models import Term
from portal.budgets.indicators import (
    FULL_YEAR,
    TOTALS_FIELDS,
    Totals,
    YearIndicators,
    per_resident,
    rural_district_totals,
    share,
    year_indicators,
)
from portal.budgets.models import (
    BudgetCategory,
    BudgetDecision,
    BudgetDistrictYear,
    BudgetFunction,
    BudgetLine,
    BudgetSpendingLine,
    BudgetYearSummary,
    DecisionKind,
    RevenueSection,
)
from portal.budgets.summaries import annual_select, resolve_annual, totals_by_unit_select
from portal.budgets.validation import period_label
from portal.extensions import db
from portal.geo.models import District, RuralDistrict


@dataclass(frozen=True)
class CategoryYear:
    """One category's annual figures for a rural district and year (whole tenge)."""

    code: str
    section: RevenueSection
    is_own_revenue: bool
    name: str
    approved: int | None
    adjusted: int | None
    actual: int | None
    plan: int | None
    plan_execution: Decimal | None
    actual_through: int

    def as_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["section"] = self.section.value
        return values


@dataclass(frozen=True)
class PeriodLine:
    """A stored line as the file states it."""

    category: str
    period: str  # YEAR, Q1..Q4, M01..M12
    approved: int | None
    adjusted: int | None
    actual: int | None
    synthetic: bool = False  # made by a seed (portal.modeling.Synthetic)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FunctionYear:
    """One functional group's annual spending for a rural district and year (whole tenge),
    resolved from its period lines by the same rule as a revenue category's."""

    code: str
    name: str
    approved: int | None
    adjusted: int | None
    actual: int | None
    plan: int | None
    plan_execution: Decimal | None  # actual / plan: the share of the plan spent
    actual_through: int
    # actual / the rural district's population, half-up to whole tenge; None without actual
    # spending or population (the definition of indicators.YearIndicators.spending_per_resident)
    per_resident: int | None = None

    @property
    def partial(self) -> bool:
        """Actuals for part of the year only, measured against the whole year's plan."""
        return self.actual is not None and 0 < self.actual_through < FULL_YEAR

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SpendingPeriodLine:
    """A stored spending line as the file states it."""

    function: str
    period: str  # YEAR, Q1..Q4, M01..M12
    approved: int | None
    adjusted: int | None
    actual: int | None
    synthetic: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Decision:
    """A maslikhat decision that adopted or amended the year's budget: the figures' source."""

    year: int  # the budget year it adopted or amended
    kind: DecisionKind
    number: str
    decided_on: date
    url: str
    synthetic: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, "kind": self.kind.value, "number": self.number,
                "decided_on": self.decided_on.isoformat(), "url": self.url,
                "synthetic": self.synthetic}


@dataclass(frozen=True)
class SectionTotal:
    """A revenue section (tax, non-tax, capital, transfers) of one year, with its categories."""

    section: RevenueSection
    categories: list[CategoryYear]
    approved: int | None
    adjusted: int | None
    actual: int | None
    plan: int | None

    @property
    def plan_execution(self) -> Decimal | None:
        return share(self.actual, self.plan) if self.actual is not None and self.plan else None


def _sum_stated(values: Iterable[int | None]) -> int | None:
    """The sum of the values that are stated; None when none is."""
    stated = [value for value in values if value is not None]
    return sum(stated) if stated else None


def sections_of(categories: Sequence[CategoryYear]) -> list[SectionTotal]:
    """Categories grouped by section in the budget's order, with subtotals."""
    grouped: dict[RevenueSection, list[CategoryYear]] = {}
    for category in categories:
        grouped.setdefault(category.section, []).append(category)
    return [
        _section_total(section, items)
        for section in RevenueSection if (items := grouped.get(section))
    ]


def _section_total(section: RevenueSection, items: list[CategoryYear]) -> SectionTotal:
    """Subtotals. The adjusted subtotal is the budget as adjusted: lines that were not
    adjusted count at their approved amount; None when no line was adjusted at all."""
    plan = _sum_stated(item.plan for item in items)
    adjusted = plan if any(item.adjusted is not None for item in items) else None
    return SectionTotal(section, items,
                        approved=_sum_stated(item.approved for item in items),
                        adjusted=adjusted,
                        actual=_sum_stated(item.actual for item in items),
                        plan=plan)


@dataclass(frozen=True)
class RuralDistrictBudget:
    """Everything about one rural district's budget in one year, plus its multi-year series:
    what `GET /api/v1/rural-districts/<kato>/budget?year=` and the PDF dossier return."""

    kato: str
    year: int | None
    years: list[int]
    categories: list[CategoryYear]
    lines: list[PeriodLine]
    indicators: YearIndicators | None
    series: list[YearIndicators]
    spending: list[FunctionYear] = field(default_factory=list)
    spending_lines: list[SpendingPeriodLine] = field(default_factory=list)
    # The year's legal source: the adopting decision first, then the amending ones by date.
    # Empty: the source is not recorded (pages say so).
    sources: list[Decision] = field(default_factory=list)
    population: int = 0  # residents recorded today: the per-resident figures' denominator

    @property
    def adopted_by(self) -> Decision | None:
        return next((item for item in self.sources if item.kind is DecisionKind.ADOPTED), None)

    @property
    def amended_by(self) -> list[Decision]:
        return [item for item in self.sources if item.kind is DecisionKind.AMENDING]

    @property
    def spending_total(self) -> FunctionYear | None:
        """All functional groups together (the spending table's last row)."""
        if not self.spending:
            return None
        return _function_total(self.spending, self.population)

    @property
    def sections(self) -> list[SectionTotal]:
        return sections_of(self.categories)

    @property
    def synthetic(self) -> bool:
        """The year's figures come from a seed: fictional (portal.modeling.Synthetic)."""
        return any(line.synthetic for line in self.lines) \
            or any(line.synthetic for line in self.spending_lines)

    @property
    def total(self) -> SectionTotal | None:
        """All categories together, as one pseudo-section (for the table's last row)."""
        if not self.categories:
            return None
        return _section_total(RevenueSection.TAX, list(self.categories))

    def as_dict(self) -> dict[str, Any]:
        return {
            "kato": self.kato,
            "year": self.year,
            "years": self.years,
            "categories": [category.as_dict() for category in self.categories],
            "lines": [line.as_dict() for line in self.lines],
            "indicators": self.indicators.as_dict() if self.indicators else None,
            "series": [item.as_dict() for item in self.series],
            "spending": {
                "functions": [item.as_dict() for item in self.spending],
                "total": self.spending_total.as_dict() if self.spending_total else None,
                "lines": [line.as_dict() for line in self.spending_lines],
            },
            "sources": [item.as_dict() for item in self.sources],
            "synthetic": self.synthetic,
        }


def _function_total(items: Sequence[FunctionYear], population: int = 0) -> FunctionYear:
    """Totals as the revenue subtotals: the adjusted total is the budget as adjusted (lines
    not adjusted count at their approved amount), None when no line was adjusted."""
    plan = _sum_stated(item.plan for item in items)
    actual = _sum_stated(item.actual for item in items)
    return FunctionYear(
        code="", name="", approved=_sum_stated(item.approved for item in items),
        adjusted=plan if any(item.adjusted is not None for item in items) else None,
        actual=actual, plan=plan,
        plan_execution=share(actual, plan) if actual is not None and plan else None,
        actual_through=max((item.actual_through for item in items), default=0),
        per_resident=per_resident(actual, population) if actual is not None else None)


@dataclass(frozen=True)
class TermBudget:
    """A term's rural district budget for the profile: the series and the year to headline."""

    term_id: int
    rural_district_id: int
    series: list[YearIndicators]
    headline: YearIndicators | None
    term_years: tuple[int, int]

    @property
    def term_series(self) -> list[YearIndicators]:
        first, last = self.term_years
        return [item for item in self.series if first <= item.year <= last]


class AreaLevel(enum.StrEnum):
    NATION = "nation"  # units: regions
    REGION = "region"  # units: districts
    DISTRICT = "district"  # units: rural districts


@dataclass(frozen=True)
class AreaBudget:
    """An area's series, and the yearly totals of each unit under it (keyed by unit id),
    whose indicators are computed for the one year a page shows."""

    years: list[int]
    series: list[YearIndicators]
    unit_totals: dict[int, dict[int, Totals]]

    def unit_year(self, unit_id: int, year: int) -> YearIndicators | None:
        found = year_indicators(self.unit_totals.get(unit_id, {}), only_year=year)
        return found[0] if found else None

    def unit_series(self, unit_id: int) -> list[YearIndicators]:
        return year_indicators(self.unit_totals.get(unit_id, {}))

    def year(self, year: int) -> YearIndicators | None:
        return next((item for item in self.series if item.year == year), None)


def pick_year(series: Sequence[YearIndicators], wanted: int | None = None) -> int | None:
    """The wanted year if on record; else the latest closed year; else the latest year."""
    years = [item.year for item in series]
    if wanted in years:
        return wanted
    closed = [item.year for item in series if item.closed]
    return max(closed) if closed else (max(years) if years else None)


# --------------------------------------------------------------------------- rural districts

def _series_by_rural_district(rows: Iterable[Any]) -> dict[int, list[YearIndicators]]:
    """Rows of (summary, population), grouped per rural district, as indicator series."""
    summaries: dict[int, dict[int, tuple[Any, int]]] = defaultdict(dict)
    for summary, population in rows:
        # Unknown population counts as none: per-resident figures are then undefined.
        summaries[summary.rural_district_id][summary.year] = (summary, population or 0)
    result: dict[int, list[YearIndicators]] = {}
    for rural_district_id, by_year in summaries.items():
        series = {}
        for year, (summary, population) in by_year.items():
            previous = by_year.get(year - 1)
            series[year] = rural_district_totals(summary, population,
                                                 previous[0] if previous else None)
        result[rural_district_id] = year_indicators(series)
    return result


def budget_summaries_for_rural_districts(ids: Iterable[int]) -> dict[int, list[YearIndicators]]:
    """Every year's indicators for each rural district: one query for any number of them."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = db.session.execute(
        select(BudgetYearSummary, RuralDistrict.population)
        .join(RuralDistrict, RuralDistrict.id == BudgetYearSummary.rural_district_id)
        .where(BudgetYearSummary.rural_district_id.in_(wanted))
    )
    return _series_by_rural_district(rows)


def budget_summaries_for_terms(term_ids: Iterable[int]) -> dict[int, TermBudget]:
    """The budget of each term's rural district, with the year to show: one query.

    The headline is the latest closed year within the term, else the latest year within it,
    else the latest year on record.
    """
    wanted = list(set(term_ids))
    if not wanted:
        return {}
    rows = db.session.execute(
        select(Term.id, Term.rural_district_id, Term.starts_on, Term.ended_on, Term.ends_on,
               BudgetYearSummary, RuralDistrict.population)
        .join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
        .outerjoin(BudgetYearSummary,
                   BudgetYearSummary.rural_district_id == Term.rural_district_id)
        .where(Term.id.in_(wanted))
    ).all()
    terms: dict[int, tuple[int, date, date]] = {}
    summaries: dict[int, list[tuple[Any, int]]] = defaultdict(list)
    for term_id, rural_district_id, starts_on, ended_on, ends_on, summary, population in rows:
        terms[term_id] = (rural_district_id, starts_on, ended_on or ends_on)
        if summary is not None:
            summaries[term_id].append((summary, population or 0))
    result: dict[int, TermBudget] = {}
    for term_id, (rural_district_id, starts_on, last_day) in terms.items():
        series = _series_by_rural_district(summaries[term_id]).get(rural_district_id, [])
        span = (starts_on.year, last_day.year)
        within = [item for item in series if span[0] <= item.year <= span[1]]
        headline_year = pick_year(within) if within else pick_year(series)
        headline = next((item for item in series if item.year == headline_year), None)
        result[term_id] = TermBudget(term_id, rural_district_id, series, headline, span)
    return result


def rural_district_budget(rural_district: RuralDistrict,
                          year: int | None = None) -> RuralDistrictBudget:
    """Lines, per-category figures and indicators for one year, plus the series, the year's
    spending by function and its sources (the maslikhat decisions): 6 queries.

    The year follows the revenue (`pick_year`); a rural district with spending on record
    but no revenue shows the wanted spending year, else its latest."""
    series = budget_summaries_for_rural_districts([rural_district.id]).get(rural_district.id, [])
    population = rural_district.population or 0
    spending_by_year = function_years(rural_district.id, population)
    chosen = pick_year(series, year)
    if chosen is None and spending_by_year:
        chosen = year if year in spending_by_year else max(spending_by_year)
    if chosen is None:
        return RuralDistrictBudget(rural_district.kato, None, [], [], [], None, [])
    categories = _category_years(rural_district.id, chosen)
    lines = [
        PeriodLine(code, period_label(kind, number), approved, adjusted, actual, synthetic)
        for code, kind, number, approved, adjusted, actual, synthetic in db.session.execute(
            select(BudgetCategory.code, BudgetLine.period_kind, BudgetLine.period_number,
                   BudgetLine.approved, BudgetLine.adjusted, BudgetLine.actual,
                   BudgetLine.synthetic)
            .join(BudgetCategory, BudgetCategory.id == BudgetLine.category_id)
            .where(BudgetLine.rural_district_id == rural_district.id, BudgetLine.year == chosen)
            .order_by(BudgetCategory.sort_order, BudgetLine.period_kind.desc(),
                      BudgetLine.period_number)
        )
    ]
    return RuralDistrictBudget(
        kato=rural_district.kato,
        year=chosen,
        years=sorted({item.year for item in series} | set(spending_by_year)),
        categories=categories,
        lines=lines,
        indicators=next((item for item in series if item.year == chosen), None),
        series=series,
        spending=spending_by_year.get(chosen, []),
        spending_lines=_spending_lines(rural_district.id, chosen),
        sources=budget_sources([rural_district.id], chosen).get(rural_district.id, []),
        population=population,
    )


def function_years(rural_district_id: int, population: int = 0, function_id: int | None = None,
                   years: tuple[int, int] | None = None) -> dict[int, list[FunctionYear]]:
    """Every year's spending by functional group for one rural district, with each group's
    spending per resident of `population`: one query. `function_id` keeps one group,
    `years` (first, last) a span of years."""
    conditions = [BudgetSpendingLine.rural_district_id == rural_district_id]
    if function_id is not None:
        conditions.append(BudgetSpendingLine.function_id == function_id)
    if years is not None:
        conditions.append(BudgetSpendingLine.year.between(*years))
    annual = annual_select(BudgetSpendingLine).where(*conditions).subquery()
    result: dict[int, list[FunctionYear]] = defaultdict(list)
    for row in db.session.execute(
        select(annual, BudgetFunction)
        .join(BudgetFunction, BudgetFunction.id == annual.c.function_id)
        .order_by(annual.c.year, BudgetFunction.sort_order, BudgetFunction.code)
    ):
        amounts = resolve_annual(row)
        item: BudgetFunction = row[-1]
        result[row[1]].append(FunctionYear(
            code=item.code, name=item.name, approved=amounts.approved,
            adjusted=amounts.adjusted, actual=amounts.actual, plan=amounts.plan,
            plan_execution=share(amounts.actual, amounts.plan)
            if amounts.actual is not None and amounts.plan else None,
            actual_through=amounts.actual_through,
            per_resident=per_resident(amounts.actual, population)
            if amounts.actual is not None else None))
    return dict(result)


def _spending_lines(rural_district_id: int, year: int) -> list[SpendingPeriodLine]:
    return [
        SpendingPeriodLine(code, period_label(kind, number), approved, adjusted, actual,
                           synthetic)
        for code, kind, number, approved, adjusted, actual, synthetic in db.session.execute(
            select(BudgetFunction.code, BudgetSpendingLine.period_kind,
                   BudgetSpendingLine.period_number, BudgetSpendingLine.approved,
                   BudgetSpendingLine.adjusted, BudgetSpendingLine.actual,
                   BudgetSpendingLine.synthetic)
            .join(BudgetFunction, BudgetFunction.id == BudgetSpendingLine.function_id)
            .where(BudgetSpendingLine.rural_district_id == rural_district_id,
                   BudgetSpendingLine.year == year)
            .order_by(BudgetFunction.sort_order, BudgetSpendingLine.period_kind.desc(),
                      BudgetSpendingLine.period_number))
    ]


def budget_sources(rural_district_ids: Iterable[int], year: int | None = None
                   ) -> dict[int, list[Decision]]:
    """The maslikhat decisions behind each rural district's budget year (one year, or all
    years when `year` is None, then keyed lists hold every year's decisions in order):
    the adopting decision first, then the amending ones by date. One query."""
    wanted = sorted(set(rural_district_ids))
    if not wanted:
        return {}
    statement = (select(BudgetDecision)
                 .where(BudgetDecision.rural_district_id.in_(wanted))
                 .order_by(BudgetDecision.rural_district_id, BudgetDecision.year,
                           BudgetDecision.kind, BudgetDecision.decided_on,
                           BudgetDecision.number))
    if year is not None:
        statement = statement.where(BudgetDecision.year == year)
    result: dict[int, list[Decision]] = defaultdict(list)
    for item in db.session.scalars(statement):
        result[item.rural_district_id].append(Decision(item.year, item.kind, item.number,
                                                       item.decided_on, item.url,
                                                       item.synthetic))
    return dict(result)


def _category_years(rural_district_id: int, year: int,
                    codes: Sequence[str] | None = None) -> list[CategoryYear]:
    annual = annual_select().where(BudgetLine.rural_district_id == rural_district_id,
                                   BudgetLine.year == year).subquery()
    statement = (
        select(annual, BudgetCategory)
        .join(BudgetCategory, BudgetCategory.id == annual.c.category_id)
        .order_by(BudgetCategory.sort_order, BudgetCategory.code)
    )
    if codes is not None:
        statement = statement.where(BudgetCategory.code.in_(list(codes)))
    result = []
    for row in db.session.execute(statement):
        amounts = resolve_annual(row)
        category: BudgetCategory = row[-1]
        result.append(CategoryYear(
            code=category.code,
            section=category.section,
            is_own_revenue=category.is_own_revenue,
            name=category.name,
            approved=amounts.approved,
            adjusted=amounts.adjusted,
            actual=amounts.actual,
            plan=amounts.plan,
            plan_execution=share(amounts.actual, amounts.plan)
            if amounts.actual is not None and amounts.plan else None,
            actual_through=amounts.actual_through,
        ))
    return result


def budget_lines_for(rural_district_id: int, year: int,
                     category_codes: Sequence[str] | None = None) -> list[CategoryYear]:
    """The annual figures of some revenue categories of a rural district's year, in one
    query (all categories for None). Promises are linked to the functional group that pays
    for them, not to revenue categories: `portal.promises.funding`; see docs/budgets.md."""
    return _category_years(rural_district_id, year, category_codes)


# --------------------------------------------------------------------------- areas

def area_totals(level: AreaLevel, parent_id: int | None = None
                ) -> dict[int, dict[int, Totals]]:
    """Totals per (unit, year) under an area, like-for-like sums included: one query.

    A district's units are its rural districts (read from their yearly summaries); a
    region's are its districts and the nation's its regions (read from the maintained
    district roll-up, so the national page sums ~200 rows per year, not ~2,300)."""
    if level is AreaLevel.DISTRICT:
        statement = totals_by_unit_select(RuralDistrict.id).where(
            RuralDistrict.district_id == parent_id)
    elif level is AreaLevel.REGION:
        statement = (
            select(BudgetDistrictYear.district_id, BudgetDistrictYear.year,
                   *[getattr(BudgetDistrictYear, name) for name in TOTALS_FIELDS])
            .join(District, District.id == BudgetDistrictYear.district_id)
            .where(District.region_id == parent_id)
        )
    else:
        statement = (
            select(District.region_id, BudgetDistrictYear.year,
                   *[_region_sum(name) for name in TOTALS_FIELDS])
            .join(District, District.id == BudgetDistrictYear.district_id)
            .group_by(District.region_id, BudgetDistrictYear.year)
        )
    result: dict[int, dict[int, Totals]] = defaultdict(dict)
    for row in db.session.execute(statement):
        numbers = [int(value or 0) for value in row[2:]]  # PostgreSQL sums come as Decimal
        result[row[0]][row[1]] = Totals(*numbers)
    return result


def _region_sum(name: str) -> Any:
    """A `Totals` column of a region from its districts' roll-up rows: sums, except the
    months the actuals reach (the minimum; for spending, over districts with spending)."""
    column = getattr(BudgetDistrictYear, name)
    if name == "actual_through":
        return func.min(column)
    if name == "spending_through":
        return func.coalesce(func.min(case(
            (BudgetDistrictYear.spending_rural_districts > 0, column))), 0)
    return func.sum(column)


def area_budget(level: AreaLevel, parent_id: int | None = None) -> AreaBudget:
    """The area's series (units summed, exactly) and each unit's series: one query."""
    by_unit = area_totals(level, parent_id)
    area: dict[int, Totals] = defaultdict(Totals)
    for series in by_unit.values():
        for year, totals in series.items():
            area[year] = area[year] + totals
    return AreaBudget(years=sorted(area), series=year_indicators(area), unit_totals=by_unit)
