"""PDFs behind one function: a template under templates/pdf/, plain data, one language.

WeasyPrint renders against a made-up origin (`STATIC_ORIGIN`) and fetches through
`StaticOnlyFetcher`, which serves the app's own static files and nothing else: no file://,
no network, no data: URLs. A template (or user text that slipped through) pointing at
file:///etc/passwd or http://example.com gets nothing.

One font configuration and one parsed stylesheet are kept per process, so the fonts are
loaded and the CSS parsed once, not per document. WeasyPrint is not documented as
thread-safe, so rendering is serialised per process (the job worker runs tasks in threads).
The cyclic garbage collector is paused while a document is laid out and written: WeasyPrint
allocates hundreds of thousands of small objects, and collections triggered by them scan the
whole heap again and again (measured: 15 % of the time of a dossier).
"""

from __future__ import annotations

import gc
import hashlib
import mimetypes
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app
from flask_babel import force_locale
from markupsafe import Markup
from weasyprint import CSS, HTML, Document
from weasyprint.formatting_structure import boxes
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from portal import PROJECT_ROOT

STATIC_ORIGIN = "https://static.portal.invalid"  # never resolved: the fetcher maps it to files
STYLESHEET = "css/pdf.css"
TEMPLATE_DIRECTORY = "pdf"
# Bump when the data builders change what a document shows without a template change.
DOCUMENT_FORMAT = "1"
# Files whose content changes what a rendered document looks like; hashed into every
# fingerprint so that a changed template never serves a stale cached PDF.
VERSIONED_FILES = ("templates/pdf", "static/css/pdf.css", "static/fonts",
                   "portal/charts.py", "portal/budgets/figures.py")

_lock = threading.RLock()


@contextmanager
def collector_paused() -> Iterator[None]:
    """For bounded, allocation-heavy work (laying out, writing, merging): cyclic garbage waits
    until the end instead of triggering collections that scan the whole heap each time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _rendering() -> Iterator[None]:
    """One document at a time per process, with the garbage collector paused."""
    with _lock, collector_paused():
        yield


class StaticOnlyFetcher(URLFetcher):
    """Resolves only `STATIC_ORIGIN/static/…` to files inside the static folder."""

    def __init__(self, static_folder: Path) -> None:
        super().__init__(allowed_protocols=("https",), allow_redirects=False)
        self.static_folder = static_folder.resolve()
        self.refused: list[str] = []

    def static_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != STATIC_ORIGIN:
            return None
        if not parts.path.startswith("/static/"):
            return None
        path = (self.static_folder / unquote(parts.path[len("/static/"):])).resolve()
        if not path.is_relative_to(self.static_folder) or not path.is_file():
            return None
        return path

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = self.static_path(url)
        if path is None:
            self.refused.append(url)
            raise ValueError(f"only the app's static files are fetched, not {url[:120]!r}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})


class _Engine:
    """What every document of this process shares: the fetcher, fonts and the stylesheet."""

    def __init__(self, static_folder: Path) -> None:
        self.fetcher = StaticOnlyFetcher(static_folder)
        self.font_config = FontConfiguration()
        self.stylesheet = CSS(url=f"{STATIC_ORIGIN}/static/{STYLESHEET}",
                              url_fetcher=self.fetcher, font_config=self.font_config)


@lru_cache(maxsize=4)
def _engine(static_folder: str) -> _Engine:
    return _Engine(Path(static_folder))


def engine() -> _Engine:
    return _engine(str(current_app.static_folder))


@lru_cache(maxsize=8)
def template_version(language: str) -> str:
    """A hash of the templates, stylesheet, fonts, chart code and the language's catalogue."""
    digest = hashlib.sha256(DOCUMENT_FORMAT.encode())
    paths: list[Path] = []
    for name in VERSIONED_FILES:
        root = PROJECT_ROOT / name
        paths.extend(sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir()
                     else [root])
    catalogue = PROJECT_ROOT / "translations" / language / "LC_MESSAGES" / "messages.mo"
    paths.append(catalogue)
    for path in paths:
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def css_string(text: object) -> Markup:
    """A quoted CSS string for page margin content (the footer): every character that could
    end the string, the rule or the <style> element is escaped."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in _CSS_UNSAFE or ord(char) < 32 else char
        for char in str(text))
    return Markup(f'"{escaped}"')  # noqa: S704 - every unsafe character escaped above


_CSS_UNSAFE = frozenset('\\"\'<>&')
_COUNTERS = re.compile(r"(\{page\}|\{pages\})")


def page_counter_css(text: object) -> Markup:
    """'Page {page} of {pages}' (translated) as CSS content with the page counters."""
    parts = []
    for piece in _COUNTERS.split(str(text)):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(str(css_string(piece)))
    return Markup(" ".join(parts))  # noqa: S704 - strings escaped by css_string


def render_html(template: str, data: Mapping[str, Any], language: str) -> str:
    """The document's HTML, in `language`. Templates get the plain data and nothing else
    from the request: no user, no session, no url_for (jobs have no request). Footnotes cite
    the figures' definitions at `how_we_count_url` (on PUBLIC_BASE_URL)."""
    from portal.api.serialize import public_url

    with force_locale(language):
        page = current_app.jinja_env.get_template(f"{TEMPLATE_DIRECTORY}/{template}")
        return page.render(**data, current_language=language, language=language,
                           css_string=css_string, page_counter_css=page_counter_css,
                           how_we_count_url=public_url("web.how_we_count"))


