"""The schedule creates what is owed, once; readers count timeliness in one query."""

from __future__ import annotations

from datetime import date
from typing import Any

from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from portal.extensions import db
from portal.reports.models import Report, ReportState, Timeliness
from portal.reports.readers import (
    late_and_missing,
    summaries_by_district,
    summaries_by_region,
    summaries_for_terms,
    timelines_for_terms,
)
from portal.reports.scheduling import schedule_reports
from tests.factories import ReportFactory, TermFactory
from tests.factories.geo import a_district

TODAY = date(2026, 3, 1)


def _reports_of(term_id: int) -> list[tuple[date, date, date]]:
    return [tuple(row) for row in db.session.execute(  # type: ignore[misc]
        select(Report.period_start, Report.period_end, Report.due_on)
        .where(Report.term_id == term_id).order_by(Report.period_start))]


def test_schedule_creates_each_begun_period_of_serving_terms_once() -> None:
    serving = TermFactory(starts_on=date(2024, 2, 29), elected_on=date(2024, 2, 26),
                          ends_on=date(2028, 2, 28))
    ended = TermFactory(ended=True)
    first = schedule_reports(date(2025, 7, 1), actor="tests")
    assert _reports_of(serving.id) == [
        (date(2024, 2, 29), date(2024, 6, 30), date(2024, 7, 31)),
        (date(2024, 7, 1), date(2024, 12, 31), date(2025, 1, 31)),
        (date(2025, 1, 1), date(2025, 6, 30), date(2025, 7, 31)),
        (date(2025, 7, 1), date(2025, 12, 31), date(2026, 1, 31)),
    ]
    assert _reports_of(ended.id) == []
    assert first.created >= 4
    again = schedule_reports(date(2025, 7, 1), actor="tests")
    assert again.created == 0
    later = schedule_reports(date(2026, 1, 1), actor="tests")
    assert later.created >= 1 and len(_reports_of(serving.id)) == 5
    states = set(db.session.scalars(select(Report.state).where(Report.term_id == serving.id)))
    assert states == {ReportState.DRAFT}


def test_schedule_command(app: Flask) -> None:
    TermFactory()
    runner = app.test_cli_runner()
    result: Result = runner.invoke(args=["reports", "schedule", "--as-of", "2025-02-01"])
    assert result.exit_code == 0, result.output
    assert "reports created" in result.output
    assert db.session.scalar(select(func.count()).select_from(Report)) >= 3


def _record(term: Any) -> dict[str, Report]:
    """On time, late by 9 days, missing, upcoming, and a lapsed one nobody counts."""
    return {
        "on_time": ReportFactory(term=term, published=True, period_start=date(2024, 1, 1),
                                 period_end=date(2024, 6, 30), due_on=date(2024, 7, 31),
                                 first_published_on=date(2024, 7, 31)),
        "late": ReportFactory(term=term, published=True, period_start=date(2024, 7, 1),
                              period_end=date(2024, 12, 31), due_on=date(2025, 1, 31),
                              first_published_on=date(2025, 2, 9), days_late=9),
        "missing": ReportFactory(term=term, period_start=date(2025, 1, 1),
                                 period_end=date(2025, 6, 30), due_on=date(2025, 7, 31)),
        "upcoming": ReportFactory(term=term, filled=True, period_start=date(2025, 7, 1),
                                  period_end=date(2025, 12, 31), due_on=date(2026, 3, 1)),
    }


def test_summaries_count_timeliness_in_one_query(count_queries: Any) -> None:
    term = TermFactory()
    other = TermFactory()
    _record(term)
    ReportFactory(term=other, published=True, first_published_on=date(2025, 7, 1))
    ids = [term.id, other.id, 999_999]
    with count_queries() as queries:
        summaries = summaries_for_terms(ids, TODAY)
    assert len(queries) == 1
    mine = summaries[term.id]
    assert (mine.due, mine.on_time, mine.late, mine.missing, mine.upcoming) == (3, 1, 1, 1, 1)
    assert mine.next_due_on == date(2026, 3, 1)
    assert summaries[other.id].on_time == 1 and summaries[999_999].due == 0


def test_the_summary_counts_the_lines_the_table_shows() -> None:
    term = TermFactory()
    _record(term)
    lines = timelines_for_terms([term.id], TODAY)[term.id]
    assert [line.timeliness for line in lines] == [
        Timeliness.ON_TIME, Timeliness.LATE, Timeliness.MISSING, Timeliness.UPCOMING]
    summary = summaries_for_terms([term.id], TODAY)[term.id]
    assert (summary.due, summary.on_time, summary.late, summary.missing, summary.upcoming,
            summary.next_due_on) == (3, 1, 1, 1, 1, lines[3].due_on)


def test_interim_reports_are_owed_in_the_summary() -> None:
    # Published before their periods ended: one is past due (missing), one not yet (still
    # owed: upcoming), as the table beside the summary shows them.
    term = TermFactory()
    ReportFactory(term=term, published=True, period_start=date(2025, 1, 1),
                  period_end=date(2025, 6, 30), due_on=date(2025, 7, 31),
                  first_published_on=date(2025, 6, 20))
    ReportFactory(term=term, published=True, period_start=date(2025, 7, 1),
                  period_end=date(2026, 2, 28), due_on=date(2026, 3, 31),
                  first_published_on=date(2026, 2, 20))
    lines = timelines_for_terms([term.id], TODAY)[term.id]
    assert [line.timeliness for line in lines] == [Timeliness.MISSING, Timeliness.INTERIM]
    summary = summaries_for_terms([term.id], TODAY)[term.id]
    assert (summary.missing, summary.upcoming, summary.next_due_on) == (1, 1, date(2026, 3, 31))


def test_reports_due_after_an_early_end_are_not_counted() -> None:
    term = TermFactory(ended=True)  # ended 1 March 2023
    ReportFactory(term=term, published=True, period_start=date(2022, 1, 1),
                  period_end=date(2022, 6, 30), due_on=date(2022, 7, 31),
                  first_published_on=date(2022, 7, 20))
    ReportFactory(term=term, period_start=date(2023, 1, 1), period_end=date(2023, 6, 30),
                  due_on=date(2023, 7, 31))  # lapsed with the mandate
    summary = summaries_for_terms([term.id], TODAY)[term.id]
    assert (summary.due, summary.on_time, summary.missing) == (1, 1, 0)
    assert len(timelines_for_terms([term.id], TODAY)[term.id]) == 1


def test_roll_ups_by_region_and_district_and_the_late_list() -> None:
    term = TermFactory()
    record = _record(term)
    region_id = a_district().region_id
    region_summary = summaries_by_region(TODAY)[region_id]
    assert region_summary.missing >= 1 and region_summary.late >= 1
    district_summary = summaries_by_district(region_id, TODAY)[a_district().id]
    assert district_summary.on_time >= 1
    region = a_district().region
    page = late_and_missing(region, TODAY, per_page=50, page=1)
    ids = [row.line.id for row in page.items]
    assert ids.index(record["missing"].id) < ids.index(record["late"].id)  # missing first
    assert record["on_time"].id not in ids and record["upcoming"].id not in ids
    only_late = late_and_missing(region, TODAY, per_page=50, status="late", page=1)
    assert {row.line.timeliness for row in only_late.items} == {Timeliness.LATE}
