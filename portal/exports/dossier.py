"""The dossier's data: plain values for one akim or many, in a fixed number of queries.

Everything a dossier shows is prepared here, in the reader's language, as frozen dataclasses
of strings, numbers, dates and enum values; templates only format it. The same values are
hashed into the data fingerprint (`portal.exports.fingerprint`), so the fingerprint is
exactly what was rendered.

Which term: the akim's serving term, else the latest (as on the profile). Bundles take the
serving terms of an area. "Data as of" is the Almaty calendar day the figures are judged on:
deadlines, overdue promises and missing reports all depend on it.

Every figure (promise and report counts, ratings, budget) is `portal.figures`' value; the
lists beside them are formatted rows. Queries for any number of akims: terms and places
(2), figures (2), promises (1), evidence counts (1), reports (1), the promise entries of
published reports (1), the budgets' sources (1), flags (1), synthetic-data flag (1).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from portal.akims.models import Gender, Term, TermEndReason, TermStatus
from portal.budgets.indicators import YearIndicators
from portal.budgets.readers import Decision, budget_sources
from portal.exports import plugins
from portal.exports.scope import Scope
from portal.extensions import db
from portal.feedback.tallies import RatingSummary
from portal.figures.readers import figures_for_terms
from portal.geo.models import District, Region, RuralDistrict
from portal.promises.models import (
    Promise,
    PromiseCategory,
    PromiseEvidence,
    PromiseStatus,
    PromiseUpdate,
)
from portal.promises.readers import PromiseSummary, promises_for_terms
from portal.reports.models import Report, ReportPromiseEntry, ReportState, Timeliness
from portal.reports.readers import timelines_for_terms
from portal.reports.timeliness import ReportSummary, local_today
from portal.web.models import is_synthetic


@dataclass(frozen=True)
class Place:
    kato: str
    name: str


@dataclass(frozen=True)
class TermFacts:
    id: int
    rural_district: Place
    district: Place
    region: Place
    elected_on: date
    starts_on: date
    ends_on: date
    ended_on: date | None
    status: TermStatus
    end_reason: TermEndReason | None
    vote_share: Decimal  # percent
    turnout: Decimal  # percent
    population: int | None  # None: not on record
    registered_voters: int | None

    @property
    def last_day(self) -> date:
        return self.ended_on or self.ends_on

    @property
    def is_serving(self) -> bool:
        return self.status is TermStatus.SERVING


@dataclass(frozen=True)
class PromiseLine:
    number: int
    title: str
    language: str  # the language the akim wrote it in
    category: PromiseCategory
    deadline: date
    original_deadline: date
    status: PromiseStatus  # what indicators count: the verdict, else the claim
    claimed_status: PromiseStatus
    claimed_progress: int
    verified_status: PromiseStatus | None
    evidence_count: int
    confirm_count: int
    dispute_count: int
    overdue: bool
    in_baseline: bool


@dataclass(frozen=True)
class ReportPeriod:
    period_start: date
    period_end: date
    due_on: date
    first_published_on: date | None
    days_late: int | None
    timeliness: Timeliness
    days_overdue: int | None  # missing reports: days since the due date
    corrections: int  # published corrections after the first version


@dataclass(frozen=True)
class ReportEntryLine:
    """One promise's entry in the latest published version of a period's report."""

    period_start: date
    period_end: date
    promise_id: int
    promise_number: int
    promise_title: str
    promise_url: str  # the promise's public page
    claim: PromiseStatus
    text: str
    evidence_url: str


@dataclass(frozen=True)
class ReportOwed:
    due_on: date
    overdue: bool  # a missing report, owed since `due_on`


@dataclass(frozen=True)
class Dossier:
    """Everything one akim's dossier shows."""

    akim_id: int
    name: str
    name_other_script: str  # the name as the other script writes it, for citing
    birth_year: int | None
    gender: Gender
    party: str | None  # party code; None: self-nominated
    term: TermFacts
    other_terms: tuple[TermFacts, ...]
    promises: tuple[PromiseLine, ...]
    promise_summary: PromiseSummary
    reports: tuple[ReportPeriod, ...]
    report_summary: ReportSummary
    report_entries: tuple[ReportEntryLine, ...]  # oldest period first, in programme order
    budget_series: tuple[YearIndicators, ...]
    budget_headline: YearIndicators | None
    # Per year of the series: the maslikhat decisions behind its figures (empty: not recorded).
    budget_sources: tuple[tuple[int, tuple[Decision, ...]], ...]
    term_years: tuple[int, int]
    ratings: RatingSummary
    flags: tuple[plugins.FlagItem, ...] | None  # None: the recall domain is not installed
    as_of: date
    language: str
    public_url: str
    synthetic: bool

    @property
    def report_owed(self) -> ReportOwed | None:
        """What the "next report due" figure shows while a report is owed: the next due date,
        or, when none is ahead but reports are missing, the oldest missing one's (overdue)."""
        if self.report_summary.next_due_on is not None:
            return ReportOwed(self.report_summary.next_due_on, overdue=False)
        missing = [period.due_on for period in self.reports
                   if period.timeliness is Timeliness.MISSING]
        return ReportOwed(min(missing), overdue=True) if missing else None

    @property
    def open_flags(self) -> tuple[plugins.FlagItem, ...]:
        return tuple(flag for flag in self.flags or () if flag.is_open)

    @property
    def past_flags(self) -> tuple[plugins.FlagItem, ...]:
        return tuple(flag for flag in self.flags or () if not flag.is_open)

    @property
    def term_budget_series(self) -> tuple[YearIndicators, ...]:
        first, last = self.term_years
        return tuple(item for item in self.budget_series if first <= item.year <= last)


