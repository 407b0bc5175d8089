"""One place that turns any vocabulary value (an enum member) into its translated label.

Each domain keeps a `LABELS` dict in its own `labels.py`; this module merges them.
"""

from __future__ import annotations

import enum
from typing import Any

from portal.accounts import labels as account_labels
from portal.akims import labels as akim_labels
from portal.budgets import labels as budget_labels
from portal.geo import labels as geo_labels
from portal.promises import labels as promise_labels
from portal.reports import labels as report_labels

_ALL: dict[enum.Enum, Any] = {**geo_labels.LABELS, **akim_labels.LABELS,
                              **report_labels.LABELS, **budget_labels.LABELS,
                              **account_labels.LABELS, **promise_labels.LABELS}


def label(value: enum.Enum | None) -> str:
    if value is None:
        return ""
    text = _ALL.get(value)
    return str(text) if text is not None else str(value.value).replace("_", " ")
