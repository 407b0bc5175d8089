"""Background tasks of the reports domain: marking what each correction changed."""

from __future__ import annotations

from huey import crontab

from portal.extensions import db
from portal.jobs import app_periodic_task, app_task
from portal.reports import changes

#: Versions the hourly run marks at most (each costs at most diffing.BUDGET of work).
CATCH_UP = 200


@app_task(retries=2, retry_delay=30)
def mark_changes(version_id: int) -> bool:
    """Mark one correction, queued after the commit that published it."""
    marked = changes.mark(db.session(), version_id)
    db.session.commit()
    return marked


@app_periodic_task(crontab(minute="17"))
def mark_unmarked_changes() -> int:
    """Mark the corrections a lost job, the seed or an older installation left unmarked."""
    session = db.session()
    count = 0
    for version_id in changes.unmarked(session, CATCH_UP):
        count += changes.mark(session, version_id)
        session.commit()
    return count
