"""Importing the KATO classifier: its third-level units and their settlements, versioned.

Two layouts are read (see geo/data/README.md): the public extract `id;parent_id;code;name`
(Russian names, parents by id) and the official file `te, ab, cd, ef, hij, k, name_kaz,
name_rus, nn` (CSV or XLSX; parents follow from the code). Regions and districts come from
the reference map (`portal.geo.reference`); the import loads every unit below a district and
every settlement below a unit, compares them with the database and applies the difference:
new, renamed, moved, gone (merged when its villages now lie in one other unit), restored.
A file with a problem is rejected whole, naming the row and the reason.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from portal import audit
from portal.extensions import db
from portal.geo.changes import apply_changes, formed_districts, formed_units, read_changes
from portal.geo.models import (
    District,
    DistrictKind,
    PlaceChange,
    PlaceChangeKind,
    Region,
    RuralDistrict,
    Settlement,
    SettlementKind,
    UnitKind,
    place_search_key,
)
from portal.geo.reference import DATA_DIR, load_reference_map

SHIPPED_FILE = DATA_DIR / "kato_2022-10-17_ru.csv"
SHIPPED_AS_OF = date(2022, 10, 17)

EXTRACT_COLUMNS = ("id", "parent_id", "code", "name")
OFFICIAL_COLUMNS = ("te", "ab", "cd", "ef", "hij", "k", "name_kaz", "name_rus", "nn")
CHUNK = 5_000


class KatoFileError(ValueError):
    """The file cannot be imported; nothing was written. `row` is the file's line (1 = header)."""

    def __init__(self, row: int | None, reason: str) -> None:
        self.row = row
        self.reason = reason
        super().__init__(f"row {row}: {reason}" if row is not None else reason)


@dataclass(frozen=True)
class Entry:
    """One row of the classifier, whatever the layout."""

    row: int
    code: str
    name_ru: str
    name_kk: str  # "" when the file has no Kazakh names
    parent: str | None  # the parent's code; None for a region


@dataclass(frozen=True)
class Unit:
    row: int
    code: str
    name_ru: str
    name_kk: str
    district_code: str  # kato4
    kind: UnitKind


@dataclass(frozen=True)
class Place:
    row: int
    code: str
    name_ru: str
    name_kk: str
    unit_code: str


@dataclass
class Classifier:
    units: dict[str, Unit] = field(default_factory=dict)
    settlements: dict[str, Place] = field(default_factory=dict)
    has_kazakh: bool = False


# ------------------------------------------------------------------------------ reading

