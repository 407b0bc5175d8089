"""How dates, times, months, periods and file sizes read in each language: one place, from Babel.

Every page, PDF, mail and human-facing CSV cell formats through these functions, so a date reads
the same everywhere in a language. The styles are ours (see docs/glossary.md, "Formats"):

- a date in words, from the locale's own pattern for year, full month and day (CLDR skeleton
  `yMMMMd`): "16 ноября 2026 г.", "2026 ж. 16 қараша", "November 16, 2026";
- a moment: that date and the hour and minute in the portal's zone, never seconds;
- months mid-sentence in the form a sentence needs: Russian and Kazakh write month names in
  lower case ("за январь – июнь", "қаңтар – қыркүйек"), and only the start of a line is
  capitalised (`capitalised`);
- file sizes in the locale's units ("350,8 кБ", "1,2 МБ").

Russian dates end in "г.", which is also the sentence's full stop: the Russian catalogue never
puts a full stop after a date placeholder (tests/test_language.py checks the rendered pages).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import (
    format_interval,
    format_skeleton,
    get_datetime_format,
    get_month_names,
    get_time_format,
)
from babel.units import format_unit
from flask import has_app_context
from flask_babel import get_locale

from portal import clock
from portal.modeling import as_utc

DATE_SKELETON = "yMMMMd"
_SIZE_UNITS = (("digital-byte", 1), ("digital-kilobyte", 1000), ("digital-megabyte", 1000**2),
               ("digital-gigabyte", 1000**3))
# CLDR's Kazakh megabyte and gigabyte begin with a Latin M and G; a Cyrillic word must not
# hold a Latin letter.
_CYRILLIC_FOR_LATIN = str.maketrans({"M": "М", "G": "Г"})


def _locale(locale: Locale | str | None = None) -> Locale:
    if isinstance(locale, Locale):
        return locale
    if locale:
        return Locale.parse(locale)
    current = get_locale() if has_app_context() else None
    return current if current is not None else Locale.parse("kk")


def date_pattern(locale: Locale | str | None = None) -> str:
    """The locale's pattern for a date in words (year, full month, day)."""
    chosen = _locale(locale)
    return str(chosen.datetime_skeletons[DATE_SKELETON].pattern)


def date_text(value: date | None, locale: Locale | str | None = None) -> str:
    """A date in words: "16 ноября 2026 г.", "2026 ж. 16 қараша", "November 16, 2026"."""
    if value is None:
        return "—"
    if isinstance(value, datetime):  # a stored moment: its day in the portal's zone
        value = clock.local_date(value)
    chosen = _locale(locale)
    return str(babel_format_date(value, date_pattern(chosen), locale=chosen))


def moment_text(value: datetime | None, locale: Locale | str | None = None) -> str:
    """A UTC moment in the portal's zone: the date in words and hours:minutes, no seconds."""
    if value is None:
        return "—"
    chosen = _locale(locale)
    pattern = (str(get_datetime_format("medium", locale=chosen))
               .replace("{1}", date_pattern(chosen))
               .replace("{0}", str(get_time_format("short", locale=chosen).pattern)))
    return str(babel_format_datetime(as_utc(value), pattern, tzinfo=clock.zone(), locale=chosen))


def month_name(month: int, locale: Locale | str | None = None) -> str:
    """A month's name as it stands mid-sentence: "январь", "қаңтар", "January"."""
    chosen = _locale(locale)
    names = get_month_names("wide", "stand-alone", locale=chosen)
    name = str(names[month])
    # Russian and Kazakh month names are common nouns; CLDR's Kazakh stand-alone forms are
    # capitalised as if heading a calendar.
    return name.lower() if chosen.language in ("ru", "kk") else name


def month_span(first: int, last: int, locale: Locale | str | None = None) -> str:
    """'январь – июнь', 'қаңтар – маусым', 'January – June'; one month alone when equal."""
    if first == last:
        return month_name(first, locale)
    return f"{month_name(first, locale)} – {month_name(last, locale)}"


