"""What each correction changed: marked once by the job worker, read by the "changes" page.

`amend` notes the new version in the session; after the commit the worker is asked to mark it
(`portal.reports.tasks.mark_changes`), and an hourly run marks any version a lost job or an
older installation left unmarked. The page reads the stored runs; a version not yet marked is
compared on the spot, within the same bounded budget (`portal.reports.diffing`), so the page
never waits on an unbounded comparison either way.
"""

from __future__ import annotations

import logging

from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction, aliased

from portal.reports import diffing
from portal.reports.models import ReportChanges, ReportVersion

log = logging.getLogger(__name__)

#: The tokens and the comparison of `portal.reports.diffing`: raise it when either changes, so
#: that rows marked the old way are ignored (and marked again by the hourly run).
METHOD = 1
_PENDING = "report_changes_pending"


def mark_after_commit(session: Session, version: ReportVersion) -> None:
    """Ask the worker to mark `version` once the transaction that made it commits."""
    session.info.setdefault(_PENDING, []).append(version.id)


@event.listens_for(Session, "after_commit")
def _wake_worker(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    from portal.reports import tasks

    for version_id in pending:
        try:
            tasks.mark_changes(version_id)
        except Exception:  # a queue outage must never fail a published correction
            log.exception("could not queue the changes of report version %s; the hourly run "
                          "marks them", version_id)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is None:
        session.info.pop(_PENDING, None)


def mark(session: Session, version_id: int) -> bool:
    """Store the runs of what `version_id` changed from the version before it; False when
    there is nothing to mark (a first version, or marked already by this method)."""
    after = session.get(ReportVersion, version_id)
    if after is None or after.number < 2:
        return False
    stored = session.get(ReportChanges, version_id)
    if stored is not None and stored.method == METHOD:
        return False
    before = session.scalar(select(ReportVersion).where(
        ReportVersion.report_id == after.report_id, ReportVersion.number == after.number - 1))
    if before is None:
        return False
    runs = diffing.runs(before.content(), after.content())
    if stored is None:
        session.add(ReportChanges(version_id=version_id, method=METHOD, runs=runs))
    else:
        stored.method, stored.runs = METHOD, runs
    session.flush()
    return True


def unmarked(session: Session, limit: int) -> list[int]:
    """Corrections with no runs stored by this method, oldest first."""
    changes = aliased(ReportChanges)
    return list(session.scalars(
        select(ReportVersion.id)
        .outerjoin(changes, (changes.version_id == ReportVersion.id)
                   & (changes.method == METHOD))
        .where(ReportVersion.number > 1, changes.version_id.is_(None))
        .order_by(ReportVersion.id).limit(limit)))


def for_page(session: Session, before: ReportVersion,
             after: ReportVersion) -> list[diffing.FieldChange]:
    """The marked fields of `after`: from the stored runs, or compared now when none fit."""
    stored = session.get(ReportChanges, after.id)
    runs = stored.runs if stored is not None and stored.method == METHOD else None
    return diffing.compare(before.content(), after.content(), runs)
