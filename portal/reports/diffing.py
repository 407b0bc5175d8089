"""Readable, safe differences between two versions of a report, at a bounded cost.

Texts are compared word by word on their Markdown source (what the akim typed), every piece is
escaped first, and only then are insertions and deletions wrapped in <ins> and <del>: no text
from a report can open a tag of its own.

The comparison is ours, not difflib's: `SequenceMatcher` grows roughly cubically on text of few
distinct words ("a " * 1100 against "b " * 1100 took tens of seconds), and an akim can publish
such text. Here the cost is counted, not timed, so the same two texts always give the same
marks (the worker's stored result and a page's own computation agree):

1. a common beginning and end are equal as they stand (linear);
2. words found exactly once on each side, kept in the longest run in the same order, anchor the
   texts (patience diff, O(n log n)); the stretches between anchors are compared the same way;
3. a stretch with no such word is compared cell by cell (longest common subsequence) when it is
   small (MAX_TABLE cells);
4. every step is paid from one BUDGET of work per comparison; a stretch that is too large, or
   met when the budget is spent, is shown as removed and added whole. That is still true to
   the texts, only coarser, and it is what the pathological input gets.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from portal.reports.models import CONTENT_FIELDS

# Words, runs of spaces, line breaks and single punctuation marks, so that a changed word
# does not mark its whole line as changed.
_TOKEN = re.compile(r"\n|[^\S\n]+|\w+|[^\w\s]", re.UNICODE)

#: The largest stretch without anchors compared cell by cell (its table's cells).
MAX_TABLE = 40_000
#: Units of work one comparison (all fields of two versions) may spend: a token counted or a
#: table cell filled is one unit. About 0.3 s of one core at most, measured.
BUDGET = 1_500_000

#: ("equal" | "delete" | "insert" | "replace", a_start, a_end, b_start, b_end), as difflib's.
Opcode = tuple[str, int, int, int, int]


@dataclass(frozen=True)
class FieldChange:
    field: str
    html: Markup  # the whole text with <ins>/<del> marks
    inserted: int  # words added
    deleted: int  # words removed


class Budget:
    """Work left for one comparison, shared by its fields."""

    def __init__(self, units: int = BUDGET) -> None:
        self.left = units

    def spend(self, units: int) -> bool:
        """Take `units` if that many are left (True), else take nothing (False)."""
        if units > self.left:
            return False
        self.left -= units
        return True


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def opcodes(old: Sequence[str], new: Sequence[str], budget: Budget | None = None) -> list[Opcode]:
    """How to turn `old` into `new`: runs in order, covering both sequences, never two
    changes side by side (a removal and an addition between the same equal runs are one
    "replace")."""
    budget = budget or Budget()
    steps: list[Opcode] = []
    # A stack of work in reverse order: ("region", …) is still to compare; any other tag is
    # found. Explicit, so that no input can exhaust Python's recursion.
    stack: list[Opcode] = [("region", 0, len(old), 0, len(new))]
    while stack:
        item = stack.pop()
        if item[0] == "region":
            stack.extend(reversed(_split(old, new, item, budget)))
        else:
            steps.append(item)
    return _coalesce(steps)


def _split(old: Sequence[str], new: Sequence[str], region: Opcode,
           budget: Budget) -> list[Opcode]:
    """One region: its equal ends, then its middle as found runs or smaller regions."""
    _, a0, a1, b0, b1 = region
    head = 0
    while a0 + head < a1 and b0 + head < b1 and old[a0 + head] == new[b0 + head]:
        head += 1
    tail = 0
    while (a0 + head < a1 - tail and b0 + head < b1 - tail
           and old[a1 - tail - 1] == new[b1 - tail - 1]):
        tail += 1
    parts: list[Opcode] = []
    if head:
        parts.append(("equal", a0, a0 + head, b0, b0 + head))
    parts.extend(_middle(old, new, a0 + head, a1 - tail, b0 + head, b1 - tail, budget))
    if tail:
        parts.append(("equal", a1 - tail, a1, b1 - tail, b1))
    return parts


def _middle(old: Sequence[str], new: Sequence[str], a0: int, a1: int, b0: int, b1: int,
            budget: Budget) -> list[Opcode]:
    """A region whose first and last tokens differ."""
    if a0 == a1 and b0 == b1:
        return []
    if a0 == a1:
        return [("insert", a0, a1, b0, b1)]
    if b0 == b1:
        return [("delete", a0, a1, b0, b1)]
    whole = [("replace", a0, a1, b0, b1)]
    if not budget.spend((a1 - a0) + (b1 - b0)):
        return whole
    anchors = _anchors(old, new, a0, a1, b0, b1)
    if anchors:
        parts: list[Opcode] = []
        i, j = a0, b0
        for anchor_a, anchor_b in anchors:
            parts.append(("region", i, anchor_a, j, anchor_b))
            parts.append(("equal", anchor_a, anchor_a + 1, anchor_b, anchor_b + 1))
            i, j = anchor_a + 1, anchor_b + 1
        parts.append(("region", i, a1, j, b1))
        return parts
    cells = (a1 - a0) * (b1 - b0)
    if cells > MAX_TABLE or not budget.spend(cells):
        return whole
    return _table(old, new, a0, a1, b0, b1)


def _anchors(old: Sequence[str], new: Sequence[str], a0: int, a1: int, b0: int,
             b1: int) -> list[tuple[int, int]]:
    """Positions of tokens found once on each side, the longest run of them in order."""
    in_old = Counter(old[a0:a1])
    in_new = Counter(new[b0:b1])
    where_old = {token: i for i, token in enumerate(old[a0:a1], a0)
                 if in_old[token] == 1 and in_new[token] == 1}
    pairs = [(where_old[token], j) for j, token in enumerate(new[b0:b1], b0)
             if token in where_old]
    # Longest subsequence increasing in the old position (pairs are in new order):
    # patience sorting, remembering each pair's predecessor.
    piles: list[int] = []  # old position ending the best run of each length
    ends: list[int] = []  # index in `pairs` of that run's last pair
    before: list[int] = []
    for index, (i, _) in enumerate(pairs):
        length = bisect_left(piles, i)
        if length == len(piles):
            piles.append(i)
            ends.append(index)
        else:
            piles[length] = i
            ends[length] = index
        before.append(ends[length - 1] if length else -1)
    run: list[tuple[int, int]] = []
    index = ends[-1] if ends else -1
    while index >= 0:
        run.append(pairs[index])
        index = before[index]
    return run[::-1]


def _table(old: Sequence[str], new: Sequence[str], a0: int, a1: int, b0: int,
           b1: int) -> list[Opcode]:
    """Longest common subsequence of a small region, filled cell by cell."""
    rows, columns = a1 - a0, b1 - b0
    # longest[i][j]: the longest common subsequence of old[a0+i:a1] and new[b0+j:b1].
    longest = [[0] * (columns + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        row, below, token = longest[i], longest[i + 1], old[a0 + i]
        for j in range(columns - 1, -1, -1):
            if token == new[b0 + j]:
                row[j] = below[j + 1] + 1
            else:
                row[j] = below[j] if below[j] >= row[j + 1] else row[j + 1]
    steps: list[Opcode] = []
    i = j = 0
    while i < rows and j < columns:
        if old[a0 + i] == new[b0 + j]:
            steps.append(("equal", a0 + i, a0 + i + 1, b0 + j, b0 + j + 1))
            i, j = i + 1, j + 1
        elif longest[i + 1][j] >= longest[i][j + 1]:
            steps.append(("delete", a0 + i, a0 + i + 1, b0 + j, b0 + j))
            i += 1
        else:
            steps.append(("insert", a0 + i, a0 + i, b0 + j, b0 + j + 1))
            j += 1
    if i < rows:
        steps.append(("delete", a0 + i, a1, b0 + j, b0 + j))
    if j < columns:
        steps.append(("insert", a0 + i, a0 + i, b0 + j, b1))
    return steps


def _coalesce(steps: list[Opcode]) -> list[Opcode]:
    """Join neighbouring runs of the same kind, and changes between two equal runs."""
    joined: list[Opcode] = []
    for tag, a_start, a_end, b_start, b_end in steps:
        if a_start == a_end and b_start == b_end:
            continue
        if joined and (joined[-1][0] == "equal") == (tag == "equal"):
            _, a_start, _, b_start, _ = joined.pop()  # runs are contiguous: extend the last
        if tag != "equal":
            tag = _change_tag(a_start, a_end, b_start, b_end)
        joined.append((tag, a_start, a_end, b_start, b_end))
    return joined


def _change_tag(a_start: int, a_end: int, b_start: int, b_end: int) -> str:
    if a_start == a_end:
        return "insert"
    return "delete" if b_start == b_end else "replace"


def diff_html(before: str, after: str,
              budget: Budget | None = None) -> tuple[Markup, int, int]:
    """The text `after` with what changed since `before` marked up; counts of words in/out."""
    old, new = tokens(before), tokens(after)
    return render(old, new, opcodes(old, new, budget))


def render(old: Sequence[str], new: Sequence[str],
           steps: Sequence[Sequence[Any]]) -> tuple[Markup, int, int]:
    """Mark up `new` with the runs of `opcodes(old, new)`; counts of words in/out."""
    pieces: list[str] = []
    inserted = deleted = 0
    for operation, a_start, a_end, b_start, b_end in steps:
        removed = "".join(old[a_start:a_end])
        added = "".join(new[b_start:b_end])
        if operation == "equal":
            pieces.append(str(escape(added)))
            continue
        if removed:
            deleted += _word_count(old[a_start:a_end])
            pieces.append(f"<del>{escape(removed)}</del>")
        if added:
            inserted += _word_count(new[b_start:b_end])
            pieces.append(f"<ins>{escape(added)}</ins>")
    return Markup("".join(pieces)), inserted, deleted  # noqa: S704 - every piece escaped above


def fits(old: Sequence[str], new: Sequence[str], steps: Sequence[Sequence[Any]]) -> bool:
    """Whether stored runs describe these two token lists: contiguous, covering both, equal
    where they say so. A linear check, so a stored row can never mark the wrong words."""
    a_at = b_at = 0
    for step in steps:
        if len(step) != 5:
            return False
        tag, a_start, a_end, b_start, b_end = step
        if (a_start, b_start) != (a_at, b_at) or a_end < a_start or b_end < b_start:
            return False
        if tag == "equal" and old[a_start:a_end] != new[b_start:b_end]:
            return False
        if tag not in ("equal", "delete", "insert", "replace"):
            return False
        a_at, b_at = a_end, b_end
    return (a_at, b_at) == (len(old), len(new))


def _word_count(pieces: Sequence[str]) -> int:
    return sum(1 for piece in pieces if piece.strip())


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def texts(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, old text, new text) of the fields that differ, in page order."""
    pairs = [(name, as_text(before.get(name)), as_text(after.get(name)))
             for name in CONTENT_FIELDS]
    return [(name, old, new) for name, old, new in pairs if old != new]


def runs(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """The runs of every changed field, as stored (`ReportChanges.runs`). One budget for all
    the fields, so two versions cost at most BUDGET however their text is spread."""
    budget = Budget()
    return {name: [list(step) for step in opcodes(tokens(old), tokens(new), budget)]
            for name, old, new in texts(before, after)}


def compare(before: dict[str, Any], after: dict[str, Any],
            stored: dict[str, list[list[Any]]] | None = None) -> list[FieldChange]:
    """Changes field by field, in page order; unchanged fields are left out. The runs are
    taken from `stored` when they fit the texts, else computed (within the budget)."""
    budget = Budget()
    changes: list[FieldChange] = []
    for name, before_text, after_text in texts(before, after):
        old, new = tokens(before_text), tokens(after_text)
        steps = (stored or {}).get(name)
        if steps is None or not fits(old, new, steps):
            steps = [list(step) for step in opcodes(old, new, budget)]
        html, inserted, deleted = render(old, new, steps)
        changes.append(FieldChange(name, html, inserted, deleted))
    return changes
