"""The dated change set applied after a classifier import: what changed, or is written
otherwise in Russian text, since the extract (`geo/data/kato_changes.csv`, each row with
its source).

Each row renames one region, district or unit (by code) as of its date; applying is
idempotent and each applied rename is recorded in the map's history (`PlaceChange`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.geo.models import (
    District,
    PlaceChange,
    PlaceChangeKind,
    Region,
    RuralDistrict,
    place_search_key,
)
from portal.geo.reference import DATA_DIR

CHANGES_FILE = DATA_DIR / "kato_changes.csv"
_MODELS: dict[str, tuple[Any, Any]] = {
    "region": (Region, Region.kato2),
    "district": (District, District.kato4),
    "unit": (RuralDistrict, RuralDistrict.kato),
}


@dataclass(frozen=True)
class DatedChange:
    effective_on: date
    level: str
    code: str
    name_ru: str
    source: str


def read_changes(path: Path = CHANGES_FILE) -> list[DatedChange]:
    with path.open(encoding="utf-8") as handle:
        return [DatedChange(date.fromisoformat(row["effective_on"]), row["level"], row["code"],
                            row["name_ru"], row["source"]) for row in csv.DictReader(handle)]


def apply_changes(path: Path = CHANGES_FILE) -> list[DatedChange]:
    """Apply every change not applied yet; returns those applied. Flushes."""
    applied: list[DatedChange] = []
    for change in read_changes(path):
        model, code_column = _MODELS[change.level]
        target = db.session.scalar(select(model).where(code_column == change.code))
        if target is None or target.name_ru == change.name_ru:
            continue
        db.session.add(PlaceChange(
            kato=getattr(target, "kato", change.code), level=change.level,
            change=PlaceChangeKind.RENAMED, effective_on=change.effective_on,
            name_before=target.name_ru, name_after=change.name_ru,
            source=change.source[:200]))
        target.name_ru = change.name_ru
        if hasattr(target, "search_key"):
            target.search_key = place_search_key(target.name_kk, change.name_ru, change.code)
        applied.append(change)
    db.session.flush()
    return applied
