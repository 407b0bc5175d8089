"""/api/v1/search (issue 22): the page's results as JSON, grouped by kind, drafts never."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.factories.promises import PromiseFactory
from tests.factories.reports import ReportFactory


def _groups(client: FlaskClient, **params: str) -> dict[str, Any]:
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return {group["kind"]: group for group in response.get_json()["groups"]}


def test_the_three_misses_are_found(client: FlaskClient) -> None:
    for query in ("Байдибек", "Бәйдібек", "Baidibek"):
        districts = _groups(client, q=query)["districts"]
        assert [hit["kato"] for hit in districts["items"]] == ["6136"], query
        assert districts["items"][0]["name"]["kk"] == "Бәйдібек ауданы"
        assert districts["items"][0]["url"].endswith("/districts/6136")
    regions = _groups(client, q="Туркестан")["regions"]
    assert [hit["kato"] for hit in regions["items"]] == ["61"]


def test_promises_and_published_reports_never_drafts(client: FlaskClient) -> None:
    promise = PromiseFactory(title="Build a velodrome", description="A velodrome by the river.")
    published = ReportFactory(published=True, summary="The velodrome opened in June.")
    ReportFactory(filled=True, summary="Draft: the velodrome is late.")
    groups = _groups(client, q="velodrome")
    assert [hit["id"] for hit in groups["promises"]["items"]] == [promise.id]
    assert groups["promises"]["items"][0]["excerpt"] == "A velodrome by the river."
    assert groups["reports"]["total"] == 1
    report = groups["reports"]["items"][0]
    assert report["id"] == published.id
    assert report["title"] == "2025-01-01/2025-06-30"
    assert "velodrome opened" in report["excerpt"]
    only = _groups(client, q="velodrome", kind="reports")
    assert list(only) == ["reports"]


def test_bad_parameters_are_400_and_an_unknown_region_404(client: FlaskClient) -> None:
    for params, parameter in (({}, "q"), ({"q": "a"}, "q"), ({"q": "ab", "kind": "x"}, "kind"),
                              ({"q": "ab", "region": "6"}, "region")):
        response = client.get("/api/v1/search", query_string=params)
        assert response.status_code == 400, params
        assert response.get_json()["error"]["parameter"] == parameter
    missing = client.get("/api/v1/search", query_string={"q": "ab", "region": "99"})
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"


def test_a_search_costs_a_fixed_number_of_queries(client: FlaskClient,
                                                  count_queries: Any) -> None:
    """Whatever is found: places matched, 20 promises and reports with their akims."""

    def cost() -> int:
        with count_queries() as statements:
            assert client.get("/api/v1/search?q=lights").status_code == 200
        return len(statements)

    PromiseFactory(title="Street lights")
    ReportFactory(published=True, summary="Street lights installed.")
    few = cost()
    for _ in range(5):
        PromiseFactory(title="More lights")
        ReportFactory(published=True, summary="More lights installed.")
    assert cost() == few <= 13


def test_meeting_questions_are_a_group(client: FlaskClient) -> None:
    from tests.factories import MeetingQuestionFactory

    item = MeetingQuestionFactory(question="When is the velodrome lit?")
    questions = _groups(client, q="velodrome")["questions"]
    assert [hit["id"] for hit in questions["items"]] == [item.id]
    assert questions["items"][0]["url"].endswith(f"/meetings/{item.meeting_id}#question-{item.id}")