def read_file(path: Path | str) -> list[Entry]:
    """The rows of a classifier file in either layout (CSV with ; or , or XLSX)."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            return _entries(_xlsx_rows(path))
        except KatoFileError:
            raise
        except Exception as error:  # noqa: BLE001 - openpyxl fails in many ways on a bad file
            raise KatoFileError(None, "the file cannot be read as an XLSX workbook") from error
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise KatoFileError(None, "the file is not UTF-8 text or an XLSX workbook") from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    return _entries(csv.reader(io.StringIO(text), delimiter=delimiter))


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            yield ["" if value is None else str(value) for value in values]
    finally:
        workbook.close()


def _entries(rows: Iterable[list[str]]) -> list[Entry]:
    iterator = iter(rows)
    header = [cell.strip().lower() for cell in next(iterator, [])]
    if all(column in header for column in OFFICIAL_COLUMNS):
        return _official_entries(header, iterator)
    if all(column in header for column in EXTRACT_COLUMNS):
        return _extract_entries(header, iterator)
    raise KatoFileError(1, "unknown columns " + ", ".join(header or ["(none)"])
                        + "; expected " + ";".join(EXTRACT_COLUMNS) + " or "
                        + ", ".join(OFFICIAL_COLUMNS))


def _cells(header: list[str], row: list[str], number: int) -> dict[str, str]:
    if len(row) < len(header):
        raise KatoFileError(number, f"{len(row)} columns where the header has {len(header)}")
    return {name: row[index].strip() for index, name in enumerate(header)}


def _check_code(code: str, number: int) -> str:
    if not (len(code) == 9 and code.isdigit()):
        raise KatoFileError(number, f"code {code!r} is not nine digits")
    return code


def _extract_entries(header: list[str], rows: Iterator[list[str]]) -> list[Entry]:
    by_id: dict[str, tuple[int, str, str, str]] = {}  # id -> (row, code, name, parent id)
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = _cells(header, row, number)
        code = _check_code(cells["code"], number)
        if not cells["name"]:
            raise KatoFileError(number, f"code {code} has no name")
        if cells["id"] in by_id:
            raise KatoFileError(number, f"id {cells['id']} appears twice")
        by_id[cells["id"]] = (number, code, cells["name"], cells["parent_id"])
    entries: list[Entry] = []
    for number, code, name, parent_id in by_id.values():
        if parent_id in ("", "0"):
            parent = None
        elif parent_id in by_id:
            parent = by_id[parent_id][1]
        else:
            raise KatoFileError(number, f"code {code}: parent id {parent_id} is not in the file")
        entries.append(Entry(number, code, name, "", parent))
    return entries


def _official_entries(header: list[str], rows: Iterator[list[str]]) -> list[Entry]:
    read: list[tuple[int, str, str, str]] = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = _cells(header, row, number)
        code = _check_code(cells["te"].zfill(9) if cells["te"].isdigit() else cells["te"],
                           number)
        parts = (cells["ab"].zfill(2) + cells["cd"].zfill(2) + cells["ef"].zfill(2)
                 + cells["hij"].zfill(3))
        if parts != code:
            raise KatoFileError(number, f"code {code} does not match its parts ab, cd, ef, hij "
                                f"({parts})")
        if not cells["name_rus"]:
            raise KatoFileError(number, f"code {code} has no name_rus")
        read.append((number, code, cells["name_rus"], cells["name_kaz"]))
    codes = {code for _, code, _, _ in read}
    entries: list[Entry] = []
    for number, code, name_ru, name_kk in read:
        entries.append(Entry(number, code, name_ru, name_kk, _official_parent(code, codes)))
    return entries


def _official_parent(code: str, codes: set[str]) -> str | None:
    """The nearest code above in the hierarchy the digits spell: the settlement group (…h00),
    the unit (…ef000), the district (…cd00000), the region (ab0000000)."""
    candidates = (code[:7] + "00", code[:6] + "000", code[:4] + "00000", code[:2] + "0000000")
    if code == candidates[-1]:
        return None
    for candidate in candidates:
        if candidate != code and candidate in codes and candidate < code:
            return candidate
    return code[:4] + "00000" if code[4:] != "00000" else code[:2] + "0000000"


# ------------------------------------------------------------------------------ the tree

def classify(entries: list[Entry]) -> Classifier:
    """Units and settlements of the file, checked against the reference map."""
    seen: dict[str, Entry] = {}
    for entry in entries:
        if entry.code in seen:
            raise KatoFileError(entry.row, f"code {entry.code} appears twice "
                                f"(first on row {seen[entry.code].row})")
        seen[entry.code] = entry
    districts = {kato4: kind for kato4, kind in db.session.execute(
        select(District.kato4, District.kind))}
    # A newer classifier lists the districts the change set forms, perhaps before it ran.
    districts = {**formed_districts(), **districts}
    regions = set(db.session.scalars(select(Region.kato2)))
    result = Classifier(has_kazakh=any(entry.name_kk for entry in entries))
    for entry in entries:
        chain = _ancestors(entry, seen)
        depth = len(chain)
        if depth == 0:
            if entry.code[:2] not in regions:
                raise KatoFileError(entry.row, f"region {entry.code} is not on the reference map")
        elif depth == 1:
            if entry.code[:4] not in districts:
                raise KatoFileError(entry.row, f"district {entry.code} ({entry.name_ru}) is "
                                    "not on the reference map")
        elif depth == 2:
            district_code = chain[1].code[:4]
            result.units[entry.code] = Unit(
                entry.row, entry.code, entry.name_ru, entry.name_kk, district_code,
                unit_kind(entry.name_ru, districts[district_code]))
        else:
            unit = chain[2]
            result.settlements[entry.code] = Place(
                entry.row, entry.code, entry.name_ru, entry.name_kk, unit.code)
    return result


def _ancestors(entry: Entry, seen: dict[str, Entry]) -> list[Entry]:
    """Parents from the top: [region, district, unit, …]."""
    chain: list[Entry] = []
    current = entry
    while current.parent is not None:
        parent = seen.get(current.parent)
        if parent is None:
            raise KatoFileError(current.row, f"code {current.code}: parent {current.parent} "
                                "is not in the file")
        if len(chain) > 8 or parent.code == entry.code:
            raise KatoFileError(entry.row, f"code {entry.code}: its parents form a loop")
        chain.append(parent)
        current = parent
    chain.reverse()
    return chain


_ABBREVIATIONS = (
    (re.compile(r"(?:^|[\s.])с\.о(?:\.|$)|сельский округ|аульный округ"),
     UnitKind.RURAL_DISTRICT),
    (re.compile(r"(?:^|[\s.])с\.а\.|сельская администрация"), UnitKind.VILLAGE_ADMINISTRATION),
    (re.compile(r"(?:^|[\s.])п\.а\.|поселковая администрация"),
     UnitKind.SETTLEMENT_ADMINISTRATION),
    (re.compile(r"(?:^|[\s.])г\.а\.|городская администрация"), UnitKind.TOWN_ADMINISTRATION),
    (re.compile(r"(?:^|[\s.])р\.а\.|(?:^|\s)район(?:\s|$)|районная администрация"),
     UnitKind.URBAN_DISTRICT),
)


def unit_kind(name_ru: str, district_kind: DistrictKind) -> UnitKind:
    """The kind of a third-level unit, from the abbreviation in its official Russian name."""
    name = name_ru.strip().lower()
    for pattern, kind in _ABBREVIATIONS:
        if pattern.search(name):
            return kind
    if name.startswith(("г.", "город ")):
        # A town in a district is of district significance (elected akim); the town under a
        # city administration is the city itself.
        return UnitKind.TOWN if district_kind == DistrictKind.DISTRICT else UnitKind.CITY
    if name.startswith(("с.", "п.", "село ", "поселок ", "посёлок ")):
        return UnitKind.VILLAGE
    return UnitKind.OTHER


_TYPE_PREFIX = re.compile(r"^(?:с\.|п\.|а\.|г\.|село |аул |поселок |посёлок )\s*", re.IGNORECASE)


def bare_name(name_ru: str) -> str:
    """A settlement's name without its type: 'с.Агыбет' → 'Агыбет'."""
    return _TYPE_PREFIX.sub("", name_ru.strip())


