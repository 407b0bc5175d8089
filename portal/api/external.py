"""Citizen ratings and recall-trigger flags, as the API and the open data read them.

Each function is one set-based call (ids in, a dict out) to the owning domain's reader
(`portal.feedback`, `portal.recall`), mapped to the shapes of the OpenAPI document.

Only public information may come through here: rating aggregates (never who rated), and flags
that have been published (never flags still waiting for review, which name an akim before
anyone checked them).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from portal import clock
from portal.akims.models import Term
from portal.extensions import db
from portal.feedback import readers as feedback_readers
from portal.feedback.tallies import NO_RATINGS, RatingSummary
from portal.geo.models import District, Region, RuralDistrict
from portal.labels import label
from portal.recall import readers as recall_readers

# Ratings are the feedback domain's own values (`portal.feedback.tallies.RatingSummary`:
# count, average, distribution, never who rated); the API reads them as they are.
NO_RATING = NO_RATINGS


# --------------------------------------------------------------------------- ratings

def ratings_for_reports(report_ids: Iterable[int]) -> dict[int, RatingSummary]:
    """Each report's rating with its 1–5 distribution."""
    return feedback_readers.rating_summaries_for_reports(report_ids)


# --------------------------------------------------------------------------- flags

def flags_for_terms(term_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Each term's published flags, live first, as `Flag` dicts of the OpenAPI document."""
    rows_by_term = recall_readers.flags_for_terms(term_ids, public_only=True)
    places = _term_places(rows_by_term)
    return {term_id: [_flag_json(row, places[term_id]) for row in rows]
            for term_id, rows in rows_by_term.items() if term_id in places}


def published_flags(status: str, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """One page of published flags (`status`: "open", "closed" or "all") and the total."""
    rows, total = recall_readers.published_flag_page(status, offset, limit)
    places = _term_places({row.term_id: [] for row in rows})
    return [_flag_json(row, places[row.term_id]) for row in rows], total


def _term_places(term_ids: Iterable[int]) -> dict[int, tuple[int, dict[str, Any], bool]]:
    """Akim id, rural district and the synthetic mark of each term: one query."""
    ids = sorted(set(term_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(Term.id, Term.akim_id, RuralDistrict.kato, RuralDistrict.name_kk,
               RuralDistrict.name_ru, RuralDistrict.name_en, District.kato4, Region.kato2,
               Term.synthetic)
        .join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
        .join(District, District.id == RuralDistrict.district_id)
        .join(Region, Region.id == District.region_id)
        .where(Term.id.in_(ids))
    )
    return {term_id: (akim_id, {"kato": kato, "name": {"kk": kk, "ru": ru, "en": en},
                                "district_kato": kato4, "region_kato": kato2}, bool(synthetic))
            for term_id, akim_id, kato, kk, ru, en, kato4, kato2, synthetic in rows}


def _flag_json(row: recall_readers.FlagRow,
               place: tuple[int, dict[str, Any], bool]) -> dict[str, Any]:
    """A flag is as fictional as the term it was raised on (it carries no mark of its own)."""
    akim_id, rural_district, synthetic = place
    return {
        "id": row.id,
        "akim_id": akim_id,
        "term_id": row.term_id,
        "rural_district": rural_district,
        "rule": {"code": row.rule.value, "title": label(row.rule)},
        "severity": row.severity.value,
        "status": row.status.value,
        "first_raised_on": row.first_raised_on.isoformat(),
        "last_confirmed_on": row.last_confirmed_on.isoformat(),
        "published_on": clock.local_date(row.public_from).isoformat(),
        "evidence": row.evidence,
        "response": row.response,
        "decision": row.decision_reason if row.decided_at is not None else None,
        "decided_by_role": row.decided_by_role,
        "synthetic": synthetic,
    }


# --------------------------------------------------------------------------- open data

def open_data_tables() -> list[Any]:
    """Extra tables for the bulk download (`portal.opendata.tables.Table`): rating aggregates
    per report and per term, and published flags."""
    from portal.opendata.tables.flags import FLAGS
    from portal.opendata.tables.ratings import RATINGS

    return [*RATINGS, *FLAGS]