def period_text(start: date, end: date, locale: Locale | str | None = None) -> str:
    """A reporting period: whole months of one year as the locale words them ("январь — июнь
    2026 г.", "2026 ж. қаңтар – маусым", "January – June 2026"), else two dates.

    Month names stay lower case in Russian and Kazakh, for use mid-sentence; `capitalised`
    starts a line with it."""
    chosen = _locale(locale)
    if _whole_months(start, end) and start.year == end.year:
        if start.month == end.month:
            text = str(format_skeleton("yMMMM", start, locale=chosen))
        else:
            text = str(format_interval(start, end, "yMMMM", locale=chosen))
        return text.lower() if chosen.language in ("ru", "kk") else text
    return f"{date_text(start, chosen)} – {date_text(end, chosen)}"


def _whole_months(start: date, end: date) -> bool:
    following = date(end.year + (end.month == 12), end.month % 12 + 1, 1)
    return start.day == 1 and (following - end).days == 1


def capitalised(text: str) -> str:
    """The first letter upper case, for text that starts a line or a heading."""
    return text[:1].upper() + text[1:]


def full_stop(text: str) -> str:
    """The text ending in one full stop: a Russian date ends in "г.", which already is one."""
    stripped = text.rstrip()
    # Markup + str stays Markup: the filter may follow a translated message on a page.
    return text if stripped.endswith((".", "!", "?", "…")) else stripped + "."


def file_size(size: int | None, locale: Locale | str | None = None) -> str:
    """Bytes in the locale's units: "350,8 кБ", "1,2 МБ", "920 байт"."""
    if size is None:
        return "—"
    chosen = _locale(locale)
    unit, scale = _SIZE_UNITS[0]  # bytes in words ("920 bytes"); larger units abbreviated
    for candidate, candidate_scale in _SIZE_UNITS:
        if size >= candidate_scale:
            unit, scale = candidate, candidate_scale
    length: Literal["long", "short"] = "long" if scale == 1 else "short"
    amount = str(format_unit(size / scale, unit, length=length, locale=chosen,
                             format="#,##0.#"))
    return amount.translate(_CYRILLIC_FOR_LATIN) if chosen.language == "kk" else amount


# ------------------------------------------------------------------------------ place names
# Russian names of units put the kind in words ("сельский округ Агыбет", "Байдибекский район",
# "район Байдибека"). After "аким", "жители", "бюджет" a name stands in the genitive, and only
# the kind's words decline: the proper name after the kind noun is an apposition and stays
# as it is ("аким сельского округа Агыбет"). Kazakh izafet needs no ending on the name
# ("Ағыбет ауылдық округі әкімі"), and English takes "of".

_RU_NOUNS = {
    "округ": ("округа", "округе"), "район": ("района", "районе"),
    "администрация": ("администрации", "администрации"), "село": ("села", "селе"),
    "поселок": ("поселка", "поселке"), "посёлок": ("посёлка", "посёлке"),
    "город": ("города", "городе"), "область": ("области", "области"), "аул": ("аула", "ауле"),
}
# Adjective endings, longest first: (nominative, genitive, prepositional).
_RU_ADJECTIVES = (
    ("ский", "ского", "ском"), ("цкий", "цкого", "цком"), ("ская", "ской", "ской"),
    ("цкая", "цкой", "цкой"), ("ое", "ого", "ом"), ("ый", "ого", "ом"), ("ой", "ого", "ом"),
    ("ий", "его", "ем"), ("ая", "ой", "ой"),
)
_RU_ABBREVIATIONS = (
    ("с.о.", "сельский округ "), ("с.а.", "сельская администрация "),
    ("п.а.", "поселковая администрация "), ("г.а.", "городская администрация "),
)


