"""Public pages: home, the map, an akim's profile, search, errors and the health check."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from portal.web.models import DATA_ORIGIN, SYNTHETIC, set_meta
from tests.conftest import production_settings
from tests.factories import RuralDistrictFactory, SettlementFactory, TermFactory


def test_home_shows_national_numbers(client: FlaskClient) -> None:
    RuralDistrictFactory(population=1234)
    TermFactory()
    html = client.get("/").get_data(as_text=True)
    assert "The nation at a glance" in html
    assert "Turkistan Region" in html  # real reference regions, in English


def test_demo_ribbon_only_for_synthetic_data(client: FlaskClient) -> None:
    assert "Demo data" not in client.get("/").get_data(as_text=True)
    set_meta(DATA_ORIGIN, SYNTHETIC)
    assert "Demo data" in client.get("/").get_data(as_text=True)


def test_region_district_and_rural_district_pages_chain(client: FlaskClient) -> None:
    term = TermFactory()
    rural_district = term.rural_district
    SettlementFactory(rural_district=rural_district, centre=True, name_en="Centreville village")
    region_html = client.get("/regions/61").get_data(as_text=True)
    assert "Baidibek District" in region_html
    district_html = client.get("/districts/6136").get_data(as_text=True)
    assert rural_district.name_en in district_html
    assert term.akim.full_name_latn in district_html
    rd_html = client.get(f"/rural-districts/{rural_district.kato}").get_data(as_text=True)
    assert "Centreville village" in rd_html
    assert "Rural district centre" in rd_html
    assert 'aria-label="Breadcrumb"' in rd_html


def test_akim_profile_shows_the_term(client: FlaskClient) -> None:
    term = TermFactory()
    html = client.get(f"/akims/{term.akim_id}").get_data(as_text=True)
    assert term.akim.full_name_latn in html
    assert f"Akim of {term.rural_district.name_en}" in html
    assert "Serving" in html


def test_kazakh_is_the_default_and_names_follow_the_language(client: FlaskClient) -> None:
    term = TermFactory()
    html = client.get(f"/akims/{term.akim_id}?lang=kk").get_data(as_text=True)
    assert '<html lang="kk">' in html
    assert term.akim.full_name in html  # Cyrillic in Kazakh
    assert term.rural_district.name_kk in html


def test_unknown_places_and_akims_are_friendly_404s(client: FlaskClient) -> None:
    for url in ("/regions/99", "/regions/abc", "/districts/9999", "/rural-districts/123",
                "/rural-districts/999999999", "/akims/999999", "/akims/abc", "/no-such-page"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "We could not find that page" in response.get_data(as_text=True)


def test_search_finds_akims_villages_and_kato_codes(client: FlaskClient) -> None:
    term = TermFactory(akim__full_name="Жұмабаев Асқар Нұрланұлы",
                       akim__full_name_latn="Zhumabaev Askar Nurlanuly",
                       akim__search_key="жумабаев аскар нурланулы zhumabaev askar nurlanuly")
    SettlementFactory(rural_district=term.rural_district, name_kk="Ақбұлақ ауылы",
                      name_ru="село Акбулак", name_en="Akbulak village",
                      search_key="акбулак ауылы село акбулак akbulak village")
    # Kazakh letters, Russian spelling, capitals: all find the same people and places.
    assert "Zhumabaev Askar" in client.get("/search?q=ЖҰМАБАЕВ").get_data(as_text=True)
    assert "Zhumabaev Askar" in client.get("/search?q=жумабаев").get_data(as_text=True)
    assert "Akbulak village" in client.get("/search?q=Ақбұлақ").get_data(as_text=True)
    by_code = client.get(f"/search?q={term.rural_district.kato}").get_data(as_text=True)
    assert term.rural_district.name_en in by_code
    assert "Nothing found" in client.get("/search?q=zzzzzz").get_data(as_text=True)


def test_bad_page_numbers_show_a_page_not_an_error(client: FlaskClient) -> None:
    TermFactory(akim__search_key="пейдж тест")
    for page in ("-1", "abc", "0", "99999", "1.5", ""):
        response = client.get(f"/search?q=пейдж&page={page}")
        assert response.status_code == 200, page
        assert "пейдж" in response.get_data(as_text=True).lower()


def test_ping_answers_without_the_database(client: FlaskClient, count_queries: Any) -> None:
    with count_queries() as queries:
        response = client.get("/ping")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "ok"
    assert queries == []
    # The same app: the security headers every page gets, and never the page cache.
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "X-Page-Cache" not in client.get("/ping").headers


def test_security_headers_on_every_response(client: FlaskClient) -> None:
    for url in ("/", "/no-such-page", "/api/v1/regions", "/login"):
        headers = client.get(url).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_hsts_only_in_production(make_app, redis_url) -> None:  # type: ignore[no-untyped-def]
    production = make_app(**production_settings(redis_url))
    assert "Strict-Transport-Security" in production.test_client().get("/healthz").headers
    assert production.config["SESSION_COOKIE_SECURE"] is True


def test_search_results_paginate(client: FlaskClient) -> None:
    for index in range(25):
        TermFactory(akim__full_name=f"Бетов {index}", akim__full_name_latn=f"Betov {index}",
                    akim__search_key=f"бетов {index} betov")
    first = client.get("/search?q=betov")
    assert first.status_code == 200
    assert "Page 1 of 2" in first.get_data(as_text=True)
    second = client.get("/search?q=betov&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and 'rel="prev"' in second


def test_regions_are_listed_in_the_alphabet_of_the_reader(client: FlaskClient) -> None:
    def order(language: str, *names: str) -> list[int]:
        html = client.get(f"/?lang={language}").get_data(as_text=True)
        return [html.index(name) for name in names]

    positions = order("kk", "Абай облысы", "Ақмола облысы", "Алматы облысы", "Шымкент")
    assert positions == sorted(positions)  # Қ sits after К, not after Я
    positions = order("ru", "Акмолинская область", "Алматинская область", "Атырауская область")
    assert positions == sorted(positions)
    positions = order("en", "Abai Region", "Akmola Region", "Almaty Region", "Jetisu Region")
    assert positions == sorted(positions)


def test_the_sort_key_follows_each_alphabet() -> None:
    from portal.collation import sort_key

    assert sorted(["Ұлытау", "Үржар", "Іле", "Ақсу", "Аягөз"], key=lambda t: sort_key(t, "kk")) \
        == ["Ақсу", "Аягөз", "Ұлытау", "Үржар", "Іле"]
    assert sorted(["Ёлкино", "Ежовка", "Жанакала"], key=lambda t: sort_key(t, "ru")) \
        == ["Ежовка", "Ёлкино", "Жанакала"]
