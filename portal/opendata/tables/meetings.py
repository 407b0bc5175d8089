"""Meetings of akims with residents (Decree No. 826) and the questions raised at them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from portal.geo.models import Settlement
from portal.meetings.models import Meeting, MeetingQuestion
from portal.opendata.columns import SYNTHETIC, D, I, S, T, Table, stream


def _meetings() -> Iterator[tuple[Any, ...]]:
    from portal.api.serialize import public_url

    statement = (select(Meeting.id, Meeting.term_id, Settlement.kato, Meeting.place,
                        Meeting.starts_at, Meeting.announced_at, Meeting.changed_at,
                        Meeting.status, Meeting.cancelled_at, Meeting.cancel_reason,
                        Meeting.attendance, Meeting.video_url, Meeting.minutes_file_id,
                        Meeting.synthetic)
                 .join(Settlement, Settlement.id == Meeting.settlement_id)
                 .order_by(Meeting.id))
    for (meeting_id, term_id, kato, place, starts_at, announced_at, changed_at, status,
         cancelled_at, cancel_reason, attendance, video_url, minutes_file_id,
         synthetic) in stream(statement):
        yield (meeting_id, term_id, kato, place, starts_at, announced_at, changed_at, status,
               cancelled_at, cancel_reason or None, attendance, video_url or None,
               public_url("meetings.minutes", meeting_id=meeting_id) if minutes_file_id
               else None, synthetic)


def _questions() -> Iterator[tuple[Any, ...]]:
    return stream(select(MeetingQuestion.id, MeetingQuestion.meeting_id,
                         MeetingQuestion.question, MeetingQuestion.answer,
                         MeetingQuestion.responsible, MeetingQuestion.due_on,
                         MeetingQuestion.status, MeetingQuestion.closed_on,
                         MeetingQuestion.evidence, MeetingQuestion.synthetic)
                  .order_by(MeetingQuestion.id))


MEETINGS = [
    Table("meetings", "Meetings with residents", "Meetings of akims with residents (Decree "
          "No. 826 of 3 March 2022): announced, held or cancelled.", [
        I("id", "The meeting's id (page: /meetings/<id>)."), I("term_id", "The akim's term."),
        S("settlement_kato", "The village it is held in (9-digit KATO code)."),
        S("place", "The building or address."), T("starts_at", "When it starts (UTC)."),
        T("announced_at", "When it was announced (UTC)."),
        T("changed_at", "When the akim last moved it after announcing it (UTC)."),
        S("status", "scheduled, held or cancelled (a cancelled meeting stays listed)."),
        T("cancelled_at", "When it was cancelled (UTC)."),
        S("cancel_reason", "Why it was cancelled."),
        I("attendance", "Residents who came (once held)."),
        S("video_url", "Recording or broadcast."), S("minutes_url", "The minutes file."),
        SYNTHETIC("meeting"),
    ], _meetings, ["id"], [("term_id", "terms", "id")]),
    Table("meeting_questions", "Questions raised at meetings", "Each question residents raised "
          "at a held meeting, the answer, who is responsible and by when; closed with "
          "evidence of what was done.", [
        I("id", "The question's id."), I("meeting_id", "The meeting."),
        S("question", "As residents asked it."), S("answer", "The answer given."),
        S("responsible", "Who is responsible."), D("due_on", "By when."),
        S("status", "open or closed."), D("closed_on", "When closed (Almaty)."),
        S("evidence", "What was done, with links (when closed)."), SYNTHETIC("question"),
    ], _questions, ["id"], [("meeting_id", "meetings", "id")]),
]
