"""The rules of the seed's story (issue 20, point 5), as queries over a seeded database.

Each function returns what breaks its rule (an empty list when the story holds) or the figure
the tests bound; `tests/test_story.py` asks them of the demo seed and `tests/parity/
test_story.py` of the national seed (built once for the parity tests).
"""

from __future__ import annotations

import re
import statistics
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_, select

from portal.accounts.models import User
from portal.akims.models import Term
from portal.budgets.readers import budget_summaries_for_rural_districts
from portal.extensions import db
from portal.feedback.models import Comment, Rating
from portal.geo.models import Settlement
from portal.promises.models import Promise, PromiseAmendment, promise_settlement
from portal.recall.models import PetitionSignature

FIRST_ELECTIONS = date(2021, 7, 25)
RELIGIOUS = re.compile(r"\b(?:мечет|мешіт|церк|шіркеу|храм|ғибадат|mosque|church|temple)",
                       re.IGNORECASE)


def elections_not_on_a_sunday() -> list[date]:
    days = set(db.session.scalars(select(Term.elected_on)))
    assert days
    return sorted(day for day in days if day.weekday() != 6)


def first_elections_share() -> float:
    """The share of posts whose first elected akim was elected on 25 July 2021 (DOMAIN.md:
    about 730-775 of 2,345 posts, ≈ 31 %)."""
    firsts = list(db.session.scalars(select(func.min(Term.elected_on))
                                     .group_by(Term.rural_district_id)))
    return sum(day == FIRST_ELECTIONS for day in firsts) / len(firsts)


def latest_election_year() -> int:
    return max(day.year for day in db.session.scalars(select(Term.elected_on)))


def promises_in_other_units() -> list[tuple[int, str]]:
    """Promises placed in a village of another rural district than their term's."""
    assert db.session.scalar(select(func.count()).select_from(promise_settlement))
    return [tuple(row) for row in db.session.execute(  # type: ignore[misc]
        select(Promise.id, Settlement.kato)
        .join(promise_settlement, promise_settlement.c.promise_id == Promise.id)
        .join(Settlement, Settlement.id == promise_settlement.c.settlement_id)
        .join(Term, Term.id == Promise.term_id)
        .where(Settlement.rural_district_id != Term.rural_district_id))]


def religious_promises() -> list[str]:
    """Promise titles about a mosque, church or temple; the names of the promise's own
    villages are left out first (Мечетное and Церковное are real villages)."""
    from portal.geo.kato import bare_name

    names: dict[int, list[str]] = {}
    for promise_id, name in db.session.execute(
            select(promise_settlement.c.promise_id, Settlement.name_ru)
            .join(Settlement, Settlement.id == promise_settlement.c.settlement_id)):
        names.setdefault(promise_id, []).append(bare_name(name))
    titles = list(db.session.execute(select(Promise.id, Promise.title)))
    assert titles
    found = []
    for promise_id, title in titles:
        text = title
        for name in names.get(promise_id, []):
            text = text.replace(name, "")
        if RELIGIOUS.search(text):
            found.append(title)
    return found


def time_running_backwards() -> dict[str, int]:
    """Counts of records older than what they need: a rating before its author's account
    and verification, a signature before (or without) verification, a comment before the
    account, an amendment before its promise."""
    counts = {
        "ratings": db.session.scalar(
            select(func.count()).select_from(Rating).join(User, User.id == Rating.user_id)
            .where(or_(Rating.created_at < User.created_at,
                       Rating.created_at < User.resident_verified_at))),
        "signatures": db.session.scalar(
            select(func.count()).select_from(PetitionSignature)
            .join(User, User.id == PetitionSignature.user_id)
            .where(or_(User.resident_verified_at.is_(None),
                       PetitionSignature.signed_at < User.resident_verified_at))),
        "comments": db.session.scalar(
            select(func.count()).select_from(Comment).join(User, User.id == Comment.author_id)
            .where(Comment.created_at < User.created_at)),
        "amendments": db.session.scalar(
            select(func.count()).select_from(PromiseAmendment)
            .join(Promise, Promise.id == PromiseAmendment.promise_id)
            .where(PromiseAmendment.created_at < Promise.created_at)),
    }
    assert db.session.scalar(select(func.count()).select_from(Rating))
    return {name: count for name, count in counts.items() if count}


