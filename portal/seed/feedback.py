"""Seed step: residents' ratings of published reports, comments with the akims' official
replies, and a few comments that were reported and moderated.

Each term gets a mood (loved, liked, mixed or poorly rated) lowered by its record (reports
never published, promises broken: residents who see those rate low too) and an engagement: a
share of the district's verified residents rates each published report, within the rating
window after its publication, with scores spread around the term's mood. About one term in
eight is poorly rated (an average below 2.5 over its last reports), so the recall rules find a
minority to flag. Comments are composed (`Voices`) so that none is repeated word for word, in
Kazakh or Russian as the region writes (`portal.seed.languages`), about a village of the rural
district; the akim's reply takes up the comment's topic and village.
Tallies are added up as the rows are made, so they match the ratings exactly. At national scale
this is over a million ratings: COPY on PostgreSQL, plain executemany elsewhere.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import ForeignKeyConstraint, Table, func, select
from sqlalchemy.schema import AddConstraint, DropConstraint

from portal.accounts.models import User
from portal.extensions import db
from portal.feedback.models import (
    SCORES,
    Comment,
    CommentComplaint,
    Rating,
    ReportRatingTally,
    TermRatingTally,
)
from portal.feedback.ratings import window_days
from portal.promises.models import Promise, PromiseStatus, promise_settlement
from portal.reports.models import Report, ReportState
from portal.seed import languages
from portal.seed.context import SeedContext, TermSeed, insert_rows
from portal.seed.feedback_texts import (
    ANSWERS,
    CLOSINGS,
    COMMENTS,
    HIDE_REASONS,
    NO_PLACE,
    OPENINGS,
    PROMISE_COMMENTS,
    PROMISE_REPLIES,
    REPORTED_COMMENTS,
    THANKS,
    TOPICS,
)
from portal.seed.promises import Village, village_places

# (centre of the scores, share of terms): loved, liked, mixed, poorly rated. The record
# (below) lowers some more, so that about one term in eight ends up poorly rated.
MOODS = ((4.5, 20), (3.9, 45), (3.2, 27), (1.8, 8))
SPREAD = 0.95
# How much a term's record lowers its mood: per report never published (up to two), for the
# share of its promises broken, and once more when both are on record.
MISSING_PENALTY = 0.8
BROKEN_PENALTY = 2.0
BOTH_PENALTY = 0.5
LOWEST_MOOD = 1.2
RATING_COLUMNS = ("report_id", "user_id", "score", "comment_id", "created_at", "updated_at",
                  "synthetic")
BULK_LOAD_ROWS = 100_000  # from here on, PostgreSQL loads ratings with foreign keys dropped
COMMENT_COLUMNS = ("id", "report_id", "promise_id", "term_id", "parent_id", "author_id", "body",
                   "is_resident", "is_official", "rating_score", "status", "hidden_reason",
                   "complaint_count", "open_complaints", "answered_at", "created_at",
                   "moderated_at", "moderated_by_id", "synthetic")


@dataclass
class PublishedReport:
    id: int
    term_id: int
    published_at: datetime


@dataclass
class Rows:
    # (report_id, user_id, score, comment_id, rated at in epoch seconds): a million of these
    # at national scale, so plain tuples, and the time becomes a datetime only when inserted.
    ratings: list[tuple[int, int, int, int | None, float]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    complaints: list[dict[str, Any]] = field(default_factory=list)
    report_tallies: dict[int, list[int]] = field(default_factory=dict)
    term_tallies: dict[int, list[int]] = field(default_factory=dict)

    def count(self, report: PublishedReport, scores: list[int]) -> None:
        counts = [scores.count(score) for score in SCORES]
        for tallies, key in ((self.report_tallies, report.id),
                             (self.term_tallies, report.term_id)):
            tally = tallies.setdefault(key, [0, 0, 0, 0, 0, 0, 0])
            tally[0] += len(scores)
            tally[1] += sum(scores)
            for index, count in enumerate(counts):
                tally[2 + index] += count


@dataclass(frozen=True)
class Record:
    """What residents know of a term when they rate it."""

    missing_reports: int = 0
    promises: int = 0
    broken_promises: int = 0

    def penalty(self) -> float:
        broken = self.broken_promises / self.promises if self.promises else 0.0
        both = BOTH_PENALTY if self.missing_reports and self.broken_promises else 0.0
        return MISSING_PENALTY * min(self.missing_reports, 2) + BROKEN_PENALTY * broken + both


@dataclass(frozen=True)
class Said:
    """A composed comment: its text, and the akim's answer to it (a template: the year is
    that of the reply)."""

    body: str
    answer: str
    place: Village | None
    positive: bool


class Voices:
    """Residents' comments and the akims' replies, never the same text twice (see
    feedback_texts). A comment that cannot be made new is not made (the rating stays)."""

    TRIES = 40

    def __init__(self, rng: Any, places: dict[int, list[Village]]) -> None:
        self.rng = rng
        self.places = places
        self.used: set[str] = set()

    @staticmethod
    def fill(text: str, language: str, place: Village | None, year: int | None = None) -> str:
        if place is None:
            words, words_of = NO_PLACE[language]
        elif language == "kk":
            words, words_of = place.kk, place.kk + "ғы"  # "X ауылында" → "X ауылындағы"
        else:
            words = words_of = place.ru
        return text.format(place=words, place_of=words_of, place_cap=words[:1].upper() + words[1:],
                           year=year)

    def _new(self, language: str, place: Village | None, sentence: str, positive: bool,
             framed: bool = True) -> str | None:
        rng = self.rng
        text = self.fill(sentence, language, place)
        for _ in range(self.TRIES if framed else 1):
            parts = (rng.choice(OPENINGS[language]) if framed else "", text,
                     rng.choice(CLOSINGS[language][positive]) if framed else "")
            body = " ".join(part for part in parts if part)
            if body not in self.used:
                self.used.add(body)
                return body
        return None

    def _place(self, unit_id: int) -> Village | None:
        places = self.places.get(unit_id)
        return self.rng.choice(places) if places else None

    def on_report(self, unit_id: int, language: str, mood: str) -> Said | None:
        rng = self.rng
        for _ in range(self.TRIES):
            topic = rng.choice(TOPICS)
            sentences = COMMENTS[topic][language][mood]
            index = rng.randrange(len(sentences))
            answer = (rng.choice(THANKS[topic][language]) if mood == "good"
                      else ANSWERS[topic][language][mood][index])
            place = self._place(unit_id)
            body = self._new(language, place, sentences[index], mood == "good")
            if body is not None:
                return Said(body, answer, place, mood == "good")
        return None

    def on_promise(self, unit_id: int, language: str, place: Village | None) -> Said | None:
        rng = self.rng
        for _ in range(self.TRIES):
            kind = rng.choice(tuple(PROMISE_COMMENTS[language]))
            where = place or self._place(unit_id)
            positive = kind in ("started", "support")
            body = self._new(language, where, rng.choice(PROMISE_COMMENTS[language][kind]),
                             positive)
            if body is not None:
                return Said(body, rng.choice(PROMISE_REPLIES[language][kind]), where, positive)
        return None

    def reported(self, unit_id: int, language: str) -> str | None:
        """A comment that breaks the rules (abuse, advertising, someone's personal details)."""
        return self._new(language, self._place(unit_id), self.rng.choice(
            REPORTED_COMMENTS[language]), False, framed=False)

    def reply(self, said: Said, language: str, year: int) -> str:
        return self.fill(said.answer, language, said.place, year)


class Seeder:
    def __init__(self, ctx: SeedContext, records: dict[int, Record],
                 places: dict[int, list[Village]],
                 promise_places: dict[int, Village]) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("feedback")
        self.rows = Rows()
        self.window = timedelta(days=window_days())
        self.now = datetime.combine(ctx.as_of, time(12), UTC)
        self.comment_share = 0.02 if ctx.national else 0.12
        self.records = records
        self.voices = Voices(self.rng, places)
        self.promise_places = promise_places
        self.regions = {rd.id: rd.region for rd in ctx.rural_districts}
        self.akim_users: dict[int | None, int] = {
            akim_id: user_id for akim_id, user_id in db.session.execute(
                select(User.akim_id, User.id).where(User.akim_id.is_not(None)))}

    # ------------------------------------------------------------------------ ratings

    def term(self, term: TermSeed, reports: list[PublishedReport],
             promise_ids: list[int]) -> None:
        residents = self.ctx.residents.get(term.rural_district_id, [])
        if not residents:
            return
        rng = self.rng
        centre = rng.choices([mood for mood, _ in MOODS], [weight for _, weight in MOODS])[0]
        centre = max(LOWEST_MOOD, centre - self.records.get(term.id, Record()).penalty())
        engagement = rng.uniform(0.25, 0.85)
        region = self.regions.get(term.rural_district_id, "")
        responsiveness = rng.uniform(0.0, 0.6)
        for report in reports:
            share = min(0.95, max(0.05, engagement + rng.uniform(-0.1, 0.1)))
            voters = rng.sample(residents, k=round(len(residents) * share))
            self.report(term, report, voters, centre + rng.gauss(0, 0.25), region,
                        responsiveness)
        most = 3 if self.ctx.national else 6
        for promise_id in rng.sample(promise_ids, k=min(len(promise_ids), rng.randint(0, most))):
            self.promise_comments(term, promise_id, residents, region, responsiveness)

    def report(self, term: TermSeed, report: PublishedReport, voters: list[int], centre: float,
               region: str, responsiveness: float) -> None:
        rng, ratings = self.rng, self.rows.ratings
        random = rng.random
        voters.sort()  # rows in (report, user) order fill the unique index sequentially
        weights = [math.exp(-((score - centre) ** 2) / (2 * SPREAD ** 2)) for score in SCORES]
        scores = rng.choices(SCORES, weights, k=len(voters))
        start = report.published_at.timestamp() + 3600
        span = max(0.0, min(self.window.total_seconds(),
                            self.now.timestamp() - start))
        share = self.comment_share
        for user_id, score in zip(voters, scores, strict=True):
            # Most residents rate in the first weeks after publication.
            rated_at = start + span * random() ** 2
            comment_id = None
            if random() < share:
                mood = "bad" if score <= 2 else "mixed" if score == 3 else "good"
                language = languages.pick(rng, region)
                said = self.voices.on_report(term.rural_district_id, language, mood)
                if said is not None:
                    when = datetime.fromtimestamp(rated_at, UTC)
                    comment_id = self.comment(term, user_id, said.body, when,
                                              report_id=report.id, score=score)
                    if random() < responsiveness:
                        self.reply(term, comment_id, said, language, when, report_id=report.id)
            ratings.append((report.id, user_id, score, comment_id, rated_at))
        self.rows.count(report, scores)

    # ------------------------------------------------------------------------ comments

    def comment(self, term: TermSeed, author_id: int | None, body: str, at: datetime, *,
                report_id: int | None = None, promise_id: int | None = None,
                score: int | None = None, resident: bool = True) -> int:
        comment_id = self.ctx.new_id(Comment)
        self.rows.comments.append({
            "id": comment_id, "report_id": report_id, "promise_id": promise_id,
            "term_id": term.id, "parent_id": None, "author_id": author_id, "body": body,
            "is_resident": resident, "is_official": False, "rating_score": score,
            "status": "visible", "hidden_reason": None, "complaint_count": 0,
            "open_complaints": 0, "answered_at": None, "created_at": at, "moderated_at": None,
            "moderated_by_id": None, "synthetic": True,
        })
        return comment_id

    def reply(self, term: TermSeed, parent_id: int, said: Said, language: str,
              after: datetime, *, report_id: int | None = None,
              promise_id: int | None = None) -> None:
        at = min(after + timedelta(hours=self.rng.randint(5, 24 * 12)), self.now)
        parent = self.rows.comments[-1]
        assert parent["id"] == parent_id  # noqa: S101 - replies follow their comment
        parent["answered_at"] = at
        self.rows.comments.append({
            **parent, "id": self.ctx.new_id(Comment), "parent_id": parent_id,
            "report_id": report_id, "promise_id": promise_id,
            "author_id": self.akim_users.get(term.akim_id), "is_resident": False,
            "is_official": True, "rating_score": None, "answered_at": None, "created_at": at,
            "body": self.voices.reply(said, language, at.year + 1),
        })

    def promise_comments(self, term: TermSeed, promise_id: int, residents: list[int],
                         region: str, responsiveness: float) -> None:
        rng = self.rng
        start = datetime.combine(max(term.starts_on, self.ctx.as_of - timedelta(days=500)),
                                 time(6), UTC)
        end = datetime.combine(min(term.last_day, self.ctx.as_of), time(6), UTC)
        if end <= start:
            return
        for author in rng.sample(residents, k=min(len(residents), rng.randint(1, 3))):
            at = start + (end - start) * rng.random()
            language = languages.pick(rng, region)
            said = self.voices.on_promise(term.rural_district_id, language,
                                          self.promise_places.get(promise_id))
            if said is None:
                continue
            comment_id = self.comment(term, author, said.body, at, promise_id=promise_id)
            if rng.random() < responsiveness:
                self.reply(term, comment_id, said, language, at, promise_id=promise_id)

    # ------------------------------------------------------------------------ moderation

    def moderate(self, comment: dict[str, Any], outcome: str, complaints: int,
                 moderator_id: int | None, residents: list[int]) -> None:
        """Make a comment one that residents reported: hidden by a moderator, hidden until
        reviewed, restored, or shown with complaints waiting."""
        rng = self.rng
        if outcome in ("hidden", "pending"):
            language = rng.choice(("kk", "ru"))
            unit_id = next(term.rural_district_id for term in self.ctx.terms
                           if term.id == comment["term_id"])
            body = self.voices.reported(unit_id, language)
            if body is not None:
                comment["body"] = body
                comment["rating_score"] = None
        reporters = [user for user in residents if user != comment["author_id"]]
        reporters = rng.sample(reporters, k=min(complaints, len(reporters)))
        reasons = ("abuse", "spam", "personal_data", "off_topic")
        for user_id in reporters:
            self.rows.complaints.append({
                "id": self.ctx.new_id(CommentComplaint), "comment_id": comment["id"],
                "user_id": user_id, "reason": rng.choice(reasons),
                "created_at": min(comment["created_at"] + timedelta(hours=rng.randint(1, 48)),
                                  self.now)})
        decided = min(comment["created_at"] + timedelta(days=3), self.now)
        comment["complaint_count"] = len(reporters)
        comment["open_complaints"] = 0 if outcome in ("hidden", "restored") else len(reporters)
        if outcome == "hidden":
            comment.update(status="hidden", hidden_reason=rng.choice(HIDE_REASONS),
                           moderated_at=decided, moderated_by_id=moderator_id)
        elif outcome == "restored":
            comment.update(status="restored", moderated_at=decided,
                           moderated_by_id=moderator_id)
        elif outcome == "pending":
            comment["status"] = "hidden_pending"


def seed(ctx: SeedContext) -> None:
    places = village_places(ctx)
    by_id = {village.id: village for villages in places.values() for village in villages}
    promise_places = {promise_id: by_id[settlement_id] for promise_id, settlement_id in
                      db.session.execute(select(promise_settlement.c.promise_id,
                                                promise_settlement.c.settlement_id))
                      if settlement_id in by_id}
    seeder = Seeder(ctx, _records(ctx), places, promise_places)
    reports: dict[int, list[PublishedReport]] = defaultdict(list)
    for report_id, term_id, published_at in db.session.execute(
            select(Report.id, Report.term_id, Report.first_published_at)
            .where(Report.state == ReportState.PUBLISHED)
            .order_by(Report.term_id, Report.period_start)):
        assert published_at is not None  # noqa: S101 - the published_has_date constraint
        reports[term_id].append(PublishedReport(report_id, term_id, _utc(published_at)))
    promises: dict[int, list[int]] = defaultdict(list)
    for promise_id, term_id in db.session.execute(select(Promise.id, Promise.term_id)
                                                  .order_by(Promise.id)):
        promises[term_id].append(promise_id)
    for term in ctx.terms:
        seeder.term(term, reports.get(term.id, []), promises.get(term.id, []))
    _reported(ctx, seeder)
    if not ctx.national:
        _demo(ctx, seeder, reports.get(ctx.demo.akim_term_id or 0, []),
              promises.get(ctx.demo.akim_term_id or 0, []))
    _insert(seeder.rows)
    rows = seeder.rows
    ctx.progress(f"feedback: {len(rows.ratings)} ratings of {len(rows.report_tallies)} reports, "
                 f"{len(rows.comments)} comments and replies, {len(rows.complaints)} complaints")


def _records(ctx: SeedContext) -> dict[int, Record]:
    """Each term's record as residents know it: reports due and never published, promises
    and those broken."""
    missing: dict[int, int] = defaultdict(int)
    for term_id, count in db.session.execute(
            select(Report.term_id, func.count()).where(Report.state != ReportState.PUBLISHED,
                                                       Report.due_on < ctx.as_of)
            .group_by(Report.term_id)):
        missing[term_id] = count
    promises: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    # Grouped by the status itself: PostgreSQL refuses to group by `status = 'broken'` when the
    # SELECT binds the same comparison as a separate parameter (GroupingError).
    for term_id, status, count in db.session.execute(
            select(Promise.term_id, Promise.status, func.count())
            .group_by(Promise.term_id, Promise.status)):
        promises[term_id][0] += count
        promises[term_id][1] += count if status == PromiseStatus.BROKEN else 0
    return {term.id: Record(missing[term.id], *promises[term.id]) for term in ctx.terms}


def _reported(ctx: SeedContext, seeder: Seeder) -> None:
    """A few comments in every thousand were reported; most of those are now moderated."""
    rng = seeder.rng
    terms = {term.id: term for term in ctx.terms}
    moderator = ctx.demo.user_ids.get("moderator@demo.kz")
    candidates = [row for row in seeder.rows.comments if not row["is_official"]
                  and row["answered_at"] is None]
    share = 0.004 if ctx.national else 0.03
    for comment in rng.sample(candidates, k=max(1, round(len(candidates) * share))):
        outcome = rng.choices(("hidden", "pending", "visible", "restored"), (5, 2, 2, 1))[0]
        residents = ctx.residents.get(terms[comment["term_id"]].rural_district_id, [])
        complaints = 3 if outcome == "pending" else rng.randint(1, 4)
        seeder.moderate(comment, outcome, complaints, moderator, residents)


def _demo(ctx: SeedContext, seeder: Seeder, reports: list[PublishedReport],
          promise_ids: list[int]) -> None:
    """The demo akim's pages show every case. The demo citizen rated an older report (with a
    comment the akim answered) but not the latest one, which the browser journey rates."""
    lead = next(term for term in ctx.terms if term.id == ctx.demo.akim_term_id)
    citizen, visitor = ctx.demo.citizen_user_id, ctx.demo.visitor_user_id
    moderator = ctx.demo.user_ids.get("moderator@demo.kz")
    residents = ctx.residents.get(lead.rural_district_id, [])
    if len(reports) < 2 or citizen is None or not residents:
        return
    rows, rng, voices = seeder.rows, seeder.rng, seeder.voices
    older, latest = reports[-3] if len(reports) >= 3 else reports[0], reports[-1]
    rated_at = older.published_at + timedelta(days=6)
    said = voices.on_report(lead.rural_district_id, "kk", "good")
    assert said is not None  # noqa: S101 - the demo's first comment is always new
    comment_id = seeder.comment(lead, citizen, said.body, rated_at, report_id=older.id, score=4)
    seeder.reply(lead, comment_id, said, "kk", rated_at, report_id=older.id)
    rows.ratings.append((older.id, citizen, 4, comment_id, rated_at.timestamp()))
    rows.count(older, [4])
    # Comments on the latest report and on promises that wait for the akim's reply.
    start = latest.published_at + timedelta(days=2)
    for number, (language, mood) in enumerate((("kk", "bad"), ("ru", "bad"), ("ru", "mixed"))):
        said = voices.on_report(lead.rural_district_id, language, mood)
        if said is not None:
            seeder.comment(lead, residents[number], said.body, start + timedelta(days=number),
                           report_id=latest.id)
    if visitor is not None:
        seeder.comment(lead, visitor, "Біздің ауылда да осындай мәселе бар.",
                       start + timedelta(days=4), report_id=latest.id, resident=False)
    for promise_id in promise_ids[:2]:
        said = voices.on_promise(lead.rural_district_id, "kk",
                                 seeder.promise_places.get(promise_id))
        if said is not None:
            seeder.comment(lead, rng.choice(residents), said.body, start + timedelta(days=5),
                           promise_id=promise_id)
    # One of each moderation case, on the latest report.
    for offset, outcome in enumerate(("pending", "visible", "hidden", "restored")):
        said = voices.on_report(lead.rural_district_id, "ru", "bad")
        if said is None:
            continue
        seeder.comment(lead, residents[10 + offset], said.body,
                       start + timedelta(days=6 + offset), report_id=latest.id)
        seeder.moderate(rows.comments[-1], outcome, 3 if outcome == "pending" else 1,
                        moderator, residents)


def _insert(rows: Rows) -> None:
    rows.ratings.sort()  # (report, user) order, including the demo's extra rows
    _bulk(Comment.__table__, (tuple(row[name] for name in COMMENT_COLUMNS)
                              for row in rows.comments), COMMENT_COLUMNS)
    _insert_ratings(rows.ratings)
    insert_rows(CommentComplaint, rows.complaints)
    insert_rows(ReportRatingTally, (_tally_row("report_id", key, tally)
                                    for key, tally in rows.report_tallies.items()))
    insert_rows(TermRatingTally, (_tally_row("term_id", key, tally)
                                  for key, tally in rows.term_tallies.items()))


def _tally_row(key_name: str, key: int, tally: list[int]) -> dict[str, int]:
    return {key_name: key, "rating_count": tally[0], "rating_sum": tally[1],
            **{f"rating_{score}": tally[1 + score] for score in SCORES}}


def _insert_ratings(ratings: list[tuple[int, int, int, int | None, float]]) -> None:
    """A million rows: each time is converted once (created and updated are the same moment).

    On PostgreSQL the rows go to COPY as text, which skips psycopg's per-row adaptation, and
    the foreign keys are dropped for the load and added back after, as PostgreSQL's manual
    advises for bulk loads: one set-based check instead of two million trigger calls (1 s
    instead of 12). The constraints come back exactly as the metadata (and migration) has them,
    inside the same transaction. Only for large loads: the demo's few thousand rows do not
    need it."""
    dialect = db.session.get_bind().dialect
    if dialect.name == "postgresql":
        table: Table = Rating.__table__  # type: ignore[assignment]
        foreign_keys = [constraint for constraint in table.constraints
                        if isinstance(constraint, ForeignKeyConstraint)
                        and len(ratings) >= BULK_LOAD_ROWS]
        for constraint in foreign_keys:
            db.session.execute(DropConstraint(constraint))
        null = "\\N"
        lines = (f"{report_id}\t{user_id}\t{score}\t{null if comment_id is None else comment_id}"
                 f"\t{at}\t{at}\tt\n"
                 for report_id, user_id, score, comment_id, rated_at in ratings
                 for at in (datetime.fromtimestamp(rated_at, UTC).isoformat(" "),))
        _copy_text(Rating.__table__, RATING_COLUMNS, lines)
        for constraint in foreign_keys:
            db.session.execute(AddConstraint(constraint))
        return
    stored = Rating.__table__.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)
    assert stored is not None  # noqa: S101 - SQLite stores datetimes as text
    _bulk(Rating.__table__, ((report_id, user_id, score, comment_id, at, at, 1)
                             for report_id, user_id, score, comment_id, rated_at in ratings
                             for at in (stored(datetime.fromtimestamp(rated_at, UTC)),)),
          RATING_COLUMNS, convert=False)


