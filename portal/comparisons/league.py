"""League tables: every serving akim of the nation, a region or a district with the figures
of `portal.figures`, sortable by any of them.

The values are `figures_for_terms`' own (never counted again here). A figure resting on fewer
cases than `COMPARISON_MINIMUMS` asks is kept in the row, marked "too few to compare", and
sorts after every comparable value whichever way the column is sorted; a figure with no value
(no budget on record) sorts after those. Ranks are competition ranks among the comparable
rows (1, 2, 2, 4), so a tie is a tie. Four queries for any area: the area, the rows and the
two of the figures.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import clock
from portal.akims.models import Akim, Term, TermStatus
from portal.api.serialize import public_url
from portal.collation import sort_key
from portal.exports.scope import Scope, ScopeLevel
from portal.extensions import cache, db
from portal.figures.definitions import too_few
from portal.figures.readers import TermFigures, figures_for_terms
from portal.geo.models import District, Region, RuralDistrict
from portal.modeling import current_language
from portal.web.page_cache import data_version

Number = int | float | Decimal


@dataclass(frozen=True)
class Column:
    """A figure column: `key` is its ?sort= value and CSV name, `figure` the slug its head
    links to (and its small-sample rule), `value` what it sorts by, `count` and `base` the
    numerator and denominator shown beside it (None: not a share)."""

    key: str
    figure: str
    title: LazyString
    value: Callable[[TermFigures], Number | None]
    count: Callable[[TermFigures], int | None] = lambda _f: None
    base: Callable[[TermFigures], int | None] = lambda _f: None
    share: bool = False  # the value is a share (shown as a percentage)
    digits: int = 0  # decimal places of the percentage, as the profile shows it


COLUMNS: tuple[Column, ...] = (
    Column("kept", "promises-kept-share", _l("Promises kept of due"),
           lambda f: f.promises.kept_share_of_due, lambda f: f.promises.kept_due,
           lambda f: f.promises.due, share=True),
    Column("broken", "promises-broken-share", _l("Promises broken of due"),
           lambda f: f.promises.broken_share_of_due, lambda f: f.promises.broken_due,
           lambda f: f.promises.due, share=True),
    Column("on_time", "reports-on-time", _l("Reports on time"),
           lambda f: f.reports.on_time_share, lambda f: f.reports.on_time,
           lambda f: f.reports.due, share=True),
    Column("missing", "reports-missing", _l("Missing reports"),
           lambda f: f.reports.missing, base=lambda f: f.reports.due),
    Column("rating", "rating-average", _l("Average rating"),
           lambda f: f.ratings.average_shown, base=lambda f: f.ratings.count),
    Column("own_revenue", "own-revenue-share", _l("Own revenue share"),
           lambda f: f.budget.own_share if f.budget else None, share=True, digits=1),
    Column("flags", "open-flags", _l("Open flags"), lambda f: f.open_flags),
    Column("questions", "meeting-questions-open", _l("Open questions from meetings"),
           lambda f: f.meeting_questions.open if f.meeting_questions else None),
)
BY_KEY = {column.key: column for column in COLUMNS}
# Orders that are not a figure: by place (KATO, the default) and by the akim's name.
PLACE, NAME = "place", "name"
SORTS = (PLACE, NAME, *BY_KEY)
ORDERS = ("asc", "desc")


@dataclass(frozen=True, slots=True)
class Cell:
    column: Column
    value: Number | None
    count: int | None
    base: int | None
    too_few: bool

    @property
    def comparable(self) -> bool:
        return self.value is not None and not self.too_few


@dataclass(frozen=True, slots=True)
class Row:
    term_id: int
    akim_id: int
    akim_name: str
    akim_name_latn: str
    rural_district: dict[str, str]  # kk, ru, en
    rural_district_kato: str
    district: dict[str, str]
    district_kato: str
    region: dict[str, str]
    region_kato: str
    synthetic: bool
    cells: tuple[Cell, ...]
    rank: int | None = None  # among the comparable rows of the sorted column

    def name(self, language: str | None = None) -> str:
        return self.akim_name_latn if (language or current_language()) == "en" \
            else self.akim_name


@dataclass(frozen=True)
class League:
    scope: Scope
    area: Region | District | None  # None: the nation
    as_of: date
    sort: str
    order: str
    rows: tuple[Row, ...]

    @property
    def column(self) -> Column | None:
        return BY_KEY.get(self.sort)

    @property
    def comparable(self) -> int:
        """How many rows the sorted figure ranks."""
        return sum(1 for row in self.rows if row.rank is not None)


def cells_of(figures: TermFigures) -> tuple[Cell, ...]:
    """The table's figures of one term. A figure without a value (no promise due, no
    budget) is not "too few": it has nothing to compare at all."""
    values: dict[str, Any] = figures.values()
    cells = []
    for column in COLUMNS:
        value = column.value(figures)
        cells.append(Cell(column, value, column.count(figures), column.base(figures),
                          value is not None and too_few(column.figure, values)))
    return tuple(cells)


def _place_rows(scope: Scope) -> list[Any]:
    """The serving terms of the area with their akim and places, in KATO order: one query of
    plain values (a national table is some 2,300 rows)."""
    statement = (
        select(Term.id, Akim.id, Akim.full_name, Akim.full_name_latn, RuralDistrict.name_kk,
               RuralDistrict.name_ru, RuralDistrict.name_en, RuralDistrict.kato,
               District.name_kk, District.name_ru, District.name_en, District.kato4,
               Region.name_kk, Region.name_ru, Region.name_en, Region.kato2, Akim.synthetic)
        .join(Akim, Akim.id == Term.akim_id)
        .join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
        .join(District, District.id == RuralDistrict.district_id)
        .join(Region, Region.id == District.region_id)
        .where(Term.status == TermStatus.SERVING)
        .order_by(RuralDistrict.kato, Term.id)
    )
    if scope.level is ScopeLevel.REGION:
        statement = statement.where(Region.kato2 == scope.code)
    elif scope.level is ScopeLevel.DISTRICT:
        statement = statement.where(District.kato4 == scope.code)
    return list(db.session.execute(statement))


def _names(kk: str, ru: str, en: str) -> dict[str, str]:
    return {"kk": kk, "ru": ru, "en": en}


# Seconds a table's rows are kept at most; any write to public data replaces them sooner.
ROWS_CACHE_SECONDS = 600


def rows_of(scope: Scope, as_of: date, version: str | None = None) -> list[Row]:
    """Every serving akim of the area with its figures, in KATO order.

    What was read is kept in the app's cache under the public data's version
    (`page_cache.data_version`, changed by every commit that touches public data) and the
    day: every sort, page, language, the CSV and the API then share one reading until the
    data changes. Reading the nation's 2,300 terms takes seconds (their budget series most of
    it), sorting and showing them milliseconds; the values are `figures_for_terms`' own
    either way. Plain values are kept (places and the cells' values), the rows built again."""
    version = version or data_version()
    key = f"league:v3:{version}:{scope.key}:{as_of.isoformat()}"
    kept = _kept(key)
    if kept is not None:
        return list(kept)
    cached = cache.get(key)
    if isinstance(cached, tuple) and len(cached) == 2:
        places, plain_cells = cached
    else:
        places = [tuple(place) for place in _place_rows(scope)]
        plain_cells = {term_id: [(cell.value, cell.count, cell.base, cell.too_few)
                                 for cell in cells_of(found)]
                       for term_id, found in figures_for_terms([place[0] for place in places],
                                                               as_of).items()}
        cache.set(key, (places, plain_cells), timeout=ROWS_CACHE_SECONDS)
    # A district's and a region's names are one dict shared by their rows: a national table
    # is some 2,300 rows, and every object a worker keeps is one more for the garbage
    # collector to walk (docs/performance.md).
    names: dict[tuple[str, str, str], dict[str, str]] = {}

    def shared(kk: str, ru: str, en: str) -> dict[str, str]:
        return names.setdefault((kk, ru, en), _names(kk, ru, en))

    rows = [Row(term_id=p[0], akim_id=p[1], akim_name=p[2], akim_name_latn=p[3],
                rural_district=_names(p[4], p[5], p[6]), rural_district_kato=p[7],
                district=shared(p[8], p[9], p[10]), district_kato=p[11],
                region=shared(p[12], p[13], p[14]), region_kato=p[15], synthetic=p[16],
                cells=tuple(Cell(column, *values)
                            for column, values in zip(COLUMNS, plain_cells[p[0]],
                                                      strict=True)))
            for p in places]
    _keep(key, tuple(rows))
    return rows


# The latest tables this process built, by the same key (the data version first): a table
# asked again (another sort, page or language) is neither unpickled nor built again. A new
# data version makes new keys; the oldest tables are dropped.
_KEPT: OrderedDict[str, tuple[Row, ...]] = OrderedDict()
_KEPT_LOCK = threading.Lock()
KEPT_TABLES = 8  # a national table and its sorted copies: a few MB each


def _kept(key: str) -> tuple[Row, ...] | None:
    if not _keeping():
        return None
    with _KEPT_LOCK:
        found = _KEPT.get(key)
        if found is not None:
            _KEPT.move_to_end(key)
        return found


def _keeping() -> bool:
    """Not when the app caches nothing (tests: one data version for many worlds)."""
    return current_app.config.get("CACHE_TYPE") != "NullCache"


def _keep(key: str, rows: tuple[Row, ...]) -> None:
    if not _keeping():
        return
    with _KEPT_LOCK:
        _KEPT[key] = rows
        _KEPT.move_to_end(key)
        while len(_KEPT) > KEPT_TABLES:
            _KEPT.popitem(last=False)


def sorted_rows(rows: list[Row], sort: str, order: str,
                language: str | None = None) -> list[Row]:
    """The rows in the order asked for, ranked when sorted by a figure. Comparable values
    first (ties in KATO order), then "too few to compare", then no value, each in KATO order
    whichever way the figure is sorted."""
    descending = order == "desc"
    if sort == PLACE:
        return rows[::-1] if descending else list(rows)
    if sort == NAME:
        language = language or current_language()
        return sorted(rows, key=lambda row: sort_key(row.name(language), language),
                      reverse=descending)
    index = list(BY_KEY).index(sort)
    comparable = [row for row in rows if row.cells[index].comparable]
    few = [row for row in rows if row.cells[index].too_few]
    without = [row for row in rows if row.cells[index].value is None]
    # Stable sorts: equal values keep KATO order in either direction.
    comparable.sort(key=lambda row: row.cells[index].value, reverse=descending)  # type: ignore[arg-type, return-value]
    ranked: list[Row] = []
    rank, previous = 0, None
    for position, row in enumerate(comparable, start=1):
        value = row.cells[index].value
        if position == 1 or value != previous:
            rank, previous = position, value
        ranked.append(replace(row, rank=rank))
    return ranked + few + without


def league(scope: Scope, area: Region | District | None, sort: str = PLACE,
           order: str | None = None, as_of: date | None = None) -> League:
    """The table of `scope` (whose area the caller has found), sorted. A figure sorts
    from the highest value down unless `order` says otherwise; places and names A to Z."""
    as_of = as_of or clock.today()
    sort = sort if sort in SORTS else PLACE
    order = order if order in ORDERS else ("desc" if sort in BY_KEY else "asc")
    version = data_version()
    rows = rows_of(scope, as_of, version)
    sorted_key = f"{version}:{scope.key}:{as_of.isoformat()}:{sort}:{order}:" \
                 f"{current_language()}"
    ordered = _kept(sorted_key)
    if ordered is None:
        ordered = tuple(sorted_rows(rows, sort, order))
        _keep(sorted_key, ordered)
    return League(scope=scope, area=area, as_of=as_of, sort=sort, order=order,
                  rows=ordered)


# --------------------------------------------------------------------------- plain values

SHARE_PLACES = Decimal("0.0001")


def plain(value: Number | None, share: bool) -> float | int | None:
    """A value for JSON and CSV: shares as fractions to four places (as the API's other
    shares), the average rating as shown (two places), counts as they are."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    if share:
        return float(Decimal(str(value)).quantize(SHARE_PLACES))
    return float(value)


def item(row: Row, as_of: date) -> dict[str, Any]:
    """One row as the API and the CSV download give it (schema `LeagueRow`)."""
    return {
        "rank": row.rank,
        "akim": {"id": row.akim_id, "name": row.akim_name, "name_latn": row.akim_name_latn,
                 "url": public_url("akims.profile", akim_id=row.akim_id)},
        "rural_district": {"kato": row.rural_district_kato, "name": dict(row.rural_district)},
        "district_kato": row.district_kato,
        "region_kato": row.region_kato,
        "as_of": as_of.isoformat(),
        "figures": {cell.column.key: {
            "value": plain(cell.value, cell.column.share), "count": cell.count,
            "base": cell.base, "too_few": cell.too_few} for cell in row.cells},
        "synthetic": row.synthetic,
    }
