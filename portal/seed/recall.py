"""Seed step: recall petitions, then the evaluation run over the seeded record, then the akims'
responses and staff decisions a real year would have produced.

Flags are never written by hand: rules 1, 2 and 5 fire on the reports, promises and budgets of
the earlier steps, rule 4 on the petitions made here. The evaluation runs monthly over the past
year and on the reference date, so flags have a history: some raised long ago and public, some
cleared since, some new and still inside their response window.

Petitions: one collecting signatures in a few per cent of rural districts, one that reached the
threshold (10 % of voters: more people than the accounts step verified there, so this step
verifies the extra signers itself, as synthetic residents who cannot sign in), and in the demo
an open petition in the demo akim's district that citizen@demo.kz has not signed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, func, select, update

from portal import clock
from portal.accounts import iin as iin_numbers
from portal.accounts.models import Role, User, UserRole, VerificationMethod
from portal.extensions import db
from portal.promises.models import Promise
from portal.recall import evaluation
from portal.recall.models import (
    Flag,
    FlagStatus,
    Petition,
    PetitionSignature,
    PetitionStatus,
)
from portal.recall.ruleset import current_rules
from portal.reports.models import Report, ReportState
from portal.seed import languages
from portal.seed.accounts import RESIDENT_EMAIL_DOMAIN
from portal.seed.context import SeedContext, TermSeed, insert_rows
from portal.seed.report_texts import ru_plural

# The nightly evaluation, sampled monthly over the past year (oldest first), then on the
# reference date: flags get a history (raised long ago, confirmed, cleared since).
HISTORY_DAYS = tuple(range(360, -1, -30))
PETITION_SHARE_PER_MILLE = 6  # serving terms with a petition collecting signatures
RESPONSE_SHARE = 0.45  # public flags the akim answered
REVIEWED_SHARE = 0.35  # of those, taken up by a reviewer
REVIEW_HANDOVER_DAYS = 90  # review passed from parliamentary staff to moderators this long ago
DECIDED_SHARE = 0.6  # of the reviewed, decided

# A petition's reason names only the akim's record: promises of the programme not kept (by
# title, in «»), and reports never published if there are any. In the region's language.
REASON_PROMISES = {
    "kk": "Ауылдық округ әкімі сайлау бағдарламасындағы уәделерді орындамай отыр: {titles}.",
    "ru": "Аким сельского округа не выполняет обещания своей предвыборной программы: {titles}.",
}
REASON_REPORTS = {
    "kk": "Әкім тұрғындар алдында есеп бермейді: {count} есеп жарияланбады.",
    "ru": "Аким не отчитывается перед жителями: {count} {reports} не {published}.",
}
REASON_DEFAULT = {
    "kk": "Тұрғындар әкімнің бағдарламасы қалай орындалып жатқанына көңілі толмайды.",
    "ru": "Жители недовольны тем, как выполняется программа акима.",
}
NOT_KEPT = ("not_yet_rated", "in_progress", "stalled", "broken")
RESPONSES = (
    "Есеп кешіктірілді, себебі аудандық қаржы бөлімінің деректері уақытында келмеді. Есеп "
    "осы айда жарияланады; тұрғындармен кездесу ауылдық клубта өтеді.",
    "Отчёт задержан: ждали данные районного отдела финансов по исполнению бюджета. Отчёт "
    "будет опубликован в этом месяце, встреча с жителями пройдёт в сельском клубе.",
    "Уәделердің бір бөлігі аудандық бюджеттен қаржыландырылмады; жол жөндеуге өтінім "
    "«Ауыл – Ел бесігі» жобасына берілді. Құжаттар әкім аппаратының сайтында.",
    "Часть обещаний зависела от финансирования из районного бюджета, которое не выделили. "
    "Заявка на ремонт дороги подана в проект «Ауыл – Ел бесігі», документы на сайте.",
)
DECISIONS = (
    (FlagStatus.UPHELD, "Проверено по опубликованным данным портала: отчёты не опубликованы, "
                        "объяснение акима не подтверждено документами."),
    (FlagStatus.DISMISSED, "Аким представил письмо районного отдела финансов о задержке "
                           "данных; отчёт опубликован. Сигнал снят как объяснённый."),
    (FlagStatus.UPHELD, "Тексерілді: уәделердің орындалмағаны расталды, қаржыландыру туралы "
                        "құжаттар ұсынылмады."),
)


def moment(day: date, at: time = time(2, 30)) -> datetime:
    """A time of day in Almaty, in UTC (the nightly evaluation runs at 02:30 there)."""
    return datetime.combine(day, at, clock.zone()).astimezone(UTC)


def seed(ctx: SeedContext) -> None:
    rng = ctx.rng("recall")
    signatures = _petitions(ctx, rng)
    raised = 0
    for days in HISTORY_DAYS:
        day = ctx.as_of - timedelta(days=days)
        raised += len(evaluation.evaluate(day, "seed", now=moment(day)).raised_ids)
    db.session.execute(update(Flag).values(notified_at=Flag.raised_at)
                       .execution_options(synchronize_session=False))
    answered = _due_process(ctx, rng)
    flags = list(db.session.execute(select(Flag.term_id, Flag.rule).where(
        Flag.cleared_on.is_(None))))
    serving = len(ctx.serving_terms())
    flagged = len({term_id for term_id, _rule in flags})
    by_rule: dict[str, int] = {}
    for _term_id, rule in flags:
        by_rule[rule.value] = by_rule.get(rule.value, 0) + 1
    ctx.progress(
        f"recall: {raised} flags raised over {len(HISTORY_DAYS)} evaluations, "
        f"{len(flags)} live on {flagged} of {serving} serving terms "
        f"({100 * flagged / max(1, serving):.1f} %; "
        + ", ".join(f"{rule} {count}" for rule, count in sorted(by_rule.items()))
        + f"), {answered} answered; {signatures} petition signatures")


# --------------------------------------------------------------------------- petitions

def _petitions(ctx: SeedContext, rng: random.Random) -> int:
    serving = ctx.serving_terms()
    voters = {rd.id: rd.registered_voters for rd in ctx.rural_districts}
    rule = current_rules().rules.petition
    chosen: list[tuple[TermSeed, str]] = []
    if ctx.national:
        count = max(3, len(serving) * PETITION_SHARE_PER_MILLE // 1000)
        chosen = [(term, "open") for term in rng.sample(serving, count)]
    else:
        lead = next(term for term in serving if term.id == ctx.demo.akim_term_id)
        chosen = [(lead, "open")]
    # The success: the serving term with the fewest voters that has no petition yet (and in
    # the demo is neither demo akim's, so akim2 shows a clean record and akim a fresh one).
    taken = {term.id for term, _kind in chosen} | {ctx.demo.akim_term_id, ctx.demo.akim2_term_id}
    winner = min((term for term in serving if term.id not in taken),
                 key=lambda term: (voters[term.rural_district_id], term.id))
    chosen.append((winner, "succeeded"))
    residents = _verified_since([term.rural_district_id for term, _kind in chosen])
    petitions: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for term, kind in chosen:
        opened = ctx.as_of - timedelta(days=rng.randint(20, 75))
        people = [user_id for user_id in ctx.residents.get(term.rural_district_id, [])
                  if user_id != ctx.demo.citizen_user_id]
        if kind == "succeeded":
            needed = rule.threshold(voters[term.rural_district_id])
            people += _extra_residents(ctx, rng, term.rural_district_id,
                                       needed - len(people), opened, residents)
            signers = rng.sample(people, needed)
        else:
            signers = rng.sample(people, max(2, len(people) * rng.randint(15, 70) // 100))
        petition_id = ctx.new_id(Petition)
        signed = _signatures(ctx, rng, petition_id, signers, opened, residents,
                             withdrawals=kind == "open")
        rows.extend(signed)
        active = [row for row in signed if row["withdrawn_at"] is None]
        succeeded_on = (clock.local_date(max(row["signed_at"] for row in active))
                        if kind == "succeeded" else None)
        petitions.append({
            "id": petition_id, "term_id": term.id, "rural_district_id": term.rural_district_id,
            "initiator_id": signers[0], "reason": _reason(ctx, rng, term),
            "opened_at": moment(opened, time(11)), "opened_on": opened,
            "closes_on": opened + timedelta(days=rule.duration_days - 1),
            "status": (PetitionStatus.SUCCEEDED if kind == "succeeded"
                       else PetitionStatus.OPEN).value,
            "signature_count": len(active), "succeeded_on": succeeded_on, "closed_on": None,
        })
    insert_rows(Petition, petitions)
    insert_rows(PetitionSignature, rows)
    return len(rows)


def _reason(ctx: SeedContext, rng: random.Random, term: TermSeed) -> str:
    """Why residents petition: the term's own record (see REASON_PROMISES)."""
    region = next(rd.region for rd in ctx.rural_districts if rd.id == term.rural_district_id)
    language = languages.pick(rng, region)
    titles = list(db.session.scalars(
        select(Promise.title).where(Promise.term_id == term.id, Promise.status.in_(NOT_KEPT))
        .order_by(Promise.id)))
    missing = db.session.scalar(
        select(func.count()).select_from(Report)
        .where(Report.term_id == term.id, Report.state != ReportState.PUBLISHED,
               Report.due_on < ctx.as_of)) or 0
    parts = []
    if titles:
        cited = rng.sample(titles, min(2, len(titles)))
        parts.append(REASON_PROMISES[language].format(
            titles=", ".join(f"«{title}»" for title in cited)))
    if missing:
        parts.append(REASON_REPORTS[language].format(
            count=missing, reports=ru_plural(missing, "отчёт", "отчёта", "отчётов"),
            published="опубликован" if missing % 10 == 1 and missing % 100 != 11
            else "опубликованы"))
    return " ".join(parts) or REASON_DEFAULT[language]


