"""Loaders for the report routes: what `@public(load=…)` and `@require(P, load=…)` hand the
views. Checks are the decorator's; a loader finds the object, or None (404)."""

from __future__ import annotations

from flask_login import current_user

from portal.permissions import Permission, can
from portal.reports import readers
from portal.reports.models import Report, ReportAttachment


def can_see_unpublished(report: Report) -> bool:
    """Drafts and submitted reports: their akim, staff and admins."""
    return can(current_user, Permission.REPORTS_EDIT, report) or can(
        current_user, Permission.STAFF_DASHBOARD)


def readable_report(report_id: int) -> Report | None:
    """A published report, or an unpublished one for those who may preview it (else None:
    a draft does not exist for the public)."""
    report = readers.report_for_page(report_id)
    if report is None or (not report.is_published and not can_see_unpublished(report)):
        return None
    return report


def readable_attachment(report_id: int, attachment_id: int) -> ReportAttachment | None:
    """A file of a report: published files for everyone, the others for who may see the draft."""
    found = attachment_of_report(report_id, attachment_id)
    if found is None or (found.report.is_published and found.is_published):
        return found
    return found if can_see_unpublished(found.report) else None


def unpublished(report: Report) -> bool:
    """Refusals about an unpublished report are 404: its existence is private."""
    return not report.is_published


def attachment_of_report(report_id: int, attachment_id: int) -> ReportAttachment | None:
    """A file of a report, with the report and its term (the object check reads the term)."""
    report = readers.report_for_edit(report_id)
    if report is None:
        return None
    return next((a for a in report.attachments if a.id == attachment_id), None)


def attachment_report_unpublished(attachment: ReportAttachment) -> bool:
    return not attachment.report.is_published
