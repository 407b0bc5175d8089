"""Measurements made inside one Python process rather than over HTTP: one dossier PDF (median
of 20 in a warm process), the recall evaluation of the whole nation, and a 100,000-row budget
import; and, beyond the issue's list, a region's PDF bundle and the cached dossier route
(SQLite only, see docs/exports.md). Each runs in a fresh interpreter
(`python -m bench.measures NAME DATABASE_URL`), so the heap left by one does not slow the next;
its result comes back as JSON on stdout."""

from __future__ import annotations

import csv
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.ratings import report_page_ratings
from bench.seeds import ROOT

DOSSIERS = 20
IMPORT_ROWS = 100_000


def _app(database_url: str, **config: Any) -> Any:
    from portal import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False,
                       **config})


def _close() -> None:
    from portal.extensions import db

    db.session.remove()
    db.engine.dispose()


def dossier(database_url: str) -> dict[str, float]:
    """Prepare and render one akim's dossier PDF, 20 akims after two to warm up (fonts,
    stylesheet, templates); files go to a throwaway export folder, so nothing is cached."""
    from sqlalchemy import select

    from portal.akims.models import Term, TermStatus
    from portal.exports import services
    from portal.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        app = _app(database_url, STORAGE_URL=f"file://{folder}")
        with app.app_context():
            akim_ids = list(db.session.scalars(
                select(Term.akim_id).where(Term.status == TermStatus.SERVING)
                .order_by(Term.id).limit(DOSSIERS + 2)))
            timings, pages = [], []
            for index, akim_id in enumerate(akim_ids):
                started = time.perf_counter()
                item = services.prepare(akim_id, "en")
                assert item is not None
                _content, page_count = services.render_dossier_pdf(item)
                if index >= 2:
                    timings.append(time.perf_counter() - started)
                    pages.append(page_count)
            _close()
    return {"median_s": statistics.median(timings), "max_s": max(timings),
            "pages": statistics.median(pages), "count": len(timings)}


def recall(database_url: str) -> dict[str, float]:
    """Evaluate every serving term from no flags at all (every flag raised), then once more on
    the same day (idempotent: every flag confirmed). Run on a scratch copy: it deletes flags."""
    from sqlalchemy import delete, func, select

    from portal.akims.models import Term, TermStatus
    from portal.extensions import db
    from portal.recall.evaluation import evaluate
    from portal.recall.models import Flag, RecallEvaluation
    from portal.reports.timeliness import local_today

    app = _app(database_url)
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
        _close()
    return {"terms": float(serving), "seconds": seconds, "repeat_seconds": repeat_seconds,
            "raised": float(len(first.raised_ids))}


def budget_import(database_url: str) -> dict[str, float]:
    """Import 100,000 revenue rows (a year of quarterly actuals for every rural district: new
    lines and changed ones) through the import service, then the same file again (nothing
    changes). Run on a scratch copy."""
    from sqlalchemy import select

    from portal.budgets.models import BudgetCategory

    return _import_rows(database_url, "category", select(BudgetCategory.code).where(
        BudgetCategory.valid_from_year.is_(None)).order_by(BudgetCategory.sort_order))


def spending_import(database_url: str) -> dict[str, float]:
    """Import 100,000 spending rows (quarterly actuals per functional group for every rural
    district, over as many years as it takes), then the same file again. Scratch copy."""
    from sqlalchemy import select

    from portal.budgets.categories import sync_functions
    from portal.budgets.models import BudgetFunction

    return _import_rows(database_url, "function", select(BudgetFunction.code).order_by(
        BudgetFunction.sort_order), prepare=sync_functions)


def _import_rows(database_url: str, item_column: str, codes_query: Any,
                 prepare: Callable[[], Any] | None = None) -> dict[str, float]:
    from sqlalchemy import select

    from portal.budgets.services import import_budget_file
    from portal.extensions import db
    from portal.geo.models import RuralDistrict

    app = _app(database_url)
    with app.app_context():
        if prepare is not None:
            prepare()
            db.session.commit()
        katos = list(db.session.scalars(select(RuralDistrict.kato).order_by(RuralDistrict.kato)))
        codes = list(db.session.scalars(codes_query))
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(("kato", "year", "period", item_column, "approved", "adjusted",
                         "actual"))
        count = 0
        year = 2025
        while count < IMPORT_ROWS:
            for quarter in range(1, 5):
                for code_index, code in enumerate(codes):
                    for kato_index, kato in enumerate(katos):
                        if count == IMPORT_ROWS:
                            break
                        amount = 100_000 + 7 * kato_index + 13 * code_index + quarter
                        writer.writerow((kato, year, f"Q{quarter}", code, "", "", amount))
                        count += 1
            year -= 1
        content = buffer.getvalue().encode()
        started = time.perf_counter()
        outcome = import_budget_file(content, "budget.csv", "bench")
        db.session.commit()
        seconds = time.perf_counter() - started
        assert outcome.succeeded, outcome.errors[:5]
        record = outcome.record
        started = time.perf_counter()
        again = import_budget_file(content, "budget.csv", "bench")
        db.session.commit()
        repeat_seconds = time.perf_counter() - started
        assert again.record.inserted == again.record.updated == 0
        result = {"rows": float(record.row_count), "seconds": seconds,
                  "inserted": float(record.inserted), "updated": float(record.updated),
                  "repeat_seconds": repeat_seconds}
        _close()
    return result