def render_document(template: str, data: Mapping[str, Any], language: str) -> Document:
    """Lay out a document; bundles merge the pages of several before writing once."""
    html = render_html(template, data, language)
    shared = engine()
    with _rendering():
        return HTML(string=html, base_url=f"{STATIC_ORIGIN}/",
                    url_fetcher=shared.fetcher).render(
            font_config=shared.font_config, stylesheets=[shared.stylesheet])


def _content_boxes(page_box: Any) -> Iterator[Any]:
    """Every box laid out in a page's content area; margin boxes (the footer) sit outside it."""
    stack = [child for child in page_box.children if not isinstance(child, boxes.MarginBox)]
    while stack:
        box = stack.pop()
        yield box
        stack.extend(getattr(box, "children", None) or ())


def page_fills(document: Document) -> list[float]:
    """How full each laid-out page is: how far down its content area the lowest line, image
    or table row reaches (0 to 1)."""
    fills = []
    for page in document.pages:
        page_box = page._page_box  # noqa: SLF001 - WeasyPrint exposes the laid-out boxes so
        top, height, bottom = page_box.content_box_y(), page_box.height, None
        for box in _content_boxes(page_box):
            if isinstance(box, boxes.TextBox | boxes.ReplacedBox | boxes.TableRowBox):
                low = box.position_y + box.margin_height()
                bottom = low if bottom is None else max(bottom, low)
        fills.append(0.0 if bottom is None else round((bottom - top) / height, 3))
    return fills


def first_page_with(document: Document, class_name: str) -> int | None:
    """The index of the first page whose content holds an element of that class, if any."""
    for number, page in enumerate(document.pages):
        for box in _content_boxes(page._page_box):  # noqa: SLF001 - as in page_fills
            element = box.element
            if element is not None and class_name in (element.get("class") or "").split():
                return number
    return None


SHORT_PAGE = 1 / 3  # a page less full than this, but the last, reads as a mistake


def short_pages(document: Document, least: float = SHORT_PAGE) -> list[int]:
    """Pages (1-based) other than the last that are less than `least` full."""
    fills = page_fills(document)
    return [number for number, fill in enumerate(fills[:-1], start=1) if fill < least]


def write_pdf(documents: Iterable[Document], metadata: Mapping[str, Any] | None = None) -> bytes:
    """One PDF from the pages of one or more laid-out documents (bookmarks kept); `metadata`
    sets WeasyPrint's document metadata (`custom` entries go into the document information)."""
    documents = list(documents)
    first = documents[0]
    pages = [page for document in documents for page in document.pages]
    merged = first.copy(pages) if len(documents) > 1 else first
    if metadata:
        for key, value in metadata.items():
            setattr(merged.metadata, key, value)
    with _rendering():
        # Tagged: screen readers get headings, tables with their headers and reading order
        # (about 5 % more time, a third more bytes).
        # Custom entries only when given (they replace those of the HTML's <meta> names).
        return bytes(merged.write_pdf(uncompressed_pdf=False, pdf_tags=True,
                                      custom_metadata=bool(metadata and "custom" in metadata)))


def render_pdf(template: str, data: Mapping[str, Any], language: str) -> bytes:
    """The one function: template name + plain data + language → PDF bytes."""
    return write_pdf([render_document(template, data, language)])
