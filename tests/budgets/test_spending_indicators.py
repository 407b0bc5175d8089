"""Spending indicators (per resident, plan executed, covered by own revenue) against numbers
worked out by hand, for a rural district and rolled up; and the pages that show them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.budgets.readers import (
    AreaLevel,
    area_budget,
    budget_summaries_for_rural_districts,
    rural_district_budget,
)
from portal.budgets.summaries import refresh_year_summaries
from portal.extensions import db
from portal.geo.models import District
from tests.factories import BudgetLineFactory, BudgetSpendingLineFactory, RuralDistrictFactory
from tests.factories.geo import a_district

NBSP = "\u00a0"


@pytest.fixture
def places() -> dict[str, Any]:
    """2025, amounts in tenge. District 6136: A and B (and C, no spending); D in another
    district of the same region.

    A, 1,000 residents. Revenue: land tax (own) 2,000,000, subventions 4,000,000, whole year.
      Spending: 01 approved 5,000,000 adjusted 5,500,000 actual 5,200,000;
                07 approved 3,000,000 actual 2,400,500. Whole year.
      Spent 7,600,500 of a plan of 8,500,000 (adjusted 01 + approved 07): 89.42 %
      (0.894176…); per resident 7,600.5 → 7,601 (half up); 01: 5,200, 07: 2,400.5 → 2,401.
      Own revenue covers 2,000,000 / 7,600,500 = 0.263140… → 26.31 %.
    B, 3,000 residents. Revenue: land tax 1,200,000, whole year. Spending: 12 approved
      2,000,000, quarters 1-3 actual 300,000 + 400,000 + 500,000 = 1,200,000 (to September).
      Per resident 400; plan executed 1.2 / 2.0 = 60 % (the whole year's plan, as revenue);
      coverage undefined: revenue covers 12 months, spending 9.
    C, 500 residents. Revenue only (land tax 100,000): no spending figures.
    D, 2,000 residents, the other district. Revenue: land tax 500,000. Spending: 04 approved
      and actual 1,000,000. Per resident 500; executed 100 %; covered 50 %.

    District 6136: spent 8,800,500 by A and B (4,000 residents; C has no spending): per
      resident 2,200.125 → 2,200; plan 10,500,000: 83.81 % (0.838142…); actuals to
      September (B); covered: A only, 26.31 %.
    Region and nation: A, B, D: 9,800,500 over 6,000 residents = 1,633.41… → 1,633; plan
      11,500,000: 85.22 % (0.852217…); covered: A and D, 2,500,000 / 8,600,500 = 0.290680…
      → 29.07 %.
    """
    district = a_district()
    other_district = db.session.scalar(
        select(District).where(District.region_id == district.region_id,
                               District.id != district.id).order_by(District.kato4).limit(1))
    assert other_district is not None
    a = RuralDistrictFactory(kato="613633000", population=1_000)
    b = RuralDistrictFactory(kato="613635000", population=3_000)
    c = RuralDistrictFactory(population=500)
    d = RuralDistrictFactory(district=other_district, kato=f"{other_district.kato4}33000",
                             population=2_000)
    BudgetLineFactory(rural_district=a, code="land_tax", approved=2_000_000, actual=2_000_000)
    BudgetLineFactory(rural_district=a, code="subventions", approved=4_000_000,
                      actual=4_000_000)
    BudgetSpendingLineFactory(rural_district=a, code="01", approved=5_000_000,
                              adjusted=5_500_000, actual=5_200_000)
    BudgetSpendingLineFactory(rural_district=a, code="07", approved=3_000_000, actual=2_400_500)
    BudgetLineFactory(rural_district=b, code="land_tax", approved=1_000_000, actual=1_200_000)
    BudgetSpendingLineFactory(rural_district=b, code="12", approved=2_000_000)
    for quarter, amount in ((1, 300_000), (2, 400_000), (3, 500_000)):
        BudgetSpendingLineFactory(rural_district=b, code="12", period_kind="quarter",
                                  period_number=quarter, actual=amount)
    BudgetLineFactory(rural_district=c, code="land_tax", approved=100_000, actual=100_000)
    BudgetLineFactory(rural_district=d, code="land_tax", approved=500_000, actual=500_000)
    BudgetSpendingLineFactory(rural_district=d, code="04", approved=1_000_000,
                              actual=1_000_000)
    refresh_year_summaries()
    return {"a": a, "b": b, "c": c, "d": d}


def test_a_rural_districts_spending_indicators_match_the_hand_computation(
        places: dict[str, Any]) -> None:
    series = budget_summaries_for_rural_districts(item.id for item in places.values())
    a = series[places["a"].id][0]
    assert (a.spending, a.spending_plan, a.spending_approved) == (7_600_500, 8_500_000, 8_000_000)
    assert a.spending_through == 12 and a.spending_closed
    assert a.spending_per_resident == 7_601
    assert a.spending_plan_execution == Decimal("0.8942")
    assert a.own_revenue_coverage == Decimal("0.2631")

    b = series[places["b"].id][0]
    assert (b.spending, b.spending_through, b.spending_closed) == (1_200_000, 9, False)
    assert b.spending_per_resident == 400
    assert b.spending_plan_execution == Decimal("0.6000")
    assert b.own_revenue_coverage is None  # twelve months of revenue, nine of spending

    c = series[places["c"].id][0]
    assert not c.has_spending and c.spending_population == 0
    assert c.spending_per_resident is None and c.spending_plan_execution is None
    assert c.own_revenue_coverage is None

    budget = rural_district_budget(places["a"], 2025)
    by_group = {item.code: item.per_resident for item in budget.spending}
    assert by_group == {"01": 5_200, "07": 2_401}
    total = budget.spending_total
    assert total is not None and total.per_resident == budget.indicators.spending_per_resident  # type: ignore[union-attr]


def test_spending_rolls_up_to_district_region_and_nation(places: dict[str, Any]) -> None:
    district = area_budget(AreaLevel.DISTRICT, places["a"].district_id).year(2025)
    assert district is not None
    assert (district.spending_rural_districts, district.spending_population) == (2, 4_000)
    assert (district.rural_districts, district.population) == (3, 4_500)  # revenue: A, B, C
    assert district.spending == 8_800_500 and district.spending_plan == 10_500_000
    assert district.spending_per_resident == 2_200
    assert district.spending_plan_execution == Decimal("0.8381")
    assert district.spending_through == 9  # B's spending reaches September
    assert district.own_revenue_coverage == Decimal("0.2631")  # A alone compares like with like

    for level, parent in ((AreaLevel.REGION, places["a"].district.region_id),
                          (AreaLevel.NATION, None)):
        area = area_budget(level, parent).year(2025)
        assert area is not None, level
        assert (area.spending_rural_districts, area.spending_population) == (3, 6_000), level
        assert area.spending == 9_800_500 and area.spending_plan == 11_500_000, level
        assert area.spending_per_resident == 1_633, level
        assert area.spending_plan_execution == Decimal("0.8522"), level
        assert area.spending_through == 9, level
        assert area.own_revenue_coverage == Decimal("0.2907"), level


def test_a_district_roll_up_is_the_sum_of_its_rural_districts(places: dict[str, Any]) -> None:
    area = area_budget(AreaLevel.DISTRICT, places["a"].district_id)
    units = [area.unit_year(places[key].id, 2025) for key in ("a", "b", "c")]
    whole = area.year(2025)
    assert whole is not None and all(units)
    for name in ("spending", "spending_plan", "spending_approved", "spending_population",
                 "spending_rural_districts"):
        assert getattr(whole, name) == sum(getattr(unit, name) for unit in units), name
    region = area_budget(AreaLevel.REGION, places["a"].district.region_id)
    districts = [region.unit_year(unit_id, 2025) for unit_id in region.unit_totals]
    assert region.year(2025).spending == sum(item.spending for item in districts if item)  # type: ignore[union-attr]


def test_the_rural_district_page_shows_the_spending_figures(
        client: FlaskClient, places: dict[str, Any]) -> None:
    html = client.get(f"/rural-districts/{places['a'].kato}/budget?year=2025&lang=en").get_data(
        as_text=True)
    assert f"7,601{NBSP}₸" in html and 'data-figure="spending-per-resident"' in html
    assert "89.4%" in html and 'data-figure="spending-plan-execution"' in html
    assert "26.3%" in html and 'data-figure="own-revenue-coverage"' in html
    assert f"5,200{NBSP}₸" in html and f"2,401{NBSP}₸" in html  # per resident by group
    assert "Capital and current spending are not shown" in html

    partial = client.get(f"/rural-districts/{places['b'].kato}/budget?year=2025&lang=en"
                         ).get_data(as_text=True)
    assert "Spending actuals for January – September only" in partial
    assert "60.0%" in partial


@pytest.mark.parametrize("url", ["/districts/6136/budget", "/regions/61/budget", "/budgets/"])
def test_the_area_pages_show_the_roll_up(client: FlaskClient, places: dict[str, Any],
                                         url: str, count_queries: Any) -> None:
    with count_queries() as queries:
        html = client.get(f"{url}?year=2025&lang=en").get_data(as_text=True)
    assert len(queries) <= 10, "\n".join(queries)
    assert "Spending, 2025" in html
    if url.startswith("/districts"):
        assert f"2,200{NBSP}₸" in html and "83.8%" in html and "26.3%" in html
        assert "no spending figures" in html  # C
    else:
        assert f"1,633{NBSP}₸" in html and "85.2%" in html and "29.1%" in html


def test_how_we_count_says_why_capital_and_current_spending_are_not_shown(
        client: FlaskClient) -> None:
    html = client.get("/how-we-count?lang=en").get_data(as_text=True)
    for slug in ("spending-per-resident", "spending-plan-execution", "own-revenue-coverage",
                 "capital-and-current-spending"):
        assert f'id="{slug}"' in html, slug
    assert "the economic classification or the budget programmes" in html


def test_the_api_gives_the_spending_indicators(client: FlaskClient,
                                               places: dict[str, Any]) -> None:
    body = client.get(f"/api/v1/rural-districts/{places['a'].kato}/budget?year=2025").get_json()
    indicators = body["indicators"]
    assert indicators["spending_per_resident"] == 7_601
    assert indicators["spending_plan_execution"] == 0.8942
    assert indicators["own_revenue_coverage"] == 0.2631
    groups = {item["code"]: item["per_resident"] for item in body["spending"]["functions"]}
    assert groups == {"01": 5_200, "07": 2_401}
    assert body["spending"]["total"]["per_resident"] == 7_601
