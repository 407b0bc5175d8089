"""Seed step (within budgets): spending by functional group and the maslikhat decisions behind
each rural district's budget year, shaped to the revenue lines the budget step wrote.

Shapes (judgements of ours for the synthetic story, not statistics): the akim's office (01)
costs about the same everywhere (a handful of staff), so it takes most of a small budget and a
tenth of a large one; housing and communal services (07: lighting, water, improvement) and
local roads (12) take most of the rest; pre-school education (04) where the rural district
runs a kindergarten; culture and sport (08) and social assistance (06) small; other (13) rare.
The approved budget is balanced (spending = revenue); an amending decision adds the free
balance left from the previous year to the revenue as adjusted, and the year's actual spending
never exceeds what came in plus that balance. Each year has annual approved plans (adjusted
where the revenue was) and quarterly actuals for the quarters closed by the reference date,
exactly as the revenue lines. Decisions are shared by the rural districts of a district (one
maslikhat session adopts all their budgets); their links point to example.org, never to a
register document that does not exist. Integer arithmetic only.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from sqlalchemy import select

from portal.budgets.categories import sync_functions
from portal.budgets.models import (
    BudgetDecision,
    BudgetFunction,
    BudgetSpendingLine,
    DecisionKind,
    PeriodKind,
)
from portal.extensions import db
from portal.seed.amounts import closed_quarters, split, thousands
from portal.seed.context import RuralDistrictSeed, SeedContext, insert_rows

OFFICE = "01"
# What the akim's office costs in a year (tenge) in a typical rural district: staff pay with
# its indexation, the building, a car. A unit's own factor (per mille) grows a little with its
# budget (a larger unit has a larger staff).
OFFICE_COST = {2021: 21_000_000, 2022: 23_500_000, 2023: 26_500_000, 2024: 29_000_000,
               2025: 32_000_000, 2026: 35_000_000}
OFFICE_MAX_SHARE = 700  # per mille of the budget: even the smallest unit spends on something
# Groups every unit has, or a share of units (per mille), with their weight in what the office
# leaves (a range, drawn once per unit).
USUAL: dict[str, tuple[int, tuple[int, int]]] = {
    "07": (1000, (400, 600)),
    "12": (950, (200, 400)),
    "08": (650, (30, 70)),
    "06": (500, (15, 40)),
}
PRE_SCHOOL = "04"
PRE_SCHOOL_WEIGHT = (250, 450)
OTHER = "13"
OTHER_PER_MILLE = 80  # per unit and year
OTHER_WEIGHT = (10, 30)
# An adjusted year adjusts the big items, and now and then the others (per mille).
ALSO_ADJUSTED = 350
# Execution of the plan over the year (per mille): pay is spent, roads and works less surely.
EXECUTION = {"01": (970, 1000), "04": (960, 1000), "06": (930, 1000), "07": (920, 1000),
             "08": (930, 1000), "12": (880, 1000), "13": (800, 1000)}
# Spending by quarter (weights): roads and improvement in the warm months, year-end pay.
SEASON = {"01": (23, 24, 24, 29), "04": (25, 24, 23, 28), "06": (25, 25, 25, 25),
          "07": (20, 27, 28, 25), "08": (20, 30, 30, 20), "12": (10, 30, 35, 25),
          "13": (25, 25, 25, 25)}
FIRST_BALANCE = (0, 30)  # per mille of the first year's revenue left from before the seed
SECOND_AMENDMENT = 250  # per mille of amended district-years amended twice
# The district maslikhats elected on 19 March 2023 began their sessions anew from No. 1.
NEW_CONVOCATION = date(2023, 4, 1)
DECISION_URL = "https://decisions.example.org/maslikhat/{district}/{year}/{number}"


@dataclass
class RevenueYear:
    """One rural district's revenue of a year, as the budget step wrote it."""

    approved: int = 0
    plan: int = 0  # adjusted where stated, else approved
    adjusted: bool = False
    actual: int = 0  # the closed quarters' receipts


@dataclass(frozen=True)
class SpendingProfile:
    office_factor: int  # per mille of OFFICE_COST
    weights: dict[str, tuple[int, int]]  # group -> weight range, the office aside


@dataclass(frozen=True)
class DecisionSet:
    """What one district maslikhat decided for one budget year: (number, date) pairs."""

    adopted: tuple[str, date]
    amending: tuple[tuple[str, date], ...]


