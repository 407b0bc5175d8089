"""The akim's programme pages (add, edit, amend, register, post updates) and the
verification team's verdicts. Routes on the `promises` blueprint of `portal.promises.views`.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from portal.akims.models import Term, TermStatus
from portal.extensions import db
from portal.geo.models import District, RuralDistrict
from portal.permissions import Permission, authorize, permissions_of, require
from portal.promises import programme, readers, transitions
from portal.promises.errors import PromiseError
from portal.promises.forms import ClaimForm, PromiseForm, ReopenForm, VerdictForm
from portal.promises.models import BrokenReason, Promise, PromiseStatus
from portal.promises.views import _put_error, blueprint
from portal.reports.timeliness import local_today
from portal.web.errors import abort_with, error_response
from portal.web.forms import ButtonForm

# Forms with evidence files accept bodies this large from the people allowed to post them,
# so that an oversize file is refused beside its field with everything typed kept, instead
# of the whole request being cut off. The file limit itself stays MAX_UPLOAD_BYTES.
EVIDENCE_REQUEST_LIMIT = 64 * 1024 * 1024
EVIDENCE_ENDPOINTS = {"promises.claim": Permission.PROMISES_UPDATE,
                      "promises.verdict": Permission.PROMISES_VERIFY}


@blueprint.url_value_preprocessor
def _allow_large_evidence_bodies(endpoint: str | None, _values: Any) -> None:
    # Runs before CSRFProtect reads the form, so the raised limit applies to that parse.
    permission = EVIDENCE_ENDPOINTS.get(endpoint or "")
    if permission is not None and request.method == "POST" and \
            permission in permissions_of(current_user):
        request.max_content_length = EVIDENCE_REQUEST_LIMIT


@blueprint.errorhandler(RequestEntityTooLarge)
def _evidence_too_large(error: RequestEntityTooLarge) -> Any:
    """Beyond even the raised limit nothing of the form can be read: say so by the field."""
    promise_id = (request.view_args or {}).get("promise_id")
    if request.endpoint not in EVIDENCE_ENDPOINTS or promise_id is None:
        return error_response(413)
    promise = promise_to_manage(promise_id)
    if promise is None:
        abort(404)
    authorize(EVIDENCE_ENDPOINTS[request.endpoint], promise)
    message = _("The file is too large: at most %(size)d MB. Nothing was saved; please "
                "enter the update again with a smaller file.",
                size=current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024))
    if request.endpoint == "promises.claim":
        form: Any = ClaimForm(promise.claimed_status, formdata=None)
        template = "promises/claim.html"
    else:
        form = VerdictForm(formdata=None)
        template = "promises/verdict.html"
    form.evidence_files.errors = [message]
    return render_template(template, promise=promise, form=form, reopen_form=ReopenForm(
        formdata=None), frozen=programme.is_frozen(promise.term),
        today=local_today()), 413


def promise_to_manage(promise_id: int) -> Promise | None:
    """A promise with its term, akim and places, for the programme and verdict pages."""
    return db.session.scalar(
        select(Promise)
        .options(joinedload(Promise.term).joinedload(Term.akim),
                 joinedload(Promise.term).joinedload(Term.rural_district)
                 .selectinload(RuralDistrict.settlements),
                 selectinload(Promise.settlements), joinedload(Promise.budget_function))
        .where(Promise.id == promise_id))


def term_for_programme(term_id: int) -> Term | None:
    """A term with its akim, place and settlements, for the programme pages."""
    return db.session.scalar(
        select(Term).options(joinedload(Term.akim),
                             joinedload(Term.rural_district).joinedload(RuralDistrict.district)
                             .joinedload(District.region),
                             joinedload(Term.rural_district)
                             .selectinload(RuralDistrict.settlements))
        .where(Term.id == term_id))


@blueprint.route("/my/programme")
@require(Permission.PROMISES_EDIT)
def my_programme() -> Response:
    term = None
    if current_user.akim_id is not None:
        term = db.session.scalar(select(Term).where(Term.akim_id == current_user.akim_id,
                                                    Term.status == TermStatus.SERVING))
    if term is None:
        abort_with(404, _("Your account is not linked to a serving term, so there is no "
                          "programme to manage."))
    return redirect(url_for("promises.manage", term_id=term.id))  # type: ignore[union-attr]


@blueprint.route("/terms/<int:term_id>/programme/manage")
@require(Permission.PROMISES_EDIT, load=term_for_programme)
def manage(term: Term) -> str:
    programme_row, promises = readers.programme_page(term)
    return render_template("promises/programme.html", term=term, programme=programme_row,
                           promises=promises, today=local_today(), manage=True,
                           register_form=ButtonForm())


@blueprint.route("/terms/<int:term_id>/promises/new", methods=["GET", "POST"])
@require(Permission.PROMISES_EDIT, load=term_for_programme)
def new(term: Term) -> Any:
    frozen = programme.is_frozen(term)
    form = PromiseForm(term, frozen)
    if request.method == "GET":
        form.language.data = _current_language()
    if form.validate_on_submit():
        try:
            promise = programme.add_promise(term, form.data_for_service(), current_user,
                                            reason=form.reason.data)
        except PromiseError as error:
            db.session.rollback()
            _put_error(form, error)
        else:
            db.session.commit()
            flash(_("The promise is added to the programme."), "success")
            return redirect(url_for("promises.manage", term_id=term.id,
                                    _anchor=f"promise-{promise.id}"))
    return _form_page("promises/edit.html", form, term=term, promise=None, frozen=frozen)


@blueprint.route("/promises/<int:promise_id>/edit", methods=["GET", "POST"])
@require(Permission.PROMISES_EDIT, load=promise_to_manage)
def edit(promise: Promise) -> Any:
    frozen = programme.is_frozen(promise.term)
    form = PromiseForm(promise.term, frozen, obj=promise if request.method == "GET" else None)
    if request.method == "GET":
        form.settlements.data = [settlement.id for settlement in promise.settlements]
        form.funding_source.data = promise.funding_source.value if promise.funding_source \
            else ""
        form.budget_function.data = promise.budget_function.code if promise.budget_function \
            else ""
        form.category.data = promise.category.value
        form.reason.data = ""
    if form.validate_on_submit():
        try:
            changed = programme.edit_promise(promise, form.data_for_service(), current_user,
                                             reason=form.reason.data)
        except PromiseError as error:
            db.session.rollback()
            _put_error(form, error)
        else:
            db.session.commit()
            flash(_("Saved.") if changed is not None or not frozen else
                  _("Nothing was changed."), "success")
            return redirect(url_for("promises.page", promise_id=promise.id))
    return _form_page("promises/edit.html", form, term=promise.term, promise=promise,
                      frozen=frozen)


@blueprint.route("/promises/<int:promise_id>/delete", methods=["POST"])
@require(Permission.PROMISES_EDIT, load=promise_to_manage)
def delete(promise: Promise) -> Response:
    promise_id, term_id = promise.id, promise.term_id
    if ButtonForm().validate_on_submit():
        try:
            programme.delete_promise(promise, current_user)
        except PromiseError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("promises.page", promise_id=promise_id))
        db.session.commit()
        flash(_("The draft promise is deleted."), "success")
    return redirect(url_for("promises.manage", term_id=term_id))


@blueprint.route("/terms/<int:term_id>/programme/register", methods=["POST"])
@require(Permission.PROMISES_EDIT, load=term_for_programme)
def register(term: Term) -> Response:
    if ButtonForm().validate_on_submit():
        try:
            programme.register_programme(term, current_user)
        except PromiseError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The programme is registered as the baseline. From now on changes are "
                    "public amendments with a reason."), "success")
    return redirect(url_for("promises.manage", term_id=term.id))


@blueprint.route("/promises/<int:promise_id>/update", methods=["GET", "POST"])
@require(Permission.PROMISES_UPDATE, load=promise_to_manage)
def claim(promise: Promise) -> Any:
    form = ClaimForm(promise.claimed_status)
    if request.method == "GET":
        form.progress.data = promise.claimed_progress
    if form.validate_on_submit():
        try:
            transitions.post_claim(
                promise, current_user, status=PromiseStatus(form.status.data),
                progress=int(form.progress.data or 0), note=form.note.data or "",
                broken_reason=_reason(form.broken_reason.data), evidence=form.evidence())
        except PromiseError as error:
            db.session.rollback()
            _put_error(form, error)
        else:
            db.session.commit()
            flash(_("Your update is published on the promise's page."), "success")
            return redirect(url_for("promises.page", promise_id=promise.id))
    return _form_page("promises/claim.html", form, promise=promise, frozen=programme.is_frozen(
        promise.term))


@blueprint.route("/promises/<int:promise_id>/verdict", methods=["GET", "POST"])
@require(Permission.PROMISES_VERIFY, load=promise_to_manage)
def verdict(promise: Promise) -> Any:
    form = VerdictForm()
    if form.validate_on_submit():
        try:
            transitions.record_verdict(
                promise, current_user, status=PromiseStatus(form.status.data),
                source=form.source.data or "", note=form.note.data or "",
                broken_reason=_reason(form.broken_reason.data), evidence=form.evidence())
        except PromiseError as error:
            db.session.rollback()
            _put_error(form, error)
        else:
            db.session.commit()
            flash(_("The verdict is published on the promise's page."), "success")
            return redirect(url_for("promises.page", promise_id=promise.id))
    return _form_page("promises/verdict.html", form, promise=promise,
                      reopen_form=ReopenForm(formdata=None))


@blueprint.route("/promises/<int:promise_id>/reopen", methods=["POST"])
@require(Permission.PROMISES_VERIFY, load=promise_to_manage)
def reopen(promise: Promise) -> Any:
    reopen_form = ReopenForm()
    if reopen_form.validate_on_submit():
        try:
            transitions.reopen_claim(promise, current_user, reopen_form.note.data or "")
        except PromiseError as error:
            db.session.rollback()
            _put_error(reopen_form, error)
        else:
            db.session.commit()
            flash(_("The claim is reopened: the akim can report on it again."), "success")
            return redirect(url_for("promises.page", promise_id=promise.id))
    return _form_page("promises/verdict.html", VerdictForm(formdata=None), promise=promise,
                      reopen_form=reopen_form)


def _form_page(template: str, form: Any, **context: Any) -> Any:
    """A form page; after a failed POST it answers 400 with the messages beside the fields."""
    html = render_template(template, form=form, today=local_today(), **context)
    failed = request.method == "POST"
    return (html, 400) if failed else html


def _reason(value: str | None) -> BrokenReason | None:
    return BrokenReason(value) if value else None


def _current_language() -> str:
    from portal.modeling import current_language

    return current_language()
