"""Journey 3, parliamentary staff: sign in, open the flags dashboard, read a flag and the
akim's response, download one dossier PDF, start a region bundle, watch its progress and
download it. Through the UI only."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Download, expect

from tests.e2e.browsing import Journey, sign_in

pytestmark = pytest.mark.e2e

REGION = "Turkistan Region — whole region (6)"


def saved_pdf(download: Download, folder: Path) -> bytes:
    path = folder / download.suggested_filename
    download.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-"), f"{download.suggested_filename} is not a PDF"
    return data


def test_staff_journey(open_journey: Any, tmp_path: Path) -> None:
    j: Journey = open_journey()
    page, main = j.page, j.page.get_by_role("main")
    nav = page.get_by_role("navigation", name="Main")
    sign_in(j, "staff@demo.kz")
    j.step("signed in")

    j.click(nav.get_by_role("link", name="Recall flags"))
    expect(main.get_by_role("heading", level=1)).to_have_text("Recall-trigger flags")
    flags = main.get_by_role("table", name="Flags")
    responded = flags.get_by_role("row").filter(has_text="The akim responded").first
    akim = responded.get_by_role("link").first.inner_text()
    j.step("flags dashboard")

    j.click(responded.get_by_role("link").first)
    expect(main.get_by_role("heading", level=1)).to_contain_text("Rule")
    response = main.get_by_role("region", name="The akim's response")
    expect(response.locator("blockquote")).not_to_be_empty()
    j.step("a flag and the akim's response")

    j.click(main.get_by_role("article").get_by_role("link", name=akim).first)
    expect(main.get_by_role("heading", level=1)).to_have_text(akim)
    dossier = main.get_by_role("link", name="Download the dossier (PDF)")
    dossier.scroll_into_view_if_needed()
    j.step("akim profile with the dossier link")
    with page.expect_download(timeout=90_000) as download:
        j.click(dossier)
    saved_pdf(download.value, tmp_path)

    j.click(nav.get_by_role("link", name="Dossiers in bulk"))
    expect(main.get_by_role("heading", level=1)).to_have_text("Dossiers in bulk")
    main.get_by_label("Area").select_option(label=REGION)
    j.choose(main.get_by_role("radio", name="One PDF: summary table, then every dossier"))
    main.get_by_label("Language of the dossiers").select_option(label="English")
    j.step("bulk export form")
    j.click(main.get_by_role("button", name="Build the dossiers"))
    progress = main.get_by_role("region", name="Progress")
    expect(progress).to_be_visible()
    bar = progress.locator("progress")
    expect(bar).to_be_visible()
    j.step("bundle started")
    # The worker reports each dossier; the page polls and shows the count as it grows.
    expect(progress.get_by_role("status")).to_contain_text(
        re.compile(r"[0-9] of 6 dossiers"), timeout=120_000)
    j.step("bundle in progress")

    download_link = progress.get_by_role("link", name="Download")
    expect(download_link).to_be_visible(timeout=150_000)
    expect(progress.get_by_role("status")).to_contain_text("6 of 6 dossiers")
    expect(bar).to_have_attribute("value", "6")
    j.step("bundle ready")
    with page.expect_download(timeout=60_000) as download:
        j.click(download_link)
    bundle = saved_pdf(download.value, tmp_path)
    assert bundle.count(b"/Type /Page") > 6, "the bundle has fewer pages than dossiers"
    j.assert_accessible()
