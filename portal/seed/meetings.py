"""Seed step: meetings of serving akims with residents, with questions (some still open).

Each serving term holds one meeting in each period the decree asks for (quarterly before 2024,
half-yearly since; `portal.reports.policy.MEETING_POLICY`) over the year before the reference
date, in one of its villages, with attendance and one to three questions. A few periods go
without a meeting, as in life. About a third of the akims have announced their next meeting.
Written reports link to the meetings of their period by date (`meetings_of_period`).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from portal.meetings.models import Meeting, MeetingQuestion
from portal.reports.policy import meetings_owed_by_term
from portal.seed import languages
from portal.seed.context import SeedContext, insert_rows

# A meeting's record is written where it is held, in Kazakh or in Russian (never English), as
# the region writes (`_language`).
PLACES = {
    "kk": ("Мәдениет үйі", "Мектептің акт залы", "Әкім аппараты", "Ауылдық клуб",
           "Медициналық пункт"),
    "ru": ("Дом культуры", "Актовый зал школы", "Аппарат акима", "Сельский клуб",
           "Медицинский пункт"),
}
QUESTIONS = {
    "kk": (
        ("Мектепке баратын жол қашан жөнделеді?",
         "Жазда, аудандық бюджет қаражаты есебінен.", "Әкімнің орынбасары"),
        ("Басты көшеде көше жарығы жанбайды.", "Мердігер шамдарды осы айда ауыстырады.",
         "Тұрғын үй-коммуналдық шаруашылығы жөніндегі бас маман"),
        ("Аудан орталығына автобус аптасына екі рет қана қатынайды.",
         "Аудан әкімдігіне күнделікті бағыт ашу туралы сұрау жіберілді.", "Әкім"),
        ("Кешке ауыз су беру тоқтатылады.", "Сорғы бағдарлама аясында ауыстырылады.",
         "Сумен жабдықтау ұйымы"),
        ("Емхана жанындағы балалар алаңы бұзылған.",
         "Жөндеу келесі жылдың жоспарына енгізілді.", "Жер қатынастары жөніндегі бас маман"),
    ),
    "ru": (
        ("Когда отремонтируют дорогу к школе?", "Летом, за счёт средств районного бюджета.",
         "Заместитель акима"),
        ("На главной улице не работает уличное освещение.",
         "Подрядчик заменит светильники в этом месяце.", "Главный специалист по ЖКХ"),
        ("Автобус до районного центра ходит только два раза в неделю.",
         "В акимат района направлен запрос на ежедневный маршрут.", "Аким"),
        ("По вечерам отключают питьевую воду.", "Насос заменят в рамках программы.",
         "Водоснабжающая организация"),
        ("Детская площадка у амбулатории сломана.", "Ремонт включён в план следующего года.",
         "Главный специалист по земельным отношениям"),
    ),
}
EVIDENCE = {
    "kk": "Орындалды; фотоесеп әкім аппаратының парақшасында жарияланды.",
    "ru": "Выполнено; фотоотчёт опубликован на странице аппарата акима.",
}


def _language(meeting_id: int, region: str) -> str:
    """Kazakh or Russian as the region writes (`portal.seed.languages`): a fixed spread over
    the meetings' ids, so the language draws nothing from the step's random stream."""
    return "kk" if meeting_id * 37 % 100 < 100 * languages.kazakh_share(region) else "ru"


SEED_HOUR_UTC = time(6, 0)  # 11:00 in Almaty


def seed(ctx: SeedContext) -> None:
    rng = ctx.rng("meetings")
    villages = {place.id: place.settlement_ids for place in ctx.rural_districts}
    regions = {place.id: place.region for place in ctx.rural_districts}
    meetings: list[dict[str, Any]] = []
    questions: list[dict[str, Any]] = []
    first_day = ctx.as_of - timedelta(days=365)
    for term in ctx.serving_terms():
        choices = villages.get(term.rural_district_id) or []
        region = regions.get(term.rural_district_id, "")
        if not choices:
            continue
        periods = [period for period in meetings_owed_by_term(term.starts_on, term.ends_on,
                                                              None)
                   if period.period_end >= first_day and period.period_start < ctx.as_of]
        for period in periods:
            last = min(period.period_end, ctx.as_of - timedelta(days=1))
            if last < period.period_start or rng.random() < 0.08:  # a period without one
                continue
            day = period.period_start + timedelta(
                days=rng.randint(0, (last - period.period_start).days))
            starts = datetime.combine(day, SEED_HOUR_UTC, UTC)
            meeting_id = ctx.new_id(Meeting)
            meetings.append(_meeting(meeting_id, term.id, rng.choice(choices), rng, starts,
                                     region, attendance=rng.randint(25, 240)))
            for number in range(rng.randint(1, 3)):
                asked = QUESTIONS[_language(meeting_id, region)]
                text, answer, responsible = asked[(meeting_id + number) % len(asked)]
                due = day + timedelta(days=rng.choice((30, 60, 90, 180)))
                closed = due < ctx.as_of and rng.random() < 0.6
                questions.append({
                    "id": ctx.new_id(MeetingQuestion), "meeting_id": meeting_id,
                    "question": text, "answer": answer, "responsible": responsible,
                    "due_on": due, "status": "closed" if closed else "open",
                    "closed_on": min(due, ctx.as_of - timedelta(days=1)) if closed else None,
                    "evidence": EVIDENCE[_language(meeting_id, region)] if closed else "",
                    "created_at": starts,
                })
        if rng.random() < 0.33 or term.id == ctx.demo.akim_term_id:
            ahead = datetime.combine(ctx.as_of + timedelta(days=rng.randint(4, 40)),
                                     SEED_HOUR_UTC, UTC)
            meetings.append(_meeting(ctx.new_id(Meeting), term.id, rng.choice(choices), rng,
                                     ahead, region, attendance=None))
    insert_rows(Meeting, meetings)
    insert_rows(MeetingQuestion, questions)
    still_open = sum(1 for item in questions if item["status"] == "open")
    ctx.progress(f"meetings: {len(meetings)} with {len(questions)} questions "
                 f"({still_open} still open)")


def _meeting(meeting_id: int, term_id: int, settlement_id: int, rng: Any, starts: datetime,
             region: str, attendance: int | None) -> dict[str, Any]:
    return {
        "id": meeting_id, "term_id": term_id, "settlement_id": settlement_id,
        "place": rng.choice(PLACES[_language(meeting_id, region)]), "starts_at": starts,
        "announced_at": starts - timedelta(days=rng.randint(5, 20)),
        "status": "held" if attendance is not None else "scheduled",
        "attendance": attendance, "video_url": "", "minutes_file_id": None,
    }