def seed(ctx: SeedContext, revenue_rows: list[dict[str, object]],
         scales: dict[int, int]) -> tuple[int, int]:
    """Write spending lines and decisions for every rural district-year the revenue rows
    cover; `scales` is each unit's budget size (per mille of the national mean). Returns the
    numbers of lines and decisions written."""
    sync_functions("seed")
    db.session.flush()
    functions = dict(db.session.execute(select(BudgetFunction.code, BudgetFunction.id)).all())
    rng = ctx.rng("budget_spending")
    revenue = _revenue_years(revenue_rows)
    sessions = _Sessions(ctx.as_of, rng)
    lines: list[dict[str, object]] = []
    decisions: list[dict[str, object]] = []
    years_of: dict[int, list[int]] = defaultdict(list)
    for rural_district_id, year in sorted(revenue):
        years_of[rural_district_id].append(year)
    for rural_district in ctx.rural_districts:
        years = years_of.get(rural_district.id)
        if not years:
            continue
        profile = _profile(rng, scales.get(rural_district.id, 1000))
        balance = None
        for year in years:
            amounts = revenue[rural_district.id, year]
            if balance is None:
                balance = thousands(amounts.approved * rng.randint(*FIRST_BALANCE) // 1000)
            spent, balance = _year(ctx, rng, functions, rural_district.id, profile, year,
                                   amounts, balance)
            lines.extend(spent)
            decisions.extend(_decisions(ctx, sessions.of(rural_district.district_id, year),
                                        rural_district, year, amounts.adjusted))
    insert_rows(BudgetSpendingLine, lines)
    insert_rows(BudgetDecision, decisions)
    return len(lines), len(decisions)


def _revenue_years(rows: list[dict[str, object]]) -> dict[tuple[int, int], RevenueYear]:
    years: dict[tuple[int, int], RevenueYear] = defaultdict(RevenueYear)
    for row in rows:
        item = years[cast(int, row["rural_district_id"]), cast(int, row["year"])]
        approved, adjusted, actual = row["approved"], row["adjusted"], row["actual"]
        if isinstance(approved, int):
            item.approved += approved
            item.plan += adjusted if isinstance(adjusted, int) else approved
            item.adjusted = item.adjusted or adjusted is not None
        if isinstance(actual, int):
            item.actual += actual
    return years


def _profile(rng: random.Random, scale: int) -> SpendingProfile:
    weights = {code: weight for code, (per_mille, weight) in USUAL.items()
               if rng.randrange(1000) < per_mille}
    if rng.randrange(1000) < min(600, 200 + 200 * scale // 1000):  # a kindergarten
        weights[PRE_SCHOOL] = PRE_SCHOOL_WEIGHT
    return SpendingProfile(
        office_factor=rng.randint(850, 1150) * (800 + 200 * min(scale, 2000) // 1000) // 1000,
        weights=weights,
    )


def _year(ctx: SeedContext, rng: random.Random, functions: dict[str, int],
          rural_district_id: int, profile: SpendingProfile, year: int, revenue: RevenueYear,
          balance: int) -> tuple[list[dict[str, object]], int]:
    """One year's spending lines, and the balance left for the next year."""
    total = revenue.approved
    office = thousands(min(total * OFFICE_MAX_SHARE // 1000,
                            _office_cost(year) * profile.office_factor // 1000
                            * rng.randint(950, 1050) // 1000))
    weights = {code: rng.randint(*weight) for code, weight in profile.weights.items()}
    if rng.randrange(1000) < OTHER_PER_MILLE:
        weights[OTHER] = rng.randint(*OTHER_WEIGHT)
    codes = sorted(weights)
    approved = {OFFICE: office, **dict(zip(
        codes, _split_thousands(total - office, tuple(weights[code] for code in codes)),
        strict=True))}
    adjusted: dict[str, int] = {}
    if revenue.adjusted:  # the amending decision spends the free balance too
        changed = [code for code in approved if code in ("07", "12")
                   or rng.randrange(1000) < ALSO_ADJUSTED]
        delta = revenue.plan + balance // 1000 * 1000 - total
        if delta < 0 and -delta > sum(approved[code] for code in changed) // 2:
            changed = list(approved)
        shares = _split_thousands(abs(delta), tuple(approved[code] for code in changed))
        adjusted = {code: approved[code] + (share if delta >= 0 else -share)
                    for code, share in zip(changed, shares, strict=True)}
    plans = {code: adjusted.get(code, amount) for code, amount in approved.items()}
    executed = {code: plan * rng.randint(*EXECUTION[code]) // 1000
                for code, plan in plans.items()}
    quarters = closed_quarters(year, ctx.as_of)
    if quarters == 4:  # a closed year: never more than came in plus the balance
        available = revenue.actual + balance
        spent = sum(executed.values())
        if spent > available:
            executed = {code: amount * available // spent for code, amount in executed.items()}
        balance = available - sum(executed.values())
    rows = []
    for code in sorted(approved):
        function_id = functions[code]
        rows.append(_row(ctx, rural_district_id, year, PeriodKind.YEAR, 0, function_id,
                         approved[code], adjusted.get(code), None))
        if quarters == 0:
            continue
        noisy = tuple(weight * rng.randint(850, 1150) for weight in SEASON[code])
        for number, amount in enumerate(split(executed[code], noisy)[:quarters], start=1):
            rows.append(_row(ctx, rural_district_id, year, PeriodKind.QUARTER, number,
                             function_id, None, None, amount))
    return rows, balance


def _office_cost(year: int) -> int:
    if year in OFFICE_COST:
        return OFFICE_COST[year]
    latest = max(OFFICE_COST)
    years_on = year - latest
    return OFFICE_COST[latest] * (108 ** years_on) // (100 ** years_on)


def _split_thousands(amount: int, weights: tuple[int, ...]) -> list[int]:
    """Whole thousands (plans are approved in thousands) split by weights, the remainder on
    the largest part; `amount` is itself whole thousands."""
    whole = amount // 1000
    total = sum(weights) or 1
    parts = [whole * weight // total for weight in weights]
    largest = max(range(len(weights)), key=lambda index: weights[index])
    parts[largest] += whole - sum(parts)
    return [part * 1000 for part in parts]


def _row(ctx: SeedContext, rural_district_id: int, year: int, kind: PeriodKind, number: int,
         function_id: int, approved: int | None, adjusted: int | None,
         actual: int | None) -> dict[str, object]:
    return {
        "id": ctx.new_id(BudgetSpendingLine), "rural_district_id": rural_district_id,
        "year": year, "period_kind": kind.value, "period_number": number,
        "function_id": function_id, "approved": approved, "adjusted": adjusted,
        "actual": actual,
    }


# --------------------------------------------------------------------------- decisions

class _Sessions:
    """The sessions of each district maslikhat, numbered as they are held: the budgets of its
    rural districts adopted in the last days of December, amended in spring and now and then
    in autumn. Decision numbers read "session/item" ("35/2")."""

    def __init__(self, as_of: date, rng: random.Random) -> None:
        self.as_of = as_of
        self.rng = rng
        self.decided: dict[tuple[int, int], DecisionSet] = {}
        self.session: dict[int, tuple[int, date]] = {}  # district -> last session, its date

    def of(self, district_id: int, year: int) -> DecisionSet:
        key = (district_id, year)
        if key not in self.decided:
            rng = self.rng
            adopted = self._number(district_id, _weekday(date(year - 1, 12,
                                                              rng.randint(20, 29))))
            amending = []
            first = self._window(date(year, 3, 20), date(year, 5, 31), early=True)
            if first is not None:
                amending.append(self._number(district_id, first))
                if rng.randrange(1000) < SECOND_AMENDMENT:
                    second = self._window(date(year, 10, 1), date(year, 11, 30), early=False)
                    if second is not None:
                        amending.append(self._number(district_id, second))
            self.decided[key] = DecisionSet(adopted, tuple(amending))
        return self.decided[key]

    def _window(self, low: date, high: date, early: bool) -> date | None:
        """A working day between the two dates, not after the reference date; `early`: in a
        year whose spring has not come by then, a day from 1 January up to it."""
        high = min(high, self.as_of)
        if low > high:
            if not early or high.year != low.year:
                return None
            low = date(high.year, 1, 1)
            return low + timedelta(days=self.rng.randint(0, (high - low).days))
        day = _weekday(low + timedelta(days=self.rng.randint(0, (high - low).days)))
        return day if day >= low else low

    def _number(self, district_id: int, day: date) -> tuple[str, date]:
        previous = self.session.get(district_id)
        if previous is None:
            session = self.rng.randint(30, 50)
        elif previous[1] < NEW_CONVOCATION <= day:
            session = self.rng.randint(2, 4)
        else:
            session = previous[0] + self.rng.randint(2, 5)
        self.session[district_id] = (session, day)
        return f"{session}/{self.rng.randint(2, 6)}", day


def _weekday(day: date) -> date:
    """Sessions sit on working days: a Saturday or Sunday moves back to the Friday."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def _decisions(ctx: SeedContext, decided: DecisionSet, rural_district: RuralDistrictSeed,
               year: int, adjusted: bool) -> list[dict[str, object]]:
    chosen = [(DecisionKind.ADOPTED, decided.adopted)]
    if adjusted:
        chosen += [(DecisionKind.AMENDING, item) for item in decided.amending]
    district = rural_district.kato[:4]
    return [{"id": ctx.new_id(BudgetDecision), "rural_district_id": rural_district.id,
             "year": year, "kind": kind.value,
             "number": number, "decided_on": day,
             "url": DECISION_URL.format(district=district, year=year,
                                        number=number.replace("/", "-"))}
            for kind, (number, day) in chosen]