# ------------------------------------------------------------------------------ the diff

@dataclass(frozen=True)
class Change:
    level: str  # "unit" or "settlement"
    kind: PlaceChangeKind
    code: str
    name_before: str | None = None
    name_after: str | None = None
    parent_before: str | None = None
    parent_after: str | None = None
    successor: str | None = None

    def describe(self) -> str:
        text = f"{self.kind.value:<8} {self.level:<10} {self.code}"
        if self.kind == PlaceChangeKind.RENAMED:
            return f"{text} {self.name_before} → {self.name_after}"
        if self.kind == PlaceChangeKind.MOVED:
            return f"{text} {self.name_after}: {self.parent_before} → {self.parent_after}"
        if self.kind == PlaceChangeKind.MERGED:
            return f"{text} {self.name_before} → into {self.successor}"
        return f"{text} {self.name_after or self.name_before}"


@dataclass
class Plan:
    """What an import would do: the changes, and the rows behind them."""

    classifier: Classifier
    as_of: date
    source: str
    changes: list[Change] = field(default_factory=list)
    first_load: bool = False
    dated_changes: list[Any] = field(default_factory=list)  # of the change set, applied

    def counts(self) -> Counter[tuple[str, str]]:
        return Counter((change.level, change.kind.value) for change in self.changes)

    def summary(self) -> list[str]:
        units = Counter(unit.kind.value for unit in self.classifier.units.values())
        lines = [
            f"{self.source}: {len(self.classifier.units)} units "
            f"({', '.join(f'{kind} {count}' for kind, count in sorted(units.items()))}), "
            f"{len(self.classifier.settlements)} settlements, as of {self.as_of.isoformat()}.",
        ]
        counts = self.counts()
        if not counts:
            lines.append("No changes: the database already matches the file.")
        for level in ("unit", "settlement"):
            parts = [f"{kind} {counts[level, kind.value]}" for kind in PlaceChangeKind
                     if counts[level, kind.value]]
            if parts:
                lines.append(f"{level}s: " + ", ".join(parts))
        for change in self.dated_changes:
            verb = "formed as" if change.formed else "is"
            lines.append(f"change set: {change.level} {change.code} {verb} {change.name_ru} "
                         f"from {change.effective_on.isoformat()}")
        return lines


