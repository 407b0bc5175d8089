"""Seed step: plausible rural district budgets from 2021 to the seed's reference date.

Calibrated on DOMAIN.md: in 2025 about 190 m ₸ per rural district on average, revenues grown
3.5-4x since 2020, and mostly transfers: a typical rural district raises about a tenth of its
revenue itself (published decisions: Aralagash 2025 11 %, Kokalazhar 2025 3 %, Tassai 2022
10 %, Aksuat 2023 11 %, Zhalgyztobe 2023 7 %), while towns and the largest (suburban) units
raise a quarter to four fifths, which pulls the national aggregate up towards a third. A unit
that raises more has a larger budget on top of similar transfers. Each year has annual
approved plans (some adjusted) and quarterly actuals for the quarters closed by the reference
date. A few rural districts miss their own-revenue plan badly in the last closed year (the
recall rules warn on that). Spending and the maslikhat decisions follow the revenue
(`budget_spending`). Integer arithmetic only: money never passes through float, even
here (the draws of a profile are floats; the amounts are not).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import select

from portal.budgets.categories import sync_categories
from portal.budgets.models import BudgetCategory, BudgetLine, PeriodKind
from portal.budgets.summaries import refresh_year_summaries
from portal.extensions import db
from portal.geo.models import UnitKind
from portal.seed import budget_spending
from portal.seed.amounts import closed_quarters, split, thousands
from portal.seed.context import SeedContext, TermSeed, insert_rows

FIRST_YEAR = 2021
# The national mean of total revenue per rural district (tenge).
MEAN_TOTAL = {2021: 68_000_000, 2022: 94_000_000, 2023: 124_000_000, 2024: 158_000_000,
              2025: 190_000_000, 2026: 212_000_000}
# Own revenue as a share of the total (per mille), a unit's own through the years: a typical
# rural district's is drawn around RURAL_OWN_MEDIAN (log-normal, within RURAL_OWN_RANGE);
# towns (town, town and settlement administrations) and the largest units by population
# (SUBURB_SHARE of the rest, read as suburbs) draw from a triangle up to about 80 %.
RURAL_OWN_MEDIAN = 95
RURAL_OWN_SIGMA = 0.5
RURAL_OWN_RANGE = (20, 300)
TOWN_OWN = (250, 800, 450)  # low, high, mode
SUBURB_OWN = (150, 650, 300)
SUBURB_SHARE = 0.06
TOWN_KINDS = frozenset({UnitKind.TOWN, UnitKind.TOWN_ADMINISTRATION,
                        UnitKind.SETTLEMENT_ADMINISTRATION})
# A budget's total: the smallest and the largest units, per mille of the national mean.
SCALE_RANGE = (250, 2_000)
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
    own_share: int  # per mille of the total
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
    spending, decisions = budget_spending.seed(
        ctx, rows, {unit_id: profile.scale for unit_id, profile in profiles.items()})
    summaries = refresh_year_summaries()  # revenue and spending, as an import refreshes them
    ctx.progress(f"budgets: {len(rows)} revenue lines, {summaries} rural district years, "
                 f"{spending} spending lines, {decisions} maslikhat decisions")


def _term(ctx: SeedContext, term_id: int | None) -> TermSeed | None:
    return next((term for term in ctx.terms if term.id == term_id), None)


def _profiles(ctx: SeedContext, rng: random.Random) -> dict[int, DistrictProfile]:
    """Each unit's own share and size. Transfers grow with the population; own revenue comes
    on top of them, so the total is the transfers over (1 - own share). Scales are normalised
    to a mean of 1000 (the national mean of the year), then kept within SCALE_RANGE."""
    units = ctx.rural_districts
    mean_population = sum(rd.population for rd in units) // len(units) or 1
    populations = sorted(rd.population for rd in units if rd.kind not in TOWN_KINDS)
    suburb_from = (populations[int(len(populations) * (1 - SUBURB_SHARE))]
                   if populations else 0)
    shares: dict[int, int] = {}
    raw: dict[int, int] = {}
    for rd in units:
        shares[rd.id] = _own_share(rng, rd.kind in TOWN_KINDS, rd.population >= suburb_from)
        size = 450 + 550 * rd.population // mean_population
        transfers = size * rng.randint(700, 1300) // 1000
        raw[rd.id] = transfers * 1000 // (1000 - shares[rd.id])
    low, high = SCALE_RANGE
    for _ in range(3):  # normalise, clamp, and again: the clamped mean stays near 1000
        mean_raw = sum(raw.values()) // len(raw) or 1
        raw = {key: max(low, min(high, value * 1000 // mean_raw)) for key, value in raw.items()}
    profiles = {}
    for rd in units:
        lines = tuple(code for code, per_mille, _weight in OWN_LINES
                      if rng.randrange(1000) < per_mille)
        profiles[rd.id] = DistrictProfile(
            scale=raw[rd.id],
            own_share=shares[rd.id],
            own_lines=lines,
        )
    return profiles


def _own_share(rng: random.Random, town: bool, suburb: bool) -> int:
    """A unit's own revenue share, per mille (see RURAL_OWN_MEDIAN)."""
    if town or suburb:
        low, high, mode = TOWN_OWN if town else SUBURB_OWN
        return round(rng.triangular(low, high, mode))
    low, high = RURAL_OWN_RANGE
    return max(low, min(high, round(RURAL_OWN_MEDIAN * rng.lognormvariate(0, RURAL_OWN_SIGMA))))


def _year_mean(year: int) -> int:
    if year in MEAN_TOTAL:
        return MEAN_TOTAL[year]
    latest = max(MEAN_TOTAL)
    years_on = year - latest
    return MEAN_TOTAL[latest] * (110 ** years_on) // (100 ** years_on)


def _year_rows(ctx: SeedContext, rng: random.Random, categories: dict[str, tuple[int, int]],
               rural_district_id: int, profile: DistrictProfile, year: int,
               bad_year: bool) -> list[dict[str, object]]:
    total = _year_mean(year) * profile.scale // 1000 * rng.randint(940, 1060) // 1000
    own_per_mille = min(900, profile.own_share * rng.randint(900, 1100) // 1000)
    own = total * own_per_mille // 1000
    # Lines in force this year (the 2026 additions only from 2026).
    own_lines = [(code, weight) for code, _per_mille, weight in OWN_LINES
                 if code in profile.own_lines and year >= categories[code][1]]
    expected: dict[str, int] = dict(zip(
        [code for code, _ in own_lines],
        split(own, tuple(weight * rng.randint(800, 1200) for _, weight in own_lines)),
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
                        split(transfers, tuple(transfer_parts.values())), strict=True))

    quarters = closed_quarters(year, ctx.as_of)
    rows: list[dict[str, object]] = []
    for code, amount in expected.items():
        is_transfer = code.endswith("transfers") or code == "subventions"
        approved = thousands(amount * rng.randint(920, 1060) // 1000)
        adjusted = thousands(approved * rng.randint(970, 1120) // 1000) \
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
        for number, amount_q in enumerate(split(actual_year, noisy)[:quarters], start=1):
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
