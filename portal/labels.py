"""One place that turns any vocabulary value (an enum member) into its translated label.

Each domain keeps a `LABELS` dict in its own `labels.py`; this module merges them, keyed by
(enum class, value): StrEnum members hash like their plain strings, so "open" of one enum and
"open" of another would otherwise overwrite each other.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any

from portal.accounts import labels as account_labels
from portal.akims import labels as akim_labels
from portal.budgets import labels as budget_labels
from portal.feedback import labels as feedback_labels
from portal.geo import labels as geo_labels
from portal.meetings import labels as meeting_labels
from portal.notifications import labels as notification_labels
from portal.promises import labels as promise_labels
from portal.recall import labels as recall_labels
from portal.reports import labels as report_labels


def _keyed(mappings: Iterable[Mapping[enum.Enum, Any]]) -> dict[tuple[type, str], Any]:
    merged: dict[tuple[type, str], Any] = {}
    for mapping in mappings:
        for member, text in mapping.items():
            merged[(type(member), str(member.value))] = text
    return merged


_ALL = _keyed((geo_labels.LABELS, geo_labels.UNIT_LABELS, akim_labels.LABELS,
               report_labels.LABELS, budget_labels.LABELS, account_labels.LABELS,
               *promise_labels.VOCABULARIES, recall_labels.LABELS, feedback_labels.LABELS,
               meeting_labels.LABELS, notification_labels.LABELS))


def label(value: enum.Enum | None) -> str:
    if value is None:
        return ""
    text = _ALL.get((type(value), str(value.value)))
    return str(text) if text is not None else str(value.value).replace("_", " ")
