"""Bad input through the real forms: a clear message beside the field, nothing saved."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.extensions import db
from portal.promises.models import Promise, PromiseStatus, PromiseUpdate
from portal.uploads import StoredFile
from tests.factories import PromiseFactory, SettlementFactory
from tests.promises.helpers import (
    EXE,
    LINK,
    PDF,
    akim_user,
    days_from_today,
    future_term,
    multipart,
    term_around_today,
)


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _field_error(html: str, field_id: str) -> str:
    """The error message rendered beside a field (its `<id>-error` paragraph)."""
    marker = f'id="{field_id}-error"'
    assert marker in html, f"no error beside {field_id}"
    start = html.index(marker)
    return html[start:html.index("</p>", start)]


def _new_promise_form(term_id: int, **overrides: str) -> dict[str, Any]:
    data = {"title": "Open a kindergarten", "description": "", "language": "en",
            "category": "education", "deadline": days_from_today(300).isoformat(),
            "cost_estimate": "", "funding_source": "", "reason": ""}
    data.update(overrides)
    return data


def test_adding_a_promise_before_the_term_starts(client: FlaskClient, login: Any,
                                                 csrf: Any) -> None:
    term = future_term()
    village = SettlementFactory(rural_district=term.rural_district, name_en="Kopa village")
    login(akim_user(term))
    url = f"/terms/{term.id}/promises/new"
    form = _new_promise_form(term.id, settlements=str(village.id), cost_estimate="250000000",
                             funding_source="auyl_el_besigi", csrf_token=csrf(url))
    response = client.post(url, data=form)
    assert response.status_code == 302
    promise = db.session.scalar(select(Promise).where(Promise.term_id == term.id))
    assert promise is not None and promise.in_baseline and promise.cost_estimate == 250_000_000
    assert [s.id for s in promise.settlements] == [village.id]
    page = client.get(f"/terms/{term.id}/programme").get_data(as_text=True)
    assert "It becomes the baseline on" in page


def test_a_deadline_before_the_term_is_refused_beside_the_field(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    term = future_term()
    login(akim_user(term))
    url = f"/terms/{term.id}/promises/new"
    before = (term.starts_on - timedelta(days=1)).isoformat()
    response = client.post(url, data=_new_promise_form(term.id, deadline=before,
                                                       title="Kept title",
                                                       csrf_token=csrf(url)))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The deadline must fall within the term" in _field_error(html, "deadline")
    assert 'value="Kept title"' in html  # what was typed is still there
    assert _count(Promise) == 0


def test_an_empty_title_is_refused_beside_the_field(client: FlaskClient, login: Any,
                                                    csrf: Any) -> None:
    term = future_term()
    login(akim_user(term))
    url = f"/terms/{term.id}/promises/new"
    response = client.post(url, data=_new_promise_form(term.id, title="   ",
                                                       csrf_token=csrf(url)))
    assert response.status_code == 400
    assert "Enter the promise" in _field_error(response.get_data(as_text=True), "title")
    assert _count(Promise) == 0


def test_an_amendment_without_a_reason_is_refused(client: FlaskClient, login: Any,
                                                  csrf: Any) -> None:
    promise = PromiseFactory(term=term_around_today(), deadline=days_from_today(100),
                             title="Old title")
    login(akim_user(promise.term))
    url = f"/promises/{promise.id}/edit"
    data = _new_promise_form(promise.term_id, title="New title",
                             deadline=days_from_today(100).isoformat(),
                             category=promise.category.value, csrf_token=csrf(url))
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "say why" in _field_error(response.get_data(as_text=True), "reason")
    db.session.expire_all()
    assert db.session.get(Promise, promise.id).title == "Old title"  # type: ignore[union-attr]
    data["reason"] = "The village meeting asked for it."
    assert client.post(url, data=data).status_code == 302
    page = client.get(f"/promises/{promise.id}").get_data(as_text=True)
    assert "Changed after the baseline" in page and "The village meeting asked for it." in page
    assert "<del>Old title</del>" in page and "<ins>New title</ins>" in page


def _claim_form(url: str, csrf: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"csrf_token": csrf(url), "status": "in_progress", "progress": "40",
                            "note": "The pipes are laid.", "evidence_links": ""}
    data.update(overrides)
    return data


def _claimable(client: FlaskClient, login: Any) -> tuple[Promise, str]:
    promise = PromiseFactory(term=term_around_today(), deadline=days_from_today(120))
    login(akim_user(promise.term))
    return promise, f"/promises/{promise.id}/update"


def test_progress_140_is_refused_beside_the_field(client: FlaskClient, login: Any,
                                                  csrf: Any) -> None:
    promise, url = _claimable(client, login)
    response = client.post(url, data=_claim_form(url, csrf, progress="140",
                                                 note="Typed note stays"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "from 0 to 100" in _field_error(html, "progress")
    assert "Typed note stays" in html
    assert _count(PromiseUpdate) == 0


def test_a_50_mb_evidence_file_is_refused_beside_the_field(client: FlaskClient, login: Any,
                                                           csrf: Any) -> None:
    promise, url = _claimable(client, login)
    big = PDF + b"0" * (50 * 1024 * 1024)
    data = _claim_form(url, csrf, status="kept", progress="100", note="Finished in May",
                       evidence_files=(io.BytesIO(big), "act.pdf"))
    response = client.post(url, **multipart(data))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "too large" in _field_error(html, "evidence_files")
    assert "Finished in May" in html  # nothing typed is lost
    assert _count(PromiseUpdate) == 0 and _count(StoredFile) == 0
    db.session.expire_all()
    assert db.session.get(Promise, promise.id).claimed_status is PromiseStatus.NOT_YET_RATED  # type: ignore[union-attr]


def test_a_body_beyond_any_limit_still_answers_beside_the_field(
        client: FlaskClient, login: Any, csrf: Any, app: Any) -> None:
    promise, url = _claimable(client, login)
    huge = PDF + b"0" * (65 * 1024 * 1024)
    data = _claim_form(url, csrf, evidence_files=(io.BytesIO(huge), "video.pdf"))
    response = client.post(url, **multipart(data))
    assert response.status_code == 413
    assert "too large" in _field_error(response.get_data(as_text=True), "evidence_files")
    assert _count(PromiseUpdate) == 0


def test_an_exe_renamed_pdf_is_refused_beside_the_field(client: FlaskClient, login: Any,
                                                        csrf: Any) -> None:
    promise, url = _claimable(client, login)
    data = _claim_form(url, csrf, status="kept", progress="100", note="Done",
                       evidence_files=(io.BytesIO(EXE), "act.pdf"))
    response = client.post(url, **multipart(data))
    assert response.status_code == 400
    assert "not an accepted type" in _field_error(response.get_data(as_text=True),
                                                  "evidence_files")
    assert _count(PromiseUpdate) == 0 and _count(StoredFile) == 0


def test_broken_without_a_reason_or_early_without_evidence(client: FlaskClient, login: Any,
                                                          csrf: Any) -> None:
    promise, url = _claimable(client, login)
    response = client.post(url, data=_claim_form(url, csrf, status="broken"))
    assert "exactly one reason" in _field_error(response.get_data(as_text=True),
                                                "broken_reason")
    response = client.post(url, data=_claim_form(url, csrf, status="broken",
                                                 broken_reason="no_funding"))
    assert response.status_code == 400
    assert "Before its deadline" in _field_error(response.get_data(as_text=True),
                                                 "evidence_links")
    assert _count(PromiseUpdate) == 0
    response = client.post(url, data=_claim_form(url, csrf, status="broken",
                                                 broken_reason="no_funding",
                                                 evidence_links=LINK))
    assert response.status_code == 302


def test_a_kept_claim_with_a_pdf_is_published_with_a_download(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    promise, url = _claimable(client, login)
    data = _claim_form(url, csrf, status="kept", progress="100", note="Opened on 1 May.",
                       evidence_links=LINK, evidence_files=(io.BytesIO(PDF), "act.pdf"))
    assert client.post(url, **multipart(data)).status_code == 302
    page = client.get(f"/promises/{promise.id}").get_data(as_text=True)
    assert "Akim says:" in page and "Kept" in page and "not yet verified" in page
    assert "act.pdf" in page and LINK in page
    update = db.session.scalar(select(PromiseUpdate).where(PromiseUpdate.promise_id ==
                                                           promise.id))
    assert update is not None
    file_evidence = next(item for item in update.evidence if item.file is not None)
    download = client.get(f"/promises/{promise.id}/evidence/{file_evidence.id}")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    download.close()
    other = PromiseFactory()
    assert client.get(f"/promises/{other.id}/evidence/{file_evidence.id}").status_code == 404
