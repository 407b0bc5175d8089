"""The job queue: inline in tests, SQLite by default, Redis when REDIS_URL is set."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from huey.storage import RedisStorage, SqliteStorage

from portal import jobs
from portal.extensions import db
from portal.web.models import SiteMeta


@jobs.app_task()
def _remember(value: str) -> str:
    """A tiny task that touches the database, so it proves it runs in an app context."""
    return f"{value}:{db.session.get(SiteMeta, 'nothing') is None}"


def test_tasks_run_inline_in_tests() -> None:
    result = _remember("ok")
    assert result() == "ok:True"


def test_sqlite_storage_by_default(make_app: Any, tmp_path: Any) -> None:
    make_app(JOBS_IMMEDIATE=False, HUEY_SQLITE_PATH=str(tmp_path / "jobs.db"))
    assert isinstance(jobs.huey.storage, SqliteStorage)
    _remember("queued")
    task = jobs.huey.dequeue()
    assert task is not None
    assert jobs.huey.execute(task) == "queued:True"


@pytest.mark.redis
def test_redis_storage_when_redis_url_is_set(make_app: Any, redis_url: str) -> None:
    # A queue name of its own: other test runs may share this Redis database.
    make_app(JOBS_IMMEDIATE=False, REDIS_URL=redis_url, JOBS_QUEUE_NAME=f"test-{uuid.uuid4().hex}")
    assert isinstance(jobs.huey.storage, RedisStorage)
    jobs.huey.flush()
    try:
        _remember("via-redis")
        task = jobs.huey.dequeue()
        assert task is not None
        assert jobs.huey.execute(task) == "via-redis:True"
    finally:
        jobs.huey.flush()
