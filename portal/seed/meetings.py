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
from portal.seed.context import SeedContext, insert_rows

PLACES = ("House of culture", "School hall", "Akim's office", "Village club", "Medical post")
QUESTIONS = (
    ("When will the road to the school be repaired?", "In the summer, from the district budget.",
     "Deputy akim"),
    ("Street lights do not work on the main street.", "The contractor replaces them this month.",
     "Chief specialist for housing"),
    ("The bus to the district centre runs twice a week only.",
     "The district is asked for a daily route.", "Akim"),
    ("Drinking water is cut off in the evenings.", "The pump is replaced under the programme.",
     "Water utility"),
    ("The playground by the clinic is broken.", "Repair is in next year's plan.",
     "Chief specialist for land"),
)
EVIDENCE = "Done; photo report published in the akim's channel."
SEED_HOUR_UTC = time(6, 0)  # 11:00 in Almaty


def seed(ctx: SeedContext) -> None:
    rng = ctx.rng("meetings")
    villages = {place.id: place.settlement_ids for place in ctx.rural_districts}
    meetings: list[dict[str, Any]] = []
    questions: list[dict[str, Any]] = []
    first_day = ctx.as_of - timedelta(days=365)
    for term in ctx.serving_terms():
        choices = villages.get(term.rural_district_id) or []
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
                                     attendance=rng.randint(25, 240)))
            for number in range(rng.randint(1, 3)):
                text, answer, responsible = QUESTIONS[(meeting_id + number) % len(QUESTIONS)]
                due = day + timedelta(days=rng.choice((30, 60, 90, 180)))
                closed = due < ctx.as_of and rng.random() < 0.6
                questions.append({
                    "id": ctx.new_id(MeetingQuestion), "meeting_id": meeting_id,
                    "question": text, "answer": answer, "responsible": responsible,
                    "due_on": due, "status": "closed" if closed else "open",
                    "closed_on": min(due, ctx.as_of - timedelta(days=1)) if closed else None,
                    "evidence": EVIDENCE if closed else "", "created_at": starts,
                })
        if rng.random() < 0.33 or term.id == ctx.demo.akim_term_id:
            ahead = datetime.combine(ctx.as_of + timedelta(days=rng.randint(4, 40)),
                                     SEED_HOUR_UTC, UTC)
            meetings.append(_meeting(ctx.new_id(Meeting), term.id, rng.choice(choices), rng,
                                     ahead, attendance=None))
    insert_rows(Meeting, meetings)
    insert_rows(MeetingQuestion, questions)
    still_open = sum(1 for item in questions if item["status"] == "open")
    ctx.progress(f"meetings: {len(meetings)} with {len(questions)} questions "
                 f"({still_open} still open)")


def _meeting(meeting_id: int, term_id: int, settlement_id: int, rng: Any, starts: datetime,
             attendance: int | None) -> dict[str, Any]:
    return {
        "id": meeting_id, "term_id": term_id, "settlement_id": settlement_id,
        "place": rng.choice(PLACES), "starts_at": starts,
        "announced_at": starts - timedelta(days=rng.randint(5, 20)),
        "status": "held" if attendance is not None else "scheduled",
        "attendance": attendance, "video_url": "", "minutes_file_id": None,
    }
