"""The rural phone: Debian's Chromium, driven by Playwright, on an emulated slow line (400 kbit/s
each way, 400 ms from request to first byte) with the CPU slowed four times, loads the home
page, an akim profile, a report page and the rating form (the report page of a signed-in
verified resident: a live page, never the page cache), each cold (empty browser cache) and
then again (repeat view, same browser). For each: bytes transferred (HTML, CSS, the rest),
first contentful paint and load time, the median of a few runs.

Chromium's emulation delays every request by the latency and caps throughput; it does not
add the TCP and TLS handshakes of a real first connection (about 2-3 more round trips on
HTTPS), so a real phone's first view is slower by about that much.
"""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

LATENCY_MS = 400
KILOBITS = 400
CPU_SLOWDOWN = 4
RUNS = 3  # cold and repeat views per page; the median is reported
CHROMIUM = os.environ.get("BENCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic", "--disable-features=HttpsUpgrades"]
PHONE: Any = {"width": 375, "height": 740}
# Budgets on the akim profile (issue 25); the other pages are reported beside it.
BUDGETED = "akim profile"


@dataclass(frozen=True)
class PhonePage:
    name: str
    path: str
    signed_in: bool = False


@dataclass
class View:
    """One load of one page: bytes by kind, first contentful paint and load, in ms."""

    html_bytes: int = 0
    css_bytes: int = 0
    other_bytes: int = 0
    fcp_ms: float = 0.0
    load_ms: float = 0.0

    @property
    def total_bytes(self) -> int:
        return self.html_bytes + self.css_bytes + self.other_bytes


@dataclass
class PhoneResult:
    cold: View
    repeat: View
    runs: int


@dataclass
class PhoneRun:
    pages: dict[str, PhoneResult] = field(default_factory=dict)
    error: str | None = None  # why the section could not run (no Chromium, ...)


def _median_view(views: list[View]) -> View:
    return View(
        html_bytes=int(statistics.median(view.html_bytes for view in views)),
        css_bytes=int(statistics.median(view.css_bytes for view in views)),
        other_bytes=int(statistics.median(view.other_bytes for view in views)),
        fcp_ms=statistics.median(view.fcp_ms for view in views),
        load_ms=statistics.median(view.load_ms for view in views))


def _throttled(context: Any, page: Any) -> Any:
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": False})
    session.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": LATENCY_MS,
        "downloadThroughput": KILOBITS * 1000 / 8, "uploadThroughput": KILOBITS * 1000 / 8})
    session.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return session


def _load(page: Any, session: Any, url: str) -> View:
    """Navigate and wait for the load event; bytes from the network events of this load."""
    kinds: dict[str, str] = {}
    received: dict[str, int] = {}

    def on_response(event: dict[str, Any]) -> None:
        kinds[event["requestId"]] = event.get("type", "Other")

    def on_finished(event: dict[str, Any]) -> None:
        received[event["requestId"]] = int(event.get("encodedDataLength", 0))

    session.on("Network.responseReceived", on_response)
    session.on("Network.loadingFinished", on_finished)
    try:
        page.goto(url, wait_until="load", timeout=60_000)
        # The paint entry is recorded shortly after load on a slowed CPU. (Polled from here:
        # wait_for_function evaluates a string, which the portal's CSP forbids.)
        deadline = time.monotonic() + 30
        while not page.evaluate(
                "() => performance.getEntriesByName('first-contentful-paint').length"):
            if time.monotonic() > deadline:
                raise RuntimeError(f"no first contentful paint on {url}")
            time.sleep(0.05)
        timing = page.evaluate("""() => {
            const navigation = performance.getEntriesByType('navigation')[0];
            const paint = performance.getEntriesByName('first-contentful-paint')[0];
            return {fcp: paint.startTime, load: navigation.loadEventEnd};
        }""")
    finally:
        session.remove_listener("Network.responseReceived", on_response)
        session.remove_listener("Network.loadingFinished", on_finished)
    view = View(fcp_ms=float(timing["fcp"]), load_ms=float(timing["load"]))
    for request_id, size in received.items():
        kind = kinds.get(request_id, "Other")
        if kind == "Document":
            view.html_bytes += size
        elif kind == "Stylesheet":
            view.css_bytes += size
        else:
            view.other_bytes += size
    return view


