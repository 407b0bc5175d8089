"""?format=csv: spreadsheets read it (BOM, Kazakh letters), columns follow the schema."""

from __future__ import annotations

import csv
import io

import pytest
from flask.testing import FlaskClient

from portal.api.csv_output import columns
from tests.api.conftest import KAZAKH_NAME, KAZAKH_PLACE, World


def read(client: FlaskClient, url: str) -> tuple[list[str], list[dict[str, str]], bytes]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    raw = response.get_data()
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    rows = list(reader)
    return list(reader.fieldnames or []), rows, raw


def test_akims_csv_starts_with_a_bom_and_keeps_kazakh_letters(client: FlaskClient,
                                                             world: World) -> None:
    header, rows, raw = read(client, f"/api/v1/akims?format=csv&q={world.akim.full_name_latn}")
    assert raw.startswith(b"\xef\xbb\xbf")
    assert header[:4] == ["id", "name", "name_latn", "party"]
    assert {"rural_district.kato", "rural_district.name.kk", "term.starts_on",
            "scores.rating_avg", "open_flags"} <= set(header)
    assert len(rows) == 1
    row = rows[0]
    assert row["name"] == KAZAKH_NAME
    assert row["rural_district.name.kk"] == KAZAKH_PLACE
    assert "Ә".encode() in raw and "Қ".encode() in raw
    assert row["scores.rating_avg"] == ""  # null is an empty cell
    assert row["term.status"] == "serving"


def test_csv_is_the_same_page_as_json(client: FlaskClient, world: World) -> None:
    json_ids = [item["id"] for item in
                client.get("/api/v1/akims?per_page=2&page=2&status=all").get_json()["items"]]
    _header, rows, _raw = read(client, "/api/v1/akims?per_page=2&page=2&status=all&format=csv")
    assert [int(row["id"]) for row in rows] == json_ids


def test_an_empty_csv_still_has_its_header(client: FlaskClient) -> None:
    header, rows, _raw = read(client, "/api/v1/flags?format=csv")
    assert rows == []
    assert header == columns("Flag")
    assert "rule.code" in header and "evidence" in header


def test_formulas_are_defused_for_spreadsheets(client: FlaskClient, world: World) -> None:
    _header, rows, _raw = read(client, f"/api/v1/akims/{world.akim.id}/promises?format=csv")
    titles = [row["title"] for row in rows]
    assert titles[0] == "'=SUM(A1) water for Қызылжар"
    assert titles[1] == "A new school roof"
    assert rows[0]["due"] == "true" and rows[1]["due"] == "false"


@pytest.mark.parametrize("path", ["/api/v1/regions", "/api/v1/regions/61/districts",
                                  "/api/v1/akims", "/api/v1/akims/{akim}/promises",
                                  "/api/v1/akims/{akim}/reports", "/api/v1/flags"])
def test_every_list_endpoint_speaks_csv(client: FlaskClient, world: World, path: str) -> None:
    url = path.format(akim=world.akim.id)
    total = client.get(url).get_json()["total"]
    header, rows, _raw = read(client, f"{url}?format=csv&per_page=200")
    assert len(rows) == min(total, 200)
    assert header and all("." not in name or name.split(".")[0] for name in header)
    response = client.get(f"{url}?format=csv")
    assert response.headers["X-Total-Count"] == str(total)
