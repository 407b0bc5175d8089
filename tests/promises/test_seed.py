"""The promise seed step: realistic programmes whose timelines obey the rules."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import func, select

from portal import seed
from portal.accounts.models import User
from portal.akims.models import Term
from portal.extensions import db
from portal.modeling import as_utc
from portal.promises import rules
from portal.promises.models import (
    Programme,
    Promise,
    PromiseAmendment,
    PromiseEvidence,
    PromiseStatus,
    PromiseUpdate,
    PromiseVote,
    UpdateKind,
)
from portal.promises.votes import current_claim
from portal.seed.context import Scale

AS_OF = date(2026, 11, 1)


def _fingerprint() -> list[tuple[object, ...]]:
    return [tuple(row) for row in db.session.execute(
        select(Promise.term_id, Promise.number, Promise.title, Promise.status, Promise.deadline,
               Promise.confirm_count).order_by(Promise.id))]


def test_the_demo_seed_is_deterministic() -> None:
    savepoint = db.session.begin_nested()
    seed.run(Scale.DEMO, seed=5, as_of=AS_OF)
    first = _fingerprint()
    savepoint.rollback()
    seed.run(Scale.DEMO, seed=5, as_of=AS_OF)
    assert _fingerprint() == first


def test_demo_programmes_follow_the_rules() -> None:
    seed.run(Scale.DEMO, seed=2026, as_of=AS_OF)
    per_term = Counter(db.session.scalars(select(Promise.term_id)))
    terms = db.session.scalar(select(func.count()).select_from(Term))
    assert len(per_term) == terms == db.session.scalar(select(func.count()).select_from(
        Programme))
    assert all(5 <= count <= 15 for count in per_term.values())
    statuses = Counter(db.session.scalars(select(Promise.status)))
    assert {PromiseStatus.KEPT, PromiseStatus.BROKEN, PromiseStatus.IN_PROGRESS,
            PromiseStatus.NOT_YET_RATED} <= set(statuses)
    assert db.session.scalar(select(func.count()).select_from(PromiseAmendment)) > 0
    assert db.session.scalar(select(func.count()).where(Promise.in_baseline.is_(False))) > 0
    assert db.session.scalar(select(func.count()).where(Promise.verified_status.is_not(None)))

    evidence = Counter(db.session.scalars(select(PromiseEvidence.update_id)))
    assert db.session.scalar(select(func.count()).where(PromiseEvidence.file_id.is_not(None))) \
        == 0  # links only
    claims: dict[int, list[PromiseUpdate]] = defaultdict(list)
    for update in db.session.scalars(select(PromiseUpdate).order_by(PromiseUpdate.created_at,
                                                                    PromiseUpdate.id)):
        assert as_utc(update.created_at).date() <= AS_OF  # type: ignore[union-attr]
        if update.kind is UpdateKind.CLAIM:
            claims[update.promise_id].append(update)
    promises = {promise.id: promise for promise in db.session.scalars(select(Promise))}
    votes = Counter(db.session.execute(select(PromiseVote.update_id, PromiseVote.choice)))
    for promise_id, timeline in claims.items():
        promise = promises[promise_id]
        current = PromiseStatus.NOT_YET_RATED
        for claim in timeline:
            assert claim.previous_status is current
            assert rules.claim_allowed(current, claim.status), (current, claim.status)
            day = as_utc(claim.created_at).date()  # type: ignore[union-attr]
            if claim.status is PromiseStatus.BROKEN:
                assert claim.broken_reason is not None
                if day < promise.deadline:
                    assert evidence[claim.id] > 0, "broken before the deadline without evidence"
            if claim.status in (PromiseStatus.KEPT, PromiseStatus.PARTIALLY_KEPT):
                assert evidence[claim.id] > 0
            assert claim.confirm_count == votes[(claim.id, "confirm")]
            assert claim.dispute_count == votes[(claim.id, "dispute")]
            current = claim.status
        assert promise.claimed_status is current
        assert promise.status is (promise.verified_status or promise.claimed_status)
        assert (promise.confirm_count, promise.dispute_count) == (
            timeline[-1].confirm_count, timeline[-1].dispute_count)


def test_the_demo_citizen_has_claims_left_to_answer() -> None:
    seed.run(Scale.DEMO, seed=2026, as_of=AS_OF)
    citizen = db.session.scalar(select(User).where(User.email == "citizen@demo.kz"))
    akim = db.session.scalar(select(User).where(User.email == "akim@demo.kz"))
    assert citizen is not None and akim is not None
    term = db.session.scalar(select(Term).where(Term.akim_id == akim.akim_id,
                                                Term.status == "serving"))
    assert term is not None and citizen.is_verified_resident_of(term.rural_district_id)
    answered = set(db.session.scalars(select(PromiseVote.update_id)
                                      .where(PromiseVote.user_id == citizen.id)))
    open_claims = []
    for promise in db.session.scalars(select(Promise).where(Promise.term_id == term.id)):
        claim = current_claim(promise)
        if claim is not None and claim.id not in answered:
            open_claims.append(claim)
    assert answered, "the citizen has answered some claims"
    assert len(open_claims) >= 2
    assert not rules.CLAIM_TRANSITIONS[PromiseStatus.KEPT]  # closed claims exist to reopen
