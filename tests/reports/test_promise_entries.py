"""Progress on promises: one entry per promise of the programme; others are refused."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from portal.reports import promise_entries, services
from portal.reports.services import ReportError
from tests.factories import PromiseFactory, ReportFactory, UserFactory


def test_an_entry_for_a_promise_of_another_programme_is_refused() -> None:
    report = ReportFactory(filled=True)
    elsewhere = PromiseFactory()  # another term's programme
    with pytest.raises(ReportError) as refused:
        promise_entries.save_entry(report, elsewhere, "kept", "Built the road in June.", "",
                                   "tests")
    assert "promise_id" in refused.value.errors
    assert promise_entries.entries_of(report.id) == []


def test_entries_show_as_a_table_linked_to_each_promise(client: FlaskClient, login: Any,
                                                         csrf: Any) -> None:
    report = ReportFactory(filled=True)
    promise = PromiseFactory(term=report.term, number=1, title="Light the main street")
    other = PromiseFactory()
    login(UserFactory.akim_for(report.term))
    url = f"/reports/{report.id}/promises"
    response = client.post(url, data={"csrf_token": csrf(url), "promise_id": str(other.id),
                                      "claim": "kept", "text": "Built the road in June."})
    assert response.status_code == 400  # not in the programme: refused beside the field
    assert 'id="promise_id-error"' in response.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf(url), "promise_id": str(promise.id),
                                      "claim": "in_progress", "text": "12 of 20 lights are up.",
                                      "evidence_url": "https://example.kz/lights"})
    assert response.status_code == 302
    services.submit(report, "tests")
    services.publish(report, "tests")
    page = client.get(f"/reports/{report.id}?lang=en").get_data(as_text=True)
    assert f'href="/promises/{promise.id}"' in page and "Light the main street" in page
    assert "12 of 20 lights are up." in page and "https://example.kz/lights" in page
    with pytest.raises(ReportError):  # frozen with the published report
        promise_entries.save_entry(report, promise, "kept", "All twenty lights are up.", "",
                                   "tests")


def test_a_submitted_report_refuses_entries_with_a_message(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    report = ReportFactory(filled=True)
    promise = PromiseFactory(term=report.term, number=1)
    services.submit(report, "tests")
    login(UserFactory.akim_for(report.term))
    url = f"/reports/{report.id}/promises?lang=en"
    response = client.post(url, data={"csrf_token": csrf(url), "promise_id": str(promise.id),
                                      "claim": "kept", "text": "Built the road in June."})
    page = response.get_data(as_text=True)
    assert response.status_code == 400  # the service's refusal, not a 500 and not a save
    assert "only while the report is a draft" in page
    assert promise_entries.entries_of(report.id) == []


def test_the_wording_of_the_refusal_is_beside_the_field(client: FlaskClient, login: Any,
                                                        csrf: Any) -> None:
    report = ReportFactory(filled=True)
    PromiseFactory(term=report.term, number=1)
    other = PromiseFactory()  # another akim's programme
    login(UserFactory.akim_for(report.term))
    url = f"/reports/{report.id}/promises?lang=en"
    response = client.post(url, data={"csrf_token": csrf(url), "promise_id": str(other.id),
                                      "claim": "kept", "text": "Built the road in June."})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = page[page.index('id="promise_id-error"'):][:400]
    assert "Choose a promise of this term&#39;s programme" in error
    assert "Not a valid choice" not in page


def _published_with_entry(promise_title: str = "Light the main street") -> tuple[Any, Any]:
    report = ReportFactory(filled=True)
    promise = PromiseFactory(term=report.term, number=1, title=promise_title)
    promise_entries.save_entry(report, promise, "in_progress", "12 of 20 lights are up.",
                               "https://example.kz/lights", "tests")
    services.submit(report, "tests")
    services.publish(report, "tests")
    return report, promise


def test_a_correction_of_an_entry_is_a_new_version_in_the_public_history(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    report, promise = _published_with_entry()
    second = PromiseFactory(term=report.term, number=2, title="Repair the school roof")
    login(UserFactory.akim_for(report.term))
    url = f"/reports/{report.id}/promises/correct?lang=en"
    # No reason: refused beside the field, nothing published.
    response = client.post(url, data={"csrf_token": csrf(url), "promise_id": str(promise.id),
                                      "claim": "kept", "text": "All twenty lights are up."})
    assert response.status_code == 400 and 'id="reason-error"' in response.get_data(
        as_text=True)
    assert report.current_version == 1
    response = client.post(url, data={
        "csrf_token": csrf(url), "promise_id": str(promise.id), "claim": "kept",
        "text": "All twenty lights are up.", "reason": "The last eight lights were put up."})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reports/{report.id}/versions/2/changes")
    client.post("/logout", data={"csrf_token": csrf("/")})

    changes = client.get(f"/reports/{report.id}/versions/2/changes?lang=en").get_data(
        as_text=True)
    assert "The last eight lights were put up." in changes
    assert "<del>In progress: 12 of 20 lights are up." in changes
    assert "<ins>Kept: All twenty lights are up." in changes
    assert f'href="/promises/{promise.id}"' in changes
    latest = client.get(f"/reports/{report.id}?lang=en").get_data(as_text=True)
    assert "All twenty lights are up." in latest and "12 of 20 lights" not in latest
    first = client.get(f"/reports/{report.id}/versions/1?lang=en").get_data(as_text=True)
    assert "12 of 20 lights are up." in first and "All twenty lights" not in first

    # An entry added by a later correction; the earlier versions do not show it.
    promise_entries.amend_entry(report, second, "in_progress", "The roof is half done.", "",
                                "Added the school roof, left out by mistake.", "tests")
    assert [e.promise_id for e in promise_entries.entries_of(report.id)] == [promise.id,
                                                                            second.id]
    assert [e.promise_id for e in promise_entries.entries_of(report.id, 2)] == [promise.id]
    third = client.get(f"/reports/{report.id}/versions/3/changes?lang=en").get_data(
        as_text=True)
    assert "No entry" in third and "The roof is half done." in third


def test_a_correction_refuses_a_promise_outside_the_programme_and_no_change() -> None:
    report, promise = _published_with_entry()
    with pytest.raises(ReportError) as refused:
        promise_entries.amend_entry(report, PromiseFactory(), "kept", "All twenty are up.", "",
                                    "A reason long enough.", "tests")
    assert "promise_id" in refused.value.errors
    with pytest.raises(ReportError) as same:
        promise_entries.amend_entry(report, promise, "in_progress", "12 of 20 lights are up.",
                                    "https://example.kz/lights", "A reason long enough.",
                                    "tests")
    assert "Nothing was changed" in same.value.errors[""]
    assert report.current_version == 1


def test_a_published_entry_cannot_be_edited_or_removed_behind_the_service() -> None:
    from portal.extensions import db
    from portal.reports.guards import ImmutableReportError

    report, _promise = _published_with_entry()
    entry = promise_entries.entries_of(report.id)[0]
    entry.text = "Quietly rewritten after publication."
    with pytest.raises(ImmutableReportError):
        db.session.flush()
    db.session.refresh(entry)  # the refused edit is dropped
    db.session.delete(entry)
    with pytest.raises(ImmutableReportError):
        db.session.flush()
