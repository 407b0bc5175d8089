"""The signed-in user, the OpenAPI document and the human-readable API docs page."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
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
                           base_url=base_url,
                           rate_limit=rate_limit_text(current_app.config["RATELIMIT_API"]))


def rate_limit_text(value: str) -> str:
    """"300 per minute;5000 per hour" as a reader would say it, in the page's language."""
    from limits import parse_many

    parts = []
    for item in parse_many(value):
        unit = item.GRANULARITY.name
        count = format_decimal(item.amount)
        if item.multiples == 1 and unit in ("second", "minute", "hour", "day"):
            parts.append(_requests_per(unit, item.amount, count))
        else:
            parts.append(ngettext("%(count)s request every %(period)s",
                                  "%(count)s requests every %(period)s", item.amount,
                                  count=count, period=_period(unit, item.multiples)))
    return _(" and ").join(parts)


def _requests_per(unit: str, amount: int, count: str) -> str:
    if unit == "second":
        return ngettext("%(count)s request a second", "%(count)s requests a second", amount,
                        count=count)
    if unit == "hour":
        return ngettext("%(count)s request an hour", "%(count)s requests an hour", amount,
                        count=count)
    if unit == "day":
        return ngettext("%(count)s request a day", "%(count)s requests a day", amount,
                        count=count)
    return ngettext("%(count)s request a minute", "%(count)s requests a minute", amount,
                        count=count)


def _period(unit: str, multiples: int) -> str:
    if unit == "second":
        return ngettext("%(num)d second", "%(num)d seconds", multiples)
    if unit == "hour":
        return ngettext("%(num)d hour", "%(num)d hours", multiples)
    if unit == "day":
        return ngettext("%(num)d day", "%(num)d days", multiples)
    return ngettext("%(num)d minute", "%(num)d minutes", multiples)
