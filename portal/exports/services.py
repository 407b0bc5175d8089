"""Single dossiers: prepare the data, fingerprint it, and render or reuse the PDF."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from weasyprint import Document

from portal.api.serialize import public_url
from portal.budgets import figures
from portal.exports import fingerprint as fingerprints
from portal.exports import store
from portal.exports.dossier import Dossier, dossiers_for_akims
from portal.exports.fingerprint import short
from portal.exports.pdf import page_fills, render_document, short_pages, write_pdf
from portal.modeling import utcnow

DOSSIER_TEMPLATE = "dossier.html"
LANGUAGES = ("kk", "ru", "en")


@dataclass(frozen=True)
class PreparedDossier:
    """A dossier's data, the fingerprint of its facts (the same in every language) and the id
    of this rendition of them (language, template, links: the PDF's cache key)."""

    dossier: Dossier
    fingerprint: str
    rendition: str

    @property
    def short_fingerprint(self) -> str:
        return short(self.fingerprint)

    @property
    def language(self) -> str:
        return self.dossier.language


def prepared(dossiers: Sequence[Dossier]) -> list[PreparedDossier]:
    result = []
    for item in dossiers:
        data_fingerprint = fingerprints.fingerprint(item)
        result.append(PreparedDossier(item, data_fingerprint, fingerprints.rendition(
            data_fingerprint, DOSSIER_TEMPLATE, item.language, item.public_url)))
    return result


def prepare(akim_id: int, language: str, as_of: date | None = None) -> PreparedDossier | None:
    """The akim's dossier data, or None when there is no such akim or no term."""
    found = dossiers_for_akims([akim_id], language, as_of)
    return prepared(found)[0] if found else None


def document_context(item: PreparedDossier, generated_at: datetime) -> dict[str, Any]:
    """What the dossier template gets: the plain data, the stamps, and the chart builders
    the site uses (called in the template so their words come out in its language)."""
    return {
        "dossier": item.dossier,
        "fingerprint_short": item.short_fingerprint,
        "fingerprint": item.fingerprint,
        "rendition_short": short(item.rendition),
        "verify_url": public_url("exports.verify_page"),
        "generated_at": generated_at,
        "public_url": item.dossier.public_url,
        "revenue_chart": figures.revenue_by_source,
        "plan_chart": figures.plan_and_actual,
        "budget_partial_note": figures.partial_years_note,
    }


# Where the budget charts go, tried in order until no page but the last is under a third full
# (a page mostly empty reads as a mistake, and a printed bundle wastes paper): under the budget
# table; at the top of the upright pages, before the reports; smaller under the table. The
# first layout that passes is kept; if none does, the one whose emptiest page is fullest.
# Moving the charts is tried before shrinking them: on the demo it passes where shrinking
# does not, so a stranded chart costs one more layout, not two.
# A cover whose facts run long (other terms, long names) takes the compact cover, with each
# placing of the charts again.
LAYOUTS = ("", "charts-upright", "charts-compact", "cover-compact",
           "cover-compact charts-upright", "cover-compact charts-compact")


def render_dossier(item: PreparedDossier, generated_at: datetime | None = None) -> Document:
    context = document_context(item, generated_at or utcnow())
    best: tuple[float, Document] | None = None
    for layout in LAYOUTS:
        document = render_document(DOSSIER_TEMPLATE, {**context, "layout": layout},
                                   item.language)
        fills = page_fills(document)[:-1]
        if not short_pages(document):
            return document
        emptiest = min(fills)
        if best is None or emptiest > best[0]:
            best = (emptiest, document)
    assert best is not None  # noqa: S101 - LAYOUTS is not empty
    return best[1]


def dossier_pdf(item: PreparedDossier) -> tuple[str, bool]:
    """The cached PDF of this exact rendition, rendering it first if needed (and keeping the
    facts it states under their fingerprint, for `verify`). Returns its storage key and
    whether it was rendered now."""
    key = store.dossier_key(item.rendition)
    if store.exists(key):
        store.touch(key)
        return key, False
    document = render_dossier(item)
    store.write_facts(item.fingerprint, fingerprints.facts(item.dossier))
    content = write_pdf([document], metadata=pdf_metadata(item))
    return store.write_dossier(item.rendition, content, len(document.pages)), True


def pdf_metadata(item: PreparedDossier) -> dict[str, Any]:
    """What `verify` reads back from the file: the full data fingerprint, and which akim and
    day it is about (so a dossier can be checked even when its stored facts are gone)."""
    return {"custom": {"PortalDataFingerprint": item.fingerprint,
                       "PortalAkim": str(item.dossier.akim_id),
                       "PortalAsOf": item.dossier.as_of.isoformat(),
                       "PortalRendition": item.rendition}}


def download_name(item: PreparedDossier) -> str:
    """'dossier-613633000-2026-11-21-en.pdf': the place code, the date, the language."""
    dossier = item.dossier
    return (f"dossier-{dossier.term.rural_district.kato}-{dossier.as_of.isoformat()}"
            f"-{dossier.language}.pdf")
