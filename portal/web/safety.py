"""Small guards for untrusted input from requests."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.routing import IntegerConverter, Map


def safe_next_url(target: str | None) -> str | None:
    """Only same-site paths are followed after sign-in; anything else is dropped."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


# --------------------------------------------------------------------------- ids in paths

MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL; a larger number names nothing
MAX_ID_DIGITS = len(str(MAX_ID))


class IdConverter(IntegerConverter):
    """`<int:…>` for every route: ASCII digits, 1 to MAX_ID, else no match (a 404).

    Without the bound, /reports/2147483648 reached PostgreSQL (integer out of range) and
    /reports/9223372036854775808 SQLite (too large for an INTEGER): a 500 either way.
    """

    regex = rf"[0-9]{{1,{MAX_ID_DIGITS}}}"

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = 1,  # noqa: A002
                 max: int | None = MAX_ID, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def whole_number(raw: str | None, maximum: int = MAX_ID) -> int | None:
    """ASCII digits from 1 to `maximum`, else None. str.isdigit() and int() also take "²"
    and Arabic-Indic digits, and int() refuses 5,000 digits with an error (a 500)."""
    if not raw or len(raw) > len(str(maximum)) or not (raw.isascii() and raw.isdigit()):
        return None
    number = int(raw)
    return number if 1 <= number <= maximum else None


def register_converters(app: Flask) -> None:
    """Before any blueprint: rules take their converter when they are added to the map."""
    app.url_map.converters["int"] = IdConverter


# --------------------------------------------------------------------------- typed text

# Unicode's control characters (C0, DEL, C1). A NUL ends a string in PostgreSQL (a 500);
# the others are never typed and only hide text. Multi-line text keeps tab and line ends.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(text: str, multiline: bool = False) -> bool:
    return (_CONTROL_MULTILINE if multiline else _CONTROL).search(text) is not None


def without_control_characters(text: str) -> str:
    """For query strings of pages, which forgive: each control character read as a space."""
    return _CONTROL.sub(" ", text)
