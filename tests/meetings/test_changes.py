"""An announced meeting moved or cancelled by its akim: the change is public (page, calendar
feeds, API), followers are told, and a cancelled meeting is never deleted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import select

from portal.clock import zone
from portal.extensions import db
from portal.meetings import services
from portal.meetings.models import Meeting, MeetingStatus
from portal.meetings.services import MeetingError
from portal.notifications.models import EventKind, NotificationEvent
from portal.notifications.render import compose
from tests.factories import MeetingFactory, SettlementFactory, UserFactory


def _ahead(days: int) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(second=0, microsecond=0)


def _feed_event(client: FlaskClient, meeting: Meeting) -> Any:
    feed = client.get(f"/rural-districts/{meeting.term.rural_district.kato}/meetings.ics")
    [event] = [e for e in Calendar.from_ical(feed.data).walk("VEVENT")
               if str(e["uid"]).startswith(f"meeting-{meeting.id}@")]
    return event


def test_the_akim_moves_an_announced_meeting_and_everyone_sees_the_change(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    meeting = MeetingFactory(scheduled=True, place="House of culture")
    other_village = SettlementFactory(rural_district=meeting.term.rural_district,
                                      name_en="Kokterek village")
    login(UserFactory.akim_for(meeting.term))
    url = f"/meetings/{meeting.id}/change?lang=en"
    form = client.get(url).get_data(as_text=True)
    assert 'value="House of culture"' in form  # the announced values to start from
    too_soon = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(url, data={"csrf_token": csrf(url),
                                     "settlement_id": str(other_village.id),
                                     "place": "School hall", "starts_at": too_soon})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="starts_at-error"' in page
    assert "at least 3 days before it starts" in page
    assert db.session.get(Meeting, meeting.id).place == "House of culture"  # nothing saved
    later = _ahead(20)
    moved = client.post(url, data={
        "csrf_token": csrf(url), "settlement_id": str(other_village.id),
        "place": "School hall",
        "starts_at": later.astimezone(zone()).strftime("%Y-%m-%dT%H:%M")})
    assert moved.status_code == 302
    db.session.expire_all()
    changed = db.session.get(Meeting, meeting.id)
    assert (changed.place, changed.settlement_id, changed.starts) == (
        "School hall", other_village.id, later)
    assert changed.sequence == 1 and changed.changed_at is not None
    client.post("/logout", data={"csrf_token": csrf("/")})
    public = client.get(f"/meetings/{meeting.id}?lang=en").get_data(as_text=True)
    assert "the akim changed the time or place after announcing it" in public
    assert "School hall" in public and "Kokterek village" in public
    event = _feed_event(client, changed)
    assert int(event["sequence"]) == 1 and "School hall" in str(event["location"])
    assert event.decoded("dtstart") == later
    recorded = db.session.scalars(select(NotificationEvent).where(
        NotificationEvent.subject_id == meeting.id,
        NotificationEvent.kind == EventKind.MEETING_SCHEDULED)).all()
    assert [item.data for item in recorded] == [{"change": "changed"}]
    message = compose(recorded[0], UserFactory.resident_of(meeting.term.rural_district))
    assert "changed the time or place" in str(message.subject)


def test_a_cancelled_meeting_stays_public_with_its_reason(client: FlaskClient, login: Any,
                                                          csrf: Any) -> None:
    meeting = MeetingFactory(scheduled=True, place="House of culture")
    login(UserFactory.akim_for(meeting.term))
    url = f"/meetings/{meeting.id}/cancel?lang=en"
    refused = client.post(url, data={"csrf_token": csrf(url), "reason": "flood"})
    assert refused.status_code == 400 and 'id="reason-error"' in refused.get_data(as_text=True)
    assert db.session.get(Meeting, meeting.id).status == MeetingStatus.SCHEDULED
    reason = "The road to the village is flooded; a new date follows."
    assert client.post(url, data={"csrf_token": csrf(url), "reason": reason}).status_code == 302
    client.post("/logout", data={"csrf_token": csrf("/")})

    db.session.expire_all()
    cancelled = db.session.get(Meeting, meeting.id)  # still there: never deleted
    assert cancelled.status == MeetingStatus.CANCELLED and cancelled.cancel_reason == reason
    page = client.get(f"/meetings/{meeting.id}?lang=en").get_data(as_text=True)
    assert "Cancelled on" in page and reason in page
    event = _feed_event(client, cancelled)
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 1
    body = client.get(f"/api/v1/meetings/{meeting.id}").get_json()
    assert (body["status"], body["cancel_reason"]) == ("cancelled", reason)
    assert body["cancelled_at"].endswith("Z")
    rural = meeting.term.rural_district
    district_page = client.get(f"/rural-districts/{rural.kato}?lang=en").get_data(as_text=True)
    assert "Next meeting with residents:" not in district_page  # not announced any more
    [recorded] = db.session.scalars(select(NotificationEvent).where(
        NotificationEvent.subject_id == meeting.id)).all()
    message = compose(recorded, UserFactory.resident_of(rural))
    assert "cancelled a meeting" in str(message.subject)
    assert message.template == "notifications/meeting_changed"


def test_only_an_announced_meeting_is_changed_or_cancelled() -> None:
    held = MeetingFactory()  # held, with attendance
    with pytest.raises(MeetingError) as cancelling:
        services.cancel(held, "A reason long enough.", "tests")
    assert "held meeting stays on record" in cancelling.value.errors[""]
    with pytest.raises(MeetingError):
        services.change(held, held.settlement, "Elsewhere", _ahead(30), "tests")
    announced = MeetingFactory(scheduled=True)
    with pytest.raises(MeetingError) as same:
        services.change(announced, announced.settlement, announced.place, announced.starts,
                        "tests")
    assert "Nothing was changed" in same.value.errors[""]
    services.cancel(announced, "The hall is closed for repairs.", "tests")
    with pytest.raises(MeetingError):
        services.cancel(announced, "The hall is closed for repairs.", "tests")


def test_a_place_name_ending_in_a_full_stop_gets_no_second_one(client: FlaskClient) -> None:
    meeting = MeetingFactory(scheduled=True)
    meeting.term.rural_district.name_ru = "Агыбетский с.о."
    meeting.term.rural_district.name_kk = "Ағыбет а.о."
    db.session.commit()
    for language in ("kk", "ru"):
        page = client.get(f"/meetings/{meeting.id}?lang={language}").get_data(as_text=True)
        lead = page[page.index('class="lead"'):][:300]
        assert ("тұрғындармен кездеседі" in lead or "встречается с жителями" in lead), lead
        assert ".." not in lead, lead
