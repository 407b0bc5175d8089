"""CSV for list endpoints: the item schema's fields, nested objects as dotted columns.

UTF-8 with a byte-order mark, so that spreadsheet programs read Kazakh letters (ә, ғ, қ, ң,
ө, ұ, ү, һ, і) instead of guessing a Windows code page. The columns come from the OpenAPI
item schema, so an empty page still has its header row and CSV never drifts from JSON.

These files are meant to be opened in spreadsheets, so a text cell that a spreadsheet would
run as a formula (starting with =, +, -, @, a tab or a carriage return) gets a leading
apostrophe (OWASP's advice against CSV injection), as in the bulk download
(`portal.csv_cells`).
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from flask import Response

from portal.api import openapi
from portal.csv_cells import formula_safe

BOM = "\ufeff"


def columns(schema_name: str) -> list[str]:
    return list(_flatten(openapi.schema(schema_name), ""))


def _flatten(node: dict[str, Any], prefix: str) -> list[str]:
    node = openapi.resolve(node)
    properties = node.get("properties")
    if node.get("type") in ("object", ["object", "null"]) and properties:
        names: list[str] = []
        for name, child in properties.items():
            names.extend(_flatten(child, f"{prefix}{name}."))
        return names
    return [prefix.rstrip(".")]


def _cell(value: Any) -> Any:
    """Plain values as they are; lists and free-form objects as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        return formula_safe(value)
    return value


def row_values(item: dict[str, Any], names: list[str]) -> list[Any]:
    values = []
    for name in names:
        value: Any = item
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        values.append(_cell(value))
    return values


def csv_text(items: list[dict[str, Any]], schema_name: str) -> str:
    names = columns(schema_name)
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for item in items:
        writer.writerow(row_values(item, names))
    return buffer.getvalue()


def csv_response(items: list[dict[str, Any]], schema_name: str, filename: str) -> Response:
    item_schema = openapi.schema(schema_name)["properties"]["items"]["items"]
    item_name = item_schema["$ref"].rsplit("/", 1)[-1]
    response = Response(csv_text(items, item_name), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