def _verified_since(rural_district_ids: Sequence[int]) -> dict[int, datetime]:
    """When each resident of these rural districts was verified (nobody signs before)."""
    rows = db.session.execute(select(User.id, User.resident_verified_at).where(
        User.rural_district_id.in_(rural_district_ids), User.resident_verified_at.is_not(None)))
    return {user_id: _utc(verified) for user_id, verified in rows if verified is not None}


def _signatures(ctx: SeedContext, rng: random.Random, petition_id: int, signers: list[int],
                opened: date, verified: dict[int, datetime],
                withdrawals: bool) -> list[dict[str, Any]]:
    start = moment(opened, time(11))
    end = moment(ctx.as_of, time(0))
    rows = []
    for index, user_id in enumerate(signers):
        # The initiator signs first; the others over the weeks since, mostly early on.
        offset = 0 if index == 0 else int((end - start).total_seconds() * rng.random() ** 2)
        signed_at = max(start + timedelta(seconds=offset),
                        verified.get(user_id, start) + timedelta(hours=1))
        signed_at = min(signed_at, end - timedelta(minutes=1))
        withdrawn = None
        if withdrawals and index and rng.random() < 0.04:
            withdrawn = signed_at + (end - signed_at) / 2
        rows.append({"id": ctx.new_id(PetitionSignature), "petition_id": petition_id,
                     "user_id": user_id, "signed_at": signed_at, "withdrawn_at": withdrawn})
    return rows


