"""The administrators' page for the rule thresholds: each save is a new, numbered version."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.permissions import Permission, require
from portal.recall import services
from portal.recall.forms import RulesForm
from portal.recall.models import RecallEvaluation, RuleSetVersion
from portal.recall.ruleset import RuleConfigError, current_rules, version_note
from portal.recall.views import blueprint
from portal.recall.views.common import put_error


@blueprint.route("/admin/recall/rules", methods=["GET", "POST"])
@require(Permission.RECALL_CONFIGURE)
def rules() -> Any:
    current = current_rules()
    form = RulesForm() if request.method == "POST" else RulesForm.for_rules(current.rules)
    status = 200
    if form.validate_on_submit():
        try:
            version = services.save_rules(form.to_rules(), current_user, form.note.data or "")
        except RuleConfigError as error:
            flash(str(error), "error")
            status = 400
        except services.RecallError as error:
            put_error(form, error)
            status = 400
        else:
            db.session.commit()
            flash(_("Rules version %(number)d is saved; the next evaluation uses it.",
                    number=version.number), "success")
            return redirect(url_for("recall.rules"))
    elif form.is_submitted():
        status = 400
    versions = list(db.session.scalars(
        select(RuleSetVersion).order_by(RuleSetVersion.number.desc()).limit(20)))
    evaluations = list(db.session.scalars(
        select(RecallEvaluation).order_by(RecallEvaluation.id.desc()).limit(10)))
    return render_template("recall/rules.html", form=form, current=current,
                           versions=versions, evaluations=evaluations,
                           version_note=version_note), status
