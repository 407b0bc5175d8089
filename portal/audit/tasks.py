"""The nightly note of the audit trail's head, in the worker's log (kept off the database),
so that deleting the newest events can be found later with `audit verify --anchor`."""

from __future__ import annotations

import logging

from huey import crontab
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.extensions import db
from portal.jobs import app_periodic_task

log = logging.getLogger(__name__)


@app_periodic_task(crontab(hour="2", minute="15"))
def log_audit_head() -> str | None:
    head = db.session.execute(
        select(AuditEvent.id, AuditEvent.row_hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    if head is None:
        return None
    anchor = f"{head.id}:{head.row_hash}"
    log.warning("audit trail head %s (keep it: flask audit verify --anchor %s)", anchor, anchor)
    return anchor
