"""Anonymous public pages come from a cache that any change to public data invalidates."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from portal.accounts.sessions import sign_in_cookie
from portal.extensions import db
from portal.geo.models import RuralDistrict
from tests.factories import ReportFactory, TermFactory, UserFactory


@pytest.fixture
def cached_app(make_app: Any) -> Flask:
    return make_app(CACHE_TYPE="SimpleCache")


def test_a_page_is_served_from_cache_until_the_data_changes(cached_app: Flask) -> None:
    term = TermFactory()
    db.session.commit()
    client = cached_app.test_client()
    url = f"/rural-districts/{term.rural_district.kato}"
    first = client.get(url)
    assert first.headers["X-Page-Cache"] == "miss"
    second = client.get(url)
    assert second.headers["X-Page-Cache"] == "hit"
    assert second.get_data() == first.get_data()
    assert "frame-ancestors 'none'" in second.headers["Content-Security-Policy"]
    # A change to public data, committed anywhere, invalidates every cached page.
    with cached_app.app_context():
        rural_district = db.session.get(RuralDistrict, term.rural_district_id)
        assert rural_district is not None
        rural_district.name_en = "Renamed rural district"
        db.session.commit()
    third = client.get(url)
    assert third.headers["X-Page-Cache"] == "miss"
    assert "Renamed rural district" in third.get_data(as_text=True)


def test_a_cached_page_reads_the_data_version_once(
    cached_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With Redis every read is a round trip: a hit looks the version up once, for its key
    and its Last-Modified alike."""
    from portal.web import page_cache

    term = TermFactory()
    db.session.commit()
    client = cached_app.test_client()
    url = f"/akims/{term.akim_id}"
    client.get(url)
    reads: list[str] = []
    real = page_cache.data_version

    def counting() -> str:
        reads.append("read")
        return real()

    monkeypatch.setattr(page_cache, "data_version", counting)
    hit = client.get(url)
    assert hit.headers["X-Page-Cache"] == "hit"
    assert hit.headers["Last-Modified"]
    assert len(reads) == 1


def test_languages_are_cached_apart(cached_app: Flask) -> None:
    term = TermFactory()
    db.session.commit()
    client = cached_app.test_client()
    url = f"/akims/{term.akim_id}"
    english = client.get(url + "?lang=en").get_data(as_text=True)
    kazakh = client.get(url + "?lang=kk").get_data(as_text=True)
    assert term.akim.full_name_latn in english
    assert term.akim.full_name in kazakh and '<html lang="kk">' in kazakh


def test_signed_in_readers_always_get_a_live_page(cached_app: Flask) -> None:
    user = UserFactory()
    db.session.commit()
    client = cached_app.test_client()
    client.get("/")
    client.get("/")
    with client.session_transaction() as session:
        sign_in_cookie(session, user)
    response = client.get("/")
    assert "X-Page-Cache" not in response.headers
    assert "Sign out" in response.get_data(as_text=True)


def test_conditional_requests_get_304(cached_app: Flask) -> None:
    client = cached_app.test_client()
    first = client.get("/regions/")
    etag = first.headers["ETag"]
    again = client.get("/regions/", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert "public" in first.headers["Cache-Control"]


def test_forms_and_health_checks_are_never_cached(cached_app: Flask) -> None:
    client = cached_app.test_client()
    client.get("/login")
    assert "X-Page-Cache" not in client.get("/login").headers  # carries a CSRF token
    client.get("/healthz")
    assert "X-Page-Cache" not in client.get("/healthz").headers


@pytest.mark.parametrize("headers", [
    {"Host": "evil.example"},
    {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"},
])
def test_the_host_header_never_reaches_a_cached_page(make_app: Any,
                                                     headers: dict[str, str]) -> None:
    """Issue 24, finding 11: the first reader of a page must not choose the address that
    every later reader sees in its "Cite as" line."""
    app = make_app(CACHE_TYPE="SimpleCache", TRUSTED_PROXIES=1,
                   PUBLIC_BASE_URL="https://akim.example.kz")
    report = ReportFactory(published=True)
    db.session.commit()
    client = app.test_client()
    url = f"/reports/{report.id}"
    planted = client.get(url, headers=headers)
    assert planted.status_code == 200
    assert planted.headers["X-Page-Cache"] == "miss"
    served = client.get(url)
    assert served.headers["X-Page-Cache"] == "hit"
    for response in (planted, served):
        html = response.get_data(as_text=True)
        assert "evil.example" not in html
        assert f"https://akim.example.kz/reports/{report.id}/versions/1" in html


def test_no_template_builds_an_address_from_the_request() -> None:
    """Absolute addresses come from PUBLIC_BASE_URL (`public_url`), never from the request."""
    from portal import PROJECT_ROOT

    offenders = [str(path.relative_to(PROJECT_ROOT))
                 for path in (PROJECT_ROOT / "templates").rglob("*.html")
                 if re.search(r"_external|request\.(host|url_root|host_url|url\b)",
                              path.read_text())]
    assert offenders == []
