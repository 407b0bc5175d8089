"""Transliteration of Kazakh Cyrillic, for names that a source gives in one script only.

One scheme everywhere (see geo/data/README.md): readable English romanization, not the
2021 official Kazakh Latin alphabet, because the English pages are read by foreigners.
"""

from __future__ import annotations

_LATIN = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "yo",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n",
    "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u",
    "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}

_RUSSIAN = str.maketrans({
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и",
    "Ә": "А", "Ғ": "Г", "Қ": "К", "Ң": "Н", "Ө": "О", "Ұ": "У", "Ү": "У", "Һ": "Х", "І": "И",
})


def to_latin(text: str) -> str:
    """Kazakh or Russian Cyrillic → Latin, keeping capitals: 'Ақбұлақ' → 'Akbulak'."""
    out: list[str] = []
    for index, char in enumerate(text):
        lower = char.lower()
        if lower not in _LATIN:
            out.append(char)
            continue
        latin = _LATIN[lower]
        if lower == "й" and (index == 0 or not text[index - 1].isalpha()):
            latin = "y"
        if char.isupper() and latin:
            following = text[index + 1] if index + 1 < len(text) else ""
            latin = latin.upper() if following.isupper() else latin.capitalize()
        out.append(latin)
    return "".join(out)


def to_russian(text: str) -> str:
    """Kazakh letters replaced by the Russian letters conventionally used for them."""
    return text.translate(_RUSSIAN)
