"""Seed step: every term's reports from its start to the reference date.

Most are published on time, some late, a few missing, some corrected (a second version with a
reason); the current period is a draft. Each term gets a "diligence" of its own, so some
akims are reliably punctual and a few are chronically late, as in life. The demo akim has
published reports (one late, one corrected, one with files), a submitted one and a draft.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from io import BytesIO
from typing import Any

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.extensions import db
from portal.geo.kato import bare_name
from portal.promises.models import Promise, PromiseUpdate, UpdateKind
from portal.reports.models import (
    CONTENT_FIELDS,
    Report,
    ReportAttachment,
    ReportPromiseEntry,
    ReportVersion,
)
from portal.reports.policy import DuePeriod, ReportingPolicy, owed_by_term
from portal.seed import languages
from portal.seed.context import SeedContext, TermSeed, insert_rows
from portal.seed.promises import village_places
from portal.seed.report_texts import Place, PromiseState, ReportWriter
from portal.uploads import store_upload

# Publication at 10:00 in Almaty (UTC+5), so the stored UTC moment falls on the same day.
PUBLISH_TIME_UTC = time(5, 0)
EMPTY: dict[str, object] = {
    "summary": "", "promises_progress": "", "budget_execution": "", "meeting_held_on": None,
    "meeting_place": "", "meeting_attendance": None, "meeting_broadcast_url": "",
    "meeting_questions": "", "next_plans": "",
}


class Outcome:
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    DRAFT = "draft"  # not yet due
    SUBMITTED = "submitted"
    RECENT = "recent"  # published three weeks before the seed date (late if past due)


NEGLECTFUL_SHARE = 0.06
RECENTLY = timedelta(days=21)


@dataclass
class Writing:
    """What a term's reports are written from: the language of the akim's programme, the
    rural district's villages, and each promise (registered when, titled what, claimed what
    and when)."""

    language: str
    villages: tuple[Place, ...] = ()
    promises: list[tuple[datetime, str, list[tuple[datetime, str, int | None]]]] = field(
        default_factory=list)
    promise_ids: list[int] = field(default_factory=list)  # beside `promises`, in its order

    def states(self, end: date) -> tuple[PromiseState, ...]:
        """The promises registered by the end of the period, as last claimed by then."""
        cut = datetime.combine(end, time.max, UTC)
        states = []
        for created, title, claims in self.promises:
            if created > cut:
                continue
            last = [(status, progress) for at, status, progress in claims if at <= cut]
            status, progress = last[-1] if last else ("not_yet_rated", None)
            states.append(PromiseState(title, status, progress))
        return tuple(states)


def _writings(ctx: SeedContext) -> dict[int, Writing]:
    """Per term: reports are in the language of its programme (`portal.seed.languages` for a
    term without promises)."""
    rng = ctx.rng("report-language")
    places = {unit_id: tuple(Place(bare_name(village.names["ru"]), village.kk, village.ru)
                             for village in villages)
              for unit_id, villages in village_places(ctx).items()}
    claims: dict[int, list[tuple[datetime, str, int | None]]] = defaultdict(list)
    for promise_id, at, status, progress in db.session.execute(
            select(PromiseUpdate.promise_id, PromiseUpdate.created_at, PromiseUpdate.status,
                   PromiseUpdate.progress)
            .where(PromiseUpdate.kind == UpdateKind.CLAIM)
            .order_by(PromiseUpdate.promise_id, PromiseUpdate.created_at)):
        claims[promise_id].append((_utc(at), str(status), progress))
    writings: dict[int, Writing] = {}
    for promise_id, term_id, language, title, created in db.session.execute(
            select(Promise.id, Promise.term_id, Promise.language, Promise.title,
                   Promise.created_at).order_by(Promise.id)):
        writing = writings.setdefault(term_id, Writing(language))
        writing.promises.append((_utc(created), title, claims.get(promise_id, [])))
        writing.promise_ids.append(promise_id)
    regions = {rd.id: rd.region for rd in ctx.rural_districts}
    for term in ctx.terms:
        writing = writings.setdefault(
            term.id, Writing(languages.pick(rng, regions.get(term.rural_district_id, ""))))
        writing.villages = places.get(term.rural_district_id, ())
    return writings


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def seed(ctx: SeedContext) -> None:
    rng = ctx.rng("reports")
    policy = ReportingPolicy.from_config(current_app.config.get("REPORTING_POLICY"))
    writer = ReportWriter(rng, short=ctx.national)
    writings = _writings(ctx)
    demo_users = ctx.demo.user_ids
    demo_authors = {ctx.demo.akim_term_id: demo_users.get("akim@demo.kz"),
                    ctx.demo.akim2_term_id: demo_users.get("akim2@demo.kz")}
    reports: list[dict[str, Any]] = []
    versions: list[dict[str, Any]] = []
    counts = {name: 0 for name in ("on_time", "late", "missing", "draft", "submitted",
                                   "amended")}
    for term in ctx.terms:
        periods = [period for period in owed_by_term(
            policy, term.starts_on, term.ends_on, None if term.serving else term.ended_on)
            if period.period_start <= ctx.as_of]
        outcomes = _outcomes(ctx, rng, term, periods)
        author = demo_authors.get(term.id)
        for index, (period, outcome) in enumerate(zip(periods, outcomes, strict=True)):
            demo_amended = 2 if term.id == ctx.demo.akim_term_id else 1
            amend = (outcome in (Outcome.ON_TIME, Outcome.LATE)
                     and (rng.random() < 0.08 or (author is not None
                                                  and index == demo_amended)))
            report, report_versions = _report(ctx, rng, writer, writings[term.id], term,
                                              period, outcome, amend, author)
            reports.append(report)
            versions.extend(report_versions)
            counts[_counted(report, ctx.as_of)] += 1
            counts["amended"] += len(report_versions) > 1
    insert_rows(Report, reports)
    insert_rows(ReportVersion, versions)
    entries = _promise_entries(ctx, reports, writings)
    insert_rows(ReportPromiseEntry, entries)
    if not ctx.national:
        _demo_files(ctx, reports)
    ctx.progress(
        f"reports: {len(reports)} ({counts['on_time']} on time, {counts['late']} late, "
        f"{counts['missing']} missing, {counts['amended']} corrected, "
        f"{counts['draft'] + counts['submitted']} open), {len(versions)} published versions, "
        f"{len(entries)} entries on promises"
    )


# An entry's text, in the programme's language: what the akim claims at the period's end.
# Keyed by the claimed status; "progress" serves work under way with a known share.
ENTRY_TEXTS = {
    "kk": {"progress": "Кезең соңында орындалуы {progress} %; жұмыс жалғасуда.",
           "kept": "Уәде орындалды; актілер мен фотосуреттер әкім аппаратында.",
           "partially_kept": "Уәде ішінара орындалды; қалған бөлігі келесі жылдың жоспарында.",
           "stalled": "Жұмыс тоқтап тұр; себебі әкімнің мәлімдемесінде көрсетілген.",
           "broken": "Уәде орындалмайды; себебі әкімнің мәлімдемесінде көрсетілген.",
           "other": "Кезең соңындағы жағдай әкімнің мәлімдемесінде көрсетілген."},
    "ru": {"progress": "На конец периода выполнено на {progress} %; работа продолжается.",
           "kept": "Обещание выполнено; акты и фотографии в аппарате акима.",
           "partially_kept": "Обещание выполнено частично; остальное в плане следующего года.",
           "stalled": "Работы приостановлены; причина указана в заявлении акима.",
           "broken": "Обещание не будет выполнено; причина указана в заявлении акима.",
           "other": "Положение на конец периода отражено в заявлении акима."},
}


def _promise_entries(ctx: SeedContext, reports: list[dict[str, Any]],
                     writings: dict[int, Writing]) -> list[dict[str, Any]]:
    """Progress on promises of each published report: up to three promises of the term's
    programme the akim had claimed something for by the period's end, with that claim.
    Published with version 1. A random stream of its own, so the other draws stay as they
    were."""
    rng = ctx.rng("report-entries")
    rows: list[dict[str, Any]] = []
    for report in reports:
        if report["state"] != "published":
            continue
        writing = writings[report["term_id"]]
        cut = datetime.combine(report["period_end"], time.max, UTC)
        claimed = []
        for promise_id, (created, _title, claims) in zip(writing.promise_ids,
                                                           writing.promises, strict=True):
            made = [(status, progress) for at, status, progress in claims if at <= cut]
            if created <= cut and made:
                claimed.append((promise_id, *made[-1]))
        texts = ENTRY_TEXTS.get(writing.language, ENTRY_TEXTS["ru"])
        for promise_id, status, progress in rng.sample(claimed, min(3, len(claimed))):
            if status in texts:
                text = texts[status]
            elif status == "in_progress" and progress is not None:
                text = texts["progress"].format(progress=progress)
            else:
                text = texts["other"]
            rows.append({"id": ctx.new_id(ReportPromiseEntry), "report_id": report["id"],
                         "promise_id": promise_id, "claim": status, "text": text,
                         "evidence_url": "", "since_version": 1, "until_version": None})
    return rows


def _outcomes(ctx: SeedContext, rng: random.Random, term: TermSeed,
              periods: list[DuePeriod]) -> list[str]:
    diligence = rng.betavariate(7, 1.6)  # mean ≈ 0.81: the share published on time
    # Unpublished reports come from a minority of chronically neglectful akims; the others
    # report late rather than never (a missing report flags a term until its end).
    neglectful = rng.random() < NEGLECTFUL_SHARE
    outcomes: list[str] = []
    for period in periods:
        if period.due_on >= ctx.as_of:
            outcomes.append(Outcome.SUBMITTED if rng.random() < 0.06 else Outcome.DRAFT)
            continue
        roll = rng.random()
        if roll < diligence:
            outcomes.append(Outcome.ON_TIME)
        elif neglectful and rng.random() < 0.6:
            outcomes.append(Outcome.MISSING)
        else:
            outcomes.append(Outcome.LATE)
    if term.id == ctx.demo.akim_term_id and len(outcomes) >= 4:
        # The demo akim: one old report never published (a live reporting flag to answer),
        # the last due one published a few weeks ago (residents can still rate it), the
        # current period a draft (the akim's journey writes and publishes it).
        outcomes = [Outcome.ON_TIME] * len(outcomes)
        outcomes[1] = Outcome.MISSING
        last_due = max(i for i, period in enumerate(periods) if period.due_on < ctx.as_of)
        outcomes[last_due] = Outcome.RECENT
        outcomes[last_due + 1:] = [Outcome.DRAFT] * (len(outcomes) - last_due - 1)
    elif term.id == ctx.demo.akim2_term_id and outcomes:
        outcomes = [Outcome.ON_TIME if period.due_on < ctx.as_of else Outcome.DRAFT
                    for period in periods]
    return outcomes


def _counted(report: dict[str, Any], as_of: date) -> str:
    """How the report counts in the seed's summary line."""
    if report["state"] == "published":
        return "late" if (report["days_late"] or 0) > 0 else "on_time"
    if report["due_on"] < as_of:
        return "missing"
    return str(report["state"])  # draft or submitted


