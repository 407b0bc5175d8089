"""Seed step: each term's programme (5–15 promises), with claims, verdicts, amendments and
residents' votes whose dates fit the term and the deadlines.

Everything obeys `portal.promises.rules` (checked here as the rows are made): claims follow
the transition table, nothing is broken before its deadline without evidence, kept and
partially kept claims carry evidence. Evidence is links, never files.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Table, func, select

from portal.budgets.models import BudgetFunction, BudgetLine, PeriodKind
from portal.extensions import db
from portal.geo.kato import bare_name
from portal.geo.models import Settlement
from portal.notifications.models import Follow, FollowTarget
from portal.promises import rules
from portal.promises.models import (
    Programme,
    Promise,
    PromiseAmendment,
    PromiseCategory,
    PromiseEvidence,
    PromiseUpdate,
    PromiseVote,
    promise_settlement,
)
from portal.promises.models import PromiseStatus as S
from portal.seed import languages
from portal.seed.context import SeedContext, TermSeed, insert_rows
from portal.seed.promise_texts import (
    AMENDMENT_REASONS,
    BROKEN_REASONS,
    DESCRIPTIONS,
    NOTES,
    SOURCES,
    VOTE_COMMENTS,
    Template,
    load_templates,
)

FINAL_WHEN_DUE = ((S.KEPT, 40), (S.PARTIALLY_KEPT, 14), (S.BROKEN, 13), (S.IN_PROGRESS, 11),
                  (S.STALLED, 6), (S.WITHDRAWN, 4), (S.NOT_YET_RATED, 6),
                  (S.OUTSIDE_COMPETENCE, 6))
FINAL_NOT_DUE = ((S.IN_PROGRESS, 46), (S.NOT_YET_RATED, 24), (S.STALLED, 9), (S.KEPT, 13),
                 (S.PARTIALLY_KEPT, 3), (S.BROKEN, 3), (S.WITHDRAWN, 2))
CONFIRM_SHARE = {S.KEPT: 0.78, S.PARTIALLY_KEPT: 0.6, S.BROKEN: 0.85, S.IN_PROGRESS: 0.62,
                 S.STALLED: 0.75, S.WITHDRAWN: 0.7, S.OUTSIDE_COMPETENCE: 0.55}
DEMO_LEAD_PROMISES = 12
# Scale (rules of ours for the synthetic story): a kindergarten has places for some of the
# village's children (about a tenth of a village is of preschool age; 60-90 % of them), in
# a village of at least KINDERGARTEN_FROM people where there is one; what the rural district
# pays from its own budget is at most OWN_COST_SHARE % of the year's revenue, and an
# amendment adds at most OWN_COST_RAISE % more.
PRESCHOOL_PER_MILLE = 100
KINDERGARTEN_FROM = 250
KINDERGARTEN_PLACES = (15, 320)
OWN_COST_SHARE = 15
OWN_COST_RAISE = 4  # % of the year's revenue an amendment may add to such a promise


@dataclass
class Village:
    id: int
    kk: str  # "X ауылында"
    ru: str  # "в селе X"
    names: dict[str, str]
    population: int = 0  # synthetic (the seed's geo step)


@dataclass
class Rows:
    programmes: list[dict[str, Any]] = field(default_factory=list)
    promises: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    amendments: list[dict[str, Any]] = field(default_factory=list)
    votes: list[dict[str, Any]] = field(default_factory=list)
    followers: list[dict[str, Any]] = field(default_factory=list)


def seed(ctx: SeedContext) -> None:
    rng = ctx.rng("promises")
    templates = load_templates()
    villages = village_places(ctx)
    rows = Rows()
    regions = {rd.id: rd.region for rd in ctx.rural_districts}
    revenues = _revenues()
    for term in ctx.terms:
        _programme(ctx, rng, term, templates, villages.get(term.rural_district_id, []), rows,
                   regions.get(term.rural_district_id, ""), revenues)
    if not ctx.national:
        _demo_follows(ctx, rows)
    _paid_from(rows.promises)
    tables: tuple[tuple[Any, list[dict[str, Any]]], ...] = (
        (Programme.__table__, rows.programmes),
        (Promise.__table__, rows.promises), (promise_settlement, rows.links),
        (PromiseUpdate.__table__, rows.updates), (PromiseEvidence.__table__, rows.evidence),
        (PromiseAmendment.__table__, rows.amendments), (PromiseVote.__table__, rows.votes),
        (Follow.__table__, rows.followers),
    )
    for table, table_rows in tables:
        _bulk(table, table_rows)
    ctx.progress(f"promises: {len(rows.promises)} in {len(rows.programmes)} programmes, "
                 f"{len(rows.updates)} updates, {len(rows.amendments)} amendments, "
                 f"{len(rows.votes)} resident votes")


# The functional group that pays for a promise of each category when the rural district's own
# budget does: the seed's own reading of the groups' scope (portal/budgets/data/functions.csv,
# groups of order No. 403 of 18.09.2014; the order maps no promise categories). Categories a
# rural budget does not pay for (healthcare, internet, jobs…) stay unlinked.
PAYING_GROUP = {
    PromiseCategory.LOCAL_GOVERNANCE: "01",
    PromiseCategory.EDUCATION: "04",
    PromiseCategory.SOCIAL_SECURITY: "06",
    PromiseCategory.ENGINEERING: "07",
    PromiseCategory.ENVIRONMENT: "07",
    PromiseCategory.RECREATION: "07",
    PromiseCategory.CULTURE_SPORTS: "08",
    PromiseCategory.ROADS: "12",
    PromiseCategory.TRANSPORT: "12",
}


def _paid_from(promises: list[dict[str, Any]]) -> None:
    """Promises the rural district's budget pays for name the functional group that pays
    (`promise.budget_function_id`), as an akim would link them in the editor."""
    groups: dict[str, int] = {code: function_id for code, function_id in db.session.execute(
        select(BudgetFunction.code, BudgetFunction.id))}
    for row in promises:
        code = PAYING_GROUP.get(PromiseCategory(row["category"])) \
            if row["funding_source"] == "rural_district_budget" else None
        row["budget_function_id"] = groups.get(code) if code else None


def _bulk(table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows. On PostgreSQL through COPY, several times faster than an INSERT per
    row for the ~350,000 rows of the national seed; elsewhere through `insert_rows`."""
    if not rows:
        return
    if "synthetic" in table.c:
        rows = [{**row, "synthetic": True} for row in rows]
    if db.engine.dialect.name != "postgresql":
        insert_rows(_HasTable(table), rows)
        return
    from psycopg.types.json import Jsonb

    columns = list(rows[0])
    names = ", ".join(f'"{name}"' for name in columns)
    cursor = db.session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([Jsonb(row[name]) if isinstance(row[name], dict) else row[name]
                            for name in columns])


