"""Readable, safe differences between two versions of a report.

Texts are compared word by word on their Markdown source (what the akim typed), every piece is
escaped first, and only then are insertions and deletions wrapped in <ins> and <del>: no text
from a report can open a tag of its own.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from portal.reports.models import CONTENT_FIELDS

# Words, runs of spaces, line breaks and single punctuation marks, so that a changed word
# does not mark its whole line as changed.
_TOKEN = re.compile(r"\n|[^\S\n]+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class FieldChange:
    field: str
    html: Markup  # the whole text with <ins>/<del> marks
    inserted: int  # words added
    deleted: int  # words removed


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def diff_html(before: str, after: str) -> tuple[Markup, int, int]:
    """The text `after` with what changed since `before` marked up; counts of words in/out."""
    old, new = tokens(before), tokens(after)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    pieces: list[str] = []
    inserted = deleted = 0
    for operation, a_start, a_end, b_start, b_end in matcher.get_opcodes():
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


def _word_count(pieces: list[str]) -> int:
    return sum(1 for piece in pieces if piece.strip())


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def compare(before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    """Changes field by field, in page order; unchanged fields are left out."""
    changes: list[FieldChange] = []
    for name in CONTENT_FIELDS:
        old, new = as_text(before.get(name)), as_text(after.get(name))
        if old == new:
            continue
        html, inserted, deleted = diff_html(old, new)
        changes.append(FieldChange(name, html, inserted, deleted))
    return changes
