"""Issue 22's journey, parliamentary staff: search a region, open its league table, sort it
by missing reports, compare the two akims with the most and download that comparison's PDF.
Through the UI only, with axe on every page."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.browsing import Journey, sign_in
from tests.e2e.test_staff_journey import saved_pdf

pytestmark = pytest.mark.e2e


def test_staff_compare_the_akims_most_behind(open_journey: Any, tmp_path: Path) -> None:
    j: Journey = open_journey()
    page, main = j.page, j.page.get_by_role("main")
    sign_in(j, "staff@demo.kz")

    j.fill(page.get_by_role("search").get_by_label("Search for an akim, village or KATO code"),
           "Туркестан")
    j.click(page.get_by_role("search").get_by_role("button", name="Search"))
    j.step("search for a region")
    j.click(main.get_by_role("link", name="Turkistan Region").first)
    expect(main.get_by_role("heading", level=1)).to_have_text("Turkistan Region")
    j.step("the region")

    j.click(main.get_by_role("link", name=re.compile("League table: every serving akim")))
    expect(main.get_by_role("heading", level=1)).to_have_text(
        "League table: Turkistan Region")
    j.step("the region's league table")

    main.get_by_label("Sort by").select_option(label="Missing reports")
    main.get_by_label("Order").select_option(label="Highest first (Z to A)")
    j.click(main.get_by_role("button", name="Sort", exact=True))
    table = main.get_by_role("region", name="Serving akims")
    expect(table.get_by_role("columnheader", name=re.compile("Missing reports"))).to_have_attribute(
        "aria-sort", "descending")
    missing = [int(text) for text in table.locator(
        '[data-column="missing"] .figure-value').all_inner_texts()]
    assert len(missing) >= 2 and missing == sorted(missing, reverse=True), missing
    j.step("sorted by missing reports")

    rows = table.get_by_role("row").filter(has=page.get_by_role("checkbox"))
    worst = [rows.nth(index).get_by_role("rowheader").get_by_role("link").first.inner_text()
             for index in (0, 1)]
    for name in worst:
        j.click(table.get_by_role("checkbox", name=f"Compare {name}"))
    j.click(main.get_by_role("button", name="Compare the chosen akims"))
    expect(main.get_by_role("heading", level=1)).to_have_text("Akims side by side")
    figures = main.get_by_role("table", name=re.compile("The figures, as the portal defines"))
    for name in worst:
        head = figures.get_by_role("columnheader", name=re.compile(re.escape(name)))
        expect(head).to_be_visible()
    citation = main.get_by_label(re.compile("Citation"))
    expect(citation).to_have_value(re.compile("/compare\\?akim="))
    j.click(main.get_by_role("button", name="Copy the citation"))
    expect(main.get_by_role("status").filter(has_text="Copied.")).to_be_visible()
    j.step("the two akims side by side")

    pdf_link = main.get_by_role("link", name="Download this comparison (PDF)")
    with page.expect_download(timeout=90_000) as download:
        j.click(pdf_link)
    data = saved_pdf(download.value, tmp_path)
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Akims side by side" in text
    for name in worst:
        assert name in text, name
    j.assert_accessible()
