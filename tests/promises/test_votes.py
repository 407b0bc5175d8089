""""Is it done?": one answer per verified resident per claim, changeable, counted exactly."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.accounts.sessions import sign_in_cookie
from portal.extensions import db
from portal.notifications.models import Follow, FollowTarget
from portal.promises import transitions, votes
from portal.promises.errors import PromiseError
from portal.promises.models import (
    Promise,
    PromiseStatus,
    PromiseUpdate,
    PromiseVote,
    VoteChoice,
)
from portal.promises.transitions import Evidence
from tests.conftest import csrf_from
from tests.factories import PromiseFactory, UserFactory
from tests.promises.helpers import LINK, akim_user, days_from_today, term_around_today

C, D = VoteChoice.CONFIRM, VoteChoice.DISPUTE


def _claimed(status: PromiseStatus = PromiseStatus.IN_PROGRESS) -> tuple[Promise, PromiseUpdate]:
    promise = PromiseFactory(term=term_around_today(), deadline=days_from_today(200))
    update = transitions.post_claim(promise, akim_user(promise.term), status=status,
                                    progress=40, note="Pipes are laid.",
                                    evidence=Evidence(links=[LINK]))
    db.session.commit()
    return promise, update


def _rows(claim: PromiseUpdate) -> list[PromiseVote]:
    return list(db.session.scalars(select(PromiseVote).where(PromiseVote.update_id == claim.id)))


def test_votes_are_counted_on_the_claim_and_the_promise() -> None:
    promise, claim = _claimed()
    residents = [UserFactory.resident_of(promise.term.rural_district) for _ in range(3)]
    votes.cast_vote(promise, claim.id, residents[0], C)
    votes.cast_vote(promise, claim.id, residents[1], C, "Saw the pipes myself.")
    votes.cast_vote(promise, claim.id, residents[2], D)
    db.session.refresh(claim)
    db.session.refresh(promise)
    assert (claim.confirm_count, claim.dispute_count) == (2, 1)
    assert (promise.confirm_count, promise.dispute_count) == (2, 1)


def test_changing_a_vote_updates_the_one_row() -> None:
    promise, claim = _claimed()
    resident = UserFactory.resident_of(promise.term.rural_district)
    votes.cast_vote(promise, claim.id, resident, C)
    votes.cast_vote(promise, claim.id, resident, D, "On second look, no water yet.")
    votes.cast_vote(promise, claim.id, resident, D, "Still none.")
    rows = _rows(claim)
    assert len(rows) == 1 and rows[0].choice is D and rows[0].comment == "Still none."
    db.session.refresh(claim)
    assert (claim.confirm_count, claim.dispute_count) == (0, 1)


def test_a_new_claim_starts_new_counts_and_keeps_the_old_ones() -> None:
    promise, first = _claimed()
    resident = UserFactory.resident_of(promise.term.rural_district)
    votes.cast_vote(promise, first.id, resident, D)
    second = transitions.post_claim(promise, akim_user(promise.term),
                                    status=PromiseStatus.KEPT, progress=100, note="Done.",
                                    evidence=Evidence(links=[LINK]))
    assert (promise.confirm_count, promise.dispute_count) == (0, 0)
    with pytest.raises(PromiseError, match="newer update"):
        votes.cast_vote(promise, first.id, resident, C)
    votes.cast_vote(promise, second.id, resident, C)
    db.session.refresh(first)
    assert (first.confirm_count, first.dispute_count) == (0, 1)
    assert len(_rows(second)) == 1


def test_no_vote_without_a_claim_or_after_a_reopening() -> None:
    promise = PromiseFactory()
    resident = UserFactory.resident_of(promise.term.rural_district)
    with pytest.raises(PromiseError, match="no claim"):
        votes.cast_vote(promise, 0, resident, C)
    promise, claim = _claimed(PromiseStatus.KEPT)
    transitions.reopen_claim(promise, UserFactory(moderator=True), "Not finished.")
    assert votes.current_claim(promise) is None
    with pytest.raises(PromiseError):
        votes.cast_vote(promise, claim.id, resident, C)


def test_long_comments_are_refused() -> None:
    promise, claim = _claimed()
    resident = UserFactory.resident_of(promise.term.rural_district)
    with pytest.raises(PromiseError) as refused:
        votes.cast_vote(promise, claim.id, resident, C, "x" * 501)
    assert refused.value.field == "comment"
    assert _rows(claim) == []


def test_following_is_idempotent() -> None:
    promise = PromiseFactory()
    user = UserFactory()
    assert votes.follow(promise, user) is True
    assert votes.follow(promise, user) is False
    assert db.session.scalar(select(func.count()).select_from(Follow).where(
        Follow.target == FollowTarget.PROMISE, Follow.target_id == promise.id)) == 1
    assert votes.unfollow(promise, user) is True
    assert votes.unfollow(promise, user) is False


# ------------------------------------------------------------------ concurrency

def _post_together(app: Flask, promise_id: int, claim_id: int,
                   voters: list[tuple[Any, VoteChoice]]) -> list[int]:
    """Each voter on their own client and thread (own app context, own connection); all
    requests are released at the same moment."""
    clients: list[tuple[FlaskClient, str, VoteChoice]] = []
    for user, choice in voters:
        client = app.test_client()
        with client.session_transaction() as session:
            sign_in_cookie(session, user)
        token = csrf_from(client.get(f"/promises/{promise_id}").get_data(as_text=True))
        clients.append((client, token, choice))
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    lock = threading.Lock()

    def post(client: FlaskClient, token: str, choice: VoteChoice) -> None:
        with app.app_context():  # its own context, so its own session and connection
            barrier.wait()
            response = client.post(f"/promises/{promise_id}/vote",
                                   data={"csrf_token": token, "claim": str(claim_id),
                                         "choice": choice.value})
            db.session.remove()
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=post, args=entry) for entry in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.remove()
    return statuses


@pytest.mark.concurrency
def test_one_resident_voting_many_times_at_once_leaves_one_row(app: Flask) -> None:
    promise, claim = _claimed()
    resident = UserFactory.resident_of(promise.term.rural_district)
    db.session.commit()
    choices = [C, D] * 4
    statuses = _post_together(app, promise.id, claim.id, [(resident, c) for c in choices])
    assert statuses == [302] * len(choices)
    rows = _rows(db.session.get(PromiseUpdate, claim.id))  # type: ignore[arg-type]
    assert len(rows) == 1
    fresh_claim = db.session.get(PromiseUpdate, claim.id)
    fresh_promise = db.session.get(Promise, promise.id)
    assert fresh_claim is not None and fresh_promise is not None
    expected = (1, 0) if rows[0].choice is C else (0, 1)
    assert (fresh_claim.confirm_count, fresh_claim.dispute_count) == expected
    assert (fresh_promise.confirm_count, fresh_promise.dispute_count) == expected


@pytest.mark.concurrency
def test_many_residents_voting_at_once_are_all_counted(app: Flask) -> None:
    promise, claim = _claimed()
    residents = [UserFactory.resident_of(promise.term.rural_district) for _ in range(8)]
    db.session.commit()
    voters = [(user, C if index % 3 else D) for index, user in enumerate(residents)]
    statuses = _post_together(app, promise.id, claim.id, voters)
    assert statuses == [302] * len(voters)
    fresh_claim = db.session.get(PromiseUpdate, claim.id)
    assert fresh_claim is not None
    assert len(_rows(fresh_claim)) == 8
    assert (fresh_claim.confirm_count, fresh_claim.dispute_count) == (5, 3)
    fresh_promise = db.session.get(Promise, promise.id)
    assert fresh_promise is not None
    assert (fresh_promise.confirm_count, fresh_promise.dispute_count) == (5, 3)
