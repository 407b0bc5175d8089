"""The baseline: free editing before it freezes, public amendments with reasons after."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.extensions import db
from portal.promises import programme
from portal.promises.errors import PromiseError
from portal.promises.models import AmendmentKind, Promise, PromiseCategory
from portal.promises.programme import PromiseData
from tests.factories import PromiseFactory, SettlementFactory, TermFactory
from tests.promises.helpers import akim_user

# TermFactory: elected 4 June 2023, starts 7 June 2023, ends 7 June 2027.
BEFORE_START = date(2023, 6, 5)
DURING = date(2024, 3, 1)


def _data(**kwargs: object) -> PromiseData:
    values: dict[str, object] = {"title": "Open a kindergarten for 150 children",
                                 "category": PromiseCategory.EDUCATION,
                                 "deadline": date(2025, 9, 1), "cost_estimate": 300_000_000}
    values.update(kwargs)
    return PromiseData(**values)  # type: ignore[arg-type]


def test_promises_entered_before_the_term_form_the_baseline_without_amendments() -> None:
    term = TermFactory()
    akim = akim_user(term)
    promise = programme.add_promise(term, _data(), akim, today=BEFORE_START)
    programme.edit_promise(promise, _data(title="Open a kindergarten for 200 children"), akim,
                           today=BEFORE_START)
    assert promise.in_baseline and promise.amendment_count == 0
    assert promise.title == "Open a kindergarten for 200 children"
    assert not promise.amendments
    assert not programme.is_frozen(term, BEFORE_START)
    assert programme.is_frozen(term, term.starts_on)  # frozen from the first day of the term


def test_after_the_freeze_an_edit_needs_a_reason_and_is_a_public_amendment() -> None:
    term = TermFactory()
    akim = akim_user(term)
    promise = programme.add_promise(term, _data(), akim, today=BEFORE_START)
    with pytest.raises(PromiseError) as refused:
        programme.edit_promise(promise, _data(deadline=date(2026, 9, 1)), akim, today=DURING)
    assert refused.value.field == "reason"
    db.session.refresh(promise)
    assert promise.deadline == date(2025, 9, 1)
    amendment = programme.edit_promise(promise, _data(deadline=date(2026, 9, 1)), akim,
                                       reason="The contractor was chosen late.", today=DURING)
    assert amendment is not None and amendment.kind is AmendmentKind.EDITED
    assert amendment.changes == {"deadline": ["2025-09-01", "2026-09-01"]}
    assert amendment.reason == "The contractor was chosen late."
    assert promise.deadline == date(2026, 9, 1)
    assert promise.original_deadline == date(2025, 9, 1)  # the baseline's date stays visible
    assert promise.amendment_count == 1


def test_an_unchanged_edit_records_nothing() -> None:
    promise = PromiseFactory(title="Same", deadline=date(2025, 9, 1),
                             category=PromiseCategory.ROADS, cost_estimate=None,
                             description="")
    data = _data(title="Same", category=PromiseCategory.ROADS, cost_estimate=None,
                 language="en")
    assert programme.edit_promise(promise, data, akim_user(promise.term), today=DURING) is None
    assert promise.amendment_count == 0


def test_a_promise_added_after_the_freeze_is_marked_and_explained() -> None:
    term = TermFactory()
    PromiseFactory(term=term)
    akim = akim_user(term)
    with pytest.raises(PromiseError) as refused:
        programme.add_promise(term, _data(), akim, today=DURING)
    assert refused.value.field == "reason"
    added = programme.add_promise(term, _data(), akim, reason="Asked for at the village meeting.",
                                  today=DURING)
    assert not added.in_baseline and added.amendment_count == 1
    assert added.amendments[0].kind is AmendmentKind.ADDED
    assert added.amendments[0].changes["title"] == [None, "Open a kindergarten for 150 children"]


def test_settlement_changes_are_recorded_by_name() -> None:
    term = TermFactory()
    village = SettlementFactory(rural_district=term.rural_district, name_en="Kopa village")
    promise = PromiseFactory(term=term)
    amendment = programme.edit_promise(promise, _data(title=promise.title, language="en",
                                                      settlement_ids=[village.id]),
                                       akim_user(term), reason="More precise.", today=DURING)
    assert amendment is not None
    assert amendment.changes["settlements"][1]["en"] == "Kopa village"


def test_delete_only_before_the_freeze() -> None:
    term = TermFactory()
    akim = akim_user(term)
    draft = programme.add_promise(term, _data(), akim, today=BEFORE_START)
    programme.delete_promise(draft, akim, today=BEFORE_START)
    assert db.session.get(Promise, draft.id) is None
    kept = programme.add_promise(term, _data(), akim, today=BEFORE_START)
    with pytest.raises(PromiseError, match="withdraws"):
        programme.delete_promise(kept, akim, today=DURING)
    assert db.session.get(Promise, kept.id) is not None


def test_a_programme_entered_late_is_a_draft_until_registered() -> None:
    term = TermFactory()
    akim = akim_user(term)
    promise = programme.add_promise(term, _data(), akim, today=DURING)
    assert promise.in_baseline and not programme.is_frozen(term, DURING)
    registered = programme.register_programme(term, akim, today=DURING)
    assert registered.baseline_date == DURING and registered.registered_at is not None
    assert programme.is_frozen(term, DURING)
    with pytest.raises(PromiseError, match="already registered"):
        programme.register_programme(term, akim, today=DURING)
    later = programme.add_promise(term, _data(), akim, reason="New need.",
                                  today=DURING + timedelta(days=1))
    assert not later.in_baseline


def test_an_empty_programme_cannot_be_registered() -> None:
    term = TermFactory()
    with pytest.raises(PromiseError, match="at least one promise"):
        programme.register_programme(term, akim_user(term), today=DURING)


@pytest.mark.parametrize(("data", "field"), [
    (_data(title="  "), "title"),
    (_data(title="x" * 201), "title"),
    (_data(deadline=date(2023, 6, 6)), "deadline"),  # the day before the term starts
    (_data(deadline=date(2027, 6, 8)), "deadline"),  # the day after it ends
    (_data(cost_estimate=-5), "cost_estimate"),
    (_data(language="de"), "language"),
])
def test_bad_input_is_refused_beside_its_field(data: PromiseData, field: str) -> None:
    term = TermFactory()
    with pytest.raises(PromiseError) as refused:
        programme.add_promise(term, data, akim_user(term), today=BEFORE_START)
    assert refused.value.field == field
    assert db.session.scalar(select(Promise).where(Promise.term_id == term.id)) is None


def test_villages_must_belong_to_the_rural_district() -> None:
    term = TermFactory()
    elsewhere = SettlementFactory()
    with pytest.raises(PromiseError) as refused:
        programme.add_promise(term, _data(settlement_ids=[elsewhere.id]), akim_user(term),
                              today=BEFORE_START)
    assert refused.value.field == "settlements"


def test_every_change_is_audited() -> None:
    term = TermFactory()
    akim = akim_user(term)
    promise = programme.add_promise(term, _data(), akim, today=BEFORE_START)
    programme.edit_promise(promise, _data(deadline=date(2026, 1, 1)), akim, reason="Later.",
                           today=DURING)
    actions = list(db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.target_type == "promise",
                                        AuditEvent.target_id == promise.id)
        .order_by(AuditEvent.id)))
    assert actions == ["promise.create", "promise.amend"]
