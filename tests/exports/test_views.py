"""The public dossier route: PDF, languages, ETag and 304, the cache, the rate limit."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from portal.exports import services
from portal.extensions import db
from tests.exports.conftest import Record, pdf_text


def url(record: Record, language: str | None = "en") -> str:
    base = f"/akims/{record.term.akim_id}/accountability.pdf"
    return f"{base}?lang={language}" if language else base


def test_anyone_gets_the_dossier_as_a_pdf(client: FlaskClient, record: Record) -> None:
    response = client.get(url(record))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert "Sarsenbaev Galym Kairatuly" in pdf_text(response.data)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert f"dossier-{record.term.rural_district.kato}-" in disposition
    assert disposition.endswith('-en.pdf"')


def test_the_language_comes_from_lang_or_the_reader(app: Flask, client: FlaskClient,
                                                    record: Record) -> None:
    kazakh = client.get(url(record, "kk"))
    assert PdfReader(io.BytesIO(kazakh.data)).trailer["/Root"]["/Lang"] == "kk"
    assert "Әйгерім-Құдық ауылдық округі" in pdf_text(kazakh.data)
    # A reader who never chose (no `lang` cookie from the request above): Accept-Language.
    russian = app.test_client().get(url(record, None), headers={"Accept-Language": "ru"})
    assert PdfReader(io.BytesIO(russian.data)).trailer["/Root"]["/Lang"] == "ru"
    assert "Accept-Language" in russian.headers["Vary"]


def test_an_unchanged_dossier_is_a_304(client: FlaskClient, record: Record) -> None:
    first = client.get(url(record))
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    again = client.get(url(record), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag


def test_a_changed_record_gets_a_new_etag(client: FlaskClient, record: Record) -> None:
    etag = client.get(url(record)).headers["ETag"]
    record.broken.title = "Build a bridge over the river, and a road"
    db.session.commit()
    changed = client.get(url(record), headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "and a road" in pdf_text(changed.data)


def test_an_unchanged_dossier_is_served_from_the_cache(client: FlaskClient, record: Record,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       export_folder: Path) -> None:
    first = client.get(url(record))
    assert len(list((export_folder / "dossiers").glob("*.pdf"))) == 1

    def no_render(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("rendered again")

    monkeypatch.setattr(services, "render_dossier", no_render)
    again = client.get(url(record))
    assert again.status_code == 200
    assert again.data == first.data


def test_no_akim_no_dossier(client: FlaskClient) -> None:
    assert client.get("/akims/999999/accountability.pdf").status_code == 404


def test_the_dossier_is_rate_limited_per_address(app: Flask, client: FlaskClient,
                                                 record: Record) -> None:
    app.config["RATELIMIT_DOSSIER"] = "3 per minute"
    try:
        etag = client.get(url(record)).headers["ETag"]
        for _ in range(5):  # revalidations are cheap and not counted
            assert client.get(url(record), headers={"If-None-Match": etag}).status_code == 304
        assert client.get(url(record)).status_code == 200
        assert client.get(url(record)).status_code == 200
        assert client.get(url(record)).status_code == 429
        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = "203.0.113.9"
        assert other.get(url(record)).status_code == 200
    finally:
        app.config.pop("RATELIMIT_DOSSIER")


def test_the_profile_links_the_dossier_in_each_language(client: FlaskClient,
                                                        record: Record) -> None:
    page = client.get(f"/akims/{record.term.akim_id}").get_data(as_text=True)
    assert f'href="/akims/{record.term.akim_id}/accountability.pdf?lang=en"' in page
    assert f'href="/akims/{record.term.akim_id}/accountability.pdf?lang=kk"' in page
    assert f'href="/akims/{record.term.akim_id}/accountability.pdf?lang=ru"' in page
    assert "Download the dossier (PDF)" in page
    # The button says Download, so it saves the file rather than opening the browser's viewer.
    assert (f'href="/akims/{record.term.akim_id}/accountability.pdf?lang=en" '
            'type="application/pdf" download>') in page


def test_the_profile_stays_within_its_query_budget(client: FlaskClient, record: Record,
                                         count_queries: Any) -> None:
    with count_queries() as queries:
        client.get(f"/akims/{record.term.akim_id}")
    assert len(queries) <= 10
