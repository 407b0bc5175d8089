"""Report states: draft → submitted → published, corrections as versions, nothing silent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.audit import AuditEvent
from portal.extensions import db
from portal.reports import services
from portal.reports.guards import ImmutableReportError
from portal.reports.models import ReportState, ReportVersion
from portal.reports.services import ReportError
from tests.factories import ReportFactory, UserFactory
from tests.factories.reports import FILLED

# Late on the due day in Almaty (UTC+5 since 2024; +6 before) is still on time ...
LAST_MINUTE = datetime(2025, 7, 31, 17, 30, tzinfo=UTC)
# ... and just after midnight there is a day late, although it is still 31 July in UTC.
JUST_AFTER_MIDNIGHT = datetime(2025, 7, 31, 19, 30, tzinfo=UTC)


def _akim(report):  # type: ignore[no-untyped-def]
    return UserFactory.akim_for(report.term)


def test_saving_a_draft_keeps_the_text_and_audits_which_sections_changed() -> None:
    report = ReportFactory()
    actor = _akim(report)
    changed = services.save_draft(report, {**FILLED, "summary": "  Roads.\r\n\r\n"}, actor)
    assert "summary" in changed and report.summary == "  Roads."
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.save_draft"))
    assert event is not None and event.actor_id == actor.id
    assert event.after is not None and event.after["meeting_attendance"] == 120


def test_an_incomplete_draft_cannot_be_submitted() -> None:
    report = ReportFactory(summary="Only a summary")
    with pytest.raises(ReportError) as error:
        services.submit(report, "tests")
    assert {"meeting_held_on", "meeting_place", "next_plans"} <= set(error.value.errors)
    assert report.state == ReportState.DRAFT


def test_a_meeting_before_the_period_or_in_the_future_is_refused() -> None:
    report = ReportFactory(filled=True, meeting_held_on=date(2024, 12, 1))
    with pytest.raises(ReportError, match="start of the period") as refused:
        services.submit(report, "tests")
    # The start of the period in words, as every date reads (not 2025-01-01).
    assert "(January 1, 2025)" in str(refused.value.errors["meeting_held_on"])
    report.meeting_held_on = date(2099, 1, 1)
    with pytest.raises(ReportError, match="future"):
        services.submit(report, "tests")


def test_submit_then_publish_freezes_version_one_on_time() -> None:
    report = ReportFactory(filled=True)
    services.submit(report, "tests")
    assert report.state == ReportState.SUBMITTED
    with pytest.raises(ReportError) as locked:
        services.save_draft(report, FILLED, "tests")  # a submitted text is locked
    assert "“Submitted”" in str(locked.value)  # the state's name, never its code
    version = services.publish(report, "tests", now=LAST_MINUTE)
    assert report.state == ReportState.PUBLISHED and report.current_version == 1
    assert report.first_published_on == date(2025, 7, 31) and report.days_late == 0
    assert version.number == 1 and version.summary == FILLED["summary"]
    assert version.reason is None


def test_lateness_is_counted_on_the_almaty_calendar() -> None:
    report = ReportFactory(submitted=True)
    services.publish(report, "tests", now=JUST_AFTER_MIDNIGHT)
    assert report.first_published_on == date(2025, 8, 1) and report.days_late == 1


def test_only_a_submitted_report_can_be_published_or_returned() -> None:
    draft = ReportFactory(filled=True)
    with pytest.raises(ReportError):
        services.publish(draft, "tests")
    with pytest.raises(ReportError):
        services.return_to_draft(draft, "tests")
    submitted = ReportFactory(submitted=True, term=draft.term, period_start=date(2025, 7, 1),
                              period_end=date(2025, 12, 31), due_on=date(2026, 1, 31))
    services.return_to_draft(submitted, "tests")
    assert submitted.state == ReportState.DRAFT and submitted.submitted_at is None


def test_a_correction_is_a_new_version_with_a_reason_and_the_old_one_stays() -> None:
    report = ReportFactory(published=True)
    with pytest.raises(ReportError) as missing_reason:
        services.amend(report, {**FILLED, "meeting_attendance": 135}, "", "tests")
    assert "reason" in missing_reason.value.errors
    with pytest.raises(ReportError, match="Nothing was changed"):
        services.amend(report, FILLED, "No change at all, really", "tests")
    version = services.amend(report, {**FILLED, "meeting_attendance": 135},
                             "Attendance corrected from the signed minutes.", "tests")
    assert version.number == 2 and report.current_version == 2
    numbers = [v.meeting_attendance for v in report.versions]
    assert numbers == [120, 135]
    assert report.meeting_attendance == 120  # the first text is not overwritten


def test_a_draft_cannot_be_amended_and_a_published_report_not_saved() -> None:
    with pytest.raises(ReportError):
        services.amend(ReportFactory(filled=True), FILLED, "A reason long enough", "tests")
    with pytest.raises(ReportError):
        services.save_draft(ReportFactory(published=True), FILLED, "tests")


# -------------------------------------------------------------- immutability outside services

def test_changing_a_published_version_directly_fails_at_flush() -> None:
    report = ReportFactory(published=True)
    version = report.versions[0]
    version.summary = "Quietly rewritten"
    with pytest.raises(ImmutableReportError, match="cannot change"):
        db.session.flush()
    db.session.rollback()


def test_changing_a_published_reports_text_or_state_directly_fails() -> None:
    report = ReportFactory(published=True)
    report.summary = "Quietly rewritten"
    with pytest.raises(ImmutableReportError, match="summary"):
        db.session.flush()
    db.session.rollback()
    report = ReportFactory(published=True, term=report.term, period_start=date(2025, 7, 1),
                           period_end=date(2025, 12, 31), due_on=date(2026, 1, 31))
    report.state = ReportState.DRAFT
    with pytest.raises(ImmutableReportError, match="state"):
        db.session.flush()
    db.session.rollback()


def test_deleting_a_published_version_fails() -> None:
    report = ReportFactory(published=True)
    db.session.delete(report.versions[0])
    with pytest.raises(ImmutableReportError):
        db.session.flush()
    db.session.rollback()


def test_the_database_refuses_an_update_that_bypasses_the_orm() -> None:
    report = ReportFactory(published=True)
    version_id = report.versions[0].id
    with pytest.raises(sa.exc.DatabaseError, match="immutable"), db.session.begin_nested():
        db.session.execute(sa.update(ReportVersion).where(ReportVersion.id == version_id)
                           .values(summary="Rewritten in SQL")
                           .execution_options(synchronize_session=False))
    assert db.session.get(ReportVersion, version_id).summary == FILLED["summary"]


def test_a_deleted_author_account_does_not_break_the_version() -> None:
    report = ReportFactory(published=True)
    author = _akim(report)
    version = services.amend(report, {**FILLED, "summary": "Better."}, "A clearer summary.",
                             author)
    db.session.flush()
    db.session.execute(sa.delete(UserFactory._meta.model).where(
        UserFactory._meta.model.id == author.id))
    db.session.expire_all()
    assert db.session.get(ReportVersion, version.id).author_id is None


def test_removing_a_published_file_directly_fails() -> None:
    report = ReportFactory(filled=True)
    attachment = services.add_attachment(
        report, FileStorage(BytesIO(b"%PDF-1.7\n%%EOF\n"), "minutes.pdf"), "tests")
    services.submit(report, "tests")
    services.publish(report, "tests")
    db.session.commit()
    db.session.delete(attachment)
    with pytest.raises(ImmutableReportError, match="attachment"):
        db.session.flush()
    db.session.rollback()


def test_several_files_are_checked_one_by_one_and_the_good_ones_kept() -> None:
    report = ReportFactory()
    uploads = [FileStorage(BytesIO(b"%PDF-1.7\n%%EOF\n"), "minutes.pdf"),
               FileStorage(BytesIO(b"MZ\x90\x00" + b"\x00" * 64), "C:\\Users\\akim\\budget.pdf"),
               FileStorage(BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), "hall.png"),
               FileStorage(BytesIO(b""), "")]  # a browser's empty file part
    with pytest.raises(ReportError) as refused:
        services.add_attachments(report, uploads, "tests")
    assert list(refused.value.errors) == ["attachment"]
    assert refused.value.errors["attachment"].startswith("“budget.pdf” was not attached: ")
    assert "not an accepted type" in refused.value.errors["attachment"]
    assert sorted(a.stored_file.kind for a in report.attachments) == ["pdf", "png"]
    assert services.add_attachments(report, [], "tests") == []
