"""The dated change set applied after a classifier import: what changed, or is written
otherwise in Russian text, since the extract (`geo/data/kato_changes.csv`, each row with
its source).

Each row either renames a region, district or unit (by code) as of its date, or forms a
district or unit the extract does not have yet, under its parent and carved out of its
predecessor. Applying is idempotent and each applied row is recorded in the map's history
(`PlaceChange`; for a formed place `parent_before` names the place it was carved out of).
"""

from __future__ import annotations

import csv
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.geo.models import (
    District,
    DistrictKind,
    PlaceChange,
    PlaceChangeKind,
    Region,
    RuralDistrict,
    place_search_key,
)
from portal.geo.reference import DATA_DIR, district_kato

CHANGES_FILE = DATA_DIR / "kato_changes.csv"
LEVELS = ("region", "district", "unit")
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
    change: str = "renamed"  # or "formed"
    name_kk: str = ""
    name_en: str = ""
    kind: str = ""  # a formed district's DistrictKind
    parent: str = ""  # a formed place's parent: the region (kato2) or the district (kato4)
    predecessor: str = ""  # the code of the place it was carved out of

    @property
    def formed(self) -> bool:
        return self.change == "formed"


def read_changes(path: Path = CHANGES_FILE) -> list[DatedChange]:
    with path.open(encoding="utf-8") as handle:
        return [DatedChange(
            date.fromisoformat(row["effective_on"]), row["level"], row["code"], row["name_ru"],
            row["source"], row["change"], row["name_kk"], row["name_en"], row["kind"],
            row["parent"], row["predecessor"]) for row in csv.DictReader(handle)]


def formed_districts(path: Path = CHANGES_FILE) -> dict[str, DistrictKind]:
    """The districts the change set forms (kato4 → kind): an import may find them in a newer
    classifier before the change set has written them."""
    return {change.code: DistrictKind(change.kind) for change in read_changes(path)
            if change.formed and change.level == "district"}


def formed_units(path: Path = CHANGES_FILE) -> set[str]:
    return {change.code for change in read_changes(path)
            if change.formed and change.level == "unit"}


def apply_changes(path: Path = CHANGES_FILE,
                  levels: Collection[str] = LEVELS) -> list[DatedChange]:
    """Apply every change (of `levels`) not applied yet; returns those applied. Flushes."""
    applied: list[DatedChange] = []
    for change in read_changes(path):
        if change.level not in levels:
            continue
        done = _form(change) if change.formed else _rename(change)
        if done:
            applied.append(change)
    db.session.flush()
    return applied


def _rename(change: DatedChange) -> bool:
    model, code_column = _MODELS[change.level]
    target = db.session.scalar(select(model).where(code_column == change.code))
    if target is None or target.name_ru == change.name_ru:
        return False
    db.session.add(PlaceChange(
        kato=getattr(target, "kato", change.code), level=change.level,
        change=PlaceChangeKind.RENAMED, effective_on=change.effective_on,
        name_before=target.name_ru, name_after=change.name_ru, source=change.source[:200]))
    target.name_ru = change.name_ru
    if hasattr(target, "search_key"):
        target.search_key = place_search_key(target.name_kk, change.name_ru, change.code)
    return True


def _form(change: DatedChange) -> bool:
    """Insert a district or unit the change set forms, once; its parent must exist."""
    from portal.geo.kato import unit_kind  # the importer's reading of an official name

    model, code_column = _MODELS[change.level]
    if db.session.scalar(select(model.id).where(code_column == change.code)) is not None:
        return False
    if change.level == "district":
        region = db.session.scalar(select(Region).where(Region.kato2 == change.parent))
        if region is None:
            return False
        place: Any = District(
            region_id=region.id, kato4=change.code, kato=district_kato(change.code),
            kind=DistrictKind(change.kind), name_kk=change.name_kk, name_ru=change.name_ru,
            name_en=change.name_en)
        parent_kato = region.kato
        predecessor = district_kato(change.predecessor) if change.predecessor else None
    elif change.level == "unit":
        district = db.session.scalar(select(District).where(District.kato4 == change.parent))
        if district is None:
            return False
        place = RuralDistrict(
            district_id=district.id, kato=change.code,
            kind=unit_kind(change.name_ru, district.kind), name_kk=change.name_kk,
            name_ru=change.name_ru, name_en=change.name_en,
            search_key=place_search_key(change.name_kk, change.name_ru, change.code),
            valid_from=change.effective_on)
        parent_kato, predecessor = district.kato, change.predecessor or None
    else:
        raise ValueError(f"the change set cannot form a {change.level}")
    db.session.add(place)
    db.session.add(PlaceChange(
        kato=place.kato, level=change.level, change=PlaceChangeKind.NEW,
        effective_on=change.effective_on, name_after=change.name_ru,
        parent_before=predecessor, parent_after=parent_kato, source=change.source[:200]))
    return True
