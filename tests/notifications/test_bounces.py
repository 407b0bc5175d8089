"""Bounces and complaints, through the real path: the job consumer sends the mail to an SMTP
server on 127.0.0.1 with our return path; the reports a receiving server (RFC 3464) and a
mailbox provider (RFC 5965) would send back are built from the very mail that arrived and
handed to `flask notifications intake` in a process of its own, as the mail server's pipe
does. The address stops receiving, the next event leaves it out, and its owner reads why on
My portal. A report that does not prove it is about a mail of ours changes nothing.
"""

from __future__ import annotations

import subprocess
from email.policy import SMTP
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.extensions import db
from portal.notifications.models import (
    Follow,
    FollowTarget,
    UndeliverableAddress,
    UndeliveredBecause,
)
from portal.reports import services as reports
from portal.reports.models import Report
from tests.factories import ReportFactory, UserFactory
from tests.feedback.helpers import akim_account, serving_term
from tests.mailworker import (
    Received,
    instance_config,
    job_consumer,
    worker_environment,
)
from tests.notifications.test_events import _queued, until, wait_all, worker

pytestmark = pytest.mark.concurrency

RETURN_PATH = "bounces@akim-portal.kz"
ORIGINAL_HEADERS = ("From", "To", "Subject", "Message-ID", "List-Unsubscribe",
                    "List-Unsubscribe-Post")


def original_headers(received: Received) -> str:
    return "".join(f"{name}: {received.message[name]}\r\n" for name in ORIGINAL_HEADERS)


