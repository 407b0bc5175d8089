"""Due process: the response window, the akim's response, the moderators' review and decision;
parliamentary staff read but do not decide."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts.models import Role
from portal.audit import AuditEvent
from portal.extensions import db
from portal.mail import outbox_messages
from portal.recall import services
from portal.recall.models import Flag, FlagStatus
from tests.factories import FlagFactory, TermFactory, UserFactory


def action_events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --------------------------------------------------------------------------- the window

def test_a_new_flag_is_hidden_from_the_public_until_the_window_ends(client: FlaskClient,
                                                                    login: Any) -> None:
    flag = FlagFactory(pending=True)
    assert client.get(f"/flags/{flag.id}").status_code == 404
    profile = client.get(f"/akims/{flag.term.akim_id}").get_data(as_text=True)
    assert f"/flags/{flag.id}" not in profile
    # Moderators and staff see it (marked as not public), and so does the akim it concerns.
    for reader in (UserFactory(moderator=True), UserFactory(staff=True)):
        login(reader)
        page = client.get(f"/flags/{flag.id}").get_data(as_text=True)
        assert "Not public yet" in page
    login(UserFactory.akim_for(flag.term))
    assert client.get(f"/flags/{flag.id}").status_code == 200
    assert f"/flags/{flag.id}" in client.get(f"/akims/{flag.term.akim_id}").get_data(as_text=True)
    # Another akim does not.
    login(UserFactory.akim_for(TermFactory()))
    assert client.get(f"/flags/{flag.id}").status_code == 404


def test_after_the_window_the_flag_is_public_without_a_response(client: FlaskClient) -> None:
    flag = FlagFactory(raised_at=datetime.now(UTC) - timedelta(days=10, minutes=1))
    page = client.get(f"/flags/{flag.id}").get_data(as_text=True)
    assert "Rule 1: Reporting to residents" in page
    assert "The akim has not responded." in page
    assert "not a legal decision" in page


def test_just_inside_the_window_it_is_still_hidden(client: FlaskClient) -> None:
    flag = FlagFactory(raised_at=datetime.now(UTC) - timedelta(days=10) + timedelta(minutes=5))
    assert client.get(f"/flags/{flag.id}").status_code == 404


def test_the_response_publishes_the_flag_at_once(client: FlaskClient, login: Any) -> None:
    flag = FlagFactory(pending=True)
    akim = login(UserFactory.akim_for(flag.term))
    form = client.get(f"/flags/{flag.id}/respond").get_data(as_text=True)
    assert "Only you, the portal's moderators and parliamentary staff see this flag" in form
    token = form.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(f"/flags/{flag.id}/respond", data={
        "csrf_token": token,
        "response": "The report was delayed by the district finance office: "
                    "https://example.kz/letter <b>not bold</b>"})
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Flag, flag.id)
    assert stored is not None and stored.status is FlagStatus.AKIM_RESPONDED
    assert stored.is_public() and stored.responded_by_id == akim.id
    client.post("/logout", data={"csrf_token": token})
    anonymous = client.application.test_client()
    page = anonymous.get(f"/flags/{flag.id}").get_data(as_text=True)
    assert '<a href="https://example.kz/letter"' in page
    assert "&lt;b&gt;not bold&lt;/b&gt;" in page
    (event,) = action_events("recall.flag.respond")
    assert event.before is not None and event.before["status"] == "open"
    assert event.after is not None and event.after["status"] == "akim_responded"


def test_an_empty_response_is_refused_beside_the_field(client: FlaskClient, login: Any,
                                                       csrf: Any) -> None:
    flag = FlagFactory()
    login(UserFactory.akim_for(flag.term))
    token = csrf(f"/flags/{flag.id}/respond")
    response = client.post(f"/flags/{flag.id}/respond", data={"csrf_token": token,
                                                              "response": "   "})
    assert response.status_code == 400
    assert "Write your response." in response.get_data(as_text=True)


def test_only_the_akim_concerned_may_respond(client: FlaskClient, login: Any) -> None:
    flag = FlagFactory()
    login(UserFactory.akim_for(TermFactory()))
    assert client.get(f"/flags/{flag.id}/respond").status_code == 404
    login(UserFactory(staff=True))
    assert client.get(f"/flags/{flag.id}/respond").status_code == 403


# --------------------------------------------------------------------------- review

def test_a_moderator_reviews_and_upholds_with_a_public_reason(client: FlaskClient, login: Any,
                                                              csrf: Any) -> None:
    flag = FlagFactory()
    UserFactory.akim_for(flag.term, email="akim-decided@example.kz")
    moderator = login(UserFactory(moderator=True))
    token = csrf(f"/flags/{flag.id}")
    assert client.post(f"/flags/{flag.id}/review", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Flag, flag.id).status is FlagStatus.UNDER_REVIEW  # type: ignore[union-attr]
    before = len(outbox_messages())
    response = client.post(f"/flags/{flag.id}/decide", data={
        "csrf_token": token, "decision": "upheld",
        "reason": "Checked against the portal's record: the report was never published."})
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Flag, flag.id)
    assert stored is not None and stored.status is FlagStatus.UPHELD
    assert stored.decided_by_id == moderator.id
    assert (stored.review_started_by_role, stored.decided_by_role) == (Role.MODERATOR,
                                                                       Role.MODERATOR)
    messages = outbox_messages()[before:]
    assert [message["To"] for message in messages] == ["akim-decided@example.kz"]
    assert messages[0]["Subject"] == "The portal's moderators decided on a flag on your record"
    assert "not legal decisions" in messages[0].get_content()
    page = client.application.test_client().get(f"/flags/{flag.id}").get_data(as_text=True)
    assert "Upheld on review" in page and "the report was never published" in page
    assert "by: the portal's moderators." in page
    assert len(action_events("recall.flag.review")) == 1
    assert len(action_events("recall.flag.decide")) == 1


def test_a_decision_needs_a_reason_and_a_public_flag(client: FlaskClient, login: Any,
                                                     csrf: Any) -> None:
    flag = FlagFactory()
    login(UserFactory(moderator=True))
    token = csrf(f"/flags/{flag.id}")
    response = client.post(f"/flags/{flag.id}/decide", data={
        "csrf_token": token, "decision": "dismissed", "reason": "short"})
    assert response.status_code == 400
    assert "Reason (published)" in response.get_data(as_text=True)
    pending = FlagFactory(pending=True)
    moderator = UserFactory(moderator=True)
    with pytest.raises(services.RecallError, match="may respond until"):
        services.decide(pending, moderator, FlagStatus.DISMISSED, "A long enough reason here.")


def test_a_decided_or_cleared_flag_takes_no_more_responses_or_decisions() -> None:
    akim_flag = FlagFactory(status=FlagStatus.DISMISSED, decided_at=datetime.now(UTC),
                            decision_reason="Explained by the akim.")
    akim = UserFactory.akim_for(akim_flag.term)
    with pytest.raises(services.RecallError, match="closed"):
        services.respond(akim_flag, akim, "Thank you.")
    moderator = UserFactory(moderator=True)
    with pytest.raises(services.RecallError, match="already been decided"):
        services.decide(akim_flag, moderator, FlagStatus.UPHELD, "Changed my mind completely.")
    with pytest.raises(services.RecallError, match="open flag"):
        services.start_review(akim_flag, moderator)


def test_citizens_cannot_review(client: FlaskClient, login: Any, csrf: Any) -> None:
    flag = FlagFactory()
    login(UserFactory.resident_of(flag.term.rural_district))
    token = csrf(f"/flags/{flag.id}")
    assert client.post(f"/flags/{flag.id}/review",
                       data={"csrf_token": token}).status_code == 403


def test_parliamentary_staff_read_flags_but_do_not_decide(client: FlaskClient, login: Any,
                                                          csrf: Any) -> None:
    """Parliament has no oversight competence over rural akims: staff see the dashboard and
    the flag, and neither the review buttons nor the routes work for them."""
    flag = FlagFactory()
    login(UserFactory(staff=True))
    assert client.get("/staff/flags").status_code == 200
    page = client.get(f"/flags/{flag.id}").get_data(as_text=True)
    assert "Take under review" not in page and "Record the decision" not in page
    assert "Parliamentary staff read and export them but do not decide" in page
    token = csrf(f"/flags/{flag.id}")
    assert client.post(f"/flags/{flag.id}/review", data={"csrf_token": token}).status_code == 403
    assert client.post(f"/flags/{flag.id}/decide", data={
        "csrf_token": token, "decision": "dismissed",
        "reason": "Explained by the finance office."}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Flag, flag.id).status is FlagStatus.OPEN  # type: ignore[union-attr]


def test_a_decision_taken_by_staff_before_the_handover_keeps_their_role(
        client: FlaskClient) -> None:
    """Decisions recorded before review passed to the moderators stay as they were made."""
    flag = FlagFactory(status=FlagStatus.DISMISSED, decided_at=datetime.now(UTC),
                       decision_reason="Explained by the district finance office.",
                       decided_by_role=Role.STAFF, review_started_at=datetime.now(UTC),
                       review_started_by_role=Role.STAFF)
    page = client.get(f"/flags/{flag.id}").get_data(as_text=True)
    assert "Dismissed on review" in page
    assert ("by: parliamentary staff, before review passed to the portal's moderators."
            in page)


def test_an_administrator_decides_under_the_administrator_role() -> None:
    flag = FlagFactory()
    services.decide(flag, UserFactory(admin=True), FlagStatus.DISMISSED,
                    "Explained by the district finance office.")
    assert flag.decided_by_role is Role.ADMIN
    # A moderator who is also an administrator acts as a moderator.
    other = FlagFactory()
    services.start_review(other, UserFactory(roles=(Role.ADMIN, Role.MODERATOR), iin_hmac=None,
                                             adult_from=None))
    assert other.review_started_by_role is Role.MODERATOR