def _copy_text(table: Any, columns: tuple[str, ...], lines: Iterable[str]) -> None:
    """COPY … FROM STDIN in PostgreSQL's text format, written in large blocks."""
    names = ", ".join(f'"{name}"' for name in columns)
    driver = db.session.connection().connection.driver_connection
    block: list[str] = []
    with driver.cursor() as cursor, cursor.copy(  # type: ignore[union-attr]
            f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for line in lines:
            block.append(line)
            if len(block) >= 20_000:
                copy.write("".join(block))
                block = []
        if block:
            copy.write("".join(block))


def _bulk(table: Any, rows: Iterable[tuple[Any, ...]], columns: tuple[str, ...],
          convert: bool = True) -> None:
    """Many rows given as tuples in `columns` order. COPY on PostgreSQL; on SQLite the driver's
    own executemany, values converted by the columns' types exactly as SQLAlchemy would store
    them. For a million ratings both are several times faster than Core's executemany."""
    connection = db.session.connection()
    dialect = connection.dialect
    driver = connection.connection.driver_connection
    if dialect.name == "postgresql":
        names = ", ".join(f'"{name}"' for name in columns)
        with driver.cursor() as cursor, cursor.copy(  # type: ignore[union-attr]
                f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        return
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                  for name in columns] if convert else []
    converting = [(index, process) for index, process in enumerate(processors) if process]

    def converted(row: tuple[Any, ...]) -> tuple[Any, ...]:
        values = list(row)
        for index, process in converting:
            values[index] = process(values[index])
        return tuple(values)

    statement = str(table.insert().compile(dialect=dialect, column_keys=list(columns)))
    cursor = driver.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(statement, (converted(row) for row in rows) if converting else rows)
    finally:
        cursor.close()


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)

