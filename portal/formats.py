"""Formatting shared by every surface (pages, PDFs, mail, CSV): one function per kind of value.

Formal dates first: documents cite days the way an official text in each language writes
them — "2023 жылғы 7 маусым", "7 июня 2023 г.", "7 June 2023" — from Babel's month names (the
genitive in Russian, as a date is read). Pages keep the short `day` filter of
`portal.web.templating`; documents use `formal_date`.
"""

from __future__ import annotations

import calendar
from datetime import date

from babel.dates import format_date
from flask import current_app, has_app_context
from flask_babel import get_locale

NBSP = "\u00a0"
# CLDR patterns; quoted words are literal. A no-break space keeps a day with its month and a
# year with its "г." / "жылғы", so a narrow column never leaves "7" alone at a line end.
FORMAL_DATE_PATTERNS = {
    "kk": f"y'{NBSP}жылғы' d'{NBSP}'MMMM",
    "ru": f"d'{NBSP}'MMMM y'{NBSP}г.'",
    "en": f"d'{NBSP}'MMMM y",
}


def _language(language: str | None) -> str:
    if language:
        return language
    locale = get_locale() if has_app_context() else None
    if locale is not None and locale.language in FORMAL_DATE_PATTERNS:
        return str(locale.language)
    if has_app_context():
        return str(current_app.config.get("BABEL_DEFAULT_LOCALE") or "kk")
    return "kk"


def formal_date(value: date | None, language: str | None = None) -> str:
    """A day as an official document writes it in `language` (default: the current locale);
    "—" for none."""
    if value is None:
        return "—"
    code = _language(language)
    pattern = FORMAL_DATE_PATTERNS.get(code, FORMAL_DATE_PATTERNS["en"])
    return str(format_date(value, pattern, locale=code))


def _month(value: date, code: str) -> str:
    return str(format_date(value, "LLLL", locale=code))


def formal_period(start: date, end: date, language: str | None = None) -> str:
    """A reporting period as a document names it: whole months of one year by their names
    ("2026 жылғы қаңтар – маусым", "Январь – июнь 2026 г.", "January – June 2026"), any other
    span by its two formal dates."""
    code = _language(language)
    whole_months = (start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]
                    and start.year == end.year)
    if not whole_months:
        return f"{formal_date(start, code)} – {formal_date(end, code)}"
    months = _month(start, code) if start.month == end.month else (
        f"{_month(start, code)} – {_month(end, code)}")
    if code == "kk":  # month names follow "жылғы" in lower case
        label = f"{start.year}{NBSP}жылғы {months.lower()}"
    elif code == "ru":
        label = f"{months} {start.year}{NBSP}г."
    else:
        label = f"{months} {start.year}"
    return label[:1].upper() + label[1:]
