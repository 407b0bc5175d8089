"""Set-based readers of meetings for pages, feeds and figures (one query each)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql.base import ExecutableOption

from portal.akims.models import Term
from portal.clock import local_date, zone
from portal.extensions import db
from portal.geo.models import District, Region, RuralDistrict
from portal.meetings.models import Meeting, MeetingQuestion, MeetingStatus, QuestionStatus


def _with_place() -> tuple[ExecutableOption, ...]:
    return (joinedload(Meeting.settlement),
            joinedload(Meeting.term).joinedload(Term.akim),
            joinedload(Meeting.term).joinedload(Term.rural_district)
            .joinedload(RuralDistrict.district))


def meeting_for_page(meeting_id: int) -> Meeting | None:
    """A meeting with its place, akim, questions and minutes: two queries."""
    return db.session.scalar(
        select(Meeting).options(*_with_place(), joinedload(Meeting.minutes_file),
                                selectinload(Meeting.questions))
        .where(Meeting.id == meeting_id))


def question_for_edit(meeting_id: int, question_id: int) -> MeetingQuestion | None:
    return db.session.scalar(
        select(MeetingQuestion)
        .options(joinedload(MeetingQuestion.meeting).joinedload(Meeting.term))
        .where(MeetingQuestion.id == question_id, MeetingQuestion.meeting_id == meeting_id))


def meetings_of_area(*, region: Region | None = None, rural_district: RuralDistrict | None = None,
                     since: datetime | None = None, limit: int = 1_000) -> list[Meeting]:
    """Meetings of a region or a rural district, newest first, with their place. One query."""
    statement = (select(Meeting).options(*_with_place())
                 .join(Term, Term.id == Meeting.term_id)
                 .join(RuralDistrict, RuralDistrict.id == Term.rural_district_id))
    if region is not None:
        statement = statement.join(District, District.id == RuralDistrict.district_id) \
            .where(District.region_id == region.id)
    if rural_district is not None:
        statement = statement.where(RuralDistrict.id == rural_district.id)
    if since is not None:
        statement = statement.where(Meeting.starts_at >= since)
    return list(db.session.scalars(
        statement.order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(limit)))


def meetings_of_period(term_id: int, first: date, last: date) -> list[Meeting]:
    """A term's held meetings from `first` to `last` (Almaty days): those a written report for
    that period accounts for. One query."""
    # Almaty days; the column type binds the bounds in UTC, as it stores the starts.
    start = datetime.combine(first, time.min, zone())
    end = datetime.combine(last + timedelta(days=1), time.min, zone())
    return list(db.session.scalars(
        select(Meeting).options(joinedload(Meeting.settlement))
        .where(Meeting.term_id == term_id, Meeting.status == MeetingStatus.HELD,
               Meeting.starts_at >= start, Meeting.starts_at < end)
        .order_by(Meeting.starts_at)))


@dataclass(frozen=True)
class OpenQuestions:
    """Questions raised at a term's meetings and still open; `overdue` are past due."""

    open: int = 0
    overdue: int = 0


def open_questions_statement(ids: Sequence[int], today: date) -> Select[Any]:
    """Term id, its open questions and those of them past due, grouped by term
    (`portal.figures` joins it with the other figures' statements into one query)."""
    overdue = and_(MeetingQuestion.due_on.is_not(None), MeetingQuestion.due_on < today)
    return (
        select(Meeting.term_id, func.count(MeetingQuestion.id),
               func.coalesce(func.sum(case((overdue, 1), else_=0)), 0))
        .join(Meeting, Meeting.id == MeetingQuestion.meeting_id)
        .where(Meeting.term_id.in_(ids), MeetingQuestion.status == QuestionStatus.OPEN)
        .group_by(Meeting.term_id))


def open_questions_of(values: Sequence[Any]) -> OpenQuestions:
    """From the columns of `open_questions_statement` after the term id (NULLs: none)."""
    return OpenQuestions(int(values[0] or 0), int(values[1] or 0))


