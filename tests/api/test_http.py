"""HTTP around the API: caching validators and 304s, CORS, the rate limit, no caching of /me."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.web.page_cache import bump_data_version, data_changed_at
from tests.api.conftest import World
from tests.factories import UserFactory


@pytest.fixture
def cached_app(make_app: Any) -> Flask:
    return make_app(CACHE_TYPE="SimpleCache")


def test_public_answers_are_cached_and_validated(cached_app: Flask, world: World) -> None:
    bump_data_version()
    client = cached_app.test_client()
    url = f"/api/v1/akims/{world.akim.id}"
    first = client.get(url)
    assert first.headers["X-Page-Cache"] == "miss"
    assert first.headers["Cache-Control"] == "public, max-age=60"
    etag = first.headers["ETag"]
    modified = first.headers["Last-Modified"]
    second = client.get(url)
    assert second.headers["X-Page-Cache"] == "hit"
    assert second.get_data() == first.get_data()
    assert second.headers["ETag"] == etag
    not_modified = client.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.get_data() == b""
    since = client.get(url, headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    changed = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200


def test_last_modified_follows_the_data_version(cached_app: Flask, world: World) -> None:
    bump_data_version()
    changed = data_changed_at()
    assert changed is not None and datetime.now(UTC) - changed < timedelta(minutes=1)
    response = cached_app.test_client().get("/api/v1/regions")
    stamp = response.last_modified
    assert stamp is not None
    # Never earlier than the last change, never in the future.
    assert changed.replace(microsecond=0) <= stamp <= datetime.now(UTC)


def test_cached_csv_keeps_its_download_headers(cached_app: Flask, world: World) -> None:
    client = cached_app.test_client()
    url = "/api/v1/akims?format=csv&per_page=1&status=all"
    first = client.get(url)
    second = client.get(url)
    assert second.headers["X-Page-Cache"] == "hit"
    for header in ("Content-Disposition", "Link", "X-Total-Count"):
        assert second.headers[header] == first.headers[header]
    assert second.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_link_headers_lead_to_the_neighbouring_pages(client: FlaskClient, world: World) -> None:
    response = client.get("/api/v1/akims?per_page=1&page=2&status=all&q=")
    links = response.headers["Link"]
    assert '<' + "/api/v1/akims?per_page=1&page=3&status=all&q=" + '>; rel="next"' in links
    assert 'page=1&status=all&q=>; rel="prev"' in links
    assert 'rel="first"' in links and 'rel="last"' in links


def test_signed_in_answers_are_live_and_me_is_never_stored(cached_app: Flask, world: World,
                                                           login: Any) -> None:
    client = cached_app.test_client()
    login(UserFactory(email="private@example.kz"), on=client)
    for _ in range(2):
        response = client.get("/api/v1/me")
        assert "X-Page-Cache" not in response.headers
        assert response.headers["Cache-Control"] == "private, no-store"
    assert "X-Page-Cache" not in client.get("/api/v1/regions").headers


def test_any_origin_may_read(client: FlaskClient, world: World) -> None:
    headers = {"Origin": "https://newsroom.example"}
    for url in ("/api/v1/akims", "/api/v1/akims/99999999", "/api/v1/akims?page=0"):
        response = client.get(url, headers=headers)
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_preflight_for_conditional_gets(client: FlaskClient) -> None:
    response = client.options("/api/v1/akims", headers={
        "Origin": "https://newsroom.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "if-none-match"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]


def test_pages_outside_the_api_get_no_cors(client: FlaskClient) -> None:
    assert "Access-Control-Allow-Origin" not in client.get("/regions/").headers


def test_the_rate_limit_answers_429_in_json(make_app: Any, world: World) -> None:
    app = make_app(RATELIMIT_API="3 per minute")
    client = app.test_client()
    for _ in range(3):
        assert client.get("/api/v1/regions").status_code == 200
    response = client.get("/api/v1/akims")  # one budget for all of the API
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    assert other.get("/api/v1/regions").status_code == 200  # per address
    assert client.get("/regions/").status_code == 200  # pages have their own limits


@pytest.mark.redis
def test_last_modified_with_the_version_in_redis(make_app: Any, redis_url: str) -> None:
    """Shared by every machine, the Redis version carries its time too."""
    app = make_app(REDIS_URL=redis_url, CACHE_TYPE="NullCache", CACHE_NO_NULL_WARNING=True)
    with app.app_context():
        bump_data_version()
        changed = data_changed_at()
    assert changed is not None and datetime.now(UTC) - changed < timedelta(minutes=1)
    response = app.test_client().get("/api/v1/regions")
    assert response.last_modified is not None
    assert response.last_modified >= changed.replace(microsecond=0)
