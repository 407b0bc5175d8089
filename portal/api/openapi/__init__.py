"""The OpenAPI 3.1 description of /api/v1, built from Python data.

What /api/v1/openapi.json serves, what the tests validate real answers against, and what the
docs page renders.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

from portal.api.openapi.building import Schema
from portal.api.openapi.paths import paths
from portal.api.openapi.schemas import components

VERSION = "1.0.0"
LICENCE = {"name": "CC BY 4.0",
           "url": "https://creativecommons.org/licenses/by/4.0/"}
DESCRIPTION = """\
Read-only, public data of the akim accountability portal: Kazakhstan's elected rural akims,
their promises, mandatory reports, fourth-level budgets, residents' ratings and
recall-trigger flags.

* Lists are paginated: `{"items": [...], "page": 1, "per_page": 50, "total": N}`; `page` and
  `per_page` (at most 200) are query parameters. `?format=csv` returns the same page as CSV.
* Errors: `{"error": {"code": ..., "message": ...}}` with a 4xx status.
* Money in whole tenge (integers). Dates ISO 8601; times UTC. Place names in Kazakh, Russian
  and English (`name.kk`, `name.ru`, `name.en`).
* Answers carry `ETag` and `Last-Modified`; send `If-None-Match` to get a 304. Any origin may
  call the API (CORS). Requests are limited per address (429 with `Retry-After`).
* No personal data: no emails, IINs or signers, no unpublished flags, ratings only as
  aggregates.
* Everything at once: the nightly bulk download at /opendata (CSV per table, Frictionless
  Data Package).
"""


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Akim accountability portal API",
            "version": VERSION,
            "summary": "Promises, reports, budgets, ratings and flags of rural akims.",
            "description": DESCRIPTION,
            "license": LICENCE,
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "servers": [{"url": "/api/v1"}],
        "tags": [{"name": name} for name in ("Places", "Akims", "Reports", "Meetings", "Budgets",
                                             "Flags", "Search", "Account", "Meta")],
        "paths": paths(),
        "components": {
            "schemas": components(),
            "securitySchemes": {"session": {
                "type": "apiKey", "in": "cookie", "name": "session",
                "description": "The portal's own sign-in cookie (only /me needs it).",
            }},
        },
    }


def document(base_url: str | None = None) -> dict[str, Any]:
    """The document; with `base_url`, the server is absolute (as served to clients)."""
    result = copy.deepcopy(_document())
    if base_url:
        result["servers"] = [{"url": base_url.rstrip("/") + "/api/v1"}]
    return result


def schema(name: str) -> Schema:
    return _document()["components"]["schemas"][name]


def resolve(node: Schema) -> Schema:
    """Follow a `$ref` (and a nullable wrapper around one) to the schema it names."""
    if "anyOf" in node:
        node = next(option for option in node["anyOf"] if option.get("type") != "null")
    if "$ref" in node:
        return schema(node["$ref"].rsplit("/", 1)[-1])
    return node