@dataclass
class _Current:
    id: int
    code: str
    name_ru: str
    name_kk: str
    parent_id: int
    valid_to: date | None
    kind: str | None = None


def plan_import(classifier: Classifier, as_of: date, source: str) -> Plan:
    plan = Plan(classifier, as_of, source)
    units = _current_units()
    settlements = _current_settlements()
    plan.first_load = not units
    district_codes = {id_: kato4 for id_, kato4 in db.session.execute(
        select(District.id, District.kato4))}
    unit_codes = {row.id: row.code for row in units.values()}
    kazakh = classifier.has_kazakh

    # A unit the change set renamed keeps that name when the file still has the older one.
    renamed_later = {change.code: change.name_ru for change in read_changes()
                     if change.level == "unit"}
    for code, unit in classifier.units.items():
        current = units.get(code)
        if current is None:
            plan.changes.append(Change("unit", PlaceChangeKind.NEW, code,
                                       name_after=unit.name_ru, parent_after=unit.district_code))
            continue
        if current.valid_to is not None:
            plan.changes.append(Change("unit", PlaceChangeKind.RESTORED, code,
                                       name_after=unit.name_ru))
        if _renamed(current, unit.name_ru, unit.name_kk, kazakh) and not (
                renamed_later.get(code) == current.name_ru and not kazakh):
            plan.changes.append(Change("unit", PlaceChangeKind.RENAMED, code,
                                       name_before=current.name_ru, name_after=unit.name_ru))
        if district_codes[current.parent_id] != unit.district_code:
            plan.changes.append(Change(
                "unit", PlaceChangeKind.MOVED, code, name_after=unit.name_ru,
                parent_before=district_codes[current.parent_id],
                parent_after=unit.district_code))

    for code, place in classifier.settlements.items():
        current = settlements.get(code)
        if current is None:
            plan.changes.append(Change("settlement", PlaceChangeKind.NEW, code,
                                       name_after=place.name_ru, parent_after=place.unit_code))
            continue
        if current.valid_to is not None:
            plan.changes.append(Change("settlement", PlaceChangeKind.RESTORED, code,
                                       name_after=place.name_ru))
        if _renamed(current, place.name_ru, place.name_kk, kazakh):
            plan.changes.append(Change("settlement", PlaceChangeKind.RENAMED, code,
                                       name_before=current.name_ru, name_after=place.name_ru))
        if unit_codes.get(current.parent_id) != place.unit_code:
            plan.changes.append(Change(
                "settlement", PlaceChangeKind.MOVED, code, name_after=place.name_ru,
                parent_before=unit_codes.get(current.parent_id), parent_after=place.unit_code))

    villages_of: dict[int, list[str]] = defaultdict(list)
    for row in settlements.values():
        if row.valid_to is None:
            villages_of[row.parent_id].append(row.code)
    # A unit the change set formed stays when a file lacks it: the classifier lags behind the
    # acts (its edition of 17.10.2022 has no Turan district, named in August), and an import
    # never undoes the change set. Only a row of the change set could end such a unit.
    formed_later = formed_units()
    for code, current in units.items():
        if current.valid_to is not None or code in classifier.units or code in formed_later:
            continue
        successors = {classifier.settlements[village].unit_code
                      for village in villages_of[current.id]
                      if village in classifier.settlements}
        if len(successors) == 1:
            plan.changes.append(Change("unit", PlaceChangeKind.MERGED, code,
                                       name_before=current.name_ru,
                                       successor=successors.pop()))
        else:
            plan.changes.append(Change("unit", PlaceChangeKind.GONE, code,
                                       name_before=current.name_ru))
    for code, current in settlements.items():
        if current.valid_to is None and code not in classifier.settlements:
            plan.changes.append(Change("settlement", PlaceChangeKind.GONE, code,
                                       name_before=current.name_ru,
                                       parent_before=unit_codes.get(current.parent_id)))
    return plan


