"""The job consumer's heartbeat: every consumer process says it is alive every few seconds.

`/healthz` reads the newest beat (none for three intervals: the worker is down), and the
exports domain asks `is_dead(worker_id)` to hand the jobs of a killed consumer to a live one.
Beats go to Redis when it is configured (every machine sees them), else to small files in the
instance folder (the embedded single-machine setup) — never to the database: a write every
few seconds would make SQLite refuse other writers ("database is locked") and would mark
public data as changed.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask, current_app

from portal.extensions import redis_client

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_SECONDS = 10
MISSED_BEATS = 3  # a consumer silent this many intervals is taken for dead
FORGET_SECONDS = 24 * 3600
REDIS_PREFIX = "portal:worker-heartbeat:"


@dataclass(frozen=True)
class Beat:
    worker_id: str
    host: str
    pid: int
    started_at: datetime
    seen_at: datetime


_identity: dict[int, tuple[str, float]] = {}
_started: set[int] = set()
_lock = threading.Lock()


def worker_id() -> str:
    """This process: `host:pid:random` (the random part tells a reused pid apart)."""
    pid = os.getpid()
    if pid not in _identity:
        _identity[pid] = (f"{host_name()}:{pid}:{secrets.token_hex(4)}", time.time())
    return _identity[pid][0]


def host_name() -> str:
    return socket.gethostname()[:80]


def interval() -> float:
    return float(current_app.config.get("WORKER_HEARTBEAT_SECONDS") or DEFAULT_INTERVAL_SECONDS)


def stale_after() -> timedelta:
    return timedelta(seconds=interval() * MISSED_BEATS)


# --------------------------------------------------------------------------- where beats live

def _folder() -> Path:
    return Path(current_app.instance_path) / "heartbeats"


def _encode(beat: Beat) -> str:
    return json.dumps({"worker_id": beat.worker_id, "host": beat.host, "pid": beat.pid,
                       "started_at": beat.started_at.timestamp(),
                       "seen_at": beat.seen_at.timestamp()})


def _decode(raw: bytes | str) -> Beat | None:
    try:
        value = json.loads(raw)
        return Beat(str(value["worker_id"]), str(value["host"]), int(value["pid"]),
                    datetime.fromtimestamp(float(value["started_at"]), UTC),
                    datetime.fromtimestamp(float(value["seen_at"]), UTC))
    except (ValueError, KeyError, TypeError):
        return None


def _file_name(worker: str) -> str:
    return worker.replace(":", "_").replace("/", "_") + ".json"


def beat() -> None:
    """Record that this process is alive now."""
    worker = worker_id()
    write(Beat(worker, host_name(), os.getpid(),
               datetime.fromtimestamp(_identity[os.getpid()][1], UTC), datetime.now(UTC)))


def write(record: Beat) -> None:
    client = redis_client()
    if client is not None:
        client.set(REDIS_PREFIX + record.worker_id, _encode(record), ex=FORGET_SECONDS)
        return
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{_file_name(record.worker_id)}.tmp"
    temporary.write_text(_encode(record))
    os.replace(temporary, folder / _file_name(record.worker_id))
    cutoff = time.time() - FORGET_SECONDS
    for old in folder.glob("*.json"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            continue


def forget_all() -> None:
    """Drop every beat (tests; an operator resetting a staging copy)."""
    client = redis_client()
    if client is not None:
        for key in client.scan_iter(match=REDIS_PREFIX + "*", count=100):
            client.delete(key)
        return
    for path in _folder().glob("*.json") if _folder().is_dir() else ():
        path.unlink(missing_ok=True)


def read(worker: str) -> Beat | None:
    client = redis_client()
    if client is not None:
        raw = client.get(REDIS_PREFIX + worker)
        return _decode(raw) if raw else None
    try:
        return _decode((_folder() / _file_name(worker)).read_text())
    except OSError:
        return None


def all_beats() -> list[Beat]:
    client = redis_client()
    if client is not None:
        keys = list(client.scan_iter(match=REDIS_PREFIX + "*", count=100))
        values = client.mget(keys) if keys else []
        found = [_decode(raw) for raw in values if raw]
    else:
        found = []
        for path in _folder().glob("*.json") if _folder().is_dir() else ():
            try:
                found.append(_decode(path.read_text()))
            except OSError:
                continue
    return [item for item in found if item is not None]


def newest() -> datetime | None:
    """When any consumer last said it was alive."""
    return max((item.seen_at for item in all_beats()), default=None)


def is_dead(worker: str | None) -> bool:
    """A consumer is dead when it stopped beating, or — on this machine — its process is gone."""
    if not worker:
        return True
    found = read(worker)
    if found is None or found.seen_at < datetime.now(UTC) - stale_after():
        return True
    if found.host == host_name() and found.pid != os.getpid():
        return not _process_exists(found.pid)
    return False


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


# --------------------------------------------------------------------------- the beating thread

def start(app: Flask) -> threading.Event | None:
    """Beat now, then every interval from a daemon thread (once per process; None when this
    process beats already). Setting the returned event stops the thread (tests).

    A first beat that fails (Redis restarting as the consumer starts) is logged like any
    other: the thread starts all the same, or this consumer would never beat and would be
    taken for dead, its exports built again elsewhere, for as long as it lives."""
    pid = os.getpid()
    with _lock:
        if pid in _started:
            return None
        _started.add(pid)
    stop = threading.Event()

    def beat_once() -> None:
        with app.app_context():
            try:
                beat()
            except Exception:  # Redis or the disk hiccuped: beat again next time
                log.exception("heartbeat failed")

    with app.app_context():
        seconds = interval()
    beat_once()

    def run() -> None:
        while not stop.wait(seconds):
            beat_once()

    threading.Thread(target=run, name="portal-heartbeat", daemon=True).start()
    return stop
