"""Jobs of the notifications package: fan an event out, send, retry, digests and sweeps."""

from __future__ import annotations

from datetime import timedelta

from huey import crontab

from portal.extensions import db
from portal.jobs import app_periodic_task, app_task
from portal.notifications import delivery


# Retries here are for the database (SQLite's "database is locked" when two workers write at
# once); mail failures have their own backoff in `delivery.deliver`.
@app_task(retries=5, retry_delay=3)
def dispatch_event(event_id: int) -> int:
    """One event: a row per recipient, then the queued ones sent in batches."""
    queued = delivery.dispatch(event_id)
    db.session.commit()
    for start in range(0, len(queued), delivery.BATCH):
        send_notifications(queued[start:start + delivery.BATCH])
    return len(queued)


@app_task(retries=5, retry_delay=3)
def send_notifications(notification_ids: list[int]) -> int:
    """Send each; a failed one is tried again on its own, later (the backoff). Returns how
    many are done with (sent, or given up)."""
    done = 0
    for notification_id in notification_ids:
        retry_in = delivery.deliver(notification_id)
        db.session.commit()
        if retry_in is not None:
            send_notifications.schedule(args=([notification_id],), delay=retry_in)
        else:
            done += 1
    return done


@app_task(retries=5, retry_delay=3)
def send_digest(user_id: int, notification_ids: list[int]) -> None:
    # A failed digest stays held with a later due time: `release_held` tries it again.
    delivery.deliver_digest(user_id, notification_ids)
    db.session.commit()


@app_periodic_task(crontab(minute="*/5"))
def release_held() -> int:
    """Every five minutes: what quiet hours held and the digests that are due go out, and
    events a crash left undispatched are dispatched."""
    singles, digests = delivery.due_rows()
    late = delivery.undispatched(timedelta(minutes=5))
    db.session.commit()
    for start in range(0, len(singles), delivery.BATCH):
        send_notifications(singles[start:start + delivery.BATCH])
    for user_id, row_ids in digests.items():
        send_digest(user_id, row_ids)
    for event_id in late:
        dispatch_event(event_id)
    return len(singles) + len(digests) + len(late)
