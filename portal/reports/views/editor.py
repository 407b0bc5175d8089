"""The owning akim's editor: drafts, submission, publication, corrections and files.

Nothing typed is lost: a form with errors comes back with every character, a save goes through
even when the attached file is refused, and a POST from a browser whose sign-in has expired is
kept on the server until the akim signs in again (see `portal.reports.stash`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from portal.extensions import csrf, db, limiter
from portal.permissions import Permission, permissions_of, require
from portal.reports import readers, services, stash
from portal.reports.forms import ReportAmendForm, ReportEditForm
from portal.reports.models import Report, ReportAttachment, ReportState
from portal.reports.services import ReportError
from portal.reports.timeliness import covers_period, days_late, local_today
from portal.reports.views import blueprint
from portal.reports.views.access import (
    attachment_of_report,
    attachment_report_unpublished,
    unpublished,
)
from portal.reports.views.public import render_page
from portal.web.errors import error_response
from portal.web.forms import ButtonForm, apply_errors

STASH_LIMIT = "30 per hour"
# The editor and the correction form take several files in one save, so they accept bodies
# this large from the people allowed to post them; each file's own limit stays
# MAX_UPLOAD_BYTES (refused beside the field, with the text saved).
EDITOR_REQUEST_LIMIT = 64 * 1024 * 1024
EDITOR_ENDPOINTS = {"reports.edit": Permission.REPORTS_EDIT,
                    "reports.amend": Permission.REPORTS_AMEND}


@blueprint.url_value_preprocessor
def _allow_several_files(endpoint: str | None, _values: Any) -> None:
    # Before the view reads the form, so the raised limit applies to that parse.
    permission = EDITOR_ENDPOINTS.get(endpoint or "")
    if permission is not None and request.method == "POST" and \
            permission in permissions_of(current_user):
        request.max_content_length = EDITOR_REQUEST_LIMIT


def keeps_text_when_signed_out(view: Callable[..., Any]) -> Callable[..., Any]:
    """Before the permission check: a POST without a signed-in user keeps its text.

    `functools.wraps` copies the inner view's access mark, so the route gate sees the
    permission the inner decorator requires.
    """

    @wraps(view)
    def wrapper(**kwargs: Any) -> Any:
        if request.method == "POST" and not current_user.is_authenticated:
            return _stash_and_sign_in(kwargs["report_id"])
        return view(**kwargs)

    return wrapper


def _same_origin() -> bool:
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return origin is None
    ours = urlsplit(request.host_url)
    theirs = urlsplit(origin)
    return (theirs.scheme, theirs.netloc) == (ours.scheme, ours.netloc)


def _stash_and_sign_in(report_id: int) -> Response:
    # A post from another site is refused by its Origin; what is kept is only what this
    # browser's own editor of this report sent, and only this browser gets it back.
    if not _same_origin():
        abort(400)
    report = db.session.get(Report, report_id)
    if report is None:
        abort(404)
    if not stash.may_keep(report.id, request.form):
        flash(_("Your sign-in had expired, so nothing was saved. Sign in again and open the "
                "editor."), "warning")
        return redirect(url_for("accounts.login", next=url_for(
            request.endpoint or "reports.edit", report_id=report_id)))
    browser = stash.browser_key() or stash.new_browser_key()
    stash.stash_text(report, request.form, browser)
    db.session.commit()
    flash(_("Your sign-in had expired, so nothing was saved yet. Sign in again: what you typed "
            "is kept and will be back in the editor."), "warning")
    back = url_for(request.endpoint or "reports.edit", report_id=report_id, restore=1)
    return stash.set_cookie(redirect(url_for("accounts.login", next=back)), browser)


def _restored_form(form_class: type[Any], report: Report) -> Any | None:
    stash.remember_editor(report)
    if not request.args.get("restore"):
        return None
    values = stash.stashed_text(report)
    if values is None:
        return None
    flash(_("We brought back the text you sent while signed out. Check it, then save."),
          "info")
    return form_class(formdata=MultiDict(values))


@blueprint.route("/reports/<int:report_id>/edit", methods=["GET", "POST"])
@limiter.limit(STASH_LIMIT, methods=["POST"], exempt_when=lambda: current_user.is_authenticated)
@keeps_text_when_signed_out
@require(Permission.REPORTS_EDIT, load=readers.report_for_edit, hide=unpublished)
def edit(report: Report) -> str | Response:
    if request.method == "POST" and not report.is_draft:
        return _posted_too_late(report)
    if report.is_published:
        return redirect(url_for(".amend", report_id=report.id))
    if report.state == ReportState.SUBMITTED:
        return render_template("reports/submitted.html", report=report, confirm=ButtonForm())
    form = (_restored_form(ReportEditForm, report) if request.method == "GET" else None) \
        or ReportEditForm(obj=report)
    if request.method == "POST" and form.validate_on_submit():
        services.save_draft(report, form.section_values(), current_user)
        try:
            attached = services.add_attachments(report, form.uploads(), current_user)
            if form.submit_report.data:
                services.submit(report, current_user)
        except ReportError as error:
            db.session.commit()  # the text is saved even when the file or a check fails
            flash(_("Your text is saved."), "success")
            apply_errors(form, error.errors)
            return render_template("reports/edit.html", report=report, form=form,
                                   confirm=ButtonForm())
        db.session.commit()
        if report.state == ReportState.SUBMITTED:
            flash(_("The report is submitted. Check it once more, then publish it."), "success")
        elif attached:
            flash(ngettext("Draft saved, with %(num)d file attached.",
                           "Draft saved, with %(num)d files attached.", len(attached)),
                  "success")
        else:
            flash(_("Draft saved."), "success")
        if form.preview.data and report.is_draft:
            # The page residents will read, from what was just saved (no script needed).
            return redirect(url_for(".show", report_id=report.id))
        return redirect(url_for(".edit", report_id=report.id))
    return render_template("reports/edit.html", report=report, form=form, confirm=ButtonForm())


def _posted_too_late(report: Report) -> str:
    """Text posted from an old tab after the report was submitted or published elsewhere:
    show it again rather than drop it. A published report gets it in the correction form."""
    if report.is_published:
        flash(_("This report was published meanwhile, so your text was not saved. It is below "
                "as a correction: give a reason to publish it, or leave the page."), "warning")
        amend_form = ReportAmendForm()
        return render_template("reports/amend.html", report=readers.report_for_page(report.id),
                               form=amend_form)
    flash(_("This report was submitted meanwhile, so your text was not saved. It is below: "
            "copy what you need, or return the report to draft and save it again."), "warning")
    return render_template("reports/edit.html", report=report, form=ReportEditForm(),
                           confirm=ButtonForm(), locked=True)


@blueprint.route("/reports/<int:report_id>/amend", methods=["GET", "POST"])
@limiter.limit(STASH_LIMIT, methods=["POST"], exempt_when=lambda: current_user.is_authenticated)
@keeps_text_when_signed_out
@require(Permission.REPORTS_AMEND, load=readers.report_for_page, hide=unpublished)
def amend(report: Report) -> str | Response:
    if not report.is_published:
        return redirect(url_for(".edit", report_id=report.id))
    form = _restored_form(ReportAmendForm, report) if request.method == "GET" else None
    if form is None and request.method == "GET":
        form = ReportAmendForm(obj=services.latest_version(report))
        form.reason.data = ""  # the previous correction's reason is not this one's
    elif form is None:
        form = ReportAmendForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            version = services.amend(report, form.section_values(), form.reason.data or "",
                                     current_user, uploads=form.uploads())
        except ReportError as error:
            db.session.rollback()
            apply_errors(form, error.errors)
            report = readers.report_for_page(report.id) or report
        else:
            db.session.commit()
            flash(_("Correction published as version %(number)d.", number=version.number),
                  "success")
            return redirect(url_for(".show", report_id=report.id))
    return render_template("reports/amend.html", report=report, form=form)


@blueprint.route("/reports/<int:report_id>/publish", methods=["GET", "POST"])
@require(Permission.REPORTS_PUBLISH, load=readers.report_for_edit, hide=unpublished)
def publish(report: Report) -> str | Response:
    """GET: the step before publishing, the page residents will see with what becomes public
    and what can be changed later; POST: publish."""
    if request.method == "GET":
        if report.is_published:
            return redirect(url_for(".show", report_id=report.id))
        if report.state != ReportState.SUBMITTED:
            flash(_("Submit the report first: “Save and submit” checks that every section "
                    "is filled in."), "info")
            return redirect(url_for(".edit", report_id=report.id))
        return _confirm_publish(report)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if request.form.get("checked") != "1" and report.state == ReportState.SUBMITTED:
        # Only the check page's buttons publish: a button from an old tab opens that page.
        flash(_("Check the report on this page first: it shows what becomes public and what "
                "cannot be changed later."), "info")
        return redirect(url_for(".publish", report_id=report.id))
    try:
        services.publish(report, current_user)
    except ReportError as error:
        flash(" ".join(error.errors.values()), "error")
        return redirect(url_for(".edit", report_id=report.id))
    db.session.commit()
    flash(_("The report is published. Everyone can read it now."), "success")
    return redirect(url_for(".show", report_id=report.id))


def _confirm_publish(report: Report) -> str:
    today = local_today()
    return render_page(readers.report_for_page(report.id) or report, None,
                       "reports/confirm_publish.html", confirm=ButtonForm(),
                       days_late=days_late(report.due_on, today),
                       interim=not covers_period(report.period_end, today))


@blueprint.route("/reports/<int:report_id>/return", methods=["POST"])
@require(Permission.REPORTS_EDIT, load=readers.report_for_edit, hide=unpublished)
def return_to_draft(report: Report) -> Response:
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        services.return_to_draft(report, current_user)
    except ReportError as error:
        flash(" ".join(error.errors.values()), "error")
    else:
        db.session.commit()
        flash(_("The report is a draft again: you can change it."), "info")
    return redirect(url_for(".edit", report_id=report.id))


@blueprint.route("/reports/<int:report_id>/attachments/<int:attachment_id>/remove",
                 methods=["POST"])
@require(Permission.REPORTS_EDIT, load=attachment_of_report,
         hide=attachment_report_unpublished)
def remove_attachment(attachment: ReportAttachment) -> Response:
    report = attachment.report
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        services.remove_attachment(attachment, current_user)
    except ReportError as error:
        flash(" ".join(error.errors.values()), "error")
    else:
        db.session.commit()
        flash(_("The file was removed."), "info")
    return redirect(url_for(".edit", report_id=report.id))


@blueprint.errorhandler(RequestEntityTooLarge)
def too_large(_error: RequestEntityTooLarge) -> Response:
    """A request over MAX_CONTENT_LENGTH never reaches the form, so say plainly what happened
    and that the text is not lost: the browser (and this device's copy) still has it."""
    return error_response(413, _(
        "The files are too large together: one save takes at most %(total)d MB, and each file "
        "at most 10 MB. Nothing from this form was saved. Go back: the text you typed is still "
        "in the form, so you can save it with fewer or smaller files, or without them.",
        total=_request_limit() // (1024 * 1024)))


def _request_limit() -> int:
    limit = request.max_content_length
    return int(limit if limit is not None else EDITOR_REQUEST_LIMIT)


# Signed-in editors are protected by their form's own CSRF token (checked in
# `validate_on_submit`); the global check would refuse a signed-out post before its text
# could be kept.
csrf.exempt(edit)
csrf.exempt(amend)
