"""Recall flags and petitions. A flag is open and already public by default (`pending` keeps
it inside its response window); a petition collects signatures on a serving term."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import factory

from portal.accounts.models import Role
from portal.recall.models import (
    Flag,
    FlagStatus,
    Petition,
    PetitionSignature,
    PetitionStatus,
    RuleCode,
    Severity,
)
from tests.factories.akims import TermFactory
from tests.factories.base import BaseFactory

EVIDENCE = {"as_of": "2026-01-10", "reasons": ["overdue"], "missing_count": 1,
            "overdue_count": 1, "days_past_due": 30, "missed_in_term": 2,
            "missing": [{"report_id": 1, "period_start": "2025-01-01",
                         "period_end": "2025-06-30", "due_on": "2025-07-31",
                         "days_past_due": 163}]}


class FlagFactory(BaseFactory):
    class Meta:
        model = Flag

    term = factory.SubFactory(TermFactory)
    rule = RuleCode.REPORTING
    subject = ""
    severity = Severity.TRIGGER
    status = FlagStatus.OPEN
    evidence = factory.LazyFunction(lambda: dict(EVIDENCE))
    current_evidence = factory.LazyAttribute(lambda o: dict(o.evidence))
    first_raised_on = date(2026, 1, 10)
    last_confirmed_on = factory.LazyAttribute(lambda o: o.first_raised_on)
    rule_version = 1
    confirmed_rule_version = 1
    raised_at = datetime(2026, 1, 9, 21, 30, tzinfo=UTC)
    public_from = factory.LazyAttribute(lambda o: o.raised_at + timedelta(days=10))
    # Review steps record the role they were taken under (moderators review flags).
    review_started_at = None
    decided_at = None
    review_started_by_role = factory.LazyAttribute(
        lambda o: Role.MODERATOR if o.review_started_at else None)
    decided_by_role = factory.LazyAttribute(lambda o: Role.MODERATOR if o.decided_at else None)

    class Params:
        pending = factory.Trait(
            raised_at=factory.LazyFunction(lambda: datetime.now(UTC) - timedelta(hours=1)))


class PetitionFactory(BaseFactory):
    class Meta:
        model = Petition

    term = factory.SubFactory(TermFactory)
    rural_district_id = factory.LazyAttribute(lambda o: o.term.rural_district_id)
    initiator_id = None
    reason = "The akim has not reported to residents for a year and the road is not built."
    opened_at = factory.LazyFunction(lambda: datetime.now(UTC) - timedelta(days=5))
    opened_on = factory.LazyFunction(lambda: date.today() - timedelta(days=5))
    closes_on = factory.LazyAttribute(lambda o: o.opened_on + timedelta(days=89))
    status = PetitionStatus.OPEN
    signature_count = 0


class PetitionSignatureFactory(BaseFactory):
    class Meta:
        model = PetitionSignature

    petition_id = 0
    user_id = 0
    signed_at = factory.LazyFunction(lambda: datetime.now(UTC) - timedelta(days=1))
    withdrawn_at = None
