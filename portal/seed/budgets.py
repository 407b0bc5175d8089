"""Seed step: plausible rural district budgets from 2021 to the seed's reference date.

Calibrated on DOMAIN.md: in 2025 about 190 m ₸ per rural district on average, about a third
own revenue, revenues grown 3.5-4x since 2020. Each year has annual approved plans (some
adjusted) and quarterly actuals for the quarters closed by the reference date. A few rural
districts miss their own-revenue plan badly in the last closed year (the recall rules warn
on that). Integer arithmetic only: money never passes through float, even here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.budgets.categories import sync_categories
from portal.budgets.models import BudgetCategory, BudgetLine, PeriodKind
from portal.budgets.summaries import refresh_year_summaries
from portal.extensions import db
from portal.seed.context import SeedContext, TermSeed, insert_rows

FIRST_YEAR = 2021
# The national mean of total revenue per rural district (tenge) and the own share (%).
MEAN_TOTAL = {2021: 68_000_000, 2022: 94_000_000, 2023: 124_000_000, 2024: 158_000_000,
              2025: 190_000_000, 2026: 212_000_000}
OWN_SHARE = {2021: 24, 2022: 27, 2023: 29, 2024: 31, 2025: 33, 2026: 34}
# Shares (per mille) of the rural districts that have a line at all, and its weight in own
# revenue; the four named taxes are everywhere.
OWN_LINES: tuple[tuple[str, int, int], ...] = (
    ("individual_income_tax", 1000, 30),
    ("property_tax_individuals", 1000, 18),
    ("land_tax", 1000, 22),
    ("vehicle_tax", 1000, 22),
    ("outdoor_advertising_fee", 120, 2),
    ("communal_property_income", 600, 5),
    ("fines", 450, 2),
    ("other_non_tax", 300, 1),
    ("mineral_extraction_tax", 200, 8),
    ("groundwater_fee", 100, 2),
)
# Receipts by quarter (weights): property, land and vehicle taxes of individuals fall due
# in the autumn; the rest comes in evenly.
SEASON = {
    "property_tax_individuals": (8, 12, 30, 50),
    "land_tax": (8, 12, 30, 50),
    "vehicle_tax": (10, 14, 30, 46),
    "individual_income_tax": (22, 24, 26, 28),
}
EVEN = (25, 25, 25, 25)
POOR_EXECUTION_PER_MILLE = 40  # rural districts with a bad own-revenue year


@dataclass(frozen=True)
class DistrictProfile:
    """What stays the same across a rural district's years."""

    scale: int  # per mille of the national mean
    own_share_offset: int  # percentage points
    own_lines: tuple[str, ...]


def seed(ctx: SeedContext) -> None:
    sync_categories("seed")
    db.session.flush()
    categories = {code: (category_id, valid_from or 0) for code, category_id, valid_from in
                  db.session.execute(select(BudgetCategory.code, BudgetCategory.id,
                                            BudgetCategory.valid_from_year))}
    rng = ctx.rng("budgets")
    years = list(range(FIRST_YEAR, ctx.as_of.year + 1))
    if not years or not ctx.rural_districts:
        return
    last_closed = ctx.as_of.year - 1
    profiles = _profiles(ctx, rng)
    poor = {rd.id for rd in ctx.rural_districts
            if rng.randrange(1000) < POOR_EXECUTION_PER_MILLE}
    if not ctx.national:
        lead = ctx.rural_districts[0].id
        poor.discard(lead)
        second = _term(ctx, ctx.demo.akim2_term_id)
        if second is not None:
            poor.add(second.rural_district_id)  # the demo shows the warning on akim2
    rows: list[dict[str, object]] = []
    for rural_district in ctx.rural_districts:
        profile = profiles[rural_district.id]
        for year in years:
            bad_year = rural_district.id in poor and year == last_closed
            rows.extend(_year_rows(ctx, rng, categories, rural_district.id, profile, year,
                                   bad_year))
    insert_rows(BudgetLine, rows)
    summaries = refresh_year_summaries()
    ctx.progress(f"budgets: {len(rows)} lines, {summaries} rural district years")


def _term(ctx: SeedContext, term_id: int | None) -> TermSeed | None:
    return next((term for term in ctx.terms if term.id == term_id), None)


def _profiles(ctx: SeedContext, rng: random.Random) -> dict[int, DistrictProfile]:
    """Larger rural districts collect more; scales are normalised to a mean of 1000."""
    mean_population = sum(rd.population for rd in ctx.rural_districts) // len(
        ctx.rural_districts) or 1
    raw: dict[int, int] = {}
    for rd in ctx.rural_districts:
        size = 450 + 550 * rd.population // mean_population
        raw[rd.id] = size * rng.randint(700, 1300) // 1000
    mean_raw = sum(raw.values()) // len(raw) or 1
    profiles = {}
    for rd in ctx.rural_districts:
        lines = tuple(code for code, per_mille, _weight in OWN_LINES
                      if rng.randrange(1000) < per_mille)
        profiles[rd.id] = DistrictProfile(
            scale=raw[rd.id] * 1000 // mean_raw,
            own_share_offset=rng.randint(-12, 12),
            own_lines=lines,
        )
    return profiles


