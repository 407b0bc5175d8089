"""Rules as configuration: defaults, RECALL_RULES, validation, and numbered versions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.extensions import db
from portal.recall import services
from portal.recall.models import RuleCode, RuleSetVersion, RuleSource, Severity
from portal.recall.ruleset import (
    RuleConfigError,
    RuleSet,
    current_rules,
    ensure_current_version,
    share_of,
)
from tests.factories import UserFactory


def test_the_defaults_are_the_issue_s() -> None:
    rules = RuleSet()
    assert (rules.reporting.days_past_due, rules.reporting.missed_in_term) == (30, 2)
    assert rules.promises.from_term_share == Decimal("0.5")
    assert rules.promises.broken_share_at_least == Decimal("0.5")
    assert rules.promises.kept_share_below == Decimal("0.25")
    assert (rules.satisfaction.average_below, rules.satisfaction.reports) == (Decimal("2.5"), 2)
    assert (rules.satisfaction.min_ratings,
            rules.satisfaction.min_ratings_voter_share) == (20, Decimal("0.01"))
    assert rules.petition.voter_share == Decimal("0.10")
    assert rules.budget.own_execution_below == Decimal("0.70")
    assert rules.budget.severity is Severity.WARNING
    assert all(rules.rule(RuleCode(code)).severity is Severity.TRIGGER
               for code in ("reporting", "promises", "satisfaction", "petition"))
    assert rules.response_window_days == 10


def test_json_round_trip_is_exact_and_normalised() -> None:
    rules = RuleSet.from_json({"petition": {"voter_share": "0.15"},
                               "reporting": {"days_past_due": 45}})
    again = RuleSet.from_json(rules.to_json())
    assert again == rules
    assert rules.to_json()["petition"]["voter_share"] == "0.15"
    assert rules.to_json()["budget"]["own_execution_below"] == "0.7"
    # 0.10 and 0.1 are the same rule: the same fingerprint.
    assert (RuleSet.from_json({"petition": {"voter_share": "0.1"}}).fingerprint()
            == RuleSet().fingerprint())


@pytest.mark.parametrize(("data", "message"), [
    ({"nonsense": {}}, "unknown rule"),
    ({"reporting": {"days": 3}}, "unknown setting"),
    ({"reporting": {"days_past_due": -1}}, "between"),
    ({"reporting": {"days_past_due": "3.5"}}, "whole number"),
    ({"petition": {"voter_share": 0.1}}, "decimal string"),
    ({"petition": {"voter_share": "2"}}, "between"),
    ({"petition": {"enabled": "yes"}}, "true or false"),
    ({"budget": {"severity": "fatal"}}, "warning or trigger"),
    ({"response_window_days": 100}, "between"),
    ({"promises": 5}, "mapping"),
])
def test_bad_configuration_is_refused_with_the_setting_named(data: dict[str, Any],
                                                            message: str) -> None:
    with pytest.raises(RuleConfigError, match=message):
        RuleSet.from_json(data)


def test_share_of_rounds_up_exactly() -> None:
    assert share_of(2_600, Decimal("0.1")) == 260
    assert share_of(2_601, Decimal("0.1")) == 261
    assert share_of(1_999, Decimal("0.01")) == 20


def test_the_configured_rules_become_version_one(make_app: Any) -> None:
    assert current_rules().number is None
    number, rules = ensure_current_version("cli")
    assert number == 1 and rules == RuleSet()
    version = db.session.scalar(select(RuleSetVersion))
    assert version is not None and version.source is RuleSource.CONFIGURATION
    assert current_rules().number == 1
    # Asking again changes nothing.
    assert ensure_current_version("cli")[0] == 1


def test_instance_configuration_overrides_the_defaults_and_makes_a_new_version(
        app: Flask) -> None:
    ensure_current_version("cli")
    app.config["RECALL_RULES"] = {"reporting": {"days_past_due": 45}}
    try:
        current = current_rules()
        assert current.number is None  # the file changed: a new version is due
        assert current.rules.reporting.days_past_due == 45
        number, rules = ensure_current_version("cli")
        assert number == 2 and rules.reporting.days_past_due == 45
    finally:
        app.config.pop("RECALL_RULES")


def test_an_admin_version_wins_until_the_configuration_changes(app: Flask) -> None:
    admin = UserFactory(admin=True)
    version = services.save_rules(RuleSet.from_json({"petition": {"voter_share": "0.2"}}),
                                  admin, "Parliament asked for a fifth of voters.")
    # The configured rules were recorded first, so the admin's version is number 2.
    assert version.number == 2 and version.source is RuleSource.ADMIN
    assert version.created_by_id == admin.id
    assert current_rules().rules.petition.voter_share == Decimal("0.2")
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "recall.rules.version").order_by(AuditEvent.id.desc())).first()
    assert event is not None and event.after is not None
    assert event.after["thresholds"]["petition"]["voter_share"] == "0.2"
    app.config["RECALL_RULES"] = {"response_window_days": 14}
    try:
        assert current_rules().rules.petition.voter_share == Decimal("0.1")  # the file's word
        assert current_rules().rules.response_window_days == 14
    finally:
        app.config.pop("RECALL_RULES")


def test_saving_the_same_rules_or_without_a_note_is_refused() -> None:
    admin = UserFactory(admin=True)
    with pytest.raises(services.RecallError, match="Nothing changed"):
        services.save_rules(RuleSet(), admin, "No change")
    with pytest.raises(services.RecallError, match="why"):
        services.save_rules(RuleSet.from_json({"reporting": {"days_past_due": 40}}), admin, " ")
