"""`make bench`: the national data on SQLite and on PostgreSQL, served by gunicorn and loaded
with wrk, plus the one-off measures (seed, dossier PDF, recall evaluation, budget import).

BENCH_DATABASES=sqlite (or postgres) measures one database only. See docs/performance.md.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from bench import load, phone, report, seeds, server, targets
from bench.measures import measure_apart
from bench.report import DatabaseRun

BUILDERS = {"sqlite": seeds.sqlite_national, "postgres": seeds.postgres_national}


def _flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def measure_database(database: seeds.Database) -> DatabaseRun:
    run = DatabaseRun(database.label, database.seed_seconds, not database.rebuilt)
    env = database.env()
    for name in ("budget_import", "spending_import", "recall", "notifications"):
        print(f"[{database.label}] {name} (on a scratch copy) ...", flush=True)
        with tempfile.TemporaryDirectory() as directory, \
                seeds.scratch_copy(database, Path(directory)) as url:
            run.measures[name] = measure_apart(name, url, env)
    print(f"[{database.label}] dossier PDF ...", flush=True)
    run.measures["dossier"] = measure_apart("dossier", database.url, env)
    if database.label == "SQLite" and os.environ.get("BENCH_BUNDLE", "1") == "1":
        print(f"[{database.label}] region bundle PDF (about a minute) ...", flush=True)
        run.measures["bundle"] = measure_apart("bundle", database.url, env)
    if database.label == "SQLite":
        print(f"[{database.label}] report page with 10 and 100,000 ratings ...", flush=True)
        run.measures["ratings"] = measure_apart("ratings", database.url, env)
    if os.environ.get("BENCH_DOSSIERS", "1") == "1":
        print(f"[{database.label}] dossiers rebuilt ahead of readers (on a scratch copy) ...",
              flush=True)
        run.measures["dossier_pipeline"] = _dossier_pipeline(database)
    if database.redis_url:
        _flush_redis(database.redis_url)  # no page cache or rate-limit count left over
    os.environ["PORTAL_INSTANCE_PATH"] = str(database.instance)
    pages = targets.pages(database.url)
    phone_pages, resident = phone.prepare(database.url)
    log = seeds.CACHE / f"gunicorn-{database.label.lower()}.log"
    run.load_average = os.getloadavg()[0]
    with server.gunicorn(env, log) as gunicorn:
        for page in pages:
            result = load.measure(gunicorn.base_url, page.paths, page.uncached)
            run.loads[page.name] = result
            print(f"[{database.label}] {page.name}: {result.rps:,.0f} req/s, p99 "
                  f"{result.p99_ms:.1f} ms, {result.errors} errors", flush=True)
        run.rss_mb = gunicorn.worker_rss_mb()
        if os.environ.get("BENCH_PHONE", "1") == "1":
            print(f"[{database.label}] rural phone (Chromium, slow line) ...", flush=True)
            run.phone = phone.measure(gunicorn.base_url, phone_pages, resident)
    return run


def _dossier_pipeline(database: seeds.Database) -> dict[str, object]:
    """gunicorn and a job worker on a scratch copy: the edits must not reach the cache."""
    with tempfile.TemporaryDirectory() as directory, \
            seeds.scratch_copy(database, Path(directory)) as url:
        instance = seeds.scratch_instance(database, Path(directory))
        env = {**database.env(), "DATABASE_URL": url, "PORTAL_INSTANCE_PATH": str(instance)}
        if database.redis_url:
            _flush_redis(database.redis_url)  # an empty job queue and page cache
        return measure_apart("dossier_pipeline", url, env)


def main() -> None:
    started = time.perf_counter()
    load.wrk_path()  # fail before building anything
    commit = seeds.git_commit()
    chosen = os.environ.get("BENCH_DATABASES", "sqlite,postgres").split(",")
    runs = []
    for kind in chosen:
        database = BUILDERS[kind.strip()]()
        runs.append(measure_database(database))
    table = report.render(runs, commit, time.perf_counter() - started)
    path = report.save(table, commit)
    print()
    print(table)
    print(f"Saved to {path.relative_to(seeds.ROOT)}")


if __name__ == "__main__":
    main()
