"""Kazakh, Russian and English: how the language is chosen, the switcher, and what a reader
sees in each language on the home page, an akim's profile and a report (words, dates, money).

Order of choice: ?lang= (also stored in a cookie), the cookie, the signed-in user's profile,
Accept-Language, then Kazakh.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.reports.models import Report, ReportState
from portal.reports.timeliness import local_today
from tests.exports.conftest import Record, build_record
from tests.factories import ReportFactory, TermFactory, UserFactory

NBSP, NNBSP = "\u00a0", "\u202f"


def html_lang(client: FlaskClient, url: str, **kwargs: Any) -> str:
    html = client.get(url, **kwargs).get_data(as_text=True)
    match = re.search(r'<html lang="(\w+)">', html)
    assert match, "no <html lang>"
    return match.group(1)


# --------------------------------------------------------------------------- choosing

def test_query_wins_and_is_remembered_in_a_cookie(client: FlaskClient) -> None:
    client.set_cookie("lang", "ru")
    response = client.get("/?lang=en")
    assert '<html lang="en">' in response.get_data(as_text=True)
    assert "lang=en" in response.headers["Set-Cookie"]
    assert html_lang(client, "/", headers={"Accept-Language": "ru"}) == "en"


def test_cookie_outranks_the_profile(client: FlaskClient, login: Any) -> None:
    login(UserFactory(locale="ru"))
    client.set_cookie("lang", "kk")
    assert html_lang(client, "/") == "kk"


def test_profile_outranks_accept_language(client: FlaskClient, login: Any) -> None:
    login(UserFactory(locale="ru"))
    assert html_lang(client, "/", headers={"Accept-Language": "en"}) == "ru"


def test_accept_language_then_kazakh(client: FlaskClient) -> None:
    assert html_lang(client, "/", headers={"Accept-Language": "ru-RU,ru;q=0.9"}) == "ru"
    assert html_lang(client, "/", headers={"Accept-Language": "de"}) == "kk"
    assert html_lang(client, "/?lang=de", headers={"Accept-Language": "de"}) == "kk"


def test_a_shared_link_with_lang_overrides_the_readers_own_choice(client: FlaskClient) -> None:
    term = TermFactory()
    client.set_cookie("lang", "en")
    assert html_lang(client, f"/akims/{term.akim_id}?lang=ru") == "ru"


@pytest.mark.parametrize("url", ["/", "/login", "/regions/", "/regions/61", "/no-such-page"])
def test_every_page_has_the_switcher(client: FlaskClient, url: str) -> None:
    html = client.get(url).get_data(as_text=True)
    switcher = html[html.index('class="lang-switch"'):]
    for code, name in (("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")):
        assert f'hreflang="{code}"' in switcher and name in switcher


def test_the_switcher_keeps_the_address(client: FlaskClient) -> None:
    html = client.get("/search?q=abc&page=2&lang=en").get_data(as_text=True)
    assert 'href="/search?q=abc&amp;page=2&amp;lang=kk"' in html
    assert 'href="/search?q=abc&amp;page=2&amp;lang=ru"' in html
    term = TermFactory()
    html = client.get(f"/akims/{term.akim_id}?status=kept&status=broken").get_data(as_text=True)
    assert f'href="/akims/{term.akim_id}?status=kept&amp;status=broken&amp;lang=ru"' in html
    missing = client.get("/no-such-page?x=1")
    assert missing.status_code == 404
    assert 'href="/no-such-page?x=1&amp;lang=ru"' in missing.get_data(as_text=True)


# --------------------------------------------------------------------------- what is shown

def published_report(record: Record) -> Report:
    report = db.session.scalar(select(Report).where(Report.term_id == record.term.id,
                                                    Report.state == ReportState.PUBLISHED)
                               .order_by(Report.period_start))
    assert report is not None
    return report


def pages(client: FlaskClient, language: str) -> dict[str, str]:
    record = build_record()
    report = published_report(record)
    return {name: client.get(f"{url}?lang={language}").get_data(as_text=True)
            for name, url in (("home", "/"), ("akim", f"/akims/{record.term.akim_id}"),
                              ("report", f"/reports/{report.id}"))}


WORDS = {
    "en": {"home": ["The nation at a glance", "Sign in"],
           "akim": ["Reports to residents", "Election promises"],
           "report": ["Report to residents", "Published"]},
    "kk": {"home": ["Ел бойынша қысқаша шолу", "Кіру"],
           "akim": ["Тұрғындар алдындағы есептер", "Сайлауалды уәделер"],
           "report": ["Тұрғындар алдындағы есеп", "Жарияланды"]},
    "ru": {"home": ["Обзор по стране", "Войти"],
           "akim": ["Отчёты перед жителями", "Предвыборные обещания"],
           "report": ["Опубликован"]},
}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_pages_speak_the_language(client: FlaskClient, language: str) -> None:
    for name, html in pages(client, language).items():
        assert f'<html lang="{language}">' in html
        for expected in WORDS[language][name]:
            assert expected in html, f"{name} page in {language}: {expected!r} missing"


def group(digits: str, language: str) -> str:
    """12000000 as the language groups it: 12,000,000 or 12 000 000 (no-break spaces)."""
    separator = "," if language == "en" else NBSP
    return f"{int(digits):,}".replace(",", separator)


def long_date(day: date, language: str) -> str:
    """The one date style of each language (portal.formats), spelled out here by hand."""
    kk_months = {7: "шілде", 6: "маусым"}
    ru_months = {7: "июля", 6: "июня"}
    en_months = {7: "July", 6: "June"}
    if language == "kk":
        return f"{day.year}{NNBSP}ж. {day.day} {kk_months[day.month]}"
    if language == "ru":
        return f"{day.day} {ru_months[day.month]} {day.year}{NNBSP}г."
    return f"{en_months[day.month]} {day.day}, {day.year}"


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_dates_and_money_follow_the_language(client: FlaskClient, language: str) -> None:
    shown = pages(client, language)
    # The term began on 7 June 2023; the budget has 12 000 000 ₸ of land tax in 2024.
    assert long_date(date(2023, 6, 7), language) in shown["akim"]
    assert f"{group('12000000', language)}{NBSP}₸" in shown["akim"]
    due = date(local_today().year - 2, 7, 31)
    assert long_date(due, language) in shown["report"]
    # the home page counts with the language's grouping: 5 432 residents
    assert group("5432", language) in shown["home"]


def test_times_are_shown_in_almaty(client: FlaskClient) -> None:
    """A version published at 20:30 UTC on 10 July is the 11th in Almaty (UTC+5)."""
    report = ReportFactory(published=True, period_start=date(2025, 1, 1),
                           first_published_at=datetime(2025, 7, 10, 20, 30, tzinfo=UTC),
                           first_published_on=date(2025, 7, 11))
    html = client.get(f"/reports/{report.id}?lang=en").get_data(as_text=True)
    assert "July 11, 2025" in html
    assert "July 10, 2025" not in html
