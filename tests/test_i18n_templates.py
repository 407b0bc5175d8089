"""No template shows text outside a translation call: the extraction check.

Each template is lexed with Jinja; every `{{ … }}` and `{% … %}` becomes a neutral marker and
`{% trans %}` blocks are dropped. What remains is the literal text a reader would see; in text
nodes and in visible attributes it may hold punctuation, digits and symbols, but no letters.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
VISIBLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description",
                      "aria-roledescription", "summary"}
# Not prose: scripts, styles and literal code samples (file formats, commands).
SKIPPED_ELEMENTS = ("script", "style", "pre", "code")
MARKER = "\u2063"  # invisible separator: stands for any Jinja construct
# Letters that may stand alone: the tenge sign is a symbol; "x" as in "1280x900" is not text.
LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
ALLOWED_WORDS = {"KZ", "₸"}
ATTRIBUTE_FRAGMENT = re.compile(r'\b[a-z][a-z-]*="')


def skeleton(app: Flask, source: str) -> str:
    """The template with every Jinja construct replaced by MARKER and trans blocks removed."""
    out: list[str] = []
    depth = 0  # inside {% trans %} … {% endtrans %}
    tokens = list(app.jinja_env.lex(source))
    index = 0
    while index < len(tokens):
        _line, kind, value = tokens[index]
        if kind == "block_begin":
            names = [v for _, k, v in tokens[index:index + 3] if k == "name"]
            if names and names[0] == "trans":
                depth += 1
            elif names and names[0] == "endtrans":
                depth -= 1
            while index < len(tokens) and tokens[index][1] != "block_end":
                index += 1
            out.append(MARKER)
        elif kind in ("variable_begin", "comment_begin"):
            closing = "variable_end" if kind == "variable_begin" else "comment_end"
            while index < len(tokens) and tokens[index][1] != closing:
                index += 1
            out.append(MARKER)
        elif kind == "data" and depth == 0:
            out.append(value)
        index += 1
    return "".join(out)


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_ELEMENTS:
            self._skip += 1
        attributes = dict(attrs)
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value:
                self._check(value)
        if tag == "meta" and attributes.get("name") == "description":
            self._check(attributes.get("content") or "")
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self._check(attributes.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_ELEMENTS and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._check(data)

    def _check(self, text: str) -> None:
        # A macro may emit an attribute fragment such as ` lang="…"`: markup, not prose.
        text = ATTRIBUTE_FRAGMENT.sub(" ", text)
        for piece in text.split(MARKER):
            words = [word for word in piece.split() if word not in ALLOWED_WORDS]
            if any(LETTER.search(word) for word in words):
                self.found.append(" ".join(piece.split()))


def untranslated_text(app: Flask, path: Path) -> list[str]:
    text = skeleton(app, path.read_text(encoding="utf-8"))
    if path.suffix == ".txt":  # mail bodies: everything outside markers must be translated
        return [" ".join(chunk.split()) for chunk in text.split(MARKER)
                if LETTER.search(chunk)]
    parser = _VisibleText()
    parser.feed(text)
    return parser.found


TEMPLATE_FILES = sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt", ".svg"))


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_text_is_translated(app: Flask, path: Path) -> None:
    found = untranslated_text(app, path)
    assert not found, f"{path.relative_to(TEMPLATES)} shows untranslated text: {found}"


def test_the_check_catches_literal_text(app: Flask, tmp_path: Path) -> None:
    sample = tmp_path / "sample.html"
    sample.write_text('<p>{{ _("Fine") }}</p><p>Not fine</p>'
                      '<input placeholder="Type here"><span>{{ n }} · 12 ₸</span>'
                      '<input type="submit" value="Send">'
                      '{% trans %}Also fine{% endtrans %}', encoding="utf-8")
    assert untranslated_text(app, sample) == ["Not fine", "Type here", "Send"]