def _sign_in(browser: Any, base_url: str, email: str, password: str) -> Any:
    """Cookies of a signed-in session, from a context that is then thrown away (so its
    cache does not warm the measured one)."""
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    page.goto("/login?lang=en")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_load_state("load")
    if "/login" in page.url:
        raise RuntimeError(f"could not sign in as {email} for the rating form")
    state = context.storage_state()
    context.close()
    return state


def measure(base_url: str, pages: list[PhonePage], resident: tuple[str, str]) -> PhoneRun:
    from playwright.sync_api import sync_playwright

    run = PhoneRun()
    if not os.path.exists(CHROMIUM):
        run.error = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        return run
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        try:
            signed_in_state = _sign_in(browser, base_url, *resident)
            for phone_page in pages:
                colds: list[View] = []
                repeats: list[View] = []
                for _ in range(RUNS):
                    context = browser.new_context(
                        base_url=base_url, viewport=PHONE, is_mobile=True, has_touch=True,
                        device_scale_factor=2, locale="kk-KZ",
                        storage_state=signed_in_state if phone_page.signed_in else None)
                    page = context.new_page()
                    session = _throttled(context, page)
                    url = base_url + phone_page.path
                    colds.append(_load(page, session, url))
                    # Repeat view: the same address again, in the same browser (its cache
                    # warm), as a reader coming back to it.
                    page.goto("about:blank")
                    repeats.append(_load(page, session, url))
                    context.close()
                run.pages[phone_page.name] = PhoneResult(
                    _median_view(colds), _median_view(repeats), RUNS)
        finally:
            browser.close()
    return run


RESIDENT_EMAIL = "phone@bench.akim-portal.kz"
RESIDENT_PASSWORD = "bench-phone-2026"  # noqa: S105 - a bench account in the bench's database


def prepare(database_url: str) -> tuple[list[PhonePage], tuple[str, str]]:
    """The pages to load, and a verified resident who may rate the report (created in the
    bench database the first time, with a known password)."""
    from datetime import timedelta

    from sqlalchemy import select

    from bench import targets
    from portal import create_app
    from portal.accounts.models import Role, VerificationMethod
    from portal.accounts.passwords import hash_password
    from portal.accounts.services import create_user, find_by_email
    from portal.extensions import db
    from portal.feedback.ratings import is_open
    from portal.modeling import utcnow
    from portal.reports.models import Report, ReportState

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        akim_id = targets.spread_akims()[0]
        report = next(report for report in db.session.scalars(
            select(Report).where(Report.state == ReportState.PUBLISHED).order_by(Report.id))
            if is_open(report))
        rural_district = report.term.rural_district
        user = find_by_email(RESIDENT_EMAIL)
        if user is None:
            user = create_user(RESIDENT_EMAIL, RESIDENT_PASSWORD, [Role.CITIZEN], "bench",
                               display_name="Bench phone", rural_district=rural_district)
        user.password_hash = hash_password(RESIDENT_PASSWORD)
        user.rural_district_id = rural_district.id
        user.resident_verified_at = utcnow() - timedelta(days=30)
        user.verification_method = VerificationMethod.MODERATOR_REVIEW
        db.session.commit()
        report_id = report.id
        db.session.remove()
        db.engine.dispose()
    return [PhonePage("home", "/"), PhonePage("akim profile", f"/akims/{akim_id}"),
            PhonePage("report page", f"/reports/{report_id}"),
            PhonePage("rating form", f"/reports/{report_id}", signed_in=True)], \
        (RESIDENT_EMAIL, RESIDENT_PASSWORD)
