"""The results table: one column per database, numbers over their budget marked "✗", saved to
bench/results/YYYYMMDD-HHMM-<commit>.md and printed."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import load, phone
from bench.load import LoadResult
from bench.phone import PhoneRun
from bench.seeds import ROOT

RESULTS = ROOT / "bench" / "results"
BUDGETS = ROOT / "bench" / "budgets.toml"
CEILING = "ceiling (GET /ping)"


@dataclass
class DatabaseRun:
    label: str
    seed_seconds: float
    seed_cached: bool
    loads: dict[str, LoadResult] = field(default_factory=dict)
    rss_mb: list[float] = field(default_factory=list)
    measures: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The machine's 1-minute load average just before the load test: others' work shows here.
    load_average: float = 0.0
    phone: PhoneRun | None = None


def budgets() -> dict[str, Any]:
    with BUDGETS.open("rb") as file:
        return tomllib.load(file)


def _mark(text: str, over: bool) -> str:
    return f"**{text} ✗**" if over else text


def _load_cell(name: str, run: DatabaseRun, limits: dict[str, Any]) -> str:
    result = run.loads.get(name)
    if result is None:
        return "—"
    budgeted = name in limits["budgeted"]
    share = result.share_of(run.loads[CEILING])
    parts = [f"{result.rps:,.0f} req/s"]
    if name != CEILING:
        parts.append(_mark(f"{share:.0%} of ceiling",
                           budgeted and share < limits["ceiling_share"]))
    p95_limit = limits.get("p95_ms", {}).get(name)
    parts.append(f"p50 {result.p50_ms:.1f} · " + _mark(
        f"p95 {result.p95_ms:.1f}", p95_limit is not None and result.p95_ms > p95_limit)
        + " · " + _mark(f"p99 {result.p99_ms:.1f} ms",
                        budgeted and result.p99_ms > limits["p99_ms"]))
    parts.append(_mark(f"{result.errors} errors", result.errors > limits["errors"]))
    return "<br>".join(parts)


def _once_cell(run: DatabaseRun, text: Callable[[DatabaseRun], tuple[str, float]],
               limit: float) -> str:
    try:
        rendered, value = text(run)
    except KeyError:
        return "—"
    return _mark(rendered, value > limit)


def render(runs: list[DatabaseRun], commit: str, wall_seconds: float) -> str:
    limits = budgets()
    pages, once = limits["pages"], limits["once"]
    now = datetime.now(UTC)
    labels = [run.label for run in runs]
    head = f"| measure | {' | '.join(labels)} | budget |"
    rule = "|---" * (len(runs) + 2) + "|"
    lines = [
        f"# Benchmark {now:%Y-%m-%d %H:%M} UTC, commit {commit}",
        "",
        f"gunicorn, 2 sync workers on 127.0.0.1; wrk {load.DURATION_S} s per page after "
        f"{load.WARM_UP_S} s of warm-up, {load.CONNECTIONS} connections, {load.THREADS} "
        f"threads, anonymous GETs rotating through several URLs. `make bench` took "
        f"{wall_seconds / 60:.1f} min.",
        "",
        "## Pages under load",
        "",
        head, rule,
    ]
    names = list(dict.fromkeys(name for run in runs for name in run.loads))
    for name in names:
        budget = "—"
        if name == CEILING:
            budget = "the reference"
        elif name in pages["budgeted"]:
            budget = f"p99 ≤ {pages['p99_ms']} ms, ≥ {pages['ceiling_share']:.0%} of ceiling"
        elif name in pages.get("p95_ms", {}):
            budget = f"p95 ≤ {pages['p95_ms'][name]} ms"
        budget += ", no errors" if name != CEILING else ""
        cells = " | ".join(_load_cell(name, run, pages) for run in runs)
        lines.append(f"| {name} | {cells} | {budget} |")
    lines += ["", "## Once", "", head, rule]

    def seed(run: DatabaseRun) -> tuple[str, float]:
        note = " (cached)" if run.seed_cached else ""
        return f"{run.seed_seconds:.1f} s{note}", run.seed_seconds

    def dossier(run: DatabaseRun) -> tuple[str, float]:
        numbers = run.measures["dossier"]
        return (f"median {numbers['median_s']:.2f} s, max {numbers['max_s']:.2f} s "
                f"({numbers['pages']:.0f} pages)", numbers["median_s"])

    def recall(run: DatabaseRun) -> tuple[str, float]:
        numbers = run.measures["recall"]
        return (f"{numbers['seconds']:.2f} s ({numbers['terms']:,.0f} terms, "
                f"{numbers['raised']:,.0f} flags raised; same day again "
                f"{numbers['repeat_seconds']:.2f} s)", numbers["seconds"])

    def budget_import(run: DatabaseRun, name: str = "budget_import") -> tuple[str, float]:
        numbers = run.measures[name]
        return (f"{numbers['seconds']:.1f} s ({numbers['inserted']:,.0f} new, "
                f"{numbers['updated']:,.0f} changed; same file again "
                f"{numbers['repeat_seconds']:.1f} s)", numbers["seconds"])

    def spending_import(run: DatabaseRun) -> tuple[str, float]:
        return budget_import(run, "spending_import")

    def followers(run: DatabaseRun) -> tuple[str, float]:
        numbers = run.measures["notifications"]
        return (f"request {numbers['request_s']:.3f} s; worker: {numbers['rows']:,.0f} rows "
                f"in {numbers['dispatch_s']:.2f} s, {numbers['send_per_mail_ms']:.1f} ms a mail "
                f"(all ≈ {numbers['send_all_estimate_s']:.0f} s)", numbers["request_s"])

    def rss(run: DatabaseRun) -> tuple[str, float]:
        if not run.rss_mb:
            raise KeyError("rss")
        return " and ".join(f"{size:.0f}" for size in run.rss_mb) + " MB", max(run.rss_mb)

    def bundle(run: DatabaseRun) -> tuple[str, float]:
        numbers = run.measures["bundle"]
        return (f"{numbers['cold']:.1f} s cold ({numbers['region']}, {numbers['akims']} akims, "
                f"{numbers['megabytes']:.1f} MB); {numbers['dossiers_cached']:.1f} s with "
                f"dossiers cached; {numbers['unchanged']:.2f} s unchanged", numbers["cold"])

    def cached_dossier(run: DatabaseRun) -> tuple[str, float]:
        numbers = run.measures["bundle"]
        return (f"{numbers['cached_ms']:.1f} ms; 304 {numbers['not_modified_ms']:.1f} ms",
                0.0)

    def ratings(run: DatabaseRun) -> tuple[str, float]:
        numbers = run.measures["ratings"]
        cells = [f"{label}: median {values['median_ms']:.1f} ms, p99 {values['p99_ms']:.1f} ms"
                 for label, values in numbers.items()]
        return "; ".join(cells), max(values["p99_ms"] for values in numbers.values())

    rows: list[tuple[str, Callable[[DatabaseRun], tuple[str, float]], float, str]] = [
        ("national seed", seed, once["seed_s"], f"≤ {once['seed_s']} s"),
        ("dossier PDF, one akim (median of 20, warm process)", dossier, once["dossier_pdf_s"],
         f"median ≤ {once['dossier_pdf_s']} s"),
        ("recall evaluation, the whole nation", recall, once["recall_evaluation_s"],
         f"≤ {once['recall_evaluation_s']} s"),
        ("budget import, 100,000 rows", budget_import, once["budget_import_s"],
         f"≤ {once['budget_import_s']} s"),
        ("spending import, 100,000 rows", spending_import, once["budget_import_s"],
         f"≤ {once['budget_import_s']} s"),
        ("bundle PDF, the region closest to 150 akims", bundle, once["bundle_pdf_s"],
         f"≤ {once['bundle_pdf_s']} s"),
        ("report published for an akim with 10,000 followers", followers,
         once["followers_request_s"], f"request ≤ {once['followers_request_s']} s"),
        ("dossier PDF, cached (200 from the file; 304 on If-None-Match)", cached_dossier,
         float("inf"), "—"),
        ("report page, signed-in resident, in-process: 10 vs 100,000 ratings", ratings,
         limits["pages"]["p99_ms"], f"p99 ≤ {limits['pages']['p99_ms']} ms, same with 10"),
        ("RSS per gunicorn worker, after the load", rss, once["worker_rss_mb"],
         f"≤ {once['worker_rss_mb']} MB"),
    ]
    dossiers = limits["dossiers"]

    def cache_share(run: DatabaseRun) -> tuple[str, float]:
        numbers = run.measures["dossier_pipeline"]
        share = numbers["hit_share"]
        waits = numbers["waits"]
        answered = numbers["hits"] + numbers["misses"] + waits
        return (f"{share:.1%} from cache ({numbers['hits']:,} of {answered:,} in "
                f"{load.DURATION_S} s after {numbers['akims']} akims changed; {waits:,} "
                f"waited for another's render; {numbers['errors']} errors); rendered by a "
                f"reader {numbers['reader_render_share']:.1%} ({numbers['misses']:,}); "
                f"the burst rebuilt in {numbers['burst_rebuilt_s']:.1f} s", -share)

    def change_to_ready(run: DatabaseRun) -> tuple[str, float]:
        numbers = run.measures["dossier_pipeline"]
        return (f"median {numbers['ready_median_s']:.1f} s, max {numbers['ready_max_s']:.1f} s "
                f"({numbers['ready_samples']} changes)", numbers["ready_median_s"])

    rows += [
        ("dossiers under load after a burst of changes (worker and gunicorn on a scratch copy)",
         cache_share, -dossiers["cache_share"], f"≥ {dossiers['cache_share']:.0%} from cache"),
        ("a change to its rebuilt dossier, the worker idle", change_to_ready,
         dossiers["ready_median_s"], f"median ≤ {dossiers['ready_median_s']} s"),
    ]
    for name, text, limit, budget in rows:
        cells = " | ".join(_once_cell(run, text, limit) for run in runs)
        lines.append(f"| {name} | {cells} | {budget} |")
    cells = " | ".join(f"{run.load_average:.2f}" for run in runs)
    lines.append(f"| machine load average (1 min) before the load test | {cells} | "
                 "— (2 cores; above ~0.5, someone else is using them) |")
    lines += ["", f"SQL statements per page: ≤ {limits['statements']['per_page']}, enforced by "
              "the test suite (tests/*/test_queries.py).", ""]
    lines += _phone_section(runs, limits["phone"], head, rule)
    return "\n".join(lines)


def _phone_cell(run: DatabaseRun, name: str, view: str, limits: dict[str, Any]) -> str:
    if run.phone is None:
        return "—"
    if run.phone.error:
        return f"not run: {run.phone.error}"
    result = run.phone.pages.get(name)
    if result is None:
        return "—"
    seen = result.cold if view == "cold" else result.repeat
    budgeted = name == limits["budgeted"]
    kilobytes = (seen.html_bytes + seen.css_bytes) / 1000
    fcp = seen.fcp_ms / 1000
    fcp_limit = limits["cold_fcp_s"] if view == "cold" else limits["repeat_fcp_s"]
    return "<br>".join([
        _mark(f"HTML + CSS {kilobytes:.1f} KB",
              budgeted and view == "cold" and kilobytes > limits["cold_kilobytes"])
        + f" (all {seen.total_bytes / 1000:.1f} KB)",
        _mark(f"first paint {fcp:.2f} s", budgeted and fcp > fcp_limit),
        f"load {seen.load_ms / 1000:.2f} s"])


def _phone_section(runs: list[DatabaseRun], limits: dict[str, Any], head: str,
                   rule: str) -> list[str]:
    if all(run.phone is None for run in runs):
        return []
    lines = [
        "## Rural phone", "",
        f"Chromium (Playwright) at {phone.KILOBITS} kbit/s each way with {phone.LATENCY_MS} ms "
        f"added to every request, the CPU {phone.CPU_SLOWDOWN}× slower, a 375 px phone; "
        f"median of {phone.RUNS} loads. Cold: an empty browser cache; repeat: the same address "
        "again in the same browser. Bytes as transferred (compressed, with headers).", "",
        head, rule]
    names = list(dict.fromkeys(name for run in runs if run.phone
                               for name in run.phone.pages))
    for name in names:
        for view in ("cold", "repeat"):
            budget = "—"
            if name == limits["budgeted"]:
                budget = (f"HTML + CSS ≤ {limits['cold_kilobytes']} KB, first paint ≤ "
                          f"{limits['cold_fcp_s']} s" if view == "cold"
                          else f"first paint ≤ {limits['repeat_fcp_s']} s")
            cells = " | ".join(_phone_cell(run, name, view, limits) for run in runs)
            lines.append(f"| {name}, {view} | {cells} | {budget} |")
    lines.append("")
    return lines


def save(table: str, commit: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{datetime.now(UTC):%Y%m%d-%H%M}-{commit}.md"
    path.write_text(table)
    return path
