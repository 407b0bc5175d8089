"""Budget pages as a visitor and as staff sees them, within the query budget."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.budgets.models import BudgetImport, BudgetLine
from portal.budgets.summaries import refresh_year_summaries
from portal.extensions import db
from tests.budgets.conftest import AGYBET, csv_bytes
from tests.factories import BudgetLineFactory, TermFactory, UserFactory

PAGE_BUDGET = 10
NBSP = "\u00a0"


@pytest.fixture
def budgeted(agybet: Any) -> Any:
    for year, own, transfers in ((2024, 1_500_000, 3_500_000), (2025, 2_000_000, 4_000_000)):
        BudgetLineFactory(rural_district=agybet, year=year, code="land_tax",
                          approved=own, actual=own)
        BudgetLineFactory(rural_district=agybet, year=year, code="subventions",
                          approved=transfers, actual=transfers)
    BudgetLineFactory(rural_district=agybet, year=2026, code="land_tax", q1=True,
                      actual=400_000)
    refresh_year_summaries()
    return agybet


def test_the_rural_district_budget_page_shows_lines_indicators_and_charts(
    client: FlaskClient, budgeted: Any, count_queries: Any
) -> None:
    with count_queries() as queries:
        response = client.get(f"/rural-districts/{AGYBET}/budget")
    assert response.status_code == 200
    assert len(queries) <= PAGE_BUDGET, "\n".join(queries)
    html = response.get_data(as_text=True)
    # The latest closed year by default, with its numbers in whole tenge.
    assert "2025 at a glance" in html
    assert f"6,000,000{NBSP}₸" in html and f"2,000,000{NBSP}₸" in html
    assert "33.3%" in html  # own share
    assert "+20.0%" in html  # on 2024
    assert "Land tax" in html and "Subventions" in html
    # Both charts, accessible, with their numbers in a table; 2026 is starred and explained.
    assert html.count('role="img"') == 2
    assert 'aria-labelledby="rd-sources-title rd-sources-desc"' in html
    assert "<desc id=\"rd-plan-desc\">" in html
    assert "2026*" in html and "* 2026: January – March only." in html
    assert "<script" not in html and "style=" not in html


def test_another_year_is_one_click_away(client: FlaskClient, budgeted: Any) -> None:
    html = client.get(f"/rural-districts/{AGYBET}/budget?year=2026").get_data(as_text=True)
    assert "2026 at a glance" in html
    assert "Actuals for January – March only" in html
    assert f'href="/rural-districts/{AGYBET}/budget?year=2025"' in html


def test_a_rural_district_without_figures_says_so(client: FlaskClient, agybet: Any) -> None:
    html = client.get(f"/rural-districts/{AGYBET}/budget").get_data(as_text=True)
    assert "No budget figures are on record" in html
    assert client.get("/rural-districts/000000000/budget").status_code == 404
    assert client.get("/rural-districts/abc/budget").status_code == 404


def test_roll_up_pages_within_budget(client: FlaskClient, budgeted: Any,
                                     count_queries: Any) -> None:
    for url in ("/budgets/", "/regions/61/budget", "/districts/6136/budget"):
        with count_queries() as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        assert len(queries) <= PAGE_BUDGET, f"{url}: {len(queries)}\n" + "\n".join(queries)
        html = response.get_data(as_text=True)
        assert f"6,000,000{NBSP}₸" in html, url
        assert html.count('role="img"') == 2
    district_page = client.get("/districts/6136/budget?year=2024").get_data(as_text=True)
    assert f'href="/rural-districts/{AGYBET}/budget?year=2024"' in district_page
    assert client.get("/regions/99/budget").status_code == 404


def test_the_map_pages_show_the_budget_section(client: FlaskClient, budgeted: Any,
                                               count_queries: Any) -> None:
    with count_queries() as queries:
        html = client.get(f"/rural-districts/{AGYBET}").get_data(as_text=True)
    assert len(queries) <= PAGE_BUDGET
    assert "Revenues in 2025" in html and "6.0 m ₸" in html
    assert f'href="/rural-districts/{AGYBET}/budget"' in html
    assert "Source of the 2025 figures" in html and "Source not recorded" in html
    assert 'href="/regions/61/budget"' in client.get("/regions/61").get_data(as_text=True)
    assert 'href="/districts/6136/budget"' in client.get("/districts/6136").get_data(as_text=True)


def test_the_akim_profile_shows_the_money_for_one_query(
    client: FlaskClient, budgeted: Any, count_queries: Any
) -> None:
    term = TermFactory(rural_district=budgeted)  # 2023-2027
    elsewhere = TermFactory()
    with count_queries() as without_budget_section:
        client.get(f"/akims/{elsewhere.akim_id}")
    with count_queries() as queries:
        html = client.get(f"/akims/{term.akim_id}").get_data(as_text=True)
    assert len(queries) <= PAGE_BUDGET
    assert len(queries) == len(without_budget_section)  # the section's one query is in both
    assert "Budget of" in html and "Revenues in 2025" in html
    assert f'href="/rural-districts/{AGYBET}/budget?year=2025#glance-heading"' in html
    assert 'id="profile-sources-title"' in html


def test_import_asks_visitors_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/budgets/import")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# One role per test: the test harness keeps one app context (and so Flask-Login's cached
# user in `g`) for the whole test, so signing in after an anonymous request would not show.
@pytest.mark.parametrize(("traits", "status"), [
    ({}, 403), ({"moderator": True}, 403), ({"staff": True}, 200), ({"admin": True}, 200),
])
def test_import_is_for_staff_and_admins_only(client: FlaskClient, login: Any,
                                             traits: dict[str, bool], status: int) -> None:
    login(UserFactory(**traits))
    response = client.get("/budgets/import")
    assert response.status_code == status
    if status == 200:
        html = response.get_data(as_text=True)
        assert "template.csv" in html and "template.xlsx" in html
        assert 'href="/budgets/import"' in html  # the navigation link
        assert 'enctype="multipart/form-data"' in html and 'name="csrf_token"' in html


def _upload(client: FlaskClient, csrf: Any, data: bytes, name: str = "budget.csv") -> Any:
    return client.post("/budgets/import", data={
        "csrf_token": csrf("/budgets/import"), "file": (io.BytesIO(data), name),
    }, content_type="multipart/form-data")


def test_staff_upload_a_file_and_see_the_history(client: FlaskClient, login: Any,
                                                 csrf: Any, agybet: Any) -> None:
    staff = login(UserFactory(staff=True))
    data = csv_bytes((AGYBET, 2025, "YEAR", "land_tax", 1_000, None, 900))
    response = _upload(client, csrf, data, "земля-2025.csv")
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported 1 row from земля-2025.csv: 1 new, 0 changed, 0 unchanged." in html
    assert staff.email in html and "земля-2025.csv" in html
    assert db.session.scalar(select(func.count()).select_from(BudgetLine)) == 1
    record = db.session.scalar(select(BudgetImport))
    assert record is not None and record.actor_id == staff.id


def test_a_rejected_upload_lists_each_problem_and_writes_nothing(
    client: FlaskClient, login: Any, csrf: Any, agybet: Any
) -> None:
    login(UserFactory(staff=True))
    data = csv_bytes((AGYBET, 2025, "YEAR", "land_tax", 1_000, None, None),
                     ("123456789", 2025, "Q7", "land_tax", "-3", None, None))
    response = _upload(client, csrf, data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Nothing was imported: the file has 3 problems." in html
    rows = re.findall(r'<tr>\s*<td class="num">(\d+)</td>\s*<td><span class="code">(\w+)</span>',
                      html)
    assert rows == [("3", "kato"), ("3", "period"), ("3", "approved")]
    assert "Unknown KATO code 123456789" in html
    assert db.session.scalar(select(func.count()).select_from(BudgetLine)) == 0
    assert "Rejected" in html  # the attempt is in the history


def test_an_upload_without_a_file_keeps_the_form(client: FlaskClient, login: Any,
                                                 csrf: Any) -> None:
    login(UserFactory(staff=True))
    response = client.post("/budgets/import", data={"csrf_token": csrf("/budgets/import")})
    assert response.status_code == 200
    assert "Choose a file to import." in response.get_data(as_text=True)


def test_the_templates_download_and_import_cleanly(client: FlaskClient, agybet: Any) -> None:
    from portal.budgets.services import import_budget_file

    csv_response = client.get("/budgets/template.csv")
    assert csv_response.status_code == 200
    assert "attachment" in csv_response.headers["Content-Disposition"]
    assert csv_response.data.startswith(b"\xef\xbb\xbfkato,year,period,category,approved")
    xlsx_response = client.get("/budgets/template.xlsx")
    assert xlsx_response.data.startswith(b"PK")
    for response, name in ((csv_response, "template.csv"), (xlsx_response, "template.xlsx")):
        outcome = import_budget_file(response.data, name, "tests")
        assert outcome.succeeded, outcome.errors
    assert db.session.scalar(select(func.count()).select_from(BudgetLine)) == 5


def test_the_categories_page_marks_unconfirmed_lines(client: FlaskClient) -> None:
    html = client.get("/budgets/categories").get_data(as_text=True)
    assert "individual_income_tax" in html and "Outdoor advertising fee" in html
    assert "to be confirmed" in html and "from 2026" in html
