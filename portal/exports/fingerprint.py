"""Fingerprints: one of the facts a dossier states, one of a rendition of them.

The data fingerprint is a SHA-256 of the canonical facts only (`facts`): who, where, which
term, the promises, reports, budget, ratings and flags, and the day they are judged on; never
the language, the template or the renderer. So the kk, ru and en dossiers of the same data
carry the same fingerprint, and a reader who holds two of them can tell they state the same
facts. Its first 12 hex digits are printed in the footer and stored in the PDF's metadata;
`portal.exports.verify` answers whether it is still current.

The rendition id (`rendition`) covers the fingerprint plus everything that changes how the
facts are drawn: language, template, the template files and catalogue, and the address the
links point to. It is the cache key of a rendered PDF and its ETag.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from portal.exports.pdf import template_version

SHORT = 12
# Bump when `facts` changes what it keeps, so old fingerprints are not compared with new ones.
FACTS_FORMAT = "facts-1"
# The dossier's own fields that belong to the rendition, not the facts.
RENDITION_FIELDS = frozenset({"language", "public_url", "name", "name_other_script"})
# Words a reader's language supplies for facts kept elsewhere as codes (a flag's rule and
# status labels, its evidence written out as sentences from the figures already hashed).
TRANSLATED_FIELDS = frozenset({"rule_label", "status_label", "evidence"})


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"not plain data: {type(value).__name__}")


def canonical(data: Any) -> bytes:
    """Stable JSON of dataclasses, dicts, lists, dates, decimals and enum values."""
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        data = dataclasses.asdict(data)
    elif isinstance(data, list | tuple):
        data = [dataclasses.asdict(item) if dataclasses.is_dataclass(item)
                and not isinstance(item, type) else item for item in data]
    return json.dumps(data, default=_plain, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode()


def _neutral(value: Any) -> Any:
    """The value with the words of one language taken out: a place is its KATO code, a flag
    its rule and status codes."""
    if isinstance(value, dict):
        if set(value) == {"kato", "name"}:
            return value["kato"]
        return {key: _neutral(item) for key, item in value.items()
                if key not in TRANSLATED_FIELDS}
    if isinstance(value, list | tuple):
        return [_neutral(item) for item in value]
    return value


def facts(dossier: Any) -> dict[str, Any]:
    """The canonical facts of a dossier (portal.exports.dossier.Dossier) as plain JSON data:
    the same for every language it is rendered in."""
    data = dataclasses.asdict(dossier)
    names = sorted({dossier.name, dossier.name_other_script})
    kept = {key: value for key, value in data.items() if key not in RENDITION_FIELDS}
    plain: dict[str, Any] = json.loads(canonical({**_neutral(kept), "names": names}))
    return plain


def fingerprint_of_facts(plain_facts: dict[str, Any]) -> str:
    digest = hashlib.sha256(FACTS_FORMAT.encode() + b"\0")
    digest.update(canonical(plain_facts))
    return digest.hexdigest()


def fingerprint(dossier: Any) -> str:
    """The data fingerprint (full hex digest; show `short(...)` to readers)."""
    return fingerprint_of_facts(facts(dossier))


def rendition(data_fingerprint: str, template: str, language: str, public_url: str) -> str:
    """The id of one rendering of those facts: the PDF cache key and ETag."""
    return combine([data_fingerprint], template, language, template_version(language),
                   public_url)


def combine(parts: list[str], *context: str) -> str:
    """One fingerprint over many (a bundle's dossiers, in order) and some context."""
    digest = hashlib.sha256()
    for part in (*context, *parts):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def short(value: str) -> str:
    return value[:SHORT]