def _year_mean(year: int) -> tuple[int, int]:
    if year in MEAN_TOTAL:
        return MEAN_TOTAL[year], OWN_SHARE[year]
    latest = max(MEAN_TOTAL)
    years_on = year - latest
    return MEAN_TOTAL[latest] * (110 ** years_on) // (100 ** years_on), \
        min(OWN_SHARE[latest] + years_on, 45)


def _closed_quarters(year: int, as_of: date) -> int:
    if year < as_of.year:
        return 4
    if year > as_of.year:
        return 0
    return (as_of.month - 1) // 3  # a quarter counts once the month after it has begun


def _split(amount: int, weights: tuple[int, ...]) -> list[int]:
    """Whole tenge split by weights, the remainder on the last part: the parts sum exactly."""
    total = sum(weights)
    parts = [amount * weight // total for weight in weights[:-1]]
    return [*parts, amount - sum(parts)]


def _thousands(amount: int) -> int:
    """Plans are approved in thousands of tenge."""
    return (amount + 500) // 1000 * 1000


def _year_rows(ctx: SeedContext, rng: random.Random, categories: dict[str, tuple[int, int]],
               rural_district_id: int, profile: DistrictProfile, year: int,
               bad_year: bool) -> list[dict[str, object]]:
    mean, own_share = _year_mean(year)
    total = mean * profile.scale // 1000 * rng.randint(940, 1060) // 1000
    own_percent = max(8, min(70, own_share + profile.own_share_offset))
    own = total * own_percent // 100
    # Lines in force this year (the 2026 additions only from 2026).
    own_lines = [(code, weight) for code, _per_mille, weight in OWN_LINES
                 if code in profile.own_lines and year >= categories[code][1]]
    expected: dict[str, int] = dict(zip(
        [code for code, _ in own_lines],
        _split(own, tuple(weight * rng.randint(800, 1200) for _, weight in own_lines)),
        strict=True,
    ))
    if rng.randrange(1000) < 150:
        expected["fixed_capital_sales"] = own * rng.randint(20, 90) // 1000
    transfers = total - own
    transfer_parts = {"subventions": 850}
    if rng.randrange(1000) < 700:
        transfer_parts["targeted_current_transfers"] = rng.randint(80, 200)
    if rng.randrange(1000) < 100:
        transfer_parts["targeted_development_transfers"] = rng.randint(100, 300)
    expected.update(zip(transfer_parts,
                        _split(transfers, tuple(transfer_parts.values())), strict=True))

    quarters = _closed_quarters(year, ctx.as_of)
    rows: list[dict[str, object]] = []
    for code, amount in expected.items():
        is_transfer = code.endswith("transfers") or code == "subventions"
        approved = _thousands(amount * rng.randint(920, 1060) // 1000)
        adjusted = _thousands(approved * rng.randint(970, 1120) // 1000) \
            if rng.randrange(1000) < 600 else None
        plan = adjusted if adjusted is not None else approved
        if is_transfer:
            execution = rng.randint(970, 1000)
        elif bad_year:
            execution = rng.randint(450, 680)
        else:
            execution = rng.randint(880, 1080)
        actual_year = plan * execution // 1000
        category_id = categories[code][0]
        rows.append(_row(ctx, rural_district_id, year, PeriodKind.YEAR, 0, category_id,
                         approved, adjusted, None))
        if quarters == 0:
            continue
        weights: tuple[int, ...] = SEASON.get(code, EVEN)
        if code == "fixed_capital_sales":  # an asset is sold once, in one quarter
            sold_in = rng.randrange(4)
            weights = tuple(100 if index == sold_in else 0 for index in range(4))
        noisy = tuple(weight * rng.randint(850, 1150) for weight in weights)
        for number, amount_q in enumerate(_split(actual_year, noisy)[:quarters], start=1):
            rows.append(_row(ctx, rural_district_id, year, PeriodKind.QUARTER, number,
                             category_id, None, None, amount_q))
    return rows


def _row(ctx: SeedContext, rural_district_id: int, year: int, kind: PeriodKind, number: int,
         category_id: int, approved: int | None, adjusted: int | None,
         actual: int | None) -> dict[str, object]:
    return {
        "id": ctx.new_id(BudgetLine), "rural_district_id": rural_district_id, "year": year,
        "period_kind": kind.value, "period_number": number, "category_id": category_id,
        "approved": approved, "adjusted": adjusted, "actual": actual,
    }
