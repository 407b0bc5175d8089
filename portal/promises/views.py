"""Public promise pages, residents' "is it done?" votes and following.

The akim's programme pages and the verifiers' pages are in `portal.promises.manage_views`,
on the same blueprint.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.akims.models import Term
from portal.akims.services import term_with_place
from portal.api.serialize import public_url
from portal.extensions import db, limiter
from portal.formats import place_of
from portal.permissions import Permission, can, public, require
from portal.promises import display, funding, readers, votes
from portal.promises.errors import PromiseError
from portal.promises.forms import VoteForm
from portal.promises.models import (
    Promise,
    PromiseAmendment,
    PromiseEvidence,
    PromiseUpdate,
    PromiseVote,
    VoteChoice,
)
from portal.reports.timeliness import local_today
from portal.transactions import commit_with_retry
from portal.uploads import send_stored_file
from portal.web.cite import Citation
from portal.web.forms import ButtonForm
from portal.web.safety import whole_number

log = logging.getLogger(__name__)
blueprint = Blueprint("promises", __name__)


@blueprint.route("/promises/<int:promise_id>")
@public(load=readers.promise_for_page)
def page(promise: Promise) -> str:
    return render_page(promise)


def render_page(promise: Promise, vote_form: VoteForm | None = None, status: int = 200) -> Any:
    """The public page: the promise, its timeline, the verdict, counts and the vote form."""
    claim = votes.current_claim_in(promise.updates)
    viewer = (votes.viewer_state(promise, claim, current_user)
              if current_user.is_authenticated else None)
    may_vote = claim is not None and can(current_user, Permission.PROMISES_VOTE, promise)
    if vote_form is None and may_vote:
        vote_form = VoteForm(claim=str(claim.id) if claim else "",
                             choice=viewer.choice.value if viewer and viewer.choice else None,
                             comment=viewer.comment if viewer else None)
    owner_or_verifier = (can(current_user, Permission.PROMISES_UPDATE, promise)
                         or can(current_user, Permission.PROMISES_VERIFY, promise))
    comments = _claim_comments(claim) if claim is not None and owner_or_verifier else []
    entries: list[PromiseUpdate | PromiseAmendment] = [*promise.updates, *promise.amendments]
    timeline = sorted(entries, key=lambda entry: (entry.created_at, entry.id), reverse=True)
    html = render_template(
        "promises/promise.html", promise=promise, term=promise.term, claim=claim,
        viewer=viewer, may_vote=may_vote, vote_form=vote_form, timeline=timeline,
        comments=comments, today=local_today(), follow_form=ButtonForm(),
        citation=_citation(promise), paid_from=funding.paid_from(promise),
    )
    return html if status == 200 else (html, status)


def _citation(promise: Promise) -> Citation:
    """The promise as of today (its status changes), at its permanent address."""
    term = promise.term
    title = _("%(name)s, akim of %(place)s: promise %(number)s, “%(title)s”",
              name=term.akim.name, place=place_of(term.rural_district.name),
              number=promise.number, title=promise.title)
    return Citation(title, local_today(), public_url("promises.page", promise_id=promise.id))


def _claim_comments(claim: Any) -> list[PromiseVote]:
    """Residents' comments on the current claim, for the akim and the verification team."""
    return list(db.session.scalars(
        select(PromiseVote).where(PromiseVote.update_id == claim.id,
                                  PromiseVote.comment.is_not(None))
        .order_by(PromiseVote.updated_at.desc()).limit(50)
    ))


def evidence_of_promise(promise_id: int, evidence_id: int) -> PromiseEvidence | None:
    """A file of evidence under one of the promise's updates (a file, not a link)."""
    evidence = db.session.get(PromiseEvidence, evidence_id)
    if evidence is None or evidence.file is None or evidence.update.promise_id != promise_id:
        return None
    return evidence


@blueprint.route("/promises/<int:promise_id>/evidence/<int:evidence_id>")
@public(load=evidence_of_promise)
def evidence_file(evidence: PromiseEvidence) -> Response:
    """Evidence is public: the file is sent as a download, never rendered inline."""
    assert evidence.file is not None  # noqa: S101 - the loader keeps only files
    return send_stored_file(evidence.file, public=True)


