"""Seed step: the real map (regions, districts and the whole KATO classifier), with synthetic
population and voter figures on the units that get fictional akims.

No place is invented: the units and villages are the classifier's, loaded by the same code
as `flask geo import-kato`. Only what the classifier does not give — how many people live
there and vote — is made up, and marked (`RuralDistrict.figures_synthetic`).
"""

from __future__ import annotations

import random
from collections import defaultdict

from sqlalchemy import select

from portal.extensions import db
from portal.geo import kato
from portal.geo.models import District, Region, RuralDistrict, Settlement, UnitKind
from portal.seed.context import RuralDistrictSeed, SeedContext

# Demo scale: six elected units in each of three real districts (Baidibek, Zerendi, Karasai);
# the first is Agybet rural district (613633000), DOMAIN.md's example.
DEMO_DISTRICTS = ("6136", "1156", "1952")
DEMO_RURAL_DISTRICTS_PER_DISTRICT = 6
DEMO_FIRST_CODE = "613633000"

# Villages (с.), settlements (п.) and auls (а.): the places a promise can be about. Wintering
# places, farms, railway sidings and the like are in the classifier too, with few people.
_VILLAGE_PREFIXES = ("с.", "п.", "а.", "аул ", "село ", "поселок ")


def is_village(name_ru: str) -> bool:
    return name_ru.lower().startswith(_VILLAGE_PREFIXES)


def seed(ctx: SeedContext) -> None:
    kato.import_file(kato.SHIPPED_FILE, kato.SHIPPED_AS_OF, actor="seed")
    rng = ctx.rng("geo")
    units = _units_to_fill(ctx)
    settlements: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for settlement_id, unit_id, name_ru in db.session.execute(
            select(Settlement.id, Settlement.rural_district_id, Settlement.name_ru)
            .where(Settlement.rural_district_id.in_([unit[0] for unit in units]),
                   Settlement.valid_to.is_(None))
            .order_by(Settlement.kato)):
        settlements[unit_id].append((settlement_id, name_ru))
    unit_rows: list[dict[str, object]] = []
    settlement_rows: list[dict[str, object]] = []
    for unit_id, code, district_id, kind, region in units:
        population = 0
        villages: list[int] = []
        # A unit whose places all carry another type (a station, a farm) lives in them.
        any_village = any(is_village(name) for _, name in settlements[unit_id])
        for settlement_id, name_ru in settlements[unit_id]:
            if is_village(name_ru) or not any_village:
                people = _village_population(rng, kind)
                villages.append(settlement_id)
            else:
                people = rng.randint(0, 30)
            population += people
            settlement_rows.append({"_id": settlement_id, "population": people})
        if not settlements[unit_id]:
            population = rng.randint(1_500, 9_000)  # a town the classifier lists alone
        voters = int(population * rng.uniform(0.60, 0.68))
        unit_rows.append({"_id": unit_id, "population": population,
                          "registered_voters": voters, "figures_synthetic": True})
        ctx.rural_districts.append(RuralDistrictSeed(
            id=unit_id, kato=code, district_id=district_id, population=population,
            registered_voters=voters,
            settlement_ids=villages, kind=kind, region=region,
        ))
    kato.update_rows(RuralDistrict, unit_rows)
    kato.update_rows(Settlement, settlement_rows)
    ctx.progress(f"map: {len(unit_rows)} elected units with synthetic figures, "
                 f"{len(settlement_rows)} settlements")


def _units_to_fill(ctx: SeedContext) -> list[tuple[int, str, int, UnitKind, str]]:
    """(id, code, district id, kind, region code) of the current elected units the seed gives
    akims to."""
    statement = (
        select(RuralDistrict.id, RuralDistrict.kato, RuralDistrict.district_id,
               RuralDistrict.kind, Region.kato2, District.kato4)
        .join(District, District.id == RuralDistrict.district_id)
        .join(Region, Region.id == District.region_id)
        .where(RuralDistrict.current, RuralDistrict.elected)
        .order_by(RuralDistrict.kato)
    )
    if ctx.national:
        return [(row[0], row[1], row[2], row[3], row[4])
                for row in db.session.execute(statement)]
    chosen: list[tuple[int, str, int, UnitKind, str]] = []
    rows = list(db.session.execute(statement.where(District.kato4.in_(DEMO_DISTRICTS))))
    for kato4 in DEMO_DISTRICTS:
        in_district = [row for row in rows if row[5] == kato4]
        # The demo akim's unit first, then the district's others in code order.
        in_district.sort(key=lambda row: (row[1] != DEMO_FIRST_CODE, row[1]))
        chosen += [(row[0], row[1], row[2], row[3], row[4])
                   for row in in_district[:DEMO_RURAL_DISTRICTS_PER_DISTRICT]]
    return chosen


def _village_population(rng: random.Random, kind: UnitKind) -> int:
    if kind in (UnitKind.TOWN, UnitKind.TOWN_ADMINISTRATION, UnitKind.SETTLEMENT_ADMINISTRATION):
        return rng.randint(2_000, 15_000)
    return int(rng.lognormvariate(6.3, 0.9)) + 40  # a median of some 580 people
