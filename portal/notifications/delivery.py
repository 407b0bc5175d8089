"""Recording events in the transaction that made them, and delivering them from the worker.

1. A receiver calls `record`: the event row is flushed with the change and its id kept on
   the session. Only when that session commits is the id handed to the job queue
   (`dispatch`), so a rolled-back change tells nobody and the request never waits for mail.
2. `dispatch` (worker) finds the recipients, applies each one's preferences and writes one
   `Notification` row each: queued, or held for a digest or until quiet hours end.
3. `deliver` (worker) sends one queued row. A refused address (5xx) is marked undeliverable;
   any other failure is retried with growing delays, then left failed for an administrator.
"""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import event as orm_event
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, joinedload

from portal import clock, mail
from portal.accounts.models import User
from portal.api.serialize import public_url
from portal.extensions import db
from portal.modeling import utcnow
from portal.notifications import recipients, render
from portal.notifications.models import (
    DeliveryStatus,
    EventKind,
    Frequency,
    Notification,
    NotificationEvent,
    NotificationPreference,
    NotificationSettings,
    UndeliverableAddress,
    UndeliveredBecause,
)
from portal.recall.models import Flag

log = logging.getLogger(__name__)

PENDING = "portal_notification_events"
SEED_ACTOR = "seed"
MAX_ATTEMPTS = 6
RETRY_DELAYS = (60, 300, 900, 3600, 3 * 3600)  # seconds after the 1st, 2nd... failed try
DIGEST_HOUR = time(9, 0)  # Almaty: daily digests at 09:00, weekly ones on Monday at 09:00
BATCH = 50  # queued rows per send job
# A digest handed to a job is not handed out again for this long (see `due_rows`).
DIGEST_LEASE = timedelta(hours=1)


# --------------------------------------------------------------------------- recording

def record(kind: EventKind, subject_id: int, term_id: int | None, actor: Any,
           **data: Any) -> NotificationEvent | None:
    """Add the event to the current transaction; it is dispatched after the commit. The
    seed's fictional history (actor "seed") is nobody's news: nothing is recorded."""
    if actor == SEED_ACTOR:
        return None
    event = NotificationEvent(kind=kind, subject_id=subject_id, term_id=term_id,
                              actor_id=actor.id if isinstance(actor, User) else None, data=data)
    db.session.add(event)
    db.session.flush()
    db.session.info.setdefault(PENDING, []).append(event.id)
    return event


@orm_event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    from portal.notifications import tasks

    for event_id in pending:
        try:
            tasks.dispatch_event(event_id)
        except Exception:  # noqa: BLE001 - the change is committed; the queue may be down
            # Not lost: `release_held` dispatches events left undispatched after 5 minutes.
            log.exception("could not queue notification event %s", event_id)


@orm_event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: Any) -> None:
    # Only the outermost rollback undoes the events; a savepoint's (a double click caught
    # by begin_nested) leaves those recorded before it in place.
    if previous_transaction.parent is None:
        session.info.pop(PENDING, None)


# --------------------------------------------------------------------------- dispatching

def _in_quiet_hours(moment: datetime, start: time | None, end: time | None) -> bool:
    if start is None or end is None or start == end:
        return False
    wall = moment.time()
    return start <= wall < end if start < end else (wall >= start or wall < end)


def quiet_until(moment: datetime, start: time | None, end: time | None) -> datetime | None:
    """When quiet hours (Almaty wall clock) that cover `moment` end; None outside them."""
    local = moment.astimezone(clock.zone())
    if start is None or end is None or not _in_quiet_hours(local, start, end):
        return None
    day = local.date()
    if start >= end and local.time() >= start:  # overnight, before midnight
        day += timedelta(days=1)
    return datetime.combine(day, end, tzinfo=clock.zone())


def digest_due(moment: datetime, frequency: Frequency) -> datetime:
    """The next digest time after `moment`: 09:00 Almaty, daily or on Mondays."""
    local = moment.astimezone(clock.zone())
    due = datetime.combine(local.date(), DIGEST_HOUR, tzinfo=clock.zone())
    if due <= local:
        due += timedelta(days=1)
    if frequency is Frequency.WEEKLY:
        due += timedelta(days=(7 - due.weekday()) % 7)
    return due


