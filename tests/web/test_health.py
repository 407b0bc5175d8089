"""/healthz names the failing part with a 503; /readyz is cheap."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from portal import heartbeat
from tests.s3server import free_port


def health(client: FlaskClient) -> tuple[int, dict[str, Any]]:
    response = client.get("/healthz")
    assert response.headers["Cache-Control"] == "no-store"
    return response.status_code, response.get_json()


def test_all_parts_answer(client: FlaskClient) -> None:
    status, body = health(client)
    assert status == 200 and body["status"] == "ok" and body["failing"] == []
    assert set(body["checks"]) == {"database", "redis", "storage", "worker"}
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.concurrency  # its own engine: the rolled-back test connection would answer
def test_an_unreachable_database_is_named(make_app: Any, tmp_path: Path) -> None:
    broken = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/no/such/folder/x.db")
    status, body = health(broken.test_client())
    assert status == 503 and "database" in body["failing"]
    assert body["checks"]["database"] == {"ok": False, "detail": "unreachable",
                                          "ms": body["checks"]["database"]["ms"]}


def test_an_unreachable_redis_is_named_without_its_address(make_app: Any) -> None:
    port = free_port()
    broken = make_app(REDIS_URL=f"redis://:secret@127.0.0.1:{port}/0")
    response = broken.test_client().get("/healthz")
    body = response.get_json()
    assert response.status_code == 503 and body["failing"] == ["redis"]
    assert str(port) not in response.get_data(as_text=True)
    assert "secret" not in response.get_data(as_text=True)


def test_storage_that_cannot_be_written_is_named(make_app: Any, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    broken = make_app(STORAGE_URL=f"file://{tmp_path}/a-file")
    status, body = health(broken.test_client())
    assert status == 503 and body["failing"] == ["storage"]


def test_the_storage_check_names_the_kind_of_store_and_nothing_more(
        make_app: Any, s3_url: str, tmp_path: Path) -> None:
    local = make_app(STORAGE_URL=f"file://{tmp_path}/files?shared=1")
    _status, body = health(local.test_client())
    assert body["checks"]["storage"]["detail"] == "local folder: writes and reads"
    s3 = make_app(STORAGE_URL=s3_url)
    _status, body = health(s3.test_client())
    assert body["checks"]["storage"]["detail"] == "S3: writes and reads"


def test_s3_storage_down_is_named(make_app: Any) -> None:
    broken = make_app(STORAGE_URL=f"s3://portal?endpoint=http://127.0.0.1:{free_port()}"
                      "&path_style=1")
    status, body = health(broken.test_client())
    assert status == 503 and body["failing"] == ["storage"]


def test_the_worker_is_judged_by_its_heartbeat_and_backlog(make_app: Any, tmp_path: Path,
                                                          no_heartbeats: None) -> None:
    queued = make_app(JOBS_IMMEDIATE=False, HUEY_SQLITE_PATH=str(tmp_path / "jobs.db"),
                      WORKER_HEARTBEAT_SECONDS=10, HEALTH_MAX_BACKLOG=1)
    client = queued.test_client()
    status, body = health(client)
    assert status == 503 and body["failing"] == ["worker"]
    assert body["checks"]["worker"]["detail"] == "no worker has ever beaten; backlog 0"

    heartbeat.beat()
    status, body = health(client)
    assert status == 200, body
    assert body["checks"]["worker"]["detail"] == "last beat 0 s ago; backlog 0"

    from portal.opendata.tasks import build_open_data

    build_open_data()
    build_open_data()  # two queued, over the limit of one
    status, body = health(client)
    assert status == 503 and body["failing"] == ["worker"]
    assert "backlog 2 over 1" in body["checks"]["worker"]["detail"]
    from portal import jobs

    jobs.huey.flush()
    heartbeat.forget_all()
    long_ago = datetime.now(UTC) - timedelta(seconds=45)
    heartbeat.write(heartbeat.Beat("elsewhere:1:ab", "elsewhere", 1, long_ago, long_ago))
    status, body = health(client)
    assert status == 503 and body["checks"]["worker"]["detail"] == (
        "no heartbeat for 45 s; backlog 0")


def test_readyz_does_no_io(client: FlaskClient, count_queries: Any) -> None:
    with count_queries() as queries:
        response = client.get("/readyz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ready"
    assert queries == []


def test_a_heartbeat_leaves_the_page_cache_alone(app: Any, no_heartbeats: None) -> None:
    """Consumers beat every few seconds; were that a public change, no page would stay cached."""
    from portal.web import page_cache

    before = page_cache.data_version()
    heartbeat.beat()
    assert page_cache.data_version() == before


def test_a_consumer_whose_first_beat_fails_beats_once_the_store_answers(
        app: Any, no_heartbeats: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # Redis restarting as the consumer starts: the first beat fails. The consumer must beat
    # as soon as Redis is back, or /healthz says it is down and its exports are taken from it.
    write = heartbeat.write
    failures: list[int] = []

    def flaky(record: heartbeat.Beat) -> None:
        if not failures:
            failures.append(1)
            raise ConnectionError("the store is restarting")
        write(record)

    monkeypatch.setattr(heartbeat, "write", flaky)
    monkeypatch.setattr(heartbeat, "_started", set())
    monkeypatch.setitem(app.config, "WORKER_HEARTBEAT_SECONDS", 0.05)
    stop = heartbeat.start(app)
    assert stop is not None
    try:
        deadline = time.monotonic() + 5
        while heartbeat.read(heartbeat.worker_id()) is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert failures == [1]
        assert heartbeat.read(heartbeat.worker_id()) is not None
    finally:
        stop.set()
        time.sleep(0.2)  # a beat in flight lands before no_heartbeats forgets them all