# --------------------------------------------------------------------------- building

def dossiers_for_akims(akim_ids: Sequence[int], language: str,
                       as_of: date | None = None) -> list[Dossier]:
    """One dossier per akim that has a term (the serving one, else the latest), in the
    order asked."""
    terms = _load_terms(list(akim_ids))
    chosen: dict[int, Term] = {}
    for term in terms:  # newest first within each akim
        current = chosen.get(term.akim_id)
        if current is None or (term.status is TermStatus.SERVING
                               and current.status is not TermStatus.SERVING):
            chosen[term.akim_id] = term
    ordered = [chosen[akim_id] for akim_id in akim_ids if akim_id in chosen]
    return _assemble(ordered, terms, language, as_of)


def dossiers_for_scope(scope: Scope, language: str, as_of: date | None = None) -> list[Dossier]:
    """The dossiers of every serving akim in an area, ordered by KATO code."""
    chosen_ids = scope.serving_terms()
    terms = _load_terms(select(Term.akim_id).where(Term.id.in_(chosen_ids)))
    by_id = {term.id: term for term in terms}
    return _assemble([by_id[term_id] for term_id in chosen_ids], terms, language, as_of)


def _load_terms(akim_ids: Select[Any] | list[int]) -> list[Term]:
    """Every term of the akims concerned, with akim and places: one query."""
    return list(db.session.scalars(
        select(Term)
        .options(joinedload(Term.akim),
                 joinedload(Term.rural_district).joinedload(RuralDistrict.district)
                 .joinedload(District.region))
        .where(Term.akim_id.in_(akim_ids))
        .order_by(Term.akim_id, Term.starts_on.desc(), Term.id.desc())
    ).unique())


