"""The budget charts, built from indicator series with the site's SVG chart module."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _

from portal import formats
from portal.budgets.indicators import YearIndicators
from portal.budgets.models import PeriodKind
from portal.budgets.readers import FunctionYear
from portal.budgets.validation import parse_period
from portal.charts import (
    BRAND,
    INK,
    ORANGE,
    Chart,
    Series,
    grouped_bars,
    horizontal_bars,
    stacked_bars,
)


def money_text(amount: int) -> str:
    return f"{format_decimal(amount, format='#,##0')}\u00a0\u20b8"


def millions_text(amount: int) -> str:
    """'201.5 m ₸': readable headline figures; tables keep whole tenge."""
    value = format_decimal(Decimal(amount) / Decimal(1_000_000), format="#,##0.0")
    return _("%(amount)s m ₸", amount=value)


def percent_text(value: Decimal | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return str(format_percent(value, format="#,##0." + "0" * digits + "%"))


def signed_percent(value: Decimal | None) -> str:
    """Growth with its sign: '+15.8 %', '−3.0 %'."""
    if value is None:
        return "—"
    text = percent_text(abs(value))
    return f"+{text}" if value > 0 else (f"\u2212{text}" if value < 0 else text)


def month_span(through: int) -> str:
    """'январь – сентябрь' in the reader's language, for a year not yet closed (mid-sentence)."""
    return "" if through <= 0 else formats.month_span(1, through)


def period_words(period: str) -> str:
    """A budget file's period spelling (YEAR, Q1..Q4, M01..M12) as a reader says it."""
    parsed = parse_period(period)
    if parsed is None:
        return period
    kind, number = parsed
    if kind is PeriodKind.YEAR:
        return _("whole year")
    if kind is PeriodKind.QUARTER:
        return _("quarter %(number)d", number=number)
    return formats.month_name(number)


def year_label(item: YearIndicators) -> str:
    """The year, starred when its actuals do not yet cover the whole year."""
    return str(item.year) if item.closed or not item.has_actuals else f"{item.year}*"


def _tooltip(category: str, series: str, value: int) -> str:
    return f"{category} — {series}: {money_text(value)}"


def _with_actuals(series: Sequence[YearIndicators]) -> list[YearIndicators]:
    return [item for item in series if item.has_actuals]


def revenue_by_source(chart_id: str, series: Sequence[YearIndicators], place: str) -> Chart:
    """Own revenue and transfers stacked, one bar per year."""
    years = _with_actuals(series)
    labels = [year_label(item) for item in years]
    if years:
        first, last = years[0], years[-1]
        description = _(
            "Actual revenue of %(place)s by year, own revenue and transfers stacked. "
            "%(last_year)s: %(total)s, of which own revenue %(own)s (%(share)s). "
            "%(first_year)s: %(first_total)s.",
            place=formats.place_of(place), last_year=labels[-1], total=millions_text(last.revenue),
            own=millions_text(last.own_revenue), share=percent_text(last.own_share),
            first_year=labels[0], first_total=millions_text(first.revenue))
    else:
        description = _("No actual revenue is on record for %(place)s yet.", place=place)
    return stacked_bars(
        chart_id,
        title=_("Where the money comes from: %(place)s", place=place),
        description=description,
        category_label=_("Year"),
        categories=labels,
        series=[
            Series(_("Own revenue"), [item.own_revenue for item in years], BRAND),
            Series(_("Transfers"), [item.transfers for item in years], ORANGE),
        ],
        unit=_("million ₸"),
        tooltip=_tooltip,
        extra_columns=[
            (_("Total"), [money_text(item.revenue) for item in years]),
            (_("Own share"), [percent_text(item.own_share) for item in years]),
        ],
        note=partial_years_note(years),
    )


def plan_and_actual(chart_id: str, series: Sequence[YearIndicators], place: str) -> Chart:
    """The plan (adjusted, else approved) beside the actual, one pair per year."""
    years = [item for item in series if item.plan or item.has_actuals]
    labels = [year_label(item) for item in years]
    closed = [item for item in years if item.closed and item.plan_execution is not None]
    if closed:
        last = closed[-1]
        description = _(
            "Planned and actual revenue of %(place)s by year. In %(year)s the plan was "
            "%(plan)s and %(actual)s came in: %(execution)s of the plan.",
            place=formats.place_of(place), year=last.year, plan=millions_text(last.plan),
            actual=millions_text(last.revenue), execution=percent_text(last.plan_execution))
    else:
        description = _("Planned and actual revenue of %(place)s by year.",
                        place=formats.place_of(place))
    return grouped_bars(
        chart_id,
        title=_("Plan and actual: %(place)s", place=place),
        description=description,
        category_label=_("Year"),
        categories=labels,
        series=[
            Series(_("Plan"), [item.plan or None for item in years], "#ffffff", stroke=INK),
            Series(_("Actual"), [item.revenue if item.has_actuals else None for item in years],
                   BRAND),
        ],
        unit=_("million ₸"),
        tooltip=_tooltip,
        extra_columns=[(_("Plan collected"), [percent_text(item.plan_execution)
                                             for item in years])],
        note=partial_years_note(years),
    )


def spending_by_function(chart_id: str, functions: Sequence[FunctionYear], place: str,
                         year: int) -> Chart:
    """One year's spending per functional group: the plan (adjusted, else approved) over
    the actual, one row per group."""
    actual = sum(item.actual or 0 for item in functions)
    plan = sum(item.plan or 0 for item in functions)
    largest = max(functions, key=lambda item: item.actual or 0, default=None)
    if largest is not None and largest.actual:
        description = _(
            "Spending of %(place)s in %(year)s by functional group, plan and actual. "
            "Spent %(actual)s of a plan of %(plan)s; the largest group is %(group)s with "
            "%(largest)s.",
            place=formats.place_of(place), year=year, actual=millions_text(actual),
            plan=millions_text(plan), group=largest.name, largest=millions_text(largest.actual))
    else:
        description = _("Planned spending of %(place)s in %(year)s by functional group; no "
                        "spending has been reported yet.", place=formats.place_of(place),
                        year=year)
    through = max((item.actual_through for item in functions), default=0)
    return horizontal_bars(
        chart_id,
        title=_("Where the money went: %(place)s, %(year)s", place=place, year=year),
        description=description,
        category_label=_("Functional group"),
        categories=[item.name for item in functions],
        series=[
            Series(_("Plan"), [item.plan for item in functions], "#ffffff", stroke=INK),
            Series(_("Actual"), [item.actual for item in functions], BRAND),
        ],
        unit=_("million ₸"),
        tooltip=_tooltip,
        extra_columns=[(_("Plan spent"), [percent_text(item.plan_execution)
                                          for item in functions])],
        note=_("Actual spending for %(months)s only.", months=month_span(through))
        if 0 < through < 12 else "",
    )


def partial_years_note(series: Sequence[YearIndicators]) -> str:
    """The footnote for starred years."""
    notes = [_("%(year)s: %(months)s only", year=item.year, months=month_span(item.actual_through))
             for item in series if item.has_actuals and not item.closed]
    return ("* " + "; ".join(notes) + ".") if notes else ""