def _renamed(current: _Current, name_ru: str, name_kk: str, kazakh: bool) -> bool:
    return current.name_ru != name_ru or (kazakh and current.name_kk != name_kk)


def _current_units() -> dict[str, _Current]:
    rows = db.session.execute(select(
        RuralDistrict.id, RuralDistrict.kato, RuralDistrict.name_ru, RuralDistrict.name_kk,
        RuralDistrict.district_id, RuralDistrict.valid_to, RuralDistrict.kind))
    return {row[1]: _Current(*row) for row in rows}


def _current_settlements() -> dict[str, _Current]:
    rows = db.session.execute(select(
        Settlement.id, Settlement.kato, Settlement.name_ru, Settlement.name_kk,
        Settlement.rural_district_id, Settlement.valid_to))
    return {row[1]: _Current(*row) for row in rows}


# ------------------------------------------------------------------------------ writing

def apply(plan: Plan, actor: str | None = "cli") -> None:
    """Write the plan: bulk inserts and updates, the history, one audit event. Flushes."""
    classifier, as_of = plan.classifier, plan.as_of
    kazakh = classifier.has_kazakh
    by_kind: dict[PlaceChangeKind, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for change in plan.changes:
        by_kind[change.kind][change.level].add(change.code)
    district_ids = {kato4: id_ for kato4, id_ in db.session.execute(
        select(District.kato4, District.id))}
    valid_from = None if plan.first_load else as_of

    units = _current_units()
    new_units = [classifier.units[code] for code in sorted(by_kind[PlaceChangeKind.NEW]["unit"])]
    _insert(RuralDistrict, [{
        "district_id": district_ids[unit.district_code], "kato": unit.code,
        "kind": unit.kind.value, "name_ru": unit.name_ru, "name_kk": unit.name_kk,
        "name_en": "", "population": None, "registered_voters": None,
        "search_key": place_search_key(unit.name_kk, unit.name_ru, unit.code),
        "valid_from": valid_from, "valid_to": None,
    } for unit in new_units])
    touched = {code for kind in (PlaceChangeKind.RENAMED, PlaceChangeKind.MOVED,
                                 PlaceChangeKind.RESTORED)
               for code in by_kind[kind]["unit"]}
    update_rows(RuralDistrict, [{
        "_id": units[code].id, "district_id": district_ids[unit.district_code],
        "kind": unit.kind.value, "name_ru": name_ru,
        "name_kk": unit.name_kk if kazakh else units[code].name_kk,
        "search_key": place_search_key(unit.name_kk if kazakh else units[code].name_kk,
                                       name_ru, code),
        "valid_to": None, "successor_id": None,
    } for code in sorted(touched) for unit in (classifier.units[code],)
        for name_ru in (unit.name_ru if code in by_kind[PlaceChangeKind.RENAMED]["unit"]
                        else units[code].name_ru,)])

    unit_ids = {code: row.id for code, row in _current_units().items()}
    update_rows(RuralDistrict, [{"_id": units[change.code].id, "valid_to": as_of,
                             "successor_id": unit_ids.get(change.successor or "")}
                            for change in plan.changes if change.level == "unit"
                            and change.kind in (PlaceChangeKind.GONE, PlaceChangeKind.MERGED)])

    settlements = _current_settlements()
    _insert(Settlement, [{
        "rural_district_id": unit_ids[place.unit_code], "kato": place.code,
        "kind": SettlementKind.OTHER.value, "name_ru": place.name_ru,
        "name_kk": place.name_kk, "name_en": "", "population": None,
        "support_settlement_id": None,
        "search_key": place_search_key(place.name_kk, place.name_ru, place.code),
        "valid_from": valid_from, "valid_to": None,
    } for code in sorted(by_kind[PlaceChangeKind.NEW]["settlement"])
        for place in (classifier.settlements[code],)])
    touched = {code for kind in (PlaceChangeKind.RENAMED, PlaceChangeKind.MOVED,
                                 PlaceChangeKind.RESTORED)
               for code in by_kind[kind]["settlement"]}
    update_rows(Settlement, [{
        "_id": settlements[code].id, "rural_district_id": unit_ids[place.unit_code],
        "name_ru": place.name_ru,
        "name_kk": place.name_kk if kazakh else settlements[code].name_kk,
        "search_key": place_search_key(
            place.name_kk if kazakh else settlements[code].name_kk, place.name_ru, code),
        "valid_to": None,
    } for code in sorted(touched) for place in (classifier.settlements[code],)])
    update_rows(Settlement, [{"_id": settlements[code].id, "valid_to": as_of}
                         for code in sorted(by_kind[PlaceChangeKind.GONE]["settlement"])])

    if not plan.first_load:
        _insert(PlaceChange, [{
            "kato": change.code, "level": change.level, "change": change.kind.value,
            "effective_on": as_of, "name_before": change.name_before,
            "name_after": change.name_after, "parent_before": change.parent_before,
            "parent_after": change.parent_after, "successor_kato": change.successor,
            "source": plan.source[:200],
        } for change in plan.changes])
    db.session.flush()
    if plan.changes:
        audit.record(actor, "geo.import_kato", None, None, {
            "source": plan.source, "as_of": as_of.isoformat(),
            **{f"{level}_{kind}": count for (level, kind), count in plan.counts().items()},
        })


def _insert(model: Any, rows: list[dict[str, Any]]) -> None:
    table = model.__table__
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start:start + CHUNK])


