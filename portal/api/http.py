"""Strict query parameters and the API's answers: JSON bodies, paginated lists, JSON errors.

Bad input is the client's mistake and gets a 400 naming the parameter, never a silent default
(the web pages forgive; an API that forgives hides bugs in the programs that call it).
Unknown parameters are ignored, so clients may add cache-busters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NoReturn
from urllib.parse import urlencode

from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from portal.web import safety

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000  # far past the end of any list; keeps offsets small numbers
MAX_ID = safety.MAX_ID  # ids are 32-bit in the schema; larger numbers name nothing
MAX_TEXT = 100
FORMATS = ("json", "csv")
_DIGITS = re.compile(r"[0-9]+")


class ApiError(HTTPException):
    """A 4xx with a machine-readable code and a message for the person reading the error."""

    def __init__(self, status: int, code: str, message: str,
                 parameter: str | None = None) -> None:
        super().__init__(message)
        self.code = status
        self.error_code = code
        self.message = message
        self.parameter = parameter


def error(exc: ApiError) -> Response:
    """The same `{"error": {"code", "message"}}` as every other API error, plus the
    parameter at fault when there is one."""
    body: dict[str, Any] = {"code": exc.error_code, "message": exc.message}
    if exc.parameter:
        body["parameter"] = exc.parameter
    return json_body({"error": body}, exc.code or 400)


def invalid(parameter: str, message: str) -> NoReturn:
    raise ApiError(400, "invalid_parameter", message, parameter)


def not_found(message: str | None = None) -> NoReturn:
    raise ApiError(404, "not_found", message or _("Nothing was found at this address."))


# --------------------------------------------------------------------------- parameters

def _whole_number(name: str, raw: str) -> int:
    if not _DIGITS.fullmatch(raw):
        invalid(name, _("%(name)s must be a whole number.", name=name))
    if len(raw) > 9:
        invalid(name, _("%(name)s is too large.", name=name))
    return int(raw)


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def paging() -> Paging:
    """`page` (1, 2, …) and `per_page` (1 to 200, default 50)."""
    page = _whole_number("page", request.args.get("page", "1"))
    if not 1 <= page <= MAX_PAGE:
        invalid("page", _("page must be between 1 and %(max)d.", max=MAX_PAGE))
    per_page = _whole_number("per_page", request.args.get("per_page", str(DEFAULT_PER_PAGE)))
    if not 1 <= per_page <= MAX_PER_PAGE:
        invalid("per_page", _("per_page must be between 1 and %(max)d.", max=MAX_PER_PAGE))
    return Paging(page, per_page)


def output_format(lists: bool = True) -> str:
    """`format=json` (the default) or, on list endpoints, `format=csv`."""
    value = request.args.get("format", "json")
    allowed = FORMATS if lists else ("json",)
    if value not in allowed:
        invalid("format", _("format must be one of: %(values)s.", values=", ".join(allowed)))
    return value


def choice(name: str, allowed: Sequence[str], default: str | None = None) -> str | None:
    value = request.args.get(name)
    if value is None:
        return default
    if value not in allowed:
        invalid(name, _("%(name)s must be one of: %(values)s.", name=name,
                        values=", ".join(allowed)))
    return value


def kato(name: str, value: str | None, digits: int) -> str | None:
    """A KATO code (or prefix) of exactly `digits` digits; None when absent."""
    if value is None:
        return None
    if len(value) != digits or not value.isascii() or not value.isdigit():
        invalid(name, _("%(name)s must be a KATO code of %(digits)d digits.", name=name,
                        digits=digits))
    return value


def year(name: str = "year") -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not (len(raw) == 4 and raw.isascii() and raw.isdigit()) or not 2000 <= int(raw) <= 2100:
        invalid(name, _("%(name)s must be a year such as 2025.", name=name))
    return int(raw)


def text(name: str) -> str | None:
    """Free text such as `q`: at most 100 characters."""
    value = request.args.get(name)
    if value is None:
        return None
    if len(value) > MAX_TEXT:
        invalid(name, _("%(name)s may be at most %(max)d characters.", name=name, max=MAX_TEXT))
    # A NUL would break PostgreSQL; no control character belongs in a search.
    if safety.has_control_characters(value):
        invalid(name, _("%(name)s contains a control character (such as a NUL byte).",
                        name=name))
    return " ".join(value.split()) or None


def object_id(value: int) -> int:
    """A path id the URL converter accepted; too large for any row means nothing is there."""
    if not 1 <= value <= MAX_ID:
        not_found()
    return value


# --------------------------------------------------------------------------- answers

def json_body(body: dict[str, Any], status: int = 200) -> Response:
    """JSON in the documented field order, with Kazakh letters as themselves (UTF-8), not
    as \\u escapes: smaller, and readable with curl."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(text, status=status, mimetype="application/json")


def list_response(items: list[dict[str, Any]], paging: Paging, total: int, schema: str,
                  filename: str) -> Response:
    """A page of items as `{"items", "page", "per_page", "total"}` JSON or as CSV, with the
    total in `X-Total-Count` and `Link` headers to the neighbouring pages."""
    response: Response
    if output_format() == "csv":
        from portal.api.csv_output import csv_response

        response = csv_response(items, schema, f"{filename}-page-{paging.page}.csv")
    else:
        response = json_body({"items": items, "page": paging.page, "per_page": paging.per_page,
                              "total": total})
    response.headers["X-Total-Count"] = str(total)
    links = _links(paging, total)
    if links:
        response.headers["Link"] = ", ".join(links)
    return response


def _links(paging: Paging, total: int) -> list[str]:
    last = max(1, -(-total // paging.per_page))
    pages = {"first": 1, "last": last}
    if paging.page > 1:
        pages["prev"] = min(paging.page - 1, last)
    if paging.page < last:
        pages["next"] = paging.page + 1
    links = []
    for relation, number in pages.items():
        args = {**request.args.to_dict(), "page": str(number)}
        links.append(f'<{request.path}?{urlencode(args)}>; rel="{relation}"')
    return links


def paginate_list(rows: Sequence[Any], paging: Paging) -> list[Any]:
    """A page of a list already in memory (a term's promises or reports: tens of rows)."""
    return list(rows[paging.offset:paging.offset + paging.per_page])
