"""Alphabetical order as a reader of each language expects it.

Code-point order puts the Kazakh letters Ә, Ғ, Қ, Ң, Ө, Ұ, Ү, Һ, І after Я, and Ё after every
other Cyrillic letter; `sort_key` orders by the alphabet of the language instead, so "Ақмола"
comes before "Алматы" in Kazakh and "Акмолинская" before "Алматинская" in Russian.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from portal.modeling import LocalizedName, current_language

ALPHABETS = {
    "kk": "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
}
Named = TypeVar("Named", bound=LocalizedName)


def sort_key(text: str, language: str) -> tuple[int, ...]:
    """A key that orders `text` by the alphabet of `language`; other characters (Latin
    letters, digits, punctuation) keep their code-point order after the alphabet's letters."""
    alphabet = ALPHABETS.get(language, "")
    base = len(alphabet)
    key = []
    for char in text.casefold():
        position = alphabet.find(char)
        key.append(position if position >= 0 else base + ord(char))
    return tuple(key)


def by_name(items: Iterable[Named], language: str | None = None) -> list[Named]:
    """The items ordered by their name in `language` (default: the reader's language)."""
    language = language or current_language()
    return sorted(items, key=lambda item: sort_key(item.name_in(language), language))
