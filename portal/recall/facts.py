"""Set-based fact gathering: one query per domain over all the terms being evaluated.

Only what was on record on the as-of date is used where the data says when it arrived:
reports by the day a version covering their whole period was published (`Report.covered_on`:
an interim report does not count), promises by their timeline (claims and verdicts made
by the end of that day in Almaty), petition signatures by when they were given and
withdrawn. Budget lines carry no arrival date: a fiscal year counts once it has ended and its
actuals cover twelve months.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from portal.akims.models import Term
from portal.budgets.models import BudgetYearSummary
from portal.clock import zone
from portal.extensions import db
from portal.geo.models import RuralDistrict
from portal.promises.models import Promise, PromiseStatus, PromiseUpdate, UpdateKind
from portal.recall.models import Petition, PetitionSignature
from portal.recall.rules import (
    FiscalYear,
    MissingReport,
    PetitionFacts,
    PromiseFacts,
    ReportingFacts,
    SatisfactionFacts,
    TermInfo,
)
from portal.reports.models import Report

__all__ = ["SatisfactionFacts", "budget_facts", "day_end", "petition_facts", "promise_facts",
           "reporting_facts", "satisfaction_facts", "serving_terms"]


def day_end(as_of: date) -> datetime:
    """The first moment after the as-of day in Kazakhstan, in UTC: records made before it
    were known on that day."""
    return datetime.combine(as_of + timedelta(days=1), time(0), zone()).astimezone(UTC)


def serving_terms(as_of: date) -> list[TermInfo]:
    """Terms in office on the as-of date: begun by then and not ended before it. One query."""
    statement = (
        select(Term.id, Term.akim_id, Term.rural_district_id, Term.starts_on, Term.ends_on,
               RuralDistrict.registered_voters)
        .join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
        .where(Term.starts_on <= as_of, or_(Term.ended_on.is_(None), Term.ended_on >= as_of))
        .order_by(Term.id)
    )
    return [TermInfo(*row) for row in db.session.execute(statement)]


def reporting_facts(term_ids: Iterable[int], as_of: date) -> dict[int, ReportingFacts]:
    """Reports due before the as-of date and not covered by it (the day a version covering
    the whole period was published is after it, or never: an interim report does not count).
    One query."""
    ids = sorted(set(term_ids))
    found: dict[int, list[MissingReport]] = defaultdict(list)
    if ids:
        statement = (
            select(Report.term_id, Report.id, Report.period_start, Report.period_end,
                   Report.due_on)
            .where(Report.term_id.in_(ids), Report.due_on < as_of,
                   or_(Report.covered_on.is_(None),
                       Report.covered_on > as_of))
            .order_by(Report.term_id, Report.due_on)
        )
        for term_id, report_id, start, end, due_on in db.session.execute(statement):
            found[term_id].append(MissingReport(report_id, start, end, due_on))
    return {term_id: ReportingFacts(tuple(items)) for term_id, items in found.items()}


def promise_facts(term_ids: Iterable[int], as_of: date) -> dict[int, PromiseFacts]:
    """Each term's promises known on the as-of date, counted by their status then: the latest
    verdict made by then, else the latest claim (or reopening), else "not yet rated" — the
    same effective status `Promise.status` holds today. One query.

    The deadline is the current one (amended deadlines are not replayed into the past).
    """
    ids = sorted(set(term_ids))
    if not ids:
        return {}
    cutoff = day_end(as_of)

    def latest(kinds: tuple[UpdateKind, ...]) -> Any:
        ranked = (
            select(PromiseUpdate.promise_id, PromiseUpdate.status,
                   func.row_number().over(
                       partition_by=PromiseUpdate.promise_id,
                       order_by=(PromiseUpdate.created_at.desc(), PromiseUpdate.id.desc()),
                   ).label("rank"))
            .join(Promise, Promise.id == PromiseUpdate.promise_id)
            .where(Promise.term_id.in_(ids), PromiseUpdate.kind.in_(kinds),
                   PromiseUpdate.created_at < cutoff)
            .subquery()
        )
        return select(ranked.c.promise_id, ranked.c.status).where(ranked.c.rank == 1).subquery()

    verdict = latest((UpdateKind.VERDICT,))
    claim = latest((UpdateKind.CLAIM, UpdateKind.REOPEN))
    status = func.coalesce(verdict.c.status, claim.c.status, PromiseStatus.NOT_YET_RATED.value)
    due = Promise.deadline <= as_of
    statement = (
        select(Promise.term_id, Promise.id, due, status)
        .outerjoin(verdict, verdict.c.promise_id == Promise.id)
        .outerjoin(claim, claim.c.promise_id == Promise.id)
        .where(Promise.term_id.in_(ids), Promise.created_at < cutoff, due)
        .order_by(Promise.term_id, Promise.number, Promise.id)
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    broken: dict[int, list[int]] = defaultdict(list)
    for term_id, promise_id, _due, value in db.session.execute(statement):
        tally = counts[term_id]
        tally["due"] += 1
        tally[str(value)] += 1
        if value == PromiseStatus.BROKEN.value:
            broken[term_id].append(promise_id)
    return {
        term_id: PromiseFacts(
            due=tally["due"], kept=tally[PromiseStatus.KEPT.value],
            broken=tally[PromiseStatus.BROKEN.value],
            partially_kept=tally[PromiseStatus.PARTIALLY_KEPT.value],
            withdrawn=tally[PromiseStatus.WITHDRAWN.value],
            broken_ids=tuple(broken[term_id]),
        )
        for term_id, tally in counts.items()
    }


def satisfaction_facts(term_ids: Iterable[int], as_of: date,
                       reports: int = 2) -> dict[int, SatisfactionFacts]:
    """Ratings by verified residents of each term's last `reports` published reports (those
    first published on or before `as_of`). One query, in the feedback domain's reader.

    The counts are the maintained tallies as they stand now: an evaluation of a past date
    counts ratings given since then to those same reports (ratings carry no history).
    """
    from portal.feedback.readers import recent_report_ratings_for_terms

    return {term_id: SatisfactionFacts(window.count, window.average, tuple(window.report_ids))
            for term_id, window in recent_report_ratings_for_terms(
                term_ids, reports=reports, as_of=as_of).items()}


def petition_facts(term_ids: Iterable[int], as_of: date) -> dict[int, PetitionFacts]:
    """Per term, the petition with the most signatures valid at the end of the as-of day:
    given by then and not withdrawn by then. One query."""
    ids = sorted(set(term_ids))
    if not ids:
        return {}
    cutoff = day_end(as_of)
    valid = and_(PetitionSignature.signed_at < cutoff,
                 or_(PetitionSignature.withdrawn_at.is_(None),
                     PetitionSignature.withdrawn_at >= cutoff))
    statement = (
        select(Petition.term_id, Petition.id,
               func.coalesce(func.sum(case((valid, 1), else_=0)), 0))
        .join(PetitionSignature, PetitionSignature.petition_id == Petition.id)
        .where(Petition.term_id.in_(ids), Petition.opened_at < cutoff)
        .group_by(Petition.term_id, Petition.id)
    )
    best: dict[int, PetitionFacts] = {}
    for term_id, petition_id, signatures in db.session.execute(statement):
        facts = PetitionFacts(petition_id, int(signatures))
        current = best.get(term_id)
        if current is None or (facts.signatures, facts.petition_id) > (
                current.signatures, current.petition_id):
            best[term_id] = facts
    return {term_id: facts for term_id, facts in best.items() if facts.signatures > 0}


def budget_facts(rural_district_ids: Iterable[int],
                 as_of: date) -> dict[int, tuple[FiscalYear, ...]]:
    """Closed fiscal years (ended before the as-of year, actuals through December) of each
    rural district, from the maintained yearly summaries. One query."""
    ids = sorted(set(rural_district_ids))
    found: dict[int, list[FiscalYear]] = defaultdict(list)
    if ids:
        statement = (
            select(BudgetYearSummary.rural_district_id, BudgetYearSummary.year,
                   BudgetYearSummary.plan_own, BudgetYearSummary.actual_own,
                   BudgetYearSummary.actual_through)
            .where(BudgetYearSummary.rural_district_id.in_(ids),
                   BudgetYearSummary.year < as_of.year,
                   BudgetYearSummary.actual_through == 12)
            .order_by(BudgetYearSummary.rural_district_id, BudgetYearSummary.year)
        )
        for rural_district_id, year, plan_own, actual_own, through in db.session.execute(
                statement):
            found[rural_district_id].append(
                FiscalYear(int(year), int(plan_own), int(actual_own), int(through)))
    return {key: tuple(items) for key, items in found.items()}
