"""Akims: the list with current terms' numbers, one akim, a term's promises and reports.

Every answer costs a fixed number of queries, whatever the page size.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.akims import services as akims
from portal.akims.models import Akim, Term
from portal.api import external, http, queries, serialize
from portal.api.views import blueprint
from portal.figures.readers import figures_for_terms
from portal.figures.readers import total as total_of_terms
from portal.geo import services as geo
from portal.permissions import public
from portal.promises import readers as promises
from portal.promises.models import PromiseCategory, PromiseStatus
from portal.reports import readers as reports
from portal.reports.models import Timeliness
from portal.reports.timeliness import local_today

AKIM_STATUSES = ("serving", "ended", "all")


def summaries(rows: list[queries.AkimListRow]) -> list[dict[str, Any]]:
    """List items, their figures from `portal.figures` (two queries for the whole page)."""
    figures = figures_for_terms([row.term_id for row in rows], local_today())
    return [serialize.akim_row(row, serialize.scores(figures[row.term_id]),
                               figures[row.term_id].open_flags)
            for row in rows]


@blueprint.route("/akims")
@public
def akim_list() -> Response:
    paging = http.paging()
    http.output_format()
    region_code = http.kato("region", request.args.get("region"), 2)
    district_code = http.kato("district", request.args.get("district"), 4)
    query = http.text("q")
    status = http.choice("status", AKIM_STATUSES, "serving") or "serving"
    region = geo.region_by_kato(region_code) if region_code else None
    if region_code and region is None:
        http.not_found(_("There is no region with this KATO code."))
    district = geo.district_by_kato(district_code) if district_code else None
    if district_code and district is None:
        http.not_found(_("There is no district with this KATO code."))
    rows, total = queries.akim_page(region=region, district=district, query=query,
                                    status=status, offset=paging.offset, limit=paging.per_page)
    return http.list_response(summaries(rows), paging, total, "AkimList", "akims")


def akim_or_404(akim_id: int) -> Akim:
    """The akim, or the API's own 404 (JSON, with a message)."""
    found = akims.akim_with_terms(http.object_id(akim_id))
    if found is None:
        http.not_found(_("There is no akim with this id."))
    return found


def _chosen_term(akim: Akim) -> Term | None:
    """`?term_id=` (one of the akim's terms), else the serving term, else the latest."""
    raw = request.args.get("term_id")
    if raw is None:
        return akims.current_or_latest_term(akim)
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= http.MAX_ID:
        http.invalid("term_id", _("term_id must be the id of one of the akim's terms."))
    term = next((item for item in akim.terms if item.id == int(raw)), None)
    if term is None:
        http.not_found(_("This akim has no term with this id."))
    return term


@blueprint.route("/akims/<int:akim_id>")
@public(load=akim_or_404)
def akim_detail(akim: Akim) -> Response:
    http.output_format(lists=False)
    term = akims.current_or_latest_term(akim)
    term_ids = [term.id] if term else []
    today = local_today()
    rows = promises.promises_for_terms(term_ids).get(term.id, []) if term else []
    evidence = queries.evidence_counts_for_terms(term_ids)
    lines = reports.timelines_for_terms(term_ids, today).get(term.id, []) if term else []
    flags = external.flags_for_terms(term_ids).get(term.id if term else 0, [])
    figures = (figures_for_terms(term_ids, today)[term.id] if term
               else total_of_terms([], today))
    body = serialize.akim(akim, term, serialize.scores(figures), figures.open_flags)
    body.update({
        "terms": [{"term": serialize.term(item), "rural_district":
                   serialize.place(item.rural_district)} for item in akim.terms],
        "promises": [serialize.promise(row, evidence.get(row.id, 0)) for row in rows],
        "reports": [serialize.report_line(line) for line in lines],
        "flags": flags,
    })
    return http.json_body(body)


@blueprint.route("/akims/<int:akim_id>/promises")
@public(load=akim_or_404)
def akim_promises(akim: Akim) -> Response:
    paging = http.paging()
    http.output_format()
    status = http.choice("status", [item.value for item in PromiseStatus])
    category = http.choice("category", [item.value for item in PromiseCategory])
    term = _chosen_term(akim)
    term_ids = [term.id] if term else []
    rows = [row for row in (promises.promises_for_terms(term_ids).get(term.id, []) if term else [])
            if (status is None or row.status.value == status)
            and (category is None or row.category.value == category)]
    evidence = queries.evidence_counts_for_terms(term_ids)
    items = [serialize.promise(row, evidence.get(row.id, 0))
             for row in http.paginate_list(rows, paging)]
    return http.list_response(items, paging, len(rows), "PromiseList",
                              f"akim-{akim.id}-promises")


@blueprint.route("/akims/<int:akim_id>/reports")
@public(load=akim_or_404)
def akim_reports(akim: Akim) -> Response:
    paging = http.paging()
    http.output_format()
    timeliness = http.choice("timeliness", [item.value for item in Timeliness])
    term = _chosen_term(akim)
    lines = reports.timelines_for_terms([term.id], local_today())[term.id] if term else []
    lines = [line for line in lines if timeliness is None or line.timeliness.value == timeliness]
    items = [serialize.report_line(line) for line in http.paginate_list(lines, paging)]
    return http.list_response(items, paging, len(lines), "ReportLineList",
                              f"akim-{akim.id}-reports")