def _assemble(chosen: list[Term], all_terms: Iterable[Term], language: str,
              as_of: date | None) -> list[Dossier]:
    if not chosen:
        return []
    as_of = as_of or local_today()
    term_ids = [term.id for term in chosen]
    promises = promises_for_terms(term_ids, as_of)
    evidence = evidence_counts(term_ids)
    reports = timelines_for_terms(term_ids, as_of)
    figures = figures_for_terms(term_ids, as_of, meetings=False)  # it shows none
    sources = budget_sources(term.rural_district_id for term in chosen)
    synthetic = is_synthetic()
    base_url = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    entries = published_entries(term_ids, base_url)
    terms_by_akim: dict[int, list[Term]] = defaultdict(list)
    for term in all_terms:
        terms_by_akim[term.akim_id].append(term)
    with force_locale(language):  # labels the plug-in resolves come out in this language
        flags = plugins.flags(term_ids)
    result = []
    for term in chosen:
        akim = term.akim
        rows = promises[term.id]
        lines = reports[term.id]
        counted = figures[term.id]
        budget = counted.term_budget
        latin = language == "en"
        result.append(Dossier(
            akim_id=akim.id,
            name=akim.full_name_latn if latin else akim.full_name,
            name_other_script=akim.full_name if latin else akim.full_name_latn,
            birth_year=akim.birth_year,
            gender=akim.gender,
            party=akim.party,
            term=term_facts(term, language),
            other_terms=tuple(term_facts(other, language)
                              for other in terms_by_akim[akim.id] if other.id != term.id),
            promises=tuple(
                PromiseLine(
                    number=row.number, title=row.title, language=row.language,
                    category=row.category, deadline=row.deadline,
                    original_deadline=row.original_deadline, status=row.status,
                    claimed_status=row.claimed_status, claimed_progress=row.claimed_progress,
                    verified_status=row.verified_status,
                    evidence_count=evidence.get(row.id, 0), confirm_count=row.confirm_count,
                    dispute_count=row.dispute_count, overdue=row.overdue,
                    in_baseline=row.in_baseline)
                for row in rows),
            promise_summary=counted.promises,
            reports=tuple(
                ReportPeriod(
                    period_start=line.period_start, period_end=line.period_end,
                    due_on=line.due_on, first_published_on=line.first_published_on,
                    days_late=line.days_late, timeliness=line.timeliness,
                    days_overdue=line.days_overdue(as_of)
                    if line.timeliness is Timeliness.MISSING else None,
                    corrections=max(0, line.current_version - 1))
                for line in lines),
            report_summary=counted.reports,
            report_entries=tuple(entries.get(term.id, ())),
            budget_series=tuple(budget.series) if budget else (),
            budget_headline=counted.budget,
            budget_sources=tuple(
                (item.year, tuple(decision for decision in sources.get(term.rural_district_id, [])
                                  if decision.year == item.year))
                for item in (budget.series if budget else ())),
            term_years=(term.starts_on.year, term.last_day.year),
            ratings=counted.ratings,
            flags=flags.get(term.id, ()) if flags is not None else None,
            as_of=as_of,
            language=language,
            public_url=f"{base_url}/akims/{akim.id}",
            synthetic=synthetic,
        ))
    return result


def term_facts(term: Term, language: str) -> TermFacts:
    rural_district = term.rural_district
    district = rural_district.district
    region: Region = district.region
    return TermFacts(
        id=term.id,
        rural_district=Place(rural_district.kato, rural_district.name_in(language)),
        district=Place(district.kato, district.name_in(language)),
        region=Place(region.kato, region.name_in(language)),
        elected_on=term.elected_on, starts_on=term.starts_on, ends_on=term.ends_on,
        ended_on=term.ended_on, status=term.status, end_reason=term.end_reason,
        vote_share=term.vote_share, turnout=term.turnout,
        population=rural_district.population,
        registered_voters=rural_district.registered_voters,
    )


def published_entries(term_ids: Sequence[int],
                      base_url: str) -> dict[int, list[ReportEntryLine]]:
    """Term id → the promise entries of its published reports, as their latest versions show
    them (`portal.reports.promise_entries`): one query."""
    result: dict[int, list[ReportEntryLine]] = defaultdict(list)
    if not term_ids:
        return result
    statement = (
        select(Report.term_id, Report.period_start, Report.period_end, Promise.id,
               Promise.number, Promise.title, ReportPromiseEntry.claim, ReportPromiseEntry.text,
               ReportPromiseEntry.evidence_url)
        .join(Report, Report.id == ReportPromiseEntry.report_id)
        .join(Promise, Promise.id == ReportPromiseEntry.promise_id)
        .where(Report.term_id.in_(list(term_ids)), Report.state == ReportState.PUBLISHED,
               ReportPromiseEntry.since_version.is_not(None),
               ReportPromiseEntry.until_version.is_(None))
        .order_by(Report.term_id, Report.period_start, Promise.number)
    )
    for (term_id, start, end, promise_id, number, title, claim, text,
         evidence_url) in db.session.execute(statement):
        result[term_id].append(ReportEntryLine(
            start, end, promise_id, number, title, f"{base_url}/promises/{promise_id}",
            PromiseStatus(claim), text, evidence_url))
    return result


def evidence_counts(term_ids: Sequence[int]) -> dict[int, int]:
    """Promise id → pieces of evidence (links and files) on its timeline: one query."""
    if not term_ids:
        return {}
    statement = (
        select(PromiseUpdate.promise_id, func.count(PromiseEvidence.id))
        .join(PromiseEvidence, PromiseEvidence.update_id == PromiseUpdate.id)
        .join(Promise, Promise.id == PromiseUpdate.promise_id)
        .where(Promise.term_id.in_(list(term_ids)))
        .group_by(PromiseUpdate.promise_id)
    )
    return {promise_id: int(count) for promise_id, count in db.session.execute(statement)}
