"""Crash safety: SIGKILL a gunicorn worker and the job consumer in the middle of a rating
burst, a report correction published with attachments, and a bulk export. Afterwards every
acknowledged write is there, nothing half-written is visible (no version without its file, no
row without its object, no tally out of step) and the export is retried, never stuck."""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
import signal
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import boto3
import requests
import sqlalchemy as sa

from tests.cluster.harness import (
    RESIDENTS,
    Cluster,
    csrf,
    form_fields,
    health,
    sign_in,
    wait_until,
)

MARK = "Crash drill correction"


def rows(engine: sa.Engine, query: str, **params: object) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(sa.text(query), params))


def kill_one_worker(portal_cluster: Cluster) -> int:
    """SIGKILL one gunicorn worker of machine A; its master starts another."""
    victim = random.choice(portal_cluster.a.worker_pids())  # noqa: S311 - not security
    os.kill(victim, signal.SIGKILL)
    return victim


def wait_recovered(portal_cluster: Cluster) -> None:
    """A's master has replaced the worker; a new consumer is beating."""
    wait_until(lambda: len(portal_cluster.a.worker_pids()) == 2, 60, "A lost a worker for good")
    if portal_cluster.consumer is None:
        portal_cluster.start_consumer()
    wait_until(lambda: health(portal_cluster.a.url).get("status") == "ok", 90,
               f"the cluster never became healthy again: {health(portal_cluster.a.url)}")


def s3_objects(portal_cluster: Cluster) -> dict[str, bytes]:
    url = portal_cluster.env["STORAGE_URL"]
    bucket, rest = url[len("s3://"):].split("/", 1)
    prefix, query = rest.split("?", 1)
    endpoint = re.search(r"endpoint=([^&]+)", query).group(1)  # type: ignore[union-attr]
    client = boto3.session.Session().client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket,
                                                                  Prefix=f"{prefix}/uploads/"):
        for item in page.get("Contents", ()):
            key = item["Key"][len(prefix) + 1:]
            found[key] = client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
    return found


def no_row_without_its_file(portal_cluster: Cluster, engine: sa.Engine) -> None:
    stored = s3_objects(portal_cluster)
    for key, size, sha256 in rows(engine,
                                  "SELECT storage_key, size_bytes, sha256 FROM stored_file"):
        data = stored.get(f"uploads/{key[:2]}/{key}")
        assert data is not None, f"stored_file {key} has no object"
        assert len(data) == size and hashlib.sha256(data).hexdigest() == sha256


def test_a_rating_burst_survives_a_killed_worker_and_consumer(portal_cluster: Cluster,
                                                             cluster_db: sa.Engine) -> None:
    a, b = portal_cluster.a.url, portal_cluster.b.url
    reports = [row[0] for row in rows(cluster_db, """
        SELECT r.id FROM report r JOIN term t ON t.id = r.term_id
        JOIN user_account u ON u.akim_id = t.akim_id
        WHERE u.email = 'akim@demo.kz' AND r.state = 'published' ORDER BY r.id""")][:2]
    residents = [(sign_in(a if index % 2 else b, email), email)
                 for index, email in enumerate(RESIDENTS[:16])]
    tokens = [csrf(session, f"{a}/reports/{reports[0]}") for session, _email in residents]
    acknowledged: list[tuple[str, int, int]] = []
    lock = threading.Lock()

    def rate(index: int, report: int) -> None:
        session, email = residents[index]
        score = 1 + (index + report) % 5
        try:
            response = session.post(f"{a}/reports/{report}/rate", timeout=60,
                                    allow_redirects=False,
                                    data={"csrf_token": tokens[index], "score": str(score),
                                          "comment": ""})
        except requests.ConnectionError:
            return  # the worker died under this request: not acknowledged
        if response.status_code == 302:
            with lock:
                acknowledged.append((email, report, score))

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures: list[Future[None]] = [pool.submit(rate, index, report)
                                       for report in reports for index in range(len(residents))]
        wait_until(lambda: sum(future.done() for future in futures) >= 6, 120,
                   "the burst did not start")
        kill_one_worker(portal_cluster)
        portal_cluster.kill_consumer()
        for future in futures:
            future.result()
    assert len(acknowledged) >= 6
    stored = {(email, report): score for email, report, score in rows(cluster_db, """
        SELECT u.email, r.report_id, r.score FROM rating r
        JOIN user_account u ON u.id = r.user_id WHERE u.email LIKE '%@cluster.demo.kz'""")}
    for email, report, score in acknowledged:
        assert stored.get((email, report)) == score, f"{email}'s acknowledged rating is lost"
    reconcile = portal_cluster.flask("feedback", "reconcile")
    assert reconcile.returncode == 0 and ": 0 mismatches." in reconcile.stdout, reconcile.stdout
    wait_recovered(portal_cluster)


