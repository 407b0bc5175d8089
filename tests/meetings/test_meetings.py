"""Meetings with residents: the akim announces, records and follows up; residents see the
next meeting in their village, the region's calendar and the iCalendar feeds."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from typing import Any

from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import select

from portal.extensions import db
from portal.meetings.models import Meeting, MeetingStatus, QuestionStatus
from portal.meetings.readers import meetings_of_period, open_questions_for_terms
from portal.notifications import signals
from tests.factories import (
    MeetingFactory,
    MeetingQuestionFactory,
    ReportFactory,
    SettlementFactory,
    TermFactory,
    UserFactory,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _ahead(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_the_akim_announces_a_meeting_and_residents_see_it_in_their_village(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    term = TermFactory()
    village = SettlementFactory(rural_district=term.rural_district, name_en="Agybet village")
    akim = login(UserFactory.akim_for(term))
    heard: list[Any] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        heard.append((sender, getattr(kwargs["actor"], "id", None)))

    url = f"/terms/{term.id}/meetings/new"
    with signals.meeting_scheduled.connected_to(receiver):
        response = client.post(url, data={
            "csrf_token": csrf(url), "settlement_id": str(village.id),
            "place": "House of culture", "starts_at": _ahead(10)})
    assert response.status_code == 302
    meeting = db.session.scalars(select(Meeting)).one()
    assert meeting.status == MeetingStatus.SCHEDULED and meeting.settlement_id == village.id
    assert heard == [(meeting, akim.id)]
    district_page = client.get(f"/rural-districts/{term.rural_district.kato}?lang=en")
    text = district_page.get_data(as_text=True)
    assert "Next meeting with residents:" in text and "House of culture" in text
    assert f"/meetings/{meeting.id}" in text
    profile = client.get(f"/akims/{term.akim_id}?lang=en").get_data(as_text=True)
    assert "Next meeting with residents:" in profile and "Agybet village" in profile


def test_a_meeting_must_be_announced_three_days_ahead_in_a_village_of_the_district(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    term = TermFactory()
    village = SettlementFactory(rural_district=term.rural_district)
    elsewhere = SettlementFactory()
    login(UserFactory.akim_for(term))
    url = f"/terms/{term.id}/meetings/new"
    response = client.post(url, data={"csrf_token": csrf(url), "settlement_id": str(village.id),
                                      "place": "School", "starts_at": _ahead(1)})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "at least 3 days before it starts" in page and 'value="School"' in page
    response = client.post(url, data={"csrf_token": csrf(url),
                                      "settlement_id": str(elsewhere.id),
                                      "place": "School", "starts_at": _ahead(10)})
    assert response.status_code == 400  # not one of the district's villages
    assert db.session.scalars(select(Meeting)).all() == []


def test_recording_a_meeting_with_its_minutes_and_following_up_a_question(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    # Announced ten days ago, it has taken place three hours ago.
    meeting = MeetingFactory(scheduled=True, starts_at=datetime.now(UTC) - timedelta(hours=3))
    login(UserFactory.akim_for(meeting.term))
    page = f"/meetings/{meeting.id}"
    response = client.post(f"{page}/held", data={
        "csrf_token": csrf(page), "attendance": "64",
        "video_url": "https://www.youtube.com/watch?v=meeting",
        "minutes": (BytesIO(PDF), "minutes.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert meeting.status == MeetingStatus.HELD and meeting.attendance == 64
    minutes = client.get(f"{page}/minutes")
    assert minutes.status_code == 200 and minutes.data == PDF
    minutes.close()
    response = client.post(f"{page}/questions", data={
        "csrf_token": csrf(page), "question": "Street lights on Abai street?",
        "answer": "Twelve lights in May.", "responsible": "Deputy akim",
        "due_on": (date.today() + timedelta(days=60)).isoformat()})
    assert response.status_code == 302
    [question] = meeting.questions
    assert open_questions_for_terms([meeting.term_id], date.today())[meeting.term_id].open == 1
    close = f"{page}/questions/{question.id}/close"
    response = client.post(close, data={"csrf_token": csrf(page), "evidence": "done"})
    assert response.status_code == 400
    assert 'id="evidence-error"' in response.get_data(as_text=True)  # beside the field
    response = client.post(close, data={"csrf_token": csrf(page),
                                        "evidence": "Installed: https://example.kz/photo"})
    assert response.status_code == 302
    assert question.status == QuestionStatus.CLOSED and question.closed_on is not None
    text = client.get(f"{page}?lang=en").get_data(as_text=True)
    assert "Street lights on Abai street?" in text and "https://example.kz/photo" in text
    assert open_questions_for_terms([meeting.term_id], date.today())[meeting.term_id].open == 0


def test_open_questions_are_a_figure_with_the_overdue_ones(app: Any) -> None:
    term = TermFactory()
    meeting = MeetingFactory(term=term)
    MeetingQuestionFactory(meeting=meeting, due_on=date(2025, 5, 1))
    MeetingQuestionFactory(meeting=meeting, due_on=date(2025, 12, 1))
    MeetingQuestionFactory(meeting=meeting, status=QuestionStatus.CLOSED,
                           closed_on=date(2025, 4, 1), evidence="Fixed, see the photo.")
    figure = open_questions_for_terms([term.id], date(2025, 6, 1))[term.id]
    assert (figure.open, figure.overdue) == (2, 1)


def test_calendar_feeds_of_a_rural_district_and_a_region(client: FlaskClient) -> None:
    announced = MeetingFactory(scheduled=True, place="School hall")
    held = MeetingFactory(term=announced.term, starts_at=datetime.now(UTC) - timedelta(days=30),
                          announced_at=datetime.now(UTC) - timedelta(days=40))
    rural = announced.term.rural_district
    response = client.get(f"/rural-districts/{rural.kato}/meetings.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert {str(event["uid"]).split("@")[0] for event in events} == {
        f"meeting-{announced.id}", f"meeting-{held.id}"}
    [event] = [e for e in events if str(e["uid"]).startswith(f"meeting-{announced.id}@")]
    assert event.decoded("dtstart") == announced.starts.replace(microsecond=0)  # in UTC
    assert "School hall" in str(event["location"])
    assert str(event["url"]).endswith(f"/meetings/{announced.id}")
    region = rural.district.region
    feed = client.get(f"/regions/{region.kato2}/meetings.ics")
    assert len(Calendar.from_ical(feed.data).walk("VEVENT")) == 2
    page = client.get(f"/regions/{region.kato2}/meetings?lang=en").get_data(as_text=True)
    assert "Upcoming" in page and "School hall" in page and "Past" in page


def test_a_report_links_the_meetings_of_its_period(client: FlaskClient) -> None:
    report = ReportFactory(published=True)  # January–June 2025, due 31 July
    inside = MeetingFactory(term=report.term, starts_at=datetime(2025, 6, 20, 6, tzinfo=UTC))
    MeetingFactory(term=report.term, starts_at=datetime(2024, 12, 20, 6, tzinfo=UTC))
    text = client.get(f"/reports/{report.id}?lang=en").get_data(as_text=True)
    assert "Meetings with residents this report accounts for" in text
    assert f"/meetings/{inside.id}" in text
    assert text.count('href="/meetings/') == 1


def test_the_akim_page_judges_each_meeting_period_by_the_rule_in_force(
        client: FlaskClient) -> None:
    # A term from 2022: 2023 had quarters (Decree No. 826), 2024 on half-years (amendment).
    term = TermFactory(elected_on=date(2022, 3, 27), starts_on=date(2022, 3, 30),
                       ends_on=date(2026, 3, 30) + timedelta(days=3650))
    MeetingFactory(term=term, starts_at=datetime(2023, 11, 10, 6, tzinfo=UTC),
                   announced_at=datetime(2023, 11, 1, 6, tzinfo=UTC))
    text = client.get(f"/akims/{term.akim_id}?lang=en").get_data(as_text=True)
    assert "judged by the rule in force for each" in text
    assert "At least one meeting each half-year" in text
    assert "No. 826 of November 20, 2023" in text
    assert "None held" in text  # the half-years since 2024 had no recorded meeting


def test_the_region_page_lists_upcoming_meetings_soonest_first_and_past_ones_after(
        client: FlaskClient) -> None:
    term = TermFactory()
    now = datetime.now(UTC)
    later = MeetingFactory(term=term, scheduled=True, place="Later hall",
                           starts_at=now + timedelta(days=20))
    sooner = MeetingFactory(term=term, scheduled=True, place="Sooner hall",
                            starts_at=now + timedelta(days=5))
    held = MeetingFactory(term=term, place="Held hall", starts_at=now - timedelta(days=30))
    missed = MeetingFactory(term=term, scheduled=True, place="Never recorded hall",
                            starts_at=now - timedelta(days=2),
                            announced_at=now - timedelta(days=9))
    db.session.commit()
    region = term.rural_district.district.region
    response = client.get(f"/regions/{region.kato2}/meetings?lang=en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    upcoming, _sep, past = html.partition("<h2>Past</h2>")
    assert upcoming.index(f"/meetings/{sooner.id}\"") < upcoming.index(f"/meetings/{later.id}\"")
    assert f"/meetings/{held.id}\"" not in upcoming and f"/meetings/{held.id}\"" in past
    # A scheduled meeting whose time has passed is not upcoming any more.
    assert f"/meetings/{missed.id}\"" in past and f"/meetings/{missed.id}\"" not in upcoming
    assert past.index(f"/meetings/{missed.id}\"") < past.index(f"/meetings/{held.id}\"")


def test_the_three_days_notice_is_presented_as_the_portals_rule(
        client: FlaskClient, login: Any) -> None:
    term = TermFactory()
    login(UserFactory.akim_for(term))
    html = client.get(f"/terms/{term.id}/meetings/new?lang=en").get_data(as_text=True)
    # The decree names no figure: the page must not read as if the law asked for three days.
    assert "three days' notice: its own rule, as the decree names no figure" in html.replace(
        "&#39;", "'")
    assert "must learn of it" not in html


def test_a_meeting_keeps_the_almaty_time_the_akim_typed(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    term = TermFactory()
    village = SettlementFactory(rural_district=term.rural_district)
    login(UserFactory.akim_for(term))
    day = (datetime.now(UTC) + timedelta(days=10)).date()
    url = f"/terms/{term.id}/meetings/new"
    response = client.post(url, data={
        "csrf_token": csrf(url), "settlement_id": str(village.id), "place": "School hall",
        "starts_at": f"{day.isoformat()}T15:30"})
    assert response.status_code == 302
    meeting = db.session.scalars(select(Meeting)).one()
    # Almaty is UTC+5: 10:30 UTC. On SQLite the wall time was stored as if UTC (20:30 shown).
    assert meeting.starts == datetime.combine(day, datetime.min.time(), UTC).replace(
        hour=10, minute=30)
    page = client.get(f"/meetings/{meeting.id}?lang=ru").get_data(as_text=True)
    # Only the "When" row: the "Announced" row shows the clock of the run, 20:30 at 15:30 UTC.
    when = re.search(r"<dt>Когда</dt><dd>(.*?)</dd>", page)
    assert when is not None and "15:30" in when.group(1)


def test_a_meeting_early_on_the_first_day_of_a_period_belongs_to_it() -> None:
    term = TermFactory()
    # 02:00 on 1 January in Almaty is 21:00 on 31 December in UTC.
    first_night = MeetingFactory(term=term, starts_at=datetime(2024, 12, 31, 21, tzinfo=UTC),
                                 announced_at=datetime(2024, 12, 20, tzinfo=UTC))
    # 23:00 on 31 December in Almaty (18:00 UTC) is the year before.
    MeetingFactory(term=term, starts_at=datetime(2024, 12, 31, 18, tzinfo=UTC),
                   announced_at=datetime(2024, 12, 20, tzinfo=UTC))
    db.session.commit()
    found = meetings_of_period(term.id, date(2025, 1, 1), date(2025, 6, 30))
    assert [meeting.id for meeting in found] == [first_night.id]
