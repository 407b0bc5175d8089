"""Load-and-authorize helpers, so that no report view can skip the check."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from portal.permissions import Permission, authorize, can
from portal.reports import readers
from portal.reports.models import Report


def can_see_unpublished(report: Report) -> bool:
    """Drafts and submitted reports: their akim, staff and admins."""
    return can(current_user, Permission.REPORTS_EDIT, report) or can(
        current_user, Permission.STAFF_DASHBOARD)


def report_for_page_or_404(report_id: int) -> Report:
    """A report anyone may read (published), or an unpublished one its readers may preview."""
    report = readers.report_for_page(report_id)
    if report is None or (not report.is_published and not can_see_unpublished(report)):
        abort(404)
    return report


def report_to_change(report_id: int, permission: Permission,
                     with_versions: bool = False) -> Report:
    """A report the current user may change with `permission`. Others get 404 while it is
    unpublished (its existence is private) and 403 once it is public."""
    load = readers.report_for_page if with_versions else readers.report_for_edit
    report = load(report_id)
    if report is None:
        abort(404)
    authorize(permission, report, hide=not report.is_published)
    return report