def dispatch(event_id: int, now: datetime | None = None) -> list[int]:
    """Write one row per recipient of the event; returns the ids queued for sending now.
    Idempotent: an event is dispatched once."""
    event = db.session.get(NotificationEvent, event_id)
    if event is None or event.dispatched_at is not None:
        return []
    # Stored in UTC: SQLite keeps the wall time of whatever zone it is given.
    now = (now or utcnow()).astimezone(UTC)
    ids = recipients.audience(event)
    rows: list[dict[str, Any]] = []
    if ids is not None:
        wanted = recipients.deliverable(ids, event.actor_id).subquery()
        query = (select(wanted.c.id, NotificationPreference.frequency, NotificationSettings.paused,
                        NotificationSettings.quiet_start, NotificationSettings.quiet_end)
                 .outerjoin(NotificationPreference,
                            (NotificationPreference.user_id == wanted.c.id)
                            & (NotificationPreference.kind == event.kind))
                 .outerjoin(NotificationSettings, NotificationSettings.user_id == wanted.c.id))
        for user_id, frequency, paused, quiet_start, quiet_end in db.session.execute(query):
            frequency = Frequency(frequency) if frequency else Frequency.IMMEDIATELY
            if paused or frequency is Frequency.NEVER:
                continue
            row = {"event_id": event.id, "user_id": user_id, "attempts": 0, "digest": False,
                   "status": DeliveryStatus.QUEUED, "due_at": None, "created_at": now}
            if frequency in (Frequency.DAILY, Frequency.WEEKLY):
                due = digest_due(now, frequency)
                due = quiet_until(due, quiet_start, quiet_end) or due
                row.update(status=DeliveryStatus.HELD, digest=True, due_at=due.astimezone(UTC))
            else:
                until = quiet_until(now, quiet_start, quiet_end)
                if until is not None:
                    row.update(status=DeliveryStatus.HELD, due_at=until.astimezone(UTC))
            rows.append(row)
    if rows:
        db.session.execute(insert(Notification), rows)
    event.dispatched_at = now
    db.session.flush()
    return list(db.session.scalars(
        select(Notification.id).where(Notification.event_id == event.id,
                                      Notification.status == DeliveryStatus.QUEUED)
        .order_by(Notification.id)))


def undispatched(older_than: timedelta, now: datetime | None = None) -> list[int]:
    """Events committed but never dispatched (the process died between commit and queue)."""
    cutoff = (now or utcnow()).astimezone(UTC) - older_than
    return list(db.session.scalars(
        select(NotificationEvent.id).where(NotificationEvent.dispatched_at.is_(None),
                                           NotificationEvent.created_at < cutoff)
        .order_by(NotificationEvent.id).limit(1000)))


# --------------------------------------------------------------------------- links

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="notifications-unsubscribe")


def unsubscribe_token(user: User) -> str:
    """A token that stops all mail of this account: no sign-in needed (RFC 8058 one-click).
    It names the address too, so after a change of address an old mail cannot stop the new."""
    return str(_serializer().dumps([user.id, user.email]))


def user_for_token(token: str) -> User | None:
    try:
        user_id, email = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    return user if user is not None and user.email == email else None


def unsubscribe_url(user: User) -> str:
    return public_url("notifications.unsubscribe", token=unsubscribe_token(user))


def _headers(user: User) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{unsubscribe_url(user)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _language(user: User) -> str:
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


# --------------------------------------------------------------------------- sending

def _error_text(error: BaseException) -> str:
    # The class and the server's words, never the address (recipients are keys of the dict).
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
                 for code, text in error.recipients.values()]
        return f"SMTPRecipientsRefused: {'; '.join(codes)}"[:300]
    return f"{type(error).__name__}: {error}"[:300]


def _permanent(error: BaseException) -> bool:
    return isinstance(error, smtplib.SMTPRecipientsRefused) and all(
        int(code) >= 500 for code, _text in error.recipients.values())


def _next_try(error: BaseException, attempts: int) -> float | None:
    """Seconds before the next try of a send that failed on its `attempts`-th try; None when
    given up: a refusal for good (5xx), or the last try."""
    if _permanent(error) or attempts >= MAX_ATTEMPTS:
        return None
    return float(RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1])


def mark_undeliverable(email: str, reason: str,
                       kind: UndeliveredBecause = UndeliveredBecause.REFUSED) -> bool:
    """Stop mail to `email`; False when it was stopped already (the first reason stays)."""
    if db.session.get(UndeliverableAddress, email) is not None:
        return False
    db.session.add(UndeliverableAddress(email=email, kind=kind, reason=reason[:300]))
    db.session.flush()
    return True


