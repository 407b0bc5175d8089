"""Akims side by side (issue 22, item 3): the profile's figures, at most four akims, a fixed
number of queries, and the PDF for staff with the dossiers' fingerprints."""

from __future__ import annotations

import html as html_module
import io
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader

from portal.exports.services import prepare
from portal.figures.readers import figures_for_terms
from portal.web.templating import number, percent
from tests.comparisons.helpers import term_with_promises
from tests.factories import UserFactory

PAGE_BUDGET = 10
PROFILE_SLUGS = ("promises-due", "promises-kept", "promises-broken", "promises-overdue",
                 "promises-kept-early")


def _stat(html: str, figure: str) -> str | None:
    """A profile stat card's value (as the parity test reads it)."""
    found = re.search(r'<span class="stat-value">([^<]*)</span><span class="stat-label"><a '
                      rf'href="[^"]*#{figure}" data-figure="{figure}">', html)
    return html_module.unescape(found[1]) if found else None


def _cell(html: str, figure: str, akim_id: int) -> str:
    found = re.search(rf'data-figure="{figure}" data-akim="{akim_id}"><span '
                      r'class="figure-value">([^<]*)</span>', html)
    assert found, (figure, akim_id)
    return html_module.unescape(found[1])


def _url(*akim_ids: object) -> str:
    return "/compare?" + "&".join(f"akim={akim_id}" for akim_id in akim_ids)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_comparison_shows_what_the_profiles_show(client: FlaskClient,
                                                     language: str) -> None:
    terms = [term_with_promises(due=7, kept=3, broken=2), term_with_promises(due=2, kept=1)]
    page = client.get(_url(*(t.akim_id for t in terms)) + f"&lang={language}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    figures = figures_for_terms([t.id for t in terms])
    for term in terms:
        profile = client.get(f"/akims/{term.akim_id}?lang={language}").get_data(as_text=True)
        for slug in PROFILE_SLUGS:
            assert _cell(html, slug, term.akim_id) == _stat(profile, slug), (slug, language)
        with client.application.test_request_context(f"/?lang={language}"):
            share = percent(figures[term.id].promises.kept_share_of_due)
            due = number(figures[term.id].promises.due)
        assert _cell(html, "promises-kept-share", term.akim_id) == share
        assert _stat(profile, "promises-due") == due
    # Two of two due is too few to compare: greyed and said so, in the cell of that akim only.
    few = re.search(rf'<td class="num too-few" data-figure="promises-kept-share" '
                    rf'data-akim="{terms[1].akim_id}">', html)
    assert few is not None
    assert not re.search(rf'too-few" data-figure="promises-kept-share" '
                         rf'data-akim="{terms[0].akim_id}"', html)


def test_at_most_four_akims_each_once(client: FlaskClient) -> None:
    terms = [term_with_promises(due=1, kept=1) for _ in range(5)]
    ids = [t.akim_id for t in terms]
    html = client.get(_url(ids[0], ids[0], *ids[1:], 99999999, "x")).get_data(as_text=True)
    shown = [int(i) for i in re.findall(r'<th scope="col" class="num" data-akim="(\d+)"', html)]
    assert shown == ids[:4]
    assert "4 choices were left out" in html
    assert "Add akims from a league table" not in html  # four already
    empty = client.get("/compare").get_data(as_text=True)
    assert "Choose the akims to compare in a league table" in empty


def test_the_comparison_costs_the_same_queries_for_one_or_four(
        client: FlaskClient, count_queries: Any) -> None:
    terms = [term_with_promises(due=6, kept=2) for _ in range(4)]
    one_url, four_url = _url(terms[0].akim_id), _url(*(t.akim_id for t in terms))
    client.get(one_url)  # the site's first request reads what every later one has cached
    with count_queries() as one:
        assert client.get(one_url).status_code == 200
    with count_queries() as four:
        assert client.get(four_url).status_code == 200
    assert len(one) == len(four) <= PAGE_BUDGET, "\n".join(four)


def test_a_profile_and_a_table_lead_to_the_comparison(client: FlaskClient) -> None:
    term = term_with_promises(due=5, kept=2)
    profile = client.get(f"/akims/{term.akim_id}").get_data(as_text=True)
    assert f"/league?district=6136&amp;akim={term.akim_id}" in profile
    table = client.get(f"/league?district=6136&akim={term.akim_id}").get_data(as_text=True)
    assert f'value="{term.akim_id}" id="pick-{term.akim_id}"' in table
    assert re.search(rf'value="{term.akim_id}" id="pick-{term.akim_id}"[^>]* checked', table)


def test_staff_download_the_pdf_with_each_dossiers_fingerprint(client: FlaskClient,
                                                               login: Any) -> None:
    terms = [term_with_promises(due=7, kept=3), term_with_promises(due=6, kept=6)]
    url = _url(*(t.akim_id for t in terms)).replace("/compare?", "/compare.pdf?") + "&lang=en"
    assert client.get(url).status_code == 302  # sign in first
    login(UserFactory())
    assert client.get(url).status_code == 403
    login(UserFactory(staff=True))
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = re.sub(r"\s+", " ", "\n".join(page.extract_text() or "" for page in PdfReader(
        io.BytesIO(response.data)).pages)).replace("\u00a0", " ")
    assert "Akims side by side" in text
    for term in terms:
        item = prepare(term.akim_id, "en")
        assert item is not None
        assert item.short_fingerprint in text
        assert term.akim.full_name_latn in text
    assert "43%" in text and "100%" in text  # 3 of 7, 6 of 6
    base = client.application.config["PUBLIC_BASE_URL"]
    assert f"{base}/compare?akim={terms[0].akim_id}&akim={terms[1].akim_id}" in text
    page = client.get(_url(*(t.akim_id for t in terms))).get_data(as_text=True)
    assert "Download this comparison (PDF)" in page
