"""Comments on reports and promises, the akim's official replies, and complaints about them.

Anyone signed in may comment; a comment is marked "resident" when its author was a verified
resident of that rural district when posting. Only the akim of the owning serving term replies
officially, one level deep. Enough complaints hide a comment until a moderator reviews it:
it is never removed quietly (see `portal.feedback.moderation`).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from portal import audit
from portal.accounts.models import User
from portal.akims.models import Term
from portal.extensions import db
from portal.feedback.errors import FeedbackError
from portal.feedback.models import (
    COMMENT_MAX_CHARS,
    SHOWN_STATUSES,
    Comment,
    CommentComplaint,
    CommentStatus,
    ComplaintReason,
)
from portal.modeling import utcnow
from portal.notifications import signals
from portal.permissions import Permission, can
from portal.promises.models import Promise
from portal.reports.models import Report

DEFAULT_COMPLAINTS_TO_HIDE = 3

Target = Report | Promise


def normalise_text(text: str | None) -> str:
    """Browsers send line breaks as CRLF; count and store them as one character."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def clean_body(text: str | None, field: str = "body") -> str | None:
    """The text to store, or None for an empty one. Too long: an error beside `field`."""
    cleaned = normalise_text(text)
    if len(cleaned) > COMMENT_MAX_CHARS:
        raise FeedbackError(_("A comment can have at most %(max)d characters; this one has "
                              "%(count)d.", max=COMMENT_MAX_CHARS, count=len(cleaned)), field)
    return cleaned or None


def complaints_to_hide() -> int:
    return int(current_app.config.get("COMMENT_REPORTS_TO_HIDE") or DEFAULT_COMPLAINTS_TO_HIDE)


def is_owning_akim(user: Any, term: Term) -> bool:
    """The akim of this serving term: the one person whose replies are official."""
    return (getattr(user, "is_authenticated", False) and user.akim_id is not None
            and user.akim_id == term.akim_id and term.is_serving
            and can(user, Permission.COMMENTS_REPLY_OFFICIAL, term))


def target_of(comment: Comment) -> tuple[str, int]:
    """("report", id) or ("promise", id)."""
    if comment.report_id is not None:
        return "report", comment.report_id
    assert comment.promise_id is not None  # noqa: S101 - the one_target constraint
    return "promise", comment.promise_id


def post_comment(target: Target, author: User, body: str | None) -> Comment:
    """A new top-level comment. The akim's own comments on their term are official."""
    text = clean_body(body)
    if text is None:
        raise FeedbackError(_("Write your comment first."), "body")
    if isinstance(target, Report) and not target.is_published:
        raise FeedbackError(_("Comments open when the report is published."))
    comment = _new_comment(target, author, text)
    audit.record(author, "comment.post", comment, None, _audit_values(comment))
    return comment


def add_rating_comment(report: Report, author: User, text: str, score: int) -> Comment:
    """The comment written with a rating: an ordinary comment that also shows the score."""
    comment = _new_comment(report, author, text, rating_score=score)
    audit.record(author, "comment.post", comment, None, _audit_values(comment))
    return comment


def reply_officially(parent: Comment, akim: User, body: str | None) -> Comment:
    """The akim's official reply to a comment on their term's report or promise."""
    text = clean_body(body)
    if text is None:
        raise FeedbackError(_("Write your reply first."), "body")
    if parent.parent_id is not None:
        raise FeedbackError(_("Reply to the resident's comment itself, not to a reply."))
    if not is_owning_akim(akim, parent.term):
        raise FeedbackError(_("Only the serving akim replies officially here."))
    if not parent.is_shown:
        raise FeedbackError(_("This comment is hidden; it cannot be answered while it is."))
    reply = Comment(report_id=parent.report_id, promise_id=parent.promise_id,
                    term_id=parent.term_id, parent_id=parent.id, author_id=akim.id, body=text,
                    is_resident=False, is_official=True)
    db.session.add(reply)
    if parent.answered_at is None:
        parent.answered_at = utcnow()
    db.session.flush()
    audit.record(akim, "comment.reply_official", reply, None,
                 {**_audit_values(reply), "parent_id": parent.id})
    signals.official_reply_posted.send(reply, actor=akim)
    return reply


def complain(comment: Comment, user: User, reason: ComplaintReason) -> bool:
    """Report a comment to the moderators. False when this person already reported it.

    The counts change by relative UPDATEs and the automatic hiding is one conditional UPDATE,
    so simultaneous complaints neither lose a count nor miss the threshold."""
    if comment.author_id == user.id:
        raise FeedbackError(_("You cannot report your own comment."))
    if not comment.is_shown:
        raise FeedbackError(_("This comment is already hidden; moderators are reviewing it."))
    try:
        with db.session.begin_nested():
            db.session.add(CommentComplaint(comment_id=comment.id, user_id=user.id,
                                            reason=reason))
    except IntegrityError:
        return False
    db.session.execute(
        update(Comment).where(Comment.id == comment.id)
        .values(complaint_count=Comment.complaint_count + 1,
                open_complaints=Comment.open_complaints + 1)
        .execution_options(synchronize_session=False))
    audit.record(user, "comment.complain", comment, None, {"reason": reason.value})
    hidden = db.session.execute(
        update(Comment)
        .where(Comment.id == comment.id, Comment.status.in_(SHOWN_STATUSES),
               Comment.open_complaints >= complaints_to_hide())
        .values(status=CommentStatus.HIDDEN_PENDING)
        .execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
    if hidden:
        audit.record(None, "comment.auto_hide", comment, None,
                     {"status": CommentStatus.HIDDEN_PENDING.value,
                      "complaints_to_hide": complaints_to_hide()})
    db.session.expire(comment)
    return True


def _new_comment(target: Target, author: User, text: str,
                 rating_score: int | None = None) -> Comment:
    term = target.term
    comment = Comment(
        report_id=target.id if isinstance(target, Report) else None,
        promise_id=target.id if isinstance(target, Promise) else None,
        term_id=term.id, author_id=author.id, body=text,
        is_resident=author.is_verified_resident_of(term.rural_district_id),
        is_official=is_owning_akim(author, term), rating_score=rating_score,
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def _audit_values(comment: Comment) -> dict[str, Any]:
    """Ids and sizes only: the text itself may hold personal data and stays out of the log."""
    kind, target_id = target_of(comment)
    return {"target": kind, "target_id": target_id, "length": len(comment.body),
            "is_resident": comment.is_resident, "is_official": comment.is_official}
