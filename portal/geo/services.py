"""Reading the map: a region with its districts, a district with its rural districts, roll-ups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.akims.models import Term, TermStatus
from portal.collation import by_name
from portal.extensions import db
from portal.geo.models import District, Region, RuralDistrict, Settlement


@dataclass(frozen=True)
class AreaCounts:
    """Counts rolled up over an area (the nation, a region or a district)."""

    rural_districts: int
    serving_akims: int
    population: int
    registered_voters: int


@dataclass(frozen=True)
class DistrictRow:
    district: District
    counts: AreaCounts


@dataclass(frozen=True)
class RegionRow:
    region: Region
    counts: AreaCounts


def _counts_select() -> Select:
    serving = (
        select(Term.rural_district_id)
        .where(Term.status == TermStatus.SERVING)
        .subquery()
    )
    return (
        select(
            func.count(RuralDistrict.id),
            func.count(serving.c.rural_district_id),
            func.coalesce(func.sum(RuralDistrict.population), 0),
            func.coalesce(func.sum(RuralDistrict.registered_voters), 0),
        )
        .select_from(RuralDistrict)
        .outerjoin(serving, serving.c.rural_district_id == RuralDistrict.id)
        .where(RuralDistrict.current, RuralDistrict.elected)
    )


def _as_counts(row: Sequence[Any] | None) -> AreaCounts:
    if row is None:
        return AreaCounts(0, 0, 0, 0)
    return AreaCounts(int(row[0]), int(row[1]), int(row[2]), int(row[3]))


def national_counts() -> AreaCounts:
    return _as_counts(db.session.execute(_counts_select()).one())


def regions_with_counts() -> list[RegionRow]:
    """Every region with its rolled-up counts: two queries whatever the number of regions."""
    statement = (
        _counts_select()
        .add_columns(District.region_id)
        .join(District, District.id == RuralDistrict.district_id)
        .group_by(District.region_id)
    )
    by_region = {row[4]: _as_counts(row[:4]) for row in db.session.execute(statement)}
    regions = by_name(db.session.scalars(select(Region)))
    return [RegionRow(region, by_region.get(region.id, AreaCounts(0, 0, 0, 0)))
            for region in regions]


def is_code(value: str, length: int) -> bool:
    """A KATO code of `length` ASCII digits. Anything else names no place and never reaches
    the database: a NUL from a path was a 500 on PostgreSQL."""
    return value.isascii() and value.isdigit() and len(value) == length


def region_by_kato(kato2: str) -> Region | None:
    if not is_code(kato2, 2):
        return None
    return db.session.scalar(select(Region).where(Region.kato2 == kato2))


def districts_with_counts(region: Region) -> list[DistrictRow]:
    statement = (
        _counts_select()
        .add_columns(RuralDistrict.district_id)
        .join(District, District.id == RuralDistrict.district_id)
        .where(District.region_id == region.id)
        .group_by(RuralDistrict.district_id)
    )
    by_district = {row[4]: _as_counts(row[:4]) for row in db.session.execute(statement)}
    return [DistrictRow(district, by_district.get(district.id, AreaCounts(0, 0, 0, 0)))
            for district in region.districts]


def district_by_kato(kato4: str) -> District | None:
    if not is_code(kato4, 4):
        return None
    return db.session.scalar(
        select(District).options(joinedload(District.region)).where(District.kato4 == kato4)
    )


def rural_districts_of(district: District) -> list[tuple[RuralDistrict, Term | None]]:
    """Each rural district of a district with its serving term (and akim), in one query."""
    serving = (
        select(Term)
        .where(Term.status == TermStatus.SERVING)
        .subquery()
    )
    serving_term = db.aliased(Term, serving)
    statement = (
        select(RuralDistrict, serving_term)
        .outerjoin(serving_term, serving_term.rural_district_id == RuralDistrict.id)
        .options(joinedload(serving_term.akim), joinedload(RuralDistrict.centre))
        .where(RuralDistrict.district_id == district.id, RuralDistrict.current,
               RuralDistrict.elected)
        .order_by(RuralDistrict.kato)
    )
    return [(row[0], row[1]) for row in db.session.execute(statement).unique()]


def other_units_of(district: District) -> list[RuralDistrict]:
    """The district's current units whose akims are not elected (the city itself, its
    districts, villages it runs directly): listed apart, they have no place for akims here."""
    return list(db.session.scalars(
        select(RuralDistrict)
        .where(RuralDistrict.district_id == district.id, RuralDistrict.current,
               ~RuralDistrict.elected)
        .order_by(RuralDistrict.kato)
    ))


def rural_district_by_kato(kato: str) -> RuralDistrict | None:
    if not is_code(kato, 9):
        return None
    return db.session.scalar(
        select(RuralDistrict)
        .options(
            joinedload(RuralDistrict.district).joinedload(District.region),
            selectinload(RuralDistrict.settlements).joinedload(Settlement.support_settlement),
            selectinload(RuralDistrict.terms).joinedload(Term.akim),
            joinedload(RuralDistrict.successor),
        )
        .where(RuralDistrict.kato == kato)
    )
