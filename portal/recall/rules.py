"""The five rules as pure functions over one term's facts: no database, no clock.

Each check takes the facts a domain gathered (see `portal.recall.facts`), the rule's
thresholds (see `portal.recall.ruleset`) and the as-of date, and returns the findings that
fire with the evidence that made them fire. Comparisons are exact (fractions, never floats).
docs/recall.md states each definition in words; tests walk each threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from portal.figures import days_overdue
from portal.recall.models import RuleCode, Severity
from portal.recall.ruleset import (
    BudgetRule,
    PetitionRule,
    PromisesRule,
    ReportingRule,
    RuleSet,
    SatisfactionRule,
    plain_decimal,
)

FULL_YEAR_MONTHS = 12


@dataclass(frozen=True)
class TermInfo:
    """A term serving on the as-of date, with what the thresholds are normalised by."""

    id: int
    akim_id: int
    rural_district_id: int
    starts_on: date
    ends_on: date  # the scheduled end
    registered_voters: int | None  # None: not on record (the voter-share rules cannot judge)


@dataclass(frozen=True)
class MissingReport:
    report_id: int
    period_start: date
    period_end: date
    due_on: date


@dataclass(frozen=True)
class ReportingFacts:
    """The term's reports that were due before the as-of date and not published by then."""

    missing: tuple[MissingReport, ...] = ()


@dataclass(frozen=True)
class PromiseFacts:
    """Counts over the term's promises known on the as-of date, by their status then (the
    verdict where there is one, else the akim's claim). `due`: deadline on or before the date;
    the other counts are among the promises due."""

    due: int = 0
    kept: int = 0
    broken: int = 0
    partially_kept: int = 0
    withdrawn: int = 0
    broken_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class SatisfactionFacts:
    """Ratings by verified residents of the term's latest published reports (as of the date)."""

    count: int
    average: Decimal | None
    report_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class PetitionFacts:
    """The term's petition with the most valid signatures on the as-of date."""

    petition_id: int
    signatures: int


@dataclass(frozen=True)
class FiscalYear:
    year: int
    plan_own: int  # whole tenge: the adjusted plan where stated, else the approved one
    actual_own: int
    actual_through: int  # the last month the actuals cover; 12 for a closed year


@dataclass(frozen=True)
class TermFacts:
    reporting: ReportingFacts = ReportingFacts()
    promises: PromiseFacts | None = None
    satisfaction: SatisfactionFacts | None = None
    petition: PetitionFacts | None = None
    fiscal_years: tuple[FiscalYear, ...] = ()


@dataclass(frozen=True)
class Finding:
    """A rule that fires on a term: the natural key (term, rule, subject) and the evidence."""

    term_id: int
    rule: RuleCode
    severity: Severity
    evidence: dict[str, Any] = field(default_factory=dict)
    subject: str = ""

    @property
    def key(self) -> tuple[int, RuleCode, str]:
        return (self.term_id, self.rule, self.subject)


