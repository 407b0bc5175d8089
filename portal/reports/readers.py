"""Set-based readers for pages, lists, the API and PDFs: one query for any number of terms.

Only reports a term owes are counted: those of serving terms, and those of ended terms that
fell due while the term was in office (see rule 4 in `portal.reports.policy`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal import figures
from portal.akims.models import Akim, Term, TermStatus
from portal.collation import by_name
from portal.extensions import db
from portal.geo.models import District, Region, RuralDistrict
from portal.reports.models import Report, ReportAttachment, ReportState, Timeliness
from portal.reports.timeliness import ReportSummary, classify
from portal.web.pagination import Page, paginate


def owed() -> ColumnElement[bool]:
    """The report falls due while its term is (or was) in office."""
    return or_(Term.ended_on.is_(None), Report.due_on <= Term.ended_on)


@dataclass(frozen=True)
class ReportLine:
    """One period of a term's record, without the text: enough for tables and badges."""

    id: int
    term_id: int
    period_start: date
    period_end: date
    due_on: date
    state: ReportState
    first_published_on: date | None
    days_late: int | None
    current_version: int
    timeliness: Timeliness
    synthetic: bool = False  # made by a seed (portal.modeling.Synthetic)
    # The day a version covering the whole period was published; None while only an interim
    # version (published before the period ended) or nothing is.
    covered_on: date | None = None

    @property
    def is_published(self) -> bool:
        return self.state == ReportState.PUBLISHED

    @property
    def amended(self) -> bool:
        return self.current_version > 1

    def days_overdue(self, today: date) -> int:
        return figures.days_overdue(self.due_on, today)


_LINE_COLUMNS = (Report.id, Report.term_id, Report.period_start, Report.period_end,
                 Report.due_on, Report.state, Report.first_published_on, Report.days_late,
                 Report.current_version, Report.synthetic, Report.covered_on)


def _line(row: Sequence[Any], today: date) -> ReportLine:
    (report_id, term_id, start, end, due_on, state, published_on, late_days, version,
     synthetic, covered_on) = row
    return ReportLine(report_id, term_id, start, end, due_on, ReportState(state), published_on,
                      late_days, version,
                      classify(due_on, covered_on, today, interim=published_on is not None),
                      bool(synthetic), covered_on)


def timelines_for_terms(term_ids: Iterable[int], today: date) -> dict[int, list[ReportLine]]:
    """Every owed report of each term, oldest period first. One query."""
    ids = sorted(set(term_ids))
    result: dict[int, list[ReportLine]] = {term_id: [] for term_id in ids}
    if not ids:
        return result
    statement = (
        select(*_LINE_COLUMNS)
        .join(Term, Term.id == Report.term_id)
        .where(Report.term_id.in_(ids), owed())
        .order_by(Report.term_id, Report.period_start)
    )
    for row in db.session.execute(statement):
        result[row[1]].append(_line(row, today))
    return result


