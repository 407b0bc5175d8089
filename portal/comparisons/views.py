"""Public pages comparing akims: the league table of an area (and its CSV), and several akims
side by side (and its PDF)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.api.csv_output import csv_text
from portal.api.serialize import public_url
from portal.comparisons import documents, side_by_side
from portal.comparisons import league as tables
from portal.comparisons.cells import league_row
from portal.exports.scope import Scope, ScopeLevel
from portal.exports.views import requested_language
from portal.figures.definitions import BY_SLUG, COMPARISON_MINIMUMS, COMPARISON_RULE
from portal.geo import services as geo
from portal.geo.models import District, Region
from portal.permissions import Permission, public, require
from portal.web.cite import Citation
from portal.web.pagination import Page, page_number

blueprint = Blueprint("comparisons", __name__)

# Rows per page of the league table; the CSV holds them all.
ROWS_PER_PAGE = 50


def area_asked() -> tuple[Scope, Region | District | None]:
    """`?district=KATO4`, else `?region=KATO2`, else the nation; 404 for a code that names no
    area (a malformed one names none either)."""
    district_code = request.args.get("district")
    if district_code:
        district = geo.district_by_kato(district_code)
        if district is None:
            abort(404)
        return Scope(ScopeLevel.DISTRICT, district.kato4), district
    region_code = request.args.get("region")
    if region_code:
        region = geo.region_by_kato(region_code)
        if region is None:
            abort(404)
        return Scope(ScopeLevel.REGION, region.kato2), region
    return Scope(ScopeLevel.NATION), None


def _league() -> tables.League:
    scope, area = area_asked()
    return tables.league(scope, area, request.args.get("sort") or tables.PLACE,
                         request.args.get("order"))


def _area_args(scope: Scope) -> dict[str, Any]:
    if scope.level is ScopeLevel.DISTRICT:
        return {"district": scope.code or ""}
    if scope.level is ScopeLevel.REGION:
        return {"region": scope.code or ""}
    return {}


@blueprint.route("/league")
@public
def league_page() -> str:
    table = _league()
    number = page_number()
    pages = max(1, -(-len(table.rows) // ROWS_PER_PAGE))
    number = min(number, pages)
    start = (number - 1) * ROWS_PER_PAGE
    page = Page(items=list(table.rows[start:start + ROWS_PER_PAGE]), page=number,
                per_page=ROWS_PER_PAGE, total=len(table.rows))
    area_args = _area_args(table.scope)
    chosen, _left_out = side_by_side.akim_ids_asked(request.args.getlist("akim"))

    def sort_url(key: str) -> str:
        """The column sorted by `key`; asked again, the other way round."""
        values: dict[str, Any] = {**area_args, "sort": key, "akim": chosen}
        if key == table.sort:
            values["order"] = "asc" if table.order == "desc" else "desc"
        return url_for("comparisons.league_page", **values)

    # The sorted figure comes first after the akim: on a phone it is the column in view.
    columns = sorted(tables.COLUMNS, key=lambda column: column.key != table.sort)
    return render_template(
        "comparisons/league.html", table=table, page=page, columns=columns,
        keys=tuple(column.key for column in columns),
        sort_url=sort_url, area_args=area_args, figures=BY_SLUG, chosen=chosen,
        league_row=league_row,
        minimums=COMPARISON_MINIMUMS, rule=COMPARISON_RULE,
        csv_url=url_for("comparisons.league_csv", **area_args, sort=table.sort,
                        order=table.order))


@blueprint.route("/league.csv")
@public
def league_csv() -> Response:
    """The whole table in the page's order, with the API's columns (schema `LeagueRow`)."""
    table = _league()
    items = [tables.item(row, table.as_of) for row in table.rows]
    response = Response(csv_text(items, "LeagueRow"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    name = table.scope.code or "kz"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="league-{name}-{table.sort}-{table.as_of.isoformat()}.csv"')
    return response


# --------------------------------------------------------------------------- side by side

def _comparison() -> side_by_side.Comparison:
    ids, left_out = side_by_side.akim_ids_asked(request.args.getlist("akim"))
    return side_by_side.comparison(ids, left_out)


def _without(ids: list[int], akim_id: int) -> str:
    return url_for("comparisons.compare", akim=[i for i in ids if i != akim_id])


@blueprint.route("/compare")
@public
def compare() -> str:
    found = _comparison()
    ids = found.akim_ids
    first = found.items[0].term.rural_district.district if found.items else None
    area: dict[str, Any] = {"district": first.kato4} if first else {}
    names = ", ".join(item.name for item in found.items)
    citation = Citation(_("Akims side by side: %(names)s", names=names), found.as_of,
                        public_url("comparisons.compare", akim=ids)) if ids else None
    return render_template(
        "comparisons/compare.html", comparison=found, without=lambda i: _without(ids, i),
        figure_text=side_by_side.figure_text, citation=citation,
        definition=lambda slug: url_for("web.how_we_count", _anchor=slug),
        add_url=url_for("comparisons.league_page", akim=ids, **area),
        pdf_url=url_for("comparisons.compare_pdf", akim=ids) if ids else None,
        page_url=public_url("comparisons.compare", akim=ids),
        max_akims=side_by_side.MAX_AKIMS, rule=COMPARISON_RULE)


@blueprint.route("/compare.pdf")
@require(Permission.EXPORTS_BULK)
def compare_pdf() -> Response:
    """The same comparison as a PDF in the dossier's style, for staff (rendered on demand:
    a few akims, well under a second)."""
    ids, left_out = side_by_side.akim_ids_asked(request.args.getlist("akim"))
    if not ids:
        abort(404)
    language = requested_language()
    with force_locale(language):
        document = documents.comparison_pdf(ids, left_out, language)
    if document is None:
        abort(404)
    response = Response(document.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{document.file_name}"'
    return response
