"""Dossiers rebuilt ahead of readers (issue 25), measured as production runs them: gunicorn and
a Huey consumer on a scratch copy of the national database.

1. Readers ask for the Russian dossiers of 20 akims (each rendered once; this records the
   demand the worker follows).
2. Change to ready, the worker idle: one promise of one akim is edited and committed (in this
   process, as an editor's request would), and the time until the worker has written the
   dossier of the new data is taken; five akims in turn, the median reported.
3. A burst: one edit to each of the 20 akims, committed one after another, and at once wrk
   loads the 20 dossier addresses for 10 s, counting the answers the route marks
   `X-Dossier-Cache: hit` (the file was there), `miss` (this request rendered it) and `wait`
   (this request waited for another's render of the same dossier). Reported: the share from
   cache (hits of all answers) and the share rendered by a reader (misses of all answers: with
   one render per dossier at a time, at most one per dossier). Also: how long the worker took
   to rebuild the whole burst.

Run in a fresh interpreter (`python -m bench.measures dossier_pipeline DATABASE_URL`) with the
scratch instance's environment.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import load, server, targets
from bench.seeds import ROOT

LANGUAGE = "ru"
READY_SAMPLES = 5
READY_TIMEOUT_S = 120

SCRIPT = """
local paths = {%(paths)s}
local counter = 0
local threads = {}
hits, misses, waits, others = 0, 0, 0, 0

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  counter = math.random(#paths)
end

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end

response = function(status, headers, body)
  local mark = headers["X-Dossier-Cache"]
  if mark == "hit" then hits = hits + 1
  elseif mark == "miss" then misses = misses + 1
  elseif mark == "wait" then waits = waits + 1
  else others = others + 1 end
end

done = function(summary, latency, requests)
  local h, m, w, o = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    h = h + thread:get("hits"); m = m + thread:get("misses"); w = w + thread:get("waits")
    o = o + thread:get("others")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, ' ..
    '"hits": %%d, "misses": %%d, "waits": %%d, "others": %%d, "errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    h, m, w, o, e.connect + e.read + e.write + e.status + e.timeout))
end
"""


@contextmanager
def job_worker(env: dict[str, str], log: Path) -> Iterator[None]:
    """The Huey consumer as scripts/serve.sh starts it."""
    with log.open("w") as output, subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "huey_consumer"), "portal.worker.huey", "--workers",
             "1", "--worker-type", "thread", "--max-delay", "2"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT) as process:
        try:
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@contextmanager
def _worker_log_on_failure(log: Path) -> Iterator[None]:
    """The scratch instance goes with the run: a failure carries the worker's last words."""
    try:
        yield
    except RuntimeError as error:
        tail = log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"
        raise RuntimeError(f"{error}\nthe job worker's log ends:\n{tail}") from None


def _edit(akim_id: int, mark: str) -> None:
    """One editor's change: a promise title of the akim's serving term, committed inside a
    form post's request context, as the editor's request would (on SQLite a post's first
    transaction takes the write lock when it begins; a read-then-write transaction outside
    one fails with "database is locked" while the worker writes)."""
    from flask import current_app
    from sqlalchemy import select

    from portal.akims.models import Term, TermStatus
    from portal.extensions import db
    from portal.promises.models import Promise

    with current_app.test_request_context("/", method="POST"):
        promise = db.session.scalars(
            select(Promise).join(Term, Term.id == Promise.term_id)
            .where(Term.akim_id == akim_id, Term.status == TermStatus.SERVING)
            .order_by(Promise.number)).first()
        assert promise is not None, f"akim {akim_id} has no promise"
        promise.title = f"{promise.title.split(' [')[0]} [{mark}]"
        db.session.commit()


def _key_of(akim_id: int) -> str:
    """The storage key of the dossier of the akim's data as it is now: its rendition id (the
    data fingerprint names the facts, not the file; the store keys PDFs by rendition)."""
    from portal.exports import services, store
    from portal.extensions import db

    item = services.prepare(akim_id, LANGUAGE)
    assert item is not None
    db.session.commit()
    return store.dossier_key(item.rendition)


def _wait_for(key: str, since: float) -> float:
    from portal.exports import store

    while not store.exists(key):
        if time.monotonic() - since > READY_TIMEOUT_S:
            raise RuntimeError(f"no rebuilt dossier {key} in {READY_TIMEOUT_S} s")
        time.sleep(0.05)
    return time.monotonic() - since


class _Watcher(threading.Thread):
    """Notes when the last of some dossiers is stored (by the worker or by a request)."""

    def __init__(self, app: Any, keys: list[str], since: float) -> None:
        super().__init__(daemon=True)
        self.app, self.keys, self.since = app, keys, since
        self.last_seen = float("nan")

    def run(self) -> None:
        from portal.exports import store

        waiting = set(self.keys)
        with self.app.app_context():
            while waiting and time.monotonic() - self.since < READY_TIMEOUT_S:
                waiting = {key for key in waiting if not store.exists(key)}
                time.sleep(0.05)
        if not waiting:
            self.last_seen = time.monotonic() - self.since


def _load(base_url: str, paths: list[str]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(SCRIPT % {"paths": ", ".join(f'"{path}"' for path in paths)})
    try:
        output = subprocess.run(
            [load.wrk_path(), "--threads", str(load.THREADS), "--connections",
             str(load.CONNECTIONS), "--duration", f"{load.DURATION_S}s", "--timeout", "10s",
             "--script", script.name, base_url],
            check=True, capture_output=True, text=True).stdout
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    numbers: dict[str, Any] = json.loads(line.removeprefix("BENCH "))
    return numbers


def measure(database_url: str) -> dict[str, Any]:
    from portal import create_app

    akim_ids = targets.akim_ids(database_url)
    paths = [f"/akims/{akim_id}/accountability.pdf?lang={LANGUAGE}" for akim_id in akim_ids]
    instance = Path(os.environ["PORTAL_INSTANCE_PATH"])
    env = dict(os.environ)
    with server.gunicorn(env, instance / "gunicorn.log") as served, \
            job_worker(env, instance / "worker.log"):
        for path in paths:  # readers ask once: the demand the worker follows
            with urllib.request.urlopen(served.base_url + path, timeout=120) as answer:  # noqa: S310
                answer.read()
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
        with app.app_context(), _worker_log_on_failure(instance / "worker.log"):
            ready = []
            for index, akim_id in enumerate(akim_ids[:READY_SAMPLES]):
                time.sleep(1)  # the worker idle
                started = time.monotonic()
                _edit(akim_id, f"ready {index}")
                ready.append(_wait_for(_key_of(akim_id), started))
            started = time.monotonic()
            for akim_id in akim_ids:
                _edit(akim_id, "burst")
            committed = time.monotonic() - started
            watcher = _Watcher(app, [_key_of(akim_id) for akim_id in akim_ids], started)
            watcher.start()
            numbers = _load(served.base_url, paths)
            watcher.join(READY_TIMEOUT_S)
            drained = watcher.last_seen
    served_total = numbers["hits"] + numbers["misses"] + numbers["waits"]
    return {
        "ready_median_s": statistics.median(ready), "ready_max_s": max(ready),
        "ready_samples": len(ready), "akims": len(akim_ids),
        "burst_commit_s": committed, "burst_rebuilt_s": drained,
        "requests": numbers["requests"], "hits": numbers["hits"],
        "misses": numbers["misses"], "waits": numbers["waits"],
        "errors": numbers["errors"] + numbers["others"],
        "hit_share": numbers["hits"] / served_total if served_total else 0.0,
        "reader_render_share": numbers["misses"] / served_total if served_total else 0.0,
    }

