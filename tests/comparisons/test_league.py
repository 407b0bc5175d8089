"""League tables (issue 22, item 2): sorting, the small-sample rule, CSV equals the page, the
API, and a fixed number of queries."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from flask.testing import FlaskClient

from portal.figures.definitions import COMPARISON_MINIMUMS, too_few
from tests.comparisons.helpers import term_with_promises

PAGE_BUDGET = 10


def _rows(html: str) -> list[tuple[int, str, str]]:
    """(akim id, rank cell, the kept column's text) of each row, in page order."""
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    found = []
    for row in body.split("<tr>")[1:]:
        akim_id = int(re.search(r'name="akim" value="(\d+)"', row)[1])  # type: ignore[index]
        rank = re.search(r'<td class="num">(\d*)</td>', row)[1]  # type: ignore[index]
        kept = re.search(r'data-column="kept">(.*?)</td>', row, re.S)[1]  # type: ignore[index]
        found.append((akim_id, rank, re.sub(r"<[^>]+>", " ", kept).split()))
    return found  # type: ignore[return-value]


def _world() -> dict[str, Any]:
    return {
        "steady": term_with_promises(due=10, kept=6),  # 60 %
        "lucky": term_with_promises(due=1, kept=1),  # 100 %, but one of one
        "behind": term_with_promises(due=5, kept=1, broken=3),  # 20 %, at the minimum
        "empty": term_with_promises(due=0, kept=0),  # no promise due: no value
    }


def test_a_one_of_one_akim_never_tops_the_table(client: FlaskClient) -> None:
    terms = _world()
    html = client.get("/league?district=6136&sort=kept").get_data(as_text=True)
    rows = _rows(html)
    assert [akim_id for akim_id, _rank, _kept in rows] == [
        terms[name].akim_id for name in ("steady", "behind", "lucky", "empty")]
    assert [rank for _id, rank, _kept in rows] == ["1", "2", "", ""]
    steady, behind, lucky, empty = (kept for _id, _rank, kept in rows)
    assert steady == ["60%", "6", "of", "10"]
    assert behind == ["20%", "1", "of", "5"]  # five due: comparable
    assert lucky == ["100%", "1", "of", "1", "too", "few", "to", "compare"]
    assert empty == ["—"]
    # Reversed, the comparable ones swap; too few and no value still come last.
    reversed_rows = _rows(client.get("/league?district=6136&sort=kept&order=asc")
                          .get_data(as_text=True))
    assert [akim_id for akim_id, _rank, _kept in reversed_rows] == [
        terms[name].akim_id for name in ("behind", "steady", "lucky", "empty")]
    assert 'aria-sort="ascending"' in client.get(
        "/league?district=6136&sort=kept&order=asc").get_data(as_text=True)


def test_the_rule_at_its_boundaries() -> None:
    promises, reports, ratings = COMPARISON_MINIMUMS
    assert (promises.least, reports.least, ratings.least) == (5, 2, 20)
    assert too_few("promises-kept-share", {"promises-due": 4})
    assert not too_few("promises-kept-share", {"promises-due": 5})
    assert too_few("promises-broken-share", {"promises-due": 0})
    assert too_few("reports-on-time", {"reports-due": 1})
    assert not too_few("reports-on-time", {"reports-due": 2})
    assert too_few("rating-average", {"rating-count": 19})
    assert not too_few("rating-average", {"rating-count": 20})
    assert not too_few("reports-missing", {"reports-due": 0})  # a count has no minimum


def test_equal_figures_share_a_rank(client: FlaskClient) -> None:
    first = term_with_promises(due=5, kept=5)
    second = term_with_promises(due=10, kept=10)
    third = term_with_promises(due=10, kept=5)
    rows = _rows(client.get("/league?district=6136&sort=kept").get_data(as_text=True))
    assert [(akim_id, rank) for akim_id, rank, _kept in rows] == [
        (first.akim_id, "1"), (second.akim_id, "1"), (third.akim_id, "3")]


def test_the_csv_holds_the_page(client: FlaskClient) -> None:
    terms = _world()
    page = _rows(client.get("/league?district=6136&sort=kept").get_data(as_text=True))
    response = client.get("/league.csv?district=6136&sort=kept")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [int(row["akim.id"]) for row in rows] == [akim_id for akim_id, _r, _k in page]
    assert [row["rank"] for row in rows] == [rank for _id, rank, _kept in page]
    by_id = {int(row["akim.id"]): row for row in rows}
    steady = by_id[terms["steady"].akim_id]
    assert (steady["figures.kept.value"], steady["figures.kept.count"],
            steady["figures.kept.base"], steady["figures.kept.too_few"]) == ("0.6", "6", "10",
                                                                           "false")
    assert by_id[terms["lucky"].akim_id]["figures.kept.too_few"] == "true"
    assert by_id[terms["empty"].akim_id]["figures.kept.value"] == ""
    for akim_id, _rank, kept in page:
        value = by_id[akim_id]["figures.kept.value"]
        shown = kept[0]
        assert shown == ("—" if value == "" else f"{round(float(value) * 100)}%")


def test_the_api_gives_the_same_rows_paginated(client: FlaskClient) -> None:
    terms = _world()
    body = client.get("/api/v1/league?district=6136&sort=kept&per_page=2").get_json()
    assert body["total"] == 4 and body["page"] == 1 and body["per_page"] == 2
    assert [item["akim"]["id"] for item in body["items"]] == [
        terms["steady"].akim_id, terms["behind"].akim_id]
    assert body["items"][0]["figures"]["kept"] == {"value": 0.6, "count": 6, "base": 10,
                                                   "too_few": False}
    assert body["items"][0]["rank"] == 1
    second = client.get("/api/v1/league?district=6136&sort=kept&per_page=2&page=2").get_json()
    assert [item["figures"]["kept"]["too_few"] for item in second["items"]] == [True, False]
    assert second["items"][1]["figures"]["kept"]["value"] is None


def test_bad_parameters(client: FlaskClient) -> None:
    for params, parameter in (({"sort": "salary"}, "sort"), ({"order": "up"}, "order"),
                              ({"district": "61"}, "district"), ({"region": "x1"}, "region")):
        response = client.get("/api/v1/league", query_string=params)
        assert response.status_code == 400, params
        assert response.get_json()["error"]["parameter"] == parameter
    assert client.get("/api/v1/league?district=9999").status_code == 404
    # The page forgives a sort it does not know; an area that does not exist is a 404.
    assert client.get("/league?district=6136&sort=salary&order=up").status_code == 200
    assert client.get("/league?district=9999").status_code == 404
    assert client.get("/league?region=%00").status_code == 404


def test_areas_and_links(client: FlaskClient) -> None:
    here = term_with_promises(due=5, kept=2)
    elsewhere = term_with_promises(due=5, kept=2, kato4="1156")  # Akmola region
    for url in ("/league?district=6136", "/league?region=61"):
        html = client.get(url).get_data(as_text=True)
        assert f'value="{here.akim_id}"' in html, url
        assert f'value="{elsewhere.akim_id}"' not in html, url
    nation = client.get("/league").get_data(as_text=True)
    assert f'value="{here.akim_id}"' in nation and f'value="{elsewhere.akim_id}"' in nation
    # Each figure's head links to its definition; the map pages link to their tables.
    assert 'href="/how-we-count#promises-kept-share" data-figure="promises-kept-share"' in nation
    assert "/league?district=6136" in client.get("/districts/6136").get_data(as_text=True)
    assert "/league?region=61" in client.get("/regions/61").get_data(as_text=True)
    assert 'href="/league"' in client.get("/regions/").get_data(as_text=True)


def test_the_table_costs_the_same_queries_for_any_number_of_akims(
        client: FlaskClient, count_queries: Any) -> None:
    term_with_promises(due=5, kept=2)
    with count_queries() as few:
        assert client.get("/league?district=6136&sort=missing").status_code == 200
    for _ in range(6):
        term_with_promises(due=6, kept=3, broken=1)
    with count_queries() as many:
        assert client.get("/league?district=6136&sort=missing").status_code == 200
    assert len(many) == len(few) <= PAGE_BUDGET, "\n".join(many)
    with count_queries() as api:
        assert client.get("/api/v1/league?district=6136").status_code == 200
    assert len(api) <= PAGE_BUDGET


def test_the_next_page_keeps_the_chosen_akims(app: Any) -> None:
    from portal.web.templating import url_with_page

    with app.test_request_context("/league?sort=kept&akim=3&akim=7&page=1"):
        url = url_with_page(2)
    assert url.startswith("/league?")
    assert "akim=3&akim=7" in url and "sort=kept" in url and "page=2" in url


def test_a_change_to_public_data_shows_in_the_next_table(make_app: Any) -> None:
    """The rows are kept under the public data's version: any commit that touches public
    data is in the next table, whatever the sort or page."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.promises.models import Promise, PromiseStatus

    app = make_app(CACHE_TYPE="SimpleCache")
    term = term_with_promises(due=5, kept=1)
    db.session.commit()
    client = app.test_client()

    def kept() -> list[str]:
        html = client.get("/league?district=6136&sort=kept").get_data(as_text=True)
        return [cells for akim_id, _rank, cells in _rows(html) if akim_id == term.akim_id][0]

    assert kept()[0] == "20%"
    assert kept()[0] == "20%"  # the same data: the kept reading
    promise = db.session.scalars(select(Promise).where(
        Promise.term_id == term.id, Promise.status == PromiseStatus.IN_PROGRESS)).first()
    assert promise is not None
    promise.claimed_status = promise.status = PromiseStatus.KEPT
    db.session.commit()
    assert kept()[0] == "40%"
