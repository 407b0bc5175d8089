"""A report published for an akim with 10,000 followers (issue 21): the request's share (the
service, the commit and the hand-off to the job queue) and the worker's (one row per recipient,
then the mail). Run on a scratch copy: it adds 10,000 accounts.

`python -m bench.measures notifications DATABASE_URL` (a fresh interpreter, like the others).
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

FOLLOWERS = 10_000
SENT_SAMPLE = 200  # mails rendered and written, to give the worker's rate


def measure(database_url: str) -> dict[str, float]:
    from sqlalchemy import func, insert, select

    from portal import create_app
    from portal.accounts.models import User
    from portal.extensions import db
    from portal.jobs import huey
    from portal.notifications import delivery
    from portal.notifications.models import (
        Follow,
        FollowTarget,
        Notification,
        NotificationEvent,
    )
    from portal.reports import services
    from portal.reports.models import Report, ReportState

    with tempfile.TemporaryDirectory() as folder:
        # A queue of its own in the folder and mail written to files there: the measure is
        # the worker's rows and rendering, not Redis or an SMTP server. Production refuses
        # to start without both, so this app is a development one.
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False,
                          "JOBS_IMMEDIATE": False, "HUEY_SQLITE_PATH": f"{folder}/jobs.db",
                          "OUTBOX_FOLDER": str(Path(folder) / "outbox"), "REDIS_URL": None,
                          "PORTAL_ENV": "development", "MAIL_SERVER": None})
        with app.app_context():
            report = db.session.scalar(select(Report).where(
                Report.state == ReportState.SUBMITTED).order_by(Report.id).limit(1))
            assert report is not None, "the seed has no submitted report"
            akim_id = report.term.akim_id
            first = int(db.session.scalar(select(func.max(User.id))) or 0) + 1
            now = datetime.now(UTC)
            db.session.execute(insert(User), [
                {"id": first + n, "email": f"bench-follower-{n}@example.kz",
                 "email_confirmed_at": now, "is_active_account": True, "locale": "ru",
                 "session_version": 1, "created_at": now, "synthetic": False}
                for n in range(FOLLOWERS)])
            db.session.execute(insert(Follow), [
                {"user_id": first + n, "target": FollowTarget.AKIM, "target_id": akim_id,
                 "active": True, "created_at": now, "synthetic": False}
                for n in range(FOLLOWERS)])
            db.session.commit()
            queued_before = huey.pending_count()

            started = time.perf_counter()
            services.publish(report, "bench")
            db.session.commit()  # after the commit the event's id goes to the queue
            request_s = time.perf_counter() - started
            assert huey.pending_count() == queued_before + 1

            event_id = db.session.scalar(select(func.max(NotificationEvent.id)))
            assert event_id is not None
            started = time.perf_counter()
            queued = delivery.dispatch(event_id)
            db.session.commit()
            dispatch_s = time.perf_counter() - started
            rows = db.session.scalar(select(func.count()).select_from(Notification).where(
                Notification.event_id == event_id))

            started = time.perf_counter()
            for notification_id in queued[:SENT_SAMPLE]:
                delivery.deliver(notification_id)
                db.session.commit()
            send_s = time.perf_counter() - started
            db.session.remove()
            db.engine.dispose()
    per_mail = send_s / max(1, min(SENT_SAMPLE, len(queued)))
    return {"followers": float(FOLLOWERS), "request_s": request_s, "dispatch_s": dispatch_s,
            "rows": float(rows or 0), "send_per_mail_ms": per_mail * 1000,
            "send_all_estimate_s": per_mail * len(queued)}


