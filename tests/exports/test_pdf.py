"""The dossier PDF: its facts checked against the database in each language, its fonts, its
layout, a look at page 1, and the URL fetcher that only serves the app's static files."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from portal.exports import pdf as pdf_module
from portal.exports.pdf import STATIC_ORIGIN, StaticOnlyFetcher, css_string, engine
from portal.exports.services import prepare, render_dossier
from portal.extensions import db
from portal.formats import formal_date
from portal.promises.models import PromiseStatus
from tests.exports.conftest import (
    KAZAKH_LETTERS,
    Record,
    flagged,
    page_texts,
    pdf_text,
    rated,
)
from tests.factories import PromiseFactory

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def dossier_bytes(akim_id: int, language: str) -> bytes:
    item = prepare(akim_id, language)
    assert item is not None
    return pdf_module.write_pdf([render_dossier(item)])


def squash(text: str) -> str:
    """Extracted text with its line breaks and runs of spaces made single spaces."""
    return re.sub(r"\s+", " ", text)


def test_the_english_dossier_states_the_record(record: Record) -> None:
    item = prepare(record.term.akim_id, "en")
    assert item is not None
    data = pdf_module.write_pdf([render_dossier(item)])
    text = squash(pdf_text(data))
    starts, ends, as_of = (squash(formal_date(day, "en")) for day in (
        record.term.starts_on, record.term.ends_on, item.dossier.as_of))
    for fact in (
        "Sarsenbaev Galym Kairatuly", "Akim of Aigerim-Kuduk rural district",
        f"KATO {record.term.rural_district.kato}", "Baidibek District", "Turkistan Region",
        f"{starts} – {ends}", f"Data as of {as_of}", "5,432 residents, 3,901 registered voters",
        # key figures: 4 promises, kept 1 of the 3 due (33%), 1 broken, 1 overdue
        "4 promises in the programme", "33% kept, of the 3 due by now",
        # reports: 1 on time of 3 due, 1 late, 1 missing
        "1 of 3 reports due were published on time; 1 late, 1 missing.",
        # budget of the latest closed year: 65.0 m (land 15 m + transfers 50 m)
        "65.0 m ₸", "65,000,000 ₸", "60,000,000 ₸", "23.1%",
        "Promise scorecard", "Build a bridge over the river",
        "Lay a water pipe to the school", "Overdue", "Yes: Kept",
        "Reports to residents", "Late by 5 days", "Missing",
        "Residents' ratings", "No resident has rated this term's reports yet.",
        "Recall-trigger flags",
    ):
        assert fact in text, fact
    assert "Page 1 of" in text
    assert item.short_fingerprint in text
    assert f"/akims/{record.term.akim_id}" in text
    assert "Generated" in text


def test_evidence_counts_and_progress_are_on_the_scorecard(record: Record) -> None:
    text = squash(pdf_text(dossier_bytes(record.term.akim_id, "en")))
    # promise 1: kept and verified, 2 pieces of evidence; promise 3: 55 % claimed
    assert re.search(r"Kept Kept 100% Yes: Kept 2\b", text), text
    assert "55%" in text


@pytest.mark.parametrize(("language", "facts"), [
    ("kk", ("Сәрсенбаев Ғалым Қайратұлы", "Әйгерім-Құдық ауылдық округі", "Бәйдібек ауданы")),
    ("ru", ("Сәрсенбаев Ғалым Қайратұлы", "сельский округ Айгерим-Кудык", "район Байдибека")),
])
def test_other_languages_use_their_names_and_dates(record: Record, language: str,
                                                   facts: tuple[str, ...]) -> None:
    data = dossier_bytes(record.term.akim_id, language)
    text = squash(pdf_text(data))
    for fact in facts:
        assert fact in text, fact
    starts = squash(formal_date(record.term.starts_on, language))
    assert starts in text  # "2023 жылғы 7 маусым" or "7 июня 2023 г." (formal dates)
    assert "June 7, 2023" not in text
    assert PdfReader(io.BytesIO(data)).trailer["/Root"]["/Lang"] == language


def test_every_kazakh_letter_is_drawn_in_dejavu_sans(record: Record) -> None:
    data = dossier_bytes(record.term.akim_id, "kk")
    assert KAZAKH_LETTERS in pdf_text(data)
    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts, "no embedded fonts"
    assert all(re.fullmatch(r"/[A-Z]{6}\+DejaVu-Sans(-Bold)?", name) for name in fonts), fonts
    assert any(name.endswith("DejaVu-Sans-Bold") for name in fonts), fonts


def test_wide_tables_get_landscape_pages_and_repeat_their_headers(record: Record) -> None:
    for number in range(5, 45):
        PromiseFactory(term=record.term, number=number, title=f"Repair street number {number}",
                       claimed_status=PromiseStatus.IN_PROGRESS, claimed_progress=number)
    data = dossier_bytes(record.term.akim_id, "en")
    reader = PdfReader(io.BytesIO(data))
    shapes = ["landscape" if page.mediabox.width > page.mediabox.height else "portrait"
              for page in reader.pages]
    assert shapes[0] == "portrait" and shapes[-1] == "portrait"
    assert "landscape" in shapes
    texts = [squash(text) for text in page_texts(data)]
    with_header = [index for index, text in enumerate(texts)
                   if "No. Promise Deadline Status" in text]
    assert len(with_header) >= 2, "the scorecard header is not repeated"
    total = len(reader.pages)
    assert all(f"Page {index + 1} of {total}" in text for index, text in enumerate(texts))


def test_user_text_is_text_and_fetches_nothing(record: Record, monkeypatch: Any) -> None:
    record.unrated.title = '<img src="file:///etc/passwd"><link rel=stylesheet href="http://example.com/x.css">'
    db.session.commit()
    fetched: list[str] = []
    original = StaticOnlyFetcher.fetch

    def spy(self: StaticOnlyFetcher, url: str, headers: Any = None) -> Any:
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    text = pdf_text(dossier_bytes(record.term.akim_id, "en"))
    assert 'src="file:///etc/passwd"' in squash(text).replace("\n", "")
    assert not [url for url in fetched if "passwd" in url or "example.com" in url]


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "http://example.com/style.css", "https://example.com/logo.png",
    "data:image/svg+xml;base64,PHN2Zy8+", f"{STATIC_ORIGIN}/static/../portal/config.py",
    f"{STATIC_ORIGIN}/static/%2e%2e/pyproject.toml", f"{STATIC_ORIGIN}/etc/passwd",
    "https://static.portal.invalid.example.com/static/css/pdf.css",
])
def test_the_fetcher_refuses_anything_but_static_files(app: Any, url: str) -> None:
    fetcher = StaticOnlyFetcher(Path(app.static_folder))
    with pytest.raises(ValueError, match="only the app's static files"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_fetcher_serves_static_files(app: Any) -> None:
    fetcher = StaticOnlyFetcher(Path(app.static_folder))
    response = fetcher.fetch(f"{STATIC_ORIGIN}/static/css/pdf.css")
    assert b"DejaVu Sans" in response.read()
    assert response.content_type == "text/css"


def test_a_document_pointing_outside_gets_nothing(app: Any, tmp_path: Path) -> None:
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    shared = engine()
    before = len(shared.fetcher.refused)
    html = (f'<link rel="stylesheet" href="file://{secret}">'
            '<link rel="stylesheet" href="http://example.com/x.css">'
            '<img src="file:///etc/passwd"><img src="data:image/png;base64,iVBORw0KGgo=">'
            '<p>text</p>')
    document = HTML(string=html, base_url=f"{STATIC_ORIGIN}/",
                    url_fetcher=shared.fetcher).render(font_config=shared.font_config)
    assert len(document.pages) == 1
    refused = shared.fetcher.refused[before:]
    assert any(str(secret) in url for url in refused)
    assert any("example.com" in url for url in refused)
    assert any(url.startswith("data:") for url in refused)


def test_footer_strings_cannot_escape_css() -> None:
    hostile = 'x" } body { display: none } </style><script>'
    quoted = str(css_string(hostile))
    assert quoted.startswith('"') and quoted.endswith('"')
    assert '"' not in quoted[1:-1] and "<" not in quoted and ">" not in quoted


def test_page_one_looks_like_a_page(record: Record, tmp_path: Path) -> None:
    """A visual smoke test: page 1 drawn to PNG is an A4 page with ink on it."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        if IN_CI:
            pytest.fail("pdftoppm (poppler-utils) is missing; scripts/system-deps.sh test")
        pytest.skip("pdftoppm is not installed")
    source = tmp_path / "dossier.pdf"
    source.write_bytes(dossier_bytes(record.term.akim_id, "en"))
    subprocess.run([tool, "-r", "40", "-f", "1", "-l", "1", "-png", str(source),  # noqa: S603
                    str(tmp_path / "page")], check=True)
    from PIL import Image

    [png] = list(tmp_path.glob("page*.png"))
    image = Image.open(png).convert("L")
    width, height = image.size
    assert 1.35 < height / width < 1.45  # A4 portrait
    histogram = image.histogram()
    ink = sum(histogram[:230]) / (width * height)  # anything visibly darker than paper
    assert 0.02 < ink < 0.5, f"{ink:.3f} of the page is ink"


