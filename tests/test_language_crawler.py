"""The language crawler: every page of the role matrix, as every role, read in Kazakh and Russian.

A careful official text in Kazakh or Russian holds no English word the portal wrote, no word
mixing Cyrillic and Latin letters, no doubled full stop ("г.." after a date), no ISO date in
running text, no leftover placeholder, no internal code (`individual_income_tax`) and no
capitalised month mid-sentence. What people wrote (marked `user-text`, or declared in another
language with `lang`) and machine text shown as such (`code`, `pre`) are theirs, not ours.
The terms of docs/glossary.md are checked in the catalogues by tests/test_glossary.py.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import Enum, String, Text, select

from portal.extensions import db
from tests.test_role_matrix import PERSONAS, ROWS, Row, World, build_world

LANGUAGES = ("kk", "ru")

# Latin words a Kazakh or Russian page may hold: brands, formats and units, and names that
# are spelt in Latin letters in every language. Keep it short; a word here needs a reason.
ALLOWED_LATIN = {
    # file formats, standards and protocols, by their names
    "Markdown", "PDF", "CSV", "XLSX", "JSON", "ZIP", "HTML", "API", "OpenAPI", "URL", "HTTP",
    "HTTPS", "JPEG", "PNG", "UTF", "SHA", "README", "ISO", "A4", "TOTP",
    "Frictionless", "Data", "Package",  # "Frictionless Data Package", the open-data format
    "Creative", "Commons", "Attribution", "CC", "BY",  # the open-data licence
    "ETag", "CORS", "GET", "BOM", "UTC",  # by the names developers look up
    "English",  # a language offered by its own name, as language pickers do
    "RECALL_RULES",  # the configuration setting the rules page names, as it is typed
    # brands and apps named to the reader
    "AMANAT",  # the party's registered name is in Latin letters
    "FreeOTP", "Aegis", "Google", "Authenticator", "YouTube", "Instagram", "Telegram",
    "KZ",  # ISO 3166-2 region codes (KZ-61)
}
ROMAN_NUMERAL = re.compile(r"^[IVXLC]+$")
CYRILLIC = "А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі"
LETTERS = re.compile(rf"[{CYRILLIC}A-Za-z][{CYRILLIC}A-Za-z0-9_]*")
LATIN = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
BOTH_SCRIPTS = re.compile(rf"^(?=.*[{CYRILLIC}])(?=.*[A-Za-z])")
# Addresses, paths, e-mail addresses, file names, time zone names and HTTP header names are
# shown as they are typed.
MACHINE_TEXT = re.compile(
    r"https?://\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w/])/[\w{}.-]+(?:/[\w{}.-]+)+|"
    r"\b[\w-]+(?:\.[\w-]+)*\.(?:pdf|json|csv|xlsx|zip|png|jpe?g|txt|md|kz|com|org)\b\S*|"
    r"\b[A-Z][a-z]+/[A-Z][A-Za-z_]+\b|\b[A-Z][A-Za-z]*(?:-[A-Z][A-Za-z]*)+\b|\b\dxx\b|"
    r"\b[0-9a-f]*\d[0-9a-f]*[a-f][0-9a-f]*\b|\bflask --app portal(?: [a-z-]+)+")
DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
PLACEHOLDER = re.compile(r"%\(|\{\{|\}\}|\{%|%\}|%s\b|%d\b")
SLUG = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
MONTHS = {
    "ru": "январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр",
    "kk": "қаңтар|ақпан|наурыз|сәуір|мамыр|маусым|шілде|тамыз|қыркүйек|қазан|қараша|желтоқсан",
}
# A month capitalised after a lower-case word (a preposition, "тек", "за"): mid-sentence.
LOWER_WORD = r"\b[а-яёәғқңөұүһіa-z]+[\s\u00a0]+"
CAPITALISED_MONTH = {
    language: re.compile(LOWER_WORD + "(?:" + "|".join(
        stem[0].upper() + stem[1:] for stem in stems.split("|")) + ")")
    for language, stems in MONTHS.items()
}

# Russian: a place glued to "аким"/"жители" in the nominative ("аким (сельский округ …)",
# "Аким: сельский округ …"), where the phrase needs the genitive ("аким сельского округа …").
GLUED_PLACE = re.compile(
    r"\b(?:[Аа]ким\w*|[Жж]ител(?:и|ей|ь|ем)|[Бб]юджет)\s*[:(]?\s*"
    r"(?:сельский округ|сельская администрация|поселковая администрация|село |"
    r"[А-Я]\w+ский район|район [А-Я])")

SKIPPED_TAGS = {"script", "style", "code", "pre", "textarea", "svg", "template", "noscript"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
             "source", "track", "wbr"}
BLOCK_TAGS = {"p", "div", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd",
              "section", "header", "footer", "nav", "main", "article", "aside", "label",
              "legend", "option", "caption", "figcaption", "summary", "title", "button", "tr",
              "table", "ul", "ol", "dl", "form", "fieldset", "details", "blockquote", "select"}
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


@dataclass
class _Frame:
    tag: str
    skipped: bool


@dataclass
class PageText(HTMLParser):
    """The visible text of a page in its language: one line per block element."""

    language: str
    lines: list[str] = field(default_factory=list)
    stack: list[_Frame] = field(default_factory=list)
    current: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    @property
    def skipping(self) -> bool:
        return any(frame.skipped for frame in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        declared = values.get("lang")
        skipped = (tag in SKIPPED_TAGS or "user-text" in classes or "code" in classes
                   or (declared is not None and declared != self.language))
        if tag in BLOCK_TAGS:
            self._end_line()
        if not (skipped or self.skipping):
            for name in ATTRIBUTES:
                if values.get(name):
                    self.lines.append(str(values[name]))
        if tag not in VOID_TAGS:
            self.stack.append(_Frame(tag, skipped))
        elif tag == "br":
            self._end_line()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS:
            return
        while self.stack:
            frame = self.stack.pop()
            if frame.tag == tag:
                break
        if tag in BLOCK_TAGS:
            self._end_line()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.append(data)

    def _end_line(self) -> None:
        line = " ".join("".join(self.current).split())
        if line:
            self.lines.append(line)
        self.current = []

    def text(self, html: str) -> list[str]:
        self.feed(html)
        self.close()
        self._end_line()
        return self.lines


def problems_in(lines: list[str], language: str, theirs: list[str]) -> Iterator[str]:
    """Each slip in the lines of one page, quoted with the words around it. `theirs` are
    texts people wrote (names, comments, report texts): they are removed first."""
    for line in lines:
        words = MACHINE_TEXT.sub(" ", line)
        for text in theirs:
            words = words.replace(text, " ")
        for word in LETTERS.findall(words):
            if BOTH_SCRIPTS.match(word):
                yield f"Cyrillic and Latin letters in one word {word!r}: {line[:160]}"
            elif (LATIN.match(word) and word not in ALLOWED_LATIN
                  and not ROMAN_NUMERAL.match(word)):
                yield f"a Latin word {word!r}: {line[:160]}"
        checks = ((DOUBLE_STOP, "a doubled full stop"), (ISO_DATE, "an ISO date"),
                  (PLACEHOLDER, "a leftover placeholder"), (SLUG, "an internal code"),
                  (CAPITALISED_MONTH[language], "a capitalised month mid-sentence"))
        if language == "ru":
            checks = (*checks, (GLUED_PLACE, "a place name in the nominative after a noun"))
        for pattern, what in checks:
            found = pattern.search(line if pattern is PLACEHOLDER else words)
            if found:
                yield f"{what} {found.group(0)!r}: {line[:160]}"


NOT_PEOPLES = {"party"}  # a code the page names through its label
LATIN_NAMES = ("full_name_latn",)  # a person's name in Latin letters is still their name


def peoples_text() -> list[str]:
    """Every line people wrote in the world (free-text columns: names, comments, report texts,
    notes, file names), longest first so a longer text goes whole. Names of places and the
    Latin spelling of names are the portal's and stay checked, as do codes (short columns)."""
    found: set[str] = set()
    for table in db.metadata.sorted_tables:
        columns = [column for column in table.columns
                   if isinstance(column.type, String | Text)
                   and not isinstance(column.type, Enum)
                   and (isinstance(column.type, Text) or (column.type.length or 0) >= 60)
                   and not column.name.startswith("name_")
                   and (not column.name.endswith("_latn") or column.name in LATIN_NAMES)
                   and column.name not in NOT_PEOPLES]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for value in row:
                for part in str(value or "").splitlines():
                    if part.strip():
                        found.add(" ".join(part.split()))
    return sorted(found, key=len, reverse=True)


