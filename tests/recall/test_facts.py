"""Fact gathering: one query per domain, and only what was on record on the as-of date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from portal.akims.models import Term
from portal.promises.models import PromiseStatus as S
from portal.promises.models import UpdateKind as K
from portal.recall import facts
from tests.factories import TermFactory, UserFactory
from tests.recall.helpers import budget_year, petition, promise, report, sign

AS_OF = date(2026, 3, 1)


def test_serving_terms_on_a_date_include_terms_that_ended_later() -> None:
    serving = TermFactory()
    ended = TermFactory(ended=True)  # 2019-07-28 → 2023-03-01
    ids = {term.id for term in facts.serving_terms(date(2022, 1, 1))}
    assert ended.id in ids and serving.id not in ids  # serving starts 2023-06-07
    ids = {term.id for term in facts.serving_terms(AS_OF)}
    assert serving.id in ids and ended.id not in ids
    info = next(term for term in facts.serving_terms(AS_OF) if term.id == serving.id)
    assert info.registered_voters == serving.rural_district.registered_voters


def test_a_report_published_after_the_date_was_missing_on_it() -> None:
    term = TermFactory()
    late = report(term, date(2025, 7, 31), published_on=date(2026, 4, 1))
    on_time = report(term, date(2026, 1, 31), published_on=date(2026, 1, 20))
    never = report(term, date(2025, 1, 31))
    not_due = report(term, date(2026, 7, 31))
    found = facts.reporting_facts([term.id], AS_OF)[term.id]
    assert {item.report_id for item in found.missing} == {late.id, never.id}
    found = facts.reporting_facts([term.id], date(2026, 4, 1))[term.id]
    assert {item.report_id for item in found.missing} == {never.id}
    assert on_time.id and not_due.id


def test_the_due_date_itself_is_not_yet_missing() -> None:
    term = TermFactory()
    report(term, AS_OF)
    assert term.id not in facts.reporting_facts([term.id], AS_OF)


def test_promise_status_on_a_date_comes_from_the_timeline(count_queries: Any) -> None:
    term = TermFactory()
    due = date(2025, 12, 1)
    # Claimed kept, then a verdict "broken" after the date: kept on the date, broken later.
    promise(term, due, (K.CLAIM, S.KEPT, date(2025, 11, 1)), (K.VERDICT, S.BROKEN,
                                                             date(2026, 4, 1)))
    # A verdict beats the claim.
    promise(term, due, (K.CLAIM, S.KEPT, date(2025, 11, 1)),
            (K.VERDICT, S.BROKEN, date(2026, 1, 5)))
    # Claimed broken, reopened by a verifier: in progress again.
    promise(term, due, (K.CLAIM, S.BROKEN, date(2025, 12, 5)),
            (K.REOPEN, S.IN_PROGRESS, date(2026, 2, 1)))
    promise(term, due, (K.CLAIM, S.WITHDRAWN, date(2025, 6, 1)))
    promise(term, due)  # not yet rated
    promise(term, date(2026, 6, 1), (K.CLAIM, S.BROKEN, date(2026, 1, 1)))  # not due yet
    promise(term, due, created=date(2026, 5, 1))  # added after the date: not known then
    term_id = term.id
    with count_queries() as queries:
        found = facts.promise_facts([term_id], AS_OF)[term_id]
    assert len(queries) == 1
    assert (found.due, found.kept, found.broken, found.withdrawn) == (5, 1, 1, 1)
    later = facts.promise_facts([term.id], date(2026, 6, 2))[term.id]
    assert (later.due, later.kept, later.broken) == (7, 0, 3)


def test_signatures_count_while_valid_on_the_date() -> None:
    term = TermFactory()
    item = petition(term, opened=date(2026, 2, 1))
    resident = UserFactory.resident_of
    sign(item, resident(term.rural_district), date(2026, 2, 1))
    sign(item, resident(term.rural_district), date(2026, 2, 10), withdrawn=date(2026, 2, 20))
    sign(item, resident(term.rural_district), date(2026, 2, 15), withdrawn=date(2026, 3, 5))
    sign(item, resident(term.rural_district), date(2026, 3, 2))
    found = facts.petition_facts([term.id], AS_OF)[term.id]
    assert (found.petition_id, found.signatures) == (item.id, 2)
    assert facts.petition_facts([term.id], date(2026, 3, 10))[term.id].signatures == 2
    assert term.id not in facts.petition_facts([term.id], date(2026, 1, 1))


def test_budget_facts_are_the_closed_years_before_the_date() -> None:
    term: Term = TermFactory()
    budget_year(term, 2024, 100, 60)
    budget_year(term, 2025, 100, 80, through=9)
    budget_year(term, 2026, 100, 10)
    years = facts.budget_facts([term.rural_district_id], AS_OF)[term.rural_district_id]
    assert [(year.year, year.plan_own, year.actual_own) for year in years] == [(2024, 100, 60)]


def test_satisfaction_facts_add_up_the_last_two_published_reports() -> None:
    from datetime import timedelta

    from sqlalchemy import select

    from portal.extensions import db
    from portal.feedback.ratings import rate_report
    from portal.recall.evaluation import evaluate
    from portal.recall.models import Flag, RuleCode

    term = TermFactory(rural_district__registered_voters=1_500)  # 1 % = 15: the minimum is 20
    older = report(term, date(2025, 7, 31), published_on=date(2025, 7, 20))
    last = report(term, date(2026, 1, 31), published_on=date(2026, 1, 25))
    unpublished_then = report(term, date(2026, 7, 31), published_on=AS_OF + timedelta(days=1))
    residents = [UserFactory.resident_of(term.rural_district) for _ in range(20)]
    for index, resident in enumerate(residents):
        rate_report(older.id, resident.id, 1 if index < 12 else 4, today=date(2025, 8, 1))
        rate_report(last.id, resident.id, 2, today=date(2026, 2, 1))
        rate_report(unpublished_then.id, resident.id, 5, today=AS_OF + timedelta(days=2))
    found = facts.satisfaction_facts([term.id], AS_OF)[term.id]
    assert found.count == 40
    assert found.average == Decimal(12 * 1 + 8 * 4 + 20 * 2) / 40  # 2.1: below 2.5
    assert set(found.report_ids) == {older.id, last.id}
    # And the evaluation raises the satisfaction flag from those facts.
    evaluate(AS_OF, "tests")
    flag = db.session.scalar(select(Flag).where(Flag.term_id == term.id,
                                                Flag.rule == RuleCode.SATISFACTION))
    assert flag is not None
    assert flag.evidence["count"] == 40 and flag.evidence["min_count"] == 20