def _extra_residents(ctx: SeedContext, rng: random.Random, rural_district_id: int, count: int,
                     opened: date, verified: dict[int, datetime]) -> list[int]:
    """Residents who got verified to sign (synthetic, cannot sign in, never mailed)."""
    if count <= 0:
        return []
    key = current_app.config["IIN_HMAC_KEY"]
    hashes: dict[str, str] = {}
    while len(hashes) < count:
        for iin in _iins(rng, count - len(hashes)):
            hashes[iin_numbers.keyed_hash(iin, key)] = iin
        taken = set(db.session.scalars(select(User.iin_hmac).where(User.iin_hmac.in_(hashes))))
        for digest in taken:
            if digest is not None:
                hashes.pop(digest)
    users, roles, ids = [], [], []
    when = moment(opened - timedelta(days=rng.randint(3, 20)), time(9))
    for digest, iin in hashes.items():
        user_id = ctx.new_id(User)
        users.append({
            "id": user_id, "email": f"resident{user_id}@{RESIDENT_EMAIL_DOMAIN}",
            "password_hash": None, "display_name": None, "iin_hmac": digest,
            "adult_from": iin_numbers.adult_from(iin, when.date()),
            "rural_district_id": rural_district_id,
            "resident_verified_at": when,
            "verification_method": VerificationMethod.RESIDENTS_REGISTER.value,
            "is_active_account": True, "session_version": 1, "created_at": when,
            "email_confirmed_at": when,
        })
        roles.append({"user_id": user_id, "role": Role.CITIZEN.value})
        ids.append(user_id)
        verified[user_id] = when
    insert_rows(User, users)
    insert_rows(UserRole, roles)
    ctx.residents.setdefault(rural_district_id, []).extend(ids)
    return ids


def _iins(rng: random.Random, count: int) -> list[str]:
    """Valid synthetic IINs: a birth date, the century/sex digit, a serial, the check digit."""
    found: list[str] = []
    while len(found) < count:
        year = rng.randint(1950, 2005)
        birth = datetime(year, 1, 1) + timedelta(days=rng.randint(0, 364))
        century = rng.choice("34") if year < 2000 else rng.choice("56")
        iin = iin_numbers.with_check_digit(f"{birth:%y%m%d}{century}{rng.randint(0, 9999):04d}")
        if iin is not None and iin not in found:
            found.append(iin)
    return found


# --------------------------------------------------------------------------- due process

