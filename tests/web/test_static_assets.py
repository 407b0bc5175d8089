"""Static files: hashed addresses kept a year by browsers, sent compressed."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path
from typing import Any

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import PROJECT_ROOT
from portal.web import assets

CSS = PROJECT_ROOT / "static" / "css" / "portal.css"


def content_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def test_pages_link_static_files_by_the_hash_of_their_content(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert links, "the home page links its stylesheet"
    for link in links:
        path, _, query = link.partition("?")
        file = PROJECT_ROOT / path.lstrip("/")
        assert query == f"v={content_hash(file)}", link


def test_a_hashed_address_is_cached_for_a_year(client: FlaskClient) -> None:
    response = client.get(f"/static/css/portal.css?v={content_hash(CSS)}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.get_data() == CSS.read_bytes()


@pytest.mark.parametrize("query", ["", "?v=0123456789abcdef"])
def test_an_unhashed_or_stale_address_revalidates(client: FlaskClient, query: str) -> None:
    response = client.get(f"/static/css/portal.css{query}")
    assert response.headers["Cache-Control"] == "no-cache"
    again = client.get(f"/static/css/portal.css{query}",
                       headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(("encoding", "decompress"), [("br", brotli.decompress),
                                                      ("gzip", gzip.decompress)])
def test_text_files_are_sent_compressed(client: FlaskClient, encoding: str,
                                        decompress: Any) -> None:
    url = f"/static/css/portal.css?v={content_hash(CSS)}"
    response = client.get(url, headers={"Accept-Encoding": encoding})
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert len(response.get_data()) * 3 < CSS.stat().st_size
    assert decompress(response.get_data()) == CSS.read_bytes()
    assert response.headers["ETag"] != client.get(url).headers["ETag"]


def test_binary_files_are_sent_from_disk_with_the_same_caching(client: FlaskClient) -> None:
    font = PROJECT_ROOT / "static" / "fonts" / "DejaVuSans.ttf"
    response = client.get(f"/static/fonts/DejaVuSans.ttf?v={content_hash(font)}",
                          headers={"Accept-Encoding": "br"})
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == font.read_bytes()
    response.close()


@pytest.mark.parametrize("path", ["../portal/config.py", "css/../../portal/config.py",
                                  "css", "nothing.css", "%2e%2e/portal/config.py"])
def test_nothing_outside_the_static_folder_is_served(client: FlaskClient, path: str) -> None:
    assert client.get(f"/static/{path}").status_code == 404


def test_a_changed_file_gets_a_new_address(make_app: Any, tmp_path: Path) -> None:
    app: Flask = make_app()
    app.static_folder = str(tmp_path)
    style = tmp_path / "site.css"
    style.write_text("body { color: black; }\n" * 40)
    with app.test_request_context():
        from flask import url_for

        first = url_for("static", filename="site.css")
        style.write_text("body { color: navy; }\n" * 40)
        second = url_for("static", filename="site.css")
    assert first != second
    client = app.test_client()
    assert client.get(second).headers["Cache-Control"] == assets.IMMUTABLE
    stale = client.get(first)
    assert stale.headers["Cache-Control"] == assets.REVALIDATE
    assert b"navy" in stale.get_data()