def deliver(notification_id: int) -> float | None:
    """Send one queued notification. Returns the delay in seconds before the next try when
    it failed and should be tried again, otherwise None.

    The mail is sent while only reading; the outcome is then written in a transaction of its
    own that starts with its write, so that on SQLite it waits for the lock rather than
    failing after the mail went out (which would send it twice on the job's retry)."""
    row = db.session.scalar(select(Notification).options(
        joinedload(Notification.user), joinedload(Notification.event))
        .where(Notification.id == notification_id)
        .execution_options(populate_existing=True))
    if row is None or row.status is not DeliveryStatus.QUEUED:
        return None
    user, kind, attempts = row.user, row.event.kind, row.attempts + 1
    values: dict[str, Any] = {"attempts": attempts}
    told: list[int] = []
    retry_in: float | None = None
    refused: str | None = None
    try:
        message = render.compose(row.event, user)
    except render.Gone as gone:
        values.update(status=DeliveryStatus.FAILED, last_error=f"Gone: {gone}"[:300])
    else:
        if kind is EventKind.FLAGS_RAISED:
            told = [flag.id for flag, _link in message.context["items"]]
        try:
            mail.send(user.email, message.subject, message.template, _language(user),
                      headers=_headers(user), unsubscribe=unsubscribe_url(user),
                      settings=public_url("notifications.follows"), **message.context)
        except (OSError, smtplib.SMTPException) as error:
            values["last_error"] = _error_text(error)
            retry_in = _next_try(error, attempts)
            if retry_in is None:
                values["status"] = DeliveryStatus.FAILED
                refused = user.email if _permanent(error) else None
            else:
                log.warning("notification %s not sent (try %s): %s", notification_id,
                            attempts, values["last_error"])
        else:
            values.update(status=DeliveryStatus.SENT, sent_at=utcnow(), last_error=None)
    db.session.rollback()  # end the read; what follows starts with a write
    db.session.execute(update(Notification).where(Notification.id == notification_id)
                       .values(**values).execution_options(synchronize_session=False))
    if refused is not None:
        mark_undeliverable(refused, str(values["last_error"]))
    if told and values.get("status") is DeliveryStatus.SENT:
        db.session.execute(update(Flag).where(Flag.id.in_(told), Flag.notified_at.is_(None))
                           .values(notified_at=values["sent_at"])
                           .execution_options(synchronize_session=False))
    return retry_in


def due_rows(now: datetime | None = None) -> tuple[list[int], dict[int, list[int]]]:
    """Held rows whose time has come: (single rows to queue, digest rows by user).

    Singles become queued. Digest rows stay held (their job reads them so) but fall due again
    only after `DIGEST_LEASE`: the sweep runs every five minutes, and a digest still waiting
    in the queue was handed to a second job, which the worker's other thread could send at
    the same time (the same mail twice). A digest whose job was lost goes after the lease."""
    now = (now or utcnow()).astimezone(UTC)
    singles: list[int] = []
    digests: dict[int, list[int]] = defaultdict(list)
    for row_id, user_id, digest in db.session.execute(
            select(Notification.id, Notification.user_id, Notification.digest)
            .where(Notification.status == DeliveryStatus.HELD, Notification.due_at <= now)
            .order_by(Notification.id)):
        if digest:
            digests[user_id].append(row_id)
        else:
            singles.append(row_id)
    if singles:
        db.session.execute(update(Notification).where(Notification.id.in_(singles))
                           .values(status=DeliveryStatus.QUEUED)
                           .execution_options(synchronize_session=False))
    leased = [row_id for row_ids in digests.values() for row_id in row_ids]
    if leased:
        db.session.execute(update(Notification).where(Notification.id.in_(leased))
                           .values(due_at=now + DIGEST_LEASE)
                           .execution_options(synchronize_session=False))
    return singles, dict(digests)


def deliver_digest(user_id: int, row_ids: list[int]) -> float | None:
    """One mail listing every held event of a user. On a passing failure the rows stay held,
    due again after the same delays as `deliver`; returns that delay."""
    user = db.session.get(User, user_id)
    rows = list(db.session.scalars(
        select(Notification).options(joinedload(Notification.event))
        .where(Notification.id.in_(row_ids), Notification.status == DeliveryStatus.HELD)
        .order_by(Notification.id)))
    if user is None or not rows:
        return None
    items: list[dict[str, Any]] = []
    for row in rows:
        try:
            message = render.compose(row.event, user)
        except render.Gone as gone:
            row.status, row.last_error = DeliveryStatus.FAILED, f"Gone: {gone}"[:300]
            continue
        items.append({"subject": message.subject, "link": message.link})
    live = [row for row in rows if row.status is DeliveryStatus.HELD]
    if not live:
        return None
    for row in live:
        row.attempts += 1
    weekly = db.session.scalar(select(NotificationPreference.frequency).where(
        NotificationPreference.user_id == user.id,
        NotificationPreference.kind == live[0].event.kind)) == Frequency.WEEKLY
    subject = _l("Your weekly digest from the portal") if weekly else _l(
        "Your daily digest from the portal")
    try:
        mail.send(user.email, subject, "notifications/digest", _language(user),
                  headers=_headers(user), unsubscribe=unsubscribe_url(user),
                  settings=public_url("notifications.follows"), items=items, weekly=weekly,
                  user=user)
    except (OSError, smtplib.SMTPException) as error:
        text = _error_text(error)
        delay = _next_try(error, live[0].attempts)
        if delay is None and _permanent(error):
            mark_undeliverable(user.email, text)
        for row in live:
            row.last_error = text
            if delay is None:
                row.status = DeliveryStatus.FAILED
            else:  # still held, due again later: the next release after that tries again
                row.due_at = utcnow() + timedelta(seconds=delay)
        return delay
    sent_at = utcnow()
    for row in live:
        row.status, row.sent_at, row.last_error = DeliveryStatus.SENT, sent_at, None
    return None
