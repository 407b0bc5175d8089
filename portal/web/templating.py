"""Jinja filters and context: money, numbers, dates in the reader's language, access checks."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode

from babel.numbers import NumberPattern, parse_pattern
from flask import Flask, request, url_for
from flask_babel import format_decimal, format_percent
from flask_login import current_user

from portal import formats
from portal.akims.parties import party_name
from portal.api.serialize import public_url
from portal.figures import days_overdue
from portal.labels import label
from portal.modeling import current_language
from portal.permissions import Permission, can
from portal.web.models import is_synthetic

TENGE = "\u20b8"
NBSP = "\u00a0"


@lru_cache(maxsize=32)
def _pattern(text: str) -> NumberPattern:
    """Babel parses a pattern given as text on every call: a league table page formats some
    2,000 numbers, and parsing was a third of that time."""
    return parse_pattern(text)


def money(amount: int | Decimal | None) -> str:
    """Whole tenge with the reader's digit grouping and the tenge sign, in every language."""
    if amount is None:
        return "—"
    return f"{format_decimal(int(amount), format=_pattern('#,##0'))}{NBSP}{TENGE}"


def number(value: int | Decimal | float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    pattern = "#,##0" if digits == 0 else "#,##0." + "0" * digits
    return str(format_decimal(value, format=_pattern(pattern)))


def percent(value: Decimal | float | None, digits: int = 0) -> str:
    """`value` is a fraction (0.25 → 25 %)."""
    if value is None:
        return "—"
    pattern = "#,##0%" if digits == 0 else "#,##0." + "0" * digits + "%"
    return str(format_percent(value, format=_pattern(pattern)))


def day(value: date | None) -> str:
    """The one date style of the reader's language (`portal.formats.date_text`)."""
    return formats.date_text(value)


def moment(value: datetime | None) -> str:
    """A UTC timestamp in the portal's zone, hours and minutes (`portal.formats.moment_text`)."""
    return formats.moment_text(value)


def url_with_lang(language: str) -> str:
    """The current address with ?lang= set, for the language switcher and shared links.

    Every other query value is kept, repeated ones too; an address without a route (a 404)
    keeps its path."""
    values: dict[str, Any] = {**(request.view_args or {}), **request.args.to_dict(flat=False)}
    values["lang"] = language
    if request.endpoint and request.url_rule is not None:
        try:
            return url_for(request.endpoint, **values)
        except Exception:  # noqa: BLE001, S110 - fall back to the path as requested
            pass
    path = "/" + request.path.lstrip("/")  # never "//host": that would leave the site
    query = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return f"{request.script_root}{quote(path)}?{urlencode([*query, ('lang', language)])}"


def url_with_page(page: int) -> str:
    """This page's address at another page number, every query parameter kept (repeated
    ones too: the league table's chosen akims, `?akim=1&akim=2`)."""
    values: dict[str, Any] = {**(request.view_args or {}), **request.args.to_dict(flat=False)}
    values["page"] = page
    return url_for(request.endpoint or "web.home", **values)


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        money=money, number=number, percent=percent, day=day, moment=moment, label=label,
        party=party_name, file_size=formats.file_size, capitalised=formats.capitalised,
        of_place=formats.place_of, in_place=formats.place_in, full_stop=formats.full_stop,
        # documents (PDFs) cite formal dates (issue 17); pages use `day`
        formal_day=formats.formal_date, formal_moment=formats.formal_moment,
        formal_period=lambda item: formats.formal_period(item.period_start, item.period_end),
    )
    # Globals, not context values: macros imported without context can use them too.
    # Absolute addresses only through public_url (PUBLIC_BASE_URL), never url_for(_external=
    # True): that takes the request's Host, which a cached page would pass on to everyone.
    app.jinja_env.globals.update(url_with_lang=url_with_lang, url_with_page=url_with_page,
                                 public_url=public_url, days_overdue=days_overdue)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def portal_context() -> dict[str, Any]:
        return {
            "can": lambda permission, obj=None: can(current_user, permission, obj),
            "Permission": Permission,
            "current_language": current_language(),
            "languages": (("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")),
            "synthetic_data": _synthetic_data_cached(app),
        }


def _synthetic_data_cached(app: Flask) -> bool:
    from portal.extensions import cache

    flag = cache.get("site:synthetic")
    if flag is None:
        flag = is_synthetic()
        cache.set("site:synthetic", flag, timeout=60)
    return bool(flag)
