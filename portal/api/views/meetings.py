"""Meetings of akims with residents (Decree No. 826): a filtered list and one meeting with its
questions. Each answer costs a fixed number of queries, whatever the page size."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.api import http, queries, serialize
from portal.api.views import blueprint
from portal.geo import services as geo
from portal.meetings import readers
from portal.meetings.models import Meeting, MeetingStatus
from portal.permissions import public

MEETING_STATUSES = tuple(status.value for status in MeetingStatus)


@blueprint.route("/meetings")
@public
def meetings() -> Response:
    paging = http.paging()
    http.output_format()
    region_code = http.kato("region", request.args.get("region"), 2)
    district_code = http.kato("district", request.args.get("district"), 4)
    rural_code = http.kato("rural_district", request.args.get("rural_district"), 9)
    status = http.choice("status", MEETING_STATUSES)
    region = geo.region_by_kato(region_code) if region_code else None
    if region_code and region is None:
        http.not_found(_("There is no region with this KATO code."))
    district = geo.district_by_kato(district_code) if district_code else None
    if district_code and district is None:
        http.not_found(_("There is no district with this KATO code."))
    rural_district = queries.rural_district_by_kato(rural_code) if rural_code else None
    if rural_code and rural_district is None:
        http.not_found(_("There is no rural district with this KATO code."))
    rows, total = readers.meetings_page(
        region=region, district=district, rural_district=rural_district,
        status=MeetingStatus(status) if status else None, offset=paging.offset,
        limit=paging.per_page)
    counts = readers.question_counts([row.id for row in rows])
    items = [serialize.meeting(row, counts.get(row.id, readers.QuestionCounts()))
             for row in rows]
    return http.list_response(items, paging, total, "MeetingList", "meetings")


def meeting_or_404(meeting_id: int) -> Meeting:
    """The meeting with its questions, or the API's own 404 (JSON, with a message)."""
    found = readers.meeting_for_api(http.object_id(meeting_id))
    if found is None:
        http.not_found(_("There is no meeting with this id."))
    return found


@blueprint.route("/meetings/<int:meeting_id>")
@public(load=meeting_or_404)
def meeting(found: Meeting) -> Response:
    http.output_format(lists=False)
    return http.json_body(serialize.meeting_detail(found))
