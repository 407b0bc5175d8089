"""The URLs the load test rotates through, read from the national database being measured:
several akims, reports, regions and search terms, so no single cached page answers them all."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

AKIMS = 20
REPORTS = 20
REGIONS = ("61", "11", "55", "75")
SEARCHES = 6


@dataclass(frozen=True)
class Page:
    name: str
    paths: list[str]
    # Every request with a query parameter of its own (`bench=<random>`), so the anonymous
    # page cache never answers it: the view, its queries and its template every time.
    uncached: bool = False


def spread_akims() -> list[int]:
    """AKIMS serving akims spread evenly over the nation (by id)."""
    from sqlalchemy import select

    from portal.akims.models import Term, TermStatus
    from portal.extensions import db

    serving = list(db.session.scalars(select(Term.akim_id).where(
        Term.status == TermStatus.SERVING).order_by(Term.akim_id)))
    return serving[::max(len(serving) // AKIMS, 1)][:AKIMS]


def akim_ids(database_url: str) -> list[int]:
    from portal import create_app
    from portal.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        found = spread_akims()
        db.session.remove()
        db.engine.dispose()
    return found


def pages(database_url: str) -> list[Page]:
    """The ceiling first, then every page the issue names, in table order."""
    from sqlalchemy import select

    from portal import create_app
    from portal.akims.models import Akim
    from portal.extensions import db
    from portal.reports.models import Report, ReportState

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        akim_ids = spread_akims()
        reports = list(db.session.scalars(select(Report.id).where(
            Report.state == ReportState.PUBLISHED).order_by(Report.id)))
        report_ids = reports[::max(len(reports) // REPORTS, 1)][:REPORTS]
        names = list(db.session.scalars(select(Akim.full_name).where(
            Akim.id.in_(akim_ids[:SEARCHES]))))
        db.session.remove()
        db.engine.dispose()
    surnames = [name.split()[0] for name in names]
    return [
        Page("ceiling (GET /ping)", ["/ping"]),
        Page("home", ["/"]),
        Page("region page", [f"/regions/{kato2}" for kato2 in REGIONS]),
        Page("akim profile", [f"/akims/{akim_id}" for akim_id in akim_ids]),
        Page("report page", [f"/reports/{report_id}" for report_id in report_ids]),
        Page("akim search", [f"/search?q={quote(surname)}" for surname in surnames]),
        Page("GET /api/v1/akims", ["/api/v1/akims", "/api/v1/akims?page=2",
                                   "/api/v1/akims?page=3"]),
        Page("GET /api/v1/akims?per_page=200", [f"/api/v1/akims?per_page=200&page={page}"
                                                for page in (1, 2, 3, 4)]),
        # Issue 22: search and the national league table, never from the page cache.
        Page("search (uncached)", [f"/search?q={quote(surname)}" for surname in surnames]
             + [f"/search?q={quote(word)}" for word in ("Baidibek", "Туркестан")],
             uncached=True),
        Page("national league table (uncached)", [
            "/league?sort=missing", "/league?sort=kept", "/league?sort=rating&order=asc",
            "/league?sort=missing&page=2"], uncached=True),
        Page("GET /api/v1/league (uncached)", [
            "/api/v1/league?sort=missing&per_page=200", "/api/v1/league?region=61&sort=kept"],
            uncached=True),
    ]
