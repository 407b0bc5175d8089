"""Spending by function and the source of every year's figures, as the budget page and the
API show them: loaded through the importer, the way staff load them."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from portal.budgets.services import import_budget_file
from portal.budgets.summaries import refresh_year_summaries
from portal.budgets.validation import DECISION_COLUMNS, SPENDING_COLUMNS
from tests.api.conftest import assert_conforms
from tests.budgets.conftest import AGYBET, csv_bytes
from tests.factories import BudgetLineFactory

PAGE_BUDGET = 10
NBSP = "\u00a0"
ADOPTED_URL = "https://adilet.zan.kz/rus/docs/G24TD00123M"
AMENDING_URL = "https://adilet.zan.kz/rus/docs/G25TD00456M"


@pytest.fixture
def spent(agybet: Any) -> Any:
    """2024 and 2025 revenue; 2025 spending (two groups) with its adopting and amending
    decisions; 2024 has no decision on record."""
    for year in (2024, 2025):
        BudgetLineFactory(rural_district=agybet, year=year, code="subventions",
                          approved=9_000_000, actual=9_000_000)
    refresh_year_summaries()
    spending = csv_bytes(
        (AGYBET, 2025, "YEAR", "01", 5_000_000, 5_500_000, None),
        (AGYBET, 2025, "Q1", "01", None, None, 1_200_000),
        (AGYBET, 2025, "Q2", "01", None, None, 1_300_000),
        (AGYBET, 2025, "Q3", "01", None, None, 1_400_000),
        (AGYBET, 2025, "Q4", "01", None, None, 1_600_000),
        (AGYBET, 2025, "YEAR", "07", 3_000_000, None, 2_400_000),
        header=SPENDING_COLUMNS)
    decisions = csv_bytes(
        (AGYBET, 2025, "adopted", "35/2", "2024-12-27", ADOPTED_URL),
        (AGYBET, 2025, "amending", "41/3", "2025-06-14", AMENDING_URL),
        header=DECISION_COLUMNS)
    for data in (spending, decisions):
        assert import_budget_file(data, "file.csv", "tests").succeeded
    return agybet


def test_the_page_shows_spending_by_function_with_its_chart_and_table(
        client: FlaskClient, spent: Any, count_queries: Any) -> None:
    with count_queries() as queries:
        response = client.get(f"/rural-districts/{AGYBET}/budget?year=2025&lang=en")
    assert response.status_code == 200
    assert len(queries) <= PAGE_BUDGET, "\n".join(queries)
    html = response.get_data(as_text=True)
    assert "Spending by function, 2025" in html
    assert "General public services" in html and "Housing and communal services" in html
    # Plans and actuals in whole tenge; the adjusted plan is what the plan spent is against.
    assert f"5,500,000{NBSP}₸" in html and f"5,500,000{NBSP}₸" in html
    assert f"2,400,000{NBSP}₸" in html
    assert "100.0%" in html and "80.0%" in html  # 5.5 m of 5.5 m; 2.4 m of 3 m
    assert f"7,900,000{NBSP}₸" in html  # total spent; the total plan is 8.5 m
    assert f"8,500,000{NBSP}₸" in html and "92.9%" in html
    # The chart: server-drawn, accessible, with its numbers in a table.
    assert 'aria-labelledby="rd-spending-title rd-spending-desc"' in html
    assert "Where the money went" in html
    assert html.count('role="img"') == 3  # revenue by source, plan and actual, spending
    assert "<script" not in html and "style=" not in html


def test_the_sources_stand_beside_the_figures(client: FlaskClient, spent: Any) -> None:
    html = client.get(f"/rural-districts/{AGYBET}/budget?year=2025&lang=en").get_data(
        as_text=True)

    assert "Source of the 2025 figures" in html
    assert f'href="{ADOPTED_URL}"' in html and f'href="{AMENDING_URL}"' in html
    assert "Adopted: <a" in html and "Amended: <a" in html
    assert "decision of the district maslikhat No. 35/2 of December 27, 2024" in html
    assert html.index("No. 35/2") < html.index("No. 41/3")  # adopting first
    assert "Source not recorded" not in html


def test_a_year_without_a_decision_says_its_source_is_not_recorded(
        client: FlaskClient, spent: Any) -> None:
    html = client.get(f"/rural-districts/{AGYBET}/budget?year=2024&lang=en").get_data(
        as_text=True)

    assert "Source not recorded" in html
    assert "No spending figures are on record for this year." in html


@pytest.mark.parametrize(("language", "words"), [
    ("ru", ("Расходы по функциям, 2025", "Жилищно-коммунальное хозяйство",
            "Источник показателей 2025 года",
            "решение районного маслихата от 27 декабря 2024\u202fг. № 35/2")),
    ("kk", ("Функциялар бойынша шығыстар, 2025", "Тұрғын үй-коммуналдық шаруашылық",
            "2025 жылғы көрсеткіштердің дереккөзі",
            "аудандық мәслихаттың № 35/2 шешімі (2024\u202fж. 27 желтоқсан)")),
])
def test_the_section_speaks_kazakh_and_russian(client: FlaskClient, spent: Any,
                                               language: str, words: tuple[str, ...]) -> None:
    html = client.get(f"/rural-districts/{AGYBET}/budget?year=2025&lang={language}").get_data(
        as_text=True)
    for word in words:
        assert word in html, word


def test_the_api_gives_spending_and_sources(client: FlaskClient, spent: Any) -> None:
    body = client.get(f"/api/v1/rural-districts/{AGYBET}/budget?year=2025").get_json()
    assert_conforms(body, "Budget")

    spending = body["spending"]
    office = next(item for item in spending["functions"] if item["code"] == "01")
    assert (office["approved"], office["adjusted"], office["actual"]) == (
        5_000_000, 5_500_000, 5_500_000)
    assert office["plan_execution"] == 1 and office["actual_through"] == 12
    assert office["name"]["ru"] == "Государственные услуги общего характера"
    housing = next(item for item in spending["functions"] if item["code"] == "07")
    assert housing["plan_execution"] == 0.8
    assert (spending["total"]["plan"], spending["total"]["actual"]) == (8_500_000, 7_900_000)
    assert len(spending["lines"]) == 6
    assert body["sources"] == [
        {"year": 2025, "kind": "adopted", "number": "35/2", "decided_on": "2024-12-27",
         "url": ADOPTED_URL, "synthetic": False},
        {"year": 2025, "kind": "amending", "number": "41/3", "decided_on": "2025-06-14",
         "url": AMENDING_URL, "synthetic": False},
    ]
    earlier = client.get(f"/api/v1/rural-districts/{AGYBET}/budget?year=2024").get_json()
    assert earlier["sources"] == [] and earlier["spending"]["functions"] == []