@dataclass(frozen=True)
class _HasTable:
    """What `insert_rows` needs of a model: its table."""

    __table__: Table


def village_places(ctx: SeedContext) -> dict[int, list[Village]]:
    """The villages of each seeded unit (the classifier's, by their Russian names: no Kazakh
    form is made up for a real place)."""
    ids = [rd.id for rd in ctx.rural_districts]
    villages = {sid for rd in ctx.rural_districts for sid in rd.settlement_ids}
    result: dict[int, list[Village]] = {}
    statement = (select(Settlement.id, Settlement.rural_district_id, Settlement.name_kk,
                        Settlement.name_ru, Settlement.name_en, Settlement.population)
                 .where(Settlement.rural_district_id.in_(ids)).order_by(Settlement.kato))
    for sid, rd_id, kk, ru, en, population in db.session.execute(statement):
        if sid not in villages:
            continue
        root = bare_name(ru)
        place_ru = f"в посёлке {root}" if ru.lower().startswith("п.") else f"в селе {root}"
        result.setdefault(rd_id, []).append(Village(
            sid, f"{root} ауылында", place_ru, {"kk": kk or ru, "ru": ru, "en": en or ru},
            population or 0))
    return result


def _revenues() -> dict[tuple[int, int], int]:
    """Each rural district's approved revenue by year (the budget step runs first)."""
    return {(unit_id, year): int(total or 0) for unit_id, year, total in db.session.execute(
        select(BudgetLine.rural_district_id, BudgetLine.year, func.sum(BudgetLine.approved))
        .where(BudgetLine.period_kind == PeriodKind.YEAR)
        .group_by(BudgetLine.rural_district_id, BudgetLine.year))}


