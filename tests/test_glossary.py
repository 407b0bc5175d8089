"""The glossary (docs/glossary.md) holds: no catalogue entry uses a term it retires."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "glossary.md"
CATALOGUES = ROOT / "translations"


@dataclass(frozen=True)
class Retired:
    language: str
    pattern: re.Pattern[str]
    where: str  # a phrase of the English text the rule is limited to; "" for every entry
    instead: str


def retired_terms() -> list[Retired]:
    """The rows of the glossary's "Retired terms" table."""
    text = GLOSSARY.read_text(encoding="utf-8")
    section = text.split("## Retired terms", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| ru ") and not line.startswith("| kk "):
            continue
        cells = [cell.strip().replace("\\|", "|")
                 for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        language, pattern, where, instead = cells
        rows.append(Retired(language, re.compile(pattern.strip("`")), where.lower(), instead))
    return rows


def entries(language: str) -> list[tuple[str, str]]:
    """(English text, translation) of every entry, each plural form on its own."""
    with open(CATALOGUES / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle, locale=language)
    found = []
    for message in catalogue:
        if not message.id:
            continue
        english = " ".join(message.id) if isinstance(message.id, tuple) else message.id
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        found.extend((english, form) for form in forms if form)
    return found


def test_the_glossary_lists_retired_terms_for_both_languages() -> None:
    rows = retired_terms()
    assert {row.language for row in rows} == {"ru", "kk"}
    assert len(rows) >= 20


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_no_entry_holds_a_retired_term(language: str) -> None:
    slips = [
        f"{english[:70]!r}: {translation[:90]!r} has {row.pattern.pattern!r}; use {row.instead}"
        for row in retired_terms() if row.language == language
        for english, translation in entries(language)
        if (not row.where or row.where in english.lower()) and row.pattern.search(translation)
    ]
    assert not slips, "\n".join(slips)


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_a_flag_is_never_called_grounds_for_recall(language: str) -> None:
    grounds = re.compile(r"grounds for recall|основани\w* для отзыва|кері шақыруға негіз", re.I)
    assert not [text for pair in entries(language) for text in pair if grounds.search(text)]