def ratio(numerator: int, denominator: int) -> str:
    """A share for the evidence: exact to four places, as a string."""
    value = Fraction(numerator, denominator)
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return str(exact.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


# --------------------------------------------------------------------------- rule 1

def check_reporting(term: TermInfo, facts: ReportingFacts, rule: ReportingRule,
                    as_of: date) -> Finding | None:
    """Fires when a report is missing more than `days_past_due` days after its due date
    (as_of − due_on > days), or when `missed_in_term` or more reports are missing."""
    missing = sorted(facts.missing, key=lambda item: item.due_on)
    overdue = [item for item in missing if (as_of - item.due_on).days > rule.days_past_due]
    reasons = []
    if overdue:
        reasons.append("overdue")
    if len(missing) >= rule.missed_in_term:
        reasons.append("missed")
    if not reasons:
        return None
    return Finding(term.id, RuleCode.REPORTING, rule.severity, {
        "as_of": as_of.isoformat(),
        "reasons": reasons,
        "missing_count": len(missing),
        "overdue_count": len(overdue),
        "days_past_due": rule.days_past_due,
        "missed_in_term": rule.missed_in_term,
        "missing": [{"report_id": item.report_id,
                     "period_start": item.period_start.isoformat(),
                     "period_end": item.period_end.isoformat(),
                     "due_on": item.due_on.isoformat(),
                     "days_past_due": days_overdue(item.due_on, as_of)} for item in missing],
    })


# --------------------------------------------------------------------------- rule 2

def promises_from(term: TermInfo, rule: PromisesRule) -> date:
    """The first day rule 2 applies: start + ⌊(end − start) × share⌋ days (mid-term by
    default)."""
    days = (term.ends_on - term.starts_on).days
    return term.starts_on + timedelta(days=int(Fraction(days) * Fraction(rule.from_term_share)))


def check_promises(term: TermInfo, facts: PromiseFacts | None, rule: PromisesRule,
                   as_of: date) -> Finding | None:
    """From `promises_from` on, with at least `min_due` promises due: fires when broken ones
    are at least `broken_share_at_least` of those due, or kept ones fewer than
    `kept_share_below` of them."""
    since = promises_from(term, rule)
    if as_of < since or facts is None or facts.due < max(1, rule.min_due):
        return None
    broken_share = Fraction(facts.broken, facts.due)
    kept_share = Fraction(facts.kept, facts.due)
    reasons = []
    if broken_share >= Fraction(rule.broken_share_at_least):
        reasons.append("broken")
    if kept_share < Fraction(rule.kept_share_below):
        reasons.append("kept")
    if not reasons:
        return None
    return Finding(term.id, RuleCode.PROMISES, rule.severity, {
        "as_of": as_of.isoformat(),
        "reasons": reasons,
        "applies_from": since.isoformat(),
        "due": facts.due,
        "kept": facts.kept,
        "broken": facts.broken,
        "partially_kept": facts.partially_kept,
        "withdrawn": facts.withdrawn,
        "broken_share": ratio(facts.broken, facts.due),
        "kept_share": ratio(facts.kept, facts.due),
        "broken_share_at_least": plain_decimal(rule.broken_share_at_least),
        "kept_share_below": plain_decimal(rule.kept_share_below),
        "broken_promise_ids": list(facts.broken_ids),
    })


# --------------------------------------------------------------------------- rule 3

def check_satisfaction(term: TermInfo, facts: SatisfactionFacts | None, rule: SatisfactionRule,
                       as_of: date) -> Finding | None:
    """Fires when at least max(`min_ratings`, ⌈`min_ratings_voter_share` × voters⌉) ratings
    from verified residents average below `average_below` over the last `reports` reports."""
    if facts is None or facts.average is None or term.registered_voters is None:
        return None
    minimum = rule.min_count(term.registered_voters)
    if facts.count < minimum or not Fraction(facts.average) < Fraction(rule.average_below):
        return None
    return Finding(term.id, RuleCode.SATISFACTION, rule.severity, {
        "as_of": as_of.isoformat(),
        "average": plain_decimal(facts.average),
        "count": facts.count,
        "min_count": minimum,
        "average_below": plain_decimal(rule.average_below),
        "reports": rule.reports,
        "report_ids": list(facts.report_ids),
        "registered_voters": term.registered_voters,
    })


# --------------------------------------------------------------------------- rule 4

def check_petition(term: TermInfo, facts: PetitionFacts | None, rule: PetitionRule,
                   as_of: date) -> Finding | None:
    """Fires when a petition has at least ⌈`voter_share` × voters⌉ valid signatures."""
    if facts is None or term.registered_voters is None:
        return None
    threshold = rule.threshold(term.registered_voters)
    if facts.signatures < threshold:
        return None
    return Finding(term.id, RuleCode.PETITION, rule.severity, {
        "as_of": as_of.isoformat(),
        "petition_id": facts.petition_id,
        "signatures": facts.signatures,
        "threshold": threshold,
        "voter_share": plain_decimal(rule.voter_share),
        "registered_voters": term.registered_voters,
    })


# --------------------------------------------------------------------------- rule 5

def counted_fiscal_year(term: TermInfo, year: FiscalYear, as_of: date) -> bool:
    """A fiscal year counts for a term when it has ended by the as-of date, its actuals
    cover all twelve months, and the term had begun by 1 July of it (the akim held office
    for at least half of it)."""
    return (year.year < as_of.year and year.actual_through == FULL_YEAR_MONTHS
            and term.starts_on <= date(year.year, 7, 1))


def check_budget(term: TermInfo, years: tuple[FiscalYear, ...], rule: BudgetRule,
                 as_of: date) -> list[Finding]:
    """One finding per counted fiscal year whose own revenue, actual / plan, is below
    `own_execution_below` (years with no own-revenue plan are not judged)."""
    findings = []
    for year in sorted(years, key=lambda item: item.year):
        if not counted_fiscal_year(term, year, as_of) or year.plan_own <= 0:
            continue
        if Fraction(year.actual_own, year.plan_own) >= Fraction(rule.own_execution_below):
            continue
        findings.append(Finding(term.id, RuleCode.BUDGET, rule.severity, {
            "as_of": as_of.isoformat(),
            "fiscal_year": year.year,
            "plan_own": year.plan_own,
            "actual_own": year.actual_own,
            "execution": ratio(year.actual_own, year.plan_own),
            "own_execution_below": plain_decimal(rule.own_execution_below),
        }, subject=str(year.year)))
    return findings


# --------------------------------------------------------------------------- all rules

def evaluate_term(term: TermInfo, facts: TermFacts, rules: RuleSet,
                  as_of: date) -> list[Finding]:
    """Every enabled rule on one term."""
    findings: list[Finding | None] = []
    if rules.reporting.enabled:
        findings.append(check_reporting(term, facts.reporting, rules.reporting, as_of))
    if rules.promises.enabled:
        findings.append(check_promises(term, facts.promises, rules.promises, as_of))
    if rules.satisfaction.enabled:
        findings.append(check_satisfaction(term, facts.satisfaction, rules.satisfaction, as_of))
    if rules.petition.enabled:
        findings.append(check_petition(term, facts.petition, rules.petition, as_of))
    result = [finding for finding in findings if finding is not None]
    if rules.budget.enabled:
        result.extend(check_budget(term, facts.fiscal_years, rules.budget, as_of))
    return result
