"""The akim's pages for a report's progress on promises: one entry per promise. A draft's
entries are edited directly; a published report's are corrected as a new version."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.labels import label
from portal.permissions import Permission, require
from portal.promises.models import Promise, PromiseStatus
from portal.reports import promise_entries, readers
from portal.reports.forms import PromiseEntryCorrectionForm, PromiseEntryForm
from portal.reports.models import Report
from portal.reports.services import ReportError
from portal.reports.views import blueprint
from portal.reports.views.access import unpublished
from portal.web.forms import apply_errors


def _choices(form: PromiseEntryForm, own: dict[int, Promise]) -> None:
    form.promise_id.choices = [(pid, f"{p.number}. {p.title}") for pid, p in own.items()]
    form.claim.choices = [(status.value, label(status)) for status in PromiseStatus]


@blueprint.route("/reports/<int:report_id>/promises", methods=["GET", "POST"])
@require(Permission.REPORTS_EDIT, load=readers.report_for_edit, hide=unpublished)
def promises(report: Report) -> Any:
    own = {promise.id: promise for promise in promise_entries.programme_of(report)}
    form = PromiseEntryForm()
    _choices(form, own)
    status = 200
    if form.validate_on_submit():
        try:
            promise_entries.save_entry(report, own.get(form.promise_id.data or 0),
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


@blueprint.route("/reports/<int:report_id>/promises/correct", methods=["GET", "POST"])
@require(Permission.REPORTS_AMEND, load=readers.report_for_page, hide=unpublished)
def correct_promises(report: Report) -> Any:
    """A published report's entry corrected (or one added): a new version, with its reason."""
    if not report.is_published:
        return redirect(url_for(".promises", report_id=report.id))
    own = {promise.id: promise for promise in promise_entries.programme_of(report)}
    form = PromiseEntryCorrectionForm()
    _choices(form, own)
    status = 200
    if form.validate_on_submit():
        try:
            version = promise_entries.amend_entry(
                report, own.get(form.promise_id.data or 0), form.claim.data or "",
                form.text.data or "", form.evidence_url.data or "", form.reason.data or "",
                current_user)
        except ReportError as error:
            db.session.rollback()
            apply_errors(form, error.errors)
            report = readers.report_for_page(report.id) or report
            status = 400
        else:
            db.session.commit()
            flash(_("Correction published as version %(number)d.", number=version.number),
                  "success")
            return redirect(url_for(".changes", report_id=report.id, number=version.number))
    elif form.is_submitted():
        status = 400
    return render_template("reports/promise_entries.html", report=report, form=form,
                           entries=promise_entries.entries_of(report.id),
                           correcting=True), status
