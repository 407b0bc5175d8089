"""The texts inside the bulk download: datapackage.json (Frictionless), README and licence."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from portal.opendata.tables import Table

LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
TITLE = "Akim accountability portal: open data"
PACKAGE_NAME = "akim-accountability-portal"


def resource(table: Table, path: str, size: int, sha256: str) -> dict[str, Any]:
    fields = []
    for column in table.columns:
        described: dict[str, Any] = {"name": column.name, "type": column.type,
                                     "description": column.description}
        if column.format:
            described["format"] = column.format
        fields.append(described)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if table.primary_key:
        schema["primaryKey"] = table.primary_key
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": column, "reference": {"resource": other, "fields": other_column}}
            for column, other, other_column in table.foreign_keys
        ]
    return {
        "name": table.name,
        "path": path,
        "profile": "tabular-data-resource",
        "title": table.title,
        "description": table.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": size,
        "hash": f"sha256:{sha256}",
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"',
                    "doubleQuote": True, "header": True},
        "schema": schema,
    }


def datapackage(resources: list[dict[str, Any]], built_at: datetime, base_url: str,
                synthetic: bool) -> dict[str, Any]:
    description = ("Published records of Kazakhstan's elected rural akims: places, akims and "
                   "terms, promises and their timelines, mandatory reports and their texts, "
                   "fourth-level budget revenues and indicators. No personal data.")
    if synthetic:
        description += (" DEMO DATA: the villages, people, promises, reports and numbers are "
                        "synthetic and fictional; regions and districts are real.")
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": TITLE,
        "description": description,
        "homepage": f"{base_url}/opendata",
        "created": built_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "keywords": ["Kazakhstan", "akims", "rural districts", "accountability", "budgets",
                     "open data"],
        "licenses": [LICENCE],
        "sources": [{"title": "Akim accountability portal", "path": base_url}],
        "resources": resources,
    }


def readme(tables: list[tuple[Table, int]], built_at: datetime, base_url: str,
           synthetic: bool) -> str:
    lines = [
        f"# {TITLE}",
        "",
        f"Built {built_at:%Y-%m-%d %H:%M} UTC from {base_url}.",
        "",
    ]
    if synthetic:
        lines += ["**Demo data.** The villages, people, promises, reports and numbers in this "
                  "download are synthetic and fictional; regions and districts are real.", ""]
    lines += [
        "Everything the portal publishes about Kazakhstan's elected rural akims, one CSV file "
        "per table in `data/`, described for tools in `datapackage.json` (a Frictionless Data "
        "Package: column types, keys and links between tables).",
        "",
        "## Reading the files",
        "",
        "- UTF-8 with a byte-order mark (so spreadsheet programs show Kazakh letters), comma "
        "separated, CRLF line ends, a header row. An empty cell means no value.",
        "- Money is in whole tenge. Dates are ISO 8601; times are UTC. Booleans are `true` / "
        "`false`. Report and promise texts are Markdown.",
        "- Text is kept as published, except that a cell a spreadsheet would run as a formula "
        "(starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading "
        "apostrophe, as in the API's CSV.",
        "- Places are linked by KATO code, everything else by id (see `foreignKeys` in "
        "`datapackage.json`). Report timeliness is as of the build day.",
        "",
        "## Tables",
        "",
        "| file | rows | contents |",
        "|---|---:|---|",
    ]
    lines += [f"| `data/{table.name}.csv` | {rows:,} | {table.description} |"
              for table, rows in tables]
    lines += [
        "",
        "## Personal data",
        "",
        "None. Akims are public officials: their names, party and terms are public records. "
        "There are no emails, identity numbers (IIN), account ids or signers; timeline entries "
        "name the author's role, not the person; ratings appear only as aggregates; flags "
        "appear only once reviewers have published them.",
        "",
        "## Licence",
        "",
        "Creative Commons Attribution 4.0 International (CC BY 4.0): see `LICENSE.md`. Credit "
        f"\"Akim accountability portal\" with a link to {base_url}.",
        "",
        f"Live data: the JSON API at {base_url}/api/v1/docs.",
        "",
    ]
    return "\n".join(lines)


def licence(base_url: str) -> str:
    return "\n".join([
        "# Licence",
        "",
        "The data in this download is made available under the Creative Commons Attribution "
        "4.0 International licence (CC BY 4.0).",
        "",
        "Full legal code: https://creativecommons.org/licenses/by/4.0/legalcode",
        "Summary: https://creativecommons.org/licenses/by/4.0/",
        "",
        "You may share and adapt the data for any purpose, even commercially, provided you give "
        "appropriate credit, provide a link to the licence, and indicate if changes were made.",
        "",
        f"Attribution: \"Akim accountability portal\", {base_url}",
        "",
        "Regions and districts follow the national administrative-territorial classifier "
        "(KATO).",
        "",
    ])
