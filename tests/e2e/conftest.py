"""Browser tests: Playwright drives Debian's Chromium against the portal served by
`scripts/serve.sh` on a fresh demo database (see server.py), whose mail goes to an SMTP server on
127.0.0.1 (`smtp`) that keeps what it receives.

Locally they skip when Chromium is absent; in CI (CI=true) that is a failure. Each step's
screenshot goes to a temporary folder, copied to test-artifacts/e2e/<test>/ when the test
fails; E2E_SCREENSHOTS=DIR keeps every screenshot under DIR/<test>/, and E2E_VIEWPORT=phone runs
every journey at 375 px wide.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.browsing import Journey
from tests.e2e.server import ROOT, ServedPortal, served_portal
from tests.mailworker import SmtpServer, smtp_server

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
ARTIFACTS = ROOT / "test-artifacts" / "e2e"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"e2e_report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _isolated() -> None:
    """The browser talks to the served app only: no in-process app, no rolled-back
    transaction (this replaces the suite's autouse fixture of the same name)."""


@pytest.fixture(scope="session")
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        message = (f"Chromium not found at {CHROMIUM}: browser tests skipped "
                   "(apt-get install chromium, or set E2E_CHROMIUM)")
        if IN_CI:
            pytest.fail(message + "; in CI they must run")
        pytest.skip(message)
    return CHROMIUM


# The SMTP server every mail of the served portal goes to (the worker sends it, as in
# production); a journey reads what arrived and follows its links.
@pytest.fixture(scope="package")
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


# The server lives as long as the e2e package's tests: it stops before the rest of the suite.
@pytest.fixture(scope="package")
def portal(chromium: str, smtp: SmtpServer,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedPortal]:
    with served_portal(tmp_path_factory.mktemp("e2e-instance"), smtp.port) as served:
        yield served


@pytest.fixture(scope="package")
def base_url(portal: ServedPortal) -> str:
    return portal.base_url


@pytest.fixture(scope="session")
def browser_type_launch_args(chromium: str) -> dict[str, Any]:
    return {"executable_path": chromium, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="package")
def browser_context_args(base_url: str) -> dict[str, Any]:
    # A Kazakh reader: the portal's default language until a journey picks English.
    return {"base_url": base_url, "viewport": DESKTOP, "locale": "kk-KZ",
            "accept_downloads": True, "timezone_id": "Asia/Almaty"}


def _screenshot_folder(request: pytest.FixtureRequest,
                       tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path | None]:
    name = request.node.name.replace("/", "_")
    kept = os.environ.get("E2E_SCREENSHOTS")
    if kept:
        folder = Path(kept).absolute() / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return folder, folder
    return tmp_path_factory.mktemp("shots"), None


def _failed(item: pytest.Item) -> bool:
    return any(getattr(getattr(item, f"e2e_report_{when}", None), "failed", False)
               for when in ("setup", "call"))


@pytest.fixture
def open_journey(browser: Browser, browser_context_args: dict[str, Any], portal: ServedPortal,
                 request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """`open_journey(viewport=PHONE)` → a Journey on a fresh browser context."""
    folder, kept = _screenshot_folder(request, tmp_path_factory)
    journeys: list[Journey] = []

    def start(viewport: dict[str, int] | None = None, keyboard: bool = False,
              language: str = "en", **extra: Any) -> Journey:
        # E2E_VIEWPORT=phone runs every journey at 375 px (for reviewing screenshots).
        viewport = viewport or (PHONE if os.environ.get("E2E_VIEWPORT") == "phone" else DESKTOP)
        context = browser.new_context(**{**browser_context_args, "viewport": viewport, **extra})
        context.set_default_timeout(10_000)
        page: Page = context.new_page()
        journey = Journey(page, folder, prefix=f"{len(journeys) + 1}-" if journeys else "",
                          keyboard=keyboard, language=language)
        journeys.append(journey)
        return journey

    yield start
    if _failed(request.node):
        for journey in journeys:
            journey.screenshot("failed-here")
        target = ARTIFACTS / request.node.name.replace("/", "_")
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(folder, target)
        shutil.copy(portal.log, target / "server.log")
        print(f"\nscreenshots of {request.node.name}: {target}")
    elif kept:
        print(f"\nscreenshots of {request.node.name}: {kept}")
    for journey in journeys:
        journey.page.context.close()
