"""A job whose consumer died is queued again (or, after its attempts, marked failed): never
left running. The crash itself, with real processes, is in tests/cluster/."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from portal import heartbeat
from portal.audit import AuditEvent
from portal.exports import bulk
from portal.exports.models import ExportJob, ExportStatus
from portal.exports.tasks import recover_abandoned
from portal.extensions import db
from tests.exports.conftest import build_record
from tests.factories import UserFactory

AREA = "district:6136"


def running_job(worker: str | None, attempts: int = 1) -> ExportJob:
    job = bulk.start_export(UserFactory(staff=True), AREA, "zip", "en")
    job.status, job.worker_id, job.attempts = ExportStatus.RUNNING, worker, attempts
    job.progress_total, job.progress_done = 2, 1
    db.session.commit()
    return job


def dead_process_id() -> int:
    """A pid no process has now: one of a child that has exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603 - fixed arguments
    child.wait()
    return child.pid


def beat_as(worker: str, seconds_ago: float = 0) -> None:
    host, pid, _token = worker.split(":")
    moment = datetime.now(UTC) - timedelta(seconds=seconds_ago)
    heartbeat.write(heartbeat.Beat(worker, host, int(pid), moment, moment))


def test_a_job_of_a_killed_consumer_on_this_machine_is_built_again(
        app: Any, no_heartbeats: None) -> None:
    build_record()
    dead = f"{heartbeat.host_name()}:{dead_process_id()}:abcd"
    beat_as(dead)
    job = running_job(dead)
    assert heartbeat.is_dead(dead)  # beat a moment ago, but its process is gone
    assert recover_abandoned() == [job.id]
    db.session.refresh(job)
    # Queued again and, jobs running inline in tests, built by this process at once.
    assert job.status is ExportStatus.DONE and job.attempts == 2
    assert job.worker_id == heartbeat.worker_id()
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("export.%")).order_by(AuditEvent.id)).all()
    assert actions[-1] == "export.retry"


def test_a_consumer_on_another_machine_is_dead_when_it_stops_beating(
        app: Any, no_heartbeats: None) -> None:
    app.config["WORKER_HEARTBEAT_SECONDS"] = 10
    try:
        quiet = "other-machine:4242:beef"
        beat_as(quiet, seconds_ago=20)
        assert not heartbeat.is_dead(quiet)  # two missed beats: maybe slow, not dead
        beat_as(quiet, seconds_ago=31)
        assert heartbeat.is_dead(quiet)
    finally:
        app.config.pop("WORKER_HEARTBEAT_SECONDS")


def test_a_live_consumers_job_is_left_alone(app: Any, no_heartbeats: None) -> None:
    heartbeat.beat()
    job = running_job(heartbeat.worker_id())
    assert recover_abandoned() == []
    db.session.refresh(job)
    assert job.status is ExportStatus.RUNNING


def test_after_its_last_attempt_the_job_is_marked_failed(app: Any) -> None:
    job = running_job("gone:1:dead", attempts=2)
    assert recover_abandoned() == []
    db.session.refresh(job)
    assert job.status is ExportStatus.FAILED and job.error == bulk.STALLED
    assert job.finished_at is not None


def test_a_job_already_claimed_is_not_built_twice(app: Any) -> None:
    build_record()
    job = running_job(heartbeat.worker_id())
    bulk.run_export(job.id)  # a duplicate delivery of the same job
    db.session.refresh(job)
    assert job.status is ExportStatus.RUNNING and job.attempts == 1


def test_a_job_taken_over_elsewhere_stops_here(app: Any, no_heartbeats: None,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Taken for dead (a long pause) and queued again: the first run stops between dossiers
    rather than build the same file twice, and leaves the job to its new owner."""
    build_record()
    build_record()
    heartbeat.beat()
    job = bulk.start_export(UserFactory(staff=True), AREA, "zip", "en")
    db.session.commit()
    original = bulk.produce_bundle

    def taken_over(*args: Any, **kwargs: Any) -> Any:
        db.session.execute(sa.update(ExportJob).where(ExportJob.id == job.id)
                           .values(worker_id="elsewhere:1:ab"))
        db.session.commit()
        return original(*args, **kwargs)

    monkeypatch.setattr(bulk, "produce_bundle", taken_over)
    bulk.run_export(job.id)
    db.session.refresh(job)
    assert job.status is ExportStatus.RUNNING and job.worker_id == "elsewhere:1:ab"
    assert job.progress_done == 0


def test_a_writers_conflict_during_recovery_is_tried_again(
        app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # SQLite refuses the first write of a transaction that has read once another writer (a
    # web process, the other consumer thread) has committed since: the recovery runs again
    # rather than fail until the next minute's run.
    job = running_job("gone:1:dead", attempts=2)
    record = bulk.audit.record
    calls: list[str] = []

    def locked_once(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[1])
        if len(calls) == 1:
            raise sa.exc.OperationalError(
                "UPDATE …", {}, sqlite3.OperationalError("database is locked"))
        return record(*args, **kwargs)

    monkeypatch.setattr(bulk.audit, "record", locked_once)
    assert recover_abandoned() == []
    db.session.refresh(job)
    assert job.status is ExportStatus.FAILED and job.error == bulk.STALLED
    assert calls == ["export.stalled", "export.stalled"]
    stalled = db.session.scalars(select(AuditEvent.id).where(
        AuditEvent.action == "export.stalled")).all()
    assert len(stalled) == 1  # the first attempt's update and event were rolled back
