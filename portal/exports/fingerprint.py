"""Data fingerprints: a SHA-256 of exactly what a document shows, its template and language.

The same data gives the same fingerprint, so it is the cache key, the ETag and the short code
printed in the footer (its first 12 hex digits) that lets a reader check two copies match.
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


def fingerprint(data: Any, template: str, language: str) -> str:
    """The full hex digest; show `short(...)` to readers."""
    digest = hashlib.sha256()
    for part in (template, language, template_version(language)):
        digest.update(part.encode() + b"\0")
    digest.update(canonical(data))
    return digest.hexdigest()


def combine(parts: list[str], *context: str) -> str:
    """One fingerprint over many (a bundle's dossiers, in order) and some context."""
    digest = hashlib.sha256()
    for part in (*context, *parts):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def short(value: str) -> str:
    return value[:SHORT]
