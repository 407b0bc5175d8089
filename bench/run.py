"""`make bench`: national seed time, page latencies, a 100,000-row budget import and PDF
dossiers (one, cached, a region bundle; see bench/exports.py), on the national data.

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


def main() -> None:
    env = dict(os.environ)
    env["PORTAL_INSTANCE_PATH"] = str(CACHE)
    env.pop("DATABASE_URL", None)
    seed_seconds = build_national(env)
    latencies = page_latencies(env)
    imported = budget_import()
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
    lines.append(f"| budget import, {imported['rows']:,.0f} rows "
                 f"({imported['inserted']:,.0f} new, {imported['updated']:,.0f} changed) | "
                 f"{imported['seconds']:.1f} s (same file again: "
                 f"{imported['repeat_seconds']:.1f} s) | ≤ 30 s |")
    lines.extend(exports.table_lines(dossiers))
    table = "\n".join(lines)
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{datetime.now(UTC):%Y%m%d-%H%M}-{commit}.md").write_text(table + "\n")


if __name__ == "__main__":
    sys.exit(main())
