"""Every status transition, allowed and refused; the deadline rule for "broken"; verdicts."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from portal.extensions import db
from portal.promises import rules, transitions
from portal.promises.errors import PromiseError
from portal.promises.models import (
    BrokenReason,
    Promise,
    PromiseEvidence,
    PromiseStatus,
    PromiseUpdate,
    UpdateKind,
)
from portal.promises.transitions import Evidence
from tests.factories import PromiseFactory, UserFactory
from tests.promises.helpers import LINK, akim_user, pdf

S = PromiseStatus
DEADLINE = date(2025, 12, 1)
BEFORE = date(2025, 6, 1)
AFTER = date(2026, 1, 15)


def _promise(claimed: S = S.NOT_YET_RATED, **kwargs: object) -> Promise:
    reason = BrokenReason.NO_FUNDING if claimed is S.BROKEN else None
    return PromiseFactory(claimed_status=claimed, claimed_broken_reason=reason,
                          deadline=DEADLINE, **kwargs)


def _updates(promise: Promise) -> int:
    return db.session.scalar(select(func.count()).select_from(PromiseUpdate)
                             .where(PromiseUpdate.promise_id == promise.id)) or 0


def _claim(promise: Promise, status: S, **kwargs: object) -> PromiseUpdate:
    akim = akim_user(promise.term)
    values: dict[str, object] = {
        "progress": 60, "note": "Works are going on.",
        "broken_reason": BrokenReason.NO_FUNDING if status is S.BROKEN else None,
        "evidence": Evidence(links=[LINK]), "today": AFTER,
    }
    values.update(kwargs)
    return transitions.post_claim(promise, akim, status=status, **values)  # type: ignore[arg-type]


ALL_PAIRS = [(current, new) for current in S for new in S]


@pytest.mark.parametrize(("current", "new"), ALL_PAIRS,
                         ids=[f"{c.value}->{n.value}" for c, n in ALL_PAIRS])
def test_every_claim_transition(current: S, new: S) -> None:
    promise = _promise(current)
    if new in rules.CLAIM_TRANSITIONS[current]:
        update = _claim(promise, new)
        assert promise.claimed_status is new
        assert update.previous_status is current and update.kind is UpdateKind.CLAIM
        assert promise.status is new  # no verdict: the claim is what counts
        assert _updates(promise) == 1
    else:
        with pytest.raises(PromiseError) as refused:
            _claim(promise, new)
        assert refused.value.field == "status"
        assert promise.claimed_status is current
        assert _updates(promise) == 0


def test_the_table_has_the_documented_shape() -> None:
    assert S.NOT_YET_RATED not in rules.CLAIMABLE  # the default, never claimed
    assert S.NOT_VERIFIABLE not in rules.CLAIMABLE  # a verifier's finding
    for closed in (S.KEPT, S.BROKEN, S.WITHDRAWN):
        assert rules.CLAIM_TRANSITIONS[closed] == ()
    assert set(rules.CLAIM_TRANSITIONS) == set(S)


def test_a_claim_records_who_when_note_and_evidence() -> None:
    promise = _promise()
    update = _claim(promise, S.KEPT, progress=100, note="Opened on 1 May.",
                    evidence=Evidence(links=[LINK], files=[pdf()]))
    assert update.author_id is not None and update.created_at is not None
    assert update.note == "Opened on 1 May."
    kinds = sorted("file" if item.file_id else "link" for item in update.evidence)
    assert kinds == ["file", "link"]
    assert promise.claimed_progress == 100 and promise.claimed_at is not None


@pytest.mark.parametrize("status", [S.KEPT, S.PARTIALLY_KEPT])
def test_a_claim_of_done_needs_evidence(status: S) -> None:
    promise = _promise()
    with pytest.raises(PromiseError) as refused:
        _claim(promise, status, evidence=Evidence())
    assert refused.value.field == "evidence_links"
    assert _updates(promise) == 0


def test_broken_before_the_deadline_needs_evidence() -> None:
    promise = _promise(S.IN_PROGRESS)
    with pytest.raises(PromiseError, match="Before its deadline") as refused:
        _claim(promise, S.BROKEN, evidence=Evidence(), today=BEFORE)
    assert refused.value.field == "evidence_links"
    assert promise.claimed_status is S.IN_PROGRESS and _updates(promise) == 0


@pytest.mark.parametrize("evidence", [Evidence(links=[LINK]), Evidence(files=[pdf()])],
                         ids=["link", "file"])
def test_broken_before_the_deadline_with_evidence_is_accepted(evidence: Evidence) -> None:
    promise = _promise(S.IN_PROGRESS)
    _claim(promise, S.BROKEN, evidence=evidence, today=BEFORE)
    assert promise.claimed_status is S.BROKEN
    assert promise.claimed_broken_reason is BrokenReason.NO_FUNDING


@pytest.mark.parametrize("today", [DEADLINE, AFTER], ids=["on the deadline", "after it"])
def test_broken_from_the_deadline_on_needs_no_evidence(today: date) -> None:
    promise = _promise(S.IN_PROGRESS)
    _claim(promise, S.BROKEN, evidence=Evidence(), today=today)
    assert promise.claimed_status is S.BROKEN


def test_broken_needs_exactly_one_reason() -> None:
    promise = _promise(S.IN_PROGRESS)
    with pytest.raises(PromiseError) as refused:
        _claim(promise, S.BROKEN, broken_reason=None)
    assert refused.value.field == "broken_reason"
    # A reason given with another status is not stored.
    update = _claim(promise, S.STALLED, broken_reason=BrokenReason.FORCE_MAJEURE)
    assert update.broken_reason is None and promise.claimed_broken_reason is None


def test_the_database_refuses_broken_without_a_reason() -> None:
    promise = _promise()
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(sa.update(Promise).where(Promise.id == promise.id)
                           .values(claimed_status="broken", claimed_broken_reason=None))


@pytest.mark.parametrize("progress", [140, -1, 101])
def test_progress_outside_0_to_100_is_refused(progress: int) -> None:
    promise = _promise()
    with pytest.raises(PromiseError) as refused:
        _claim(promise, S.IN_PROGRESS, progress=progress)
    assert refused.value.field == "progress" and _updates(promise) == 0


def test_progress_is_kept_apart_from_status() -> None:
    promise = _promise()
    _claim(promise, S.IN_PROGRESS, progress=0)
    _claim(promise, S.STALLED, progress=70)
    assert (promise.claimed_status, promise.claimed_progress) == (S.STALLED, 70)


def test_a_note_is_required() -> None:
    promise = _promise()
    with pytest.raises(PromiseError) as refused:
        _claim(promise, S.IN_PROGRESS, note="   ")
    assert refused.value.field == "note"


def test_bad_links_are_refused() -> None:
    promise = _promise()
    for link in ("javascript:alert(1)", "example.org/photo", "ftp://example.org/x"):
        with pytest.raises(PromiseError) as refused:
            _claim(promise, S.IN_PROGRESS, evidence=Evidence(links=[link]))
        assert refused.value.field == "evidence_links"


def test_an_exe_renamed_pdf_is_refused_and_nothing_is_saved() -> None:
    promise = _promise()
    from tests.promises.helpers import EXE

    with pytest.raises(PromiseError, match="not an accepted type") as refused:
        _claim(promise, S.KEPT, progress=100, evidence=Evidence(files=[pdf("act.pdf", EXE)]))
    assert refused.value.field == "evidence_files"


def test_no_claims_on_a_draft_programme() -> None:
    promise = _promise(baseline="draft")
    with pytest.raises(PromiseError, match="Register the programme"):
        _claim(promise, S.IN_PROGRESS)


# ------------------------------------------------------------------ verdicts

@pytest.mark.parametrize("verdict", list(S), ids=[s.value for s in S])
def test_every_verdict(verdict: S) -> None:
    promise = _promise(S.KEPT)
    moderator = UserFactory(moderator=True)
    evidence = Evidence(links=[LINK])
    if verdict is S.NOT_YET_RATED:
        with pytest.raises(PromiseError) as refused:
            transitions.record_verdict(promise, moderator, status=verdict, source="Visit",
                                       today=AFTER, evidence=evidence)
        assert refused.value.field == "status" and promise.verified_status is None
        return
    reason = BrokenReason.BLOCKED_BY_HIGHER_AUTHORITY if verdict is S.BROKEN else None
    update = transitions.record_verdict(promise, moderator, status=verdict, source="Site visit",
                                        broken_reason=reason, evidence=evidence, today=AFTER)
    assert update.kind is UpdateKind.VERDICT and update.source == "Site visit"
    assert promise.verified_status is verdict
    assert promise.claimed_status is S.KEPT  # the akim's claim is untouched
    assert promise.status is verdict  # indicators count the verdict


def test_a_verdict_needs_a_source() -> None:
    promise = _promise(S.KEPT)
    with pytest.raises(PromiseError) as refused:
        transitions.record_verdict(promise, UserFactory(staff=True), status=S.KEPT, source=" ")
    assert refused.value.field == "source"


def test_a_verdict_of_broken_before_the_deadline_needs_evidence() -> None:
    promise = _promise(S.IN_PROGRESS)
    staff = UserFactory(staff=True)
    with pytest.raises(PromiseError) as refused:
        transitions.record_verdict(promise, staff, status=S.BROKEN, source="Budget report",
                                   broken_reason=BrokenReason.NO_FUNDING, today=BEFORE)
    assert refused.value.field == "evidence_links"
    transitions.record_verdict(promise, staff, status=S.BROKEN, source="Budget report",
                               broken_reason=BrokenReason.NO_FUNDING, today=BEFORE,
                               evidence=Evidence(links=[LINK]))
    assert promise.verified_status is S.BROKEN


def test_a_verdict_can_be_revised() -> None:
    promise = _promise(S.KEPT)
    moderator = UserFactory(moderator=True)
    transitions.record_verdict(promise, moderator, status=S.KEPT, source="Act", today=AFTER)
    second = transitions.record_verdict(promise, moderator, status=S.PARTIALLY_KEPT,
                                        source="Second visit", today=AFTER)
    assert second.previous_status is S.KEPT and promise.verified_status is S.PARTIALLY_KEPT


# ------------------------------------------------------------------ reopening

@pytest.mark.parametrize("current", list(S), ids=[s.value for s in S])
def test_reopening(current: S) -> None:
    promise = _promise(current)
    moderator = UserFactory(moderator=True)
    if current in rules.CLOSED:
        update = transitions.reopen_claim(promise, moderator, "Claimed by mistake.")
        assert update.kind is UpdateKind.REOPEN and update.previous_status is current
        assert promise.claimed_status is S.IN_PROGRESS and promise.claimed_broken_reason is None
        _claim(promise, S.KEPT)  # the akim can report again
    else:
        with pytest.raises(PromiseError):
            transitions.reopen_claim(promise, moderator, "No reason")
        assert promise.claimed_status is current


def test_evidence_rows_need_a_link_or_a_file() -> None:
    promise = _promise()
    update = _claim(promise, S.IN_PROGRESS)
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(PromiseEvidence(update_id=update.id))
        db.session.flush()