BUNDLE_SIZE = 150


def bundle(database_url: str) -> dict[str, Any]:
    """The PDF bundle of the region whose number of serving akims is closest to 150: cold,
    with its dossiers already cached, and unchanged (the finished file is reused); and the
    cached dossier route (200 from the file, 304 on If-None-Match)."""
    from sqlalchemy import func, select

    from portal.akims.models import Term, TermStatus
    from portal.exports import bulk
    from portal.exports.models import ExportFormat
    from portal.exports.scope import Scope, ScopeLevel
    from portal.extensions import db
    from portal.geo.models import District, Region, RuralDistrict

    with tempfile.TemporaryDirectory() as folder:
        app = _app(database_url, STORAGE_URL=f"file://{folder}")
        with app.app_context():
            counts = db.session.execute(
                select(Region.kato2, Region.name_en, func.count(Term.id))
                .join(District, District.region_id == Region.id)
                .join(RuralDistrict, RuralDistrict.district_id == District.id)
                .join(Term, Term.rural_district_id == RuralDistrict.id)
                .where(Term.status == TermStatus.SERVING).group_by(Region.id)).all()
            kato2, name, size = min(counts, key=lambda row: abs(row[2] - BUNDLE_SIZE))
            scope = Scope(ScopeLevel.REGION, kato2)
            runs = {}
            for label in ("cold", "dossiers_cached", "unchanged"):
                if label == "dossiers_cached":
                    for path in (Path(folder) / "exports" / "bundles").glob("*"):
                        path.unlink()
                started = time.perf_counter()
                result = bulk.produce_bundle(scope, ExportFormat.PDF, "en")
                runs[label] = time.perf_counter() - started
                assert result.key is not None and result.dossiers == size
            assert result.key is not None
            megabytes = (Path(folder) / result.key).stat().st_size / 1e6

            client = app.test_client()
            akim_id = db.session.scalar(select(Term.akim_id).where(
                Term.status == TermStatus.SERVING).order_by(Term.id))
            url = f"/akims/{akim_id}/accountability.pdf?lang=en"
            etag = client.get(url).headers["ETag"]
            cached, revalidated = [], []
            for _ in range(50):
                started = time.perf_counter()
                assert client.get(url).status_code == 200
                cached.append(time.perf_counter() - started)
                started = time.perf_counter()
                assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
                revalidated.append(time.perf_counter() - started)
            _close()
    return {"region": name, "akims": size, "megabytes": megabytes, **runs,
            "cached_ms": statistics.median(cached) * 1000,
            "not_modified_ms": statistics.median(revalidated) * 1000}


def dossier_pipeline(database_url: str) -> dict[str, Any]:
    from bench import dossiers

    return dossiers.measure(database_url)


def notifications(database_url: str) -> dict[str, float]:
    from bench import notifications as followers

    return followers.measure(database_url)


MEASURES: dict[str, Callable[[str], Any]] = {
    "dossier": dossier, "recall": recall, "budget_import": budget_import,
    "spending_import": spending_import, "bundle": bundle,
    "ratings": report_page_ratings, "dossier_pipeline": dossier_pipeline,
    "notifications": notifications}


def measure_apart(name: str, database_url: str, env: dict[str, str]) -> dict[str, Any]:
    """One measure in a fresh interpreter."""
    result = subprocess.run([sys.executable, "-m", "bench.measures", name, database_url],
                            capture_output=True, text=True, env=env, cwd=ROOT)
    if result.returncode:
        raise RuntimeError(f"the {name} measure failed:\n{result.stderr[-3000:]}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    print(json.dumps(MEASURES[sys.argv[1]](sys.argv[2])))
