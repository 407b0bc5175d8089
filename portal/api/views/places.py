"""Regions, districts and rural district budgets."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.api import http, queries, serialize
from portal.api.views import blueprint
from portal.budgets.readers import rural_district_budget
from portal.geo import services as geo
from portal.permissions import public


def _area(row: Any, kato: str, extra: dict[str, Any]) -> dict[str, Any]:
    area = getattr(row, "region", None) or row.district
    return {"kato": kato, "kind": area.kind.value, "name": serialize.names(area),
            "rural_districts": row.counts.rural_districts,
            "serving_akims": row.counts.serving_akims, **extra}


@blueprint.route("/regions")
@public
def regions() -> Response:
    paging = http.paging()
    http.output_format()
    items = [_area(row, row.region.kato2, {"iso_code": row.region.iso_code})
             for row in geo.regions_with_counts()]
    return http.list_response(http.paginate_list(items, paging), paging, len(items),
                              "RegionList", "regions")


@blueprint.route("/regions/<kato>/districts")
@public
def region_districts(kato: str) -> Response:
    paging = http.paging()
    http.output_format()
    region = geo.region_by_kato(http.kato("kato", kato, 2) or "")
    if region is None:
        http.not_found(_("There is no region with this KATO code."))
    items = [_area(row, row.district.kato4, {}) for row in geo.districts_with_counts(region)]
    return http.list_response(http.paginate_list(items, paging), paging, len(items),
                              "DistrictList", f"districts-{kato}")


@blueprint.route("/rural-districts/<kato>/budget")
@public
def budget(kato: str) -> Response:
    """Without ?year= the latest year whose actuals are complete, as the budget page shows."""
    http.output_format(lists=False)
    wanted = http.year()
    rural_district = queries.rural_district_by_kato(http.kato("kato", kato, 9) or "")
    if rural_district is None:
        http.not_found(_("There is no rural district with this KATO code."))
    found = rural_district_budget(rural_district, wanted)
    if wanted is not None and found.year != wanted:
        http.not_found(_("No budget of this rural district is on record for %(year)d.",
                         year=wanted))
    if found.year is None:
        selection = "none"
    elif wanted is not None:
        selection = "requested"
    else:
        closed = any(item.year == found.year and item.closed for item in found.series)
        selection = "latest_closed" if closed else "latest"
    return http.json_body(serialize.budget(
        rural_district, found, selection, queries.category_names() if found.year else {},
        queries.function_names() if found.spending else {}))