def _due_process(ctx: SeedContext, rng: random.Random) -> int:
    """Responses by akims to public live flags, review and decisions; the demo akim
    answers a live flag, else their latest (if it has cleared since, the answer came while it
    was open).
    Returns how many flags were answered."""
    now = moment(ctx.as_of, time(12))
    columns = (Flag.id, Flag.term_id, Flag.raised_at, Flag.public_from, Flag.cleared_on)
    live = list(db.session.execute(select(*columns).where(Flag.cleared_on.is_(None))
                                   .order_by(Flag.id)))
    # The demo akim answers a live flag if there is one (the staff journey reads the answer),
    # else their latest.
    demo_latest = db.session.execute(
        select(*columns).where(Flag.term_id == ctx.demo.akim_term_id)
        .order_by(Flag.cleared_on.is_(None).desc(), Flag.first_raised_on.desc(),
                  Flag.id.desc()).limit(1)).first()
    # Flags were reviewed by parliamentary staff until review passed to the portal's
    # moderators; the story keeps older decisions as staff made them.
    staff = ctx.demo.user_ids.get("staff@demo.kz")
    moderator = ctx.demo.user_ids.get("moderator@demo.kz")
    handover = now - timedelta(days=REVIEW_HANDOVER_DAYS)

    def reviewer(at: datetime) -> tuple[int | None, str]:
        return (staff, Role.STAFF.value) if at < handover else (moderator, Role.MODERATOR.value)

    akim_users = {ctx.demo.akim_term_id: ctx.demo.user_ids.get("akim@demo.kz"),
                  ctx.demo.akim2_term_id: ctx.demo.user_ids.get("akim2@demo.kz")}
    responses: list[dict[str, Any]] = []
    decisions: list[dict[str, Any]] = []
    reviews: list[dict[str, Any]] = []
    for row in live:
        flag_id, term_id, raised_at, public_from = row[0], row[1], _utc(row[2]), _utc(row[3])
        if term_id == ctx.demo.akim_term_id or public_from > now:
            continue
        if rng.random() >= RESPONSE_SHARE:
            continue
        responded_at = raised_at + (public_from - raised_at) * rng.uniform(0.2, 0.9)
        responses.append(_response(rng, flag_id, responded_at, akim_users.get(term_id),
                                   public_from, FlagStatus.AKIM_RESPONDED))
        if rng.random() >= REVIEWED_SHARE:
            continue
        reviewed_at = responded_at + (now - responded_at) * rng.uniform(0.1, 0.5)
        review_by, review_role = reviewer(reviewed_at)
        if rng.random() < DECIDED_SHARE:
            status, reason = rng.choice(DECISIONS)
            decided_at = reviewed_at + (now - reviewed_at) / 2
            decided_by, decided_role = reviewer(decided_at)
            decisions.append({"b_id": flag_id, "status": status.value, "decision_reason": reason,
                              "decided_at": decided_at, "decided_by_id": decided_by,
                              "decided_by_role": decided_role, "review_started_at": reviewed_at,
                              "review_started_by_id": review_by,
                              "review_started_by_role": review_role})
        else:
            reviews.append({"b_id": flag_id, "status": FlagStatus.UNDER_REVIEW.value,
                            "review_started_at": reviewed_at, "review_started_by_id": review_by,
                            "review_started_by_role": review_role})
    if demo_latest is not None:
        flag_id, _term, raised_at, public_from, cleared_on = demo_latest
        raised_at, public_from = _utc(raised_at), _utc(public_from)
        until = min(public_from, now) if cleared_on is None else min(
            public_from, moment(cleared_on, time(0)))
        responded_at = raised_at + max(until - raised_at, timedelta(hours=2)) * 0.5
        responses.append(_response(rng, flag_id, responded_at,
                                   akim_users.get(ctx.demo.akim_term_id), public_from,
                                   FlagStatus.AKIM_RESPONDED if cleared_on is None
                                   else FlagStatus.CLEARED))
    for rows in (responses, reviews, decisions):
        if rows:
            keys = [key for key in rows[0] if key != "b_id"]
            table = Flag.__table__
            db.session.execute(
                update(table).where(table.c.id == bindparam("b_id"))  # type: ignore[arg-type]
                .values({key: bindparam(key) for key in keys}), rows)
    return len(responses)


def _response(rng: random.Random, flag_id: int, responded_at: datetime, author: int | None,
              public_from: datetime, status: FlagStatus) -> dict[str, Any]:
    return {"b_id": flag_id, "response": rng.choice(RESPONSES), "responded_at": responded_at,
            "responded_by_id": author, "public_from": min(public_from, responded_at),
            "status": status.value}


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
