"""Public report pages: a report, its earlier versions and changes, files, an akim's list."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal import clock
from portal.akims import services as akims
from portal.akims.models import Akim
from portal.api.serialize import public_url
from portal.extensions import db
from portal.formats import place_of
from portal.meetings.readers import meetings_of_period
from portal.permissions import public
from portal.reports import changes as marked
from portal.reports import readers
from portal.reports.labels import FIELD_LABELS
from portal.reports.models import Report, ReportAttachment, ReportVersion
from portal.reports.promise_entries import changes_in, entries_of
from portal.reports.templating import period_label
from portal.reports.timeliness import classify, local_today
from portal.reports.views import blueprint
from portal.reports.views.access import readable_attachment, readable_report
from portal.uploads import send_stored_file
from portal.web.cite import Citation


def _version_or_404(report: Report, number: int) -> ReportVersion:
    for version in report.versions:
        if version.number == number:
            return version
    abort(404)


def render_page(report: Report, shown: ReportVersion | None,
            template: str = "reports/report.html", **extra: Any) -> str:
    """The report's page (or a page built on it, such as the step before publishing)."""
    today = local_today()
    return render_template(
        template,
        report=report,
        term=report.term,
        shown=shown,
        content=shown or report,
        latest=report.versions[-1] if report.versions else None,
        meetings=meetings_of_period(report.term_id, report.period_start, report.due_on),
        entries=entries_of(report.id, shown.number if shown else None),
        timeliness=classify(report.due_on, report.covered_on, today,
                            interim=report.first_published_on is not None),
        today=today,
        attachments=[a for a in report.attachments
                     if shown is None or (a.added_in_version or 0) <= shown.number],
        citation=_citation(report, shown),
        **extra,
    )


def _citation(report: Report, shown: ReportVersion | None) -> Citation | None:
    """A published version: its akim, place, period and number, the day it was published and
    its permanent address (that version's, so the citation never points at a later text)."""
    if not report.is_published or shown is None:
        return None
    term = report.term
    title = _("%(name)s, report to residents of %(place)s for %(period)s, version %(number)d",
              name=term.akim.name, place=place_of(term.rural_district.name),
              period=period_label(report), number=shown.number)
    return Citation(title, clock.local_date(shown.published_at),
                    public_url("reports.version", report_id=report.id, number=shown.number),
                    published=True)


@blueprint.route("/reports/<int:report_id>")
@public(load=readable_report)
def show(report: Report) -> str:
    """The latest published version; for its akim and staff, a preview of a draft."""
    return render_page(report, report.versions[-1] if report.versions else None)


@blueprint.route("/reports/<int:report_id>/versions/<int:number>")
@public(load=readable_report)
def version(report: Report, number: int) -> str:
    return render_page(report, _version_or_404(report, number))


@blueprint.route("/reports/<int:report_id>/versions/<int:number>/changes")
@public(load=readable_report)
def changes(report: Report, number: int) -> str:
    """What version `number` changed compared with the one before it."""
    if number < 2:
        abort(404)
    after = _version_or_404(report, number)
    before = _version_or_404(report, number - 1)
    return render_template(
        "reports/changes.html", report=report, term=report.term, before=before, after=after,
        changes=marked.for_page(db.session(), before, after), field_labels=FIELD_LABELS,
        added_files=[a for a in report.attachments if a.added_in_version == number],
        entry_changes=changes_in(after),
    )


@blueprint.route("/reports/<int:report_id>/attachments/<int:attachment_id>")
@public(load=readable_attachment)
def attachment(found: ReportAttachment) -> Response:
    """A file as a download. Files not yet published: only for who may see the draft."""
    return send_stored_file(found.stored_file, public=found.is_published)


@blueprint.route("/akims/<int:akim_id>/reports")
@public(load=akims.akim_with_terms)
def akim_reports(akim: Akim) -> str:
    today = local_today()
    timelines = readers.timelines_for_terms([term.id for term in akim.terms], today)
    return render_template("reports/akim_reports.html", akim=akim,
                           term=akims.current_or_latest_term(akim), timelines=timelines,
                           today=today)


@blueprint.route("/reports/rules")
@public
def rules() -> str:
    """The reporting rules in force and their history, each with its source or marked as the
    portal's own configuration."""
    from portal.reports.policy import MEETING_POLICY, policy_from_app

    today = local_today()
    return render_template("reports/rules.html", meetings=MEETING_POLICY.history(),
                           meetings_now=MEETING_POLICY.version_on(today),
                           written=policy_from_app().history_in_year(today.year))