def _ru_case(name: str, case: int) -> str | None:
    """The name with its kind's words in the genitive (0) or prepositional (1) case; None when
    the name has no kind noun we know (the caller then words the phrase without a case)."""
    text = name.strip()
    for short, full in _RU_ABBREVIATIONS:
        if text.lower().startswith(short):
            text = full + text[len(short):].strip()
        elif text.lower().endswith(" " + short):  # "Агыбетский с.о.", as KATO writes most
            text = text[: -len(short)] + full.strip()
    words = text.split(" ")
    for index, word in enumerate(words):
        forms = _RU_NOUNS.get(word.lower())
        if forms is None:
            continue
        declined = [_ru_adjective(before, case) for before in words[:index]]
        if None in declined:
            return None
        noun = forms[case]  # a common noun: lower case mid-sentence, whatever the source
        return " ".join([*(str(item) for item in declined), noun, *words[index + 1:]])
    return None


def _ru_adjective(word: str, case: int) -> str | None:
    for nominative, *forms in _RU_ADJECTIVES:
        if word.lower().endswith(nominative):
            return word[: len(word) - len(nominative)] + forms[case]
    return None


def place_of(name: str, locale: Locale | str | None = None) -> str:
    """A place's name as it follows "аким", "жители" or "of": the genitive in Russian
    ("сельского округа Агыбет", "Байдибекского района"), the name itself elsewhere."""
    if _locale(locale).language != "ru":
        return name
    return _ru_case(name, 0) or name


def place_in(name: str, locale: Locale | str | None = None) -> str:
    """A place's name after "в": the prepositional in Russian ("сельском округе Агыбет")."""
    if _locale(locale).language != "ru":
        return name
    return _ru_case(name, 1) or name


# ------------------------------------------------------------------------- formal (documents)
# Documents (the PDF dossiers and bundles) cite days as an official text in each language
# writes them (issue 17): "2023 жылғы 7 маусым", "7 июня 2023 г.", "7 June 2023" — the
# Kazakh "жылғы" form and the day-first English of a formal record, where pages use the
# locale's everyday pattern (`date_text`). A no-break space keeps a day with its month and a
# year with its "г." / "жылғы", so a narrow column never leaves "7" alone at a line end.
NBSP = "\u00a0"
FORMAL_DATE_PATTERNS = {
    "kk": f"y'{NBSP}жылғы' d'{NBSP}'MMMM",
    "ru": f"d'{NBSP}'MMMM y'{NBSP}г.'",
    "en": f"d'{NBSP}'MMMM y",
}


def formal_date(value: date | None, locale: Locale | str | None = None) -> str:
    """A day as a document cites it in the locale's language; "—" for none."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = clock.local_date(value)
    chosen = _locale(locale)
    pattern = FORMAL_DATE_PATTERNS.get(chosen.language, FORMAL_DATE_PATTERNS["en"])
    return str(babel_format_date(value, pattern, locale=chosen))


def formal_moment(value: datetime | None, locale: Locale | str | None = None) -> str:
    """A stored moment as a document cites it: the formal date of its Almaty day and the
    Almaty time in 24 hours ("2026 жылғы 7 желтоқсан, 10:19", "7 декабря 2026 г., 10:19",
    "7 December 2026, 10:19"); "—" for none."""
    if value is None:
        return "—"
    return f"{formal_date(value, locale)}, {clock.to_local(value):%H:%M}"


def formal_period(start: date, end: date, locale: Locale | str | None = None) -> str:
    """A reporting period as a document names it: whole months of one year by their names
    ("2026 жылғы қаңтар – маусым", "январь – июнь 2026 г.", "January – June 2026"; lower case
    mid-sentence, `capitalised` at a line's start), any other span by two formal dates."""
    chosen = _locale(locale)
    if not (_whole_months(start, end) and start.year == end.year):
        return f"{formal_date(start, chosen)} – {formal_date(end, chosen)}"
    months = month_span(start.month, end.month, chosen)
    if chosen.language == "kk":
        return f"{start.year}{NBSP}жылғы {months}"
    if chosen.language == "ru":
        return f"{months} {start.year}{NBSP}г."
    return f"{months} {start.year}"
