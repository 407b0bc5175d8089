"""Single dossiers: prepare the data, fingerprint it, and render or reuse the PDF."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from flask import current_app
from weasyprint import Document

from portal import locks
from portal.api.serialize import public_url
from portal.budgets import figures
from portal.exports import fingerprint as fingerprints
from portal.exports import store
from portal.exports.dossier import Dossier, dossiers_for_akims
from portal.exports.fingerprint import short
from portal.exports.pdf import (
    SHORT_PAGE,
    collector_paused,
    first_page_with,
    page_fills,
    render_document,
    write_pdf,
)
from portal.modeling import utcnow

log = logging.getLogger(__name__)

DOSSIER_TEMPLATE = "dossier.html"
LANGUAGES = ("kk", "ru", "en")
# Whoever renders a rendition holds its lease this long at most (EXPORT_RENDER_LEASE_SECONDS):
# a render takes about a second, several when the cores are shared; a holder that died
# blocks the rendition no longer than this.
DEFAULT_LEASE_SECONDS = 30
# A caller waits this long at most for another's render of the rendition it needs
# (EXPORT_RENDER_WAIT_SECONDS): longer than a lease, so a dead holder's lease expires first and
# the waiter renders under its own.
DEFAULT_WAIT_SECONDS = 35
WAIT_POLL_SECONDS = 0.1


class Served(StrEnum):
    """How a caller got a dossier's file (the route's `X-Dossier-Cache` header)."""

    HIT = "hit"  # the file was there
    MISS = "miss"  # this caller rendered it
    WAIT = "wait"  # another caller was rendering it; this one waited for the file
    BUSY = "busy"  # another caller is rendering it; this one did not wait (the job worker)


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


# No page but the last may be under a third full: a page mostly empty reads as a mistake, and
# a printed bundle wastes paper. Two things can leave one. A cover whose facts run long (other
# terms, long names) spills a line onto a page of its own: the compact cover keeps it on one.
# The budget charts, kept together, can strand themselves or the lines before them: they are
# placed under the budget table (the plain layout), else at the top of the upright pages
# before the reports, else smaller under the table. Moving them is tried before shrinking
# them: on the demo it passes where shrinking does not.
COVER_WORD = "cover-compact"
CHART_PLACINGS = ("charts-upright", "charts-compact")


def render_dossier(item: PreparedDossier, generated_at: datetime | None = None) -> Document:
    """The dossier laid out so that no page but the last is under a third full, if any
    layout does that (else the fullest emptiest page).

    The cover is a section of its own (the landscape pages start on a new sheet), so the
    cover and the pages after it are judged apart: the compact cover only when the cover ran
    over, a chart placing only when a page after the cover is short, and each render tries
    both at once. A short page that no placing fills (the last lines of a long promise table)
    costs three renders, not the six of trying every combination in turn; most dossiers take
    one render."""
    context = document_context(item, generated_at or utcnow())

    def render(*words: str) -> Document:
        return render_document(DOSSIER_TEMPLATE, {**context, "layout": " ".join(words)},
                               item.language)

    plain = render()
    cover = cover_pages(plain)
    cover_words = (COVER_WORD,) if emptiest(plain, 0, cover) < SHORT_PAGE else ()
    if emptiest(plain, cover) >= SHORT_PAGE or not placing_may_help(plain, cover):
        return render(*cover_words) if cover_words else plain
    best: tuple[float, Document | None] = (emptiest(plain, cover), None)
    for placing in CHART_PLACINGS:
        document = render(*cover_words, placing)
        fill = emptiest(document, cover_pages(document))
        if fill >= SHORT_PAGE:
            return document
        if fill > best[0]:
            best = (fill, document)
    if best[1] is not None:
        return best[1]
    return render(*cover_words) if cover_words else plain


def placing_may_help(plain: Document, cover: int) -> bool:
    """Whether any chart placing could leave the emptiest page after the cover fuller than in
    the plain layout. Pagination runs forwards, so the pages before the one the charts start on
    hold the same content in every placing (the charts come after it, or go to the upright
    pages): when the emptiest page is among them (typically the last rows of a long promise
    table), or there are no charts, every placing is at best as empty, the plain layout would
    be kept, and trying the placings only costs two renders."""
    charts = first_page_with(plain, CHART_CLASS)
    if charts is None:
        return False
    return min(page_fills(plain)[cover:charts], default=1.0) > emptiest(plain, cover)


CHART_CLASS = "chart-row"  # templates/pdf/_dossier_budget_charts.html


def cover_pages(document: Document) -> int:
    """How many pages the cover takes: the upright pages before the first landscape one."""
    for number, page in enumerate(document.pages):
        if page.width > page.height:
            return number
    return len(document.pages)


def emptiest(document: Document, first: int, end: int | None = None) -> float:
    """How full the emptiest of pages [first, end) is, the last page of the document aside
    (1 when there is none)."""
    fills = page_fills(document)[:-1]
    return min(fills[first:end], default=1.0)


def dossier_pdf(item: PreparedDossier, wait: bool = True) -> tuple[str, Served]:
    """The cached PDF of this exact rendition, rendering it first if needed (and keeping the
    facts it states under their fingerprint, for `verify`). Returns its storage key and how
    it was served.

    One render per rendition at a time, across processes and machines: whoever renders holds
    the rendition's lease (`portal.locks`). A caller that finds it held waits for the file
    (`wait`), polling the lease, rather than render the same PDF again; with `wait=False` (the
    job worker) it leaves the rendition to the holder (`busy`). Never an older file meanwhile:
    a dossier whose figures disagree with the page is what the cache must not serve."""
    key = store.dossier_key(item.rendition)
    if _cached(key):
        return key, Served.HIT
    deadline = time.monotonic() + _setting("EXPORT_RENDER_WAIT_SECONDS", DEFAULT_WAIT_SECONDS)
    waited = False
    while True:
        served = _render_under_lease(item, key)
        if served is not None:
            return key, Served.WAIT if waited and served is Served.HIT else served
        if not wait:
            return key, Served.BUSY
        if time.monotonic() >= deadline:
            log.warning("dossier %s: rendered after waiting for its lease's holder in vain",
                        item.rendition)
            return key, _render_unless_cached(item, key)
        # Only the lease is asked for meanwhile (a Redis key or a small file): once its holder
        # lets go, the next turn takes it and finds the file (`hit`, answered as `wait`).
        # Asking the store too cost a HEAD on S3 ten times a second per waiting reader.
        time.sleep(WAIT_POLL_SECONDS)
        waited = True


def lease_name(rendition: str) -> str:
    return f"dossier-{rendition}"


def _setting(name: str, default: float) -> float:
    return float(current_app.config.get(name) or default)


def _cached(key: str) -> bool:
    """The file is there (and marked as used, so pruning keeps it)."""
    if not store.exists(key):
        return False
    store.touch(key)
    return True


def _render_under_lease(item: PreparedDossier, key: str) -> Served | None:
    """Render holding the rendition's lease (`hit` when the file came meanwhile); None when
    another caller holds it. Without a lease store (Redis down) it renders all the same: a
    second render of a dossier costs a second, a refused reader the record."""
    try:
        lease = locks.acquire(lease_name(item.rendition),
                              _setting("EXPORT_RENDER_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))
    except locks.LeaseUnavailable:
        log.warning("dossier %s rendered without its lease", item.rendition, exc_info=True)
        return _render_unless_cached(item, key)
    if lease is None:
        return None
    try:
        return _render_unless_cached(item, key)
    finally:
        locks.release(lease)


def _render_unless_cached(item: PreparedDossier, key: str) -> Served:
    if _cached(key):
        return Served.HIT
    content, pages = render_dossier_pdf(item)
    store.write_facts(item.fingerprint, fingerprints.facts(item.dossier))
    store.write_dossier(item.rendition, content, pages)
    return Served.MISS


def render_dossier_pdf(item: PreparedDossier) -> tuple[bytes, int]:
    """The dossier's PDF and its number of pages.

    The garbage collector stays paused from the first render to the written file, and the
    laid-out document is dropped before it resumes. Paused only around each render and the
    writing, the collections in between walked the live document (hundreds of thousands of
    objects) again and again, and again when it moved to an older generation: 14 % of a
    dossier's time. Now the one collection after it finds only the document's garbage."""
    with collector_paused():
        document = render_dossier(item)
        content = write_pdf([document], metadata=pdf_metadata(item))
        pages = len(document.pages)
        del document
    return content, pages


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
