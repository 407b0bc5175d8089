"""What the feedback partials on other domains' pages show: the rating panel of a report,
a comment thread, the akim's comments awaiting a reply. Each costs one or two queries.

The pages belong to other domains (reports, promises, the dashboard), so the partials call
these helpers themselves. A form that failed validation in one of this domain's views is
handed to the re-rendered page through `g`, so the typed text and its error stay in place.
A confirmation after a form succeeds is left in the session for the section the redirect
lands on (`leave_notice`), so it shows where the reader is, not at the top of a long page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import g, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.akims.models import Term
from portal.feedback import ratings, readers
from portal.feedback.comments import is_owning_akim
from portal.feedback.forms import CommentForm, RatingForm, ReplyForm
from portal.feedback.ratings import RatingBlock
from portal.feedback.readers import CommentThread, CommentView
from portal.feedback.tallies import RatingSummary
from portal.permissions import Permission, can
from portal.reports.models import Report
from portal.web.pagination import Page, page_number
from portal.web.safety import whole_number

COMMENTS_PER_PAGE = 20
PAGE_ARGUMENT = "comments"
_NOTICE = "feedback_notice"


@dataclass(frozen=True)
class Notice:
    anchor: str  # "rating", or "comment-<id>": the element the redirect lands on
    message: str
    category: str  # "success" or "info", as flash categories


def leave_notice(anchor: str, message: str, category: str = "success") -> None:
    """Show `message` next to `anchor` on the next page (the redirect's target)."""
    session[_NOTICE] = {"anchor": anchor, "message": message, "category": category}


def notice_at(anchor: str) -> Notice | None:
    """The notice left for `anchor`, once: taken from the session when shown."""
    found = session.get(_NOTICE)
    if not isinstance(found, dict) or found.get("anchor") != anchor:
        return None
    session.pop(_NOTICE, None)
    return Notice(anchor, str(found.get("message", "")), str(found.get("category", "success")))


def keep_failed_form(key: str, form: FlaskForm) -> None:
    """Hand a form with errors to the page about to be rendered again."""
    if "feedback_forms" not in g:
        g.feedback_forms = {}
    g.feedback_forms[key] = form


def _failed_form(key: str) -> Any:
    return g.get("feedback_forms", {}).get(key)


@dataclass
class RatingPanel:
    summary: RatingSummary
    my_score: int | None
    closes_on: date | None  # the first day on which ratings are refused
    is_open: bool
    block: RatingBlock | None
    refusal: str | None
    form: RatingForm | None
    notice: Notice | None = None

    @property
    def last_day(self) -> date | None:
        return self.closes_on - timedelta(days=1) if self.closes_on else None


def rating_panel(report: Report) -> RatingPanel:
    """The distribution, the viewer's own score and the form, or why they cannot rate."""
    user_id = current_user.id if current_user.is_authenticated else None
    summary, my_score = readers.report_rating_state(report.id, user_id)
    block = ratings.why_cannot_rate(current_user, report)
    form = None
    if block is None:
        form = _failed_form("rating") or RatingForm(formdata=None, score=my_score)
    return RatingPanel(summary, my_score, ratings.closes_on(report), ratings.is_open(report),
                       block, ratings.refusal_message(block, report) if block else None, form,
                       notice_at("rating"))


@dataclass
class CommentsPanel:
    kind: str  # "report" or "promise"
    target_id: int
    term: Term
    thread: CommentThread
    form: CommentForm | None
    may_reply: bool
    may_complain: bool
    post_url: str

    def notice_for(self, comment: CommentView) -> Notice | None:
        """The confirmation of the comment the viewer has just published, beside it."""
        return notice_at(f"comment-{comment.id}")

    def reply_form(self, comment: CommentView) -> ReplyForm:
        return (_failed_form(f"reply-{comment.id}")
                or ReplyForm(formdata=None, prefix=f"reply-{comment.id}"))

    def can_complain_about(self, comment: CommentView) -> bool:
        return self.may_complain and comment.author_id != current_user.id

    def page_url(self, page: int) -> str:
        values: dict[str, Any] = {**(request.view_args or {}),
                                  **request.args.to_dict(flat=True)}
        values[PAGE_ARGUMENT] = page
        return url_for(request.endpoint or "web.home", **values, _anchor="comments")


def comments_panel(kind: str, target: Any) -> CommentsPanel:
    """The comment thread of a report or a promise, with the forms the viewer may use."""
    page = whole_number(request.args.get(PAGE_ARGUMENT)) or 1
    thread = readers.comment_thread(kind, target.id, page, COMMENTS_PER_PAGE)
    signed_in = current_user.is_authenticated
    form = None
    if signed_in and can(current_user, Permission.COMMENTS_POST, target):
        form = _failed_form("comment") or CommentForm(formdata=None)
    endpoint = ("feedback.comment_on_report" if kind == "report"
                else "feedback.comment_on_promise")
    return CommentsPanel(
        kind=kind, target_id=target.id, term=target.term, thread=thread, form=form,
        may_reply=is_owning_akim(current_user, target.term),
        may_complain=signed_in and can(current_user, Permission.COMMENTS_REPORT),
        post_url=url_for(endpoint, **{f"{kind}_id": target.id}),
    )


AWAITING_PER_PAGE = 10


def awaiting_reply_panel(term: Term | None) -> Page[readers.AwaitingReply]:
    """The akim's unanswered comments, newest first, all of them in pages (`?page=`)."""
    page = page_number()
    if term is None:
        return Page([], 1, AWAITING_PER_PAGE, 0)
    items, total = readers.awaiting_reply(term.id, AWAITING_PER_PAGE,
                                          (page - 1) * AWAITING_PER_PAGE)
    return Page(items, page, AWAITING_PER_PAGE, total)
