"""Keeping `search_entry` current: every flush that adds or changes a promise's or a meeting
question's text, or publishes a report version, rewrites that object's row in the same
transaction.

Drafts are never indexed: a report's row is written only from a `ReportVersion`, which exists
only once published. Bulk inserts that bypass the ORM (the seed) call `rebuild()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, event, insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from portal.akims.models import Term
from portal.geo.models import District, RuralDistrict
from portal.meetings.models import Meeting, MeetingQuestion
from portal.promises.models import Promise
from portal.reports.models import Report, ReportContent, ReportVersion
from portal.search.models import EntryKind, SearchEntry
from portal.textsearch import fold

PROMISE_FIELDS = ("title", "description")
QUESTION_FIELDS = ("question", "answer", "evidence")
REPORT_FIELDS = ("summary", "promises_progress", "budget_execution", "meeting_place",
                 "meeting_questions", "next_plans")


def promise_text(title: str | None, description: str | None) -> str:
    return fold(title, description)


def report_texts(content: ReportContent | Any) -> list[str]:
    """A report version's searched texts, in order (the index, and the excerpts shown)."""
    return [getattr(content, name) for name in REPORT_FIELDS]


def report_text(content: ReportContent | Any) -> str:
    return fold(*report_texts(content))


def question_text(question: str | None, answer: str | None, evidence: str | None) -> str:
    return fold(question, answer, evidence)


def _regions(connection: Connection, term_ids: Iterable[int]) -> dict[int, int]:
    rows = connection.execute(
        select(Term.id, District.region_id)
        .join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
        .join(District, District.id == RuralDistrict.district_id)
        .where(Term.id.in_(set(term_ids))))
    return {term_id: region_id for term_id, region_id in rows}


def _write(connection: Connection, kind: EntryKind,
           rows: list[tuple[int, int, str]]) -> None:
    """Replace the rows of these objects: (object id, term id, folded text)."""
    if not rows:
        return
    connection.execute(delete(SearchEntry).where(
        SearchEntry.kind == kind, SearchEntry.object_id.in_([row[0] for row in rows])))
    regions = _regions(connection, (row[1] for row in rows))
    connection.execute(insert(SearchEntry), [
        {"kind": kind, "object_id": object_id, "term_id": term_id,
         "region_id": regions[term_id], "body": body}
        for object_id, term_id, body in rows])


def _changed(obj: Any, fields: Iterable[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in fields)


def _after_flush(session: Session, _context: Any) -> None:
    promises: list[tuple[int, int, str]] = []
    reports: list[tuple[int, int, str]] = []
    questions: list[tuple[int, int, str]] = []
    gone: list[int] = []
    for obj in session.new:
        if isinstance(obj, Promise):
            promises.append((obj.id, obj.term_id, promise_text(obj.title, obj.description)))
        elif isinstance(obj, ReportVersion):
            report = session.get(Report, obj.report_id)
            if report is not None:
                reports.append((obj.report_id, report.term_id, report_text(obj)))
        elif isinstance(obj, MeetingQuestion):
            questions.append(_question(session, obj))
    for obj in session.dirty:
        if isinstance(obj, Promise) and _changed(obj, (*PROMISE_FIELDS, "term_id")):
            promises.append((obj.id, obj.term_id, promise_text(obj.title, obj.description)))
        elif isinstance(obj, MeetingQuestion) and _changed(obj, QUESTION_FIELDS):
            questions.append(_question(session, obj))
    for obj in session.deleted:
        if isinstance(obj, Promise):
            gone.append(obj.id)
    if not (promises or reports or questions or gone):
        return
    connection = session.connection()
    if gone:
        connection.execute(delete(SearchEntry).where(
            SearchEntry.kind == EntryKind.PROMISE, SearchEntry.object_id.in_(gone)))
    _write(connection, EntryKind.PROMISE, promises)
    _write(connection, EntryKind.REPORT, reports)
    _write(connection, EntryKind.QUESTION, questions)


def _question(session: Session, obj: MeetingQuestion) -> tuple[int, int, str]:
    meeting = session.get(Meeting, obj.meeting_id)
    assert meeting is not None  # noqa: S101 - the foreign key holds
    return (obj.id, meeting.term_id, question_text(obj.question, obj.answer, obj.evidence))


def listen() -> None:
    """Register the flush hook for every session (once per process)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def rebuild(session: Session) -> int:
    """Write every promise and every report's current published version afresh (after bulk
    inserts that bypass the ORM). Returns the number of rows."""
    connection = session.connection()
    connection.execute(delete(SearchEntry))
    promises = [(row.id, row.term_id, promise_text(row.title, row.description))
                for row in connection.execute(
                    select(Promise.id, Promise.term_id, Promise.title, Promise.description))]
    columns = [getattr(ReportVersion, name) for name in REPORT_FIELDS]
    reports = [(row.report_id, row.term_id, report_text(row))
               for row in connection.execute(
                   select(ReportVersion.report_id, Report.term_id, *columns)
                   .join(Report, Report.id == ReportVersion.report_id)
                   .where(ReportVersion.number == Report.current_version))]
    questions = [(row.id, row.term_id, question_text(row.question, row.answer, row.evidence))
                 for row in connection.execute(
                     select(MeetingQuestion.id, Meeting.term_id, MeetingQuestion.question,
                            MeetingQuestion.answer, MeetingQuestion.evidence)
                     .join(Meeting, Meeting.id == MeetingQuestion.meeting_id))]
    for kind, rows in ((EntryKind.PROMISE, promises), (EntryKind.REPORT, reports),
                       (EntryKind.QUESTION, questions)):
        for start in range(0, len(rows), 2000):
            _write(connection, kind, rows[start:start + 2000])
    return len(promises) + len(reports) + len(questions)
