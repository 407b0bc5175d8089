"""Dossier benchmarks for `make bench`: one dossier in a warm process, the cached route, and a
region bundle of about 150 akims, on the national seed (bench/cache/portal.db).

Run in a process of its own (`python -m bench.exports CACHE_DIR`, as `run.py` does), so the
heap left by the other benchmarks does not slow it down. Files go to a temporary export folder,
so every run starts cold and the cache stays clean.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DOSSIERS = 20
BUNDLE_SIZE = 150


def measure(cache_dir: Path) -> dict[str, Any]:
    from sqlalchemy import func, select

    from portal import create_app
    from portal.akims.models import Term, TermStatus
    from portal.exports import bulk, services
    from portal.exports.models import ExportFormat
    from portal.exports.pdf import write_pdf
    from portal.exports.scope import Scope, ScopeLevel
    from portal.extensions import db
    from portal.geo.models import District, Region, RuralDistrict

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{cache_dir.resolve() / 'portal.db'}",
            "EXPORT_FOLDER": folder, "RATELIMIT_ENABLED": False,
        })
        results: dict[str, Any] = {}
        with app.app_context():
            akim_ids = list(db.session.scalars(
                select(Term.akim_id).where(Term.status == TermStatus.SERVING)
                .order_by(Term.id).limit(DOSSIERS + 2)))
            for akim_id in akim_ids[:2]:  # warm up: fonts, stylesheet, templates
                item = services.prepare(akim_id, "en")
                assert item is not None
                write_pdf([services.render_dossier(item)])
            timings, pages = [], []
            for akim_id in akim_ids[2:]:
                started = time.perf_counter()
                item = services.prepare(akim_id, "en")
                assert item is not None
                document = services.render_dossier(item)
                write_pdf([document])
                timings.append(time.perf_counter() - started)
                pages.append(len(document.pages))
            results["dossier"] = {"median": statistics.median(timings), "max": max(timings),
                                  "pages": statistics.median(pages), "count": len(timings)}

            client = app.test_client()
            url = f"/akims/{akim_ids[2]}/accountability.pdf?lang=en"
            etag = client.get(url).headers["ETag"]
            cached, revalidated = [], []
            for _ in range(50):
                started = time.perf_counter()
                assert client.get(url).status_code == 200
                cached.append(time.perf_counter() - started)
                started = time.perf_counter()
                assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
                revalidated.append(time.perf_counter() - started)
            results["cached"] = {"median_ms": statistics.median(cached) * 1000,
                                 "not_modified_ms": statistics.median(revalidated) * 1000}

            # The region whose number of serving akims is closest to BUNDLE_SIZE.
            counts = db.session.execute(
                select(Region.kato2, Region.name_en, func.count(Term.id))
                .join(District, District.region_id == Region.id)
                .join(RuralDistrict, RuralDistrict.district_id == District.id)
                .join(Term, Term.rural_district_id == RuralDistrict.id)
                .where(Term.status == TermStatus.SERVING).group_by(Region.id)).all()
            kato2, name, size = min(counts, key=lambda row: abs(row[2] - BUNDLE_SIZE))
            scope = Scope(ScopeLevel.REGION, kato2)
            runs = {}
            for label in ("cold", "dossiers cached", "unchanged"):
                if label == "dossiers cached":
                    for path in (Path(folder) / "bundles").glob("*"):
                        path.unlink()
                started = time.perf_counter()
                result = bulk.produce_bundle(scope, ExportFormat.PDF, "en")
                runs[label] = time.perf_counter() - started
                assert result.path is not None and result.dossiers == size
            results["bundle"] = {"region": name, "akims": size, **runs,
                                 "megabytes": result.path.stat().st_size / 1e6}
            db.session.remove()
            db.engine.dispose()
    return results


def table_lines(results: dict[str, Any]) -> list[str]:
    dossier, cached, bundle = results["dossier"], results["cached"], results["bundle"]
    return [
        f"| dossier PDF, one akim, uncached (warm process, {dossier['count']} akims, "
        f"{dossier['pages']:.0f} pages) | median {dossier['median']:.2f} s, "
        f"max {dossier['max']:.2f} s | median ≤ 0.5 s |",
        f"| dossier PDF, cached (HTTP 200 from the file cache; 304 on If-None-Match) | "
        f"median {cached['median_ms']:.1f} ms; 304 {cached['not_modified_ms']:.1f} ms | — |",
        f"| bundle PDF, {bundle['region']} ({bundle['akims']} akims, "
        f"{bundle['megabytes']:.1f} MB) | {bundle['cold']:.1f} s cold; "
        f"{bundle['dossiers cached']:.1f} s with dossiers cached; "
        f"{bundle['unchanged']:.2f} s unchanged | ≤ 60 s |",
    ]


def measure_apart(cache_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    """`measure` in a fresh interpreter; its result comes back as JSON on stdout."""
    output = subprocess.run([sys.executable, "-m", "bench.exports", str(cache_dir)],
                            check=True, capture_output=True, text=True, env=env,
                            cwd=Path(__file__).resolve().parent.parent).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


if __name__ == "__main__":
    os.environ.setdefault("PORTAL_INSTANCE_PATH", sys.argv[1])
    print(json.dumps(measure(Path(sys.argv[1]))))
