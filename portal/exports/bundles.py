"""Bundles of dossiers: the summary table of every akim, then one PDF or a ZIP of them all."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

from portal import clock
from portal.exports import store
from portal.exports.fingerprint import short
from portal.exports.pdf import render_document, write_pdf
from portal.exports.scope import Scope, ScopeLevel
from portal.exports.services import PreparedDossier
from portal.promises.readers import PromiseSummary, combine
from portal.reports.timeliness import ReportSummary
from portal.translit import to_latin

SUMMARY_TEMPLATE = "bundle.html"


@dataclass(frozen=True)
class BundleRow:
    number: int
    akim_id: int
    name: str
    rural_district: str
    district: str
    starts_on: date
    promises: PromiseSummary
    reports: ReportSummary
    budget_year: int | None
    own_share: Decimal | None
    rating_average: Decimal | None
    rating_count: int
    open_flags: int | None  # None: flags not available
    first_page: int | None  # in the combined PDF; None in a ZIP


@dataclass(frozen=True)
class BundleSummary:
    scope_name: str
    level: ScopeLevel
    language: str
    as_of: date
    rows: tuple[BundleRow, ...]
    promises: PromiseSummary
    reports: ReportSummary
    flags_available: bool
    synthetic: bool
    public_url: str


def summary_of(scope: Scope, items: Sequence[PreparedDossier], language: str,
               first_pages: Sequence[int | None]) -> BundleSummary:
    with force_locale(language):
        scope_name = scope.name_in(language, _("Kazakhstan"))
    rows = []
    for number, (item, first_page) in enumerate(zip(items, first_pages, strict=True), start=1):
        dossier = item.dossier
        headline = dossier.budget_headline
        rows.append(BundleRow(
            number=number, akim_id=dossier.akim_id, name=dossier.name,
            rural_district=dossier.term.rural_district.name,
            district=dossier.term.district.name, starts_on=dossier.term.starts_on,
            promises=dossier.promise_summary, reports=dossier.report_summary,
            budget_year=headline.year if headline else None,
            own_share=headline.own_share if headline else None,
            rating_average=dossier.ratings.average_shown,
            rating_count=dossier.ratings.count,
            open_flags=len(dossier.open_flags) if dossier.flags is not None else None,
            first_page=first_page,
        ))
    reports = ReportSummary()
    for item in items:
        reports = reports + item.dossier.report_summary
    first = items[0].dossier if items else None
    base_url = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    path = {ScopeLevel.NATION: "/regions/", ScopeLevel.REGION: f"/regions/{scope.code}",
            ScopeLevel.DISTRICT: f"/districts/{scope.code}"}[scope.level]
    return BundleSummary(
        scope_name=scope_name, level=scope.level, language=language,
        as_of=first.as_of if first else clock.today(),
        rows=tuple(rows),
        promises=combine(item.dossier.promise_summary for item in items),
        reports=reports,
        flags_available=bool(first and first.flags is not None),
        synthetic=bool(first and first.synthetic),
        public_url=base_url + path,
    )


def render_summary(summary: BundleSummary, fingerprint: str, generated_at: datetime,
                   combined: bool) -> tuple[bytes, int]:
    document = render_document(SUMMARY_TEMPLATE, {
        "summary": summary, "fingerprint_short": short(fingerprint),
        "generated_at": generated_at, "public_url": summary.public_url, "combined": combined,
    }, summary.language)
    return write_pdf([document]), len(document.pages)


def first_pages(page_counts: Sequence[int], summary_pages: int) -> list[int | None]:
    """Where each dossier starts in the combined PDF (pages numbered from 1)."""
    starts: list[int | None] = []
    position = summary_pages + 1
    for count in page_counts:
        starts.append(position)
        position += count
    return starts


def combined_pdf(summary_pdf: bytes, summary_title: str, dossiers: Sequence[str],
                 titles: Sequence[str]) -> bytes:
    """The summary, then every dossier (storage keys); one bookmark per akim over the
    dossier's own."""
    writer = PdfWriter()
    writer.append(io.BytesIO(summary_pdf), outline_item=summary_title)
    for key, title in zip(dossiers, titles, strict=True):
        writer.append(io.BytesIO(store.read(key)), outline_item=title)
    stamp_page_numbers(writer)
    metadata = PdfReader(io.BytesIO(summary_pdf)).metadata
    if metadata:
        writer.add_metadata({key: str(value) for key, value in metadata.items()})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


# The bundle's own page number, top right of every page: the summary's "Page" column refers to
# these, while each dossier's footer keeps its own "page X of Y" (it is the same cached file as
# the single dossier). Digits and a slash in the PDF's built-in Helvetica (no font to embed),
# marked as an artifact so screen readers skip it.
STAMP_FONT = NameObject("/PortalBundlePageFont")
STAMP_SIZE = 8.0
STAMP_MARGIN = 42.5  # points: 15 mm, the pages' side margin
STAMP_FROM_TOP = 24.0  # points: inside the top margin, above the content
_HELVETICA_WIDTHS = {" ": 278, "/": 278, **dict.fromkeys("0123456789", 556)}


def stamp_page_numbers(writer: PdfWriter) -> None:
    total = len(writer.pages)
    font = writer._add_object(DictionaryObject({  # noqa: SLF001 - pypdf's way to add an object
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}))
    for number, page in enumerate(writer.pages, start=1):
        text = f"{number} / {total}"
        width = sum(_HELVETICA_WIDTHS[char] for char in text) * STAMP_SIZE / 1000
        box = page.mediabox
        x = float(box.right) - STAMP_MARGIN - width
        y = float(box.top) - STAMP_FROM_TOP
        resources: Any = page[NameObject("/Resources")].get_object()
        fonts = resources.get("/Font")
        if fonts is None:
            fonts = DictionaryObject()
            resources[NameObject("/Font")] = fonts
        fonts.get_object()[STAMP_FONT] = font
        before = DecodedStreamObject()
        before.set_data(b"q\n")
        after = DecodedStreamObject()
        after.set_data(
            b"Q\n/Artifact BMC q BT " + STAMP_FONT.encode() + b" %.1f Tf 0.31 0.36 0.41 rg "
            % STAMP_SIZE + b"%.2f %.2f Td (%s) Tj ET Q EMC\n" % (x, y, text.encode("ascii")))
        contents = page.get("/Contents")
        existing = ([] if contents is None else list(contents.get_object())
                    if isinstance(contents.get_object(), ArrayObject) else [contents])
        page[NameObject("/Contents")] = ArrayObject(
            [writer._add_object(before), *existing, writer._add_object(after)])  # noqa: SLF001


def zip_archive(summary_pdf: bytes, dossiers: Sequence[str],
                names: Sequence[str]) -> bytes:
    """PDFs are compressed already: stored, not deflated."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("000-summary.pdf", summary_pdf)
        for key, name in zip(dossiers, names, strict=True):
            archive.writestr(name, store.read(key))
    return output.getvalue()


def file_stem(text: str) -> str:
    """An ASCII file-name piece: 'Terekti rural district' → 'terekti-rural-district'."""
    ascii_text = to_latin(text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "akim"


def member_name(number: int, item: PreparedDossier) -> str:
    dossier = item.dossier
    latin_name = dossier.name if dossier.language == "en" else dossier.name_other_script
    return f"{number:03d}-{dossier.term.rural_district.kato}-{file_stem(latin_name)}.pdf"
