"""An akim writes a report on a phone (issue 27), in Kazakh and in Russian: the budget table
typed as rows, three files chosen in one save, "Save and preview" showing the page residents
will read, then submission and publication through the step that says what becomes public.
At 375 px, with axe-core on every step."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import PASSWORD, Journey
from tests.e2e.conftest import PHONE
from tests.e2e.files import PDF, PNG, payload

pytestmark = pytest.mark.e2e

BUDGET_ROWS = {
    "kk": "Бап; Жоспар; Орындалды\nЖолдар; 2 798; 2 742\nКөше жарығы\t1 200\t1 180",
    "ru": "Статья; План; Исполнено\nДороги; 2 798; 2 742\nУличное освещение\t1 200\t1 180",
}


def write_and_publish(j: Journey, email: str) -> None:
    t, page = j.t, j.page
    main = page.get_by_role("main")
    language = j.language
    j.go(f"/login?lang={language}")
    j.fill(main.get_by_label(t("Email")), email)
    j.fill(main.get_by_label(t("Password")), PASSWORD)
    j.click(main.get_by_role("button", name=t("Sign in")))
    j.go("/akim/dashboard")
    due_next = main.locator("h3", has_text=t("Due next")).locator("xpath=following-sibling::ul[1]")
    report_link = due_next.get_by_role("link").first
    period = report_link.inner_text()
    j.click(report_link)
    expect(main.get_by_role("heading", level=1)).to_have_text(period)
    j.step("editor")

    def field(label: str) -> Any:
        return main.get_by_label(t(label), exact=True)

    today = datetime.now(ZoneInfo("Asia/Almaty")).date()
    j.fill(field("Summary"), f"{period}: {t('Summary')} — 1.")
    j.fill(field("Progress on promises"), "- 4 / 6 km")
    j.fill(field("Budget execution"), t("Budget execution") + ".")
    j.fill(field("Budget table"), BUDGET_ROWS[language])
    j.fill(field("Date of the meeting with residents"), today.isoformat())
    j.fill(field("Residents who attended"), "57")
    j.fill(field("Place of the meeting"), f"{t('Place of the meeting')} 12")
    j.fill(field("Link to the online broadcast"), "https://example.org/meeting")
    j.fill(field("Questions raised and answers given"), "- ?\n- !")
    j.fill(field("Plans for the next period"), "- 2027")
    names = [f"minutes-{language}.pdf", f"hall-{language}.png", f"budget-{language}.pdf"]
    field("Attach files").set_input_files(files=[
        payload(names[0], "application/pdf", PDF), payload(names[1], "image/png", PNG),
        payload(names[2], "application/pdf", PDF)])
    j.step("editor filled, three files chosen")

    j.click(main.get_by_role("button", name=t("Save and preview")))
    expect(main.get_by_role("note").filter(has_text=t("Preview"))).to_be_visible()
    budget = main.get_by_role("region", name=t("Budget execution"))
    table = budget.get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_count(3)
    expect(table.get_by_role("row")).to_have_count(3)
    expect(table.get_by_role("cell", name="1 180")).to_be_visible()
    files = main.get_by_role("region", name=t("Files"))
    for name in names:
        expect(files.get_by_role("link", name=name)).to_be_attached()
    j.step("preview as residents will see it")

    j.click(main.get_by_role("link", name=t("Back to the editor")))
    expect(field("Budget table")).to_have_value(re.compile(r"1 200; 1 180$"))
    j.click(main.get_by_role("button", name=t("Save and submit")))
    j.step("submitted")
    j.click(main.get_by_role("link", name=t("Check and publish")))
    check = main.get_by_role("region", name=t("Check the report, then publish it"))
    expect(check).to_be_in_viewport()
    for name in names:
        expect(check).to_contain_text(name)
    expect(check).to_contain_text(t("A mistake is put right with a correction: a new version "
                                    "with your reason. Every earlier version and every reason "
                                    "stay visible to everyone."))
    j.step("check before publishing")
    j.click(check.get_by_role("button", name=t("Publish the report")))
    expect(main.get_by_role("heading", level=1)).to_have_text(period)
    expect(page.get_by_text(t("The report is published. Everyone can read it now."))
           ).to_be_visible()
    expect(main.get_by_role("region", name=t("Budget execution")).get_by_role("table")
           ).to_be_visible()
    j.step("published")
    j.assert_accessible()


def test_an_akim_publishes_from_a_phone_in_kazakh(open_journey: Any) -> None:
    write_and_publish(open_journey(viewport=PHONE, is_mobile=True, has_touch=True,
                                   language="kk"), "akim@demo.kz")


def test_an_akim_publishes_from_a_phone_in_russian(open_journey: Any) -> None:
    write_and_publish(open_journey(viewport=PHONE, is_mobile=True, has_touch=True,
                                   language="ru"), "akim2@demo.kz")
