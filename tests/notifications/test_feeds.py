"""Atom feeds per akim, place and nation: linked from the pages, well-formed, public, cached."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from flask.testing import FlaskClient

from portal.extensions import db
from portal.promises import transitions
from portal.promises.models import PromiseStatus
from portal.reports import services as reports
from tests.factories import PromiseFactory, ReportFactory
from tests.feedback.helpers import akim_account, serving_term

ATOM = "{http://www.w3.org/2005/Atom}"


def _entries(client: FlaskClient, url: str) -> list[tuple[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "application/atom+xml"
    assert "public" in response.headers["Cache-Control"]
    root = ET.fromstring(response.data)  # noqa: S314 - our own feed, from the test app
    assert root.tag == f"{ATOM}feed" and root.find(f"{ATOM}id") is not None
    # The feed names its own address, so a reader that found it on a page can subscribe.
    selves = [link.get("href") for link in root.findall(f"{ATOM}link")
              if link.get("rel") == "self"]
    assert len(selves) == 1 and str(selves[0]).endswith(url), (url, selves)
    return [(str(entry.findtext(f"{ATOM}title")),
             str(entry.find(f"{ATOM}link").get("href")))  # type: ignore[union-attr]
            for entry in root.iter(f"{ATOM}entry")]


def test_a_published_report_and_a_status_change_appear_in_every_feed_above_them(
        client: FlaskClient) -> None:
    term = serving_term()
    akim = akim_account(term)
    other = serving_term()
    report = ReportFactory(term=term, submitted=True, filled=True)
    reports.publish(report, akim)
    promise = PromiseFactory(term=term, title="New water pipe")
    transitions.post_claim(promise, akim, status=PromiseStatus.IN_PROGRESS, progress=10,
                           note="Started <b>today</b> & on time.")
    db.session.commit()
    place = term.rural_district
    urls = [f"/akims/{term.akim_id}/feed.atom", f"/rural-districts/{place.kato}/feed.atom",
            f"/districts/{place.district.kato4}/feed.atom",
            f"/regions/{place.district.region.kato2}/feed.atom", "/feed.atom"]
    for url in urls:
        entries = _entries(client, url)
        links = [link for _title, link in entries]
        assert any(link.endswith(f"/reports/{report.id}") for link in links), url
        assert any(link.endswith(f"/promises/{promise.id}") for link in links), url
        assert any("New water pipe" in title for title, _link in entries), url
    # Another akim's feed does not carry them.
    assert all(not link.endswith(f"/reports/{report.id}")
               for _title, link in _entries(client, f"/akims/{other.akim_id}/feed.atom"))
    # Each page names its feed for feed readers.
    page = client.get(f"/akims/{term.akim_id}").get_data(as_text=True)
    assert ('rel="alternate" type="application/atom+xml"' in page
            and f'href="/akims/{term.akim_id}/feed.atom"' in page)
    assert 'href="/feed.atom"' in client.get("/").get_data(as_text=True)


def test_feeds_of_unknown_places_are_not_found(client: FlaskClient) -> None:
    for url in ("/akims/999999/feed.atom", "/rural-districts/000000000/feed.atom",
                "/districts/0000/feed.atom", "/regions/00/feed.atom"):
        assert client.get(url).status_code == 404, url


def test_a_malformed_place_code_is_not_found_rather_than_a_server_error(
        client: FlaskClient) -> None:
    # A NUL reached PostgreSQL in the lookup (a 500); letters and codes of the wrong length
    # name no place either.
    for code in ("a%00b", "%00", "abc", "1" * 40):
        for url in (f"/rural-districts/{code}/feed.atom", f"/districts/{code}/feed.atom",
                    f"/regions/{code}/feed.atom", f"/rural-districts/{code}/meetings.ics",
                    f"/regions/{code}/meetings.ics", f"/regions/{code}/meetings"):
            assert client.get(url).status_code == 404, url
