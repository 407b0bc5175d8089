"""Due process: the akim's response and list of flags, the moderators' review and decision."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.extensions import db
from portal.permissions import Permission, require
from portal.recall import readers, services
from portal.recall.forms import DecisionForm, ResponseForm
from portal.recall.models import UNDECIDED, Flag, FlagStatus
from portal.recall.services import RecallError
from portal.recall.views import blueprint
from portal.recall.views.common import put_error, readable_flag
from portal.recall.views.public import render_flag
from portal.reports.readers import serving_term_of_akim
from portal.web.forms import ButtonForm


@blueprint.route("/flags/<int:flag_id>/respond", methods=["GET", "POST"])
@require(Permission.FLAGS_RESPOND, load=readable_flag, hide=True)
def respond(item: Flag) -> Any:
    form = ResponseForm(data={"response": item.response} if item.response else None)
    status = 200
    if item.status not in UNDECIDED:
        flash(_("This flag is closed: a response can no longer be added."), "info")
        return redirect(url_for("recall.flag", flag_id=item.id))
    if form.validate_on_submit():
        try:
            services.respond(item, current_user, form.response.data or "")
        except RecallError as error:
            put_error(form, error)
            status = 400
        else:
            db.session.commit()
            flash(_("Your response is published with the flag."), "success")
            return redirect(url_for("recall.flag", flag_id=item.id, _anchor="response"))
    elif form.is_submitted():
        status = 400
    return render_template("recall/respond.html", flag=item, term=item.term, form=form), status


@blueprint.route("/akim/flags")
@require(Permission.FLAGS_RESPOND)
def my_flags() -> str:
    """The signed-in akim's flags, pending ones included, with what each needs."""
    term = serving_term_of_akim(current_user.akim_id) if current_user.akim_id else None
    flags = readers.flags_of_akim_term(term.id) if term else []
    return render_template("recall/my_flags.html", term=term, flags=flags)


@blueprint.route("/flags/<int:flag_id>/review", methods=["POST"])
@require(Permission.FLAGS_REVIEW, load=readable_flag)
def start_review(item: Flag) -> Response:
    if ButtonForm().validate_on_submit():
        try:
            services.start_review(item, current_user)
        except RecallError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The flag is now under review."), "success")
    return redirect(url_for("recall.flag", flag_id=item.id, _anchor="review"))


@blueprint.route("/flags/<int:flag_id>/decide", methods=["POST"])
@require(Permission.FLAGS_REVIEW, load=readable_flag)
def decide(item: Flag) -> Any:
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            services.decide(item, current_user, FlagStatus(form.decision.data),
                            form.reason.data or "")
        except RecallError as error:
            put_error(form, error)
        else:
            db.session.commit()
            flash(_("The decision is recorded and published with its reason."), "success")
            return redirect(url_for("recall.flag", flag_id=item.id, _anchor="decision"))
    return render_flag(item, decision_form=form), 400
