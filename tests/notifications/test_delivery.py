"""Mail delivered for real: the job consumer as production runs it, sending to an SMTP server
on 127.0.0.1, and the messages read as they arrived."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from portal.extensions import db
from tests.factories import CommentFactory
from tests.feedback.helpers import akim_account, published_report, resident
from tests.mailworker import job_consumer, smtp_server

pytestmark = pytest.mark.concurrency

PUBLIC = "http://portal.example.kz:8443"


def test_the_commenter_reads_the_akims_official_reply_in_their_own_language(
        make_app: Any, database_url: str, tmp_path: Path, client: FlaskClient, login: Any,
        csrf: Any) -> None:
    """The reply is posted through the page; the worker, with no request around it, writes the
    mail in the commenter's language with a link that opens the reply."""
    with smtp_server() as smtp:
        settings = {"HUEY_SQLITE_PATH": str(tmp_path / "jobs.db"), "MAIL_SERVER": "127.0.0.1",
                    "MAIL_PORT": smtp.port, "MAIL_USE_TLS": False, "PUBLIC_BASE_URL": PUBLIC}
        make_app(JOBS_IMMEDIATE=False, HUEY_SQLITE_PATH=settings["HUEY_SQLITE_PATH"])
        report = published_report()
        author = resident(report.term, email="dana@example.kz", locale="ru")
        comment = CommentFactory(report=report, author=author, body="Где деньги на свет?")
        akim = akim_account(report.term)
        db.session.commit()
        report_id, comment_id = report.id, comment.id
        login(akim)
        page = f"/reports/{report_id}"
        response = client.post(f"/comments/{comment_id}/reply", data={
            "csrf_token": csrf(page), f"reply-{comment_id}-body": "В таблице бюджета, строка 3."})
        assert response.status_code == 302
        # The request ran in the test's app context, so its session outlived it; a served
        # request's ends with it (and with it the write lock a form post takes on SQLite).
        db.session.rollback()

        with job_consumer(tmp_path / "worker", database_url, settings) as log:
            try:
                [received] = smtp.wait_for("dana@example.kz")
            except AssertionError as error:
                raise AssertionError(f"{error}\nworker log:\n{log.read_text()}") from None

    assert received.message["Subject"] == "Аким ответил на ваш комментарий"
    assert "В таблице бюджета, строка 3." in received.body
    assert "Где деньги на свет?" in received.body
    [link] = [word for word in received.body.split()
              if word.startswith(PUBLIC) and "#comment-" in word]
    parts = urlsplit(link)
    assert (parts.path, parts.fragment) == (page, f"comment-{comment_id}")
    client.get("/logout")
    opened = client.get(parts.path)
    assert opened.status_code == 200
    assert "В таблице бюджета, строка 3." in opened.get_data(as_text=True)
