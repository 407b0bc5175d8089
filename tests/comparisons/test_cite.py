"""The "cite this" box (issue 22, item 4): a permanent address on PUBLIC_BASE_URL, the day of
the data as documents write it, in a read-only field that works without JavaScript."""

from __future__ import annotations

import html as html_module
import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from portal import clock
from portal.formats import formal_date
from tests.comparisons.helpers import term_with_promises
from tests.factories import PromiseFactory
from tests.feedback.helpers import published_report


def _citation(html: str) -> str:
    found = re.search(r'<textarea id="cite-text" class="cite-text" rows="3" readonly>(.*?)'
                      r"</textarea>", html, re.S)
    assert found, "no cite box"
    return html_module.unescape(found[1])


def _base(client: FlaskClient) -> str:
    return str(client.application.config["PUBLIC_BASE_URL"]).rstrip("/")


@pytest.mark.parametrize(("language", "words"), [
    ("en", "akim of"), ("ru", "аким"), ("kk", "әкімі")])
def test_an_akim_is_cited_with_the_day_and_address(client: FlaskClient, language: str,
                                                   words: str) -> None:
    term = term_with_promises(due=1, kept=1)
    html = client.get(f"/akims/{term.akim_id}?lang={language}").get_data(as_text=True)
    text = _citation(html)
    name = term.akim.full_name_latn if language == "en" else term.akim.full_name
    assert text.startswith(name) and words in text
    assert formal_date(clock.today(), language) in text
    assert f"{_base(client)}/akims/{term.akim_id}" in text
    assert 'data-copy-from="cite-text"' in html and "js/cite.js" in html


def test_a_report_is_cited_by_its_version_and_publication_day(client: FlaskClient) -> None:
    report = published_report(days_ago=12)
    text = _citation(client.get(f"/reports/{report.id}?lang=ru").get_data(as_text=True))
    assert f"{_base(client)}/reports/{report.id}/versions/1" in text
    published = clock.local_date(report.versions[-1].published_at)
    assert f"Опубликовано {formal_date(published, 'ru')}" in text
    assert "версия 1" in text


def test_a_promise_is_cited(client: FlaskClient) -> None:
    promise = PromiseFactory(title="Light the main street")
    text = _citation(client.get(f"/promises/{promise.id}").get_data(as_text=True))
    assert "“Light the main street”" in text
    assert f"{_base(client)}/promises/{promise.id}" in text


def test_a_comparison_is_cited_with_every_akim(client: FlaskClient, login: Any) -> None:
    terms = [term_with_promises(due=5, kept=2), term_with_promises(due=5, kept=3)]
    query = f"akim={terms[0].akim_id}&akim={terms[1].akim_id}"
    text = _citation(client.get(f"/compare?{query}").get_data(as_text=True))
    assert f"{_base(client)}/compare?{query}" in text
    for term in terms:
        assert term.akim.full_name_latn in text
