"""The signed-in user, the OpenAPI document and the human-readable API docs page."""

from __future__ import annotations

from flask import current_app, render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.api import docs, http, openapi, serialize
from portal.api.views import blueprint
from portal.permissions import public, require_login


@blueprint.route("/me")
@require_login
def me() -> Response:
    """The user's own data; `Cache-Control: private, no-store` so no cache keeps it."""
    user = current_user
    rural_district = user.rural_district
    response = http.json_body({
        "email": user.email,
        "roles": sorted(role.value for role in user.roles),
        "akim_id": user.akim_id,
        "rural_district": serialize.place(rural_district) if rural_district else None,
        "resident_verified": user.is_verified_resident,
        "language": user.locale,
    })
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.route("/openapi.json")
@public
def openapi_document() -> Response:
    return http.json_body(openapi.document(current_app.config["PUBLIC_BASE_URL"]))


@blueprint.route("/docs")
@public
def api_docs() -> str:
    base_url = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    return render_template("api/docs.html", reference=docs.reference(base_url),
                           base_url=base_url, rate_limit=current_app.config["RATELIMIT_API"])
