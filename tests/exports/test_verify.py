"""`flask export verify FILE` and the /verify page (issue 17, item 4): one data fingerprint for
the facts in every language, current or stale with the changed facts named, and a clear "not
a dossier" for anything else."""

from __future__ import annotations

import html
import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfWriter

from portal.exports.services import prepare
from tests.exports.conftest import Record, pdf_text, rated


def export(app: Flask, akim_id: int, language: str, output: Path) -> Path:
    result = app.test_cli_runner().invoke(
        args=["export", "pdf", str(akim_id), "-o", str(output), "--lang", language])
    assert result.exit_code == 0, result.output
    return output


def verify(app: Flask, path: Path) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["export", "verify", str(path)])
    return result.exit_code, result.output


def test_the_three_languages_carry_one_data_fingerprint_and_three_renditions(
        record: Record) -> None:
    found = {language: prepare(record.term.akim_id, language) for language in ("kk", "ru", "en")}
    assert all(found.values())
    assert len({item.fingerprint for item in found.values() if item}) == 1
    assert len({item.rendition for item in found.values() if item}) == 3


def test_dossiers_in_every_language_print_the_same_fingerprint_and_how_to_verify(
        app: Flask, record: Record, tmp_path: Path) -> None:
    item = prepare(record.term.akim_id, "en")
    assert item is not None
    for language in ("kk", "ru", "en"):
        text = pdf_text(export(app, record.term.akim_id, language,
                               tmp_path / f"{language}.pdf").read_bytes())
        assert item.short_fingerprint in text, language
        assert "export verify" in text and "/verify" in text, language


def test_a_current_dossier_verifies(app: Flask, record: Record, tmp_path: Path) -> None:
    path = export(app, record.term.akim_id, "ru", tmp_path / "ru.pdf")
    status, output = verify(app, path)
    assert status == 0, output
    assert output.startswith("Current:")


def test_a_dossier_in_another_language_verifies_against_the_same_facts(
        app: Flask, record: Record, tmp_path: Path) -> None:
    english = export(app, record.term.akim_id, "en", tmp_path / "en.pdf")
    kazakh = export(app, record.term.akim_id, "kk", tmp_path / "kk.pdf")
    assert verify(app, english)[0] == 0 and verify(app, kazakh)[0] == 0
    rated(record.term, {4: 1})
    for path in (english, kazakh):
        status, output = verify(app, path)
        assert status == 1, output


def test_a_dossier_is_stale_once_a_rating_is_added_and_the_change_is_named(
        app: Flask, record: Record, tmp_path: Path) -> None:
    path = export(app, record.term.akim_id, "kk", tmp_path / "kk.pdf")
    rated(record.term, {5: 1})
    status, output = verify(app, path)
    assert status == 1, output
    assert output.startswith("Stale:")
    assert "Residents' ratings: ratings.count: 0 → 1" in output
    # A new dossier of the same data is current again.
    fresh = export(app, record.term.akim_id, "kk", tmp_path / "again.pdf")
    assert verify(app, fresh)[0] == 0


def test_a_file_that_is_not_a_dossier_exits_2_with_a_clear_message(
        app: Flask, tmp_path: Path) -> None:
    text = tmp_path / "notes.pdf"
    text.write_text("just some notes")
    status, output = verify(app, text)
    assert status == 2
    assert "is not an accountability dossier of this portal" in output
    other_pdf = tmp_path / "other.pdf"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": "A letter"})
    with other_pdf.open("wb") as out:
        writer.write(out)
    status, output = verify(app, other_pdf)
    assert status == 2 and "carries no data fingerprint" in output


def _upload(client: FlaskClient, csrf: Any, content: bytes, name: str = "dossier.pdf") -> str:
    response = client.post("/verify", data={
        "csrf_token": csrf("/verify"), "dossier": (io.BytesIO(content), name)},
        content_type="multipart/form-data")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_page_answers_current_stale_and_not_a_dossier(
        app: Flask, client: FlaskClient, csrf: Any, record: Record, tmp_path: Path) -> None:
    english = export(app, record.term.akim_id, "en", tmp_path / "en.pdf").read_bytes()
    russian = export(app, record.term.akim_id, "ru", tmp_path / "ru.pdf").read_bytes()
    page = client.get("/verify")
    assert page.status_code == 200 and "Check a dossier" in page.get_data(as_text=True)

    for content in (english, russian):
        assert "The facts of this dossier are what the portal holds today." in _upload(
            client, csrf, content)
    item = prepare(record.term.akim_id, "kk")
    assert item is not None
    typed = client.post("/verify", data={"csrf_token": csrf("/verify"),
                                         "fingerprint": item.short_fingerprint.upper()})
    assert "what the portal holds today" in typed.get_data(as_text=True)

    rated(record.term, {3: 1})
    stale = _upload(client, csrf, english)
    assert "has changed since this dossier was made" in stale
    assert "ratings.count" in stale and "Residents' ratings" in html.unescape(stale)

    not_pdf = _upload(client, csrf, b"GIF89a not a dossier", "photo.pdf")
    assert "This file is not a PDF." in not_pdf
    assert 'class="error-message" id="dossier-error"' in not_pdf
    unknown = client.post("/verify", data={"csrf_token": csrf("/verify"),
                                           "fingerprint": "0123456789ab"})
    assert "did not issue a dossier with this fingerprint" in unknown.get_data(as_text=True)
    bad = client.post("/verify", data={"csrf_token": csrf("/verify"), "fingerprint": "xyz"})
    assert "digits 0–9" in bad.get_data(as_text=True)


def test_an_oversized_upload_is_refused_beside_the_field(
        client: FlaskClient, csrf: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # A small cap: a test upload of megabytes would be spooled to a file the test client keeps open.
    monkeypatch.setattr("portal.exports.views.MAX_VERIFY_BYTES", 300 * 1024)
    text = _upload(client, csrf, b"%PDF-1.7\n" + b"0" * 300 * 1024)
    assert "larger than any dossier (0.3 MB at most)" in text


def _forged(claims: dict[str, str]) -> bytes:
    """A PDF anyone could make, carrying the portal's metadata keys with values of its own."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata(claims)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("akim", ["99999999999999999999999",  # no id SQLite can hold
                                  "2147483648"])  # one past PostgreSQL's integer
def test_a_forged_dossier_naming_an_impossible_akim_is_unknown_not_an_error(
        app: Flask, client: FlaskClient, csrf: Any, tmp_path: Path, akim: str) -> None:
    content = _forged({"/PortalDataFingerprint": "ab" * 32, "/PortalAkim": akim,
                       "/PortalAsOf": "2026-01-01"})
    assert "did not issue a dossier with this fingerprint" in _upload(client, csrf, content)
    path = tmp_path / "forged.pdf"
    path.write_bytes(content)
    status, output = verify(app, path)
    assert status == 2 and "was not issued by this portal" in output, output


def test_the_portal_s_record_of_the_facts_outweighs_edited_metadata(
        app: Flask, record: Record, tmp_path: Path) -> None:
    """A genuine dossier whose metadata was edited to name another akim and day is judged on
    the facts the portal recorded under its fingerprint, not on the edited claim."""
    from pypdf import PdfReader

    path = export(app, record.term.akim_id, "en", tmp_path / "en.pdf")
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.add_metadata({"/PortalAkim": "999999", "/PortalAsOf": "2021-01-01"})
    edited = tmp_path / "edited.pdf"
    with edited.open("wb") as out:
        writer.write(out)
    status, output = verify(app, edited)
    assert status == 0, output
    assert f"akim {record.term.akim_id}," in output
