"""A published report with its text, versions, files and rating; and the published flags."""

from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.api import external, http, serialize
from portal.api.views import blueprint
from portal.meetings.readers import meetings_of_period
from portal.permissions import public
from portal.reports import readers
from portal.reports.models import Report
from portal.reports.promise_entries import entries_of
from portal.reports.timeliness import local_today

FLAG_STATUSES = ("open", "closed", "all")


def published_report_or_404(report_id: int) -> Report:
    """Only published reports: the API is public, so a draft is "not found" for everyone,
    its own akim included (the editor is the place for drafts). The API's own 404 (JSON)."""
    found = readers.report_for_page(http.object_id(report_id))
    if found is None or not found.is_published or not found.versions:
        http.not_found(_("There is no published report with this id."))
    return found


@blueprint.route("/reports/<int:report_id>")
@public(load=published_report_or_404)
def report(found: Report) -> Response:
    http.output_format(lists=False)
    rating = external.ratings_for_reports([found.id]).get(found.id, external.NO_RATING)
    return http.json_body(serialize.report(
        found, rating, local_today(), entries_of(found.id, found.versions[-1].number),
        meetings_of_period(found.term_id, found.period_start, found.due_on)))


@blueprint.route("/flags")
@public
def flags() -> Response:
    paging = http.paging()
    http.output_format()
    status = http.choice("status", FLAG_STATUSES, "all") or "all"
    items, total = external.published_flags(status, paging.offset, paging.per_page)
    return http.list_response(items, paging, total, "FlagList", "flags")
