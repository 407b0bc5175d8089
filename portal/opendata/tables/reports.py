"""Mandatory reports: the schedule with timeliness, published texts and files."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from portal.akims.models import Term
from portal.opendata.columns import (
    SYNTHETIC,
    D,
    I,
    S,
    T,
    Table,
    stream,
)
from portal.reports.models import (
    CONTENT_FIELDS,
    Report,
    ReportAttachment,
    ReportPromiseEntry,
    ReportVersion,
)
from portal.reports.readers import owed
from portal.reports.timeliness import classify, local_today
from portal.uploads import StoredFile


def _reports() -> Iterator[tuple[Any, ...]]:
    today = local_today()
    statement = (select(Report.id, Report.term_id, Report.period_start, Report.period_end,
                        Report.due_on, Report.first_published_on, Report.days_late,
                        Report.current_version, Report.synthetic, Report.covered_on)
                 .join(Term, Term.id == Report.term_id).where(owed()).order_by(Report.id))
    for row in stream(statement):
        yield (*row[:5], classify(row[4], row[9], today, interim=row[5] is not None), row[5],
               row[9], *row[6:9])


def _report_versions() -> Iterator[tuple[Any, ...]]:
    return stream(select(ReportVersion.report_id, ReportVersion.number,
                         ReportVersion.published_at, ReportVersion.reason,
                         *[getattr(ReportVersion, name) for name in CONTENT_FIELDS],
                         ReportVersion.synthetic)
                  .order_by(ReportVersion.report_id, ReportVersion.number))


def _report_promise_entries() -> Iterator[tuple[Any, ...]]:
    return stream(select(ReportPromiseEntry.report_id, ReportPromiseEntry.promise_id,
                         ReportPromiseEntry.since_version, ReportPromiseEntry.until_version,
                         ReportPromiseEntry.claim, ReportPromiseEntry.text,
                         ReportPromiseEntry.evidence_url, ReportPromiseEntry.synthetic)
                  .where(ReportPromiseEntry.since_version.is_not(None))
                  .order_by(ReportPromiseEntry.report_id, ReportPromiseEntry.promise_id,
                            ReportPromiseEntry.since_version))


def _report_attachments() -> Iterator[tuple[Any, ...]]:
    from portal.api.serialize import public_url

    statement = (select(ReportAttachment.id, ReportAttachment.report_id,
                        ReportAttachment.added_in_version, StoredFile.original_name,
                        StoredFile.content_type, StoredFile.size_bytes, StoredFile.sha256,
                        ReportAttachment.synthetic)
                 .join(StoredFile, StoredFile.id == ReportAttachment.stored_file_id)
                 .join(Report, Report.id == ReportAttachment.report_id)
                 .where(ReportAttachment.added_in_version.is_not(None),
                        Report.first_published_at.is_not(None))
                 .order_by(ReportAttachment.id))
    for row in stream(statement):
        yield (*row[:-1], public_url("reports.attachment", report_id=row[1],
                                     attachment_id=row[0]), row[-1])


REPORTS = [
    Table("reports", "Reports", "Every mandatory report a term owes, with its timeliness on "
          "the day of the download (texts: report_versions).", [
        I("id", "The report's id (page: /reports/<id>, once published)."),
        I("term_id", "The term."), D("period_start", "First day of the period."),
        D("period_end", "Last day."), D("due_on", "Due date."),
        S("timeliness", "on_time, late, missing (past due, no version covering the whole "
          "period), interim (published before the period ended, still owed) or upcoming."),
        D("first_published_on", "Day of first publication (Almaty)."),
        D("covered_on", "Day (Almaty) the first version covering the whole period was "
          "published, one published after the period ended (empty while interim)."),
        I("days_late", "Days after the due date the version covering the whole period was "
          "published (empty while interim)."),
        I("current_version", "Published versions."), SYNTHETIC("report"),
    ], _reports, ["id"], [("term_id", "terms", "id")]),
    Table("report_versions", "Report texts", "Every published version, frozen; corrections "
          "are later versions with a reason. Sections are Markdown.", [
        I("report_id", "The report."), I("number", "Version, from 1."),
        T("published_at", "When (UTC)."), S("reason", "Why corrected (versions 2+)."),
        S("summary", "Summary."), S("promises_progress", "Progress on promises."),
        S("budget_execution", "Budget execution."),
        D("meeting_held_on", "Meeting with residents."), S("meeting_place", "Where."),
        I("meeting_attendance", "Residents present."),
        S("meeting_broadcast_url", "Online broadcast."),
        S("meeting_questions", "Residents' questions and answers."),
        S("next_plans", "Plans."), SYNTHETIC("report"),
    ], _report_versions, ["report_id", "number"], [("report_id", "reports", "id")]),
    Table("report_promise_entries", "Progress on promises in reports", "Each published "
          "report's entries, one per promise of the term's programme; a correction that "
          "changed an entry ends the old row (until_version) and starts a new one.", [
        I("report_id", "The report."), I("promise_id", "The promise."),
        I("since_version", "The version that published the entry."),
        I("until_version", "The correction that replaced it (empty: current)."),
        S("claim", "The status the akim claims."), S("text", "What was done."),
        S("evidence_url", "Evidence link."), SYNTHETIC("entry"),
    ], _report_promise_entries, ["report_id", "promise_id", "since_version"],
        [("report_id", "reports", "id"), ("promise_id", "promises", "id")]),
    Table("report_attachments", "Report files", "Files of published reports.", [
        I("id", "The file's id."), I("report_id", "The report."),
        I("added_in_version", "The version that published it."), S("name", "File name."),
        S("content_type", "Type."), I("size_bytes", "Size."), S("sha256", "SHA-256."),
        S("url", "Download address."), SYNTHETIC("file"),
    ], _report_attachments, ["id"], [("report_id", "reports", "id")]),
]
