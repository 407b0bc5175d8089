"""Journey 2, an akim: sign in, see what is due, write the overdue report with an
attachment, submit and publish it, reply to a resident's comment, post a promise update with
evidence. Through the UI only."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import Journey, sign_in
from tests.e2e.files import PDF, PNG, payload

pytestmark = pytest.mark.e2e

def test_akim_journey(open_journey: Any) -> None:
    j: Journey = open_journey()
    page, main = j.page, j.page.get_by_role("main")
    nav = page.get_by_role("navigation", name="Main")
    sign_in(j, "akim@demo.kz")
    j.step("signed in")

    j.click(nav.get_by_role("link", name="Dashboard"))
    expect(main.get_by_role("heading", level=1)).to_have_text("Your dashboard")
    overdue = main.get_by_role("alert")
    expect(overdue).to_contain_text("1 report is overdue")
    j.step("dashboard: what is due")

    report_link = overdue.get_by_role("link").first
    period = report_link.inner_text()
    j.click(report_link)
    expect(main.get_by_role("heading", level=1)).to_have_text(period)
    j.step("report editor")
    j.fill(main.get_by_label("Summary"), "The half-year in brief: water, roads and the club.")
    j.fill(main.get_by_label("Progress on promises"), "- **Water main**: 4 km of 6 km laid")
    j.fill(main.get_by_label("Budget execution"),
           "| Item | Plan | Spent |\n|---|---|---|\n| Roads | 2 798 | 2 742 |")
    j.fill(main.get_by_label("Date of the meeting with residents"), "2024-07-10")
    j.fill(main.get_by_label("Residents who attended"), "64")
    j.fill(main.get_by_label("Place of the meeting"), "Agybet village club")
    j.fill(main.get_by_label("Link to the online broadcast"), "https://example.org/meeting")
    j.fill(main.get_by_label("Questions raised and answers given"),
           "- **When is the water on?** In September.")
    j.fill(main.get_by_label("Plans for the next period"), "- repair the school roof")
    main.get_by_label("Attach files").set_input_files(
        files=[payload("meeting-minutes.pdf", "application/pdf", PDF)])
    j.click(main.get_by_role("button", name="Save draft"))
    expect(main.get_by_role("link", name="meeting-minutes.pdf")).to_be_visible()
    j.step("draft saved with an attachment")

    j.click(main.get_by_role("button", name="Save and submit"))
    j.step("submitted")
    j.click(main.get_by_role("link", name="Check and publish"))
    check = main.get_by_role("region", name="Check the report, then publish it")
    expect(check).to_contain_text("meeting-minutes.pdf")
    j.step("check before publishing")
    j.click(check.get_by_role("button", name="Publish the report"))
    expect(main.get_by_role("heading", level=1)).to_have_text(period)
    expect(main.get_by_text("Agybet village club")).to_be_visible()
    expect(main.get_by_role("region", name="Files").get_by_role(
        "link", name="meeting-minutes.pdf")).to_be_visible()
    j.step("published")

    j.click(nav.get_by_role("link", name="Dashboard"))
    waiting = main.get_by_role("region", name="Comments awaiting your reply")
    first = waiting.get_by_role("link").first
    anchor = (first.get_attribute("href") or "").split("#", 1)[1]
    j.click(first)
    comment = page.locator(f"[id='{anchor}']")
    j.click(comment.get_by_text("Reply officially"))
    reply = "Thank you: the water main reaches your street in September."
    j.fill(comment.get_by_role("textbox"), reply)
    j.step("writing an official reply")
    j.click(comment.get_by_role("button", name="Publish the official reply"))
    answered = page.locator(f"[id='{anchor}']")
    expect(answered.get_by_role("article").filter(has_text=reply)).to_contain_text(
        "Official reply")
    j.step("official reply published")

    j.click(nav.get_by_role("link", name="My programme"))
    update = main.get_by_role("link", name=re.compile(r"^Post an update on promise")).first
    j.click(update)
    expect(main.get_by_role("heading", level=1)).to_have_text("Post an update")
    title = main.get_by_role("paragraph").first.inner_text().split(". ", 1)[1]
    j.choose(main.get_by_role("radio", name="In progress", exact=True))
    j.fill(main.get_by_label("Progress, %"), "45")
    j.fill(main.get_by_label("What was done"), "The contractor laid 4 km of pipe.")
    j.fill(main.get_by_label("Evidence links"), "https://example.org/photos")
    main.get_by_label("Evidence files").set_input_files(
        files=[payload("site-photo.png", "image/png", PNG)])
    j.step("promise update form")
    j.click(main.get_by_role("button", name="Publish the update"))
    expect(main.get_by_role("heading", level=1)).to_have_text(title)
    expect(main.get_by_text("The contractor laid 4 km of pipe.").first).to_be_visible()
    expect(main.get_by_text("45%").first).to_be_visible()
    expect(main.get_by_role("link", name=re.compile("site-photo.png")).first).to_be_visible()
    j.step("promise update published")
    j.assert_accessible()
