"""Following from the pages, the resident's own akim by default, "My follows", frequencies,
digests and quiet hours (the worker's steps called in the test process, with a fixed clock)."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.mail import outbox_messages
from portal.notifications import delivery
from portal.notifications.models import (
    DeliveryStatus,
    EventKind,
    Follow,
    FollowTarget,
    Frequency,
    Notification,
    NotificationEvent,
    NotificationPreference,
    NotificationSettings,
    UndeliverableAddress,
)
from portal.reports import services as reports
from tests.factories import ReportFactory, UserFactory
from tests.feedback.helpers import akim_account, published_report, resident, serving_term

ALMATY = ZoneInfo("Asia/Almaty")


def test_a_reader_follows_an_akim_from_the_page_and_stops(
        client: FlaskClient, login: Any) -> None:
    term = serving_term()
    page = f"/akims/{term.akim_id}"
    anonymous = client.get(page).get_data(as_text=True)
    assert "Sign in to follow" in anonymous and "csrf_token" not in anonymous
    reader = login(UserFactory())
    html = client.get(page).get_data(as_text=True)
    assert 'aria-pressed="false"' in html
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(f"/follow/akim/{term.akim_id}", data={"csrf_token": token,
                                                                 "next": page})
    assert response.status_code == 302 and response.headers["Location"] == page
    assert 'aria-pressed="true"' in client.get(page).get_data(as_text=True)
    follows = client.get("/my/follows").get_data(as_text=True)
    assert term.akim.full_name_latn in follows
    client.post(f"/follow/akim/{term.akim_id}", data={"csrf_token": token, "stop": "1"})
    assert db.session.scalars(select(Follow).where(Follow.user_id == reader.id)).all() == []
    # An unknown kind of thing, or one that does not exist, is not found.
    assert client.post("/follow/planet/1", data={"csrf_token": token}).status_code == 404
    assert client.post("/follow/region/999999", data={"csrf_token": token}).status_code == 404


def test_a_resident_follows_their_akim_by_default_and_can_stop(
        client: FlaskClient, login: Any) -> None:
    term = serving_term()
    akim = akim_account(term)
    local = login(resident(term, email="local@example.kz"))
    page = f"/akims/{term.akim_id}"
    html = client.get(page).get_data(as_text=True)
    assert 'aria-pressed="true"' in html
    assert "followed by default" in client.get("/my/follows").get_data(as_text=True)
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    client.post(f"/follow/akim/{term.akim_id}", data={"csrf_token": token, "stop": "1"})
    stopped = db.session.scalar(select(Follow).where(Follow.user_id == local.id))
    assert stopped is not None and stopped.active is False
    assert 'aria-pressed="false"' in client.get(page).get_data(as_text=True)
    # A report published now reaches a neighbour who did not stop, not them.
    neighbour = resident(term, email="neighbour@example.kz")
    report = ReportFactory(term=term, submitted=True, filled=True)
    before = len(outbox_messages())
    reports.publish(report, akim)
    db.session.commit()
    assert [m["To"] for m in outbox_messages()[before:]] == [neighbour.email]
    # Following again undoes the refusal.
    client.post(f"/follow/akim/{term.akim_id}", data={"csrf_token": token})
    db.session.refresh(stopped)
    assert stopped.active is True


def test_my_follows_saves_frequencies_and_refuses_half_quiet_hours(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    user = login(UserFactory())
    token = csrf("/my/follows")
    bad = client.post("/my/follows", data={"csrf_token": token, "quiet_start": "22:00"})
    assert bad.status_code == 400
    assert "Give both ends of the quiet hours." in bad.get_data(as_text=True)
    good = client.post("/my/follows", data={
        "csrf_token": token, "quiet_start": "22:00", "quiet_end": "07:30",
        "kind_report_published": "weekly", "kind_flag_decided": "never"})
    assert good.status_code == 302
    settings = db.session.get(NotificationSettings, user.id)
    assert settings is not None and (settings.quiet_start, settings.quiet_end) == (
        time(22), time(7, 30))
    chosen = dict(db.session.execute(select(NotificationPreference.kind,
                                            NotificationPreference.frequency)
                                     .where(NotificationPreference.user_id == user.id)).all())
    assert chosen == {EventKind.REPORT_PUBLISHED: Frequency.WEEKLY,
                      EventKind.FLAG_DECIDED: Frequency.NEVER}
    page = client.get("/my/follows").get_data(as_text=True)
    assert 'value="22:00"' in page and "Weekly digest" in page


def _event(term_id: int, subject_id: int) -> NotificationEvent:
    event = NotificationEvent(kind=EventKind.REPORT_PUBLISHED, subject_id=subject_id,
                              term_id=term_id, data={})
    db.session.add(event)
    db.session.flush()
    return event


def test_a_daily_digest_groups_the_days_events_in_one_mail() -> None:
    term = serving_term()
    reader = UserFactory(email="digest@example.kz")
    db.session.add_all([
        Follow(user_id=reader.id, target=FollowTarget.AKIM, target_id=term.akim_id),
        NotificationPreference(user_id=reader.id, kind=EventKind.REPORT_PUBLISHED,
                               frequency=Frequency.DAILY)])
    first, second = published_report(term, days_ago=40), published_report(term, days_ago=5)
    noon = datetime(2026, 12, 7, 12, 0, tzinfo=ALMATY)
    for report in (first, second):
        assert delivery.dispatch(_event(term.id, report.id).id, now=noon) == []
    held = db.session.scalars(select(Notification).where(Notification.user_id == reader.id))
    rows = list(held)
    assert {(row.status, row.digest) for row in rows} == {(DeliveryStatus.HELD, True)}
    assert {row.due_at.astimezone(ALMATY) for row in rows if row.due_at} == {
        datetime(2026, 12, 8, 9, 0, tzinfo=ALMATY)}
    # Not yet at 08:59; at 09:00 one mail lists both reports.
    assert delivery.due_rows(datetime(2026, 12, 8, 8, 59, tzinfo=ALMATY)) == ([], {})
    singles, digests = delivery.due_rows(datetime(2026, 12, 8, 9, 0, tzinfo=ALMATY))
    assert singles == [] and list(digests) == [reader.id]
    before = len(outbox_messages())
    delivery.deliver_digest(reader.id, digests[reader.id])
    [mail] = outbox_messages()[before:]
    assert mail["Subject"] == "Your daily digest from the portal"
    body = mail.get_content()
    assert f"/reports/{first.id}" in body and f"/reports/{second.id}" in body
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert {row.status for row in rows} == {DeliveryStatus.SENT}


def test_quiet_hours_in_almaty_hold_a_mail_until_they_end() -> None:
    term = serving_term()
    sleeper = UserFactory(email="sleeper@example.kz")
    awake = UserFactory(email="awake@example.kz")
    for user in (sleeper, awake):
        db.session.add(Follow(user_id=user.id, target=FollowTarget.AKIM,
                              target_id=term.akim_id))
    db.session.add(NotificationSettings(user_id=sleeper.id, paused=False,
                                        quiet_start=time(22), quiet_end=time(7)))
    report = published_report(term)
    # 23:30 in Almaty is 18:30 UTC: inside the quiet hours although UTC says evening.
    late = datetime(2026, 12, 7, 18, 30, tzinfo=UTC)
    queued = delivery.dispatch(_event(term.id, report.id).id, now=late)
    rows = {row.user_id: row for row in db.session.scalars(select(Notification))}
    assert queued == [rows[awake.id].id]
    assert rows[sleeper.id].status is DeliveryStatus.HELD and not rows[sleeper.id].digest
    assert rows[sleeper.id].due_at is not None
    assert rows[sleeper.id].due_at.astimezone(ALMATY) == datetime(2026, 12, 8, 7, 0,
                                                                  tzinfo=ALMATY)
    singles, _digests = delivery.due_rows(datetime(2026, 12, 8, 7, 0, tzinfo=ALMATY))
    assert singles == [rows[sleeper.id].id]
    before = len(outbox_messages())
    delivery.deliver(rows[sleeper.id].id)
    assert [m["To"] for m in outbox_messages()[before:]] == ["sleeper@example.kz"]


def test_all_mail_stopped_or_a_kind_set_to_never_writes_no_row() -> None:
    term = serving_term()
    paused, never = UserFactory(), UserFactory()
    for user in (paused, never):
        db.session.add(Follow(user_id=user.id, target=FollowTarget.AKIM,
                              target_id=term.akim_id))
    db.session.add_all([
        NotificationSettings(user_id=paused.id, paused=True),
        NotificationPreference(user_id=never.id, kind=EventKind.REPORT_PUBLISHED,
                               frequency=Frequency.NEVER)])
    report = published_report(term)
    assert delivery.dispatch(_event(term.id, report.id).id) == []
    assert db.session.scalars(select(Notification)).all() == []


def test_a_scheduled_meeting_reaches_the_residents_with_its_page(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    from portal.meetings.models import Meeting
    from tests.factories import SettlementFactory

    term = serving_term()
    village = SettlementFactory(rural_district=term.rural_district, name_en="Agybet village")
    neighbour = resident(term, email="meeting@example.kz")
    akim = login(akim_account(term))
    url = f"/terms/{term.id}/meetings/new"
    starts = (datetime.now(UTC) + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    before = len(outbox_messages())
    response = client.post(url, data={"csrf_token": csrf(url), "settlement_id": str(village.id),
                                      "place": "House of culture", "starts_at": starts})
    assert response.status_code == 302
    meeting = db.session.scalars(select(Meeting)).one()
    sent = outbox_messages()[before:]
    assert [m["To"] for m in sent] == [neighbour.email]  # not the akim who scheduled it
    assert akim.email not in [m["To"] for m in sent]
    body = sent[0].get_content()
    assert sent[0]["Subject"] == "The akim scheduled a meeting with residents"
    assert "House of culture" in body and "Agybet village" in body
    assert f"/meetings/{meeting.id}" in body


def test_an_akim_lands_on_the_dashboard_with_every_question_newest_first(
        client: FlaskClient) -> None:
    from datetime import timedelta as days

    from tests.conftest import csrf_from
    from tests.factories import CommentFactory
    from tests.factories.accounts import PASSWORD

    term = serving_term()
    report = published_report(term)
    akim_account(term, email="akim-lands@example.kz")
    start = datetime(2026, 11, 1, 9, tzinfo=UTC)
    for n in range(12):
        CommentFactory(report=report, body=f"Question number {n:02d}",
                       created_at=start + days(hours=n))
    db.session.commit()
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"csrf_token": csrf_from(page),
                                           "email": "akim-lands@example.kz",
                                           "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/akim/dashboard"
    first = client.get("/akim/dashboard").get_data(as_text=True)
    assert "12 comments on your reports and promises have no official reply yet." in first
    assert first.index("Question number 11") < first.index("Question number 02")
    assert "Question number 01" not in first and 'rel="next"' in first
    second = client.get("/akim/dashboard?page=2").get_data(as_text=True)
    assert "Question number 01" in second and "Question number 00" in second
    assert "Question number 11" not in second


def test_a_queue_that_is_down_loses_no_event(monkeypatch: Any) -> None:
    """The change is committed whatever the queue does; the sweep dispatches it later."""
    from datetime import timedelta as days

    from portal.notifications import tasks

    def down(event_id: int) -> None:
        raise ConnectionError("the queue is down")

    monkeypatch.setattr(tasks, "dispatch_event", down)
    term = serving_term()
    report = published_report(term)
    event = delivery.record(EventKind.REPORT_PUBLISHED, report.id, term.id, None)
    assert event is not None
    db.session.commit()  # no error reaches the request
    later = datetime.now(UTC) + days(minutes=6)
    assert event.id in delivery.undispatched(days(minutes=5), now=later)
    assert event.id not in delivery.undispatched(days(minutes=5))  # not before five minutes


def test_a_due_digest_is_handed_to_one_job_until_its_lease_ends() -> None:
    term = serving_term()
    reader = UserFactory(email="lease@example.kz")
    db.session.add_all([
        Follow(user_id=reader.id, target=FollowTarget.AKIM, target_id=term.akim_id),
        NotificationPreference(user_id=reader.id, kind=EventKind.REPORT_PUBLISHED,
                               frequency=Frequency.DAILY)])
    report = published_report(term)
    delivery.dispatch(_event(term.id, report.id).id,
                      now=datetime(2026, 12, 7, 12, 0, tzinfo=ALMATY))
    nine = datetime(2026, 12, 8, 9, 0, tzinfo=ALMATY)
    _singles, digests = delivery.due_rows(nine)
    assert list(digests) == [reader.id]
    # The sweep five minutes later, the job still waiting in the queue: no second job (the
    # worker's two threads would each send it).
    assert delivery.due_rows(nine + timedelta(minutes=5)) == ([], {})
    # The job was lost: after the lease the digest is handed out again, and goes once.
    _singles, again = delivery.due_rows(nine + delivery.DIGEST_LEASE)
    assert again == digests
    before = len(outbox_messages())
    delivery.deliver_digest(reader.id, again[reader.id])
    delivery.deliver_digest(reader.id, digests[reader.id])
    assert [m["To"] for m in outbox_messages()[before:]] == ["lease@example.kz"]


def test_a_digest_that_fails_waits_for_its_next_try_or_is_given_up(monkeypatch: Any) -> None:
    term = serving_term()
    reader = UserFactory(email="flaky@example.kz")
    db.session.add_all([
        Follow(user_id=reader.id, target=FollowTarget.AKIM, target_id=term.akim_id),
        NotificationPreference(user_id=reader.id, kind=EventKind.REPORT_PUBLISHED,
                               frequency=Frequency.DAILY)])
    report = published_report(term)
    delivery.dispatch(_event(term.id, report.id).id,
                      now=datetime(2026, 12, 7, 12, 0, tzinfo=ALMATY))
    _singles, digests = delivery.due_rows(datetime(2026, 12, 8, 9, 0, tzinfo=ALMATY))
    failures: list[Exception] = [smtplib.SMTPServerDisconnected("Connection closed"),
                                 smtplib.SMTPRecipientsRefused({"flaky@example.kz": (550,
                                                                b"No such user")})]

    def failing(*_args: Any, **_kwargs: Any) -> None:
        raise failures.pop(0)

    monkeypatch.setattr(delivery.mail, "send", failing)
    # A passing failure: still held, due again after the first delay.
    assert delivery.deliver_digest(reader.id, digests[reader.id]) == delivery.RETRY_DELAYS[0]
    [row] = db.session.scalars(select(Notification).where(Notification.user_id == reader.id))
    assert row.status is DeliveryStatus.HELD and row.attempts == 1
    assert row.last_error == "SMTPServerDisconnected: Connection closed"
    # A refusal for good: given up, and the address is never written to again.
    assert delivery.deliver_digest(reader.id, digests[reader.id]) is None
    assert row.status is DeliveryStatus.FAILED and row.attempts == 2
    assert db.session.get(UndeliverableAddress, "flaky@example.kz") is not None
