"""Meetings with residents and the questions raised. A meeting is held by default, in a
village of its term's rural district; `scheduled` makes it an announced one ahead."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import factory

from portal.meetings.models import Meeting, MeetingQuestion, MeetingStatus, QuestionStatus
from portal.modeling import utcnow
from tests.factories.akims import TermFactory
from tests.factories.base import BaseFactory
from tests.factories.geo import SettlementFactory


class MeetingFactory(BaseFactory):
    class Meta:
        model = Meeting

    term = factory.SubFactory(TermFactory)
    settlement = factory.SubFactory(
        SettlementFactory, rural_district=factory.SelfAttribute("..term.rural_district"))
    place = "House of culture"
    starts_at = datetime(2025, 3, 12, 10, tzinfo=UTC)
    announced_at = factory.LazyAttribute(lambda o: o.starts_at - timedelta(days=10))
    status = MeetingStatus.HELD
    attendance = 85
    video_url = ""

    class Params:
        scheduled = factory.Trait(
            status=MeetingStatus.SCHEDULED, attendance=None,
            starts_at=factory.LazyFunction(lambda: utcnow() + timedelta(days=14)),
        )


class MeetingQuestionFactory(BaseFactory):
    class Meta:
        model = MeetingQuestion

    meeting = factory.SubFactory(MeetingFactory)
    question = "When will the road to the school be repaired?"
    answer = "The district has budgeted it for the summer."
    responsible = "Deputy akim"
    due_on = date(2025, 9, 1)
    status = QuestionStatus.OPEN
