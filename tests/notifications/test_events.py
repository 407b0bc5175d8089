"""Every kind of event, told for real: changes made through the services and committed, the job
consumer as production runs it, an SMTP server on 127.0.0.1, and the mail read as it arrived.

Who gets each event, in which language, with a link that opens the right page; nobody hears
of their own action; a refused address is marked undeliverable; every mail can be stopped with
one click (RFC 8058), by the header's POST or by the link.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from flask import current_app
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.feedback import comments
from portal.meetings import services as meetings
from portal.notifications import recipients
from portal.notifications.models import (
    DeliveryStatus,
    EventKind,
    Follow,
    FollowTarget,
    Notification,
    NotificationEvent,
    NotificationSettings,
    UndeliverableAddress,
)
from portal.promises import transitions
from portal.promises.models import PromiseStatus
from portal.recall import services as recall_services
from portal.recall.models import FlagStatus
from portal.reports import services as reports
from tests.factories import (
    CommentFactory,
    FlagFactory,
    PromiseFactory,
    ReportFactory,
    SettlementFactory,
    UserFactory,
)
from tests.feedback.helpers import akim_account, resident, serving_term
from tests.mailworker import Received, SmtpServer, job_consumer, smtp_server

pytestmark = pytest.mark.concurrency

PUBLIC = "http://portal.example.kz:8443"
ALMATY = ZoneInfo("Asia/Almaty")


@contextmanager
def worker(make_app: Any, database_url: str, tmp_path: Path) -> Iterator[SmtpServer]:
    """An SMTP server and a consumer reading the queue this test's app writes to."""
    with smtp_server() as smtp:
        # The worker signs unsubscribe links with the key the web app checks them with.
        settings = {"HUEY_SQLITE_PATH": str(tmp_path / "jobs.db"), "MAIL_SERVER": "127.0.0.1",
                    "MAIL_PORT": smtp.port, "MAIL_USE_TLS": False, "PUBLIC_BASE_URL": PUBLIC,
                    "SECRET_KEY": current_app.config["SECRET_KEY"]}
        make_app(JOBS_IMMEDIATE=False, HUEY_SQLITE_PATH=settings["HUEY_SQLITE_PATH"],
                 PUBLIC_BASE_URL=PUBLIC)
        smtp.settings = settings  # type: ignore[attr-defined]
        yield smtp


def links(received: Received) -> list[str]:
    return [word for word in received.body.split() if word.startswith(PUBLIC)]


def page_link(received: Received) -> str:
    """The link to the page the mail is about (the first; unsubscribe and settings follow)."""
    return links(received)[0]


def opens(client: FlaskClient, link: str, text: str) -> None:
    parts = urlsplit(link)
    response = client.get(parts.path)
    assert response.status_code == 200, link
    assert text in response.get_data(as_text=True)


def wait_all(smtp: SmtpServer, log: Path, expected: dict[str, int]) -> dict[str, list[Received]]:
    try:
        return {address: smtp.wait_for(address, count) for address, count in expected.items()}
    except AssertionError as error:
        raise AssertionError(f"{error}\nworker log:\n{log.read_text()}") from None