@blueprint.route("/promises/<int:promise_id>/vote", methods=["POST"])
@require(Permission.PROMISES_VOTE, load=readers.promise_for_page)
@limiter.limit(lambda: _vote_limit(), methods=["POST"])
def vote(promise: Promise) -> Any:
    promise_id = promise.id
    form = VoteForm()
    if not form.validate_on_submit():
        return render_page(promise, vote_form=form, status=400)
    claim_id = whole_number(form.claim.data) or 0
    choice = VoteChoice(form.choice.data)
    user = current_user._get_current_object()

    def work() -> None:
        votes.take_write_lock(promise_id)
        # These objects were expired by the rollback before the attempt: they reload now,
        # under the lock, so the vote is decided on the latest committed rows.
        votes.cast_vote(promise, claim_id, user, choice, form.comment.data)

    try:
        commit_with_retry(work)
    except PromiseError as error:
        db.session.rollback()
        _put_error(form, error)
        fresh = readers.promise_for_page(promise_id)
        if fresh is None:
            abort(404)
        return render_page(fresh, vote_form=form, status=409)
    flash(_("Thank you: your answer is counted. You can change it at any time."), "success")
    return redirect(url_for("promises.page", promise_id=promise_id, _anchor="is-it-done"))


def _vote_limit() -> str:
    from flask import current_app

    return str(current_app.config["RATELIMIT_VOTE"])


def _promise(promise_id: int) -> Promise | None:
    return db.session.get(Promise, promise_id)


@blueprint.route("/promises/<int:promise_id>/follow", methods=["POST"])
@require(Permission.ACCOUNT_SELF, load=_promise)
def follow(promise: Promise) -> Response:
    if ButtonForm().validate_on_submit():
        votes.follow(promise, current_user)
        db.session.commit()
        flash(_("You will get an email when this promise's status changes."), "success")
    return redirect(url_for("promises.page", promise_id=promise.id))


@blueprint.route("/promises/<int:promise_id>/unfollow", methods=["POST"])
@require(Permission.ACCOUNT_SELF, load=_promise)
def unfollow(promise: Promise) -> Response:
    if ButtonForm().validate_on_submit():
        votes.unfollow(promise, current_user)
        db.session.commit()
        flash(_("You no longer follow this promise."), "info")
    return redirect(url_for("promises.page", promise_id=promise.id))


@blueprint.route("/terms/<int:term_id>/programme")
@public(load=term_with_place)
def programme(term: Term) -> str:
    programme, promises = readers.programme_page(term)
    return render_template("promises/programme.html", term=term, programme=programme,
                           promises=promises, today=local_today(), manage=False)


def _put_error(form: Any, error: PromiseError) -> None:
    """Show a service's message beside its field, or at the top of the page."""
    target = getattr(form, error.field, None) if error.field else None
    if target is not None:
        target.errors = [*list(target.errors or []), error.message]
    else:
        flash(error.message, "error")


blueprint.add_app_template_filter(display.tone, "promise_tone")
blueprint.add_app_template_filter(display.user_text, "promise_text")
blueprint.add_app_template_filter(display.change_value, "promise_change")
blueprint.add_app_template_filter(display.field_label, "promise_field")


@blueprint.app_template_global("promise_area")
def promise_area(level: str, area_id: int | None = None, parent_level: str | None = None,
                 parent_id: int | None = None) -> Any:
    """For the roll-up partials the map and home pages include (they own no promise data)."""
    from portal.promises.sections import area_section

    return area_section(level, area_id, parent_level, parent_id)


@blueprint.app_template_global("promises_paid_from")
def promises_paid_from(rural_district_id: int, year: int) -> list[funding.GroupPromises]:
    """For the budget page's spending section (budgets own no promise data): one query."""
    return funding.promises_by_function(rural_district_id, year)


from portal.promises import manage_views  # noqa: E402, F401 - routes on this blueprint