def dsn(received: Received, recipient: str, action: str, status: str, words: str) -> bytes:
    """A delivery status notification as Postfix writes one (RFC 3464), returning headers."""
    return (
        "From: MAILER-DAEMON@mx.example.kz (Mail Delivery System)\r\n"
        f"To: {RETURN_PATH}\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"\r\n\r\n'
        "--B1\r\nContent-Type: text/plain\r\n\r\n"
        "I'm sorry to have to inform you that your message could not\r\n"
        "be delivered to one or more recipients.\r\n\r\n"
        "--B1\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.kz\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nOriginal-Recipient: rfc822;{recipient}\r\n"
        f"Action: {action}\r\nStatus: {status}\r\nDiagnostic-Code: smtp; {words}\r\n\r\n"
        "--B1\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"{original_headers(received)}\r\n--B1--\r\n").encode()


def complaint(received: Received) -> bytes:
    """A feedback-loop complaint (RFC 5965) with the whole original and a redacted recipient."""
    return (
        "From: fbl@mailbox.example.kz\r\n"
        f"To: {RETURN_PATH}\r\nSubject: Complaint about a message\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=feedback-report; boundary="B2"\r\n\r\n'
        "--B2\r\nContent-Type: text/plain\r\n\r\n"
        "This is an email abuse report for an email message received.\r\n\r\n"
        "--B2\r\nContent-Type: message/feedback-report\r\n\r\n"
        "Feedback-Type: abuse\r\nUser-Agent: ExampleFBL/1.0\r\nVersion: 1\r\n"
        "Original-Rcpt-To: redacted@example.kz\r\n\r\n"
        "--B2\r\nContent-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n"
    ).encode() + received.message.as_bytes(policy=SMTP) + b"\r\n--B2--\r\n"


def intake(tmp_path: Path, database_url: str, settings: dict[str, Any],
           message: bytes) -> subprocess.CompletedProcess[str]:
    """`flask notifications intake` with the message on standard input, as a pipe alias."""
    instance = tmp_path / "mailserver"
    instance.mkdir(exist_ok=True)
    (instance / "config.py").write_text(instance_config(settings))
    from tests.e2e.server import ROOT, VENV_BIN

    return subprocess.run(  # noqa: S603
        [str(VENV_BIN / "flask"), "--app", "portal", "notifications", "intake"],
        input=message.decode("ascii"), cwd=ROOT, env=worker_environment(instance, database_url),
        capture_output=True, text=True, timeout=120, check=False)


def test_a_hard_bounce_and_a_complaint_stop_the_mail_and_the_owner_sees_why(
        make_app: Any, database_url: str, tmp_path: Path, client: FlaskClient,
        login: Any) -> None:
    with worker(make_app, database_url, tmp_path) as smtp:
        settings = {**smtp.settings, "MAIL_RETURN_PATH": RETURN_PATH}  # type: ignore[attr-defined]
        term = serving_term()
        akim = akim_account(term)
        users = {}
        for address in ("gone@example.kz", "angry@example.kz", "full@example.kz",
                        "fine@example.kz"):
            users[address] = UserFactory(email=address, locale="en")
            db.session.add(Follow(user_id=users[address].id, target=FollowTarget.AKIM,
                                  target_id=term.akim_id))
        report = ReportFactory(term=term, submitted=True, filled=True)
        db.session.commit()
        ids = {address: user.id for address, user in users.items()}
        report_id, akim_id = report.id, akim.id
        reports.publish(report, akim)
        db.session.commit()
        with job_consumer(tmp_path / "worker", database_url, settings) as log:
            got = wait_all(smtp, log, dict.fromkeys(users, 1))
            # Bounces come back to the return path, not to the visible sender.
            assert {item.mail_from for item in smtp.received} == {RETURN_PATH}

            # A forged bounce (no mail of ours in it) and one naming another address change
            # nothing; a passing failure (4.x.x, delayed) neither.
            forged = dsn(got["fine@example.kz"][0], "fine@example.kz", "failed", "5.1.1",
                         "550 5.1.1 No such user")
            forged = forged.replace(b"/unsubscribe/", b"/unsubscribe/x")
            done = intake(tmp_path, database_url, settings, forged)
            assert done.returncode == 65, done.stderr
            assert "not signed by this portal" in done.stderr
            other = dsn(got["full@example.kz"][0], "fine@example.kz", "failed", "5.1.1",
                        "550 5.1.1 No such user")
            assert intake(tmp_path, database_url, settings, other).returncode == 65
            passing = dsn(got["full@example.kz"][0], "full@example.kz", "delayed", "4.2.2",
                          "452 4.2.2 Mailbox full")
            done = intake(tmp_path, database_url, settings, passing)
            assert done.returncode == 0, done.stderr
            assert "f***@example.kz: passing failure (4.2.2 452 4.2.2 Mailbox full)" in done.stdout

            # The real ones: a hard bounce and a spam complaint.
            bounce = dsn(got["gone@example.kz"][0], "gone@example.kz", "failed", "5.1.1",
                         "550 5.1.1 <gone@example.kz>: Recipient address rejected")
            done = intake(tmp_path, database_url, settings, bounce)
            assert done.returncode == 0, done.stderr
            assert "g***@example.kz: bounced" in done.stdout and "gone@" not in done.stdout
            done = intake(tmp_path, database_url, settings, complaint(got["angry@example.kz"][0]))
            assert done.returncode == 0, done.stderr
            assert "a***@example.kz: complained (feedback: abuse), mail stopped" in done.stdout
            # The same bounce twice (mail servers retry) records it once.
            again = intake(tmp_path, database_url, settings, bounce)
            assert again.returncode == 0 and "stopped already" in again.stdout

            # The next event reaches only the addresses still deliverable.
            db.session.remove()
            published = db.session.get(Report, report_id)
            assert published is not None
            reports.amend(published, {**published.content(), "summary": "Corrected sums."},
                          "The budget table had a typo in it.", db.session.get(User, akim_id))
            db.session.commit()
            wait_all(smtp, log, {"fine@example.kz": 2, "full@example.kz": 2})
            until(lambda: _queued() == 0, "every notification sent", log)
    assert len(smtp.to("gone@example.kz")) == 1
    assert len(smtp.to("angry@example.kz")) == 1

    db.session.remove()
    marked = {row.email: row for row in db.session.scalars(select(UndeliverableAddress))}
    assert set(marked) == {"gone@example.kz", "angry@example.kz"}
    assert marked["gone@example.kz"].kind is UndeliveredBecause.BOUNCED
    assert marked["gone@example.kz"].reason == (
        "5.1.1 550 5.1.1 <address>: Recipient address rejected")
    assert marked["angry@example.kz"].kind is UndeliveredBecause.COMPLAINED
    actions = set(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("notifications.%"))))
    assert {"notifications.bounced", "notifications.complained"} <= actions

    # Each owner reads why on My portal; the others see no such notice.
    login(db.session.get(User, ids["gone@example.kz"]))
    html = client.get("/my").get_data(as_text=True)
    assert "We no longer send email to gone@example.kz" in html
    assert "could not be delivered and will not be" in html
    assert "Recipient address rejected" in html
    login(db.session.get(User, ids["angry@example.kz"]))
    html = client.get("/my").get_data(as_text=True)
    assert "reported as spam" in html
    login(db.session.get(User, ids["fine@example.kz"]))
    assert "We no longer send email" not in client.get("/my").get_data(as_text=True)
