"""One breadcrumb pattern on the pages about an akim's term (issue 27): home → region →
district → rural district → akim → the page, on the report, changes, flag and petition pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient

from portal.extensions import db
from portal.reports import services
from tests.factories import ReportFactory
from tests.factories.recall import FlagFactory, PetitionFactory
from tests.factories.reports import FILLED


def _trail(html: str) -> list[str]:
    """Each crumb's link, or "here" for the page itself."""
    nav = html[html.index('class="breadcrumbs"'):]
    nav = nav[:nav.index("</nav>")]
    return [href or "here" for href in
            re.findall(r"<li>\s*<(?:a href=\"([^\"]*)\"|span aria-current=\"page\")>", nav)]


def test_every_term_page_starts_with_the_same_places_and_akim(client: FlaskClient) -> None:
    report = ReportFactory(published=True)
    services.amend(report, {**FILLED, "summary": "Corrected."}, "A figure was wrong.", "tests")
    term = report.term
    flag = FlagFactory(term=term, raised_at=datetime.now(UTC) - timedelta(days=11))
    petition = PetitionFactory(term=term)
    db.session.commit()
    rd = term.rural_district
    start = ["/", f"/regions/{rd.district.region.kato2}", f"/districts/{rd.district.kato4}",
             f"/rural-districts/{rd.kato}", f"/akims/{term.akim_id}"]
    pages = {f"/reports/{report.id}": 7, f"/reports/{report.id}/versions/2/changes": 8,
             f"/flags/{flag.id}": 6, f"/petitions/{petition.id}": 7}
    for url, length in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        trail = _trail(response.get_data(as_text=True))
        assert trail[:5] == start, (url, trail)
        assert len(trail) == length and trail[-1] == "here", (url, trail)
