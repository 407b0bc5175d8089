"""Where the citizen-feedback and recall-flag readers plug into the dossier.

The dossier has its rating and flag sections designed in (layout, headings, "no data" states).
Their data comes from the domains that own it, through the two functions below, and nowhere
else. While a domain is not installed the function returns None and the dossier says the
section is "not available"; once it is, the same layout fills in.

Expected readers (set-based, one query for any number of terms):
- `portal.feedback.readers.rating_summaries_for_terms(term_ids) -> {term_id: summary}`, each
  summary with `avg` (1–5, Decimal or None), `count` (int) and `distribution`
  (a mapping score → count, or five counts for scores 1..5) — the API's `rating` object.
- `portal.recall.readers.flags_for_terms(term_ids) -> {term_id: [flag, ...]}`, each flag
  with `rule` (its code), `rule_label` (text), `status` (`open` or a closed state),
  `raised_on` (date), `closed_on` (date or None), `evidence` (a list of short texts),
  `response` (the akim's answer, plain text or None) and `responded_on` (date or None).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

FEEDBACK_READERS = "portal.feedback.readers"
RECALL_READERS = "portal.recall.readers"
SCORES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class RatingSummary:
    """Residents' ratings of the term's reports: average, count, and count per score."""

    average: Decimal | None
    count: int
    distribution: tuple[int, int, int, int, int]  # scores 1..5

    @property
    def shares(self) -> list[tuple[int, int, Decimal | None]]:
        """(score, count, share of all ratings), highest score first."""
        return [(score, self.distribution[score - 1],
                 Decimal(self.distribution[score - 1]) / Decimal(self.count)
                 if self.count else None)
                for score in reversed(SCORES)]


@dataclass(frozen=True)
class FlagItem:
    """A recall-trigger flag: a civic accountability signal, never a legal decision."""

    rule: str
    rule_label: str
    status: str
    raised_on: date
    closed_on: date | None
    evidence: tuple[str, ...]
    response: str | None
    responded_on: date | None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


def _module(name: str) -> Any | None:
    """The reader module if its domain is installed. A domain that is present but broken
    raises: only absence means "not available"."""
    try:
        if importlib.util.find_spec(name) is None:
            return None
    except ModuleNotFoundError:  # the parent package itself is absent
        return None
    return importlib.import_module(name)


# --------------------------------------------------------------------- plug-in: ratings

def rating_summaries(term_ids: Iterable[int]) -> dict[int, RatingSummary] | None:
    """Each term's rating summary (terms without ratings get a zero summary); None when
    the feedback domain is not installed."""
    readers = _module(FEEDBACK_READERS)
    if readers is None:
        return None
    ids = list(term_ids)
    found = readers.rating_summaries_for_terms(ids)
    return {term_id: rating_from(found.get(term_id)) for term_id in ids}


def rating_from(summary: Any) -> RatingSummary:
    if summary is None:
        return RatingSummary(None, 0, (0, 0, 0, 0, 0))
    raw = getattr(summary, "distribution", None) or {}
    if isinstance(raw, Mapping):
        counts = tuple(int(raw.get(score, raw.get(str(score), 0)) or 0) for score in SCORES)
    else:
        counts = tuple(int(value or 0) for value in list(raw)[:5]) + (0,) * (5 - len(raw))
    average = getattr(summary, "avg", None)
    return RatingSummary(
        average=Decimal(str(average)).quantize(Decimal("0.01")) if average is not None else None,
        count=int(getattr(summary, "count", 0) or 0),
        distribution=counts,  # type: ignore[arg-type]
    )


# --------------------------------------------------------------------- plug-in: flags

def flags(term_ids: Iterable[int]) -> dict[int, tuple[FlagItem, ...]] | None:
    """Each term's flags, open first, then newest; None when the recall domain is absent."""
    readers = _module(RECALL_READERS)
    if readers is None:
        return None
    ids = list(term_ids)
    found = readers.flags_for_terms(ids)
    return {term_id: tuple(sorted((flag_from(item) for item in found.get(term_id, ())),
                                  key=lambda flag: (not flag.is_open, -flag.raised_on.toordinal())))
            for term_id in ids}


def flag_from(item: Any) -> FlagItem:
    evidence: Sequence[Any] = getattr(item, "evidence", None) or ()
    return FlagItem(
        rule=str(getattr(item, "rule", "")),
        rule_label=str(getattr(item, "rule_label", "") or getattr(item, "rule", "")),
        status=str(getattr(item, "status", "")),
        raised_on=item.raised_on,
        closed_on=getattr(item, "closed_on", None),
        evidence=tuple(str(entry) for entry in evidence),
        response=getattr(item, "response", None) or None,
        responded_on=getattr(item, "responded_on", None),
    )
