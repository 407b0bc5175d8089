"""Responses are compressed as the reader's Accept-Encoding allows, cached pages once."""

from __future__ import annotations

import gzip
from typing import Any

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.extensions import db
from portal.web import compression
from tests.factories import TermFactory, UserFactory

BROWSER = "gzip, deflate, br, zstd"


def decoded(response: Any) -> str:
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        body = brotli.decompress(body)
    elif encoding == "gzip":
        body = gzip.decompress(body)
    else:
        assert encoding is None, encoding
    return body.decode()


@pytest.fixture
def cached_app(make_app: Any) -> Flask:
    return make_app(CACHE_TYPE="SimpleCache")


@pytest.mark.parametrize(("accept", "expected"), [
    (None, None),
    ("", None),
    ("identity", None),
    ("gzip", "gzip"),
    ("gzip, deflate, br, zstd", "br"),
    ("br;q=0.5, gzip", "gzip"),
    ("br;q=0, *", "gzip"),
    ("*", "br"),
    ("*;q=0", None),
    ("gzip;q=0, br;q=0", None),
    ("deflate", None),
    ("BR", "br"),
    ("gzip;q=nonsense, br;q=0.1", "br"),
])
def test_the_encoding_follows_the_readers_preferences(accept: str | None,
                                                       expected: str | None) -> None:
    assert compression.negotiate(accept) == expected


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_cached_page_is_stored_compressed_and_a_hit_compresses_nothing(
        cached_app: Flask, encoding: str, monkeypatch: pytest.MonkeyPatch) -> None:
    term = TermFactory()
    db.session.commit()
    client = cached_app.test_client()
    url = f"/akims/{term.akim_id}"
    plain = client.get(url)
    assert plain.headers["X-Page-Cache"] == "miss"
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]

    miss = client.get(url, headers={"Accept-Encoding": encoding})
    assert miss.headers["X-Page-Cache"] == "miss"  # each encoding is its own entry
    assert miss.headers["Content-Encoding"] == encoding
    assert int(miss.headers["Content-Length"]) == len(miss.get_data())
    assert len(miss.get_data()) * 2 < len(plain.get_data())
    assert decoded(miss) == plain.get_data(as_text=True)
    assert term.akim.full_name_latn in decoded(miss)

    calls: list[str] = []
    real = compression.compress
    monkeypatch.setattr(compression, "compress",
                        lambda body, enc, **kw: calls.append(enc) or real(body, enc, **kw))
    hit = client.get(url, headers={"Accept-Encoding": encoding})
    assert hit.headers["X-Page-Cache"] == "hit"
    assert hit.headers["Content-Encoding"] == encoding
    assert hit.get_data() == miss.get_data()
    assert calls == []
    for name in ("Accept-Encoding", "Accept-Language", "Cookie"):
        assert name in hit.headers["Vary"]
    # Each representation has its own validator; the reader's own one gives a 304.
    assert hit.headers["ETag"] == miss.headers["ETag"] != plain.headers["ETag"]
    again = client.get(url, headers={"Accept-Encoding": encoding,
                                     "If-None-Match": hit.headers["ETag"]})
    assert again.status_code == 304


def test_a_reader_who_accepts_no_compression_gets_the_page_as_it_is(
        cached_app: Flask) -> None:
    client = cached_app.test_client()
    client.get("/regions/", headers={"Accept-Encoding": "br"})
    hit = client.get("/regions/", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in hit.headers
    assert "<html" in hit.get_data(as_text=True)


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_live_pages_of_signed_in_readers_are_compressed(
        client: FlaskClient, login: Any, encoding: str) -> None:
    user = UserFactory()
    login(user)
    response = client.get("/account", headers={"Accept-Encoding": encoding})
    assert response.status_code == 200
    assert "X-Page-Cache" not in response.headers
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert "Sign out" in decoded(response)


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_api_answers_are_compressed(client: FlaskClient, encoding: str) -> None:
    TermFactory.create_batch(3)
    response = client.get("/api/v1/akims", headers={"Accept-Encoding": encoding})
    assert response.headers["Content-Encoding"] == encoding
    assert '"items"' in decoded(response)


def test_pdfs_and_small_answers_are_sent_as_they_are(client: FlaskClient) -> None:
    term = TermFactory()
    pdf = client.get(f"/akims/{term.akim_id}/accountability.pdf?lang=en",
                     headers={"Accept-Encoding": BROWSER})
    assert pdf.status_code == 200
    assert "Content-Encoding" not in pdf.headers
    assert pdf.get_data().startswith(b"%PDF")
    tiny = client.get("/ping", headers={"Accept-Encoding": BROWSER})
    assert "Content-Encoding" not in tiny.headers
