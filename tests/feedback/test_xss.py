"""Hostile comments come out inert: in the page's HTML and through WeasyPrint's parser."""

from __future__ import annotations

from typing import Any

import pytest
import tinyhtml5
from flask.testing import FlaskClient

from portal.richtext import plain_text_with_links
from tests.factories import CommentFactory
from tests.feedback.helpers import published_report, resident

PAYLOADS = (
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    '"><svg onload=alert(1)>',
    "<a href=\"javascript:alert(1)\">click</a>",
    "javascript:alert(document.cookie)",
    'http://example.kz/" onmouseover="alert(1)',
    "https://example.kz/<script>alert(1)</script>",
    "<iframe src=https://evil.example></iframe>",
    "<style>body{display:none}</style>",
    "[x](javascript:alert(1)) <b onclick=alert(1)>bold</b>",
    "</p></article><script>alert(1)</script>",
)
FORBIDDEN_TAGS = {"script", "img", "svg", "iframe", "style", "b", "object", "embed"}


def _problems(root: Any) -> list[str]:
    found = []
    for element in root.iter():
        tag = str(element.tag).rsplit("}", 1)[-1]
        if tag in FORBIDDEN_TAGS:
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            if str(name).lower().startswith("on"):
                found.append(f"{tag} {name}=")
            if str(name) in ("href", "src", "action") and not str(value).startswith(
                    ("http://", "https://", "/")):
                found.append(f"{tag} {name}={value}")
    return found


def _fragment(html: str, start: str, end: str) -> str:
    part = html[html.index(start):]
    return part[:part.index(end)]


def test_payloads_in_comments_are_inert_in_the_page(client: FlaskClient, login: Any,
                                                    csrf: Any) -> None:
    report = published_report()
    page = f"/reports/{report.id}"
    for payload in PAYLOADS:
        login(resident(report.term))  # one each: a resident may post only a few a minute
        response = client.post(f"{page}/comments",
                               data={"csrf_token": csrf(page), "body": payload})
        assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    section = _fragment(html, '<section class="report-section feedback-comments"', "</section>")
    assert "&lt;script&gt;" in section  # shown as text, not run
    root = tinyhtml5.parse(f"<!doctype html><html><body>{section}</body></html>")
    assert _problems(root) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_inert_through_weasyprint(payload: str) -> None:
    """PDFs render comments through the same function; WeasyPrint's own parser sees no
    script, event handler or foreign URL scheme in what it produces."""
    import weasyprint

    html = f"<html><body><div class='comment'>{plain_text_with_links(payload)}</div></body></html>"
    document = weasyprint.HTML(string=html)
    assert _problems(document.etree_element) == []
    assert document.write_pdf()[:5] == b"%PDF-"


def test_hidden_reasons_are_plain_text_too(client: FlaskClient) -> None:
    comment = CommentFactory(status="hidden", hidden_reason="<script>alert(1)</script>")
    html = client.get(f"/reports/{comment.report_id}").get_data(as_text=True)
    section = _fragment(html, '<section class="report-section feedback-comments"', "</section>")
    assert "Hidden by moderator:" in section and "&lt;script&gt;" in section
    root = tinyhtml5.parse(f"<!doctype html><html><body>{section}</body></html>")
    assert _problems(root) == []
