"""Search (issue 22): places at every level in kk, ru and Latin spelling, one typo tolerated,
the matched words highlighted."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.factories import RuralDistrictFactory, SettlementFactory

# Names of the reference map loaded for every test run (geo/data/regions.csv, districts.csv).
BAIDIBEK = "/districts/6136"
TURKISTAN = "/regions/61"


def _page(client: FlaskClient, query: str, language: str) -> str:
    response = client.get("/search", query_string={"q": query, "lang": language})
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("query", ["Байдибек", "Бәйдібек", "БАЙДИБЕК", "Baidibek", "baydibek"])
def test_a_district_is_found_by_its_name_in_every_spelling(
        client: FlaskClient, query: str, language: str) -> None:
    html = _page(client, query, language)
    assert f'href="{BAIDIBEK}"' in html, (query, language)
    assert "Nothing found" not in html


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("query", ["Туркестан", "Түркістан", "Turkistan", "Türkistan"])
def test_a_region_is_found_by_its_name(client: FlaskClient, query: str, language: str) -> None:
    html = _page(client, query, language)
    assert f'href="{TURKISTAN}"' in html, (query, language)


def test_names_are_shown_in_the_readers_language_with_the_match_marked(
        client: FlaskClient) -> None:
    assert "<mark>Бәйдібек</mark> ауданы" in _page(client, "Байдибек", "kk")
    assert "район <mark>Байдибек</mark>а" in _page(client, "Бәйдібек", "ru")
    assert "Baidibek District" in _page(client, "Байдибек", "en")
    assert "<mark>Туркестан</mark>ская область" in _page(client, "туркестан", "ru")


def test_one_typo_is_tolerated_in_a_place_name(client: FlaskClient) -> None:
    assert f'href="{BAIDIBEK}"' in _page(client, "Байдибак", "ru")
    assert f'href="{BAIDIBEK}"' in _page(client, "Biadibek", "en")  # two letters swapped
    assert f'href="{TURKISTAN}"' in _page(client, "Туркистн", "ru")
    # Two typos are not a match.
    assert f'href="{BAIDIBEK}"' not in _page(client, "Бойдибак", "ru")


def test_villages_and_rural_districts_still_found_with_their_district(
        client: FlaskClient) -> None:
    unit = RuralDistrictFactory(name_kk="Жаңаталап ауылдық округі",
                                name_ru="сельский округ Жанаталап",
                                name_en="Zhanatalap rural district")
    SettlementFactory(rural_district=unit, name_kk="Көктерек ауылы", name_ru="село Коктерек",
                      name_en="Kokterek village")
    html = _page(client, "Жаңаталап", "kk")
    assert f'href="/rural-districts/{unit.kato}"' in html
    assert "<mark>Жаңаталап</mark> ауылдық округі" in html
    assert "Kokterek village" in _page(client, "Көктерек", "en")


def test_markup_in_a_query_or_name_is_escaped(client: FlaskClient) -> None:
    html = _page(client, "<script>Байдибек", "ru")
    assert "<script>Байдибек" not in html
