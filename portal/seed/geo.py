"""Seed step: the real regions and districts, with fictional rural districts and villages."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass

from sqlalchemy import select

from portal.extensions import db
from portal.geo.models import District, DistrictKind, RuralDistrict, Settlement, SettlementKind
from portal.geo.reference import load_reference_map
from portal.seed.context import DATA_DIR, RuralDistrictSeed, SeedContext, insert_rows
from portal.textsearch import fold

# Demo scale: three real districts in three regions; the first rural district keeps the
# real name and KATO code of DOMAIN.md's example (Agybet, Baidibek district).
DEMO_DISTRICTS = ("6136", "1156", "1952")
DEMO_RURAL_DISTRICTS_PER_DISTRICT = 6
DEMO_FIRST_ROOT = ("Ағыбет", "Агыбет", "Agybet")
DEMO_FIRST_CODE = "33"

NATIONAL_TARGET = 2_300


@dataclass(frozen=True)
class Toponym:
    kk: str
    ru: str
    en: str


def seed(ctx: SeedContext) -> None:
    load_reference_map(actor="seed")
    rng = ctx.rng("geo")
    roots = _toponyms()
    districts = _districts_to_fill(ctx)
    plan = _rural_district_counts(ctx, rng, districts)
    rd_rows: list[dict[str, object]] = []
    settlement_rows: list[dict[str, object]] = []
    for district in districts:
        count = plan[district.id]
        if count == 0:
            continue
        names = rng.sample(roots, k=min(len(roots), count * 6))
        demo_lead = not ctx.national and district.kato4 == DEMO_DISTRICTS[0]
        codes = _rural_district_codes(count, first=DEMO_FIRST_CODE if demo_lead else None)
        for index in range(count):
            first_demo = demo_lead and index == 0
            centre_name = Toponym(*DEMO_FIRST_ROOT) if first_demo else names[index * 6]
            code = codes[index]
            rd_id = ctx.new_id(RuralDistrict)
            kato = f"{district.kato4}{code}000"
            village_names = [centre_name] + names[index * 6 + 1: index * 6 + 6]
            settlements = _settlements(ctx, rng, rd_id, kato, village_names)
            population = sum(int(row["population"]) for row in settlements)  # type: ignore[call-overload]
            voters = int(population * rng.uniform(0.60, 0.68))
            rd_rows.append({
                "id": rd_id, "district_id": district.id, "kato": kato,
                "name_kk": f"{centre_name.kk} ауылдық округі",
                "name_ru": f"сельский округ {centre_name.ru}",
                "name_en": f"{centre_name.en} rural district",
                "population": population, "registered_voters": voters,
                "search_key": fold(centre_name.kk, centre_name.ru, centre_name.en, kato),
            })
            settlement_rows.extend(settlements)
            ctx.rural_districts.append(RuralDistrictSeed(
                id=rd_id, kato=kato, district_id=district.id, population=population,
                registered_voters=voters,
                settlement_ids=[int(row["id"]) for row in settlements],  # type: ignore[call-overload]
            ))
    insert_rows(RuralDistrict, rd_rows)
    # Centres and support villages first: satellites refer to them.
    settlement_rows.sort(key=lambda row: row["support_settlement_id"] is not None)
    insert_rows(Settlement, settlement_rows)
    ctx.progress(f"map: {len(rd_rows)} rural districts, {len(settlement_rows)} villages")


def _toponyms() -> list[Toponym]:
    with (DATA_DIR / "village_roots.csv").open(encoding="utf-8") as handle:
        return [Toponym(row["kk"], row["ru"], row["en"]) for row in csv.DictReader(handle)
                if row["kk"] != DEMO_FIRST_ROOT[0]]


def _districts_to_fill(ctx: SeedContext) -> list[District]:
    statement = select(District).order_by(District.kato4)
    if ctx.national:
        statement = statement.where(District.kind != DistrictKind.CITY_DISTRICT)
        return list(db.session.scalars(statement))
    # Demo: in the listed order, so the first rural district seeded is the demo akim's.
    districts = db.session.scalars(statement.where(District.kato4.in_(DEMO_DISTRICTS)))
    return sorted(districts, key=lambda district: DEMO_DISTRICTS.index(district.kato4))


def _rural_district_counts(ctx: SeedContext, rng: random.Random,
                           districts: list[District]) -> dict[int, int]:
    """About 2,300 in all at national scale: most in districts, a few under city akimats."""
    if not ctx.national:
        return {district.id: DEMO_RURAL_DISTRICTS_PER_DISTRICT for district in districts}
    counts: dict[int, int] = {}
    for district in districts:
        if district.kind == DistrictKind.CITY_ADMINISTRATION:
            counts[district.id] = rng.choice((0, 0, 1, 2, 3, 4))
        else:
            counts[district.id] = rng.randint(7, 21)
    # Nudge the total onto the target, a district at a time, deterministically.
    rural = [d.id for d in districts if d.kind == DistrictKind.DISTRICT]
    while sum(counts.values()) != NATIONAL_TARGET:
        district_id = rng.choice(rural)
        step = 1 if sum(counts.values()) < NATIONAL_TARGET else -1
        if 5 <= counts[district_id] + step <= 30:
            counts[district_id] += step
    return counts


def _rural_district_codes(count: int, first: str | None = None) -> list[str]:
    """Two-digit EF codes as KATO assigns them: odd numbers from 31 upwards."""
    codes = [f"{31 + 2 * index:02d}" for index in range(count + 1)]
    if first is not None:
        codes = [first] + [code for code in codes if code != first]
    return codes[:count]


def _settlements(ctx: SeedContext, rng: random.Random, rd_id: int, rd_kato: str,
                 names: list[Toponym]) -> list[dict[str, object]]:
    count = rng.choices((1, 2, 3, 4, 5, 6), weights=(12, 22, 26, 20, 12, 8))[0]
    rows: list[dict[str, object]] = []
    support_id: int | None = None
    for index in range(count):
        name = names[index]
        settlement_id = ctx.new_id(Settlement)
        if index == 0:
            kind, population = SettlementKind.CENTRE, rng.randint(600, 4_200)
        elif index == 1 and count >= 4:
            kind, population = SettlementKind.SUPPORT, rng.randint(400, 2_000)
            support_id = settlement_id
        elif support_id is not None and index % 2 == 0:
            kind, population = SettlementKind.SATELLITE, rng.randint(60, 600)
        else:
            kind, population = SettlementKind.OTHER, rng.randint(60, 1_100)
        kato = f"{rd_kato[:6]}{index + 1}00"
        rows.append({
            "id": settlement_id, "rural_district_id": rd_id, "kato": kato, "kind": kind.value,
            "name_kk": f"{name.kk} ауылы", "name_ru": f"село {name.ru}",
            "name_en": f"{name.en} village", "population": population,
            "support_settlement_id": support_id if kind == SettlementKind.SATELLITE else None,
            "search_key": fold(name.kk, name.ru, name.en, kato),
        })
    return rows
