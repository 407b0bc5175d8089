"""Finding the unit (and its akim) a resident lives in: by code, by the name of the unit or
of a village, in Kazakh, Russian or Latin spelling, with or without the Kazakh letters.

Only current units with elected akims are answers (`ELECTED_KINDS`): the portal has no place
for a city's appointed akim. Used by registration, the account page and the finder page.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.akims.models import Term, TermStatus
from portal.extensions import db
from portal.geo.models import District, Region, RuralDistrict, Settlement
from portal.geo.services import district_by_kato, is_code, region_by_kato
from portal.textsearch import fold, holds

MIN_LENGTH = 3


@dataclass(frozen=True)
class Match:
    unit: RuralDistrict
    village: Settlement | None  # the village the text named, when it named one


@dataclass(frozen=True)
class Choice:
    """Region → district → unit as picked in the finder's selects."""

    region: Region | None = None
    district: District | None = None
    unit: RuralDistrict | None = None


def choose(kato2: str, kato4: str, code: str) -> Choice:
    """The places the selects name. They are sent together: a lower pick that disagrees with
    a higher one (another region chosen above) is dropped; what is not a code is no pick."""
    kato2 = kato2 if is_code(kato2, 2) else ""
    unit = unit_by_code(code) if is_code(code, 9) else None
    if unit is not None and (kato4 != unit.district.kato4
                             or kato2 not in ("", unit.district.region.kato2)):
        unit = None
    district = unit.district if unit is not None else district_by_kato(kato4)
    if district is not None and kato2 not in ("", district.region.kato2):
        district = None
    region = district.region if district is not None else region_by_kato(kato2)
    return Choice(region, district, unit)


def by_code(code: str) -> Match | None:
    """A unit's code, or a village's code (the answer is then its unit). A merged unit's
    code leads to its successor."""
    unit = db.session.scalar(select(RuralDistrict).where(RuralDistrict.kato == code))
    village = None
    if unit is None:
        village = db.session.scalar(
            select(Settlement).options(joinedload(Settlement.rural_district))
            .where(Settlement.kato == code, Settlement.valid_to.is_(None)))
        unit = village.rural_district if village is not None else None
    while unit is not None and unit.valid_to is not None:
        unit = unit.successor
    if unit is None or not unit.elected:
        return None
    return Match(unit, village)


def by_name(text: str, limit: int = 20) -> list[Match]:
    """Units whose name matches, then villages whose name matches (with their unit)."""
    if len(fold(text)) < MIN_LENGTH:
        return []
    units = list(db.session.scalars(
        select(RuralDistrict)
        .options(joinedload(RuralDistrict.district).joinedload(District.region))
        .where(holds(RuralDistrict.search_key, text),
               RuralDistrict.current, RuralDistrict.elected)
        .order_by(RuralDistrict.kato).limit(limit)))
    villages = list(db.session.scalars(
        select(Settlement)
        .join(RuralDistrict, RuralDistrict.id == Settlement.rural_district_id)
        .options(joinedload(Settlement.rural_district).joinedload(RuralDistrict.district)
                 .joinedload(District.region))
        .where(holds(Settlement.search_key, text),
               Settlement.valid_to.is_(None), RuralDistrict.current, RuralDistrict.elected)
        .order_by(Settlement.kato).limit(limit)))
    return ([Match(unit, None) for unit in units]
            + [Match(village.rural_district, village) for village in villages])[:limit]


def serving_terms(unit_ids: list[int]) -> dict[int, Term]:
    """The serving term (with its akim) of each unit that has one, in one query."""
    if not unit_ids:
        return {}
    terms = db.session.scalars(
        select(Term).options(joinedload(Term.akim))
        .where(Term.rural_district_id.in_(unit_ids), Term.status == TermStatus.SERVING))
    return {term.rural_district_id: term for term in terms}


def unit_by_code(code: str) -> RuralDistrict | None:
    """A current unit with an elected akim, with its district and region."""
    return db.session.scalar(
        select(RuralDistrict)
        .options(joinedload(RuralDistrict.district).joinedload(District.region))
        .where(RuralDistrict.kato == code, RuralDistrict.current, RuralDistrict.elected))


def elected_units_of(district_id: int) -> list[RuralDistrict]:
    return list(db.session.scalars(
        select(RuralDistrict).where(RuralDistrict.district_id == district_id,
                                    RuralDistrict.current, RuralDistrict.elected)
        .order_by(RuralDistrict.kato)))


def villages_of(unit_id: int) -> list[Settlement]:
    return list(db.session.scalars(
        select(Settlement).where(Settlement.rural_district_id == unit_id,
                                 Settlement.valid_to.is_(None))
        .order_by(Settlement.kato)))
