"""What `/healthz` checks: the database, Redis, the storage and the job worker.

Each check answers ok or not with a short reason that names no secret (no URL, no host). The
whole result is kept for a couple of seconds per process, so a flood of requests to the public
`/healthz` costs at most one round of checks (one storage write) per interval.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal import heartbeat, storage
from portal.extensions import db
from portal.jobs import huey

log = logging.getLogger(__name__)

DEFAULT_MAX_BACKLOG = 1000  # queued jobs (HEALTH_MAX_BACKLOG)
REUSE_SECONDS = 2.0
TIMEOUT_SECONDS = 3


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str
    milliseconds: float = 0.0

    def as_json(self) -> dict[str, object]:
        return {"ok": self.ok, "detail": self.detail, "ms": round(self.milliseconds, 1)}


def database() -> Check:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("health: database: %s", error)
        return Check(False, "unreachable")
    finally:
        db.session.rollback()  # end the read transaction at once
    return Check(True, db.engine.dialect.name)


def redis() -> Check:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return Check(True, "not configured (embedded cache, limits and queue)")
    import redis as redis_client

    try:
        client = redis_client.Redis.from_url(url, socket_timeout=TIMEOUT_SECONDS,
                                             socket_connect_timeout=TIMEOUT_SECONDS)
        try:
            client.ping()
        finally:
            client.close()
    except redis_client.RedisError as error:
        log.warning("health: redis: %s", error)
        return Check(False, "unreachable")
    return Check(True, "answers")


def storage_check() -> Check:
    store = storage.current()
    try:
        store.check()
    except storage.StorageError as error:
        log.warning("health: storage: %s", error)
        return Check(False, "cannot write")
    return Check(True, f"{store.kind}: writes and reads")


def worker() -> Check:
    if current_app.config.get("JOBS_IMMEDIATE"):
        return Check(True, "jobs run inline")
    try:
        backlog = huey.pending_count()
    except Exception as error:  # the queue's own storage (Redis or SQLite) failed
        log.warning("health: job queue: %s", error)
        return Check(False, "queue unreadable")
    try:
        last = heartbeat.newest()
    except Exception as error:  # Redis failed (named by its own check too)
        log.warning("health: heartbeat: %s", error)
        return Check(False, f"heartbeat unreadable; backlog {backlog}")
    limit = int(current_app.config.get("HEALTH_MAX_BACKLOG") or DEFAULT_MAX_BACKLOG)
    if last is None:
        return Check(False, f"no worker has ever beaten; backlog {backlog}")
    age = (datetime.now(UTC) - last).total_seconds()
    if age > heartbeat.stale_after().total_seconds():
        return Check(False, f"no heartbeat for {age:.0f} s; backlog {backlog}")
    if backlog > limit:
        return Check(False, f"backlog {backlog} over {limit}; last beat {age:.0f} s ago")
    return Check(True, f"last beat {age:.0f} s ago; backlog {backlog}")


CHECKS: dict[str, Callable[[], Check]] = {
    "database": database, "redis": redis, "storage": storage_check, "worker": worker}

_last: dict[int, tuple[float, dict[str, Check]]] = {}
_lock = threading.Lock()


def run() -> dict[str, Check]:
    """Every check, timed; reused for REUSE_SECONDS within this process and app."""
    key = id(current_app._get_current_object())  # type: ignore[attr-defined]
    reuse = float(current_app.config.get("HEALTH_REUSE_SECONDS", REUSE_SECONDS))
    with _lock:
        cached = _last.get(key)
        if cached and time.monotonic() - cached[0] < reuse:
            return cached[1]
        results = {}
        for name, check in CHECKS.items():
            started = time.perf_counter()
            result = check()
            results[name] = Check(result.ok, result.detail,
                                  (time.perf_counter() - started) * 1000)
        _last[key] = (time.monotonic(), results)
        return results
