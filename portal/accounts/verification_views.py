"""The moderators' queue of residence verification requests: approve, or reject with a reason."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from portal.accounts import notices, verification
from portal.accounts.forms import RejectForm
from portal.accounts.models import VerificationRequest
from portal.accounts.services import AccountError
from portal.extensions import db
from portal.permissions import Permission, require
from portal.richtext import plain_text_with_links
from portal.web.forms import ButtonForm
from portal.web.pagination import paginate

blueprint = Blueprint("verification", __name__, url_prefix="/moderation/verifications")

PER_PAGE = 20
ViewResult = str | Response | tuple[str, int]


def request_to_decide(request_id: int) -> VerificationRequest | None:
    return db.session.scalar(
        select(VerificationRequest).options(joinedload(VerificationRequest.user))
        .where(VerificationRequest.id == request_id)
    )


def _queue(status: int = 200, failed: tuple[int, RejectForm] | None = None) -> tuple[str, int]:
    page = paginate(verification.pending_queue(), PER_PAGE)
    reject_forms = {row.id: RejectForm(prefix=f"reject-{row.id}") for row in page.items}
    if failed is not None and failed[0] in reject_forms:
        reject_forms[failed[0]] = failed[1]
    html = render_template(
        "accounts/verification_queue.html", page=page, reject_forms=reject_forms,
        approve_form=ButtonForm(prefix="approve"), note_html=plain_text_with_links,
        per_page=PER_PAGE,
    )
    verification.record_queue_view(current_user, [row.id for row in page.items])
    db.session.commit()
    return html, status


@blueprint.route("")
@require(Permission.RESIDENTS_VERIFY)
def queue() -> ViewResult:
    return _queue()


@blueprint.route("/<int:request_id>/approve", methods=["POST"])
@require(Permission.RESIDENTS_VERIFY, load=request_to_decide)
def approve(request_row: VerificationRequest) -> ViewResult:
    if not ButtonForm(prefix="approve").validate_on_submit():
        abort(400)
    try:
        notice = verification.approve(request_row, current_user)
    except AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("verification.queue"))
    db.session.commit()
    notices.deliver(notice)
    flash(_("Approved: %(name)s is now a verified resident.", name=_who(request_row)), "success")
    return redirect(url_for("verification.queue"))


@blueprint.route("/<int:request_id>/reject", methods=["POST"])
@require(Permission.RESIDENTS_VERIFY, load=request_to_decide)
def reject(request_row: VerificationRequest) -> ViewResult:
    form = RejectForm(prefix=f"reject-{request_row.id}")
    if not form.validate_on_submit():
        return _queue(400, (request_row.id, form))
    try:
        notice = verification.reject(request_row, current_user, form.reason.data or "")
    except AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("verification.queue"))
    db.session.commit()
    notices.deliver(notice)
    flash(_("Rejected; %(name)s was told why.", name=_who(request_row)), "success")
    return redirect(url_for("verification.queue"))


def _who(request_row: VerificationRequest) -> str:
    return request_row.user.display_name or _("account #%(id)d", id=request_row.user_id)
