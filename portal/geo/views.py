"""Public pages of the map: region → district → rural district."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from portal.geo import services
from portal.meetings.models import Meeting
from portal.meetings.readers import upcoming_in_rural_district
from portal.modeling import utcnow
from portal.permissions import public

blueprint = Blueprint("geo", __name__)


@blueprint.route("/regions/")
@public
def regions() -> str:
    return render_template("geo/regions.html", regions=services.regions_with_counts(),
                           nation=services.national_counts())


@blueprint.route("/regions/<kato2>")
@public
def region(kato2: str) -> str:
    region = services.region_by_kato(kato2) if _is_code(kato2, 2) else None
    if region is None:
        abort(404)
    return render_template("geo/region.html", region=region,
                           districts=services.districts_with_counts(region))


@blueprint.route("/districts/<kato4>")
@public
def district(kato4: str) -> str:
    district = services.district_by_kato(kato4) if _is_code(kato4, 4) else None
    if district is None:
        abort(404)
    return render_template("geo/district.html", district=district,
                           rural_districts=services.rural_districts_of(district),
                           other_units=services.other_units_of(district))


@blueprint.route("/rural-districts/<kato>")
@public
def rural_district(kato: str) -> str:
    rural_district = services.rural_district_by_kato(kato) if _is_code(kato, 9) else None
    if rural_district is None:
        abort(404)
    upcoming = upcoming_in_rural_district(rural_district.id, utcnow())
    next_by_village: dict[int, Meeting] = {}
    for meeting in upcoming:
        next_by_village.setdefault(meeting.settlement_id, meeting)
    return render_template("geo/rural_district.html", rural_district=rural_district,
                           next_meeting=upcoming[0] if upcoming else None,
                           next_by_village=next_by_village)


def _is_code(value: str, length: int) -> bool:
    return value.isdigit() and len(value) == length
