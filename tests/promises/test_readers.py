"""Indicators: one grouped query per set of terms, the same counts in Python, and roll-ups of
serving terms to district, region and nation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from portal.geo.models import District
from portal.promises import readers
from portal.promises.models import BrokenReason, PromiseStatus
from tests.factories import PromiseFactory, RuralDistrictFactory, TermFactory
from tests.factories.geo import a_district

S = PromiseStatus
AS_OF = date(2025, 6, 1)


def _programme(term: Any) -> None:
    """Six promises: two due and open (overdue), one kept due, one kept early, one broken due,
    one withdrawn not due; one with a verdict that overrides the claim."""
    PromiseFactory(term=term, deadline=date(2025, 1, 1), claimed_status=S.IN_PROGRESS)
    PromiseFactory(term=term, deadline=date(2025, 5, 31), claimed_status=S.NOT_YET_RATED)
    PromiseFactory(term=term, deadline=date(2025, 6, 1), claimed_status=S.KEPT)  # due today
    PromiseFactory(term=term, deadline=date(2026, 1, 1), claimed_status=S.KEPT)
    PromiseFactory(term=term, deadline=date(2024, 1, 1), claimed_status=S.BROKEN,
                   claimed_broken_reason=BrokenReason.NO_FUNDING)
    PromiseFactory(term=term, deadline=date(2026, 1, 1), claimed_status=S.KEPT,
                   verified_status=S.PARTIALLY_KEPT)


def test_summaries_for_terms_in_one_query(count_queries: Any) -> None:
    first, second, empty = TermFactory(), TermFactory(), TermFactory()
    _programme(first)
    PromiseFactory(term=second, deadline=date(2025, 1, 1), claimed_status=S.WITHDRAWN)
    ids = [first.id, second.id, empty.id]
    with count_queries() as queries:
        summaries = readers.summaries_for_terms(ids, AS_OF)
    assert len(queries) == 1
    summary = summaries[first.id]
    assert (summary.total, summary.due, summary.overdue) == (6, 4, 2)
    assert (summary.kept, summary.kept_due, summary.broken) == (2, 1, 1)
    assert (summary.partially_kept, summary.verified) == (1, 1)  # the verdict counts
    assert summary.kept_share_of_due == Decimal(1) / Decimal(4)
    assert summaries[second.id].withdrawn == 1 and summaries[second.id].overdue == 0
    assert empty.id not in summaries


def test_the_summary_counts_the_rows_the_list_shows() -> None:
    term = TermFactory()
    _programme(term)
    rows = readers.promises_for_terms([term.id], AS_OF)[term.id]
    summary = readers.summaries_for_terms([term.id], AS_OF)[term.id]
    assert (summary.total, summary.due, summary.overdue) == (
        len(rows), sum(row.due for row in rows), sum(row.overdue for row in rows))
    assert (summary.kept_due, summary.broken_due) == (
        sum(row.due and row.status is PromiseStatus.KEPT for row in rows),
        sum(row.due and row.status is PromiseStatus.BROKEN for row in rows))
    assert [row.number for row in rows] == sorted(row.number for row in rows)
    as_json = rows[0].as_dict()
    assert as_json["deadline"] == "2025-01-01" and as_json["status"] == "in_progress"


def test_no_promise_is_due_means_no_share() -> None:
    term = TermFactory()
    PromiseFactory(term=term, deadline=date(2026, 1, 1))
    summary = readers.summaries_for_terms([term.id], AS_OF)[term.id]
    assert summary.due == 0 and summary.kept_share_of_due is None


def test_roll_ups_count_serving_terms_by_area() -> None:
    here = TermFactory()
    _programme(here)
    other_district = a_district("1156")  # Akmola region
    there = TermFactory(rural_district=RuralDistrictFactory(district=other_district,
                                                            kato="115633000"))
    PromiseFactory(term=there, deadline=date(2025, 1, 1), claimed_status=S.KEPT)
    ended = TermFactory(ended=True, rural_district=here.rural_district)
    PromiseFactory(term=ended, deadline=date(2022, 1, 1), claimed_status=S.BROKEN,
                   claimed_broken_reason=BrokenReason.OTHER)
    district: District = here.rural_district.district
    assert readers.area_summary("district", district.id, AS_OF).total == 6
    assert readers.area_summary("region", district.region_id, AS_OF).total == 6
    nation = readers.area_summary("nation", None, AS_OF)
    assert (nation.total, nation.kept, nation.terms) == (7, 3, 2)
    by_region = readers.area_breakdown("nation", None, AS_OF)
    assert by_region[other_district.region_id].kept_due == 1
    by_rd = readers.area_breakdown("district", district.id, AS_OF)
    assert by_rd[here.rural_district_id].broken == 1  # the ended term's broken one is not here
    assert readers.combine(by_region.values()) == nation
