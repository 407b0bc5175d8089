"""Journey 4, follow and be told: a resident follows an akim, the akim publishes a report, the
served portal's own job worker sends the mail to the SMTP server on 127.0.0.1, and the
resident opens the report from the link in that mail; the mail's unsubscribe link then stops
the mail. Through the UI and the real mail path only (gunicorn, the Huey consumer, SMTP)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.browsing import sign_in, translator
from tests.e2e.server import FOLLOWED_AKIM
from tests.mailworker import Received, SmtpServer

pytestmark = pytest.mark.e2e

FOLLOWER = "follower@e2e.demo.kz"  # a verified resident of another akim's rural district
AKIM = FOLLOWED_AKIM  # an akim whose draft no other journey publishes
MAIL_SECONDS = 90.0  # the worker, on a machine shared with the other journeys


def mail_linking(smtp: SmtpServer, address: str, url: str) -> Received:
    """The first mail to `address` whose body links `url` (other journeys' mail may arrive
    for the same resident: they follow their own akim by default)."""
    def found() -> list[Received]:
        return [item for item in smtp.to(address) if url in item.body.split()]

    smtp.wait(lambda: bool(found()), MAIL_SECONDS, f"a mail to {address} linking {url}")
    return found()[0]


def test_follow_an_akim_and_open_the_report_from_the_mail(open_journey: Any, smtp: SmtpServer,
                                                          base_url: str) -> None:
    akim = open_journey()
    a_page, a_main = akim.page, akim.page.get_by_role("main")
    sign_in(akim, AKIM)
    akim.click(a_page.get_by_role("navigation", name="Main").get_by_role("link",
                                                                          name="Dashboard"))
    profile = a_main.get_by_role("link", name="Your public profile").get_attribute("href")
    assert profile and re.fullmatch(r"/akims/\d+", profile), profile
    draft = a_main.get_by_role("heading", name="Due next").locator(
        "xpath=following-sibling::ul[1]").get_by_role("link").first
    draft_url = draft.get_attribute("href")
    akim.step("akim's dashboard: a report being written")

    # The resident follows this akim (not theirs) with the button on the akim's page.
    resident = open_journey()
    r_page, r_main = resident.page, resident.page.get_by_role("main")
    sign_in(resident, FOLLOWER)
    resident.go(f"{profile}?lang=en")
    name = r_main.get_by_role("heading", level=1).inner_text()
    resident.click(r_main.get_by_role("button", name=f"Follow {name}"))
    expect(r_main.get_by_role("button", name=f"Stop following {name}")).to_have_text(
        "Following")
    expect(r_page.locator(".flashes")).to_contain_text(f"You follow {name}")
    resident.step("following the akim")

    # The akim writes and publishes the report.
    akim.go(f"{draft_url}?lang=en")
    today = datetime.now(ZoneInfo("Asia/Almaty")).date().isoformat()
    for label, text in (("Summary", "The half-year: the school roof and the bus stop."),
                        ("Progress on promises", "- **School roof**: repaired"),
                        ("Budget execution", "Spent as planned."),
                        ("Date of the meeting with residents", today),
                        ("Residents who attended", "31"),
                        ("Place of the meeting", "The school hall"),
                        ("Questions raised and answers given", "- **The bus?** From May."),
                        ("Plans for the next period", "- the bus stop")):
        akim.fill(a_main.get_by_label(label), text)
    akim.click(a_main.get_by_role("button", name="Save and submit"))
    akim.click(a_main.get_by_role("link", name="Check and publish"))
    check = a_main.get_by_role("region", name="Check the report, then publish it")
    akim.click(check.get_by_role("button", name="Publish the report"))
    expect(a_main.get_by_text("The school hall")).to_be_visible()
    report_url = a_page.url.split("?", 1)[0]
    assert re.fullmatch(rf"{re.escape(base_url)}/reports/\d+", report_url), report_url
    period = a_main.get_by_role("heading", level=1).inner_text()
    akim.step("report published")

    # The worker sends the mail; it links the report on the served portal.
    received = mail_linking(smtp, FOLLOWER, report_url)
    # In the resident's language (Kazakh, the default: they never chose one).
    assert received.message["Subject"] == translator("kk")("The akim published a report")
    assert not [item for item in smtp.to(AKIM) if report_url in item.body.split()], (
        "the akim was told of their own publication")
    unsubscribe = next(word for word in received.body.split() if "/unsubscribe/" in word)
    assert received.message["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The resident follows the link from the mail and lands on the report.
    resident.go(report_url)
    expect(r_main.get_by_role("heading", level=1)).to_have_text(period)
    assert r_page.url == report_url
    expect(r_main.get_by_text("The school hall")).to_be_visible()
    resident.step("the report, opened from the mail")

    # The unsubscribe link from the mail, opened in a browser with no session, in Kazakh (the
    # resident's mail language): one button, then the confirmation.
    reader = open_journey(language="kk")
    t = reader.t
    reader.go(unsubscribe)
    expect(reader.page.get_by_role("heading", level=1)).to_have_text(
        t("Stop emails from the portal"))
    reader.step("unsubscribe: asked first")
    reader.click(reader.page.get_by_role("main").get_by_role("button",
                                                              name=t("Stop all emails")))
    expect(reader.page.get_by_role("heading", level=1)).to_have_text(
        t("You will receive no more notifications from the portal by email"))
    assert reader.page.url == unsubscribe
    reader.step("unsubscribed")

    resident.go("/my/follows?lang=en")
    expect(r_main.get_by_label("Send me no email at all")).to_be_checked()
    resident.step("my follows: no email at all")
    for journey in (akim, resident, reader):
        journey.assert_accessible()
