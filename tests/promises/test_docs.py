"""docs/promises.md shows the transition table the code enforces."""

from __future__ import annotations

import re
from pathlib import Path

from portal.promises.models import PromiseStatus
from portal.promises.rules import CLAIM_TRANSITIONS

DOC = Path(__file__).resolve().parents[2] / "docs" / "promises.md"
ROW = re.compile(r"^\| `(\w+)` \| (.+) \|$")


def test_the_documented_table_matches_the_rules() -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("### What the akim may claim next", 1)[1].split("###", 1)[0]
    documented = {}
    for line in section.splitlines():
        match = ROW.match(line.strip())
        if match:
            documented[PromiseStatus(match.group(1))] = tuple(
                PromiseStatus(value) for value in re.findall(r"`(\w+)`", match.group(2)))
    assert documented == CLAIM_TRANSITIONS
