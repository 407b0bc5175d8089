"""Pages run a planned, bounded number of SQL statements, however much data there is."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.factories import RuralDistrictFactory, SettlementFactory, TermFactory

PAGE_BUDGET = 10


def _populate(count: int) -> list:  # type: ignore[type-arg]
    terms = []
    for _ in range(count):
        term = TermFactory()
        SettlementFactory(rural_district=term.rural_district, centre=True)
        SettlementFactory(rural_district=term.rural_district)
        TermFactory(ended=True, rural_district=term.rural_district, akim=term.akim)
        terms.append(term)
    RuralDistrictFactory()  # one without any akim
    return terms


def test_akim_profile_within_budget(client: FlaskClient, count_queries: Any) -> None:
    terms = _populate(5)
    with count_queries() as queries:
        response = client.get(f"/akims/{terms[0].akim_id}")
    assert response.status_code == 200
    assert len(queries) <= PAGE_BUDGET, "\n".join(queries)


def test_region_and_district_pages_within_budget(client: FlaskClient, count_queries: Any) -> None:
    _populate(8)
    for url in ("/regions/61", "/districts/6136", "/", "/regions/"):
        with count_queries() as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert len(queries) <= PAGE_BUDGET, f"{url}: {len(queries)}\n" + "\n".join(queries)


def test_district_page_does_not_grow_with_rural_districts(
    client: FlaskClient, count_queries: Any
) -> None:
    _populate(2)
    with count_queries() as few:
        client.get("/districts/6136")
    _populate(10)
    with count_queries() as many:
        client.get("/districts/6136")
    assert len(many) == len(few)
