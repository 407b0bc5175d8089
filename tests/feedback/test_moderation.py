"""Reporting comments, automatic hiding after N reports, and the moderators' decisions."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.audit import AuditEvent
from portal.extensions import db
from portal.feedback import comments, moderation
from portal.feedback.errors import FeedbackError
from portal.feedback.models import Comment, CommentComplaint, CommentStatus, ComplaintReason
from tests.factories import CommentFactory, UserFactory
from tests.feedback.helpers import published_report, resident

ABUSE = ComplaintReason.ABUSE


def _complain(client: FlaskClient, csrf: Any, comment: Comment, reason: str = "abuse") -> Any:
    page = f"/reports/{comment.report_id}"
    return client.post(f"/comments/{comment.id}/report",
                       data={"csrf_token": csrf(page), "reason": reason})


def _status(comment: Comment) -> CommentStatus:
    db.session.expire(comment)
    return comment.status


def test_reporting_a_comment_counts_once_per_person(client: FlaskClient, login: Any,
                                                    csrf: Any) -> None:
    comment = CommentFactory(body="A comment someone finds offensive.")
    login(UserFactory())
    thread = client.get(f"/reports/{comment.report_id}").get_data(as_text=True)
    assert f'href="/comments/{comment.id}/report"' in thread
    page = client.get(f"/comments/{comment.id}/report").get_data(as_text=True)
    assert "A comment someone finds offensive." in page and "Someone's personal data" in page
    response = _complain(client, csrf, comment)
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Moderators will review the comment." in html
    _complain(client, csrf, comment, "spam")
    html = client.get(f"/reports/{comment.report_id}").get_data(as_text=True)
    assert "You have already reported this comment" in html
    db.session.refresh(comment)
    assert (comment.complaint_count, comment.open_complaints) == (1, 1)
    assert comment.status is CommentStatus.VISIBLE


def test_the_database_keeps_one_complaint_per_person_and_comment() -> None:
    comment = CommentFactory()
    user = UserFactory()
    db.session.add(CommentComplaint(comment_id=comment.id, user_id=user.id, reason=ABUSE))
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(CommentComplaint(comment_id=comment.id, user_id=user.id,
                                        reason=ComplaintReason.SPAM))
        db.session.flush()


def test_a_complaint_needs_a_reason_and_is_not_about_ones_own_comment(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    comment = CommentFactory()
    login(UserFactory())
    response = _complain(client, csrf, comment, "")
    assert response.status_code == 400
    assert "Choose what is wrong with the comment." in response.get_data(as_text=True)
    login(comment.author)
    html = client.get(f"/reports/{comment.report_id}").get_data(as_text=True)
    assert f'href="/comments/{comment.id}/report"' not in html
    page = client.get(f"/comments/{comment.id}/report").get_data(as_text=True)
    assert "This is your own comment; it cannot be reported." in page
    response = _complain(client, csrf, comment)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(CommentComplaint)) == 0


def test_after_n_reports_a_comment_is_hidden_until_reviewed(
        client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    comment = CommentFactory(body="You are all thieves, I know where you live.")
    reporters = [UserFactory() for _ in range(3)]
    comments.complain(comment, reporters[0], ABUSE)
    comments.complain(comment, reporters[1], ComplaintReason.PERSONAL_DATA)
    assert _status(comment) is CommentStatus.VISIBLE
    comments.complain(comment, reporters[2], ABUSE)
    db.session.commit()
    assert _status(comment) is CommentStatus.HIDDEN_PENDING
    html = client.get(f"/reports/{comment.report_id}").get_data(as_text=True)
    assert "Hidden while moderators review reports about it." in html
    assert "I know where you live" not in html
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "comment.auto_hide", AuditEvent.target_id == comment.id))


def test_the_number_of_reports_to_hide_is_configurable(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "COMMENT_REPORTS_TO_HIDE", 1)
    comment = CommentFactory()
    comments.complain(comment, UserFactory(), ComplaintReason.SPAM)
    assert _status(comment) is CommentStatus.HIDDEN_PENDING


def test_the_moderation_flow(client: FlaskClient, login: Any, csrf: Any) -> None:
    report = published_report()
    pending = CommentFactory(report=report, body="Buy cheap coal, call 8 700 000 00 00")
    for _ in range(3):
        comments.complain(pending, UserFactory(), ComplaintReason.SPAM)
    reported = CommentFactory(report=report, body="The akim never answers the phone.")
    comments.complain(reported, UserFactory(), ComplaintReason.OFF_TOPIC)
    quiet = CommentFactory(report=report, body="Nice playground.")
    db.session.commit()
    moderator = login(UserFactory(moderator=True))
    queue = client.get("/moderation/comments").get_data(as_text=True)
    assert "2 comments are waiting." in queue
    assert queue.index("Buy cheap coal") < queue.index("never answers the phone")
    assert "Spam or advertising (3)" in queue and "Nice playground" not in queue

    # Hide with a public reason: the reason takes the comment's place.
    token = csrf("/moderation/comments")
    response = client.post(f"/moderation/comments/{pending.id}/hide",
                           data={f"hide-{pending.id}-csrf_token": token,
                                 f"hide-{pending.id}-reason": ""})
    assert response.status_code == 400
    assert "Give the reason readers will see." in response.get_data(as_text=True)
    response = client.post(f"/moderation/comments/{pending.id}/hide",
                           data={f"hide-{pending.id}-csrf_token": token,
                                 f"hide-{pending.id}-reason": "Advertising"})
    assert response.status_code == 302
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "Hidden by moderator:" in page and "Advertising" in page
    assert "Buy cheap coal" not in page

    # Approve: it stays, and its complaints are closed.
    client.post(f"/moderation/comments/{reported.id}/approve",
                data={"moderate-csrf_token": token})
    db.session.refresh(reported)
    assert reported.status is CommentStatus.VISIBLE and reported.open_complaints == 0
    queue = client.get("/moderation/comments").get_data(as_text=True)
    assert "Nothing is waiting." in queue and "Recently hidden" in queue

    # Restore: shown again, marked as restored.
    client.post(f"/moderation/comments/{pending.id}/restore",
                data={"moderate-csrf_token": token})
    db.session.refresh(pending)
    assert pending.status is CommentStatus.RESTORED and pending.hidden_reason is None
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "Buy cheap coal" in page and "restored after review" in page

    actions = [event.action for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.actor_id == moderator.id).order_by(AuditEvent.id))]
    assert actions == ["comment.hide", "comment.approve", "comment.restore"]
    hide_event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "comment.hide"))
    assert hide_event is not None
    assert hide_event.before["status"] == "hidden_pending"
    assert hide_event.after == {"status": "hidden", "hidden_reason": "Advertising",
                                "open_complaints": 0}
    assert quiet.status is CommentStatus.VISIBLE


def test_decisions_that_make_no_sense_are_refused() -> None:
    moderator = UserFactory(moderator=True)
    shown = CommentFactory()
    with pytest.raises(FeedbackError, match="not hidden"):
        moderation.restore(shown, moderator)
    with pytest.raises(FeedbackError, match="reason"):
        moderation.hide(shown, moderator, "  ")
    moderation.hide(shown, moderator, "Insults another resident")
    with pytest.raises(FeedbackError, match="restore it instead"):
        moderation.approve(shown, moderator)


def test_new_complaints_after_a_review_count_from_zero() -> None:
    moderator = UserFactory(moderator=True)
    comment = CommentFactory()
    for _ in range(2):
        comments.complain(comment, UserFactory(), ABUSE)
    moderation.approve(comment, moderator)
    comments.complain(comment, UserFactory(), ABUSE)
    assert _status(comment) is CommentStatus.VISIBLE
    assert (comment.complaint_count, comment.open_complaints) == (3, 1)


def test_hidden_comments_are_not_shown_on_the_report_form(client: FlaskClient, login: Any,
                                                           csrf: Any) -> None:
    hidden = CommentFactory(status="hidden_pending", body="Secret phone 8 700 000 00 00")
    login(UserFactory())
    page = client.get(f"/comments/{hidden.id}/report").get_data(as_text=True)
    assert "already hidden" in page and "Secret phone" not in page
    response = _complain(client, csrf, hidden)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(CommentComplaint)) == 0


def test_only_moderators_see_the_queue(client: FlaskClient, login: Any) -> None:
    login(resident(published_report().term))
    assert client.get("/moderation/comments").status_code == 403
