"""Administrators see the mail that failed or was retried, with its error, and can retry it."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from portal.extensions import db
from portal.mail import outbox_messages
from portal.notifications.models import (
    DeliveryStatus,
    EventKind,
    Follow,
    FollowTarget,
    Notification,
    NotificationEvent,
)
from tests.factories import UserFactory
from tests.feedback.helpers import published_report, serving_term


def test_an_administrator_sees_a_failed_mail_with_its_error_and_sends_it_again(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    term = serving_term()
    report = published_report(term)
    reader = UserFactory(email="reader@example.kz")
    db.session.add(Follow(user_id=reader.id, target=FollowTarget.AKIM, target_id=term.akim_id))
    event = NotificationEvent(kind=EventKind.REPORT_PUBLISHED, subject_id=report.id,
                              term_id=term.id, data={})
    db.session.add(event)
    db.session.flush()
    row = Notification(event_id=event.id, user_id=reader.id, status=DeliveryStatus.FAILED,
                       attempts=6, last_error="SMTPServerDisconnected: Connection closed")
    db.session.add(row)
    db.session.commit()
    login(UserFactory(moderator=True))
    assert client.get("/admin/notifications").status_code == 403
    login(UserFactory(admin=True))
    page = client.get("/admin/notifications").get_data(as_text=True)
    assert "SMTPServerDisconnected: Connection closed" in page and "Try again" in page
    assert "reader@example.kz" not in page  # the list names accounts, not addresses
    # The backoff as the worker applies it (delivery.RETRY_DELAYS, MAX_ATTEMPTS).
    assert "tried again after 1, 5, 15, 60, 180 minutes; after 6 tries" in page
    before = len(outbox_messages())
    response = client.post(f"/admin/notifications/{row.id}/retry",
                           data={"csrf_token": csrf("/admin/notifications")})
    assert response.status_code == 302
    assert [m["To"] for m in outbox_messages()[before:]] == ["reader@example.kz"]
    db.session.refresh(row)
    assert row.status is DeliveryStatus.SENT and row.attempts == 7 and row.last_error is None
