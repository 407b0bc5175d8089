"""The job consumer's heartbeat: every consumer process says it is alive every few seconds.

`/healthz` reads the newest beat (no beat for three intervals: the worker is down), and the
exports domain asks `is_dead(worker_id)` to hand the jobs of a killed consumer to a live one.
Beats live in the database, so they work on the embedded defaults and across machines alike.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import socket
import threading
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Model, db
from portal.modeling import UTCDateTime, as_utc, utcnow
from portal.transactions import commit_with_retry

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_SECONDS = 10
MISSED_BEATS = 3  # a consumer silent this many intervals is taken for dead
FORGET_AFTER = timedelta(days=1)


class WorkerHeartbeat(Model):
    __tablename__ = "worker_heartbeat"

    worker_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    host: Mapped[str] = mapped_column(String(100))
    pid: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


_identity: dict[int, str] = {}
_started: set[int] = set()
_lock = threading.Lock()


def worker_id() -> str:
    """This process: `host:pid:random` (the random part tells a reused pid apart)."""
    pid = os.getpid()
    if pid not in _identity:
        _identity[pid] = f"{socket.gethostname()[:80]}:{pid}:{secrets.token_hex(4)}"
    return _identity[pid]


def interval() -> float:
    return float(current_app.config.get("WORKER_HEARTBEAT_SECONDS") or DEFAULT_INTERVAL_SECONDS)


def stale_after() -> timedelta:
    return timedelta(seconds=interval() * MISSED_BEATS)


def beat() -> None:
    """Record that this process is alive (and forget consumers gone for a day); commits."""
    def work() -> None:
        now = utcnow()
        row = db.session.get(WorkerHeartbeat, worker_id())
        if row is None:
            db.session.add(WorkerHeartbeat(worker_id=worker_id(), host=socket.gethostname()[:100],
                                           pid=os.getpid(), started_at=now, seen_at=now))
        else:
            row.seen_at = now
        db.session.execute(delete(WorkerHeartbeat).where(
            WorkerHeartbeat.seen_at < now - FORGET_AFTER))

    commit_with_retry(work)


def start(app: Flask) -> None:
    """Beat now, then every interval from a daemon thread (once per process)."""
    pid = os.getpid()
    with _lock:
        if pid in _started:
            return
        _started.add(pid)
    with app.app_context():
        try:
            beat()
        finally:
            db.session.remove()
        seconds = interval()

    def run() -> None:
        stop = threading.Event()
        while not stop.wait(seconds):
            with app.app_context():
                try:
                    beat()
                except Exception:  # a database blip: beat again next time
                    log.exception("heartbeat failed")
                finally:
                    with contextlib.suppress(Exception):
                        db.session.remove()

    threading.Thread(target=run, name="portal-heartbeat", daemon=True).start()


def newest() -> datetime | None:
    """When any consumer last said it was alive."""
    return as_utc(db.session.scalar(select(func.max(WorkerHeartbeat.seen_at))))


def is_dead(worker: str | None) -> bool:
    """A consumer is dead when it stopped beating, or — on this machine — its process is gone."""
    if not worker:
        return True
    row = db.session.get(WorkerHeartbeat, worker)
    if row is None or (as_utc(row.seen_at) or utcnow()) < utcnow() - stale_after():
        return True
    if row.host == socket.gethostname()[:100] and row.pid != os.getpid():
        return not _process_exists(row.pid)
    return False


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True
