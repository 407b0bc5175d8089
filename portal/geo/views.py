"""Public pages of the map: region → district → rural district."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select

from portal.collation import by_name
from portal.extensions import db
from portal.geo import finder, services
from portal.geo.models import DistrictKind, Region, RegionKind
from portal.meetings.models import Meeting
from portal.meetings.readers import upcoming_in_rural_district
from portal.modeling import utcnow
from portal.permissions import public
from portal.web.safety import without_control_characters

blueprint = Blueprint("geo", __name__)


@blueprint.route("/regions/")
@public
def regions() -> str:
    return render_template("geo/regions.html", regions=services.regions_with_counts(),
                           nation=services.national_counts())


@blueprint.route("/regions/<kato2>")
@public
def region(kato2: str) -> str:
    region = services.region_by_kato(kato2)
    if region is None:
        abort(404)
    return render_template("geo/region.html", region=region,
                           districts=services.districts_with_counts(region))


@blueprint.route("/districts/<kato4>")
@public
def district(kato4: str) -> str:
    district = services.district_by_kato(kato4)
    if district is None:
        abort(404)
    return render_template("geo/district.html", district=district,
                           rural_districts=services.rural_districts_of(district),
                           other_units=services.other_units_of(district))


@blueprint.route("/rural-districts/<kato>")
@public
def rural_district(kato: str) -> str:
    rural_district = services.rural_district_by_kato(kato)
    if rural_district is None:
        abort(404)
    upcoming = upcoming_in_rural_district(rural_district.id, utcnow())
    next_by_village: dict[int, Meeting] = {}
    for meeting in upcoming:
        next_by_village.setdefault(meeting.settlement_id, meeting)
    return render_template("geo/rural_district.html", rural_district=rural_district,
                           next_meeting=upcoming[0] if upcoming else None,
                           next_by_village=next_by_village)


@blueprint.route("/find")
@public
def find() -> str:
    """Find my akim: type a village or rural district, or pick region → district → unit."""
    query = " ".join(without_control_characters(request.args.get("q", "")).split())[:100]
    matches = finder.by_name(query) if query else []
    picked = finder.choose(*(request.args.get(key, "") for key in ("region", "district",
                                                                    "unit")))
    region, district, unit = picked.region, picked.district, picked.unit
    regions = by_name(db.session.scalars(
        select(Region).where(Region.kind == RegionKind.REGION)))
    districts = [d for d in region.districts if d.kind != DistrictKind.CITY_DISTRICT] \
        if region is not None else []
    units = finder.elected_units_of(district.id) if district is not None else []
    shown = {match.unit.id for match in matches} | {u.id for u in units}
    return render_template(
        "geo/find.html", query=query, matches=matches, regions=regions, region=region,
        districts=districts, district=district, units=units, unit=unit,
        villages=finder.villages_of(unit.id) if unit is not None else [],
        terms=finder.serving_terms(sorted(shown | ({unit.id} if unit else set()))))
