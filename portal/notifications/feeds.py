"""Atom feeds (RFC 4287) of what happened on the portal, per akim, place and nation.

Entries: report publications and corrections (report versions) and promise status changes and
verdicts, newest first, 50 at most. Built with the standard library's ElementTree: a feed is a
small, fixed document, and every text in it is escaped by the serializer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from portal.akims.models import Term
from portal.api.serialize import public_url
from portal.extensions import db
from portal.geo.models import District, RuralDistrict
from portal.labels import label
from portal.modeling import as_utc
from portal.promises.models import Promise, PromiseUpdate
from portal.reports.models import Report, ReportVersion

ATOM = "http://www.w3.org/2005/Atom"
LIMIT = 50


@dataclass(frozen=True)
class Scope:
    """Which terms a feed covers: a condition on Term (joined to its place)."""

    key: str  # part of the feed's id, stable: "akim:12", "region:47", "nation"
    title: str
    page: str  # the HTML page the feed belongs to
    feed: str  # the feed's own address (its "self" link)
    condition: Any  # a SQL condition over Term, RuralDistrict, District; None: everything


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    link: str
    updated: datetime
    summary: str


def _terms(scope: Scope) -> Select[Any]:
    query = (select(Term.id).join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
             .join(District, District.id == RuralDistrict.district_id))
    return query.where(scope.condition) if scope.condition is not None else query


def entries(scope: Scope) -> list[Entry]:
    """Two queries: the newest report versions and promise updates of the scope's terms."""
    terms = _terms(scope)
    versions = db.session.scalars(
        select(ReportVersion).join(Report, Report.id == ReportVersion.report_id)
        .options(joinedload(ReportVersion.report).joinedload(Report.term)
                 .joinedload(Term.akim))
        .where(Report.term_id.in_(terms))
        .order_by(ReportVersion.published_at.desc(), ReportVersion.id.desc()).limit(LIMIT))
    updates = db.session.scalars(
        select(PromiseUpdate).join(Promise, Promise.id == PromiseUpdate.promise_id)
        .options(joinedload(PromiseUpdate.promise).joinedload(Promise.term)
                 .joinedload(Term.akim))
        .where(Promise.term_id.in_(terms),
               PromiseUpdate.previous_status.is_distinct_from(PromiseUpdate.status))
        .order_by(PromiseUpdate.created_at.desc(), PromiseUpdate.id.desc()).limit(LIMIT))
    found: list[Entry] = []
    for version in versions:
        report = version.report
        title = (_("%(akim)s published a report for %(first)s – %(last)s",
                   akim=report.term.akim.name, first=report.period_start.isoformat(),
                   last=report.period_end.isoformat()) if version.number == 1 else
                 _("%(akim)s corrected a report (version %(number)d)",
                   akim=report.term.akim.name, number=version.number))
        found.append(Entry(f"report-version:{version.id}", title,
                           public_url("reports.show", report_id=report.id),
                           as_utc(version.published_at) or datetime.now(UTC),
                           version.reason or ""))
    for update in updates:
        promise = update.promise
        change = (f"{label(update.previous_status)} → {label(update.status)}"
                  if update.previous_status else label(update.status))
        found.append(Entry(f"promise-update:{update.id}",
                           f"{promise.term.akim.name}: {promise.title} ({change})",
                           public_url("promises.page", promise_id=promise.id),
                           as_utc(update.created_at) or datetime.now(UTC), update.note))
    found.sort(key=lambda entry: (entry.updated, entry.id), reverse=True)
    return found[:LIMIT]


def atom(scope: Scope) -> bytes:
    items = entries(scope)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def add(parent: ET.Element, name: str, text: str | None = None,
            **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attributes)
        if text is not None:
            element.text = text
        return element

    base = public_url("web.home").rstrip("/")
    add(feed, "id", f"{base}/feeds/{scope.key}")
    add(feed, "title", scope.title)
    add(feed, "link", href=scope.page, rel="alternate", type="text/html")
    add(feed, "link", href=scope.feed, rel="self", type="application/atom+xml")
    newest = items[0].updated if items else datetime(2020, 1, 1, tzinfo=UTC)
    add(feed, "updated", newest.isoformat())
    author = add(feed, "author")
    add(author, "name", _("Akim accountability portal"))
    for item in items:
        entry = add(feed, "entry")
        add(entry, "id", f"{base}/feeds/{item.id}")
        add(entry, "title", item.title)
        add(entry, "link", href=item.link, rel="alternate", type="text/html")
        add(entry, "updated", item.updated.isoformat())
        if item.summary:
            add(entry, "summary", item.summary[:1000], type="text")
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))

