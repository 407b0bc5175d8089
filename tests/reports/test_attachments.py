"""Report files: checked by content, capped in size, private until published, never removed
once public; a refused file never costs the akim their text."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import storage
from portal.extensions import db
from portal.reports import services
from portal.reports.models import Report, ReportAttachment
from portal.reports.views import editor
from portal.uploads import key_of
from tests.factories import ReportFactory, UserFactory
from tests.factories.reports import FILLED

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
MB = 1024 * 1024


def _post(client: FlaskClient, url: str, token: str, data: bytes, name: str,
          **fields: Any) -> Any:
    form = {"csrf_token": token, "summary": "Text typed before attaching", "save": "Save draft",
            "attachment": (BytesIO(data), name), **fields}
    response = client.post(url, data=form, content_type="multipart/form-data")
    # Werkzeug's test client spools a large body to a temporary file it never closes.
    response.request.environ["wsgi.input"].close()
    return response


def _owner(login: Any, report: Report) -> Any:
    return login(UserFactory.akim_for(report.term))


def test_a_path_traversal_name_is_neutralised(client: FlaskClient, login: Any,
                                              csrf: Any) -> None:
    report = ReportFactory()
    _owner(login, report)
    url = f"/reports/{report.id}/edit"
    response = _post(client, url, csrf(url), PDF, "../../../etc/passwd.pdf")
    assert response.status_code == 302
    attachment = db.session.scalar(select(ReportAttachment))
    assert attachment is not None and attachment.stored_file.original_name == "etc_passwd.pdf"
    key = key_of(attachment.stored_file.storage_key)
    assert storage.current().read(key) == PDF and "passwd" not in key
    assert "etc_passwd.pdf" in client.get(url).get_data(as_text=True)


def test_a_program_renamed_pdf_is_refused_and_the_text_kept(client: FlaskClient, login: Any,
                                                            csrf: Any) -> None:
    report = ReportFactory()
    _owner(login, report)
    url = f"/reports/{report.id}/edit"
    response = _post(client, url, csrf(url), b"MZ\x90\x00" + b"\x00" * 200, "minutes.pdf")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "not an accepted type" in page and "Your text is saved." in page
    assert db.session.get(Report, report.id).summary == "Text typed before attaching"
    assert db.session.scalar(select(ReportAttachment)) is None


def test_a_file_over_10_mb_gets_a_message_beside_the_field(client: FlaskClient, login: Any,
                                                           csrf: Any) -> None:
    report = ReportFactory()
    _owner(login, report)
    url = f"/reports/{report.id}/edit"
    response = _post(client, url, csrf(url), PDF + b"0" * (11 * MB), "scan.pdf")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "too large: at most 10 MB" in page
    assert db.session.get(Report, report.id).summary == "Text typed before attaching"


def test_several_files_in_one_save(client: FlaskClient, login: Any, csrf: Any) -> None:
    report = ReportFactory()
    _owner(login, report)
    url = f"/reports/{report.id}/edit"
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    form = {"csrf_token": csrf(url), "summary": "Three files", "save": "Save draft",
            "attachment": [(BytesIO(PDF), "minutes.pdf"), (BytesIO(png), "hall.png"),
                           (BytesIO(PDF + b"0" * (9 * MB)), "budget.pdf")]}
    response = client.post(url, data=form, content_type="multipart/form-data")
    response.request.environ["wsgi.input"].close()
    assert response.status_code == 302  # 9 MB + more in one body: over the site's 12 MB
    page = client.get(url).get_data(as_text=True)
    assert "Draft saved, with 3 files attached." in page
    names = sorted(a.stored_file.original_name for a in db.session.get(Report, report.id)
                   .attachments)
    assert names == ["budget.pdf", "hall.png", "minutes.pdf"]


def test_a_refused_file_among_several_is_named_and_the_others_kept(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    report = ReportFactory()
    _owner(login, report)
    url = f"/reports/{report.id}/edit"
    form = {"csrf_token": csrf(url), "summary": "Two files", "save": "Save draft",
            "attachment": [(BytesIO(PDF), "minutes.pdf"), (BytesIO(b"MZ\x90\x00"), "run.pdf")]}
    response = client.post(url, data=form, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Your text is saved." in page
    assert "“run.pdf” was not attached: This file is not an accepted type." in page
    kept = db.session.get(Report, report.id)
    assert [a.stored_file.original_name for a in kept.attachments] == ["minutes.pdf"]
    assert kept.summary == "Two files"


def test_a_request_over_the_limit_gets_the_413_page_with_a_message(
        client: FlaskClient, login: Any, csrf: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(editor, "EDITOR_REQUEST_LIMIT", 13 * MB)
    report = ReportFactory()
    _owner(login, report)
    url = f"/reports/{report.id}/edit"
    response = _post(client, url, csrf(url), PDF + b"0" * (13 * MB), "huge.pdf")
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "at most 13 MB, and each file at most 10 MB" in page and "Go back" in page


def test_draft_files_are_private_and_published_files_are_downloads(
        app: Flask, client: FlaskClient, login: Any, csrf: Any) -> None:
    report = ReportFactory(filled=True)
    _owner(login, report)
    url = f"/reports/{report.id}/edit"
    _post(client, url, csrf(url), PDF, "minutes.pdf")
    attachment = db.session.scalar(select(ReportAttachment))
    assert attachment is not None
    download = f"/reports/{report.id}/attachments/{attachment.id}"
    owner_view = client.get(download)
    assert owner_view.status_code == 200 and owner_view.data == PDF
    assert owner_view.headers["X-Content-Type-Options"] == "nosniff"
    assert owner_view.headers["Content-Disposition"].startswith("attachment")
    owner_view.close()
    stranger = app.test_client()
    assert stranger.get(download).status_code == 404
    services.submit(report, "tests")
    services.publish(report, "tests")
    db.session.commit()
    public = stranger.get(download)
    assert public.status_code == 200 and public.mimetype == "application/pdf"
    public.close()
    assert "minutes.pdf" in stranger.get(f"/reports/{report.id}").get_data(as_text=True)


def test_a_file_leaves_a_draft_but_never_a_published_report(client: FlaskClient, login: Any,
                                                            csrf: Any) -> None:
    report = ReportFactory(filled=True)
    _owner(login, report)
    url = f"/reports/{report.id}/edit"
    _post(client, url, csrf(url), PDF, "first.pdf")
    _post(client, url, csrf(url), PDF, "second.pdf", **{k: v for k, v in FILLED.items()
                                                          if k != "meeting_held_on"})
    first, second = db.session.scalars(select(ReportAttachment).order_by(ReportAttachment.id))
    response = client.post(f"/reports/{report.id}/attachments/{first.id}/remove",
                           data={"csrf_token": csrf(url)})
    assert response.status_code == 302
    assert db.session.get(ReportAttachment, first.id) is None
    report = db.session.get(Report, report.id)
    report.meeting_held_on = FILLED["meeting_held_on"]
    services.submit(report, "tests")
    services.publish(report, "tests")
    db.session.commit()
    response = client.post(f"/reports/{report.id}/attachments/{second.id}/remove",
                           data={"csrf_token": csrf(f"/reports/{report.id}/amend")},
                           follow_redirects=True)
    assert "cannot be removed" in response.get_data(as_text=True)
    assert db.session.get(ReportAttachment, second.id) is not None


def test_a_correction_can_add_a_file_and_says_so(client: FlaskClient, login: Any,
                                                 csrf: Any) -> None:
    report = ReportFactory(published=True)
    _owner(login, report)
    url = f"/reports/{report.id}/amend"
    data = {**FILLED, "meeting_held_on": FILLED["meeting_held_on"].isoformat()}
    response = _post(client, url, csrf(url), PDF, "signed-minutes.pdf",
                     reason="Signed minutes of the meeting added.", **data)
    assert response.status_code == 302
    attachment = db.session.scalar(select(ReportAttachment))
    assert attachment is not None and attachment.added_in_version == 2
    changes = client.get(f"/reports/{report.id}/versions/2/changes").get_data(as_text=True)
    assert "Files added" in changes and "signed-minutes.pdf" in changes
    first = client.get(f"/reports/{report.id}/versions/1").get_data(as_text=True)
    assert "signed-minutes.pdf" not in first  # version 1 is shown as it was
