"""Folding text for search, so "Акбулак", "АҚБҰЛАҚ" and "akbulak" find the same village.

SQLite's LIKE folds only ASCII case, so names are folded once in Python into a `search_key`
column and queries compare folded text with folded text on every database.
"""

from __future__ import annotations

import bisect
import re

from markupsafe import Markup, escape
from sqlalchemy import ColumnElement, Index, or_
from sqlalchemy import text as sql_text
from sqlalchemy.orm import InstrumentedAttribute

from portal.translit import to_latin

_KAZAKH_TO_RUSSIAN = str.maketrans({
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и",
    "ё": "е", "ъ": "", "ь": "",
})


# Kazakh Latin letters (2021 alphabet and common informal spellings) onto the plain Latin
# that stored keys hold (`portal.translit.to_latin` of the official Russian names).
_LATIN_KAZAKH = str.maketrans({
    "ä": "a", "ğ": "g", "q": "k", "ñ": "n", "ö": "o", "ū": "u", "ü": "u", "ı": "y",
    "ş": "sh", "ç": "ch", "á": "a", "ó": "o", "ú": "u", "ń": "n", "ǵ": "g", "é": "e",
})


def fold(*parts: str | None) -> str:
    """Lower-case, map Kazakh letters onto their Russian neighbours, squeeze spaces."""
    text = " ".join(part for part in parts if part)
    folded = text.casefold().translate(_KAZAKH_TO_RUSSIAN)
    return " ".join(folded.replace("-", " ").split())


def place_key(name_kk: str | None, name_ru: str, *more: str | None) -> str:
    """A place's names folded for search: Kazakh, Russian, the Latin reading of the Russian
    one (so 'Agybet' finds 'Агыбет'), then anything else given (an English name, a code)."""
    return fold(name_kk, name_ru, to_latin(name_ru), *more)


# Longer than any name we search; SQLite refuses LIKE patterns past 50,000 bytes (a 500).
MAX_PATTERN_TEXT = 200


def like_pattern(query: str) -> str:
    """A LIKE pattern for folded text, with LIKE's wildcards escaped."""
    text = fold(query)[:MAX_PATTERN_TEXT]
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def variants(text: str) -> list[str]:
    """The folded text and its plain-Latin reading ('Türkistan' → 'turkistan'), deduplicated."""
    folded = fold(text)
    return [variant for variant in sorted({folded, folded.translate(_LATIN_KAZAKH)}) if variant]


def trigram_index(name: str, column: str) -> Index:
    """PostgreSQL: a trigram index (pg_trgm), so `column LIKE '%…%'` is an index scan instead
    of reading every row. SQLite has no such index: `WHERE 0` keeps it there an empty partial
    index that no query uses (search_entry has its FTS5 table; names are scanned)."""
    return Index(name, column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"},
                 sqlite_where=sql_text("0"))


def holds(column: InstrumentedAttribute[str], text: str) -> ColumnElement[bool]:
    """`column` (a folded `search_key`) holds `text` in any of its `variants`: Cyrillic, or
    Kazakh Latin read as the plain Latin the keys store ('Zhaqsylyqov' finds 'zhaksylykov')."""
    return or_(*(column.like(like_pattern(variant), escape="\\") for variant in variants(text)))


# A word this long may carry one typo and still match; shorter words must match as typed.
TYPO_MIN_LENGTH = 5


def _one_typo(word: str) -> re.Pattern[str]:
    """A word of the key beginning with `word` give or take one letter inserted, deleted,
    replaced, or two neighbours swapped: every such spelling, in one compiled pattern (a
    regular expression runs over thousands of keys in the time Python compares a few)."""
    any_letter = "[^ ]"
    pieces = [re.escape(word)]
    for i in range(len(word)):
        pieces.append(re.escape(word[:i]) + any_letter + re.escape(word[i + 1:]))  # replaced
        pieces.append(re.escape(word[:i] + word[i + 1:]))  # deleted
    for i in range(len(word) + 1):
        pieces.append(re.escape(word[:i]) + any_letter + re.escape(word[i:]))  # inserted
    for i in range(len(word) - 1):
        pieces.append(re.escape(word[:i] + word[i + 1] + word[i] + word[i + 2:]))  # swapped
    return re.compile("(?:^| )(?:" + "|".join(dict.fromkeys(pieces)) + ")")


