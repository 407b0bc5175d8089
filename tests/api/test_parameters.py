"""Bad parameters are the caller's mistake: a 4xx JSON error naming the parameter, never a
500 and never a silent default."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import World, assert_conforms

BAD = [
    ("/api/v1/akims?page=-1", 400, "page"),
    ("/api/v1/akims?page=0", 400, "page"),
    ("/api/v1/akims?page=abc", 400, "page"),
    ("/api/v1/akims?page=", 400, "page"),
    ("/api/v1/akims?page=1.5", 400, "page"),
    ("/api/v1/akims?page=99999999999999999999", 400, "page"),
    ("/api/v1/akims?per_page=0", 400, "per_page"),
    ("/api/v1/akims?per_page=201", 400, "per_page"),
    ("/api/v1/akims?per_page=100000", 400, "per_page"),
    ("/api/v1/akims?per_page=%EF%BC%95", 400, "per_page"),  # a full-width digit five
    ("/api/v1/akims?format=xml", 400, "format"),
    ("/api/v1/akims?region=6", 400, "region"),
    ("/api/v1/akims?region=abc", 400, "region"),
    ("/api/v1/akims?region=99", 404, None),
    ("/api/v1/akims?district=9999", 404, None),
    ("/api/v1/akims?district=61", 400, "district"),
    ("/api/v1/akims?status=retired", 400, "status"),
    ("/api/v1/akims?q=" + "x" * 101, 400, "q"),
    ("/api/v1/regions?per_page=100000", 400, "per_page"),
    ("/api/v1/regions/99/districts", 404, None),
    ("/api/v1/regions/6x/districts", 400, "kato"),
    ("/api/v1/regions/611/districts", 400, "kato"),
    ("/api/v1/akims/99999999", 404, None),
    ("/api/v1/akims/99999999999999999999", 404, None),
    ("/api/v1/akims/0", 404, None),
    ("/api/v1/akims/abc", 404, None),
    ("/api/v1/akims/{akim}?format=csv", 400, "format"),
    ("/api/v1/akims/{akim}/promises?status=done", 400, "status"),
    ("/api/v1/akims/{akim}/promises?category=space", 400, "category"),
    ("/api/v1/akims/{akim}/promises?term_id=abc", 400, "term_id"),
    ("/api/v1/akims/{akim}/promises?term_id=99999999", 404, None),
    ("/api/v1/akims/{other}/promises?term_id={term}", 404, None),  # someone else's term
    ("/api/v1/akims/{akim}/reports?timeliness=soon", 400, "timeliness"),
    ("/api/v1/reports/99999999", 404, None),
    ("/api/v1/rural-districts/{kato}/budget?year=abc", 400, "year"),
    ("/api/v1/rural-districts/{kato}/budget?year=20251", 400, "year"),
    ("/api/v1/rural-districts/{kato}/budget?year=1066", 400, "year"),
    ("/api/v1/rural-districts/{kato}/budget?format=csv", 400, "format"),
    ("/api/v1/rural-districts/999999999/budget", 404, None),
    ("/api/v1/rural-districts/12345/budget", 400, "kato"),
    ("/api/v1/flags?status=pending", 400, "status"),
    ("/api/v1/no-such-thing", 404, None),
]


@pytest.mark.parametrize(("template", "status", "parameter"), BAD,
                         ids=[row[0] for row in BAD])
def test_bad_parameters_get_a_json_4xx(client: FlaskClient, world: World, template: str,
                                       status: int, parameter: str | None) -> None:
    url = template.format(akim=world.akim.id, other=world.other_akim.id, term=world.term.id,
                          kato=world.rural_district.kato)
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert_conforms(body, "Error")
    assert body["error"]["message"]
    assert body["error"].get("parameter") == parameter
    if status == 400:
        assert body["error"]["code"] == "invalid_parameter"
        assert parameter in body["error"]["message"]


def test_other_methods_are_refused_as_json(client: FlaskClient) -> None:
    response = client.post("/api/v1/akims")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_control_characters_in_a_search_are_refused(client: FlaskClient, world: World) -> None:
    for query in ("%C3%A4bilkaiyr%00", "abilkaiyr%1Bgalymzhan"):  # a NUL breaks PostgreSQL
        response = client.get(f"/api/v1/akims?q={query}")
        assert response.status_code == 400
        error = response.get_json()["error"]
        assert error["code"] == "invalid_parameter" and error["parameter"] == "q"
        assert "control character" in error["message"]


def test_unknown_parameters_are_ignored(client: FlaskClient, world: World) -> None:
    response = client.get("/api/v1/akims?cache_buster=123&lang=ru")
    assert response.status_code == 200
