"""Home, search, "How we count" and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal import health
from portal.extensions import db
from portal.geo import services as geo
from portal.geo.models import Region
from portal.permissions import public
from portal.search.index import report_texts
from portal.textsearch import excerpt, highlight
from portal.web.safety import without_control_characters
from portal.web.search import KINDS
from portal.web.search import search as run_search

blueprint = Blueprint("web", __name__)


@blueprint.route("/")
@public
def home() -> str:
    return render_template(
        "web/home.html", nation=geo.national_counts(), regions=geo.regions_with_counts()
    )


@blueprint.route("/how-we-count")
@public
def how_we_count() -> str:
    """Every figure the portal shows, with its definition and denominator (portal.figures)."""
    from portal.figures.definitions import (
        COMPARISON_MINIMUMS,
        COMPARISON_RULE,
        FIGURES,
        GROUPS,
        NOT_SHOWN,
    )

    return render_template("web/how_we_count.html", figures=FIGURES, groups=GROUPS,
                           not_shown=NOT_SHOWN,
                           comparison_minimums=COMPARISON_MINIMUMS,
                           comparison_rule=COMPARISON_RULE)


@blueprint.route("/search")
@public
def search() -> str:
    query = without_control_characters(request.args.get("q", ""))
    results = run_search(query, kind=request.args.get("kind") or None,
                         region=request.args.get("region") or None)
    regions = db.session.scalars(select(Region).order_by(Region.kato2)).all()
    return render_template("web/search.html", results=results, mark=highlight,
                           excerpt=excerpt, report_texts=report_texts, kinds=KINDS,
                           regions=regions)


@blueprint.route("/ping")
@public
def ping() -> Response:
    """The cheapest answer the app can give (no database, no template): the ceiling that
    `make bench` measures every page against. It still passes every hook of the app."""
    return Response("ok", mimetype="text/plain")


@blueprint.route("/healthz")
@public
def healthz() -> tuple[Response, int]:
    """For monitors: the database, Redis, the storage and the job worker's heartbeat and
    backlog. 200 when all answer; 503 naming each failing part (docs/deployment.md)."""
    results = health.run()
    failing = [name for name, result in results.items() if not result.ok]
    response = jsonify(status="failing" if failing else "ok", failing=failing,
                       checks={name: result.as_json() for name, result in results.items()})
    response.headers["Cache-Control"] = "no-store"
    return response, 503 if failing else 200


@blueprint.route("/readyz")
@public
def readyz() -> Response:
    """For load balancers: this process is up and serving; no I/O. A shared dependency
    (database, Redis, storage) that fails would fail on every machine at once, and taking
    them all out of the balancer would turn error pages into no site: /healthz tells that."""
    response = Response("ready", mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response
