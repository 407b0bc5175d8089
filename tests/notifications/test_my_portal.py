"""My portal: a resident's akim, follows, ratings, comments, answers and signatures."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.extensions import db
from portal.feedback.models import Rating
from portal.notifications.models import (
    Follow,
    FollowTarget,
    UndeliverableAddress,
    UndeliveredBecause,
)
from portal.promises import transitions, votes
from portal.promises.models import PromiseStatus, VoteChoice
from portal.recall.models import PetitionSignature
from tests.conftest import csrf_from
from tests.factories import CommentFactory, PromiseFactory, UserFactory
from tests.feedback.helpers import akim_account, published_report, resident, serving_term
from tests.recall.helpers import petition


def test_my_portal_shows_a_residents_own_record(client: FlaskClient, login: Any,
                                                count_queries: Any) -> None:
    term = serving_term()
    me = resident(term)
    report = published_report(term)
    db.session.add(Rating(report_id=report.id, user_id=me.id, score=4))
    CommentFactory(report=report, author=me, body="Where is the new road?")
    promise = PromiseFactory(term=term, title="Clean water for the school")
    claim = transitions.post_claim(promise, akim_account(term), status=PromiseStatus.IN_PROGRESS,
                                   progress=50, note="Half the pipe.")
    votes.cast_vote(promise, claim.id, me, VoteChoice.DISPUTE, None)
    item = petition(term)
    db.session.add(PetitionSignature(petition_id=item.id, user_id=me.id))
    other = serving_term()
    db.session.add(Follow(user_id=me.id, target=FollowTarget.AKIM, target_id=other.akim_id))
    db.session.commit()
    login(me)
    with count_queries() as queries:
        html = client.get("/my").get_data(as_text=True)
    assert term.akim.full_name_latn in html  # my own akim, by default
    assert other.akim.full_name_latn in html  # and one I follow
    assert f"/reports/{report.id}" in html and "4 of 5" in html
    assert "Where is the new road?" in html
    assert "Clean water for the school" in html and "No, that is not true" in html
    assert f"/petitions/{item.id}" in html
    assert len(queries) <= 10, "\n".join(q[:80] for q in queries)
    assert 'href="/my"' in html  # in the menu


def test_my_follows_lists_many_things_in_the_same_few_queries(
        client: FlaskClient, login: Any, count_queries: Any) -> None:
    term = serving_term()
    me = resident(term)

    def follow_more(count: int) -> None:
        for _index in range(count):
            other = serving_term()
            place = other.rural_district
            promise = PromiseFactory(term=other)
            item = petition(other)
            for target, target_id in ((FollowTarget.AKIM, other.akim_id),
                                      (FollowTarget.RURAL_DISTRICT, place.id),
                                      (FollowTarget.PROMISE, promise.id),
                                      (FollowTarget.PETITION, item.id)):
                db.session.add(Follow(user_id=me.id, target=target, target_id=target_id))
        db.session.commit()

    login(me)
    counts = []
    for count in (1, 4):
        follow_more(count)
        with count_queries() as queries:
            html = client.get("/my/follows").get_data(as_text=True)
        assert term.akim.full_name_latn in html  # my own akim, by default
        counts.append(len(queries))
    # Each followed thing was a query of its own (a petition three, for its akim's name).
    assert counts[0] == counts[1], counts


def test_the_owner_of_a_stopped_address_can_ask_for_mail_again(client: FlaskClient,
                                                                 login: Any) -> None:
    me = login(UserFactory(email="mailbox-full@example.kz"))
    db.session.add(UndeliverableAddress(email=me.email, kind=UndeliveredBecause.COMPLAINED,
                                        reason="feedback: abuse"))
    db.session.commit()
    html = client.get("/my").get_data(as_text=True)
    assert "reported as spam" in html and "Send me email again" in html
    response = client.post("/my/mail-again", data={"csrf_token": csrf_from(html)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/my")
    assert db.session.get(UndeliverableAddress, me.email) is None
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "notifications.write_again")).one()
    assert event.before == {"kind": "complained", "marked_at": event.before["marked_at"]}
    html = client.get("/my").get_data(as_text=True)
    assert "We will write to mailbox-full@example.kz again." in html
    assert "We no longer send email" not in html and "Send me email again" not in html
    # Without a stopped address nothing happens (and nothing is audited).
    client.post("/my/mail-again", data={"csrf_token": csrf_from(html)})
    assert len(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "notifications.write_again")).all()) == 1
