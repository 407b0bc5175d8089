"""Every endpoint costs a fixed number of queries, whatever the page size (≤ 10)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import World
from tests.factories import (
    MeetingFactory,
    MeetingQuestionFactory,
    PromiseFactory,
    ReportFactory,
    TermFactory,
)

BUDGET = 10


@pytest.fixture
def many(world: World) -> World:
    for _ in range(25):
        term = TermFactory()
        PromiseFactory(term=term)
        ReportFactory(term=term, published=True)
        MeetingQuestionFactory(meeting=MeetingFactory(term=term))
    return world


def queries_for(client: FlaskClient, count_queries: Any, url: str) -> int:
    client.get(url)  # warm: lazy imports and the like
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def test_the_akim_list_does_not_query_per_item(client: FlaskClient, many: World,
                                               count_queries: Any) -> None:
    small = queries_for(client, count_queries, "/api/v1/akims?per_page=2")
    large = queries_for(client, count_queries, "/api/v1/akims?per_page=200")
    filtered = queries_for(client, count_queries,
                           "/api/v1/akims?per_page=200&region=61&district=6136&q=a&status=all")
    assert small == large <= BUDGET
    assert filtered <= BUDGET


@pytest.mark.parametrize("template", [
    "/api/v1/regions?per_page=200",
    "/api/v1/regions/61/districts?per_page=200",
    "/api/v1/akims/{akim}",
    "/api/v1/akims/{akim}/promises?per_page=200",
    "/api/v1/akims/{akim}/reports?per_page=200",
    "/api/v1/reports/{report}",
    "/api/v1/rural-districts/{kato}/budget",
    "/api/v1/flags?per_page=200",
    "/api/v1/meetings?per_page=200",
    "/api/v1/meetings?per_page=200&region=61&district=6136&status=held",
    "/api/v1/meetings/{meeting}",
    "/api/v1/akims?per_page=200&format=csv",
])
def test_each_endpoint_stays_within_the_budget(client: FlaskClient, many: World,
                                               count_queries: Any, template: str) -> None:
    url = template.format(akim=many.akim.id, report=many.amended.id,
                          kato=many.rural_district.kato, meeting=many.meeting.id)
    assert queries_for(client, count_queries, url) <= BUDGET
