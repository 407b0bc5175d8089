"""Registration with a wrong IIN: the form says what is wrong, beside the field."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from portal.accounts import iin as iin_numbers
from tests.e2e.browsing import Journey
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.e2e


def wrong_check_digit() -> str:
    right = iin_numbers.with_check_digit("90031540012")
    assert right is not None
    return right[:11] + str((int(right[11]) + 1) % 10)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_wrong_iin_is_explained(open_journey: Any, viewport: dict[str, int] | None) -> None:
    j: Journey = open_journey(**({"viewport": viewport} if viewport else {}))
    page, main = j.page, j.page.get_by_role("main")
    j.go("/?lang=en")
    j.click(page.get_by_role("navigation", name="Main").get_by_role("link", name="Register"))
    expect(main.get_by_role("heading", level=1)).to_have_text("Register as a resident")
    j.fill(main.get_by_label("Email"), f"newcomer-{'phone' if viewport else 'desk'}@example.org")
    j.fill(main.get_by_role("textbox", name="Password", exact=True), "three unrelated words")
    iin = main.get_by_label("IIN (individual identification number)")
    j.fill(iin, wrong_check_digit())
    j.fill(main.get_by_label("Rural district of residence"), "613633000")
    j.step("registration form")
    j.click(main.get_by_role("button", name="Create account"))
    message = "The check digit of this IIN is wrong. Please check the number."
    expect(main.get_by_text(message).first).to_be_visible()
    expect(iin).to_have_attribute("aria-invalid", "true")
    expect(iin).to_have_accessible_description(re.compile(re.escape(message)))
    expect(iin).to_have_value(wrong_check_digit())
    j.step("the IIN explained")
    j.assert_accessible()
