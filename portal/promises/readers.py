"""Set-based readers for pages, the API and PDF dossiers: one query for any number of terms.

Indicators count the effective status (the verified verdict where there is one, else the
akim's claim). "Due" means the deadline is on or before the as-of date; "overdue" means it
has passed and the promise is still open (see `rules.OPEN_STATUSES`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.akims.models import Term, TermStatus
from portal.extensions import cache, db
from portal.geo.models import District, RuralDistrict
from portal.promises.models import (
    Programme,
    Promise,
    PromiseCategory,
    PromiseEvidence,
    PromiseStatus,
    PromiseUpdate,
)
from portal.promises.rules import OPEN_STATUSES
from portal.reports.timeliness import local_today

S = PromiseStatus
ROLLUP_CACHE_SECONDS = 300


@dataclass(frozen=True)
class PromiseSummary:
    """Counts for one term or one area, as of an Almaty day.

    `kept`, `partially_kept`, `broken`, … count promises by status, due or not (they add up
    to `total`). The figures of `portal.figures` are counted among the promises due:
    `kept_due` and `broken_due`, with their shares of `due`; kept or broken before the
    deadline (`kept_early`, `broken_early`) are shown apart, never in a share.
    """

    total: int = 0
    due: int = 0
    overdue: int = 0
    kept: int = 0
    kept_due: int = 0
    partially_kept: int = 0
    broken: int = 0
    broken_due: int = 0
    in_progress: int = 0
    stalled: int = 0
    not_yet_rated: int = 0
    withdrawn: int = 0
    other: int = 0  # not verifiable or outside the akim's competence
    verified: int = 0  # with an independent verdict
    terms: int = 0  # how many terms (programmes) were counted

    @property
    def kept_share_of_due(self) -> Decimal | None:
        """The normalised comparison: kept among the promises whose deadline has come."""
        if not self.due:
            return None
        return Decimal(self.kept_due) / Decimal(self.due)

    @property
    def broken_share_of_due(self) -> Decimal | None:
        """Broken among the promises whose deadline has come."""
        if not self.due:
            return None
        return Decimal(self.broken_due) / Decimal(self.due)

    @property
    def kept_early(self) -> int:
        """Kept although the deadline is still ahead (not in any share)."""
        return self.kept - self.kept_due

    @property
    def broken_early(self) -> int:
        """Declared broken before the deadline (not in any share)."""
        return self.broken - self.broken_due

    def as_dict(self) -> dict[str, Any]:
        values = asdict(self)
        share = self.kept_share_of_due
        values["kept_share_of_due"] = float(round(share, 4)) if share is not None else None
        broken = self.broken_share_of_due
        values["broken_share_of_due"] = float(round(broken, 4)) if broken is not None else None
        values["kept_early"], values["broken_early"] = self.kept_early, self.broken_early
        return values


@dataclass(frozen=True)
class PromiseRow:
    """A promise as plain values, for lists, the API and PDFs."""

    id: int
    term_id: int
    number: int
    title: str
    language: str
    category: PromiseCategory
    deadline: date
    original_deadline: date
    cost_estimate: int | None
    funding_source: str | None
    inherited: bool
    in_baseline: bool
    claimed_status: PromiseStatus
    claimed_progress: int
    verified_status: PromiseStatus | None
    status: PromiseStatus
    confirm_count: int
    dispute_count: int
    amendment_count: int
    due: bool
    overdue: bool
    synthetic: bool = False  # made by a seed (portal.modeling.Synthetic)
    budget_function: str | None = None  # the functional group paying for it ("07"), if linked
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values: enums by value, dates ISO."""
        values = asdict(self)
        values.pop("extra")
        for key, value in values.items():
            if isinstance(value, PromiseStatus | PromiseCategory):
                values[key] = value.value
            elif isinstance(value, date):
                values[key] = value.isoformat()
        return values


