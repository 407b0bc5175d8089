"""Cache-Control: what is not the same for everyone is `private, no-store` (issue 24,
finding 14); the role matrix checks every route, these the cases a reader would notice."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.reports import services
from portal.reports.models import ReportAttachment
from tests.factories import ReportFactory, UserFactory

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PRIVATE = "private, no-store"


def _get(client: FlaskClient, url: str) -> Any:
    response = client.get(url)
    response.close()
    return response


def test_a_drafts_file_is_kept_by_no_cache_and_is_public_once_published(
        client: FlaskClient, login: Any) -> None:
    report = ReportFactory(filled=True)
    akim = login(UserFactory.akim_for(report.term))
    services.add_attachment(report, _upload("minutes.pdf"), akim)
    db.session.commit()
    attachment = db.session.scalar(select(ReportAttachment))
    assert attachment is not None
    url = f"/reports/{report.id}/attachments/{attachment.id}"
    draft_file = _get(client, url)
    assert draft_file.status_code == 200
    assert draft_file.headers["Cache-Control"] == PRIVATE
    assert "Expires" not in draft_file.headers
    preview = _get(client, f"/reports/{report.id}")  # the draft, shown to its akim
    assert preview.headers["Cache-Control"] == PRIVATE

    services.submit(report, "tests")
    services.publish(report, "tests")
    db.session.commit()
    published = _get(client, url)
    assert published.headers["Cache-Control"] == "public, max-age=3600"
    client.post("/logout", data={"csrf_token": _token(client)})
    assert _get(client, url).headers["Cache-Control"] == "public, max-age=3600"


def test_personal_pages_are_kept_by_no_cache(client: FlaskClient, login: Any) -> None:
    login(UserFactory(email="someone@example.kz"))
    for url in ("/account", "/account/two-factor", "/"):
        assert _get(client, url).headers["Cache-Control"] == PRIVATE, url


def test_assets_stay_cacheable_for_a_signed_in_reader(client: FlaskClient, login: Any) -> None:
    login(UserFactory())
    page = client.get("/").get_data(as_text=True)
    [stylesheet] = re.findall(r'href="(/static/[^"]+\.css\?v=[^"]+)"', page)[:1]
    assert "immutable" in _get(client, stylesheet).headers["Cache-Control"]


def _upload(name: str) -> Any:
    from werkzeug.datastructures import FileStorage

    return FileStorage(BytesIO(PDF), filename=name, content_type="application/pdf")


def _token(client: FlaskClient) -> str:
    from tests.conftest import csrf_from

    return csrf_from(client.get("/login").get_data(as_text=True))

