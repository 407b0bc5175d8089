"""Citizen ratings and recall-trigger flags, as the API and the open data read them.

Both come from domains that are built in parallel (`portal.feedback`, `portal.recall`) and are
not on this branch yet. Every function here is a PLACEHOLDER with its final, set-based
signature (term or report ids in, a dict out) and returns "nothing yet": no rating
(`avg` None, `count` 0), no open flags, no flags. At merge each body becomes one call to the
owning domain's reader; no view, serializer, CSV or OpenAPI schema has to change.

Only public information may come through here: rating aggregates (never who rated), and flags
that have been published (never flags still waiting for review, which name an akim before
anyone checked them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

SCORES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Rating:
    """Residents' ratings of a term or a report: an average and a count, never who rated."""

    avg: Decimal | None = None  # two decimal places; None while nobody has rated
    count: int = 0
    distribution: dict[int, int] = field(default_factory=lambda: dict.fromkeys(SCORES, 0))


NO_RATING = Rating()


# --------------------------------------------------------------------------- ratings

def rating_summaries_for_terms(term_ids: Iterable[int]) -> dict[int, Rating]:
    """Each term's rating over its published reports. PLACEHOLDER: connect to
    `portal.feedback.readers.rating_summaries_for_terms(term_ids)` at merge."""
    del term_ids
    return {}


def ratings_for_reports(report_ids: Iterable[int]) -> dict[int, Rating]:
    """Each report's rating with its 1–5 distribution. PLACEHOLDER: connect to the feedback
    domain's per-report distribution reader at merge."""
    del report_ids
    return {}


# --------------------------------------------------------------------------- flags

def open_flag_counts_for_terms(term_ids: Iterable[int]) -> dict[int, int]:
    """How many published flags are open on each term. PLACEHOLDER: connect to
    `portal.recall.readers.open_flag_counts_for_terms(term_ids)` at merge."""
    del term_ids
    return {}


def flags_for_terms(term_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Each term's published flags, newest first, as `Flag` dicts of the OpenAPI document.
    PLACEHOLDER: connect to `portal.recall.readers.flags_for_terms(term_ids)` at merge."""
    del term_ids
    return {}


def published_flags(status: str, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """One page of published flags (`status`: "open", "closed" or "all") and the total.

    Each item is a `Flag` dict: id, akim_id, term_id, rural_district {kato, name}, rule {code,
    title}, severity, status, first_raised_on, last_confirmed_on, published_on, evidence,
    response, decision. PLACEHOLDER: connect to the recall domain's reader at merge (two
    queries: a count and a page)."""
    del status, offset, limit
    return [], 0


# --------------------------------------------------------------------------- open data

def open_data_tables() -> list[Any]:
    """Extra tables for the bulk download (`portal.opendata.tables.Table`): rating aggregates
    per report and per term, and published flags. PLACEHOLDER: empty until merge."""
    return []
