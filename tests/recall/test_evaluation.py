"""The evaluation: raising, confirming, clearing, idempotence, time travel, versions, notices."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.budgets.models import BudgetYearSummary
from portal.extensions import db
from portal.mail import outbox_messages
from portal.recall import evaluation, services
from portal.recall.jobs import run_evaluation
from portal.recall.models import (
    ClearReason,
    Flag,
    FlagStatus,
    RecallEvaluation,
    RuleCode,
    RuleSource,
)
from portal.recall.ruleset import RuleSet, save_version
from tests.factories import FlagFactory, TermFactory, UserFactory
from tests.recall.helpers import budget_year, petition, report

AS_OF = date(2026, 3, 1)
NOW = datetime(2026, 3, 1, 21, 30, tzinfo=UTC)


def flags() -> list[Flag]:
    return list(db.session.scalars(select(Flag).order_by(Flag.id)))


def snapshot() -> list[dict[str, Any]]:
    db.session.expire_all()
    return [{column.name: getattr(flag, column.key) for column in Flag.__table__.columns}
            for flag in flags()]


def overdue_term(**kwargs: Any) -> Any:
    """A serving term whose 2025 second-half report, due 15 January 2026, is missing (45 days
    past due on AS_OF)."""
    term = TermFactory(**kwargs)
    report(term, date(2026, 1, 15))
    return term


def test_a_missing_report_raises_a_private_flag_with_its_evidence() -> None:
    term = overdue_term()
    outcome = evaluation.evaluate(AS_OF, "cli", now=NOW)
    (flag,) = flags()
    assert outcome.raised_ids == [flag.id]
    assert (flag.term_id, flag.rule, flag.subject, flag.status) == (
        term.id, RuleCode.REPORTING, "", FlagStatus.OPEN)
    assert flag.first_raised_on == flag.last_confirmed_on == AS_OF
    assert flag.evidence["missing"][0]["days_past_due"] == 45
    assert flag.evidence["reasons"] == ["overdue"]
    assert flag.rule_version == outcome.evaluation.rule_version == 1
    assert flag.raised_by_evaluation_id == outcome.evaluation.id
    assert flag.public_from.replace(tzinfo=UTC) == NOW + timedelta(days=10)
    run = outcome.evaluation
    assert (run.as_of, run.terms, run.raised, run.confirmed, run.cleared) == (AS_OF, 1, 1, 0, 0)


def test_thirty_days_past_due_is_not_yet_more_than_thirty() -> None:
    overdue_term()
    evaluation.evaluate(date(2026, 2, 14), "cli")  # 30 days after 15 January
    assert flags() == []
    evaluation.evaluate(date(2026, 2, 15), "cli")  # 31 days
    assert len(flags()) == 1


def test_running_twice_changes_nothing() -> None:
    overdue_term()
    other = TermFactory()
    budget_year(other, 2025, 100_000_000, 50_000_000)
    evaluation.evaluate(AS_OF, "cli", now=NOW)
    before = snapshot()
    assert len(before) == 2
    again = evaluation.evaluate(AS_OF, "cli", now=NOW + timedelta(hours=1))
    assert snapshot() == before
    run = again.evaluation
    assert (run.raised, run.confirmed, run.cleared) == (0, 2, 0)


def test_a_later_evaluation_confirms_and_keeps_the_first_evidence() -> None:
    overdue_term()
    evaluation.evaluate(AS_OF, "cli", now=NOW)
    evaluation.evaluate(AS_OF + timedelta(days=10), "cli")
    (flag,) = flags()
    assert flag.first_raised_on == AS_OF
    assert flag.last_confirmed_on == AS_OF + timedelta(days=10)
    assert flag.evidence["missing"][0]["days_past_due"] == 45
    assert flag.current_evidence["missing"][0]["days_past_due"] == 55


def test_a_flag_clears_with_the_date_when_its_condition_ends() -> None:
    term = TermFactory()
    missing = report(term, date(2026, 1, 15))
    evaluation.evaluate(AS_OF, "cli")
    assert len(flags()) == 1
    missing.state, missing.current_version = "published", 1
    missing.first_published_at = datetime(2026, 3, 10, 6, tzinfo=UTC)
    missing.first_published_on, missing.days_late = date(2026, 3, 10), 54
    missing.covered_on = date(2026, 3, 10)
    db.session.commit()
    outcome = evaluation.evaluate(date(2026, 3, 11), "cli")
    (flag,) = flags()
    assert outcome.cleared_ids == [flag.id]
    assert (flag.status, flag.cleared_on, flag.clear_reason) == (
        FlagStatus.CLEARED, date(2026, 3, 11), ClearReason.CONDITION_ENDED)
    assert flag.last_confirmed_on == AS_OF
    # Clearing is idempotent too, and a cleared flag is history: nothing is raised again.
    evaluation.evaluate(date(2026, 3, 11), "cli")
    assert len(flags()) == 1 and flags()[0].status is FlagStatus.CLEARED


def test_a_review_decision_stands_when_the_condition_ends_and_a_new_flag_follows_later(
) -> None:
    term = TermFactory()
    budget_year(term, 2025, 100_000_000, 50_000_000)
    evaluation.evaluate(AS_OF, "cli", now=NOW - timedelta(days=30))
    (flag,) = flags()
    moderator = UserFactory(moderator=True)
    services.decide(flag, moderator, FlagStatus.DISMISSED, "Drought year: the land tax was waived "
                    "by the district maslikhat.", now=NOW)
    db.session.commit()
    # The year's figures are corrected: the condition ends, the dismissal stays.
    summary = db.session.get(BudgetYearSummary, (term.rural_district_id, 2025))
    assert summary is not None
    summary.actual_own = 90_000_000
    db.session.commit()
    evaluation.evaluate(AS_OF + timedelta(days=1), "cli")
    (flag,) = flags()
    assert flag.status is FlagStatus.DISMISSED
    assert (flag.cleared_on, flag.clear_reason) == (AS_OF + timedelta(days=1),
                                                    ClearReason.CONDITION_ENDED)
    # Wrong again: the condition is back, so a new flag is raised (the old one is history).
    summary.actual_own = 10_000_000
    db.session.commit()
    evaluation.evaluate(AS_OF + timedelta(days=2), "cli")
    first, second = flags()
    assert first.status is FlagStatus.DISMISSED and second.status is FlagStatus.OPEN
    assert second.subject == "2025"


def test_a_dismissed_flag_whose_condition_holds_is_not_raised_again() -> None:
    overdue_term()
    evaluation.evaluate(AS_OF, "cli", now=NOW - timedelta(days=30))
    (flag,) = flags()
    services.decide(flag, UserFactory(moderator=True), FlagStatus.DISMISSED,
                    "The district finance office delayed the data.", now=NOW)
    db.session.commit()
    evaluation.evaluate(AS_OF + timedelta(days=5), "cli")
    (flag,) = flags()
    assert flag.status is FlagStatus.DISMISSED and flag.cleared_on is None
    assert flag.last_confirmed_on == AS_OF + timedelta(days=5)


def test_flags_of_a_term_that_ended_are_closed() -> None:
    term = overdue_term()
    evaluation.evaluate(AS_OF, "cli")
    term.status, term.ended_on, term.end_reason = "ended", date(2026, 3, 5), "resigned"
    db.session.commit()
    evaluation.evaluate(date(2026, 3, 6), "cli")
    (flag,) = flags()
    assert (flag.status, flag.clear_reason) == (FlagStatus.CLEARED, ClearReason.TERM_ENDED)


def test_switching_a_rule_off_clears_its_flags() -> None:
    overdue_term()
    evaluation.evaluate(AS_OF, "cli")
    save_version(RuleSet.from_json({"reporting": {"enabled": False}}), "cli", RuleSource.ADMIN,
                 "Reporting rule suspended while the policy is revised.")
    outcome = evaluation.evaluate(AS_OF, "cli")
    (flag,) = flags()
    assert outcome.evaluation.rule_version == 2
    assert (flag.status, flag.clear_reason) == (FlagStatus.CLEARED, ClearReason.RULE_DISABLED)


def test_a_new_rule_version_is_recorded_on_the_flags_it_confirms() -> None:
    overdue_term()
    evaluation.evaluate(AS_OF, "cli")
    save_version(RuleSet.from_json({"reporting": {"severity": "warning"}}), "cli",
                 RuleSource.ADMIN, "Reporting lapses are warnings from now on.")
    evaluation.evaluate(AS_OF, "cli")
    (flag,) = flags()
    assert (flag.rule_version, flag.confirmed_rule_version) == (1, 2)
    assert flag.severity.value == "warning"


def test_evaluations_go_forward_in_time() -> None:
    evaluation.evaluate(AS_OF, "cli")
    with pytest.raises(evaluation.EvaluationError, match="forward in time"):
        evaluation.evaluate(AS_OF - timedelta(days=1), "cli")


def test_time_travel_uses_only_what_was_on_record_then() -> None:
    term = TermFactory()
    report(term, date(2025, 7, 31), published_on=date(2025, 12, 1))  # 4 months late
    item = petition(term, signatures=0, opened=date(2026, 1, 5))
    # As of 1 October 2025 the report was missing for 62 days: a flag. The petition did not
    # exist yet. (The evaluation is read-only here: findings only.)
    found = evaluation.findings_at(date(2025, 10, 1), RuleSet())
    assert {finding.rule for finding in found.findings.values()} == {RuleCode.REPORTING}
    found = evaluation.findings_at(date(2025, 12, 2), RuleSet())
    assert found.findings == {}
    assert item.id


def test_a_petition_at_the_threshold_raises_rule_four() -> None:
    term = TermFactory(rural_district__registered_voters=50)  # threshold 5
    petition(term, signatures=4)
    evaluation.evaluate(date.today(), "cli")
    assert flags() == []
    other = TermFactory(rural_district__registered_voters=50)
    petition(other, signatures=5)
    evaluation.evaluate(date.today(), "cli")
    (flag,) = flags()
    assert (flag.term_id, flag.rule) == (other.id, RuleCode.PETITION)
    assert (flag.evidence["signatures"], flag.evidence["threshold"]) == (5, 5)


def test_the_evaluation_costs_the_same_queries_for_one_term_or_many(
        count_queries: Any) -> None:
    overdue_term()
    evaluation.evaluate(AS_OF, "cli")  # records rules version 1
    with count_queries() as one:
        evaluation.evaluate(AS_OF + timedelta(days=1), "cli")
    for _ in range(6):
        term = overdue_term()
        budget_year(term, 2025, 100, 10)
    with count_queries() as many:
        evaluation.evaluate(AS_OF + timedelta(days=2), "cli")
    assert len(flags()) == 13
    # The same reads; the new flags cost one batch insert and one read of their ids, and one
    # notification event for them all.
    assert len(many) <= len(one) + 3, "\n".join(q[:90] for q in many)
    # On PostgreSQL the sealed audit trail takes an advisory lock before reading the last hash.
    lock = 1 if db.engine.dialect.name == "postgresql" else 0
    assert len(many) <= 17 + lock, "\n".join(q[:90] for q in many)


def test_the_akim_is_emailed_with_the_response_window(app: Flask) -> None:
    term = overdue_term()
    akim = UserFactory.akim_for(term, email="akim-recall@example.kz")
    unrelated = overdue_term()
    before = len(outbox_messages())
    result = run_evaluation(date.today(), actor="cli")
    assert result["raised"] == 2
    messages = outbox_messages()[before:]
    assert [message["To"] for message in messages] == [akim.email]
    body = messages[0].get_content()
    assert "not a legal decision" in body
    assert "/respond" in body and "hidden from the public until" in body
    notified = {flag.term_id: flag.notified_at for flag in flags()}
    assert notified[term.id] is not None and notified[unrelated.id] is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "recall.evaluate"))
    assert event is not None and event.after is not None and len(event.after["raised"]) == 2


def test_an_existing_live_flag_in_the_table_is_confirmed_not_duplicated() -> None:
    term = overdue_term()
    FlagFactory(term=term, first_raised_on=date(2026, 2, 15))
    evaluation.evaluate(AS_OF, "cli")
    (flag,) = flags()
    assert flag.first_raised_on == date(2026, 2, 15) and flag.last_confirmed_on == AS_OF
    assert db.session.scalar(select(RecallEvaluation.confirmed)) == 1
