"""Moderators' decisions on comments: approve, hide with a public reason, restore. Audited.

Nothing is deleted: a hidden comment leaves a stub in place saying that a moderator hid it and
why, so that nobody is silenced without it showing. Each decision closes the open complaints;
later complaints start a new count towards automatic hiding.
"""

from __future__ import annotations

from flask_babel import gettext as _

from portal import audit
from portal.accounts.models import User
from portal.extensions import db
from portal.feedback.comments import normalise_text
from portal.feedback.errors import FeedbackError
from portal.feedback.models import HIDE_REASON_MAX_CHARS, Comment, CommentStatus
from portal.modeling import utcnow


def approve(comment: Comment, moderator: User) -> None:
    """The comment may stay (or come back, when complaints had hidden it)."""
    if comment.status is CommentStatus.HIDDEN:
        raise FeedbackError(_("This comment was hidden by a moderator: restore it instead."))
    before = _state(comment)
    if comment.status is CommentStatus.HIDDEN_PENDING:
        comment.status = CommentStatus.VISIBLE
    _decided(comment, moderator)
    audit.record(moderator, "comment.approve", comment, before, _state(comment))


def hide(comment: Comment, moderator: User, reason: str | None) -> None:
    """Hide the text; the reason is shown publicly in its place."""
    text = normalise_text(reason)
    if not text:
        raise FeedbackError(_("Give the reason readers will see in place of the comment."),
                            "reason")
    if len(text) > HIDE_REASON_MAX_CHARS:
        raise FeedbackError(_("The reason can have at most %(max)d characters.",
                              max=HIDE_REASON_MAX_CHARS), "reason")
    before = _state(comment)
    comment.status, comment.hidden_reason = CommentStatus.HIDDEN, text
    _decided(comment, moderator)
    audit.record(moderator, "comment.hide", comment, before, _state(comment))


def restore(comment: Comment, moderator: User) -> None:
    """Show a hidden comment again; it is marked as restored."""
    if comment.status not in (CommentStatus.HIDDEN, CommentStatus.HIDDEN_PENDING):
        raise FeedbackError(_("This comment is not hidden."))
    before = _state(comment)
    comment.status, comment.hidden_reason = CommentStatus.RESTORED, None
    _decided(comment, moderator)
    audit.record(moderator, "comment.restore", comment, before, _state(comment))


def _decided(comment: Comment, moderator: User) -> None:
    comment.open_complaints = 0
    comment.moderated_at = utcnow()
    comment.moderated_by_id = moderator.id
    db.session.flush()


def _state(comment: Comment) -> dict[str, object]:
    return {"status": comment.status.value, "hidden_reason": comment.hidden_reason,
            "open_complaints": comment.open_complaints}