def _counts(as_of: date) -> list[ColumnElement[Any]]:
    """The aggregate columns of a summary, in `PromiseSummary` field order (after `terms`)."""
    due = Promise.deadline <= as_of

    def where(condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return [
        func.count(Promise.id),
        where(due),
        where(and_(Promise.deadline < as_of, Promise.status.in_(OPEN_STATUSES))),
        where(Promise.status == S.KEPT),
        where(and_(due, Promise.status == S.KEPT)),
        where(Promise.status == S.PARTIALLY_KEPT),
        where(Promise.status == S.BROKEN),
        where(and_(due, Promise.status == S.BROKEN)),
        where(Promise.status == S.IN_PROGRESS),
        where(Promise.status == S.STALLED),
        where(Promise.status == S.NOT_YET_RATED),
        where(Promise.status == S.WITHDRAWN),
        where(Promise.status.in_((S.NOT_VERIFIABLE, S.OUTSIDE_COMPETENCE))),
        where(Promise.verified_status.is_not(None)),
        func.count(func.distinct(Promise.term_id)),
    ]


def summary_of(values: Sequence[Any]) -> PromiseSummary:
    """A summary from the columns of `_counts` (NULLs, a term without promises: zeros)."""
    return PromiseSummary(*(int(value or 0) for value in values))


def summary_statement(ids: Sequence[int], as_of: date) -> Select[Any]:
    """Term id, then the columns of `summary_of`, grouped by term (`portal.figures` joins it
    with the other figures' statements into one query)."""
    return (select(Promise.term_id, *_counts(as_of)).where(Promise.term_id.in_(ids))
            .group_by(Promise.term_id))


def summaries_for_terms(term_ids: Iterable[int],
                        as_of: date | None = None) -> dict[int, PromiseSummary]:
    """Each term's summary, in ONE grouped query; terms without promises are left out."""
    ids = sorted(set(term_ids))
    if not ids:
        return {}
    statement = summary_statement(ids, as_of or local_today())
    return {row[0]: summary_of(row[1:]) for row in db.session.execute(statement)}


def summaries_by_category_for_terms(
        term_ids: Iterable[int], as_of: date | None = None,
) -> dict[int, dict[PromiseCategory, PromiseSummary]]:
    """Each term's summary per promise category (the same counts as `summaries_for_terms`,
    grouped once more): ONE query. Categories without promises are left out."""
    ids = sorted(set(term_ids))
    result: dict[int, dict[PromiseCategory, PromiseSummary]] = {term_id: {} for term_id in ids}
    if not ids:
        return result
    as_of = as_of or local_today()
    statement = (select(Promise.term_id, Promise.category, *_counts(as_of))
                 .where(Promise.term_id.in_(ids))
                 .group_by(Promise.term_id, Promise.category))
    for row in db.session.execute(statement):
        result[row[0]][PromiseCategory(row[1])] = summary_of(row[2:])
    return result


def combine(summaries: Iterable[PromiseSummary]) -> PromiseSummary:
    """Add summaries up (an area from its parts)."""
    totals = [0] * len(fields(PromiseSummary))
    for summary in summaries:
        for index, item in enumerate(fields(PromiseSummary)):
            totals[index] += getattr(summary, item.name)
    return PromiseSummary(*totals)


def promises_for_terms(term_ids: Iterable[int],
                       as_of: date | None = None) -> dict[int, list[PromiseRow]]:
    """Each term's promises in programme order, as plain rows, in ONE query."""
    ids = sorted(set(term_ids))
    result: dict[int, list[PromiseRow]] = {term_id: [] for term_id in ids}
    if not ids:
        return result
    as_of = as_of or local_today()
    statement = (select(Promise).options(joinedload(Promise.budget_function))
                 .where(Promise.term_id.in_(ids))
                 .order_by(Promise.term_id, Promise.number, Promise.id))
    for promise in db.session.scalars(statement):
        result[promise.term_id].append(row_of(promise, as_of))
    return result


def row_of(promise: Promise, as_of: date) -> PromiseRow:
    return PromiseRow(
        id=promise.id, term_id=promise.term_id, number=promise.number, title=promise.title,
        language=promise.language, category=promise.category, deadline=promise.deadline,
        original_deadline=promise.original_deadline, cost_estimate=promise.cost_estimate,
        funding_source=promise.funding_source.value if promise.funding_source else None,
        inherited=promise.inherited, in_baseline=promise.in_baseline,
        claimed_status=promise.claimed_status, claimed_progress=promise.claimed_progress,
        verified_status=promise.verified_status, status=promise.status,
        confirm_count=promise.confirm_count, dispute_count=promise.dispute_count,
        amendment_count=promise.amendment_count, due=promise.deadline <= as_of,
        overdue=promise.is_overdue(as_of), synthetic=promise.synthetic,
        budget_function=promise.budget_function.code if promise.budget_function else None,
    )


# --------------------------------------------------------------------------- areas

def _serving(statement: Select[Any]) -> Select[Any]:
    return (statement.join(Term, Term.id == Promise.term_id)
            .where(Term.status == TermStatus.SERVING))


def area_summary(level: str, area_id: int | None = None,
                 as_of: date | None = None) -> PromiseSummary:
    """Serving terms' promises in the nation, a region or a district (cached a few minutes)."""
    as_of = as_of or local_today()
    key = f"promises:area:v2:{level}:{area_id}:{as_of.isoformat()}"
    cached = cache.get(key)
    if isinstance(cached, PromiseSummary):
        return cached
    statement = _serving(select(*_counts(as_of)))
    if level == "region":
        statement = (statement.join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
                     .join(District, District.id == RuralDistrict.district_id)
                     .where(District.region_id == area_id))
    elif level == "district":
        statement = (statement.join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
                     .where(RuralDistrict.district_id == area_id))
    summary = summary_of(db.session.execute(statement).one())
    cache.set(key, summary, timeout=ROLLUP_CACHE_SECONDS)
    return summary


def area_breakdown(level: str, area_id: int | None = None,
                   as_of: date | None = None) -> dict[int, PromiseSummary]:
    """One level down, in one grouped query: the nation by region, a region by district, a
    district by rural district."""
    as_of = as_of or local_today()
    key = f"promises:breakdown:v2:{level}:{area_id}:{as_of.isoformat()}"
    cached = cache.get(key)
    if isinstance(cached, dict):
        return cached
    joined = _serving(select()).join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
    group: Any
    if level == "nation":
        group = District.region_id
        joined = joined.join(District, District.id == RuralDistrict.district_id)
    elif level == "region":
        group = RuralDistrict.district_id
        joined = (joined.join(District, District.id == RuralDistrict.district_id)
                  .where(District.region_id == area_id))
    else:
        group = RuralDistrict.id
        joined = joined.where(RuralDistrict.district_id == area_id)
    statement = joined.add_columns(group, *_counts(as_of)).group_by(group)
    result = {row[0]: summary_of(row[1:]) for row in db.session.execute(statement)}
    cache.set(key, result, timeout=ROLLUP_CACHE_SECONDS)
    return result


# --------------------------------------------------------------------------- pages

def promise_for_page(promise_id: int) -> Promise | None:
    """A promise with everything its public page shows, in four queries (its functional
    group's spending is one more: `funding.paid_from`)."""
    return db.session.scalar(
        select(Promise)
        .options(
            joinedload(Promise.term).joinedload(Term.akim),
            joinedload(Promise.term).joinedload(Term.rural_district)
            .joinedload(RuralDistrict.district).joinedload(District.region),
            selectinload(Promise.settlements), joinedload(Promise.budget_function),
            selectinload(Promise.updates).joinedload(PromiseUpdate.evidence)
            .joinedload(PromiseEvidence.file),
            selectinload(Promise.amendments),
        )
        .where(Promise.id == promise_id)
    )


def programme_page(term: Term, as_of: date | None = None) -> tuple[Programme | None,
                                                                   list[Promise]]:
    """A term's programme and promises with their amendments: three queries."""
    programme = db.session.scalar(select(Programme).where(Programme.term_id == term.id))
    promises = list(db.session.scalars(
        select(Promise).options(selectinload(Promise.amendments))
        .where(Promise.term_id == term.id).order_by(Promise.number, Promise.id)
    ))
    return programme, promises
