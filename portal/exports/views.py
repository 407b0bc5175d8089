"""The public dossier PDF of one akim."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, current_app, request, send_file
from flask_babel import get_locale

from portal.exports import services
from portal.extensions import limiter
from portal.permissions import public
from portal.richtext import plain_text_with_links

blueprint = Blueprint("exports", __name__)


@blueprint.record_once
def _register_filters(state: object) -> None:
    app: Flask = state.app  # type: ignore[attr-defined]
    # The same sanitising function other domains may register under this name.
    app.jinja_env.filters.setdefault("plain_text", plain_text_with_links)


# Per client address; 304 revalidations are not counted. `RATELIMIT_DOSSIER` overrides.
DEFAULT_DOSSIER_LIMIT = "20 per minute;300 per hour"


def _dossier_limit() -> str:
    return str(current_app.config.get("RATELIMIT_DOSSIER") or DEFAULT_DOSSIER_LIMIT)


def requested_language() -> str:
    """?lang= when valid, else the reader's language as the site chose it."""
    asked = request.args.get("lang")
    if asked in services.LANGUAGES:
        return asked
    locale = get_locale()
    return locale.language if locale is not None and locale.language in services.LANGUAGES \
        else str(current_app.config["BABEL_DEFAULT_LOCALE"])


@blueprint.route("/akims/<int:akim_id>/accountability.pdf")
@public
@limiter.limit(_dossier_limit, deduct_when=lambda response: response.status_code == 200)
def dossier(akim_id: int) -> Response:
    """Public, published data. Cheap to ask again: the data is read (a few queries) and
    fingerprinted; an unchanged dossier is a 304 or a cached file, never a new render."""
    language = requested_language()
    item = services.prepare(akim_id, language)
    if item is None:
        abort(404)
    if item.fingerprint in request.if_none_match:
        response = Response(status=304)
    else:
        path, _fresh = services.dossier_pdf(item)
        response = send_file(path, mimetype="application/pdf", conditional=False,
                             download_name=services.download_name(item), etag=False,
                             max_age=0)
    response.set_etag(item.fingerprint)
    # Revalidate every time: a changed record must show at once, an unchanged one costs a 304.
    response.headers["Cache-Control"] = "no-cache"
    if "lang" not in request.args:
        response.vary.update(("Accept-Language", "Cookie"))
    return response
