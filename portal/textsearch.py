"""Folding text for search, so "Акбулак", "АҚБҰЛАҚ" and "akbulak" find the same village.

SQLite's LIKE folds only ASCII case, so names are folded once in Python into a `search_key`
column and queries compare folded text with folded text on every database.
"""

from __future__ import annotations

_KAZAKH_TO_RUSSIAN = str.maketrans({
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и",
    "ё": "е", "ъ": "", "ь": "",
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
