"""Folding text for search, so "Акбулак", "АҚБҰЛАҚ" and "akbulak" find the same village.

SQLite's LIKE folds only ASCII case, so names are folded once in Python into a `search_key`
column and queries compare folded text with folded text on every database.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

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


# A word this long may carry one typo and still match; shorter words must match as typed.
TYPO_MIN_LENGTH = 5


def _one_edit(a: str, b: str) -> bool:
    """At most one letter inserted, deleted, replaced, or two neighbours swapped."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def near(word: str, key: str) -> bool:
    """Whether some word of the folded `key` begins with `word` give or take one typo."""
    if len(word) < TYPO_MIN_LENGTH:
        return False
    # One edit to a word of five letters or more leaves its first or its last letter alone:
    # checking that first keeps this cheap enough to run over every district on each search.
    return any(_one_edit(word, prefix)
               for candidate in key.split()
               for size in (len(word) - 1, len(word), len(word) + 1)
               if len(candidate) >= size
               and ((prefix := candidate[:size])[0] == word[0] or prefix[-1] == word[-1]))


class Matcher:
    """How well folded keys match one query: 0 a word begins with it, 1 it is inside, 2 each
    query word is inside or one typo away (words of TYPO_MIN_LENGTH or more); None no match."""

    def __init__(self, query: str) -> None:
        self.variants = variants(query)

    def rank(self, key: str) -> int | None:
        best: int | None = None
        for variant in self.variants:
            if variant in key:
                score = 0 if key.startswith(variant) or f" {variant}" in key else 1
            elif all(word in key or near(word, key) for word in variant.split()):
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