def _at(day: date) -> datetime:
    return datetime.combine(day, PUBLISH_TIME_UTC, UTC)


def _report(ctx: SeedContext, rng: random.Random, writer: ReportWriter, writing: Writing,
            term: TermSeed, period: DuePeriod, outcome: str, amend: bool,
            author: int | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    start, end, due = period.period_start, period.period_end, period.due_on
    # The meeting: in the last weeks of the period or soon after it, never in the future.
    meeting_on = min(ctx.as_of, end + timedelta(days=rng.randint(-20, 20)))
    meeting_on = max(start, meeting_on)
    report_id = ctx.new_id(Report)
    published_on: date | None = None
    if outcome == Outcome.RECENT:
        published_on = ctx.as_of - RECENTLY
        if published_on <= end:
            outcome = Outcome.ON_TIME
    if outcome == Outcome.ON_TIME:
        # At least a day after the period ended: one published on its last day is interim.
        published_on = min(due, max(meeting_on, end)
                           + timedelta(days=max(1, rng.randint(0, 25))))
    elif outcome == Outcome.LATE:
        published_on = due + timedelta(days=rng.choice((1, 2, 3, 5, 8, 12, 20, 35, 60, 95)))
        if published_on >= ctx.as_of:
            published_on = max(due + timedelta(days=1), ctx.as_of - timedelta(days=1))
        if published_on <= due or published_on >= ctx.as_of:
            published_on, outcome = None, Outcome.MISSING
    words = (writing.language, writing.villages, writing.states(end))
    if outcome in (Outcome.ON_TIME, Outcome.LATE, Outcome.RECENT):
        content = writer.sections(start, end, min(meeting_on, published_on or meeting_on),
                                  *words)
    elif outcome == Outcome.SUBMITTED:
        content = writer.sections(start, end, meeting_on, *words)
    elif _partly_written(rng, outcome, demo=author is not None):
        content = writer.partial(start, end, meeting_on, *words)
    else:
        content = dict(EMPTY)
    created = _at(start)
    row: dict[str, Any] = {
        "id": report_id, "term_id": term.id, "period_start": start, "period_end": end,
        "due_on": due, "created_at": created,
        "updated_at": _at(min(ctx.as_of, end)) if content != EMPTY else None,
        "submitted_at": None, "first_published_at": None, "first_published_on": None,
        "days_late": None, "covered_on": None, "current_version": 0, "state": "draft",
        **content,
    }
    versions: list[dict[str, Any]] = []
    if outcome == Outcome.SUBMITTED:
        row.update(state="submitted", submitted_at=_at(min(ctx.as_of, due)))
    if published_on is not None:
        row.update(state="published", submitted_at=_at(published_on),
                   first_published_at=_at(published_on), first_published_on=published_on,
                   covered_on=published_on, days_late=max(0, (published_on - due).days),
                   current_version=1)
        versions.append(_version(ctx, report_id, 1, None, _at(published_on), author, content))
        corrected_on = published_on + timedelta(days=rng.randint(2, 40))
        if amend and corrected_on < ctx.as_of:
            new_content, reason = writer.amended(content, writing.language, writing.villages)
            versions.append(_version(ctx, report_id, 2, reason, _at(corrected_on), author,
                                     new_content))
            row["current_version"] = 2
    return row, versions


def _partly_written(rng: random.Random, outcome: str, demo: bool) -> bool:
    """Half the missing reports were begun; most current drafts too, and the demo's always."""
    if outcome == Outcome.MISSING:
        return rng.random() < 0.5
    return outcome == Outcome.DRAFT and (rng.random() < 0.6 or demo)


def _version(ctx: SeedContext, report_id: int, number: int, reason: str | None,
             published_at: datetime, author: int | None,
             content: dict[str, Any]) -> dict[str, Any]:
    return {"id": ctx.new_id(ReportVersion), "report_id": report_id, "number": number,
            "reason": reason, "published_at": published_at, "author_id": author,
            **{name: content[name] for name in CONTENT_FIELDS}}


def _demo_files(ctx: SeedContext, reports: list[dict[str, Any]]) -> None:
    """Two small files on the demo akim's latest published report: signed minutes and a
    photo of the meeting (generated, so the seed needs nothing from outside)."""
    published = [row for row in reports
                 if row["term_id"] == ctx.demo.akim_term_id and row["state"] == "published"]
    if not published:
        return
    target = published[-1]
    actor = "seed"
    for name, data in (("meeting-minutes.pdf", _tiny_pdf()), ("meeting-photo.png", _tiny_png())):
        stored = store_upload(FileStorage(stream=BytesIO(data), filename=name), actor)
        stored.synthetic = True
        db.session.add(ReportAttachment(report_id=target["id"], stored_file_id=stored.id,
                                        added_in_version=1, added_at=stored.uploaded_at,
                                        synthetic=True))
    db.session.flush()


def _tiny_pdf() -> bytes:
    text = "Minutes of the meeting with residents (demo data)"
    stream = f"BT /F1 14 Tf 60 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
              "%%EOF\n".encode())
    return out.getvalue()


def _tiny_png(width: int = 64, height: int = 40) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + bytes((0, 90 + y, 112)) * width for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
