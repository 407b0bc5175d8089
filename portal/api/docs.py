"""The API reference page's content, read from the OpenAPI document (one source of truth)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask_babel import lazy_gettext as _l

from portal.api import openapi
from portal.api.openapi.building import Schema

MAX_DEPTH = 4  # nested objects shown; deeper ones are described by their type


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str
    anchor: str
    parameters: list[Parameter]
    fields: list[Field]
    list_of: str | None  # the item schema's name, for list endpoints
    example: str
    csv_example: str | None
    signed_in: bool


@dataclass
class Section:
    name: str
    operations: list[Operation] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(SECTION_LABELS.get(self.name, self.name))


SECTION_LABELS = {
    "Places": _l("Places"), "Akims": _l("Akims"), "Reports": _l("Reports"),
    "Budgets": _l("Budgets"), "Flags": _l("Recall-trigger flags"), "Account": _l("Your account"),
    "Search": _l("Search"), "Meta": _l("About the API"),
    "Meetings": _l("Meetings with residents"),
}


def type_label(node: Schema) -> str:
    """"string (date)", "integer or null", "one of: a, b", "array of Promise"."""
    options = node.get("anyOf")
    if options:
        labels = [type_label(option) for option in options if option.get("type") != "null"]
        return " or ".join(labels) + " or null"
    if "$ref" in node:
        return node["$ref"].rsplit("/", 1)[-1]
    kinds = node.get("type", "object")
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    nullable = "null" in kinds
    kinds = [kind for kind in kinds if kind != "null"]
    label = " or ".join(kinds)
    if node.get("format"):
        label += f" ({node['format']})"
    if node.get("enum"):
        label = "one of: " + ", ".join(str(value) for value in node["enum"] if value is not None)
    if label == "array":
        label = "array of " + type_label(node.get("items", {}))
    return label + (" or null" if nullable else "")


def fields_of(node: Schema, prefix: str = "", depth: int = 0) -> list[Field]:
    """Every field of a schema, nested objects (and objects in arrays) as dotted names."""
    result: list[Field] = []
    node = openapi.resolve(node)
    for name, child in node.get("properties", {}).items():
        target = openapi.resolve(child)
        dotted = f"{prefix}{name}"
        description = child.get("description") or target.get("description", "")
        result.append(Field(dotted, type_label(child), description))
        if depth >= MAX_DEPTH:
            continue
        if target.get("properties"):
            result.extend(fields_of(target, f"{dotted}.", depth + 1))
        elif target.get("type") == "array":
            items = openapi.resolve(target.get("items", {}))
            if items.get("properties"):
                result.extend(fields_of(items, f"{dotted}[].", depth + 1))
    return result


def _parameter(raw: Schema) -> Parameter:
    schema = raw.get("schema", {})
    label = type_label(schema)
    if "default" in schema:
        label += f"; default {schema['default']}"
    if "maximum" in schema and "minimum" in schema:
        label += f"; {schema['minimum']}–{schema['maximum']}"
    return Parameter(raw["name"], raw["in"], label, bool(raw.get("required")),
                     raw.get("description", ""))


def _example_url(base_url: str, path: str, parameters: list[Schema], **extra: str) -> str:
    concrete = path
    query: dict[str, str] = {}
    for parameter in parameters:
        if parameter["in"] == "path":
            concrete = concrete.replace("{" + parameter["name"] + "}",
                                        str(parameter.get("example", "1")))
        elif parameter["name"] in ("region",) and "example" in parameter:
            query[parameter["name"]] = str(parameter["example"])
    query.update(extra)
    suffix = f"?{urlencode(query)}" if query else ""
    return f"{base_url}/api/v1{concrete}{suffix}"


def reference(base_url: str) -> list[Section]:
    document = openapi.document()
    sections = {tag["name"]: Section(tag["name"]) for tag in document["tags"]}
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            parameters = operation.get("parameters", [])
            content = operation["responses"]["200"]["content"]
            response_schema = openapi.resolve(content["application/json"]["schema"])
            list_of = None
            shown = response_schema
            if set(response_schema.get("properties", {})) == {"items", "page", "per_page",
                                                               "total"}:
                item_ref = response_schema["properties"]["items"]["items"]
                list_of = item_ref["$ref"].rsplit("/", 1)[-1]
                shown = openapi.schema(list_of)
            url = _example_url(base_url, path, parameters)
            csv_url = (_example_url(base_url, path, parameters, format="csv")
                       if "text/csv" in content else None)
            sections[operation["tags"][0]].operations.append(Operation(
                method=method.upper(), path=f"/api/v1{path}", summary=operation["summary"],
                description=operation.get("description", ""),
                anchor=operation["operationId"].replace("_", "-"),
                parameters=[_parameter(parameter) for parameter in parameters],
                fields=fields_of(shown) if path != "/openapi.json" else [],
                list_of=list_of,
                example=f"curl -s '{url}'",
                csv_example=f"curl -s -o data.csv '{csv_url}'" if csv_url else None,
                signed_in=bool(operation.get("security")),
            ))
    return [section for section in sections.values() if section.operations]


def error_fields() -> list[Field]:
    return fields_of(openapi.schema("Error"))


def info() -> dict[str, Any]:
    return openapi.document()["info"]