def test_ratings_and_flags_render_from_their_domains(record: Record) -> None:
    rated(record.term, {5: 6, 4: 2, 2: 2})
    flagged(record.term)
    text = squash(pdf_text(dossier_bytes(record.term.akim_id, "en")))
    for fact in ("4.20 of 5", "average of 10 ratings", "Open flags (1)", "Past flags (1)",
                 "Reporting to residents", "2 reports were unpublished past their due dates",
                 "The report was <b>lost</b> in the post.", "Election promises",
                 "kept 1 (25.0%), broken 2 (50.0%)", "open recall-trigger flags"):
        assert fact in text, fact
    assert "60%" in text  # five stars: 6 of 10


def test_no_ratings_yet_reads_as_such(record: Record) -> None:
    text = squash(pdf_text(dossier_bytes(record.term.akim_id, "en")))
    assert "No resident has rated this term's reports yet." in text
    assert "No flag has been raised in this term." in text


def test_the_reports_progress_on_promises_is_a_table_linked_to_each_promise(
        record: Record) -> None:
    from sqlalchemy import select

    from portal.reports import promise_entries, services
    from portal.reports.models import Report, ReportPromiseEntry, ReportState

    report = db.session.scalars(
        select(Report).where(Report.term_id == record.term.id,
                             Report.state == ReportState.PUBLISHED)
        .order_by(Report.period_start)).first()
    assert report is not None
    # Published with the report (version 1), then corrected: the dossier shows the correction.
    db.session.add(ReportPromiseEntry(
        report=report, promise=record.overdue, claim="in_progress", since_version=1,
        text="Half of the pipe is laid, up to the clinic."))
    db.session.flush()
    assert services.latest_version(report).number == 1
    promise_entries.amend_entry(report, record.overdue, "kept",
                                "The pipe reaches the school since May.", "",
                                "The pipe was finished after the report.", "tests")
    db.session.commit()
    data = dossier_bytes(record.term.akim_id, "en")
    text = squash(pdf_text(data))
    assert "Progress on promises, as the reports state it" in text
    assert "3. Lay a water pipe to the school" in text
    assert "The pipe reaches the school since May." in text
    assert "Half of the pipe is laid" not in text  # the replaced entry is history, not shown
    links = [annotation.get_object()["/A"]["/URI"]
             for page in PdfReader(io.BytesIO(data)).pages
             for annotation in page.get("/Annots", []) or []
             if "/A" in annotation.get_object() and "/URI" in annotation.get_object()["/A"]]
    assert any(str(link).endswith(f"/promises/{record.overdue.id}") for link in links)


@pytest.mark.parametrize(("language", "adopted", "missing"), [
    ("en", "2025: Adopted: decision of the district maslikhat No. 35/2 of 27 December 2024",
     "2024: Source not recorded"),
    ("ru", "2025: Утверждён: решение районного маслихата от 27 декабря 2024 г. № 35/2",
     "2024: Источник не указан"),
])
def test_the_budget_years_name_their_source_or_say_it_is_not_recorded(
        record: Record, language: str, adopted: str, missing: str) -> None:
    from datetime import date

    from portal.budgets.models import BudgetDecision, DecisionKind

    url = "https://adilet.zan.kz/rus/docs/G24TD00123M"
    db.session.add(BudgetDecision(rural_district_id=record.term.rural_district_id, year=2025,
                                  kind=DecisionKind.ADOPTED, number="35/2",
                                  decided_on=date(2024, 12, 27), url=url))
    db.session.commit()

    text = squash(pdf_text(dossier_bytes(record.term.akim_id, language)))

    assert adopted in text.replace("\u202f", " ")
    assert url in text.replace(" ", "")
    assert missing in text
