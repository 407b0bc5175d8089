"""The /api/v1 blueprint: read-only, public JSON (and CSV), one module per resource.

Every answer is a JSON error or data, never an HTML page; anonymous GETs go through the page
cache (ETag, Last-Modified, 304) like the pages do. Any origin may read (CORS for GET), and
each address has a generous request budget (`RATELIMIT_API`).
"""

from __future__ import annotations

from flask import Blueprint, current_app, request
from werkzeug.wrappers import Response

from portal.api.http import ApiError, error
from portal.extensions import csrf, limiter

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(blueprint)
blueprint.register_error_handler(ApiError, error)
limiter.shared_limit(lambda: current_app.config["RATELIMIT_API"], scope="api")(blueprint)

# Headers a script on another site may read, and those it may send on a GET.
EXPOSED_HEADERS = "ETag, Last-Modified, Link, X-Total-Count, Retry-After, X-RateLimit-Limit, " \
                  "X-RateLimit-Remaining, X-RateLimit-Reset"
ALLOWED_REQUEST_HEADERS = "Accept, Accept-Language, If-None-Match, If-Modified-Since"


@blueprint.after_request
def cross_origin(response: Response) -> Response:
    """Access-Control-Allow-Origin itself is set for all of /api/ in `portal.web.headers`."""
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if request.method == "OPTIONS":  # a preflight, e.g. for a GET with If-None-Match
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_REQUEST_HEADERS
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


from portal.api.views import akims, league, meetings, meta, places, reports, search  # noqa: E402, F401 - routes
