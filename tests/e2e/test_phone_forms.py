"""The report page's forms on a phone (issue 27), in Kazakh and Russian: the in-page link to the
comments, an empty comment whose error summary is on screen and focused without scrolling,
the five scores as equal targets of at least 44 px, and the rating's confirmation on screen."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import PASSWORD, Journey
from tests.e2e.conftest import PHONE
from tests.e2e.server import EXTRA_RESIDENTS
from tests.e2e.test_citizen_journey import SURNAME

pytestmark = pytest.mark.e2e


def _latest_report(j: Journey) -> None:
    t, page = j.t, j.page
    main = page.get_by_role("main")
    j.go(f"/?lang={j.language}")
    j.fill(page.get_by_role("searchbox", name=t("Search for an akim, village or KATO code")),
           SURNAME[j.language])
    j.click(page.get_by_role("search").first.get_by_role("button", name=t("Search")))
    j.click(main.get_by_role("link", name=re.compile(SURNAME[j.language])))
    reports = main.get_by_role("region", name=t("Reports to residents")).first
    j.click(reports.get_by_role("table").get_by_role("link").first)


def forms_on_a_phone(j: Journey, email: str) -> None:
    t, page = j.t, j.page
    main = page.get_by_role("main")
    j.go(f"/login?lang={j.language}")
    j.fill(main.get_by_label(t("Email")), email)
    j.fill(main.get_by_label(t("Password")), PASSWORD)
    j.click(main.get_by_role("button", name=t("Sign in")))
    _latest_report(j)
    j.step("report")

    toc = main.get_by_role("navigation", name=t("Sections of the report"))
    j.click(toc.get_by_role("link", name=t("Comments")))
    comments = main.get_by_role("region", name=re.compile("^" + re.escape(t("Comments"))))
    j.click(comments.get_by_role("button", name=t("Publish my comment")))
    summary = comments.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()  # no scrolling: the reader sees the error at once
    j.step("empty comment")
    j.click(summary.get_by_role("link"))
    expect(comments.get_by_role("textbox")).to_be_focused()

    rating = main.get_by_role("region", name=t("Residents' rating"))
    choices = rating.locator(".score-choices li")
    expect(choices).to_have_count(5)
    boxes = [choices.nth(index).bounding_box() for index in range(5)]
    assert all(box is not None and box["height"] >= 44 for box in boxes), boxes
    assert len({round(box["width"]) for box in boxes if box}) == 1, boxes  # equal targets
    j.choose(rating.get_by_role("radio", name=f"4 — {t('Good')}"))
    j.click(rating.get_by_role("button", name=re.compile(
        f"^({re.escape(t('Send my rating'))}|{re.escape(t('Change my rating'))})$")))
    confirmation = rating.get_by_role("status")
    expect(confirmation).to_be_in_viewport()
    expect(confirmation).to_contain_text("4")
    j.step("rated")
    j.assert_accessible()


def test_forms_on_a_phone_in_kazakh(open_journey: Any) -> None:
    forms_on_a_phone(open_journey(viewport=PHONE, is_mobile=True, has_touch=True,
                                  language="kk"), EXTRA_RESIDENTS[4])


def test_forms_on_a_phone_in_russian(open_journey: Any) -> None:
    forms_on_a_phone(open_journey(viewport=PHONE, is_mobile=True, has_touch=True,
                                  language="ru"), EXTRA_RESIDENTS[5])