def _pages(app: Flask, world: World, row: Row, login: Any) -> Iterator[tuple[str, str, str]]:
    for persona in PERSONAS:
        if row.expect[persona] != 200:
            continue
        client = app.test_client()
        if persona != "anonymous":
            login(world.users[persona], on=client)
        for language in LANGUAGES:
            url = row.url(world)
            response = client.get(f"{url}{'&' if '?' in url else '?'}lang={language}")
            if response.mimetype != "text/html":
                response.close()
                break  # files and data: their language is checked where they are made
            yield persona, language, response.get_data(as_text=True)


@pytest.mark.parametrize("row", [pytest.param(row, id=row.name) for row in ROWS
                                 if row.method == "GET"])
def test_pages_read_as_kazakh_and_russian(app: Flask, row: Row, login: Any) -> None:
    world = build_world()
    # What people typed: their texts, and what a visitor asked for (a search query).
    asked = [value for _name, value in parse_qsl(urlsplit(row.url(world)).query)]
    theirs = sorted([*peoples_text(), *asked], key=len, reverse=True)
    found: dict[str, list[str]] = {}
    for persona, language, html in _pages(app, world, row, login):
        lines = PageText(language).text(html)
        for problem in problems_in(lines, language, theirs):
            found.setdefault(f"[{language}] {problem}", []).append(persona)
    report = [f"{problem} (as {', '.join(personas)})" for problem, personas in found.items()]
    assert not report, f"{row.url(world)}:\n" + "\n".join(report)