def own_revenue_shares(year: int) -> list[Decimal]:
    """Each rural district's own revenue share of the year, as its budget pages show it
    (`portal.budgets.readers`), smallest first."""
    unit_ids = list(db.session.scalars(select(Term.rural_district_id).distinct()))
    shares = [item.own_share
              for series in budget_summaries_for_rural_districts(unit_ids).values()
              for item in series if item.year == year and item.own_share is not None]
    assert shares
    return sorted(shares)


def median(values: list[Decimal]) -> Decimal:
    return Decimal(statistics.median(values))


def repeated_comments() -> list[tuple[str, int]]:
    """Residents' comments that say word for word what another says."""
    assert db.session.scalar(select(func.count()).select_from(Comment)
                             .where(Comment.is_official.is_(False)))
    return [(body, count) for body, count in db.session.execute(
        select(Comment.body, func.count()).where(Comment.is_official.is_(False))
        .group_by(Comment.body).having(func.count() > 1))]


# What a comment is about, by the words that name it (stems, Kazakh and Russian): a reply
# answers a comment when it names one of the comment's topics and each village it names.
TOPIC_STEMS: dict[str, tuple[str, ...]] = {
    "road": ("жол", "шұңқыр", "асфальт", "көше", "дорог", "ям", "улиц"),
    "water": ("су ", "су,", "суға", "су құбыр", "ауызсу", "вод"),
    "lighting": ("шам", "жарық", "фонар", "освещ"),
    "children": ("балабақша", "мектеп", "детсад", "школ"),
    "waste": ("қоқыс", "контейнер", "сенбілік", "мусор", "свалк", "субботник"),
    "sport": ("спорт", "алаң", "площадк", "тренаж"),
    "health": ("медициналық", "фельдшер", "дәрі", "медпункт", "лекарств"),
    "bus": ("автобус", "аялдама", "остановк"),
    "report": ("есеп", "сан", "бюджет", "отчёт", "цифр", "смет", "расход", "деньги"),
    "meeting": ("кездесу", "встреч"),
}
KAZAKH_LETTERS = re.compile("[әғқңөұүһі]", re.IGNORECASE)


def _topics(text: str) -> set[str]:
    lowered = text.lower() + " "
    return {topic for topic, stems in TOPIC_STEMS.items()
            if any(stem in lowered for stem in stems)}


