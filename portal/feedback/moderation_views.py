"""The moderators' queue of comments: approve, hide with a public reason, or restore."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from portal.extensions import db
from portal.feedback import moderation, readers
from portal.feedback.errors import FeedbackError
from portal.feedback.forms import HideForm
from portal.feedback.models import Comment
from portal.feedback.views import blueprint
from portal.permissions import Permission, require
from portal.web.forms import ButtonForm
from portal.web.pagination import paginate

PER_PAGE = 20
ViewResult = str | Response | tuple[str, int]


def comment_to_moderate(comment_id: int) -> Comment | None:
    return db.session.scalar(select(Comment).options(joinedload(Comment.term))
                             .where(Comment.id == comment_id))


def _queue(status: int = 200, failed: tuple[int, HideForm] | None = None) -> tuple[str, int]:
    page = paginate(readers.moderation_queue(), PER_PAGE, scalars=False)
    ids = [row[0].id for row in page.items]
    hide_forms = {comment_id: HideForm(formdata=None, prefix=f"hide-{comment_id}")
                  for comment_id in ids}
    hidden = readers.with_subjects(readers.recently_hidden())
    if failed is not None:
        hide_forms[failed[0]] = failed[1]
    return render_template(
        "feedback/moderation.html", page=page, items=readers.with_subjects(page.items),
        reasons=readers.complaint_reasons(ids), hide_forms=hide_forms, hidden=hidden,
        action_form=ButtonForm(formdata=None, prefix="moderate"),
    ), status


@blueprint.route("/moderation/comments")
@require(Permission.COMMENTS_MODERATE)
def queue() -> ViewResult:
    return _queue()


def _decide(comment: Comment, decide: str) -> ViewResult:
    comment_id = comment.id
    if decide == "hide":
        form: ButtonForm | HideForm = HideForm(prefix=f"hide-{comment_id}")
    else:
        form = ButtonForm(prefix="moderate")
    if not form.validate_on_submit():
        if isinstance(form, HideForm):
            return _queue(400, (comment_id, form))
        abort(400)
    try:
        if isinstance(form, HideForm):
            moderation.hide(comment, current_user, form.reason.data)
        elif decide == "approve":
            moderation.approve(comment, current_user)
        else:
            moderation.restore(comment, current_user)
    except FeedbackError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("feedback.queue"))
    db.session.commit()
    flash({"approve": _("Approved: the comment stays visible."),
           "hide": _("Hidden: readers see your reason in its place."),
           "restore": _("Restored: the comment is visible again.")}[decide], "success")
    return redirect(url_for("feedback.queue"))


@blueprint.route("/moderation/comments/<int:comment_id>/approve", methods=["POST"])
@require(Permission.COMMENTS_MODERATE, load=comment_to_moderate)
def approve(comment: Comment) -> ViewResult:
    return _decide(comment, "approve")


@blueprint.route("/moderation/comments/<int:comment_id>/hide", methods=["POST"])
@require(Permission.COMMENTS_MODERATE, load=comment_to_moderate)
def hide(comment: Comment) -> ViewResult:
    return _decide(comment, "hide")


@blueprint.route("/moderation/comments/<int:comment_id>/restore", methods=["POST"])
@require(Permission.COMMENTS_MODERATE, load=comment_to_moderate)
def restore(comment: Comment) -> ViewResult:
    return _decide(comment, "restore")
