"""Residents rate reports; anyone signed in comments and reports comments; the akim replies.

The pages these forms live on belong to the reports and promises domains: a form with errors
is handed back to them (see `panels.keep_failed_form`) and the page is rendered again.
The moderators' queue is in `portal.feedback.moderation_views`, on this blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from portal.akims.models import Term
from portal.extensions import db
from portal.feedback import comments, panels, ratings
from portal.feedback.errors import FeedbackError
from portal.feedback.forms import CommentForm, ComplaintForm, RatingForm, ReplyForm
from portal.feedback.labels import SCORE_LABELS
from portal.feedback.models import Comment, ComplaintReason
from portal.feedback.throttle import limited
from portal.permissions import Permission, Refusal, explain_refusals, require
from portal.promises.models import Promise
from portal.reports.models import Report
from portal.richtext import plain_text_with_links
from portal.transactions import commit_with_retry
from portal.web.errors import error_response

blueprint = Blueprint("feedback", __name__)
ViewResult = Response | tuple[Any, int]


@blueprint.app_context_processor
def feedback_helpers() -> dict[str, Any]:
    """For the partials included in report, promise and dashboard pages; each helper runs
    only when a template calls it."""
    return {"feedback_rating_panel": panels.rating_panel,
            "feedback_comments": panels.comments_panel,
            "feedback_awaiting_reply": panels.awaiting_reply_panel,
            "feedback_window_days": ratings.window_days,
            "feedback_may_rate": _may_rate}


def _may_rate(report: Report) -> bool:
    """Whether the viewer may rate `report` now (from the loaded account: no query)."""
    return ratings.why_cannot_rate(current_user, report) is None


@blueprint.app_template_filter("score_label")
def score_label(score: int) -> str:
    return str(SCORE_LABELS.get(score, score))


# The only way a comment's text reaches HTML (and, through the same function, PDFs).
blueprint.add_app_template_filter(plain_text_with_links, "comment_text")


@blueprint.errorhandler(TooManyRequests)
def too_many(error: TooManyRequests) -> Response:
    messages = {
        "rating": _("You have rated many times in a short while. Please wait a few minutes "
                    "and try again; your earlier ratings are saved."),
        "comment": _("You have posted many comments in a short while. Please wait a few "
                     "minutes and try again."),
        "complaint": _("You have reported many comments in a short while. Please wait a few "
                       "minutes and try again; moderators have your earlier reports."),
        "reply": _("You have published many replies in a short while. Please wait a minute "
                   "and try again."),
    }
    response = error_response(429, messages.get(g.get("feedback_limited_action", ""),
                                                _("Too many attempts. Please wait a little "
                                                  "and try again.")))
    retry_after = error.get_response().headers.get("Retry-After")
    if retry_after:
        response.headers["Retry-After"] = retry_after
    return response


# ----------------------------------------------------------------------------- loading


def published_report(report_id: int) -> Report | None:
    """A report residents may rate and comment on: published (a draft is not found)."""
    report = db.session.scalar(
        select(Report).options(joinedload(Report.term).joinedload(Term.rural_district))
        .where(Report.id == report_id))
    return report if report is not None and report.is_published else None


def why_not_rate(user: Any, report: Report) -> Refusal | None:
    """What the 403 page of a refused rating says: the rating section's own explanation
    (a form sent by hand, or from a page opened before the account changed)."""
    block = ratings.why_cannot_rate(user, report)
    if block is None or block is ratings.RatingBlock.SIGN_IN:
        return None
    return Refusal(ratings.refusal_message(block, report),
                   url_for("reports.show", report_id=report.id, _anchor="rating"),
                   _("Back to the report"))


explain_refusals(Permission.REPORTS_RATE, why_not_rate)


def promise_with_place(promise_id: int) -> Promise | None:
    return db.session.scalar(
        select(Promise).options(joinedload(Promise.term).joinedload(Term.rural_district))
        .where(Promise.id == promise_id))


def visible_comment(comment_id: int) -> Comment | None:
    """A comment on a published report or on a promise."""
    comment = db.session.scalar(
        select(Comment).options(joinedload(Comment.term).joinedload(Term.rural_district))
        .where(Comment.id == comment_id))
    if comment is not None and comment.report_id is not None:
        report = db.session.get(Report, comment.report_id)
        if report is None or not report.is_published:
            return None
    return comment


# ----------------------------------------------------------------------------- rendering


def _page_again(kind: str, target_id: int, key: str, form: FlaskForm,
                status: int) -> tuple[Any, int]:
    """The report or promise page again, with `form` (and its errors) where it was."""
    from portal.promises.views import page as promise_page
    from portal.reports.views.public import show as report_page

    panels.keep_failed_form(key, form)
    html = (report_page(report_id=target_id) if kind == "report"
            else promise_page(promise_id=target_id))
    return html, status


def _put_error(form: FlaskForm, error: FeedbackError) -> None:
    target = getattr(form, error.field, None) if error.field else None
    if target is not None:
        target.errors = [*list(target.errors or []), error.message]
    else:
        flash(error.message, "error")


def _target_url(kind: str, target_id: int, anchor: str) -> str:
    if kind == "report":
        return url_for("reports.show", report_id=target_id, _anchor=anchor)
    return url_for("promises.page", promise_id=target_id, _anchor=anchor)


# ----------------------------------------------------------------------------- ratings


@blueprint.route("/reports/<int:report_id>/rate", methods=["POST"])
@require(Permission.REPORTS_RATE, load=published_report)
@limited("rating")
def rate(report: Report) -> ViewResult:
    report_id = report.id
    form = RatingForm()
    if not form.validate_on_submit():
        return _page_again("report", report_id, "rating", form, 400)
    user_id, score = current_user.id, int(form.score.data)
    try:
        outcome = commit_with_retry(
            lambda: ratings.rate_report(report_id, user_id, score, form.comment.data))
    except FeedbackError as error:
        _put_error(form, error)
        return _page_again("report", report_id, "rating", form, 409)
    # Shown in the rating section the redirect lands on, not at the top of the page.
    if outcome.previous_score is None:
        panels.leave_notice("rating", _(
            "Thank you: your rating (%(score)d of 5) is counted. You can change it while "
            "ratings are open.", score=score))
    elif outcome.previous_score != score:
        panels.leave_notice("rating", _("Your rating is changed from %(before)d to %(after)d.",
                                        before=outcome.previous_score, after=score))
    else:
        panels.leave_notice("rating", _("Your rating stays %(score)d of 5.", score=score),
                            "info")
    return redirect(url_for("reports.show", report_id=report_id, _anchor="rating"))


# ----------------------------------------------------------------------------- comments


@blueprint.route("/reports/<int:report_id>/comments", methods=["POST"])
@require(Permission.COMMENTS_POST, load=published_report)
@limited("comment")
def comment_on_report(report: Report) -> ViewResult:
    return _post_comment("report", report)


@blueprint.route("/promises/<int:promise_id>/comments", methods=["POST"])
@require(Permission.COMMENTS_POST, load=promise_with_place)
@limited("comment")
def comment_on_promise(promise: Promise) -> ViewResult:
    return _post_comment("promise", promise)


def _post_comment(kind: str, target: Report | Promise) -> ViewResult:
    form = CommentForm()
    if not form.validate_on_submit():
        return _page_again(kind, target.id, "comment", form, 400)
    try:
        comment = comments.post_comment(target, current_user, form.body.data)
    except FeedbackError as error:
        db.session.rollback()
        _put_error(form, error)
        return _page_again(kind, target.id, "comment", form, 409)
    db.session.commit()
    panels.leave_notice(f"comment-{comment.id}", _("Your comment is published."))
    return redirect(_target_url(kind, target.id, f"comment-{comment.id}"))


@blueprint.route("/comments/<int:comment_id>/reply", methods=["POST"])
@require(Permission.COMMENTS_REPLY_OFFICIAL, load=visible_comment)
@limited("reply")
def reply(comment: Comment) -> ViewResult:
    kind, target_id = comments.target_of(comment)
    key = f"reply-{comment.id}"
    form = ReplyForm(prefix=key)
    if not form.validate_on_submit():
        return _page_again(kind, target_id, key, form, 400)
    try:
        comments.reply_officially(comment, current_user, form.body.data)
    except FeedbackError as error:
        db.session.rollback()
        _put_error(form, error)
        return _page_again(kind, target_id, key, form, 409)
    db.session.commit()
    flash(_("Your official reply is published; the resident is told by email."), "success")
    return redirect(_target_url(kind, target_id, f"comment-{comment.id}"))


@blueprint.route("/comments/<int:comment_id>/report", methods=["GET", "POST"])
@require(Permission.COMMENTS_REPORT, load=visible_comment)
@limited("complaint")
def complain(comment: Comment) -> ViewResult | str:
    """A page of its own rather than a form under every comment: threads stay light, and
    nobody reports a comment by a stray tap."""
    comment_id = comment.id
    kind, target_id = comments.target_of(comment)
    back = _target_url(kind, target_id, f"comment-{comment_id}")
    form = ComplaintForm()
    if not form.validate_on_submit():
        page = render_template("feedback/complain.html", comment=comment, form=form, back=back,
                               own=comment.author_id == current_user.id)
        return (page, 400) if form.is_submitted() else page
    try:
        counted = comments.complain(comment, current_user, ComplaintReason(form.reason.data))
    except FeedbackError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back)
    db.session.commit()
    if counted:
        flash(_("Thank you. Moderators will review the comment."), "success")
    else:
        flash(_("You have already reported this comment; moderators will review it."), "info")
    return redirect(back)


from portal.feedback import moderation_views  # noqa: E402, F401 - routes on this blueprint
