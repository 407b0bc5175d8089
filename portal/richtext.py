"""User text to safe HTML: Markdown for reports, plain text with clickable links for comments.

No raw HTML from a user ever reaches a page or a PDF: Markdown is parsed with HTML disabled
and the output is cleaned again by nh3 (an allow-list sanitiser) as a second guard.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4",
    "a", "table", "thead", "tbody", "tr", "th", "td", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener noreferrer"

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable("table")

_URL = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""


def _clean(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel=LINK_REL)


def markdown_to_html(text: str | None) -> Markup:
    """Render Markdown (headings become h3/h4 so they sit under the page's own headings)."""
    if not text:
        return Markup("")
    html = _markdown.render(text)
    html = re.sub(r"<(/?)h[12]>", r"<\1h3>", html)
    html = re.sub(r"<(/?)h[56]>", r"<\1h4>", html)
    # A wide table scrolls sideways on a phone (.prose table); tabindex lets a keyboard user
    # reach and scroll it (WCAG 2.1.1). Added after cleaning: the sanitiser keeps no attribute
    # on <table>, so every table it lets through is written exactly "<table>".
    html = _clean(html).replace("<table>", '<table tabindex="0">')
    return Markup(html)  # noqa: S704 - the output of the nh3 allow-list sanitiser


def plain_text_with_links(text: str | None) -> Markup:
    """Escape everything, then turn http(s) URLs into links; line breaks are kept."""
    if not text:
        return Markup("")
    pieces: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        url = match.group(0)
        trimmed = url.rstrip(_TRAILING)
        end = match.start() + len(trimmed)
        pieces.append(str(escape(text[position:match.start()])))
        pieces.append(
            f'<a href="{escape(trimmed)}" rel="{LINK_REL}">{escape(trimmed)}</a>'
        )
        position = end
    pieces.append(str(escape(text[position:])))
    html = "".join(pieces).replace("\n", "<br>\n")
    return Markup(_clean(html))  # noqa: S704 - escaped text plus links, then sanitised