def test_each_event_reaches_its_audience_in_their_language_and_never_the_actor(
        make_app: Any, database_url: str, tmp_path: Path, client: FlaskClient) -> None:
    with worker(make_app, database_url, tmp_path) as smtp:
        term = serving_term()
        akim = akim_account(term, email="akim@example.kz", locale="kk")
        # Follows the akim explicitly, reads Russian.
        follower = UserFactory(email="follower@example.kz", locale="ru")
        db.session.add(Follow(user_id=follower.id, target=FollowTarget.AKIM,
                              target_id=term.akim_id))
        # Follows the whole region, reads English.
        watcher = UserFactory(email="region@example.kz", locale="en")
        db.session.add(Follow(user_id=watcher.id, target=FollowTarget.REGION,
                              target_id=term.rural_district.district.region_id))
        # A verified resident follows their own akim by default; Kazakh.
        resident(term, email="local@example.kz", locale="kk")
        # ... and one who stopped: told of nothing about this akim.
        stopped = resident(term, email="stopped@example.kz", locale="kk")
        db.session.add(Follow(user_id=stopped.id, target=FollowTarget.AKIM,
                              target_id=term.akim_id, active=False))
        # Follows the akim but never confirmed the address; and a seed address.
        unconfirmed = UserFactory(email="unconfirmed@example.kz", unconfirmed=True)
        synthetic = UserFactory(email="someone@resident.invalid")
        for user in (unconfirmed, synthetic):
            db.session.add(Follow(user_id=user.id, target=FollowTarget.AKIM,
                                  target_id=term.akim_id))
        promise = PromiseFactory(term=term)
        promise_fan = UserFactory(email="promise@example.kz", locale="en")
        db.session.add(Follow(user_id=promise_fan.id, target=FollowTarget.PROMISE,
                              target_id=promise.id))
        commenter = resident(term, email="commenter@example.kz", locale="ru")
        report = ReportFactory(term=term, submitted=True, filled=True)
        moderator = UserFactory(moderator=True, email="moderator@example.kz")
        flag = FlagFactory(term=term, raised_at=datetime.now(UTC) - timedelta(days=20))
        db.session.commit()

        # 1. The akim publishes a report: every follower of the akim or of the place.
        reports.publish(report, akim)
        db.session.commit()
        # 2. The akim claims a new status for a promise; 3. a moderator records a verdict.
        transitions.post_claim(promise, akim, status=PromiseStatus.IN_PROGRESS, progress=20,
                               note="Pipes delivered.")
        db.session.commit()
        transitions.record_verdict(promise, moderator, status=PromiseStatus.IN_PROGRESS,
                                   source="Site visit")
        db.session.commit()
        # 4. The akim replies officially to a comment: its author only.
        comment = CommentFactory(report=report, author=commenter, body="Когда будет вода?")
        db.session.commit()
        comments.reply_officially(comment, akim, "В июне.")
        db.session.commit()
        # 5. A moderator decides on a public flag: the akim and the followers.
        recall_services.decide(flag, moderator, FlagStatus.DISMISSED,
                               "Explained by the district finance office.")
        db.session.commit()
        # 6. The akim announces a meeting at 15:30 Almaty time: the akim's and the place's
        # followers, each reading the time as it stands in Almaty.
        village = SettlementFactory(rural_district=term.rural_district, name_en="Agybet")
        day = (datetime.now(ALMATY) + timedelta(days=10)).date()
        meeting = meetings.schedule(term, village, "House of culture",
                                    datetime.combine(day, dt_time(15, 30), tzinfo=ALMATY), akim)
        db.session.commit()
        ids = {"report": report.id, "promise": promise.id, "flag": flag.id,
               "comment": comment.id, "meeting": meeting.id}
        akim_name = term.akim.full_name_latn  # the client reads English

        with job_consumer(tmp_path / "worker", database_url, smtp.settings) as log:  # type: ignore[attr-defined]
            got = wait_all(smtp, log, {
                "follower@example.kz": 5,  # report, claim, verdict, flag, meeting
                "region@example.kz": 5,
                "local@example.kz": 5,
                "promise@example.kz": 2,  # claim, verdict
                "akim@example.kz": 2,  # the verdict and the flag decision, not their own acts
                "commenter@example.kz": 6,  # a resident too: the five, and the reply
            })
            # The consumer has drained the queue when every row is sent.
            until(lambda: _queued() == 0, "every notification sent", log)

    for address in ("stopped@example.kz", "unconfirmed@example.kz",
                    "someone@resident.invalid", "moderator@example.kz"):
        assert smtp.to(address) == [], address
    assert len(smtp.to("akim@example.kz")) == 2, [
        str(item.message["Subject"]) for item in smtp.to("akim@example.kz")]

    def by_subject(address: str, subject: str) -> Received:
        [found] = [item for item in got[address] if item.message["Subject"] == subject]
        return found

    # The report, in each reader's language, opens the report.
    ru = by_subject("follower@example.kz", "Аким опубликовал отчёт")
    en = by_subject("region@example.kz", "The akim published a report")
    kk = by_subject("local@example.kz", "Әкім есеп жариялады")
    for received in (ru, en, kk):
        assert urlsplit(page_link(received)).path == f"/reports/{ids['report']}"
    opens(client, page_link(en), akim_name)
    # The promise: the claim and the verdict reach the promise's follower with the page link.
    claim = by_subject("promise@example.kz", "A promise's status has changed")
    assert "Pipes delivered." in claim.body
    assert urlsplit(page_link(claim)).path == f"/promises/{ids['promise']}"
    verdict = by_subject("promise@example.kz", "A verdict was recorded on a promise")
    assert "The verification team recorded a verdict" in verdict.body
    # The akim hears of the verdict (not of the claim they made themselves).
    akim_subjects = sorted(str(item.message["Subject"]) for item in got["akim@example.kz"])
    assert len(akim_subjects) == 2
    # The commenter reads the reply in Russian, linked to the comment.
    reply = by_subject("commenter@example.kz", "Аким ответил на ваш комментарий")
    assert "В июне." in reply.body
    parts = urlsplit(page_link(reply))
    assert (parts.path, parts.fragment) == (f"/reports/{ids['report']}",
                                            f"comment-{ids['comment']}")
    # The flag decision: the English follower reads about whose record it was.
    decided = [item for item in got["region@example.kz"]
               if str(item.message["Subject"]).startswith("The portal's moderators decided")]
    assert len(decided) == 1 and "Explained by the district finance office." in decided[0].body
    assert urlsplit(page_link(decided[0])).path == f"/flags/{ids['flag']}"
    opens(client, page_link(decided[0]), "Explained by the district finance office.")
    # The meeting, in Russian, at its Almaty time (the worker has no request to take it from).
    announced = by_subject("follower@example.kz", "Аким назначил встречу с жителями")
    assert "15:30" in announced.body and "House of culture" in announced.body
    assert urlsplit(page_link(announced)).path == f"/meetings/{ids['meeting']}"
    opens(client, page_link(announced), "House of culture")
    # Every mail can be stopped with one click.
    for received in [*got["region@example.kz"], reply]:
        assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert str(received.message["List-Unsubscribe"]).startswith(f"<{PUBLIC}/unsubscribe/")


