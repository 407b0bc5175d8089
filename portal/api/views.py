"""Read-only JSON endpoints. Errors come back as {"error": {"code", "message"}} with a 4xx."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify
from werkzeug.wrappers import Response

from portal.extensions import csrf
from portal.geo import services as geo
from portal.permissions import public

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(blueprint)


def _region_json(row: geo.RegionRow) -> dict[str, Any]:
    region = row.region
    return {
        "kato": region.kato2,
        "iso_code": region.iso_code,
        "kind": region.kind.value,
        "name": {"kk": region.name_kk, "ru": region.name_ru, "en": region.name_en},
        "rural_districts": row.counts.rural_districts,
        "serving_akims": row.counts.serving_akims,
    }


@blueprint.route("/regions")
@public
def regions() -> Response:
    items = [_region_json(row) for row in geo.regions_with_counts()]
    return jsonify(items=items, page=1, per_page=len(items), total=len(items))


@blueprint.route("/regions/<kato>/districts")
@public
def region_districts(kato: str) -> Response:
    region = geo.region_by_kato(kato) if kato.isdigit() and len(kato) == 2 else None
    if region is None:
        abort(404)
    items = [
        {
            "kato": row.district.kato4,
            "kind": row.district.kind.value,
            "name": {"kk": row.district.name_kk, "ru": row.district.name_ru,
                     "en": row.district.name_en},
            "rural_districts": row.counts.rural_districts,
            "serving_akims": row.counts.serving_akims,
        }
        for row in geo.districts_with_counts(region)
    ]
    return jsonify(items=items, page=1, per_page=len(items), total=len(items))
