"""What a journey does on a page: act like a person (mouse, or keyboard only), take a
screenshot of each step and run axe-core on each page it sees."""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

ROOT = Path(__file__).resolve().parents[2]
BLOCKING_IMPACTS = ("serious", "critical")
MAX_TABS = 600
AXE = Axe()


def translator(language: str) -> Any:
    """`t(msgid)` in the journey's language (the compiled catalogue, as the app uses it)."""
    if language == "en":
        return lambda text: text
    catalogue = gettext.translation("messages", localedir=ROOT / "translations",
                                    languages=[language])
    return catalogue.gettext


@dataclass
class Violation:
    rule: str
    impact: str
    help: str
    url: str
    targets: list[str]

    def __str__(self) -> str:
        return f"[{self.impact}] {self.rule}: {self.help} on {self.url} at {self.targets[:3]}"


@dataclass
class Journey:
    page: Page
    folder: Path
    prefix: str = ""
    keyboard: bool = False
    language: str = "en"
    steps: int = 0
    violations: list[Violation] = field(default_factory=list)
    checked_pages: set[str] = field(default_factory=set)
    unfocusable: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.t = translator(self.language)

    # ------------------------------------------------------------------ record

    def screenshot(self, name: str) -> Path:
        self.steps += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        path = self.folder / f"{self.prefix}{self.steps:02d}-{slug}.png"
        try:
            self.page.screenshot(path=str(path), full_page=True, animations="disabled")
        except Exception as error:  # noqa: BLE001 - a failed page must not hide the failure
            path.with_suffix(".txt").write_text(f"no screenshot: {error}")
        return path

    def step(self, name: str) -> None:
        """A step a person would notice: a screenshot, and axe on the page as it is now."""
        self.page.wait_for_load_state("load")
        self.screenshot(name)
        self.audit(name)

    def audit(self, name: str) -> None:
        results = AXE.run(self.page).response
        url = self.page.url.split("://", 1)[-1].split("/", 1)[-1]
        for found in results["violations"]:
            if found.get("impact") not in BLOCKING_IMPACTS:
                continue
            key = f"{found['id']}@{re.sub(r'[0-9]+', 'N', url)}"
            if key in self.checked_pages:
                continue
            self.checked_pages.add(key)
            targets = [" ".join(map(str, node["target"])) for node in found["nodes"]]
            self.violations.append(Violation(found["id"], found["impact"], found["help"],
                                             f"/{url} ({name})", targets))

    def assert_accessible(self) -> None:
        problems = [str(violation) for violation in self.violations]
        problems += [f"no visible focus on {what}" for what in self.unfocusable]
        assert not problems, "accessibility problems:\n" + "\n".join(problems)

    # ------------------------------------------------------------------ act

    def go(self, path: str) -> None:
        self.page.goto(path)

    def click(self, target: Locator) -> None:
        if self.keyboard:
            self.tab_to(target)
            self.page.keyboard.press("Enter")
        else:
            target.click()

    def fill(self, target: Locator, text: str) -> None:
        if self.keyboard:
            self.tab_to(target)
            self.page.keyboard.press("Control+A")
            self.page.keyboard.type(text)
        else:
            target.fill(text)

    def choose(self, target: Locator) -> None:
        """Check a radio button or a checkbox."""
        if not self.keyboard:
            target.check()
            return
        kind = target.get_attribute("type")
        if kind == "checkbox":
            self.tab_to(target)
            self.page.keyboard.press("Space")
            return
        name = target.get_attribute("name")
        handle = target.element_handle()
        self._tab_until(
            "([radio, name]) => document.activeElement?.type === 'radio' && "
            "document.activeElement.name === name", [handle, name], str(target))
        for _ in range(12):
            if self.page.evaluate("radio => document.activeElement === radio", handle):
                break
            self.page.keyboard.press("ArrowDown")
        else:
            raise AssertionError(f"the arrow keys never reached {target}")
        if not target.is_checked():
            self.page.keyboard.press("Space")
        assert target.is_checked(), f"{target} is not checked"

    def tab_to(self, target: Locator) -> None:
        target.wait_for(state="attached")
        handle = target.element_handle()
        self._tab_until("([element]) => document.activeElement === element", [handle],
                        str(target))

    def _tab_until(self, condition: str, args: list[Any], what: str) -> None:
        for _ in range(MAX_TABS):
            self.page.keyboard.press("Tab")
            if self.page.evaluate(condition, args):
                self._check_focus_visible(what)
                return
        raise AssertionError(f"Tab never reached {what}")

    def _check_focus_visible(self, what: str) -> None:
        visible = self.page.evaluate("""() => {
            const element = document.activeElement;
            const style = getComputedStyle(element);
            const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
            return outline || (style.boxShadow && style.boxShadow !== 'none');
        }""")
        if not visible:
            self.unfocusable.append(what)


PASSWORD = "demo-pass-2026"  # every demo account's


def sign_in(j: Journey, email: str) -> None:
    """Sign in through the header link and the form, in English, as a demo account."""
    page, main = j.page, j.page.get_by_role("main")
    j.go("/?lang=en")
    j.click(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in"))
    j.fill(main.get_by_label("Email"), email)
    j.fill(main.get_by_label("Password"), PASSWORD)
    j.click(main.get_by_role("button", name="Sign in"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
