"""The evaluation: gather facts for every serving term, apply the rules, diff against the live
flags, write the differences in bulk. The CLI (`flask recall evaluate`) and the daily job call
`evaluate`; both commit once afterwards and then notify the akims of new flags.

Idempotent: a second run with the same as-of date and rules changes no flag. Runs go forward
in time: a date before the latest run's would diff the past against the future, so it is
refused (use `findings_at` for a read-only look at an earlier date).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, insert, select, update

from portal import audit
from portal.extensions import db
from portal.formats import date_text
from portal.modeling import utcnow
from portal.notifications import signals
from portal.recall import facts as gather
from portal.recall.models import (
    UNDECIDED,
    ClearReason,
    Flag,
    FlagStatus,
    RecallEvaluation,
    RuleCode,
)
from portal.recall.rules import Finding, TermFacts, TermInfo, evaluate_term
from portal.recall.ruleset import RuleSet, ensure_current_version

FlagKey = tuple[int, RuleCode, str]


class EvaluationError(RuntimeError):
    """The evaluation cannot run as asked; the message says why."""


@dataclass
class Findings:
    as_of: date
    terms: list[TermInfo]
    findings: dict[FlagKey, Finding]

    def by_rule(self) -> Counter[RuleCode]:
        return Counter(finding.rule for finding in self.findings.values())


@dataclass
class EvaluationOutcome:
    evaluation: RecallEvaluation
    findings: Findings
    raised_ids: list[int] = field(default_factory=list)
    confirmed: int = 0
    cleared_ids: list[int] = field(default_factory=list)


def findings_at(as_of: date, rules: RuleSet) -> Findings:
    """What the rules find on every term serving on `as_of`: six queries, whatever the
    number of terms. Writes nothing."""
    terms = gather.serving_terms(as_of)
    ids = [term.id for term in terms]
    reporting = gather.reporting_facts(ids, as_of) if rules.reporting.enabled else {}
    promises = gather.promise_facts(ids, as_of) if rules.promises.enabled else {}
    satisfaction = (gather.satisfaction_facts(ids, as_of, reports=rules.satisfaction.reports)
                    if rules.satisfaction.enabled else {})
    petitions = gather.petition_facts(ids, as_of) if rules.petition.enabled else {}
    budgets = (gather.budget_facts({term.rural_district_id for term in terms}, as_of)
               if rules.budget.enabled else {})
    found: dict[FlagKey, Finding] = {}
    for term in terms:
        term_facts = TermFacts(
            reporting=reporting.get(term.id, TermFacts().reporting),
            promises=promises.get(term.id), satisfaction=satisfaction.get(term.id),
            petition=petitions.get(term.id),
            fiscal_years=budgets.get(term.rural_district_id, ()),
        )
        for finding in evaluate_term(term, term_facts, rules, as_of):
            found[finding.key] = finding
    return Findings(as_of, terms, found)


def latest_evaluated_on() -> date | None:
    return db.session.scalar(select(func.max(RecallEvaluation.as_of)))


def evaluate(as_of: date, actor: Any, now: datetime | None = None) -> EvaluationOutcome:
    """Evaluate every serving term on `as_of` and bring the flags in line. Flushes and
    audits; the caller commits, then calls `portal.recall.notify.flags_raised`.

    `now` is the real moment of the run (new flags are hidden for the response window from
    it); the seed passes a moment in the past.
    """
    latest = latest_evaluated_on()
    if latest is not None and as_of < latest:
        raise EvaluationError(_(
            "The flags were last evaluated as of %(latest)s; evaluations go forward in time, "
            "so %(as_of)s cannot be evaluated now.",
            latest=date_text(latest), as_of=date_text(as_of)))
    clock_given = now is not None
    now = now or utcnow()
    number, rules = ensure_current_version(actor)
    run = RecallEvaluation(as_of=as_of, rule_version=number, actor_label=_label(actor),
                           started_at=now)
    db.session.add(run)
    db.session.flush()
    found = findings_at(as_of, rules)
    outcome = EvaluationOutcome(run, found)
    serving = {term.id for term in found.terms}
    live = {(flag.term_id, flag.rule, flag.subject): flag for flag in db.session.execute(
        select(Flag.id, Flag.term_id, Flag.rule, Flag.subject, Flag.status, Flag.severity,
               Flag.last_confirmed_on, Flag.current_evidence, Flag.confirmed_rule_version)
        .where(Flag.cleared_on.is_(None))
    )}
    window = timedelta(days=rules.response_window_days)
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for key, finding in found.findings.items():
        flag = live.get(key)
        if flag is None:
            inserts.append({
                "term_id": finding.term_id, "rule": finding.rule.value,
                "subject": finding.subject, "severity": finding.severity.value,
                "status": FlagStatus.OPEN.value, "evidence": finding.evidence,
                "current_evidence": finding.evidence, "first_raised_on": as_of,
                "last_confirmed_on": as_of, "rule_version": number,
                "confirmed_rule_version": number, "raised_by_evaluation_id": run.id,
                "raised_at": now, "public_from": now + window,
            })
            continue
        outcome.confirmed += 1
        values = {"last_confirmed_on": as_of, "current_evidence": finding.evidence,
                  "confirmed_rule_version": number, "severity": finding.severity}
        if (flag.last_confirmed_on, flag.current_evidence, flag.confirmed_rule_version,
                flag.severity) != tuple(values.values()):
            updates.append({"id": flag.id, **values})
    clears: list[dict[str, Any]] = []
    for key, flag in live.items():
        if key in found.findings:
            continue
        term_id, rule, _subject = key
        if term_id not in serving:
            reason = ClearReason.TERM_ENDED
        elif not rules.rule(rule).enabled:
            reason = ClearReason.RULE_DISABLED
        else:
            reason = ClearReason.CONDITION_ENDED
        status = FlagStatus.CLEARED if flag.status in UNDECIDED else flag.status
        clears.append({"id": flag.id, "cleared_on": as_of, "clear_reason": reason,
                       "status": status})
    if inserts:
        # One executemany, then the new ids by the run that raised them (RETURNING with
        # ordered parameters would send the rows one by one on SQLite).
        db.session.execute(insert(Flag), inserts)
        outcome.raised_ids = list(db.session.scalars(
            select(Flag.id).where(Flag.raised_by_evaluation_id == run.id).order_by(Flag.id)))
    if updates:
        db.session.execute(update(Flag), updates)
    if clears:
        db.session.execute(update(Flag), clears)
        outcome.cleared_ids = [row["id"] for row in clears]
    run.terms, run.raised, run.confirmed = len(found.terms), len(inserts), outcome.confirmed
    run.cleared, run.finished_at = len(clears), now if clock_given else utcnow()
    db.session.flush()
    audit.record(actor, "recall.evaluate", run, None, {
        "as_of": as_of.isoformat(), "rule_version": number, "terms": run.terms,
        "raised": outcome.raised_ids, "cleared": outcome.cleared_ids,
        "confirmed": outcome.confirmed,
    })
    if outcome.raised_ids:
        signals.flags_raised.send(run, flag_ids=list(outcome.raised_ids), actor=actor)
    return outcome


def _label(actor: Any) -> str:
    if isinstance(actor, str):
        return actor
    if actor is None:
        return "system"
    return f"user:{actor.id}"

