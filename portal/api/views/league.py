"""League tables: the rows of the /league page, paginated (issue 22)."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.api import http
from portal.api.views import blueprint
from portal.comparisons import league as tables
from portal.exports.scope import Scope, ScopeLevel
from portal.geo import services as geo
from portal.geo.models import District, Region
from portal.permissions import public


def _area() -> tuple[Scope, Region | District | None]:
    district_code = http.kato("district", request.args.get("district"), 4)
    if district_code:
        district = geo.district_by_kato(district_code)
        if district is None:
            http.not_found(_("There is no district with this KATO code."))
        return Scope(ScopeLevel.DISTRICT, district.kato4), district
    region_code = http.kato("region", request.args.get("region"), 2)
    if region_code:
        region = geo.region_by_kato(region_code)
        if region is None:
            http.not_found(_("There is no region with this KATO code."))
        return Scope(ScopeLevel.REGION, region.kato2), region
    return Scope(ScopeLevel.NATION), None


@blueprint.route("/league")
@public
def league() -> Response:
    paging = http.paging()
    http.output_format()
    sort = http.choice("sort", tables.SORTS, tables.PLACE) or tables.PLACE
    order = http.choice("order", tables.ORDERS)
    scope, area = _area()
    table = tables.league(scope, area, sort, order)
    rows = http.paginate_list(table.rows, paging)
    return http.list_response([tables.item(row, table.as_of) for row in rows], paging,
                              len(table.rows), "LeagueList", "league")
