"""`make bench`: national seed time and page latencies on the national data.

The national database is built once into bench/cache/ and reused (delete it to rebuild).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
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

    app = create_app()
    client = app.test_client()
    with app.app_context():
        akim_ids = list(db.session.scalars(
            select(Term.akim_id).where(Term.status == TermStatus.SERVING).limit(50)
        ))
    pages = {
        "akim profile": [f"/akims/{akim_id}" for akim_id in akim_ids],
        "region page": ["/regions/61", "/regions/11", "/regions/55"],
        "home": ["/"],
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


def main() -> None:
    env = dict(os.environ)
    env["PORTAL_INSTANCE_PATH"] = str(CACHE)
    env.pop("DATABASE_URL", None)
    seed_seconds = build_national(env)
    latencies = page_latencies(env)
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
    table = "\n".join(lines)
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{datetime.now(UTC):%Y%m%d-%H%M}-{commit}.md").write_text(table + "\n")


if __name__ == "__main__":
    sys.exit(main())
