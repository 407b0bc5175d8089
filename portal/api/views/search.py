"""Search: the same results as the /search page, grouped by kind (issue 22)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.api import http, serialize
from portal.api.views import blueprint
from portal.permissions import public
from portal.search.index import report_texts
from portal.textsearch import excerpt
from portal.web.search import KINDS, MIN_QUERY_LENGTH, SearchResults, search

GROUPS = ("regions", "districts", "rural_districts", "villages", "akims", "promises", "reports",
          "questions")
GROUPS_OF_KIND = {"places": GROUPS[:4], "akims": ("akims",), "promises": ("promises",),
                  "reports": ("reports",), "questions": ("questions",)}


def _hit(url: str, *, id: int | None = None, kato: str | None = None,  # noqa: A002
         name: dict[str, str] | None = None, title: str | None = None,
         text: str | None = None, akim_id: int | None = None) -> dict[str, Any]:
    return {"id": id, "kato": kato, "name": name, "title": title, "excerpt": text,
            "akim_id": akim_id, "url": url}


def _plain(texts: list[str], query: str) -> str:
    return str(excerpt(texts, query).striptags())


def _groups(results: SearchResults) -> dict[str, tuple[int, list[dict[str, Any]]]]:
    query = results.query
    akims = results.akims
    return {
        "regions": (len(results.regions), [
            _hit(serialize.public_url("geo.region", kato2=r.kato2), kato=r.kato2,
                 name=serialize.names(r)) for r in results.regions]),
        "districts": (len(results.districts), [
            _hit(serialize.public_url("geo.district", kato4=d.kato4), kato=d.kato4,
                 name=serialize.names(d)) for d in results.districts]),
        "rural_districts": (len(results.rural_districts), [
            _hit(serialize.public_url("geo.rural_district", kato=u.kato), kato=u.kato,
                 name=serialize.names(u)) for u in results.rural_districts]),
        "villages": (len(results.settlements), [
            _hit(serialize.public_url("geo.rural_district", kato=s.rural_district.kato),
                 kato=s.kato, name=serialize.names(s)) for s in results.settlements]),
        "akims": (akims.total if akims else 0, [
            _hit(serialize.public_url("akims.profile", akim_id=a.id), id=a.id,
                 title=a.full_name, akim_id=a.id) for a in (akims.items if akims else [])]),
        "promises": (results.promises.total, [
            _hit(serialize.public_url("promises.page", promise_id=p.id), id=p.id,
                 title=p.title, text=_plain([p.description], query) or None,
                 akim_id=p.term.akim_id) for p in results.promises.items]),
        "reports": (results.reports.total, [
            _hit(serialize.public_url("reports.show", report_id=r.id), id=r.id,
                 title=f"{r.period_start.isoformat()}/{r.period_end.isoformat()}",
                 text=_plain(report_texts(v), query),
                 akim_id=r.term.akim_id)
            for r, v in results.reports.items]),
        "questions": (results.questions.total, [
            _hit(serialize.public_url("meetings.show", meeting_id=q.meeting_id)
                 + f"#question-{q.id}", id=q.id, title=q.question,
                 text=_plain([q.answer, q.evidence], query) or None,
                 akim_id=q.meeting.term.akim_id) for q in results.questions.items]),
    }


@blueprint.route("/search")
@public
def search_all() -> Response:
    query = http.text("q")
    if query is None or len(query) < MIN_QUERY_LENGTH:
        # MIN_QUERY_LENGTH is two: the message says so in words.
        http.invalid("q", _("%(name)s is too short: type at least two letters or digits.",
                            name="q"))
    kind = http.choice("kind", KINDS)
    region = http.kato("region", request.args.get("region"), 2)
    results = search(query, per_page=20, kind=kind, region=region)
    if region is not None and results.region is None:
        http.not_found(_("There is no region with this KATO code."))
    found = _groups(results)
    shown = GROUPS_OF_KIND[kind] if kind else GROUPS
    return http.json_body({
        "query": results.query, "kind": kind, "region": region,
        "groups": [{"kind": group, "total": found[group][0], "items": found[group][1]}
                   for group in shown],
    })
