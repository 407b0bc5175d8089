"""Recall petitions: a term's petitions, starting one, its public page, signing, withdrawing.

Pages show counts, never who signed. Signing and withdrawing run in a transaction of their own
that is retried on a transient conflict, and are rate-limited per address and per account.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.akims.models import Term
from portal.akims.services import term_with_place
from portal.extensions import db, limiter
from portal.permissions import Permission, can, public, require
from portal.recall import petitions, readers
from portal.recall.forms import PetitionForm
from portal.recall.models import Petition, PetitionStatus
from portal.recall.services import RecallError
from portal.recall.views import blueprint
from portal.recall.views.common import put_error
from portal.reports.timeliness import local_today
from portal.transactions import commit_with_retry
from portal.web.forms import ButtonForm

SIGN_LIMIT = "20 per minute;200 per hour"


def _sign_limit() -> str:
    return str(current_app.config.get("RATELIMIT_PETITION_SIGN", SIGN_LIMIT))


def _account_key() -> str:
    return f"petition-signer:{getattr(current_user, 'id', 'anonymous')}"


def _form_is_fresh() -> bool:
    """Sign and withdraw: the form's token is good."""
    if ButtonForm().validate_on_submit():
        return True
    flash(_("Your form expired. Please send it again."), "error")
    return False


def _locked(petition_id: int) -> Petition:
    """The petition re-read under its write lock: one signer at a time, inside the retried
    transaction."""
    petitions.take_write_lock(petition_id)
    fresh = db.session.get(Petition, petition_id, populate_existing=True)
    assert fresh is not None  # noqa: S101 - loaded before; petitions are never deleted
    return fresh


@blueprint.route("/terms/<int:term_id>/petitions")
@public(load=term_with_place)
def term_petitions(term: Term) -> str:
    items = readers.petitions_of_term(term.id)
    current = next((item for item in items if item.status in (PetitionStatus.OPEN,
                                                              PetitionStatus.SUCCEEDED)), None)
    return render_template(
        "recall/term_petitions.html", term=term, petitions=items, current=current,
        threshold=petitions.threshold_for(term), today=local_today(),
        may_start=(term.is_serving and current is None
                   and can(current_user, Permission.PETITIONS_START, term)))


@blueprint.route("/terms/<int:term_id>/petitions/new", methods=["GET", "POST"])
@require(Permission.PETITIONS_START, load=term_with_place)
def start_petition(term: Term) -> Any:
    form = PetitionForm()
    status = 200
    if form.validate_on_submit():
        try:
            petition = petitions.start_petition(term, current_user, form.reason.data or "")
        except RecallError as error:
            db.session.rollback()
            put_error(form, error)
            status = 409
        else:
            db.session.commit()
            flash(_("The petition is open, with your signature as the first."), "success")
            return redirect(url_for("recall.petition", petition_id=petition.id))
    elif form.is_submitted():
        status = 400
    rule = petitions.petition_rule()
    return render_template("recall/start_petition.html", term=term, form=form,
                           threshold=petitions.threshold_for(term, rule),
                           days=rule.duration_days), status


@blueprint.route("/petitions/<int:petition_id>")
@public(load=readers.petition_for_page)
def petition(item: Petition) -> str:
    today = local_today()
    signed = (petitions.has_signed(item, current_user)
              if current_user.is_authenticated else False)
    return render_template(
        "recall/petition.html", petition=item, term=item.term,
        threshold=petitions.threshold_for(item.term), today=today, signed=signed,
        may_sign=(item.accepts_signatures(today)
                  and can(current_user, Permission.PETITIONS_SIGN, item)),
        form=ButtonForm())


@blueprint.route("/petitions/<int:petition_id>/sign", methods=["POST"])
@require(Permission.PETITIONS_SIGN, load=readers.petition_for_page)
@limiter.limit(_sign_limit, methods=["POST"])
@limiter.limit(_sign_limit, key_func=_account_key, methods=["POST"])
def sign(item: Petition) -> Response:
    petition_id = item.id
    if not _form_is_fresh():
        return redirect(url_for("recall.petition", petition_id=petition_id))
    user = current_user._get_current_object()
    try:
        outcome = commit_with_retry(lambda: petitions.sign(_locked(petition_id), user))
    except RecallError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        if not outcome.counted:
            flash(_("You have already signed this petition."), "info")
        elif outcome.succeeded:
            flash(_("Your signature is counted, and the petition has reached its threshold."),
                  "success")
        else:
            flash(_("Your signature is counted. Only the number of signatures is public, "
                    "never who signed."), "success")
    return redirect(url_for("recall.petition", petition_id=petition_id))


@blueprint.route("/petitions/<int:petition_id>/withdraw", methods=["POST"])
@require(Permission.PETITIONS_SIGN, load=readers.petition_for_page)
@limiter.limit(_sign_limit, methods=["POST"])
@limiter.limit(_sign_limit, key_func=_account_key, methods=["POST"])
def withdraw(item: Petition) -> Response:
    petition_id = item.id
    if not _form_is_fresh():
        return redirect(url_for("recall.petition", petition_id=petition_id))
    user = current_user._get_current_object()
    try:
        withdrawn = commit_with_retry(lambda: petitions.withdraw(_locked(petition_id), user))
    except RecallError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        if withdrawn:
            flash(_("Your signature is withdrawn."), "success")
        else:
            flash(_("You had not signed this petition."), "info")
    return redirect(url_for("recall.petition", petition_id=petition_id))