def update_rows(model: Any, rows: list[dict[str, Any]]) -> None:
    """Executemany updates by id (the row's `_id`); rows may carry different columns."""
    table = model.__table__
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[tuple(sorted(row))].append(row)
    for keys, group in groups.items():
        # Bound names must differ from the column names they set.
        values: dict[str, Any] = {key: bindparam(f"v_{key}") for key in keys if key != "_id"}
        statement = update(table).where(table.c.id == bindparam("v__id")).values(values)
        db.session.connection().execute(
            statement, [{f"v_{key}": value for key, value in row.items()} for row in group])


def import_file(path: Path | str, as_of: date, actor: str | None = "cli",
                dry_run: bool = False) -> Plan:
    """Read, check and (unless dry_run) apply a classifier file, then the dated change set
    (`portal.geo.changes`). Flushes; the caller commits."""
    load_reference_map(actor=actor)
    classifier = classify(read_file(path))
    plan = plan_import(classifier, as_of, Path(path).name)
    if not dry_run:
        # Districts first: the file's units may already sit in one the change set forms.
        early = apply_changes(levels=("region", "district"))
        apply(plan, actor)
        plan.dated_changes = early + apply_changes()
    return plan


def as_of_from_name(path: Path | str) -> date | None:
    """The date a file's name carries (`kato_2022-10-17_ru.csv`), if any."""
    match = re.search(r"(\d{4})-(\d{2})-(\d{2})", Path(path).name)
    if match is None:
        return None
    return date(int(match[1]), int(match[2]), int(match[3]))
