"""`make bench`: national seed time, page latencies, API throughput, a 100,000-row budget
import and the open-data bulk build, on the national data.

The national database is built once into bench/cache/ and reused (delete it to rebuild).
The import runs on a throwaway copy of it, so the cache stays as the seed left it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / "cache"
RESULTS = ROOT / "bench" / "results"


def flask(*args: str, env: dict[str, str]) -> None:
    subprocess.run([str(ROOT / ".venv" / "bin" / "flask"), "--app", "portal", *args],
                   check=True, env=env, cwd=ROOT)


def build_national(env: dict[str, str]) -> float:
    marker = CACHE / "seed_seconds.json"
    if marker.exists():
        return float(json.loads(marker.read_text())["seconds"])
    CACHE.mkdir(parents=True, exist_ok=True)
    flask("db", "upgrade", env=env)
    started = time.perf_counter()
    flask("seed", "--scale", "national", env=env)
    seconds = time.perf_counter() - started
    marker.write_text(json.dumps({"seconds": seconds}))
    return seconds


def page_latencies(env: dict[str, str], requests: int = 300) -> dict[str, dict[str, float]]:
    os.environ.update(env)
    from sqlalchemy import select

    from portal import create_app
    from portal.akims.models import Term, TermStatus
    from portal.extensions import db
    from portal.geo.models import RuralDistrict

    app = create_app()
    client = app.test_client()
    with app.app_context():
        akim_ids = list(db.session.scalars(
            select(Term.akim_id).where(Term.status == TermStatus.SERVING).limit(50)
        ))
        katos = list(db.session.scalars(
            select(RuralDistrict.kato).order_by(RuralDistrict.kato).limit(50)
        ))
    pages = {
        "akim profile": [f"/akims/{akim_id}" for akim_id in akim_ids],
        "region page": ["/regions/61", "/regions/11", "/regions/55"],
        "home": ["/"],
        "rural district budget": [f"/rural-districts/{kato}/budget" for kato in katos],
        "region budget": ["/regions/61/budget", "/regions/11/budget", "/regions/55/budget"],
        "national budget": ["/budgets/"],
    }
    results: dict[str, dict[str, float]] = {}
    for name, urls in pages.items():
        for url in urls[:3]:
            client.get(url)  # warm up
        timings = []
        for index in range(requests):
            started = time.perf_counter()
            response = client.get(urls[index % len(urls)])
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (urls[index % len(urls)], response.status_code)
        timings.sort()
        results[name] = {
            "median_ms": statistics.median(timings),
            "p99_ms": timings[int(len(timings) * 0.99) - 1],
        }
    return results


API_URL = "/api/v1/akims?per_page=200"


def api_throughput(requests: int = 300) -> dict[str, dict[str, float]]:
    """GET /api/v1/akims?per_page=200, one client in-process: computed on every request (no
    cache), and as anonymous readers get it from the page cache."""
    from portal import create_app

    results: dict[str, dict[str, float]] = {}
    for label, cache_type in (("computed", "NullCache"), ("page cache", "SimpleCache")):
        app = create_app({"CACHE_TYPE": cache_type, "CACHE_NO_NULL_WARNING": True,
                          "RATELIMIT_ENABLED": False})
        client = app.test_client()
        for _ in range(3):
            assert client.get(API_URL).status_code == 200
        timings = []
        started = time.perf_counter()
        for _ in range(requests):
            begun = time.perf_counter()
            response = client.get(API_URL)
            timings.append((time.perf_counter() - begun) * 1000)
            assert response.status_code == 200 and len(response.get_json()["items"]) == 200
        elapsed = time.perf_counter() - started
        timings.sort()
        results[label] = {"rps": requests / elapsed, "median_ms": statistics.median(timings),
                          "p99_ms": timings[int(len(timings) * 0.99) - 1]}
    return results


def open_data_build() -> dict[str, float]:
    """The nightly bulk download of the national data, written to a throwaway folder."""
    from portal import create_app
    from portal.opendata import build

    with tempfile.TemporaryDirectory() as directory:
        app = create_app({"EXPORT_FOLDER": directory})
        with app.app_context():
            result = build.build()
    return {"seconds": result.seconds, "megabytes": result.size_bytes / 1e6,
            "rows": float(sum(result.tables.values()))}


IMPORT_ROWS = 100_000


def budget_import() -> dict[str, float]:
    """Import 100,000 rows (a year of quarterly actuals for every rural district: new lines
    and changed ones) into a copy of the national database, through the service."""
    from sqlalchemy import select

    from portal import create_app
    from portal.budgets.models import BudgetCategory
    from portal.budgets.services import import_budget_file
    from portal.extensions import db
    from portal.geo.models import RuralDistrict

    with tempfile.TemporaryDirectory() as directory:
        for suffix in ("", "-wal", "-shm"):
            source = CACHE / f"portal.db{suffix}"
            if source.exists():
                shutil.copy(source, Path(directory) / source.name)
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/portal.db"})
        with app.app_context():
            katos = list(db.session.scalars(select(RuralDistrict.kato).order_by(
                RuralDistrict.kato)))
            codes = list(db.session.scalars(select(BudgetCategory.code).where(
                BudgetCategory.valid_from_year.is_(None)).order_by(BudgetCategory.sort_order)))
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(("kato", "year", "period", "category", "approved", "adjusted",
                             "actual"))
            count = 0
            for quarter in range(1, 5):
                for code_index, code in enumerate(codes):
                    for kato_index, kato in enumerate(katos):
                        if count == IMPORT_ROWS:
                            break
                        amount = 100_000 + 7 * kato_index + 13 * code_index + quarter
                        writer.writerow((kato, 2025, f"Q{quarter}", code, "", "", amount))
                        count += 1
            path = Path(directory) / "budget.csv"
            path.write_text(buffer.getvalue(), encoding="utf-8")
            started = time.perf_counter()
            outcome = import_budget_file(path.read_bytes(), path.name, "bench")
            db.session.commit()
            seconds = time.perf_counter() - started
            assert outcome.succeeded, outcome.errors[:5]
            record = outcome.record
            started = time.perf_counter()
            again = import_budget_file(path.read_bytes(), path.name, "bench")
            db.session.commit()
            repeat_seconds = time.perf_counter() - started
            assert again.record.inserted == again.record.updated == 0
            result = {"rows": float(record.row_count), "seconds": seconds,
                      "inserted": float(record.inserted), "updated": float(record.updated),
                      "repeat_seconds": repeat_seconds}
            db.session.remove()
            db.engine.dispose()
    return result


def recall_evaluation(database_url: str) -> dict[str, float]:
    """Evaluate every serving term of a national database twice: once from no flags at all
    (every flag raised) and once more on the same day (idempotent: every flag confirmed)."""
    from sqlalchemy import delete, func, select

    from portal import create_app
    from portal.akims.models import Term, TermStatus
    from portal.extensions import db
    from portal.recall.evaluation import evaluate
    from portal.recall.models import Flag, RecallEvaluation
    from portal.reports.timeliness import local_today

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.session.execute(delete(Flag))
        db.session.execute(delete(RecallEvaluation))
        db.session.commit()
        serving = db.session.scalar(select(func.count()).select_from(Term).where(
            Term.status == TermStatus.SERVING)) or 0
        started = time.perf_counter()
        first = evaluate(local_today(), "bench")
        db.session.commit()
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        evaluate(local_today(), "bench")
        db.session.commit()
        repeat_seconds = time.perf_counter() - started
        result = {"terms": float(serving), "seconds": seconds, "repeat_seconds": repeat_seconds,
                  "raised": float(len(first.raised_ids))}
        db.session.remove()
        db.engine.dispose()
    return result


def _copy_of_cache(directory: str) -> str:
    for suffix in ("", "-wal", "-shm"):
        source = CACHE / f"portal.db{suffix}"
        if source.exists():
            shutil.copy(source, Path(directory) / source.name)
    return f"sqlite:///{directory}/portal.db"


def postgres_national(server_url: str, env: dict[str, str]) -> dict[str, float]:
    """The national seed and the recall evaluation on PostgreSQL, in a throwaway database
    (BENCH_PG_SERVER, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres)."""
    import uuid

    import sqlalchemy as sa

    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"portal_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(server_url).set(database=name).render_as_string(
        hide_password=False)
    try:
        pg_env = {**env, "DATABASE_URL": url}
        flask("db", "upgrade", env=pg_env)
        started = time.perf_counter()
        flask("seed", "--scale", "national", env=pg_env)
        seed_seconds = time.perf_counter() - started
        result = recall_evaluation(url)
        result["seed_seconds"] = seed_seconds
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return result


def _recall_line(label: str, numbers: dict[str, float]) -> str:
    return (f"| recall evaluation, {numbers['terms']:,.0f} serving terms, {label} "
            f"({numbers['raised']:,.0f} flags raised) | {numbers['seconds']:.2f} s (same day "
            f"again: {numbers['repeat_seconds']:.2f} s) | ≤ 5 s |")
RATINGS_MANY = 100_000


def _timed(client: object, url: str, requests: int) -> dict[str, float]:
    for _ in range(3):
        client.get(url)  # type: ignore[attr-defined] # warm up
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    return {"median_ms": statistics.median(timings),
            "p99_ms": timings[int(len(timings) * 0.99) - 1]}


def report_page_ratings(requests: int = 300) -> dict[str, dict[str, float]]:
    """The report page with 10 ratings and with 100,000 (and then 2,000 comments too), in a
    throwaway database: the demo seed, then rating rows inserted in bulk and the tallies set
    by `reconcile --fix`. Signed in as a resident, so the viewer's own score is looked up and
    no page cache answers."""
    from sqlalchemy import delete, func, insert, select

    from portal import create_app, seed
    from portal.accounts.models import Role, User, UserRole
    from portal.extensions import db
    from portal.feedback.models import Comment, Rating
    from portal.feedback.reconcile import reconcile
    from portal.reports.models import Report, ReportState
    from portal.seed.context import Scale

    with tempfile.TemporaryDirectory() as directory:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/bench.db",
                          "PORTAL_INSTANCE_PATH": directory})
        with app.app_context():
            import flask_migrate

            flask_migrate.upgrade()
            context = seed.run(Scale.DEMO, seed=2026)
            citizen = db.session.get(User, context.demo.citizen_user_id)
            assert citizen is not None
            few, many = list(db.session.scalars(
                select(Report.id).where(Report.term_id == context.demo.akim_term_id,
                                        Report.state == ReportState.PUBLISHED)
                .order_by(Report.period_start).limit(2)))
            db.session.execute(delete(Comment).where(Comment.report_id.in_((few, many))))
            db.session.execute(delete(Rating).where(Rating.report_id.in_((few, many))))
            first = (db.session.scalar(select(func.max(User.id))) or 0) + 1
            users = [{"id": first + n, "email": f"bench{n}@residents.demo.invalid",
                      "is_active_account": True, "session_version": 1,
                      "rural_district_id": citizen.rural_district_id,
                      "resident_verified_at": citizen.resident_verified_at}
                     for n in range(RATINGS_MANY)]
            for start in range(0, RATINGS_MANY, 20_000):
                db.session.execute(insert(User), users[start:start + 20_000])
            db.session.execute(insert(UserRole), [{"user_id": row["id"], "role": Role.CITIZEN}
                                                  for row in users])
            ratings = [{"report_id": many, "user_id": first + n, "score": 1 + n * 7 % 5}
                       for n in range(RATINGS_MANY)]
            ratings += [{"report_id": few, "user_id": first + n, "score": 1 + n % 5}
                        for n in range(10)]
            for start in range(0, len(ratings), 20_000):
                db.session.execute(insert(Rating), ratings[start:start + 20_000])
            comments = [{"report_id": report_id, "term_id": context.demo.akim_term_id,
                         "author_id": first + n, "body": f"Comment {n} on the report.",
                         "is_resident": True}
                        for report_id in (few, many) for n in range(30)]
            db.session.execute(insert(Comment), comments)
            reconcile(fix=True, actor="bench")
            db.session.commit()
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = citizen.get_id()
                session["_fresh"] = True
            results = {"10 ratings": _timed(client, f"/reports/{few}", requests),
                       f"{RATINGS_MANY:,} ratings": _timed(client, f"/reports/{many}",
                                                           requests)}
            db.session.execute(insert(Comment), [
                {"report_id": many, "term_id": context.demo.akim_term_id,
                 "author_id": first + n, "body": f"Another comment {n}.", "is_resident": True}
                for n in range(30, 2_000)])
            db.session.commit()
            results[f"{RATINGS_MANY:,} ratings, 2,000 comments"] = _timed(
                client, f"/reports/{many}", requests)
            db.session.remove()
            db.engine.dispose()
    return results


def main() -> None:
    env = dict(os.environ)
    env["PORTAL_INSTANCE_PATH"] = str(CACHE)
    env.pop("DATABASE_URL", None)
    seed_seconds = build_national(env)
    latencies = page_latencies(env)
    api = api_throughput()
    opendata = open_data_build()
    imported = budget_import()
    with tempfile.TemporaryDirectory() as directory:
        recall_sqlite = recall_evaluation(_copy_of_cache(directory))
    pg_server = os.environ.get("BENCH_PG_SERVER")
    recall_pg = postgres_national(pg_server, env) if pg_server else None
    report_pages = report_page_ratings()
    from bench import exports

    dossiers = exports.measure_apart(CACHE, env)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=ROOT).stdout.strip() or "uncommitted"
    lines = [
        f"# Benchmark {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit}, SQLite",
        "",
        "| measure | value | budget |",
        "|---|---|---|",
        f"| national seed | {seed_seconds:.1f} s | ≤ 120 s |",
    ]
    for name, numbers in latencies.items():
        lines.append(f"| {name} (in-process, warm) | median {numbers['median_ms']:.1f} ms, "
                     f"p99 {numbers['p99_ms']:.1f} ms | p99 ≤ 100 ms |")
    for label, numbers in api.items():
        lines.append(f"| GET {API_URL} ({label}, in-process, one client) | "
                     f"{numbers['rps']:.0f} req/s, median {numbers['median_ms']:.1f} ms, "
                     f"p99 {numbers['p99_ms']:.1f} ms | p99 ≤ 100 ms |")
    lines.append(f"| open-data bulk build ({opendata['rows']:,.0f} rows, "
                 f"{opendata['megabytes']:.1f} MB ZIP) | {opendata['seconds']:.1f} s | "
                 f"≤ 120 s |")
    lines.append(f"| budget import, {imported['rows']:,.0f} rows "
                 f"({imported['inserted']:,.0f} new, {imported['updated']:,.0f} changed) | "
                 f"{imported['seconds']:.1f} s (same file again: "
                 f"{imported['repeat_seconds']:.1f} s) | ≤ 30 s |")
    lines.append(_recall_line("SQLite", recall_sqlite))
    if recall_pg is not None:
        lines.append(f"| national seed, PostgreSQL | {recall_pg['seed_seconds']:.1f} s | ≤ 120 s |")
        lines.append(_recall_line("PostgreSQL", recall_pg))
    for name, numbers in report_pages.items():
        lines.append(f"| report page, {name} (in-process, warm, signed in) | median "
                     f"{numbers['median_ms']:.1f} ms, p99 {numbers['p99_ms']:.1f} ms | "
                     "p99 ≤ 100 ms, same with 10 |")
    lines.extend(exports.table_lines(dossiers))
    table = "\n".join(lines)
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{datetime.now(UTC):%Y%m%d-%H%M}-{commit}.md").write_text(table + "\n")


if __name__ == "__main__":
    sys.exit(main())
