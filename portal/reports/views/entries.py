"""The akim's page for a draft report's progress on promises: one entry per promise."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.labels import label
from portal.permissions import Permission, require
from portal.promises.models import PromiseStatus
from portal.reports import promise_entries, readers
from portal.reports.forms import PromiseEntryForm
from portal.reports.models import Report
from portal.reports.services import ReportError
from portal.reports.views import blueprint
from portal.reports.views.access import unpublished
from portal.web.forms import apply_errors


@blueprint.route("/reports/<int:report_id>/promises", methods=["GET", "POST"])
@require(Permission.REPORTS_EDIT, load=readers.report_for_edit, hide=unpublished)
def promises(report: Report) -> Any:
    own = {promise.id: promise for promise in promise_entries.programme_of(report)}
    form = PromiseEntryForm()
    form.promise_id.choices = [(pid, f"{p.number}. {p.title}") for pid, p in own.items()]
    form.claim.choices = [(status.value, label(status)) for status in PromiseStatus]
    status = 200
    if form.validate_on_submit():
        try:
            promise_entries.save_entry(report, own.get(form.promise_id.data),
                                       form.claim.data or "", form.text.data or "",
                                       form.evidence_url.data or "", current_user)
        except ReportError as error:
            apply_errors(form, error.errors)
            status = 400
        else:
            db.session.commit()
            flash(_("The entry is saved."), "success")
            return redirect(url_for(".promises", report_id=report.id))
    elif form.is_submitted():
        status = 400
    return render_template("reports/promise_entries.html", report=report, form=form,
                           entries=promise_entries.entries_of(report.id)), status
