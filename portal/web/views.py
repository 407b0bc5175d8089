"""Home, search and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from portal.extensions import db
from portal.geo import services as geo
from portal.permissions import public
from portal.storage import tasks as storage_tasks  # noqa: F401 - the worker must know them
from portal.web.search import search as run_search

blueprint = Blueprint("web", __name__)


@blueprint.route("/")
@public
def home() -> str:
    return render_template(
        "web/home.html", nation=geo.national_counts(), regions=geo.regions_with_counts()
    )


@blueprint.route("/search")
@public
def search() -> str:
    query = request.args.get("q", "")
    return render_template("web/search.html", results=run_search(query))


@blueprint.route("/ping")
@public
def ping() -> Response:
    """The cheapest answer the app can give (no database, no template): the ceiling that
    `make bench` measures every page against. It still passes every hook of the app."""
    return Response("ok", mimetype="text/plain")


@blueprint.route("/healthz")
@public
def healthz() -> tuple[Response, int]:
    """For load balancers and monitors: 200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200