def open_questions_for_terms(term_ids: Iterable[int], today: date) -> dict[int, OpenQuestions]:
    """The figure "questions raised at meetings and still open", per term. One query."""
    ids = sorted(set(term_ids))
    result = {term_id: OpenQuestions() for term_id in ids}
    if ids:
        for term_id, *values in db.session.execute(open_questions_statement(ids, today)):
            result[term_id] = open_questions_of(values)
    return result


def upcoming_in_rural_district(rural_district_id: int, now: datetime) -> list[Meeting]:
    """Meetings announced in a rural district from `now` on, soonest first. One query."""
    return list(db.session.scalars(
        select(Meeting).options(joinedload(Meeting.settlement))
        .join(Term, Term.id == Meeting.term_id)
        .where(Term.rural_district_id == rural_district_id,
               Meeting.status == MeetingStatus.SCHEDULED, Meeting.starts_at >= now)
        .order_by(Meeting.starts_at, Meeting.id)))


def profile_meetings(term_id: int, now: datetime) -> tuple[Meeting | None, list[date]]:
    """For an akim's page: the term's next announced meeting and the Almaty days of its held
    meetings, in one query."""
    rows = db.session.scalars(
        select(Meeting).options(joinedload(Meeting.settlement))
        .where(Meeting.term_id == term_id,
               or_(Meeting.status == MeetingStatus.HELD,
                   and_(Meeting.status == MeetingStatus.SCHEDULED, Meeting.starts_at >= now)))
        .order_by(Meeting.starts_at, Meeting.id)).all()
    upcoming = [meeting for meeting in rows if meeting.status == MeetingStatus.SCHEDULED]
    held = sorted(local_date(meeting.starts) for meeting in rows if meeting.is_held)
    return (upcoming[0] if upcoming else None), held


def meetings_page(*, region: Region | None = None, district: District | None = None,
                  rural_district: RuralDistrict | None = None,
                  status: MeetingStatus | None = None, offset: int = 0,
                  limit: int = 50) -> tuple[list[Meeting], int]:
    """A page of meetings for the API, newest start first, with their place and akim, and how
    many match in all. Two queries."""
    condition = []
    if region is not None:
        condition.append(District.region_id == region.id)
    if district is not None:
        condition.append(RuralDistrict.district_id == district.id)
    if rural_district is not None:
        condition.append(RuralDistrict.id == rural_district.id)
    if status is not None:
        condition.append(Meeting.status == status)
    joined = (select(Meeting).join(Term, Term.id == Meeting.term_id)
              .join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
              .join(District, District.id == RuralDistrict.district_id).where(*condition))
    total = db.session.scalar(select(func.count()).select_from(
        joined.with_only_columns(Meeting.id).subquery())) or 0
    rows = db.session.scalars(
        joined.options(*_with_place(), joinedload(Meeting.term).joinedload(Term.rural_district)
                       .joinedload(RuralDistrict.district).joinedload(District.region))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc()).offset(offset).limit(limit))
    return list(rows.unique()), int(total)


@dataclass(frozen=True)
class QuestionCounts:
    """Questions recorded at one meeting, and how many of them are still open."""

    total: int = 0
    open: int = 0


def question_counts(meeting_ids: Iterable[int]) -> dict[int, QuestionCounts]:
    """Meeting id → its questions, counted. One query."""
    ids = sorted(set(meeting_ids))
    if not ids:
        return {}
    statement = (
        select(MeetingQuestion.meeting_id, func.count(MeetingQuestion.id),
               func.coalesce(func.sum(case((MeetingQuestion.status == QuestionStatus.OPEN, 1),
                                           else_=0)), 0))
        .where(MeetingQuestion.meeting_id.in_(ids)).group_by(MeetingQuestion.meeting_id))
    return {meeting_id: QuestionCounts(int(total), int(still_open or 0))
            for meeting_id, total, still_open in db.session.execute(statement)}


def meeting_for_api(meeting_id: int) -> Meeting | None:
    """A meeting with its akim, places down from the region, and questions: two queries."""
    return db.session.scalar(
        select(Meeting).options(
            *_with_place(), joinedload(Meeting.term).joinedload(Term.rural_district)
            .joinedload(RuralDistrict.district).joinedload(District.region),
            selectinload(Meeting.questions))
        .where(Meeting.id == meeting_id))
