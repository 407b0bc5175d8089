"""Report pages stay within the page budget, however many reports there are."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from portal.reports import services
from tests.factories import ReportFactory, TermFactory, UserFactory
from tests.factories.reports import FILLED

PAGE_BUDGET = 10


def _history(term: Any, count: int) -> list[Any]:
    reports = []
    start = date(2021, 1, 1)
    for index in range(count):
        end = date(start.year, 6, 30) if start.month == 1 else date(start.year, 12, 31)
        published = index % 3 != 2
        reports.append(ReportFactory(
            term=term, period_start=start, period_end=end, due_on=end + timedelta(days=31),
            published=published, days_late=(index % 4) if published else None,
        ))
        start = end + timedelta(days=1)
    return reports


@pytest.fixture
def record() -> dict[str, Any]:
    term = TermFactory()
    reports = _history(term, 8)
    services.amend(reports[0], {**FILLED, "summary": "Corrected."}, "A better summary.",
                   "tests")
    for _ in range(3):  # other akims in the same region, for the lists
        _history(TermFactory(), 4)
    return {"term": term, "report": reports[0], "akim_id": term.akim_id}


@pytest.mark.parametrize("url", [
    "/reports/{report}", "/reports/{report}/versions/1", "/reports/{report}/versions/2/changes",
    "/akims/{akim}", "/akims/{akim}/reports", "/reports/", "/regions/61/reports",
    "/districts/6136/reports",
    "/regions/61/reports/late", "/regions/61/reports/late?status=late&page=2",
])
def test_public_report_pages_within_budget(client: FlaskClient, count_queries: Any,
                                           record: dict[str, Any], url: str) -> None:
    address = url.format(report=record["report"].id, akim=record["akim_id"])
    with count_queries() as queries:
        response = client.get(address)
    assert response.status_code == 200
    assert len(queries) <= PAGE_BUDGET, f"{address}: {len(queries)}\n" + "\n".join(queries)


def test_akim_pages_within_budget(client: FlaskClient, login: Any, count_queries: Any,
                                  record: dict[str, Any]) -> None:
    login(UserFactory.akim_for(record["term"]))
    draft = ReportFactory(term=record["term"], period_start=date(2030, 1, 1),
                          period_end=date(2030, 6, 30), due_on=date(2030, 7, 31))
    for address in ("/akim/dashboard", f"/reports/{draft.id}/edit",
                    f"/reports/{record['report'].id}/amend"):
        with count_queries() as queries:
            response = client.get(address)
        assert response.status_code == 200
    assert len(queries) <= PAGE_BUDGET, f"{address}: {len(queries)}\n" + "\n".join(queries)


def test_profile_section_costs_one_query(client: FlaskClient, count_queries: Any) -> None:
    term = TermFactory()
    with count_queries() as without:
        client.get(f"/akims/{term.akim_id}")
    _history(term, 8)
    with count_queries() as with_reports:
        page = client.get(f"/akims/{term.akim_id}").get_data(as_text=True)
    assert "Reports to residents" in page
    assert len(with_reports) == len(without)  # the reports query runs either way
