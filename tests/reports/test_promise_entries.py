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