def replies_that_miss() -> list[tuple[str, str]]:
    """(comment, reply) pairs where the akim's reply is not about what the resident wrote:
    another language, a village of the comment left out, or (on a report) no topic of the
    comment."""
    from sqlalchemy.orm import aliased

    from portal.geo.kato import bare_name

    reply = aliased(Comment)
    pairs = db.session.execute(
        select(Comment.body, reply.body, Comment.report_id, Term.rural_district_id)
        .join(reply, reply.parent_id == Comment.id)
        .join(Term, Term.id == Comment.term_id)
        .where(reply.is_official.is_(True))).all()
    assert pairs
    villages: dict[int, list[str]] = {}
    for unit_id, name in db.session.execute(
            select(Settlement.rural_district_id, Settlement.name_ru)
            .where(Settlement.rural_district_id.in_({pair[3] for pair in pairs}))):
        villages.setdefault(unit_id, []).append(bare_name(name))
    missed = []
    for body, answer, report_id, unit_id in pairs:
        named = [name for name in villages.get(unit_id, []) if len(name) > 2
                 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", body)]
        # Names of projects in quotes (проект «Ауыл – Ел бесігі») are in Kazakh in both.
        plain_body = re.sub(r"«[^»]*»", "", body)
        plain_answer = re.sub(r"«[^»]*»", "", answer)
        for name in named:
            plain_body = plain_body.replace(name, "")
            plain_answer = plain_answer.replace(name, "")
        same_language = (bool(KAZAKH_LETTERS.search(plain_body))
                         == bool(KAZAKH_LETTERS.search(plain_answer)))
        same_places = all(name in answer for name in named)
        same_topic = report_id is None or bool(_topics(plain_body) & _topics(plain_answer))
        if not (same_language and same_places and same_topic):
            missed.append((body, answer))
    return missed


def scores_by_record(as_of: date) -> dict[str, list[float]]:
    """Each rated term's average score, by its record: "both" a report never published and a
    promise broken, "one" either, "clean" neither."""
    from portal.feedback.models import TermRatingTally
    from portal.promises.models import PromiseStatus
    from portal.reports.models import Report, ReportState

    missing = {term_id for term_id, in db.session.execute(
        select(Report.term_id).where(Report.state != ReportState.PUBLISHED,
                                     Report.due_on < as_of).distinct())}
    broken = {term_id for term_id, in db.session.execute(
        select(Promise.term_id).where(Promise.status == PromiseStatus.BROKEN).distinct())}
    groups: dict[str, list[float]] = {"both": [], "one": [], "clean": []}
    for term_id, total, count in db.session.execute(
            select(TermRatingTally.term_id, TermRatingTally.rating_sum,
                   TermRatingTally.rating_count).where(TermRatingTally.rating_count >= 5)):
        flaws = (term_id in missing) + (term_id in broken)
        groups[("clean", "one", "both")[flaws]].append(total / count)
    return groups


def _unit_villages(unit_ids: set[int]) -> dict[int, set[str]]:
    from portal.geo.kato import bare_name

    villages: dict[int, set[str]] = {}
    for unit_id, name in db.session.execute(
            select(Settlement.rural_district_id, Settlement.name_ru)
            .where(Settlement.rural_district_id.in_(unit_ids))):
        villages.setdefault(unit_id, set()).add(bare_name(name))
    return villages


PROMISE_LINE = re.compile(r"^- \*\*(.+?)\*\*: ", re.MULTILINE)


def reports_off_the_record() -> list[tuple[int, str]]:
    """Published reports that name a promise not in the akim's programme, or hold their
    meeting in a village not of the rural district."""
    from portal.reports.models import Report, ReportState

    rows = db.session.execute(
        select(Report.id, Report.term_id, Report.promises_progress, Report.meeting_place,
               Term.rural_district_id)
        .join(Term, Term.id == Report.term_id)
        .where(Report.state == ReportState.PUBLISHED)).all()
    assert rows
    titles: dict[int, set[str]] = {}
    for term_id, title in db.session.execute(select(Promise.term_id, Promise.title)):
        titles.setdefault(term_id, set()).add(title)
    villages = _unit_villages({row[4] for row in rows})
    wrong = []
    for report_id, term_id, progress, place, unit_id in rows:
        wrong += [(report_id, title) for title in PROMISE_LINE.findall(progress)
                  if title not in titles.get(term_id, set())]
        village = place.rsplit(", ", 1)[-1]
        if village not in villages.get(unit_id, set()) | {"округа", "округтегі"}:
            wrong.append((report_id, place))
    return wrong


def report_languages() -> dict[str, dict[str, int]]:
    """Published reports by the kind of region (see portal.seed.languages) and the language
    their summary is written in (Kazakh letters or not)."""
    from portal.geo.models import District, Region, RuralDistrict
    from portal.reports.models import Report, ReportState
    from portal.seed.languages import NORTH, SOUTH_AND_WEST

    counts: dict[str, dict[str, int]] = {}
    for region, summary in db.session.execute(
            select(Region.kato2, Report.summary)
            .join(Term, Term.id == Report.term_id)
            .join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
            .join(District, District.id == RuralDistrict.district_id)
            .join(Region, Region.id == District.region_id)
            .where(Report.state == ReportState.PUBLISHED)):
        kind = ("south_west" if region in SOUTH_AND_WEST else
                "north" if region in NORTH else "other")
        language = "kk" if KAZAKH_LETTERS.search(summary) else "ru"
        counts.setdefault(kind, {"kk": 0, "ru": 0})[language] += 1
    return counts


def petitions_off_the_record() -> list[str]:
    """Petition reasons that cite («…») anything but a promise of the akim's programme."""
    from portal.recall.models import Petition

    rows = db.session.execute(select(Petition.term_id, Petition.reason)).all()
    assert rows
    titles: dict[int, set[str]] = {}
    for term_id, title in db.session.execute(select(Promise.term_id, Promise.title)):
        titles.setdefault(term_id, set()).add(title)
    wrong = []
    for term_id, reason in rows:
        rest = reason
        for title in sorted(titles.get(term_id, set()), key=len, reverse=True):
            rest = rest.replace(f"«{title}»", "")
        if "«" in rest:
            wrong.append(reason)
    return wrong


PLACES_IN_TITLE = re.compile(r"(\d+) (?:орындық балабақша|мест)")


def promises_out_of_scale() -> list[tuple[str, int]]:
    """Kindergartens with more places than a village of that size has preschool children
    (a fifth of its people, generously), and promises paid from the rural district's own
    budget that cost more than a fifth of its revenue in the deadline's year."""
    from portal.budgets.models import BudgetLine, PeriodKind

    wrong: list[tuple[str, int]] = []
    kindergartens = db.session.execute(
        select(Promise.title, Settlement.population)
        .join(promise_settlement, promise_settlement.c.promise_id == Promise.id)
        .join(Settlement, Settlement.id == promise_settlement.c.settlement_id)
        .where(or_(Promise.title.contains("балабақша"), Promise.title.contains("детский сад"))))
    seen = 0
    for title, population in kindergartens:
        match = PLACES_IN_TITLE.search(title)
        seen += 1
        if match is None or int(match.group(1)) > max(15, (population or 0) // 5):
            wrong.append((title, population or 0))
    assert seen
    revenues = {(unit_id, year): int(total or 0) for unit_id, year, total in db.session.execute(
        select(BudgetLine.rural_district_id, BudgetLine.year, func.sum(BudgetLine.approved))
        .where(BudgetLine.period_kind == PeriodKind.YEAR)
        .group_by(BudgetLine.rural_district_id, BudgetLine.year))}
    latest = max(year for _unit, year in revenues)
    for title, cost, deadline, unit_id in db.session.execute(
            select(Promise.title, Promise.cost_estimate, Promise.deadline,
                   Term.rural_district_id)
            .join(Term, Term.id == Promise.term_id)
            .where(Promise.funding_source == "rural_district_budget",
                   Promise.cost_estimate.is_not(None))):
        revenue = revenues.get((unit_id, min(deadline.year, latest)), 0)
        if cost > revenue // 5:
            wrong.append((title, cost))
    return wrong


def akim_names() -> dict[str, object]:
    """Akims' names: patronymics from names no father born 1935-1975 bore, the women's share,
    and the share of Russian, Ukrainian and German names by kind of region."""
    from portal.akims.models import Akim, Gender
    from portal.geo.models import District, Region, RuralDistrict
    from portal.seed.languages import NORTH, SOUTH_AND_WEST
    from portal.seed.people import RECENT_NAMES

    rows = db.session.execute(
        select(Akim.id, Akim.full_name, Akim.gender, func.min(Region.kato2))
        .join(Term, Term.akim_id == Akim.id)
        .join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
        .join(District, District.id == RuralDistrict.district_id)
        .join(Region, Region.id == District.region_id)
        .group_by(Akim.id, Akim.full_name, Akim.gender)).all()
    assert rows
    recent, women, other = [], 0, {"south_west": [0, 0], "north": [0, 0], "other": [0, 0]}
    for _akim_id, name, gender, region in rows:
        patronymic = name.split()[-1]
        root = re.sub(r"(ұлы|қызы)$", "", patronymic)
        if root != patronymic and root in RECENT_NAMES:
            recent.append(name)
        women += gender == Gender.FEMALE
        kind = ("south_west" if region in SOUTH_AND_WEST else
                "north" if region in NORTH else "other")
        other[kind][0] += root == patronymic  # a Russian-style patronymic (-вич, -вна)
        other[kind][1] += 1
    return {"recent_fathers": recent, "women": women / len(rows),
            "not_kazakh": {kind: (count / total if total else None)
                           for kind, (count, total) in other.items()}}


def meeting_languages() -> dict[str, dict[str, int]]:
    """Questions raised at meetings by the kind of region and their language (as
    `report_languages`)."""
    from portal.geo.models import District, Region, RuralDistrict
    from portal.meetings.models import Meeting, MeetingQuestion
    from portal.seed.languages import NORTH, SOUTH_AND_WEST

    counts: dict[str, dict[str, int]] = {}
    for region, question in db.session.execute(
            select(Region.kato2, MeetingQuestion.question)
            .join(Meeting, Meeting.id == MeetingQuestion.meeting_id)
            .join(Term, Term.id == Meeting.term_id)
            .join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
            .join(District, District.id == RuralDistrict.district_id)
            .join(Region, Region.id == District.region_id)):
        kind = ("south_west" if region in SOUTH_AND_WEST else
                "north" if region in NORTH else "other")
        language = "kk" if KAZAKH_LETTERS.search(question) else "ru"
        counts.setdefault(kind, {"kk": 0, "ru": 0})[language] += 1
    return counts


def resident_names_not_kazakh() -> dict[str, float]:
    """The share of residents' display names ("Ольга И.") with a Russian or German given
    name, by kind of region."""
    from portal.geo.models import District, Region, RuralDistrict
    from portal.seed.languages import NORTH, SOUTH_AND_WEST
    from portal.seed.people import GERMAN_FEMALE, GERMAN_MALE, RUSSIAN_FEMALE, RUSSIAN_MALE

    other = set(RUSSIAN_MALE + RUSSIAN_FEMALE + GERMAN_MALE + GERMAN_FEMALE)
    counts: dict[str, list[int]] = {}
    for region, name in db.session.execute(
            select(Region.kato2, User.display_name)
            .join(RuralDistrict, RuralDistrict.id == User.rural_district_id)
            .join(District, District.id == RuralDistrict.district_id)
            .join(Region, Region.id == District.region_id)):
        kind = ("south_west" if region in SOUTH_AND_WEST else
                "north" if region in NORTH else "other")
        tally = counts.setdefault(kind, [0, 0])
        tally[0] += name.split()[0] in other
        tally[1] += 1
    return {kind: found / total for kind, (found, total) in counts.items()}


def paid_from() -> dict[str, int]:
    """How the seeded promises are linked to the functional group that pays for them: those
    the rural district's budget pays, linked and not, and those linked though paid by
    someone else (never)."""
    from portal.promises.models import FundingSource, Promise

    rows = db.session.execute(select(Promise.funding_source, Promise.budget_function_id)).all()
    own = [group for source, group in rows if source == FundingSource.RURAL_DISTRICT_BUDGET]
    return {"own_linked": sum(1 for group in own if group is not None),
            "own_unlinked": sum(1 for group in own if group is None),
            "others_linked": sum(1 for source, group in rows
                                 if source != FundingSource.RURAL_DISTRICT_BUDGET
                                 and group is not None)}