def until(done: Callable[[], bool], what: str, log: Path, timeout: float = 60) -> None:
    """Poll the database (the worker's writes do not wake the SMTP server's condition)."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"not {what} within {timeout:.0f} s\n{log.read_text()}")
        time.sleep(0.3)


def _queued() -> int:
    db.session.remove()
    return len(db.session.scalars(select(Notification.id).where(
        Notification.status == DeliveryStatus.QUEUED)).all())


def test_a_refused_address_is_marked_and_a_passing_failure_is_retried(
        make_app: Any, database_url: str, tmp_path: Path) -> None:
    with worker(make_app, database_url, tmp_path) as smtp:
        smtp.refuse.add("gone@example.kz")
        term = serving_term()
        akim = akim_account(term)
        users = {}
        for address in ("gone@example.kz", "fine@example.kz"):
            users[address] = UserFactory(email=address)
            db.session.add(Follow(user_id=users[address].id, target=FollowTarget.AKIM,
                                  target_id=term.akim_id))
        report = ReportFactory(term=term, submitted=True, filled=True)
        db.session.commit()
        user_ids = {address: user.id for address, user in users.items()}
        report_id, term_id = report.id, term.id
        reports.publish(report, akim)
        db.session.commit()
        with job_consumer(tmp_path / "worker", database_url, smtp.settings) as log:  # type: ignore[attr-defined]
            wait_all(smtp, log, {"fine@example.kz": 1})
            until(lambda: _queued() == 0, "the refused row settled", log)
    db.session.remove()
    rows = {row.user.email: row for row in db.session.scalars(select(Notification))}
    assert rows["fine@example.kz"].status is DeliveryStatus.SENT
    gone = rows["gone@example.kz"]
    assert gone.status is DeliveryStatus.FAILED and gone.last_error is not None
    assert "550" in gone.last_error and "gone@example.kz" not in gone.last_error
    assert db.session.get(UndeliverableAddress, "gone@example.kz") is not None
    # The next event about this akim leaves the marked address out from the start.
    later = NotificationEvent(kind=EventKind.REPORT_AMENDED, subject_id=report_id,
                              term_id=term_id, data={})
    assert recipients.recipients(later) == [user_ids["fine@example.kz"]]


def test_one_click_unsubscribe_by_the_header_post_and_by_the_link(
        make_app: Any, database_url: str, tmp_path: Path, client: FlaskClient) -> None:
    with worker(make_app, database_url, tmp_path) as smtp:
        term = serving_term()
        akim = akim_account(term)
        first = UserFactory(email="first@example.kz")
        second = UserFactory(email="second@example.kz")
        for user in (first, second):
            db.session.add(Follow(user_id=user.id, target=FollowTarget.AKIM,
                                  target_id=term.akim_id))
        report = ReportFactory(term=term, submitted=True, filled=True)
        db.session.commit()
        reports.publish(report, akim)
        db.session.commit()
        with job_consumer(tmp_path / "worker", database_url, smtp.settings) as log:  # type: ignore[attr-defined]
            got = wait_all(smtp, log, {"first@example.kz": 1, "second@example.kz": 1})
    first_id, second_id = first.id, second.id
    # A mail program's one-click request: a POST to the header's address, no session, no
    # CSRF token (RFC 8058).
    header = str(got["first@example.kz"][0].message["List-Unsubscribe"]).strip("<>")
    response = client.post(urlsplit(header).path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    # A person following the link sees a question first (scanners only GET), then confirms.
    [link] = [word for word in got["second@example.kz"][0].body.split()
              if "/unsubscribe/" in word]
    path = urlsplit(link).path
    question = client.get(path)
    assert question.status_code == 200 and "Stop all emails" in question.get_data(as_text=True)
    db.session.remove()
    assert db.session.get(NotificationSettings, second_id) is None
    assert client.post(path).status_code == 200
    db.session.remove()
    for user_id in (first_id, second_id):
        settings = db.session.get(NotificationSettings, user_id)
        assert settings is not None and settings.paused
    # A forged token is refused.
    assert client.post("/unsubscribe/forged").status_code == 404
