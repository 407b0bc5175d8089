"""The demo seed holds meetings with residents (attendance, questions, some still open) and
reports that link to them and speak about the programme, promise by promise."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from portal import seed
from portal.akims.models import Term, TermStatus
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingQuestion, MeetingStatus, QuestionStatus
from portal.meetings.readers import meetings_of_period
from portal.promises.models import Promise
from portal.reports.models import Report, ReportPromiseEntry, ReportState
from portal.seed.context import Scale

AS_OF = date(2026, 11, 1)


def test_the_demo_seed_holds_meetings_and_reports_that_link_to_them() -> None:
    seed.run(Scale.DEMO, seed=2026, as_of=AS_OF)
    serving = db.session.scalar(select(func.count()).select_from(Term)
                                .where(Term.status == TermStatus.SERVING))
    held = db.session.scalar(select(func.count()).select_from(Meeting).where(
        Meeting.status == MeetingStatus.HELD, Meeting.attendance > 0))
    announced = db.session.scalar(select(func.count()).select_from(Meeting).where(
        Meeting.status == MeetingStatus.SCHEDULED))
    assert serving and held and held >= serving  # about two a year each, a few missed
    assert announced and announced >= 1
    by_status = dict(db.session.execute(
        select(MeetingQuestion.status, func.count()).group_by(MeetingQuestion.status)).all())
    assert by_status[QuestionStatus.OPEN] > 0 and by_status[QuestionStatus.CLOSED] > 0
    assert db.session.scalar(select(func.count()).select_from(MeetingQuestion).where(
        MeetingQuestion.status == QuestionStatus.CLOSED, MeetingQuestion.evidence == "")) == 0

    published = list(db.session.scalars(select(Report).where(
        Report.state == ReportState.PUBLISHED, Report.period_end >= date(2025, 11, 1))))
    linked = [report for report in published
              if meetings_of_period(report.term_id, report.period_start, report.due_on)]
    assert len(linked) >= len(published) // 2  # most reports account for a meeting

    entries = db.session.execute(
        select(ReportPromiseEntry.report_id, Report.term_id, Promise.term_id)
        .join(Report, Report.id == ReportPromiseEntry.report_id)
        .join(Promise, Promise.id == ReportPromiseEntry.promise_id)).all()
    assert entries and all(report_term == promise_term
                           for _report, report_term, promise_term in entries)
    with_entries = {report_id for report_id, _a, _b in entries}
    assert with_entries <= {report.id for report in db.session.scalars(
        select(Report).where(Report.state == ReportState.PUBLISHED))}
