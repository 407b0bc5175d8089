"""Small constructors for JSON Schema (draft 2020-12, as OpenAPI 3.1 uses) written as Python."""

from __future__ import annotations

import enum
from typing import Any

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    """The same schema or JSON null (OpenAPI 3.1 has no `nullable` keyword)."""
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    kinds = schema.get("type")
    if isinstance(kinds, str):
        result = {**schema, "type": [kinds, "null"]}
        if "enum" in result:
            result["enum"] = [*result["enum"], None]
        return result
    return {"anyOf": [schema, {"type": "null"}]}


def described(schema: Schema, description: str) -> Schema:
    """A description beside the schema (JSON Schema 2020-12 allows it beside `$ref` too)."""
    return {**schema, "description": description}


def string(description: str = "", **keywords: Any) -> Schema:
    return _with({"type": "string", **keywords}, description)


def integer(description: str = "", **keywords: Any) -> Schema:
    return _with({"type": "integer", **keywords}, description)


def number(description: str = "", **keywords: Any) -> Schema:
    return _with({"type": "number", **keywords}, description)


def boolean(description: str = "") -> Schema:
    return _with({"type": "boolean"}, description)


def date(description: str = "") -> Schema:
    return string(description, format="date")


def datetime(description: str = "") -> Schema:
    return string(description, format="date-time")


def money(description: str) -> Schema:
    return integer(f"{description} Whole tenge.")


def enum_of(values: type[enum.Enum] | list[str], description: str = "") -> Schema:
    listed = [member.value for member in values] if isinstance(values, type) else list(values)
    return _with({"type": "string", "enum": listed}, description)


def array(items: Schema, description: str = "") -> Schema:
    return _with({"type": "array", "items": items}, description)


def obj(properties: dict[str, Schema], description: str = "",
        optional: tuple[str, ...] = (), example: dict[str, Any] | None = None) -> Schema:
    """An object whose listed properties are all present (unless `optional`) and which has no
    others: the documents are exact, so tests catch a field added without documenting it."""
    schema: Schema = {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }
    if example is not None:
        schema["examples"] = [example]
    return _with(schema, description)


def page_of(item: str, description: str) -> Schema:
    return obj({
        "items": array(ref(item)),
        "page": integer("This page's number, from 1.", minimum=1),
        "per_page": integer("Items per page (at most 200).", minimum=1, maximum=200),
        "total": integer("Items on all pages together.", minimum=0),
    }, description)


def _with(schema: Schema, description: str) -> Schema:
    if description:
        schema["description"] = description
    return schema
