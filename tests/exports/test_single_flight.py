"""One render per rendition at a time: readers who ask together for a dossier being rendered
wait for that file (`X-Dossier-Cache: wait`) instead of rendering it again; a holder that died
blocks nobody past its lease. In the instance folder and in Redis (`lease_store`)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from flask import Flask

from portal import locks
from portal.exports import services, store
from portal.extensions import db
from tests.exports.conftest import Record


def counted_renders(monkeypatch: pytest.MonkeyPatch,
                    until: threading.Event | None = None) -> list[int]:
    """Counts every dossier layout from now on; with `until`, each waits for it first (at most
    10 s), so a render is still running when the other reader asks."""
    renders: list[int] = []
    real = services.render_dossier

    def counting(*args: Any, **kwargs: Any) -> Any:
        renders.append(1)
        if until is not None:
            until.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "render_dossier", counting)
    return renders


def refusals(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Set once a lease is refused: someone asked for a dossier while another rendered it."""
    refused = threading.Event()
    real = locks.acquire

    def acquire(name: str, ttl_seconds: float) -> locks.Lease | None:
        lease = real(name, ttl_seconds)
        if lease is None:
            refused.set()
        return lease

    monkeypatch.setattr(locks, "acquire", acquire)
    return refused


def url(record: Record) -> str:
    return f"/akims/{record.term.akim_id}/accountability.pdf?lang=en"


@pytest.mark.concurrency
def test_readers_asking_together_share_one_render(app: Flask, record: Record, lease_store: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # The first render holds until the second reader has been refused the lease (without
    # single flight nobody is: both render, each after a 10 s wait).
    renders = counted_renders(monkeypatch, until=refusals(monkeypatch))
    # How often each reader asks the store whether the file is there (a HEAD on S3).
    asked: dict[str, int] = {}
    real_exists = store.exists

    def exists(key: str) -> bool:
        name = threading.current_thread().name
        asked[name] = asked.get(name, 0) + 1
        return real_exists(key)

    monkeypatch.setattr(store, "exists", exists)
    path = url(record)
    db.session.remove()
    barrier = threading.Barrier(2)
    answers: list[tuple[str, bytes]] = []
    marks: dict[str, str] = {}
    answered = threading.Lock()

    def read(address: str) -> None:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        with app.app_context():  # its own context, so its own session and connection
            barrier.wait()
            response = client.get(path)
            db.session.remove()
        assert response.status_code == 200
        with answered:
            answers.append((response.headers["X-Dossier-Cache"], response.get_data()))
            marks[threading.current_thread().name] = response.headers["X-Dossier-Cache"]

    readers = [threading.Thread(target=read, args=(f"203.0.113.{n}",)) for n in (1, 2)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(120)
    assert len(answers) == 2
    assert len(renders) == 1
    assert sorted(mark for mark, _body in answers) == ["miss", "wait"]
    assert answers[0][1] == answers[1][1] and answers[0][1].startswith(b"%PDF-")
    # The waiting reader polled the lease, not the store: it asked the store once on arrival
    # and once when it took the lease its holder let go (ten times a second before).
    waiter = next(name for name, mark in marks.items() if mark == "wait")
    assert asked[waiter] == 2


def test_a_lease_whose_holder_died_expires_and_the_next_reader_renders(
        client: Any, record: Record, lease_store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    item = services.prepare(record.term.akim_id, "en")
    assert item is not None
    # A request that took the lease and died mid-render: nobody will release it.
    assert locks.acquire(services.lease_name(item.rendition), 1.0) is not None
    renders = counted_renders(monkeypatch)
    started = time.monotonic()
    response = client.get(url(record))
    waited = time.monotonic() - started
    assert response.status_code == 200
    assert response.headers["X-Dossier-Cache"] == "miss"
    assert len(renders) == 1
    # It waited for the lease to expire, not for its own time limit (35 s).
    assert 0.9 <= waited < 15