@pytest.mark.parametrize(("language", "text", "expected"), [
    ("ru", "срок истёк 1 окт. 2026 г..", "a doubled full stop"),
    ("ru", "за Январь – июнь", "a capitalised month"),
    ("kk", "тек Қаңтар–Қыркүйек", "a capitalised month"),
    ("ru", "Дата: 2026-12-07", "an ISO date"),
    ("ru", "Summary", "a Latin word"),
    ("kk", "3,2 MБ", "Cyrillic and Latin"),
    ("ru", "Налог individual_income_tax", "an internal code"),
    ("ru", "Аким %(place)s", "a leftover placeholder"),
    ("ru", "аким (сельский округ Агыбет)", "a place name in the nominative"),
    ("ru", "Аким: сельский округ Агыбет", "a place name in the nominative"),
    ("ru", "Бюджет: Байдибекский район", "a place name in the nominative"),
])
def test_the_crawler_sees_each_kind_of_slip(language: str, text: str, expected: str) -> None:
    assert any(expected in problem for problem in problems_in([text], language, []))


@pytest.mark.parametrize(("language", "text"), [
    ("ru", "за январь – июнь 2026 г. Январь был тёплым."),
    ("ru", "Загрузите файл CSV или XLSX; текст — в формате Markdown…"),
    ("ru", "Скачать ZIP-архив: https://example.kz/a_b.zip, [текст](https://…)"),
    ("kk", "Қаңтар – маусым"),
    ("ru", "Аким сельского округа Агыбет; жители Байдибекского района"),
])
def test_the_crawler_passes_careful_text(language: str, text: str) -> None:
    assert list(problems_in([text], language, [])) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_dossier_pdf_reads_as_kazakh_and_russian(app: Flask, language: str) -> None:
    """The accountability dossier, the document residents print, passes the same reading."""
    world = build_world()
    response = app.test_client().get(
        f"/akims/{world.term_a.akim_id}/accountability.pdf?lang={language}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.get_data()))
    pages = [" ".join((page.extract_text() or "").split()) for page in reader.pages]
    problems = sorted(set(problems_in(pages, language, peoples_text())))
    assert not problems, "\n".join(problems)
