"""Indicators against numbers worked out by hand, and exact types all the way."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from portal.budgets.indicators import growth, per_resident, rounded, share
from portal.budgets.readers import (
    AreaLevel,
    area_budget,
    budget_lines_for,
    budget_summaries_for_rural_districts,
    rural_district_budget,
)
from portal.budgets.summaries import refresh_year_summaries
from portal.budgets.validation import parse_amount
from tests.factories import BudgetLineFactory, RuralDistrictFactory


def year_of(series: list[Any], year: int) -> Any:
    return next(item for item in series if item.year == year)


@pytest.fixture
def town() -> Any:
    """Rural district A, 1,000 residents, three closed years (amounts in tenge):

    year  land tax (own)                         subventions (transfers)
    2023  approved 1,100,000   actual 1,000,000   approved 3,000,000 adjusted 3,200,000
                                                  actual 3,000,000
    2024  approved 1,400,000   actual 1,500,000   approved 3,500,000 actual 3,500,000
    2025  approved 2,000,000 adjusted 2,500,000   approved 4,000,000 actual 4,000,000
          actual 2,000,000
    """
    place = RuralDistrictFactory(kato="613633000", population=1_000)
    for year, land, subventions in (
        (2023, dict(approved=1_100_000, actual=1_000_000),
         dict(approved=3_000_000, adjusted=3_200_000, actual=3_000_000)),
        (2024, dict(approved=1_400_000, actual=1_500_000),
         dict(approved=3_500_000, actual=3_500_000)),
        (2025, dict(approved=2_000_000, adjusted=2_500_000, actual=2_000_000),
         dict(approved=4_000_000, actual=4_000_000)),
    ):
        BudgetLineFactory(rural_district=place, year=year, code="land_tax", **land)
        BudgetLineFactory(rural_district=place, year=year, code="subventions", **subventions)
    return place


def test_a_rural_districts_indicators_match_the_hand_computation(town: Any) -> None:
    refresh_year_summaries()
    series = budget_summaries_for_rural_districts([town.id])[town.id]

    latest = year_of(series, 2025)
    assert latest.revenue == 6_000_000
    assert latest.own_revenue == 2_000_000 and latest.transfers == 4_000_000
    assert latest.own_share == Decimal("0.3333")  # 2 / 6
    assert latest.own_revenue_per_resident == 2_000  # 2,000,000 / 1,000
    assert latest.plan == 6_500_000  # the adjusted land plan, the approved subventions
    assert latest.plan_execution == Decimal("0.9231")  # 6.0 / 6.5 = 0.923076…
    assert latest.own_plan_execution == Decimal("0.8000")  # 2.0 / 2.5
    assert latest.growth == Decimal("0.2000")  # 6.0 / 5.0 - 1
    assert latest.own_growth == Decimal("0.3333")  # 2.0 / 1.5 - 1
    assert latest.growth_since_first == Decimal("0.5000")  # 6.0 / 4.0 - 1
    assert latest.own_growth_since_first == Decimal("1.0000")  # 2.0 / 1.0 - 1
    assert latest.first_year == 2023

    first = year_of(series, 2023)
    assert first.plan_execution == Decimal("0.9302")  # 4.0 / (1.1 + 3.2) = 0.930232…
    assert first.growth is None and first.growth_since_first is None
    assert year_of(series, 2024).growth == Decimal("0.2500")  # 5.0 / 4.0 - 1


def test_roll_ups_compare_like_with_like(town: Any) -> None:
    """Rural district B (3,000 residents) reports only from 2024, and a first quarter of 2026.

    District 2025: revenue 6.0 m + 1.2 m = 7.2 m; own 2.0 m + 1.2 m = 3.2 m; per resident
    3.2 m / 4,000 = 800. Growth 2025 over both: 7.2 / (5.0 + 1.0) - 1 = 20 %. Growth 2024:
    only A had 2023, 5.0 / 4.0 - 1 = 25 %. Since 2023, chained: 1.25 × 1.2 - 1 = 50 %
    (a naive 7.2 / 4.0 - 1 = 80 % would count B's arrival as growth).
    """
    village = RuralDistrictFactory(kato="613635000", population=3_000)
    BudgetLineFactory(rural_district=village, year=2024, code="land_tax", actual=1_000_000)
    BudgetLineFactory(rural_district=village, year=2025, code="land_tax", actual=1_200_000)
    BudgetLineFactory(rural_district=village, year=2026, code="land_tax", q1=True,
                      actual=300_000)
    refresh_year_summaries()

    for level, parent in ((AreaLevel.DISTRICT, town.district_id),
                          (AreaLevel.REGION, town.district.region_id), (AreaLevel.NATION, None)):
        area = area_budget(level, parent)
        latest = area.year(2025)
        assert latest is not None
        assert (latest.rural_districts, latest.population) == (2, 4_000)
        assert latest.revenue == 7_200_000 and latest.own_revenue == 3_200_000
        assert latest.own_revenue_per_resident == 800
        assert latest.growth == Decimal("0.2000")
        assert latest.growth_since_first == Decimal("0.5000")
        assert area.year(2024).growth == Decimal("0.2500")  # type: ignore[union-attr]
        partial = area.year(2026)
        assert partial is not None and partial.actual_through == 3 and not partial.closed
        assert partial.growth is None and partial.growth_since_first is None

    by_district = area_budget(AreaLevel.DISTRICT, town.district_id)
    assert by_district.unit_year(village.id, 2025).own_share == Decimal("1.0000")  # type: ignore[union-attr]


def test_the_year_row_wins_then_quarters_then_months() -> None:
    place = RuralDistrictFactory()
    # Land tax: an annual actual and quarters; the annual figure is the one stated.
    BudgetLineFactory(rural_district=place, code="land_tax", approved=900, actual=1_000)
    BudgetLineFactory(rural_district=place, code="land_tax", q1=True, actual=1)
    # Vehicle tax: quarters only (Q1, Q2): their sum, through June.
    BudgetLineFactory(rural_district=place, code="vehicle_tax", approved=500)
    BudgetLineFactory(rural_district=place, code="vehicle_tax", q1=True, actual=100)
    BudgetLineFactory(rural_district=place, code="vehicle_tax", q2=True, actual=150)
    # Fines: months only.
    BudgetLineFactory(rural_district=place, code="fines", period_kind="month",
                      period_number=1, actual=7)
    BudgetLineFactory(rural_district=place, code="fines", period_kind="month",
                      period_number=2, actual=8)
    refresh_year_summaries()

    lines = {line.code: line for line in budget_lines_for(place.id, 2025)}
    assert (lines["land_tax"].actual, lines["land_tax"].actual_through) == (1_000, 12)
    assert (lines["vehicle_tax"].actual, lines["vehicle_tax"].actual_through) == (250, 6)
    assert (lines["fines"].actual, lines["fines"].approved, lines["fines"].plan) == (15, None, None)
    assert lines["vehicle_tax"].plan_execution == Decimal("0.5000")
    only_land = budget_lines_for(place.id, 2025, ["land_tax"])
    assert [line.code for line in only_land] == ["land_tax"]


def test_rounding_is_exact_and_half_up() -> None:
    assert rounded(Fraction(1, 20_000)) == Decimal("0.0001")  # exactly half: up
    assert rounded(Fraction(-1, 20_000)) == Decimal("-0.0001")
    assert share(1, 3) == Decimal("0.3333") and share(2, 3) == Decimal("0.6667")
    assert share(5, 0) is None
    assert growth(3, 4) == Decimal("-0.2500")
    assert per_resident(5, 2) == 3 and per_resident(1, 0) is None
    # Twelve-digit budgets stay exact: no binary rounding creeps in.
    assert share(333_333_333_333, 1_000_000_000_000) == Decimal("0.3333")
    assert per_resident(999_999_999_999_999, 1) == 999_999_999_999_999


def _walk(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [item for inner in value.values() for item in _walk(inner)]
    if isinstance(value, list | tuple):
        return [item for inner in value for item in _walk(inner)]
    return [value]


def test_no_float_anywhere_from_the_file_to_the_indicators(town: Any) -> None:
    """Money is int and ratios Decimal in everything the API and PDFs will serve."""
    with pytest.raises(Exception, match="fractional_amount"):
        parse_amount("1.5")
    assert type(parse_amount("1 000")) is int
    assert type(parse_amount(Decimal("2500.0"))) is int
    refresh_year_summaries()
    budget = rural_district_budget(town, 2025)
    values = _walk(budget.as_dict())
    assert values, "the budget has values"
    assert not [value for value in values if isinstance(value, float)]
    assert {type(value) for value in values} <= {int, str, bool, Decimal, type(None)}
    indicators = budget.indicators
    assert indicators is not None
    assert type(indicators.revenue) is int and type(indicators.own_share) is Decimal
    area = area_budget(AreaLevel.NATION)
    assert not [value for item in area.series for value in _walk(item.as_dict())
                if isinstance(value, float)]
    assert all(type(item.revenue) is int for item in area.series)  # PostgreSQL sums included
