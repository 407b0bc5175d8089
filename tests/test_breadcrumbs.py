"""One breadcrumb pattern on the pages about an akim's term (issue 27): home → region →
district → rural district → akim → the page, on the report, changes, flag and petition pages."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from portal.extensions import db
from portal.reports import services
from tests.factories import ReportFactory, UserFactory
from tests.factories.meetings import MeetingFactory
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


def test_the_akims_own_pages_and_the_term_lists_follow_the_same_pattern(
        client: FlaskClient, login: Any) -> None:
    draft = ReportFactory()
    term = draft.term
    published = ReportFactory(term=term, published=True, period_start=date(2024, 1, 1),
                              period_end=date(2024, 6, 30), due_on=date(2024, 7, 31))
    meeting = MeetingFactory(term=term)
    db.session.commit()
    rd = term.rural_district
    start = ["/", f"/regions/{rd.district.region.kato2}", f"/districts/{rd.district.kato4}",
             f"/rural-districts/{rd.kato}", f"/akims/{term.akim_id}"]
    public = {f"/meetings/{meeting.id}": 6, f"/terms/{term.id}/petitions": 6}
    login(UserFactory.akim_for(term))
    own = {f"/reports/{draft.id}/edit": 7, f"/reports/{draft.id}/promises": 8,
           f"/reports/{published.id}/amend": 8, f"/terms/{term.id}/meetings/new": 6}
    for url, length in {**public, **own}.items():
        response = client.get(url)
        assert response.status_code == 200, url
        trail = _trail(response.get_data(as_text=True))
        assert trail[:5] == start, (url, trail)
        assert len(trail) == length and trail[-1] == "here", (url, trail)
