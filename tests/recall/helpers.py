"""Building a term's record for the recall tests: reports, promises with a timeline, a
budget year, petitions with signatures."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from portal.accounts.models import Role
from portal.akims.models import Term
from portal.budgets.models import BudgetYearSummary
from portal.extensions import db
from portal.promises.models import Promise, PromiseStatus, PromiseUpdate, UpdateKind
from portal.recall.models import Petition, PetitionSignature
from portal.reports.models import Report
from tests.factories import PetitionFactory, PromiseFactory, ReportFactory, UserFactory


def at(day: date, hour: int = 6) -> datetime:
    """A moment on a day (06:00 UTC is 11:00 in Almaty, the same calendar day)."""
    return datetime.combine(day, time(hour), UTC)


def report(term: Term, due_on: date, published_on: date | None = None) -> Report:
    start = date(due_on.year if due_on.month > 1 else due_on.year - 1,
                 1 if due_on.month > 1 else 7, 1)
    end = date(start.year, 6, 30) if start.month == 1 else date(start.year, 12, 31)
    if published_on is None:
        return ReportFactory(term=term, period_start=start, period_end=end, due_on=due_on)
    return ReportFactory(term=term, period_start=start, period_end=end, due_on=due_on,
                         published=True, first_published_on=published_on,
                         first_published_at=at(published_on),
                         days_late=max(0, (published_on - due_on).days))


def promise(term: Term, deadline: date, *timeline: tuple[UpdateKind, PromiseStatus, date],
            created: date | None = None) -> Promise:
    """A promise whose stored state matches its timeline (claims, verdicts, reopenings)."""
    item = PromiseFactory(term=term, deadline=deadline,
                          created_at=at(created or term.starts_on))
    claimed, verified = PromiseStatus.NOT_YET_RATED, None
    for kind, status, day in timeline:
        db.session.add(PromiseUpdate(
            promise_id=item.id, kind=kind, status=status,
            broken_reason="no_funding" if status is PromiseStatus.BROKEN else None,
            author_role=Role.AKIM if kind is not UpdateKind.VERDICT else Role.STAFF,
            created_at=at(day)))
        if kind is UpdateKind.VERDICT:
            verified = status
        else:
            claimed = status
    item.claimed_status, item.verified_status = claimed, verified
    item.claimed_broken_reason = "no_funding" if claimed is PromiseStatus.BROKEN else None
    item.verified_broken_reason = "no_funding" if verified is PromiseStatus.BROKEN else None
    item.status = verified or claimed
    db.session.commit()
    return item


def budget_year(term: Term, year: int, plan_own: int, actual_own: int,
                through: int = 12) -> BudgetYearSummary:
    row = BudgetYearSummary(
        rural_district_id=term.rural_district_id, year=year, approved_total=plan_own * 3,
        plan_total=plan_own * 3, actual_total=actual_own * 3, approved_own=plan_own,
        plan_own=plan_own, actual_own=actual_own, actual_tax=actual_own, actual_non_tax=0,
        actual_capital=0, actual_transfers=actual_own * 2, actual_through=through)
    db.session.add(row)
    db.session.commit()
    return row


def petition(term: Term, signatures: int = 0, opened: date | None = None,
             **kwargs: Any) -> Petition:
    """A petition with `signatures` verified residents' signatures (counted on the row)."""
    opened = opened or date.today() - timedelta(days=5)
    item = PetitionFactory(term=term, opened_on=opened, opened_at=at(opened),
                           closes_on=opened + timedelta(days=89), **kwargs)
    for index in range(signatures):
        user = UserFactory.resident_of(term.rural_district)
        db.session.add(PetitionSignature(petition_id=item.id, user_id=user.id,
                                         signed_at=at(opened) + timedelta(minutes=index)))
    item.signature_count = signatures
    db.session.commit()
    return item


def sign(item: Petition, user: Any, day: date, withdrawn: date | None = None) -> None:
    db.session.add(PetitionSignature(petition_id=item.id, user_id=user.id, signed_at=at(day),
                                     withdrawn_at=at(withdrawn) if withdrawn else None))
    db.session.commit()