class Matcher:
    """How well folded keys match one query: 0 a word begins with it, 1 it is inside, 2 each
    query word is inside or one typo away from the start of a word (typos only in words of
    TYPO_MIN_LENGTH or more); None no match."""

    def __init__(self, query: str) -> None:
        self.variants = variants(query)
        self._typos = {word: _one_typo(word) for variant in self.variants
                       for word in variant.split() if len(word) >= TYPO_MIN_LENGTH}

    def _near(self, word: str, key: str) -> bool:
        pattern = self._typos.get(word)
        return pattern is not None and pattern.search(key) is not None

    def matching(self, keys: list[str]) -> list[int]:
        """Indices of the keys that match. One regular expression over all keys joined finds
        the candidates (each must hold some variant's longest word, or that word one typo
        away); only those are ranked: thousands of keys cost milliseconds, not a Python loop."""
        needles = []
        for variant in self.variants:
            longest = max(variant.split(), key=len)
            typo = self._typos.get(longest)
            needles.append(re.escape(longest) if typo is None
                           else f"{re.escape(longest)}|{typo.pattern}")
        if not needles:
            return []
        joined = "\n".join(keys)
        starts = [0]
        for key in keys[:-1]:
            starts.append(starts[-1] + len(key) + 1)
        # A word start is now also a line start; a match may begin on the newline before it.
        pattern = re.compile("|".join(needles).replace("(?:^| )", "(?:^|[ \n])"), re.MULTILINE)
        candidates: set[int] = set()
        for found in pattern.finditer(joined):
            at = found.start() + (joined[found.start()] == "\n")
            candidates.add(bisect.bisect_right(starts, at) - 1)
        return [index for index in sorted(candidates) if self.rank(keys[index]) is not None]

    def rank(self, key: str) -> int | None:
        best: int | None = None
        for variant in self.variants:
            if variant in key:
                score = 0 if key.startswith(variant) or f" {variant}" in key else 1
            elif all(word in key or self._near(word, key) for word in variant.split()):
                score = 2
            else:
                continue
            best = score if best is None else min(best, score)
        return best


_SAME_LETTER: dict[str, str] = {}
for _kazakh, _russian in (("ә", "а"), ("ғ", "г"), ("қ", "к"), ("ң", "н"), ("ө", "о"),
                          ("ұ", "у"), ("ү", "у"), ("һ", "х"), ("і", "и"), ("ё", "е")):
    _SAME_LETTER[_russian] = _SAME_LETTER.get(_russian, _russian) + _kazakh


def highlight(text: str, query: str) -> Markup:
    """`text` escaped, with each query word found in it (in either alphabet's letters, any
    case) wrapped in <mark>. Only marks what is there: a typo or Latin query marks nothing."""
    words = sorted({word for word in fold(query).split() if word}, key=len, reverse=True)
    if not words or not text:
        return escape(text)
    alternatives = []
    for word in words:
        letters = [f"[{re.escape(_SAME_LETTER[c])}]" if c in _SAME_LETTER else re.escape(c)
                   for c in word]
        alternatives.append("".join(letters))
    pattern = re.compile("|".join(alternatives), re.IGNORECASE)
    out: list[str] = []
    last = 0
    for found in pattern.finditer(text):
        out.append(escape(text[last:found.start()]))
        out.append(Markup("<mark>%s</mark>") % found.group())
        last = found.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def excerpt(texts: list[str], query: str, width: int = 200) -> Markup:
    """About `width` characters of the first text that holds a word of the query, around the
    first such word, highlighted; the start of the first text when none does (a typo)."""
    words = [word for word in fold(query).split() if word]
    for text in texts:
        folded = text.casefold().translate(_SAME_LENGTH)
        found = min((at for word in words if (at := folded.find(word)) >= 0), default=-1)
        if found < 0:
            continue
        start = max(0, found - width // 3)
        piece = text[start:start + width]
        return Markup("").join([
            Markup("…") if start else Markup(""), highlight(piece, query),
            Markup("…") if start + width < len(text) else Markup("")])
    first = next((text for text in texts if text), "")
    return Markup("").join([escape(first[:width]), Markup("…") if len(first) > width else ""])


# Kazakh letters onto their Russian neighbours one for one, so positions in the folded text are
# positions in the original (`fold` drops ъ and ь and squeezes spaces, which shifts them).
_SAME_LENGTH = str.maketrans({
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и",
    "ё": "е",
})
