"""Rural district budgets: categories, lines as filed, yearly indicators; spending by
functional group as filed; the maslikhat decisions each year's figures come from."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Integer, func, select

from portal.budgets.indicators import YearIndicators
from portal.budgets.models import (
    BudgetCategory,
    BudgetDecision,
    BudgetFunction,
    BudgetLine,
    BudgetSpendingLine,
)
from portal.budgets.readers import budget_summaries_for_rural_districts
from portal.budgets.validation import period_label
from portal.extensions import db
from portal.geo.models import RuralDistrict
from portal.opendata.columns import (
    NAMES,
    SYNTHETIC,
    B,
    Column,
    D,
    I,
    N,
    S,
    Table,
    names_of,
    stream,
)


def _budget_categories() -> Iterator[tuple[Any, ...]]:
    return stream(select(BudgetCategory.code, BudgetCategory.section,
                         BudgetCategory.is_own_revenue, BudgetCategory.confirmed,
                         BudgetCategory.valid_from_year, *names_of(BudgetCategory))
                  .order_by(BudgetCategory.sort_order, BudgetCategory.code))


def _budget_lines() -> Iterator[tuple[Any, ...]]:
    statement = (select(RuralDistrict.kato, BudgetLine.year, BudgetLine.period_kind,
                        BudgetLine.period_number, BudgetCategory.code, BudgetLine.approved,
                        BudgetLine.adjusted, BudgetLine.actual, BudgetLine.synthetic)
                 .join(RuralDistrict, RuralDistrict.id == BudgetLine.rural_district_id)
                 .join(BudgetCategory, BudgetCategory.id == BudgetLine.category_id)
                 .order_by(RuralDistrict.kato, BudgetLine.year, BudgetCategory.sort_order,
                           BudgetLine.period_kind.desc(), BudgetLine.period_number))
    for kato, year, kind, number, code, approved, adjusted, actual, synthetic in stream(
            statement):
        yield (kato, year, period_label(kind, number), code, approved, adjusted, actual,
               synthetic)


def _budget_functions() -> Iterator[tuple[Any, ...]]:
    return stream(select(BudgetFunction.code, *names_of(BudgetFunction))
                  .order_by(BudgetFunction.sort_order, BudgetFunction.code))


def _spending_lines() -> Iterator[tuple[Any, ...]]:
    lines = BudgetSpendingLine
    statement = (select(RuralDistrict.kato, lines.year, lines.period_kind, lines.period_number,
                        BudgetFunction.code, lines.approved, lines.adjusted, lines.actual,
                        lines.synthetic)
                 .join(RuralDistrict, RuralDistrict.id == lines.rural_district_id)
                 .join(BudgetFunction, BudgetFunction.id == lines.function_id)
                 .order_by(RuralDistrict.kato, lines.year, BudgetFunction.sort_order,
                           lines.period_kind.desc(), lines.period_number))
    for kato, year, kind, number, code, approved, adjusted, actual, synthetic in stream(
            statement):
        yield (kato, year, period_label(kind, number), code, approved, adjusted, actual,
               synthetic)


def _budget_decisions() -> Iterator[tuple[Any, ...]]:
    statement = (select(RuralDistrict.kato, BudgetDecision.year, BudgetDecision.kind,
                        BudgetDecision.number, BudgetDecision.decided_on, BudgetDecision.url,
                        BudgetDecision.synthetic)
                 .join(RuralDistrict, RuralDistrict.id == BudgetDecision.rural_district_id)
                 .order_by(RuralDistrict.kato, BudgetDecision.year, BudgetDecision.kind,
                           BudgetDecision.decided_on, BudgetDecision.number))
    for kato, year, kind, number, decided_on, url, synthetic in stream(statement):
        yield kato, year, kind.value, number, decided_on, url, synthetic


INDICATOR_COLUMNS = [name for name in YearIndicators.__dataclass_fields__
                     if name != "rural_districts"]


def _budget_indicators() -> Iterator[tuple[Any, ...]]:
    """Indicators of every rural district and year, from the maintained yearly summaries."""
    katos = dict(db.session.execute(select(RuralDistrict.id, RuralDistrict.kato)).all())
    series = budget_summaries_for_rural_districts(katos)
    # An indicator is as fictional as the lines it sums: one grouped query.
    synthetic = {(rural_district_id, year): bool(marked) for rural_district_id, year, marked
                 in db.session.execute(select(BudgetLine.rural_district_id, BudgetLine.year,
                                              func.max(BudgetLine.synthetic.cast(Integer)))
                                       .group_by(BudgetLine.rural_district_id, BudgetLine.year))}
    for rural_district_id in sorted(series, key=katos.__getitem__):
        for item in series[rural_district_id]:
            values = item.as_dict()
            yield (katos[rural_district_id], *[values[name] for name in INDICATOR_COLUMNS],
                   item.closed, synthetic.get((rural_district_id, item.year), False))


def _indicator_column(name: str) -> Column:
    if name in ("year", "first_year"):
        return I(name, "Year." if name == "year" else "Base year of the growth since the "
                                                       "first year.")
    if name in ("own_share", "plan_execution", "own_plan_execution", "growth", "own_growth",
                "growth_since_first", "own_growth_since_first", "spending_plan_execution",
                "own_revenue_coverage"):
        return N(name, f"{name.replace('_', ' ').capitalize()}: a fraction (0.3312 = 33.12 %).")
    if name in ("actual_through", "spending_through"):
        return I(name, "The last month the actuals cover (12: the whole year).")
    return I(name, f"{name.replace('_', ' ').capitalize()} (whole tenge, or people).")


BUDGETS = [
    Table("budget_categories", "Budget revenue categories", "The revenue lines of rural "
          "district budgets.", [
        S("code", "The category's code."),
        S("section", "tax, non_tax, capital or transfers."),
        B("is_own_revenue", "Counts as own revenue."),
        B("confirmed", "Confirmed by law for fourth-level budgets."),
        I("valid_from_year", "First year it applies."), *NAMES("Name"),
    ], _budget_categories, ["code"]),
    Table("budget_lines", "Budget lines", "Rural district budget revenues as filed: approved "
          "and adjusted plans and actuals per category and period, whole tenge.", [
        S("rural_district_kato", "The rural district."), I("year", "Fiscal year."),
        S("period", "YEAR, Q1–Q4 or M01–M12."), S("category", "The category's code."),
        I("approved", "Approved plan."), I("adjusted", "Adjusted plan."),
        I("actual", "Actual receipts."), SYNTHETIC("budget figure"),
    ], _budget_lines, ["rural_district_kato", "year", "period", "category"],
        [("rural_district_kato", "rural_districts", "kato"),
         ("category", "budget_categories", "code")]),
    Table("budget_functions", "Budget spending functions", "The functional groups of the "
          "Unified Budget Classification (order of the Minister of Finance of 18.09.2014 "
          "No. 403) by which rural district spending is recorded.", [
        S("code", "The group's two-digit code."), *NAMES("Name"),
    ], _budget_functions, ["code"]),
    Table("budget_spending_lines", "Budget spending lines", "Rural district budget spending "
          "as filed: approved and adjusted plans and actuals per functional group and period, "
          "whole tenge.", [
        S("rural_district_kato", "The rural district."), I("year", "Fiscal year."),
        S("period", "YEAR, Q1–Q4 or M01–M12."), S("function", "The functional group's code."),
        I("approved", "Approved plan."), I("adjusted", "Adjusted plan."),
        I("actual", "Actual spending."), SYNTHETIC("budget figure"),
    ], _spending_lines, ["rural_district_kato", "year", "period", "function"],
        [("rural_district_kato", "rural_districts", "kato"),
         ("function", "budget_functions", "code")]),
    Table("budget_decisions", "Budget sources: maslikhat decisions", "The district maslikhat "
          "decisions that adopted and amended each rural district's budget year: the legal "
          "source of that year's revenue and spending figures. A year with no row here has "
          "no source recorded.", [
        S("rural_district_kato", "The rural district."), I("year", "Fiscal year."),
        S("kind", "adopted (approved the year's budget) or amending (changed it)."),
        S("decision_number", "The decision's number as published."),
        D("decided_on", "The decision's date."),
        S("url", "The decision in the legal register."), SYNTHETIC("decision"),
    ], _budget_decisions, ["rural_district_kato", "year", "decision_number"],
        [("rural_district_kato", "rural_districts", "kato")]),
    Table("budget_indicators", "Budget indicators", "Yearly indicators of each rural district "
          "(definitions: the portal's budget categories page).", [
        S("rural_district_kato", "The rural district."),
        *[_indicator_column(name) for name in INDICATOR_COLUMNS],
        B("closed", "The actuals cover the whole year."),
        SYNTHETIC("budget figure (it sums fictional lines)"),
    ], _budget_indicators, ["rural_district_kato", "year"],
        [("rural_district_kato", "rural_districts", "kato")]),
]