def test_a_correction_with_attachments_is_whole_or_absent(portal_cluster: Cluster,
                                                          cluster_db: sa.Engine) -> None:
    a, b = portal_cluster.a.url, portal_cluster.b.url
    reports = [row[0] for row in rows(cluster_db, """
        SELECT r.id FROM report r JOIN term t ON t.id = r.term_id
        JOIN user_account u ON u.akim_id = t.akim_id
        WHERE u.email = 'akim@demo.kz' AND r.state = 'published' ORDER BY r.id""")][:2]
    akim = sign_in(a, "akim@demo.kz")
    acknowledged: list[tuple[int, int]] = []

    def correct(report: int, rounds: int) -> None:
        for round_number in range(rounds):
            page = akim.get(f"{b}/reports/{report}/amend", timeout=60).text
            fields = form_fields(page, f"/reports/{report}/amend")
            fields["reason"] = f"{MARK} {round_number}: a figure was wrong."
            for name in [name for name in fields if name.endswith(("summary", "_text"))][:1]:
                fields[name] = fields[name] + f" (corrected {round_number})"
            payload = b"%PDF-1.7\n" + os.urandom(300_000) + b"\n%%EOF\n"
            try:
                response = akim.post(f"{a}/reports/{report}/amend", timeout=120, data=fields,
                                     allow_redirects=False, files={"attachment": (
                                         f"correction-{round_number}.pdf", io.BytesIO(payload),
                                         "application/pdf")})
            except requests.ConnectionError:
                continue
            if response.status_code == 302:
                number = int(rows(cluster_db, "SELECT current_version FROM report WHERE id = :r",
                                  r=report)[0][0])
                acknowledged.append((report, number))

    killer = threading.Timer(1.5, lambda: kill_one_worker(portal_cluster))
    killer.start()
    threads = [threading.Thread(target=correct, args=(report, 3)) for report in reports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    killer.join()
    assert acknowledged, "no correction was acknowledged"
    versions = rows(cluster_db, """
        SELECT v.report_id, v.number FROM report_version v
        WHERE v.reason LIKE :mark ORDER BY v.report_id, v.number""", mark=f"{MARK}%")
    for report, number in acknowledged:
        assert (report, number) in [tuple(version) for version in versions]
    for report, number in versions:
        files = rows(cluster_db, """
            SELECT f.original_name FROM report_attachment a JOIN stored_file f
            ON f.id = a.stored_file_id WHERE a.report_id = :r AND a.added_in_version = :n""",
                     r=report, n=number)
        assert len(files) == 1, f"report {report} version {number} has {len(files)} files"
    no_row_without_its_file(portal_cluster, cluster_db)
    wait_recovered(portal_cluster)


def test_an_export_whose_consumer_is_killed_is_built_again(portal_cluster: Cluster,
                                                          cluster_db: sa.Engine) -> None:
    a = portal_cluster.a.url
    wait_recovered(portal_cluster)
    staff = sign_in(a, "staff@demo.kz")
    page = staff.get(f"{a}/exports/", timeout=30).text
    # The largest region: the export runs long enough to be caught in the middle.
    regions = re.findall(r'value="(region:\d+)"[^>]*>[^<]*\((\d+)\)', page)
    area = max(regions, key=lambda item: int(item[1]))[0]
    response = staff.post(f"{a}/exports/", timeout=30, allow_redirects=False, data={
        "csrf_token": csrf(staff, f"{a}/exports/"), "area": area, "format": "pdf",
        "language": "kk"})
    job = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])

    def status() -> dict[str, Any]:
        return dict(staff.get(f"{a}/exports/{job}/status.json", timeout=30).json())

    wait_until(lambda: status()["status"] == "running", 120, "the export never started")
    time.sleep(1.0)
    portal_cluster.kill_consumer()
    assert status()["status"] == "running"  # its consumer is gone; the row still says so
    portal_cluster.start_consumer()
    wait_until(lambda: status()["finished"], 600, f"export {job} is stuck: {status()}")
    assert status()["status"] == "done"
    attempts = rows(cluster_db, "SELECT attempts FROM export_job WHERE id = :j", j=job)[0][0]
    assert attempts == 2  # started, killed, started again
    download = staff.get(f"{a}/exports/{job}/download", timeout=120)
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