def _summary_columns(today: date) -> tuple[Any, ...]:
    # Only a version covering the whole period discharges it: an interim report is still
    # owed (upcoming until its due date, missing after).
    published = Report.covered_on.is_not(None)
    open_ = Report.covered_on.is_(None)

    def count(condition: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return (
        count(and_(published, Report.days_late == 0)),
        count(and_(published, Report.days_late > 0)),
        count(and_(open_, Report.due_on < today)),
        count(and_(open_, Report.due_on >= today)),
        func.min(case((and_(open_, Report.due_on >= today), Report.due_on))),
    )


def summary_of(row: Sequence[Any]) -> ReportSummary:
    """A summary from the columns of `_summary_columns` (NULLs, a term without reports owed:
    zeros)."""
    on_time, late, missing, upcoming, next_due = (int(row[0] or 0), int(row[1] or 0),
                                                  int(row[2] or 0), int(row[3] or 0), row[4])
    return ReportSummary(due=on_time + late + missing, on_time=on_time, late=late,
                         missing=missing, upcoming=upcoming, next_due_on=next_due)


def summary_statement(ids: Sequence[int], today: date) -> Select[Any]:
    """Term id, then the columns of `summary_of`, grouped by term (`portal.figures` joins it
    with the other figures' statements into one query)."""
    return (
        select(Report.term_id, *_summary_columns(today))
        .join(Term, Term.id == Report.term_id)
        .where(Report.term_id.in_(ids), owed())
        .group_by(Report.term_id)
    )


def summaries_for_terms(term_ids: Iterable[int], today: date) -> dict[int, ReportSummary]:
    """Report counts per term (due, on time, late, missing, upcoming, next due). One query."""
    ids = sorted(set(term_ids))
    result = {term_id: ReportSummary() for term_id in ids}
    if not ids:
        return result
    for row in db.session.execute(summary_statement(ids, today)):
        result[row[0]] = summary_of(row[1:])
    return result


def _area_statement(today: date) -> Select[Any]:
    return (
        select(*_summary_columns(today))
        .select_from(Report)
        .join(Term, Term.id == Report.term_id)
        .join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
        .join(District, District.id == RuralDistrict.district_id)
        .where(owed())
    )


def summaries_by_region(today: date) -> dict[int, ReportSummary]:
    """Region id → counts over every term of every rural district in it. One query."""
    statement = _area_statement(today).add_columns(District.region_id).group_by(
        District.region_id)
    return {row[-1]: summary_of(row[:-1]) for row in db.session.execute(statement)}


def summaries_by_district(region_id: int, today: date) -> dict[int, ReportSummary]:
    """District id → counts, for the districts of one region. One query."""
    statement = (
        _area_statement(today).add_columns(RuralDistrict.district_id)
        .where(District.region_id == region_id)
        .group_by(RuralDistrict.district_id)
    )
    return {row[-1]: summary_of(row[:-1]) for row in db.session.execute(statement)}


def summaries_by_rural_district(district_id: int, today: date) -> dict[int, ReportSummary]:
    """Rural district id → counts over all its terms, for one district. One query."""
    statement = (
        _area_statement(today).add_columns(Term.rural_district_id)
        .where(RuralDistrict.district_id == district_id)
        .group_by(Term.rural_district_id)
    )
    return {row[-1]: summary_of(row[:-1]) for row in db.session.execute(statement)}


@dataclass(frozen=True)
class OverdueRow:
    line: ReportLine
    term_serving: bool
    akim: Akim
    rural_district: RuralDistrict
    district: District


def late_and_missing(region: Region, today: date, per_page: int, status: str | None = None,
                     page: int | None = None) -> Page[OverdueRow]:
    """Reports of a region that are missing or were published late: missing first, then the
    most recent due dates. Two queries (a count and a page)."""
    missing = and_(Report.covered_on.is_(None), Report.due_on < today)
    late = and_(Report.covered_on.is_not(None), Report.days_late > 0)
    condition = {"missing": missing, "late": late}.get(status or "", or_(missing, late))
    statement: Select = (
        select(*_LINE_COLUMNS, Term.status, Akim, RuralDistrict, District)
        .join(Term, Term.id == Report.term_id)
        .join(Akim, Akim.id == Term.akim_id)
        .join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
        .join(District, District.id == RuralDistrict.district_id)
        .where(District.region_id == region.id, owed(), condition)
        .order_by(Report.covered_on.is_not(None), Report.due_on.desc(),
                  RuralDistrict.kato, Report.id)
    )
    result = paginate(statement, per_page, page=page, scalars=False)
    items = [
        OverdueRow(_line(row[:11], today), row[11] == TermStatus.SERVING, row[12], row[13],
                   row[14])
        for row in result.items
    ]
    return Page(items=items, page=result.page, per_page=result.per_page, total=result.total)


def report_for_page(report_id: int) -> Report | None:
    """A report with its term, akim and place, versions (and authors) and files: 3 queries."""
    return db.session.scalar(
        select(Report)
        .options(
            joinedload(Report.term).joinedload(Term.akim),
            joinedload(Report.term).joinedload(Term.rural_district)
            .joinedload(RuralDistrict.district).joinedload(District.region),
            selectinload(Report.versions),
            selectinload(Report.attachments).joinedload(ReportAttachment.stored_file),
        )
        .where(Report.id == report_id)
    )


def report_for_edit(report_id: int) -> Report | None:
    """A report with what its editor checks and shows (term, place, files)."""
    return db.session.scalar(
        select(Report)
        .options(
            joinedload(Report.term).joinedload(Term.akim),
            joinedload(Report.term).joinedload(Term.rural_district),
            selectinload(Report.attachments).joinedload(ReportAttachment.stored_file),
        )
        .where(Report.id == report_id)
    )


def serving_term_of_akim(akim_id: int) -> Term | None:
    return db.session.scalar(
        select(Term)
        .options(joinedload(Term.rural_district), joinedload(Term.akim))
        .where(Term.akim_id == akim_id, Term.status == TermStatus.SERVING)
    )


def regions() -> list[Region]:
    return by_name(db.session.scalars(select(Region)))
