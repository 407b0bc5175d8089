"""The dossier PDF as a reader downloads it in each language: its title, a date and money."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.exports.conftest import Record

TITLES = {"kk": "Есептілік досьесі", "en": "Accountability dossier", "ru": "Досье подотчётности"}
# The term began on 7 June 2023; the 2025 budget's total revenue was 65 000 000 ₸.
DATES = {"kk": "2023 жылғы 7 маусым", "ru": "7 июня 2023 г.", "en": "7 June 2023"}
AMOUNTS = {"kk": "65 000 000 ₸", "ru": "65 000 000 ₸", "en": "65,000,000 ₸"}


def pdf_words(client: FlaskClient, record: Record, language: str, tmp_path: Path) -> str:
    response = client.get(f"/akims/{record.term.akim_id}/accountability.pdf?lang={language}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / f"dossier-{language}.pdf"
    path.write_bytes(response.data)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,  # noqa: S603, S607
                              capture_output=True, text=True).stdout
    else:
        from tests.exports.conftest import pdf_text

        text = pdf_text(response.data)
    return re.sub(r"\s+", " ", text)  # no-break and narrow spaces become plain ones


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_dates_and_money_in_the_dossier(client: FlaskClient, record: Record, language: str,
                                        tmp_path: Path) -> None:
    text = pdf_words(client, record, language, tmp_path)
    assert DATES[language] in text
    assert AMOUNTS[language] in text


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_dossier_title_is_translated(client: FlaskClient, record: Record, language: str,
                                         tmp_path: Path) -> None:
    text = pdf_words(client, record, language, tmp_path)
    title = TITLES[language]
    assert title in text, title
