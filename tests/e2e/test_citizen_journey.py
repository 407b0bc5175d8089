"""Journey 1, a resident: find the akim, read the latest report, sign in, rate it with a
comment, see the new average, confirm a promise, sign the petition. Through the UI only, at
desktop and phone width, with the keyboard only, and in Kazakh and Russian."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import PASSWORD, Journey
from tests.e2e.conftest import PHONE
from tests.e2e.server import EXTRA_RESIDENTS

pytestmark = pytest.mark.e2e

# The akim's surname as a reader of each language types it.
SURNAME = {"en": "Khasenov", "kk": "Хасенов", "ru": "Хасенов"}
# The akim claims progress on it; the programme is written in Kazakh, the village's language
# in the demo seed (portal/seed/languages.py).
PROMISE = "Ауылдық округте 1000 түп ағаш отырғызу"


def number(text: str, pattern: str) -> float:
    text = " ".join(text.split())
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not in {text!r}"
    return float(match.group(1).replace(",", "."))


def citizen_journey(j: Journey, email: str, comment: str) -> None:
    t, page = j.t, j.page
    main = page.get_by_role("main")

    j.go(f"/?lang={j.language}")
    j.step("home")
    j.fill(page.get_by_role("searchbox", name=t("Search for an akim, village or KATO code")),
           SURNAME[j.language])
    j.click(page.get_by_role("search").first.get_by_role("button", name=t("Search")))
    expect(main.get_by_role("heading", level=1)).to_have_text(t("Search"))
    j.step("search results")

    found = main.get_by_role("link", name=re.compile(SURNAME[j.language]))
    akim = found.inner_text()
    j.click(found)
    expect(main.get_by_role("heading", level=1)).to_have_text(akim)
    j.step("akim profile")

    reports = main.get_by_role("region", name=t("Reports to residents")).first
    latest = reports.get_by_role("table").get_by_role("link").first
    period = latest.inner_text()
    j.click(latest)
    expect(main.get_by_role("heading", level=1)).to_have_text(period)
    j.step("latest report")

    rating = main.get_by_role("region", name=t("Residents' rating"))
    invitation = t('<a href="%(url)s">Sign in</a> as a verified resident of %(place)s to '
                   'rate this report.')
    link_text = re.search(r">([^<]+)</a>", invitation)
    assert link_text, invitation
    j.click(rating.get_by_role("link", name=link_text[1]))
    j.step("sign in form")
    j.fill(main.get_by_label(t("Email")), email)
    j.fill(main.get_by_label(t("Password")), PASSWORD)
    j.click(main.get_by_role("button", name=t("Sign in")))
    expect(main.get_by_role("heading", level=1)).to_have_text(period)
    summary = rating.get_by_role("paragraph").first
    before = summary.inner_text()
    count_before = number(before, r"([0-9]+)\D*$")
    j.step("report, signed in")

    j.choose(rating.get_by_role("radio", name=f"1 — {t('Very poor')}"))
    j.fill(rating.get_by_label(t("Comment (optional)")), comment)
    j.click(rating.get_by_role("button", name=t("Send my rating")))
    expect(summary).not_to_have_text(before)
    after = summary.inner_text()
    assert number(after, r"([0-9]+)\D*$") == count_before + 1, (before, after)
    assert number(after, r"^\D*([0-9]+[.,][0-9]+)") < number(before, r"^\D*([0-9]+[.,][0-9]+)")
    expect(main.get_by_text(comment)).to_be_visible()
    j.step("rated, new average")

    j.click(main.get_by_role("link", name=akim).first)
    expect(main.get_by_role("heading", level=1)).to_have_text(akim)
    j.click(main.get_by_role("link", name=PROMISE))
    expect(main.get_by_role("heading", level=1)).to_have_text(PROMISE)
    done = main.get_by_role("region", name=t("Is it done?"))
    tally = done.get_by_role("paragraph").first
    confirms = number(tally.inner_text(), r"([0-9]+) " + re.escape(t("confirm")))
    j.step("promise")
    j.choose(done.get_by_role("radio", name=t("Yes, it is true")))
    j.click(done.get_by_role("button", name=t("Send my answer")))
    expect(tally).to_contain_text(f"{int(confirms) + 1} {t('confirm')}")
    j.step("promise confirmed")

    j.click(main.get_by_role("link", name=akim).first)
    opened = re.escape(t("Petition opened %(day)s")).replace(re.escape("%(day)s"), ".+")
    petition = main.get_by_role("link", name=re.compile(f"^{opened}$"))
    j.click(petition)
    signatures = main.get_by_role("region", name=t("Signatures"))
    before = signatures.inner_text()
    count_before = number(before, r"([0-9]+) ")
    j.step("petition")
    j.click(main.get_by_role("button", name=t("Sign the petition")))
    expect(signatures).to_contain_text(f"{int(count_before) + 1} ")
    j.step("petition signed")
    j.assert_accessible()


def test_citizen_desktop(open_journey: Any) -> None:
    citizen_journey(open_journey(), "citizen@demo.kz", "Desktop: the figures are unclear.")


def test_citizen_phone(open_journey: Any) -> None:
    citizen_journey(open_journey(viewport=PHONE, is_mobile=True, has_touch=True),
                    EXTRA_RESIDENTS[0], "Phone: where is the meeting video?")


def test_citizen_keyboard_only(open_journey: Any) -> None:
    citizen_journey(open_journey(keyboard=True), EXTRA_RESIDENTS[1],
                    "Keyboard: no budget table for roads.")


def test_citizen_in_russian(open_journey: Any) -> None:
    journey = open_journey(language="ru")
    citizen_journey(journey, EXTRA_RESIDENTS[3], "По-русски: непонятно, где видеозапись встречи.")
    # The petition page words its dates as a Russian official text does: "с 1 марта 2026 г.
    # по 30 апреля 2026 г.", one full stop after "г.", the akim of the district in the genitive.
    text = " ".join(journey.page.get_by_role("main").inner_text().split())
    assert "г.." not in text and " г." in text, text[:400]
    assert "аким (" not in text and "Аким: " not in text, text[:400]


def test_citizen_in_kazakh(open_journey: Any) -> None:
    citizen_journey(open_journey(language="kk"), EXTRA_RESIDENTS[2],
                    "Қазақша: есеп түсінікті емес.")