def _programme(ctx: SeedContext, rng: random.Random, term: TermSeed,
               templates: list[Template], villages: list[Village], rows: Rows,
               region: str, revenues: dict[tuple[int, int], int]) -> None:
    lead = not ctx.national and term.id == ctx.demo.akim_term_id
    language = languages.pick(rng, region)  # the akim's language: the reports follow it
    registered = _at(term.elected_on - timedelta(days=rng.randint(3, 25)), rng)
    rows.programmes.append({"id": ctx.new_id(Programme), "term_id": term.id,
                            "baseline_date": term.starts_on, "registered_at": registered,
                            "created_at": registered})
    count = DEMO_LEAD_PROMISES if lead else rng.randint(5, 15)
    horizon = min(ctx.as_of, term.last_day)
    for number, template in enumerate(rng.sample(templates, count), start=1):
        _promise(ctx, rng, term, number, template, villages, language, registered, horizon,
                 revenues,
                 rows, lead)


def _promise(ctx: SeedContext, rng: random.Random, term: TermSeed, number: int,
             template: Template, villages: list[Village], language: str, registered: datetime,
             horizon: date, revenues: dict[tuple[int, int], int], rows: Rows,
             lead: bool) -> None:
    promise_id = ctx.new_id(Promise)
    village = None
    if template.needs_village and villages:
        # A kindergarten goes where the children are: a village of some size if there is one.
        sized = [item for item in villages if item.population >= KINDERGARTEN_FROM]
        village = rng.choice(sized if template.per_child and sized else villages)
    places = _kindergarten_places(rng, village) if template.per_child else 0
    title = (template.title_kk if language == "kk" else template.title_ru).format(
        kk=village.kk if village else "", ru=village.ru if village else "",
        places=places).strip()
    title = title[0].upper() + title[1:]
    elapsed = (horizon - term.starts_on).days
    latest_addition = (term.ends_on - term.starts_on).days - 160
    added_later = elapsed > 240 and latest_addition > 60 and rng.random() < (
        0.25 if lead else 0.08)
    created = _at(term.starts_on + timedelta(days=rng.randint(
        60, min(elapsed - 90, latest_addition, 700))), rng) if added_later else registered
    # A deadline from five months into the term (or four after a later addition) to its end.
    earliest = max(term.starts_on + timedelta(days=150), created.date() + timedelta(days=120))
    deadline = _month_start(earliest + timedelta(days=rng.randint(
        30, max(31, (term.ends_on - earliest).days - 20))))
    deadline = min(deadline, _month_start(term.ends_on))
    original_deadline = deadline
    low, high = template.cost_range
    cost = rng.randint(low * 10, high * 10) * 100_000 if high else None
    if cost and template.per_child:
        cost = places * rng.randint(24, 32) * 100_000  # 2.4-3.2 m ₸ a place
    raise_at_most = 8_000_000  # what an amendment may add to the estimate
    if cost and template.funding == "rural_district_budget":
        # What the rural district pays itself stays within a share of its year's revenue
        # (the deadline's year, or the latest year with a budget before it), and so does a
        # later rise of the estimate.
        revenue = next((revenues[key] for year in range(deadline.year, 2020, -1)
                        if (key := (term.rural_district_id, year)) in revenues), 0)
        if revenue:
            cost = max(1_000_000, min(cost, revenue * OWN_COST_SHARE // 100 // 100_000
                                      * 100_000))
            raise_at_most = max(100_000, revenue * OWN_COST_RAISE // 100 // 100_000 * 100_000)
    amendments: list[dict[str, Any]] = []
    changes_at = created.date() + timedelta(days=rng.randint(60, 400))
    if not added_later and changes_at < min(horizon, deadline) and rng.random() < (
            0.3 if lead else 0.1):
        new_deadline = _month_start(deadline + timedelta(days=rng.randint(90, 360)))
        if new_deadline <= term.ends_on:
            amendments.append(_amendment(ctx, rng, promise_id, "edited", {"deadline": [
                deadline.isoformat(), new_deadline.isoformat()]}, "deadline", language,
                changes_at))
            deadline = new_deadline
        elif cost:
            new_cost = cost + min(rng.randint(1, 8) * 1_000_000, raise_at_most)
            amendments.append(_amendment(ctx, rng, promise_id, "edited", {"cost_estimate": [
                cost, new_cost]}, "cost", language, changes_at))
            cost = new_cost
    description = rng.choice(DESCRIPTIONS[language]).format(year=deadline.year)
    row: dict[str, Any] = {
        "id": promise_id, "term_id": term.id, "number": number, "title": title,
        "description": description, "language": language, "category": template.category,
        "deadline": deadline, "original_deadline": original_deadline, "cost_estimate": cost,
        "funding_source": template.funding, "inherited": rng.random() < 0.07,
        "in_baseline": not added_later, "created_at": created, "updated_at": created,
        "created_by_id": None, "amendment_count": 0,
    }
    if added_later:
        settlement_names = village.names if village else {"kk": "", "ru": "", "en": ""}
        added = {key: [None, row[key] if not isinstance(row[key], date) else
                       row[key].isoformat()] for key in ("title", "description", "language",
                                                         "category", "deadline",
                                                         "cost_estimate", "funding_source",
                                                         "inherited")}
        added["settlements"] = [None, settlement_names]
        amendments.append(_amendment(ctx, rng, promise_id, "added", added, "added", language,
                                     created.date()))
    for amendment in amendments:  # time runs forward: a promise exists before it changes
        amendment["created_at"] = max(amendment["created_at"], created)
    row["amendment_count"] = len(amendments)
    rows.amendments.extend(amendments)
    if village is not None:
        rows.links.append({"promise_id": promise_id, "settlement_id": village.id})
    claims = _timeline(ctx, rng, term, row, language, horizon, created.date(), rows)
    _votes(ctx, rng, term, row, claims, language, rows, lead)
    rows.promises.append(row)


def _kindergarten_places(rng: random.Random, village: Village | None) -> int:
    """Places for some of the village's preschool children, in fives (so "мест" is right)."""
    children = (village.population if village else 0) * PRESCHOOL_PER_MILLE // 1000
    low, high = KINDERGARTEN_PLACES
    return max(low, min(high, children * rng.randint(60, 90) // 100 // 5 * 5))


def _timeline(ctx: SeedContext, rng: random.Random, term: TermSeed, row: dict[str, Any],
              language: str, horizon: date, created: date,
              rows: Rows) -> list[dict[str, Any]]:
    """Claims from the first update to the last, then perhaps a verdict. Returns the claims."""
    deadline: date = row["deadline"]
    first = max(term.starts_on, created) + timedelta(days=20)
    due = deadline <= horizon
    table = FINAL_WHEN_DUE if due else FINAL_NOT_DUE
    final = rng.choices([s for s, _ in table], [w for _, w in table])[0]
    if (horizon - first).days < 30:
        final = S.NOT_YET_RATED
    path: list[S] = []
    if final is not S.NOT_YET_RATED:
        if final is not S.IN_PROGRESS and rng.random() < 0.75:
            path.append(S.IN_PROGRESS)
        if final in (S.KEPT, S.IN_PROGRESS) and rng.random() < 0.45:
            path.append(S.IN_PROGRESS)
        if final is S.BROKEN and rng.random() < 0.5:
            path.append(S.STALLED)
        path.append(final)
    days = sorted(rng.sample(range(0, max(1, (horizon - first).days)), k=min(
        len(path), max(1, (horizon - first).days)))) if path else []
    current, progress, claims = S.NOT_YET_RATED, 0, []
    reason: str | None = None
    for index, status in enumerate(path):
        assert rules.claim_allowed(current, status), (current, status)  # noqa: S101
        on = first + timedelta(days=days[min(index, len(days) - 1)])
        progress = _progress(rng, status, progress)
        reason = rng.choices(*zip(*BROKEN_REASONS, strict=True))[0] \
            if status is S.BROKEN else None
        evidence = (status in rules.CLAIMS_NEEDING_EVIDENCE or status is S.BROKEN
                    or rng.random() < 0.5)
        claims.append(_update(ctx, rng, row, "claim", status, current, on, language, rows,
                              progress=progress, reason=reason, evidence=evidence))
        current = status
    row.update(claimed_status=current.value, claimed_progress=progress,
               claimed_broken_reason=reason if current is S.BROKEN else None,
               claimed_at=claims[-1]["created_at"] if claims else None,
               verified_status=None, verified_broken_reason=None, verified_at=None,
               status=current.value, confirm_count=0, dispute_count=0)
    if claims and current in (S.KEPT, S.PARTIALLY_KEPT, S.BROKEN) and rng.random() < 0.35:
        on = claims[-1]["created_at"].date() + timedelta(days=rng.randint(10, 90))
        if on <= ctx.as_of:
            verdict = _verdict(rng, current)
            verdict_reason = (reason or "no_funding") if verdict is S.BROKEN else None
            entry = _update(ctx, rng, row, "verdict", verdict, None, on, language, rows,
                            reason=verdict_reason, evidence=verdict is S.BROKEN)
            row.update(verified_status=verdict.value, verified_broken_reason=verdict_reason,
                       verified_at=entry["created_at"], status=verdict.value)
    return claims


def _progress(rng: random.Random, status: S, previous: int) -> int:
    if status is S.KEPT:
        return 100
    if status is S.IN_PROGRESS:
        return min(95, previous + rng.randint(10, 45))
    if status is S.PARTIALLY_KEPT:
        return max(previous, rng.randint(45, 85))
    return previous


def _verdict(rng: random.Random, claimed: S) -> S:
    """Mostly the verifiers agree; sometimes they find less than claimed, or cannot tell."""
    roll = rng.random()
    if roll < 0.72:
        return claimed
    if roll < 0.9 and claimed is S.KEPT:
        return S.PARTIALLY_KEPT
    if roll < 0.9 and claimed is S.PARTIALLY_KEPT:
        return S.BROKEN
    return S.NOT_VERIFIABLE if claimed is not S.BROKEN else S.BROKEN


def _update(ctx: SeedContext, rng: random.Random, promise: dict[str, Any], kind: str,
            status: S, previous: S | None, on: date, language: str, rows: Rows, *,
            progress: int | None = None, reason: str | None = None,
            evidence: bool = False) -> dict[str, Any]:
    update_id = ctx.new_id(PromiseUpdate)
    verdict = kind == "verdict"
    if status is S.BROKEN and on < promise["deadline"]:
        evidence = True  # the rule: broken before the deadline only with evidence
    author_email = rng.choice(("moderator@demo.kz", "staff@demo.kz")) if verdict else None
    entry = {
        "id": update_id, "promise_id": promise["id"], "kind": kind, "status": status.value,
        "previous_status": previous.value if previous else None,
        "progress": progress, "broken_reason": reason,
        "note": rng.choice(NOTES[language][status.value]) if not verdict else "",
        "source": rng.choice(SOURCES[language]) if verdict else None,
        "author_id": ctx.demo.user_ids.get(author_email or "") if verdict else None,
        "author_role": ("staff" if author_email == "staff@demo.kz" else "moderator")
        if verdict else "akim",
        "created_at": _at(on, rng), "confirm_count": 0, "dispute_count": 0,
    }
    if not verdict and not ctx.national and promise["term_id"] == ctx.demo.akim_term_id:
        entry["author_id"] = ctx.demo.user_ids.get("akim@demo.kz")
    rows.updates.append(entry)
    if evidence:
        for index in range(1 if ctx.national else rng.randint(1, 2)):
            extension = "pdf" if index else rng.choice(("jpg", "pdf"))
            rows.evidence.append({
                "id": ctx.new_id(PromiseEvidence), "update_id": update_id, "file_id": None,
                "url": f"https://evidence.example.org/promises/{promise['id']}/{update_id}-"
                       f"{index + 1}"
                       f".{extension}",
            })
    return entry


def _amendment(ctx: SeedContext, rng: random.Random, promise_id: int, kind: str,
               changes: dict[str, Any], why: str, language: str, on: date) -> dict[str, Any]:
    return {"id": ctx.new_id(PromiseAmendment), "promise_id": promise_id, "kind": kind,
            "changes": changes, "reason": rng.choice(AMENDMENT_REASONS[language][why]),
            "author_id": None, "created_at": _at(on, rng)}


def _votes(ctx: SeedContext, rng: random.Random, term: TermSeed, promise: dict[str, Any],
           claims: list[dict[str, Any]], language: str, rows: Rows, lead: bool) -> None:
    """Residents answer claims: mostly the current one. The demo citizen answers only two
    claims of their district, so others are left for them (and the journey test) to answer."""
    residents = ctx.residents.get(term.rural_district_id, [])
    if not claims or not residents:
        return
    verified = promise["verified_status"]
    latest = datetime.combine(ctx.as_of, time(12), UTC)
    for position, claim in enumerate(claims):
        current = position == len(claims) - 1
        if not current and (ctx.national or rng.random() < 0.5):
            continue
        most = 8 if ctx.national else 30
        voters = rng.sample(residents, k=rng.randint(0, min(most, len(residents))))
        status = S(claim["status"])
        share = CONFIRM_SHARE.get(status, 0.6)
        if verified is not None and verified != claim["status"] and current:
            share = 0.3
        if lead and current and promise["number"] in (2, 5) and ctx.demo.citizen_user_id:
            voters.append(ctx.demo.citizen_user_id)
        for user_id in voters:
            confirm = rng.random() < share
            comment = rng.choice(VOTE_COMMENTS[language]) \
                if not ctx.national and rng.random() < 0.25 else None
            when = min(claim["created_at"] + timedelta(hours=rng.randint(2, 24 * 40)),
                       latest)
            rows.votes.append({
                "id": ctx.new_id(PromiseVote), "update_id": claim["id"], "user_id": user_id,
                "choice": "confirm" if confirm else "dispute", "comment": comment,
                "created_at": when, "updated_at": when,
            })
            claim["confirm_count" if confirm else "dispute_count"] += 1
        if current:
            promise["confirm_count"] = claim["confirm_count"]
            promise["dispute_count"] = claim["dispute_count"]


def _demo_follows(ctx: SeedContext, rows: Rows) -> None:
    """The demo citizen follows two promises of their akim."""
    citizen = ctx.demo.citizen_user_id
    lead = [row for row in rows.promises if row["term_id"] == ctx.demo.akim_term_id]
    if citizen is None:
        return
    now = datetime.combine(ctx.as_of, time(9), UTC)
    rows.followers.extend({"id": ctx.new_id(Follow), "user_id": citizen,
                           "target": FollowTarget.PROMISE.value, "target_id": row["id"],
                           "active": True, "created_at": now} for row in lead[:2])


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _at(day: date, rng: random.Random) -> datetime:
    """A working-hours moment on that day, in UTC (Almaty is UTC+5)."""
    return datetime.combine(day, time(rng.randint(3, 12), rng.randint(0, 59)), UTC)
