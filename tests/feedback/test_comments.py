"""Comments on reports and promises, residents marked, the akim's official replies by email."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.extensions import db
from portal.feedback import comments
from portal.feedback.errors import FeedbackError
from portal.feedback.models import Comment
from portal.mail import outbox_messages
from tests.factories import CommentFactory, PromiseFactory, ReportFactory, UserFactory
from tests.feedback.helpers import akim_account, published_report, resident, serving_term


def _comment_rows(**where: Any) -> list[Comment]:
    statement = select(Comment).order_by(Comment.id)
    for name, value in where.items():
        statement = statement.where(getattr(Comment, name) == value)
    return list(db.session.scalars(statement))


def _post(client: FlaskClient, csrf: Any, page: str, action: str, **data: str) -> Any:
    return client.post(action, data={"csrf_token": csrf(page), **data})


def test_anyone_signed_in_comments_and_residents_are_marked(client: FlaskClient, login: Any,
                                                             csrf: Any) -> None:
    report = published_report()
    page = f"/reports/{report.id}"
    anonymous = client.get(page).get_data(as_text=True)
    assert "Sign in</a> to comment" in anonymous and 'name="body"' not in anonymous
    login(resident(report.term, display_name="Dana K."))
    response = _post(client, csrf, page, f"{page}/comments", body="Thank you for the lights.")
    comment = _comment_rows(report_id=report.id)[-1]
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{page}#comment-{comment.id}")
    assert comment.is_resident and not comment.is_official
    login(UserFactory(display_name="Guest G.", rural_district=serving_term().rural_district))
    _post(client, csrf, page, f"{page}/comments", body="Same problem in our village.")
    outsider = _comment_rows(report_id=report.id)[-1]
    assert not outsider.is_resident
    html = client.get(page).get_data(as_text=True)
    assert "Comments <span class=\"muted\">(2)</span>" in html
    resident_block = html[html.index(f'id="comment-{comment.id}"'):]
    assert "Dana K." in resident_block and ">Resident<" in resident_block.split("</article>")[0]
    guest_block = html[html.index(f'id="comment-{outsider.id}"'):].split("</article>")[0]
    assert "Guest G." in guest_block and ">Resident<" not in guest_block


def test_comments_on_a_promise(client: FlaskClient, login: Any, csrf: Any) -> None:
    promise = PromiseFactory(term=serving_term())
    page = f"/promises/{promise.id}"
    login(resident(promise.term))
    response = _post(client, csrf, page, f"{page}/comments",
                     body="When does the work start? https://example.kz/plan")
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "When does the work start?" in html
    assert ('<a href="https://example.kz/plan" rel="nofollow ugc noopener noreferrer">'
            in html)
    row = _comment_rows(promise_id=promise.id)[0]
    assert row.term_id == promise.term_id and row.report_id is None


def test_an_empty_or_long_comment_is_refused_with_the_text_kept(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    report = published_report()
    page = f"/reports/{report.id}"
    login(resident(report.term))
    response = _post(client, csrf, page, f"{page}/comments", body="   ")
    assert response.status_code == 400
    assert "Write your comment first." in response.get_data(as_text=True)
    long_text = "Too long. " * 201
    response = _post(client, csrf, page, f"{page}/comments", body=long_text)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "at most 2000 characters" in html and "Too long. Too long." in html
    assert _comment_rows(report_id=report.id) == []


def test_drafts_take_no_comments(client: FlaskClient, login: Any, csrf: Any) -> None:
    draft = ReportFactory(term=serving_term(), filled=True)
    login(resident(draft.term))
    response = _post(client, csrf, "/", f"/reports/{draft.id}/comments", body="Early!")
    assert response.status_code == 404


# ------------------------------------------------------------------ official replies

def test_the_akim_replies_officially_and_the_commenter_is_told(
        app: Flask, client: FlaskClient, login: Any, csrf: Any) -> None:
    report = published_report()
    author = resident(report.term, email="dana@example.kz", locale="ru")
    comment = CommentFactory(report=report, author=author, body="Where is the money?")
    akim = login(akim_account(report.term))
    page = f"/reports/{report.id}"
    html = client.get(page).get_data(as_text=True)
    assert "Reply officially" in html
    response = _post(client, csrf, page, f"/comments/{comment.id}/reply",
                     **{f"reply-{comment.id}-body": "It is in the budget table, line 3."})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{page}#comment-{comment.id}")
    reply = _comment_rows(parent_id=comment.id)[0]
    assert reply.is_official and reply.author_id == akim.id
    db.session.refresh(comment)
    assert comment.answered_at is not None
    html = client.get(page).get_data(as_text=True)
    assert "Official reply" in html and "It is in the budget table, line 3." in html
    sent = [message for message in outbox_messages() if message["To"] == "dana@example.kz"]
    assert len(sent) == 1
    body = sent[0].get_content()
    assert "It is in the budget table, line 3." in body and "Where is the money?" in body
    assert f"/reports/{report.id}#comment-{comment.id}" in body
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "comment.reply_official")) is not None


@pytest.mark.parametrize("who", ["resident", "other akim", "admin", "moderator"])
def test_only_the_owning_akim_replies(client: FlaskClient, login: Any, csrf: Any,
                                      who: str) -> None:
    report = published_report()
    comment = CommentFactory(report=report)
    users = {"resident": lambda: resident(report.term),
             "other akim": lambda: akim_account(serving_term()),
             "admin": lambda: UserFactory(admin=True),
             "moderator": lambda: UserFactory(moderator=True)}
    login(users[who]())
    page = f"/reports/{report.id}"
    assert "Reply officially" not in client.get(page).get_data(as_text=True)
    response = _post(client, csrf, page, f"/comments/{comment.id}/reply",
                     **{f"reply-{comment.id}-body": "Official?"})
    assert response.status_code == 403
    assert _comment_rows(parent_id=comment.id) == []


def test_replies_are_one_level_deep_and_not_to_hidden_comments() -> None:
    report = published_report()
    akim = akim_account(report.term)
    comment = CommentFactory(report=report)
    reply = comments.reply_officially(comment, akim, "Thank you.")
    with pytest.raises(FeedbackError, match="not to a reply"):
        comments.reply_officially(reply, akim, "Again.")
    for status, reason in (("hidden", "Abuse"), ("hidden_pending", None)):
        hidden = CommentFactory(report=report, status=status, hidden_reason=reason)
        with pytest.raises(FeedbackError, match="hidden"):
            comments.reply_officially(hidden, akim, "Answer.")


def test_the_akims_own_comment_is_official_and_awaits_nothing() -> None:
    report = published_report()
    akim = akim_account(report.term)
    own = comments.post_comment(report, akim, "Residents: the meeting is on Friday.")
    assert own.is_official
    from portal.feedback.readers import awaiting_reply

    assert awaiting_reply(report.term_id) == ([], 0)


# ------------------------------------------------------------------ the dashboard

def test_the_dashboard_lists_comments_awaiting_a_reply(client: FlaskClient, login: Any,
                                                       count_queries: Any) -> None:
    term = serving_term()
    report = published_report(term)
    promise = PromiseFactory(term=term, title="Water pipe to Zhanaauyl")
    waiting = CommentFactory(report=report, body="No answer yet about the road.")
    on_promise = comments.post_comment(promise, resident(term), "When is the pipe laid?")
    answered = CommentFactory(report=report, body="This one was answered.")
    comments.reply_officially(answered, akim_account(term), "Done.")
    CommentFactory(report=published_report(), body="Someone else's report.")
    db.session.commit()
    login(akim_account(term))
    html = client.get("/akim/dashboard").get_data(as_text=True)
    assert "Comments awaiting your reply" in html
    assert "2 comments on your reports and promises have no official reply yet." in html
    assert f"/reports/{report.id}#comment-{waiting.id}" in html
    assert f"/promises/{promise.id}#comment-{on_promise.id}" in html
    assert "Water pipe to Zhanaauyl" in html
    assert "This one was answered." not in html and "Someone else" not in html
    from portal.feedback.readers import awaiting_reply

    with count_queries() as queries:
        items, total = awaiting_reply(term.id)
    assert len(queries) == 1 and total == 2 and len(items) == 2
