"""The five rules as pure functions: each at, just below and just above its thresholds."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from portal.recall.models import RuleCode, Severity
from portal.recall.rules import (
    FiscalYear,
    MissingReport,
    PetitionFacts,
    PromiseFacts,
    ReportingFacts,
    SatisfactionFacts,
    TermFacts,
    TermInfo,
    check_budget,
    check_petition,
    check_promises,
    check_reporting,
    check_satisfaction,
    evaluate_term,
    promises_from,
)
from portal.recall.ruleset import (
    BudgetRule,
    PetitionRule,
    PromisesRule,
    ReportingRule,
    RuleSet,
    SatisfactionRule,
)

TERM = TermInfo(id=7, akim_id=3, rural_district_id=5, starts_on=date(2023, 6, 7),
                ends_on=date(2027, 6, 7), registered_voters=2_600)
AS_OF = date(2026, 1, 10)


def missing(due_on: date, report_id: int = 1) -> MissingReport:
    return MissingReport(report_id, due_on - timedelta(days=200), due_on - timedelta(days=31),
                         due_on)


# --------------------------------------------------------------------------- rule 1

@pytest.mark.parametrize(("days_past_due", "fires"), [(29, False), (30, False), (31, True)])
def test_reporting_fires_only_more_than_thirty_days_past_due(days_past_due: int,
                                                             fires: bool) -> None:
    facts = ReportingFacts((missing(AS_OF - timedelta(days=days_past_due)),))
    finding = check_reporting(TERM, facts, ReportingRule(), AS_OF)
    assert (finding is not None) is fires
    if finding:
        assert finding.evidence["reasons"] == ["overdue"]
        assert finding.evidence["missing"][0]["days_past_due"] == days_past_due


@pytest.mark.parametrize(("count", "fires"), [(1, False), (2, True), (3, True)])
def test_reporting_fires_on_two_missing_reports_in_a_term(count: int, fires: bool) -> None:
    # Each only a few days past due: only the count can make the rule fire.
    facts = ReportingFacts(tuple(missing(AS_OF - timedelta(days=5 + n), n) for n in range(count)))
    finding = check_reporting(TERM, facts, ReportingRule(), AS_OF)
    assert (finding is not None) is fires
    if finding:
        assert finding.evidence["reasons"] == ["missed"]
        assert finding.evidence["missing_count"] == count


def test_reporting_thresholds_come_from_the_rule() -> None:
    facts = ReportingFacts((missing(AS_OF - timedelta(days=31)),))
    assert check_reporting(TERM, facts, ReportingRule(days_past_due=31), AS_OF) is None
    assert check_reporting(TERM, facts, ReportingRule(days_past_due=30), AS_OF) is not None
    assert check_reporting(TERM, ReportingFacts(), ReportingRule(), AS_OF) is None


# --------------------------------------------------------------------------- rule 2

def test_promises_apply_from_mid_term() -> None:
    mid = promises_from(TERM, PromisesRule())
    assert mid == TERM.starts_on + timedelta(days=(TERM.ends_on - TERM.starts_on).days // 2)
    facts = PromiseFacts(due=4, kept=0, broken=4)
    assert check_promises(TERM, facts, PromisesRule(), mid - timedelta(days=1)) is None
    assert check_promises(TERM, facts, PromisesRule(), mid) is not None


AFTER_MID = date(2026, 1, 10)


@pytest.mark.parametrize(("broken", "fires"), [(9, False), (10, True), (11, True)])
def test_promises_broken_at_least_half_of_those_due(broken: int, fires: bool) -> None:
    # 20 due, 8 kept (40 %, above the kept threshold): only the broken share matters.
    facts = PromiseFacts(due=20, kept=8, broken=broken)
    finding = check_promises(TERM, facts, PromisesRule(), AFTER_MID)
    assert (finding is not None) is fires
    if finding:
        assert finding.evidence["reasons"] == ["broken"]
        assert finding.evidence["broken_share"] == f"{Decimal(broken) / 20:.4f}"


@pytest.mark.parametrize(("kept", "fires"), [(4, True), (5, False), (6, False)])
def test_promises_kept_below_a_quarter_of_those_due(kept: int, fires: bool) -> None:
    # 20 due: a quarter is 5. Kept 4 (20 %) fires; 5 (25 %, not below) and 6 do not.
    facts = PromiseFacts(due=20, kept=kept, broken=0)
    finding = check_promises(TERM, facts, PromisesRule(), AFTER_MID)
    assert (finding is not None) is fires
    if finding:
        assert finding.evidence["reasons"] == ["kept"]


def test_promises_need_the_minimum_due() -> None:
    facts = PromiseFacts(due=2, kept=0, broken=2)
    assert check_promises(TERM, facts, PromisesRule(min_due=3), AFTER_MID) is None
    assert check_promises(TERM, facts, PromisesRule(min_due=2), AFTER_MID) is not None
    assert check_promises(TERM, None, PromisesRule(), AFTER_MID) is None
    assert check_promises(TERM, PromiseFacts(), PromisesRule(), AFTER_MID) is None


def test_promises_thresholds_are_exact_fractions() -> None:
    # 1 of 3 broken is 0.333…: below a threshold of 1/3 written as 0.3334, at 0.3333 it fires.
    facts = PromiseFacts(due=3, kept=3, broken=1)
    high = PromisesRule(broken_share_at_least=Decimal("0.3334"))
    low = PromisesRule(broken_share_at_least=Decimal("0.3333"))
    assert check_promises(TERM, facts, high, AFTER_MID) is None
    assert check_promises(TERM, facts, low, AFTER_MID) is not None


# --------------------------------------------------------------------------- rule 3

def sat(count: int, average: str) -> SatisfactionFacts:
    return SatisfactionFacts(count=count, average=Decimal(average), report_ids=(11, 12))


@pytest.mark.parametrize(("average", "fires"), [("2.49", True), ("2.5", False),
                                                ("2.51", False)])
def test_satisfaction_average_below_two_and_a_half(average: str, fires: bool) -> None:
    finding = check_satisfaction(TERM, sat(40, average), SatisfactionRule(), AS_OF)
    assert (finding is not None) is fires
    if finding:
        assert finding.evidence["report_ids"] == [11, 12]
        assert finding.evidence["min_count"] == 26


@pytest.mark.parametrize(("voters", "minimum"), [(0, 20), (1_999, 20), (2_000, 20),
                                                 (2_001, 21), (2_600, 26)])
def test_satisfaction_minimum_is_the_larger_of_twenty_and_one_percent(voters: int,
                                                                      minimum: int) -> None:
    assert SatisfactionRule().min_count(voters) == minimum


@pytest.mark.parametrize(("count", "fires"), [(19, False), (20, True), (21, True)])
def test_satisfaction_needs_twenty_ratings_in_a_small_district(count: int, fires: bool) -> None:
    small = TermInfo(1, 1, 1, TERM.starts_on, TERM.ends_on, registered_voters=1_500)  # 1 %: 15
    finding = check_satisfaction(small, sat(count, "1.8"), SatisfactionRule(), AS_OF)
    assert (finding is not None) is fires


@pytest.mark.parametrize(("count", "fires"), [(25, False), (26, True), (27, True)])
def test_satisfaction_needs_one_percent_of_voters_in_a_large_district(count: int,
                                                                     fires: bool) -> None:
    # 2,600 voters: 1 % is 26, more than 20.
    finding = check_satisfaction(TERM, sat(count, "1.8"), SatisfactionRule(), AS_OF)
    assert (finding is not None) is fires


def test_satisfaction_without_facts_never_fires() -> None:
    assert check_satisfaction(TERM, None, SatisfactionRule(), AS_OF) is None
    empty = SatisfactionFacts(count=0, average=None)
    assert check_satisfaction(TERM, empty, SatisfactionRule(), AS_OF) is None


# --------------------------------------------------------------------------- rule 4

@pytest.mark.parametrize(("signatures", "fires"), [(259, False), (260, True), (261, True)])
def test_petition_reaches_ten_percent_of_voters(signatures: int, fires: bool) -> None:
    finding = check_petition(TERM, PetitionFacts(4, signatures), PetitionRule(), AS_OF)
    assert (finding is not None) is fires
    if finding:
        assert finding.evidence["threshold"] == 260
        assert finding.evidence["petition_id"] == 4


def test_petition_threshold_rounds_up_and_is_never_zero() -> None:
    assert PetitionRule().threshold(2_601) == 261  # 260.1 → 261
    assert PetitionRule().threshold(2_600) == 260
    assert PetitionRule().threshold(0) == 1
    assert check_petition(TERM, None, PetitionRule(), AS_OF) is None


# --------------------------------------------------------------------------- rule 5

def year(number: int, plan: int, actual: int, through: int = 12) -> FiscalYear:
    return FiscalYear(number, plan, actual, through)


@pytest.mark.parametrize(("actual", "fires"), [(69_999_999, True), (70_000_000, False),
                                               (70_000_001, False)])
def test_budget_warns_below_seventy_percent(actual: int, fires: bool) -> None:
    findings = check_budget(TERM, (year(2025, 100_000_000, actual),), BudgetRule(), AS_OF)
    assert bool(findings) is fires
    if findings:
        assert findings[0].severity is Severity.WARNING
        assert findings[0].subject == "2025"
        assert findings[0].evidence["execution"] == "0.7000"  # 0.69999999 to four places
        assert findings[0].evidence["own_execution_below"] == "0.7"


def test_budget_counts_only_closed_years_of_the_term() -> None:
    rule = BudgetRule()
    # Not closed (actuals through September), not ended by the as-of date, before the akim
    # held office for half of it (the term began on 2 July 2023), or with no plan.
    late = TermInfo(1, 1, 1, date(2023, 7, 2), date(2027, 7, 2), 1_000)
    years = (year(2025, 100, 10, through=9), year(2026, 100, 10), year(2023, 100, 10),
             year(2024, 0, 0))
    assert check_budget(late, years, rule, AS_OF) == []
    early = TermInfo(1, 1, 1, date(2023, 7, 1), date(2027, 7, 1), 1_000)
    assert [f.subject for f in check_budget(early, (year(2023, 100, 10),), rule, AS_OF)] == [
        "2023"]
    two = check_budget(TERM, (year(2024, 100, 10), year(2025, 100, 69)), rule, AS_OF)
    assert [finding.subject for finding in two] == ["2024", "2025"]


# --------------------------------------------------------------------------- together

def test_every_enabled_rule_is_applied_and_disabled_ones_are_not() -> None:
    facts = TermFacts(
        reporting=ReportingFacts((missing(AS_OF - timedelta(days=60)),)),
        promises=PromiseFacts(due=10, kept=1, broken=6),
        satisfaction=sat(50, "1.5"),
        petition=PetitionFacts(1, 300),
        fiscal_years=(year(2025, 100, 10),),
    )
    every = {finding.rule for finding in evaluate_term(TERM, facts, RuleSet(), AS_OF)}
    assert every == set(RuleCode)
    rules = RuleSet.from_json({"petition": {"enabled": False}, "budget": {"enabled": False}})
    some = {finding.rule for finding in evaluate_term(TERM, facts, rules, AS_OF)}
    assert some == {RuleCode.REPORTING, RuleCode.PROMISES, RuleCode.SATISFACTION}


def test_severity_follows_the_configuration() -> None:
    facts = TermFacts(fiscal_years=(year(2025, 100, 10),))
    rules = RuleSet.from_json({"budget": {"severity": "trigger"}})
    (finding,) = evaluate_term(TERM, facts, rules, AS_OF)
    assert finding.severity is Severity.TRIGGER
