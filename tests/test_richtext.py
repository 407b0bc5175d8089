"""User text becomes safe HTML: Markdown without raw HTML, plain text with inert links."""

from html.parser import HTMLParser

from portal.richtext import ALLOWED_TAGS, markdown_to_html, plain_text_with_links


class _Elements(HTMLParser):
    """Collects the real elements and attributes of an HTML fragment (not escaped text)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.extend(attrs)


def assert_inert(html: str) -> None:
    elements = _Elements()
    elements.feed(html)
    assert elements.tags <= ALLOWED_TAGS, elements.tags - ALLOWED_TAGS
    for name, value in elements.attributes:
        assert not name.startswith("on"), name
        assert not (value or "").strip().lower().startswith("javascript:"), value

XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src='https://evil.example'></iframe>",
    '"><svg onload=alert(1)>',
]


def test_markdown_renders_structure() -> None:
    html = markdown_to_html("# Roads\n\n**Done**: 3 km of road.\n\n- one\n- two")
    assert "<h3>Roads</h3>" in html
    assert "<strong>Done</strong>" in html
    assert "<li>one</li>" in html


def test_markdown_never_lets_html_or_scripts_through() -> None:
    for payload in XSS:
        assert_inert(str(markdown_to_html(payload)))


def test_links_get_a_safe_rel() -> None:
    html = str(markdown_to_html("[portal](https://example.kz)"))
    assert 'href="https://example.kz"' in html
    assert "nofollow" in html and "noopener" in html


def test_plain_text_links_are_clickable_and_everything_else_escaped() -> None:
    html = str(plain_text_with_links("See https://gov.kz/page. <b>bold</b>\nnext line"))
    assert '<a href="https://gov.kz/page"' in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<br>" in html
    for payload in XSS:
        assert_inert(str(plain_text_with_links(payload)))


def test_a_table_can_be_scrolled_from_the_keyboard() -> None:
    # On a phone a wide table scrolls sideways; a keyboard user reaches it with Tab.
    html = str(markdown_to_html("| Item | Tenge |\n|---|---|\n| Road | 1 000 |"))
    assert '<table tabindex="0">' in html
    assert_inert(str(markdown_to_html('<table onclick="x()">\n\n| a |\n|---|\n| b |')))
