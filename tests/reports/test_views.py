"""Report pages as people use them: reading, editing, submitting, publishing, correcting."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.extensions import db
from portal.reports.models import Report, ReportState, ReportTextStash, ReportVersion
from tests.factories import ReportFactory, TermFactory, UserFactory
from tests.factories.reports import FILLED


def form_data(token: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"csrf_token": token, **FILLED}
    data["meeting_held_on"] = FILLED["meeting_held_on"].isoformat()
    data.update(overrides)
    return data


def signed_in_owner(login: Any, report: Report) -> Any:
    return login(UserFactory.akim_for(report.term))


# ------------------------------------------------------------------------ public pages

def test_a_published_report_is_public_and_sanitised(client: FlaskClient) -> None:
    report = ReportFactory(published=True, summary="Roads **done**. <script>alert(1)</script> "
                                                   "[x](javascript:alert(2))")
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "Roads <strong>done</strong>." in page
    assert "<script>alert(1)" not in page and "href=\"javascript" not in page
    assert "On time" in page and "Version 1" in page
    assert "House of culture, Agybet" in page
    assert f"/reports/{report.id}/versions/1" in page  # the citable address


def test_drafts_are_private_to_their_akim_and_staff(client: FlaskClient, login: Any) -> None:
    report = ReportFactory(filled=True)
    assert client.get(f"/reports/{report.id}").status_code == 404
    other = TermFactory()
    login(UserFactory.akim_for(other))
    assert client.get(f"/reports/{report.id}").status_code == 404
    login(UserFactory(staff=True))
    assert "Preview" in client.get(f"/reports/{report.id}").get_data(as_text=True)
    signed_in_owner(login, report)
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "Preview" in page and "Back to the editor" in page


def test_the_editor_belongs_to_the_owning_akim(client: FlaskClient, login: Any) -> None:
    report = ReportFactory()
    url = f"/reports/{report.id}/edit"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    login(UserFactory())  # a citizen
    assert client.get(url).status_code == 403
    login(UserFactory.akim_for(TermFactory()))  # another akim
    assert client.get(url).status_code == 404
    signed_in_owner(login, report)
    assert client.get(url).status_code == 200


def test_another_akim_cannot_post_to_the_editor_or_amend(client: FlaskClient, login: Any,
                                                       csrf: Any) -> None:
    draft = ReportFactory()
    published = ReportFactory(published=True, term=draft.term, period_start=date(2025, 7, 1),
                              period_end=date(2025, 12, 31), due_on=date(2026, 1, 31))
    login(UserFactory.akim_for(TermFactory()))
    token = csrf("/login")
    response = client.post(f"/reports/{draft.id}/edit", data=form_data(token, summary="Mine"))
    assert response.status_code == 404
    response = client.post(f"/reports/{published.id}/amend",
                           data=form_data(token, reason="Hostile rewrite of a report"))
    assert response.status_code == 403
    assert db.session.get(Report, draft.id).summary == ""
    assert db.session.scalar(select(func.count()).select_from(ReportVersion)
                             .where(ReportVersion.report_id == published.id)) == 1


# ------------------------------------------------------------------------ the editor

def test_saving_and_submitting_a_draft(client: FlaskClient, login: Any, csrf: Any) -> None:
    report = ReportFactory(period_start=date(2025, 1, 1), due_on=date(2099, 7, 31))
    signed_in_owner(login, report)
    url = f"/reports/{report.id}/edit"
    response = client.post(url, data=form_data(csrf(url), save="Save draft"))
    assert response.status_code == 302
    assert db.session.get(Report, report.id).summary == FILLED["summary"]
    response = client.post(url, data=form_data(csrf(url), submit_report="Save and submit"),
                           follow_redirects=True)
    assert "The report is submitted" in response.get_data(as_text=True)
    assert db.session.get(Report, report.id).state == ReportState.SUBMITTED
    response = client.post(f"/reports/{report.id}/publish",
                           data={"csrf_token": csrf(url), "checked": "1"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The report is published" in page and "On time" in page
    assert db.session.get(Report, report.id).current_version == 1


def test_save_and_preview_shows_the_residents_page_of_what_was_typed(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    report = ReportFactory()
    signed_in_owner(login, report)
    url = f"/reports/{report.id}/edit"
    response = client.post(url, data=form_data(csrf(url), summary="Roads **repaired**.",
                                                preview="Save and preview"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/reports/{report.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Roads <strong>repaired</strong>." in page  # rendered as residents read it
    assert "Preview" in page and "Back to the editor" in page and "Draft saved." in page
    assert db.session.get(Report, report.id).state == ReportState.DRAFT


def test_publishing_goes_through_a_page_that_says_what_becomes_public(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    report = ReportFactory(filled=True, period_start=date(2025, 1, 1),
                           period_end=date(2025, 6, 30), due_on=date(2099, 7, 31))
    signed_in_owner(login, report)
    confirm = f"/reports/{report.id}/publish"
    draft = client.get(confirm)  # a draft is submitted first
    assert draft.status_code == 302 and draft.headers["Location"].endswith("/edit")
    url = f"/reports/{report.id}/edit"
    client.post(url, data=form_data(csrf(url), submit_report="Save and submit"))
    submitted = client.get(url).get_data(as_text=True)
    assert f'href="{confirm}"' in submitted and "Check and publish" in submitted
    page = client.get(confirm).get_data(as_text=True)
    assert "What becomes public" in page and "No files are attached." in page
    assert "Every earlier version and every reason stay visible to everyone." in page
    assert "House of culture, Agybet" in page  # the report itself, as residents will see it
    assert page.count(f'action="{confirm}"') == 2
    assert db.session.get(Report, report.id).state == ReportState.SUBMITTED  # GET changes nothing
    russian = client.get(confirm, query_string={"lang": "ru"}).get_data(as_text=True)
    assert "Срок сдачи отчёта — 31 июля 2099\u202fг.\n" in russian and "г.." not in russian
    client.get(confirm, query_string={"lang": "en"})
    unchecked = client.post(confirm, data={"csrf_token": csrf(confirm)})  # e.g. an old tab
    assert unchecked.status_code == 302 and unchecked.headers["Location"] == confirm
    assert db.session.get(Report, report.id).state == ReportState.SUBMITTED
    done = client.post(confirm, data={"csrf_token": csrf(confirm), "checked": "1"},
                       follow_redirects=True)
    assert "The report is published" in done.get_data(as_text=True)
    assert client.get(confirm).headers["Location"] == f"/reports/{report.id}"


def test_a_validation_error_keeps_every_typed_character(client: FlaskClient, login: Any,
                                                        csrf: Any) -> None:
    report = ReportFactory()
    signed_in_owner(login, report)
    url = f"/reports/{report.id}/edit"
    typed = "Two hours of careful writing, with «quotes» & <angle brackets>."
    response = client.post(url, data=form_data(
        csrf(url), summary=typed, meeting_attendance="about a hundred",
        meeting_broadcast_url="javascript:alert(1)", save="Save draft"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Two hours of careful writing, with «quotes» &amp; &lt;angle brackets&gt;." in page
    assert "about a hundred" in page
    assert "Enter a whole number" in page or "Not a valid integer" in page
    assert "Enter a full web address" in page
    assert db.session.get(Report, report.id).summary == ""


def test_submitting_an_incomplete_report_saves_the_text_and_says_what_is_missing(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    report = ReportFactory()
    signed_in_owner(login, report)
    url = f"/reports/{report.id}/edit"
    response = client.post(url, data={"csrf_token": csrf(url), "summary": "Half done",
                                      "submit_report": "Save and submit"})
    page = response.get_data(as_text=True)
    assert "Your text is saved." in page and "Fill this in before submitting" in page
    saved = db.session.get(Report, report.id)
    assert saved.summary == "Half done" and saved.state == ReportState.DRAFT


def test_an_expired_form_token_re_renders_with_the_text(client: FlaskClient,
                                                        login: Any) -> None:
    report = ReportFactory()
    signed_in_owner(login, report)
    response = client.post(f"/reports/{report.id}/edit",
                           data=form_data("stale-token", summary="Typed before lunch"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Typed before lunch" in page and "Your form expired" in page
    assert db.session.get(Report, report.id).summary == ""


def test_a_signed_out_post_from_another_site_is_not_kept(client: FlaskClient) -> None:
    report = ReportFactory()
    response = client.post(f"/reports/{report.id}/edit", data={"summary": "Planted text"},
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ReportTextStash)) == 0


# ------------------------------------------------------------------------ corrections

def test_a_correction_through_the_web_and_its_visible_difference(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    report = ReportFactory(published=True)
    signed_in_owner(login, report)
    assert client.get(f"/reports/{report.id}/edit").headers["Location"].endswith(
        f"/reports/{report.id}/amend")
    url = f"/reports/{report.id}/amend"
    form_page = client.get(url).get_data(as_text=True)
    assert FILLED["summary"] in form_page
    response = client.post(url, data=form_data(
        csrf(url), summary="We repaired roads and opened two <b>playgrounds</b>.",
        reason="The second playground was left out."), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Correction published as version 2" in page
    assert "The second playground was left out." in page and "Version 2" in page
    changes = client.get(f"/reports/{report.id}/versions/2/changes").get_data(as_text=True)
    assert "<del>a</del>" in changes and "<ins>two</ins>" in changes
    assert "&lt;b&gt;playgrounds&lt;/b&gt;" in changes and "<b>playgrounds" not in changes
    old = client.get(f"/reports/{report.id}/versions/1").get_data(as_text=True)
    assert "You are reading version 1 of 2" in old and "opened a playground" in old
    form_again = client.get(url).get_data(as_text=True)
    assert "The second playground was left out." not in form_again  # a new reason each time


def test_a_correction_needs_a_reason_and_keeps_the_text(client: FlaskClient, login: Any,
                                                        csrf: Any) -> None:
    report = ReportFactory(published=True)
    signed_in_owner(login, report)
    url = f"/reports/{report.id}/amend"
    page = client.post(url, data=form_data(csrf(url), summary="New wording")).get_data(
        as_text=True)
    assert "New wording" in page and "Say in a sentence what was corrected" in page
    assert db.session.get(Report, report.id).current_version == 1


# ------------------------------------------------------------------------ dashboard, lists

def test_the_dashboard_shows_what_is_due_and_overdue(client: FlaskClient, login: Any) -> None:
    term = TermFactory()
    overdue = ReportFactory(term=term, period_start=date(2024, 1, 1),
                            period_end=date(2024, 6, 30), due_on=date(2024, 7, 31))
    upcoming = ReportFactory(term=term, period_start=date(2099, 1, 1),
                             period_end=date(2099, 6, 30), due_on=date(2099, 7, 31))
    login(UserFactory.akim_for(term))
    page = client.get("/akim/dashboard").get_data(as_text=True)
    assert "1 report is overdue" in page
    assert f"/reports/{overdue.id}/edit" in page and f"/reports/{upcoming.id}/edit" in page
    assert "days left" in page
    login(UserFactory())
    assert client.get("/akim/dashboard").status_code == 403


def test_profile_and_akim_list_show_timeliness(client: FlaskClient) -> None:
    term = TermFactory()
    published = ReportFactory(term=term, published=True, first_published_on=date(2025, 8, 9),
                              days_late=9)
    ReportFactory(term=term, period_start=date(2024, 7, 1), period_end=date(2024, 12, 31),
                  due_on=date(2025, 1, 31))
    for url in (f"/akims/{term.akim_id}", f"/akims/{term.akim_id}/reports"):
        page = client.get(url).get_data(as_text=True)
        assert "Late by 9 days" in page and "Missing" in page
        assert f"/reports/{published.id}" in page


def test_regional_pages(client: FlaskClient) -> None:
    term = TermFactory()
    ReportFactory(term=term, period_start=date(2024, 7, 1), period_end=date(2024, 12, 31),
                  due_on=date(2025, 1, 31))
    assert "Turkistan" in client.get("/reports/").get_data(as_text=True)
    assert "Baidibek" in client.get("/regions/61/reports").get_data(as_text=True)
    district_page = client.get("/districts/6136/reports").get_data(as_text=True)
    assert term.rural_district.name_en in district_page and "Missing" in district_page
    late = client.get("/regions/61/reports/late?status=missing").get_data(as_text=True)
    assert term.akim.full_name_latn in late
    assert client.get("/regions/99/reports").status_code == 404
    assert client.get("/regions/xx/reports/late").status_code == 404


def test_text_posted_from_an_old_tab_after_submission_is_shown_not_dropped(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    submitted = ReportFactory(submitted=True)
    published = ReportFactory(published=True, term=submitted.term,
                              period_start=date(2024, 7, 1), period_end=date(2024, 12, 31),
                              due_on=date(2025, 1, 31))
    signed_in_owner(login, submitted)
    token = csrf("/login")
    page = client.post(f"/reports/{submitted.id}/edit",
                       data=form_data(token, summary="Late edit from a second tab")
                       ).get_data(as_text=True)
    assert "submitted meanwhile" in page and "Late edit from a second tab" in page
    page = client.post(f"/reports/{published.id}/edit",
                       data=form_data(token, summary="Edit after publication")
                       ).get_data(as_text=True)
    assert "published meanwhile" in page and "Edit after publication" in page
    assert "What was corrected, and why" in page
    assert db.session.get(Report, submitted.id).summary == FILLED["summary"]


def test_the_late_list_pages_through_many_reports(app: Any, client: FlaskClient,
                                                   monkeypatch: Any) -> None:
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    term = TermFactory()
    for year in (2022, 2023, 2024):
        ReportFactory(term=term, period_start=date(year, 1, 1), period_end=date(year, 6, 30),
                      due_on=date(year, 7, 31))
    first = client.get("/regions/61/reports/late").get_data(as_text=True)
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = client.get("/regions/61/reports/late?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and 'rel="prev"' in second
    assert "due July 31, 2022" in second  # the oldest missing report comes last


def test_a_budget_table_typed_as_rows_is_a_table_for_residents(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    report = ReportFactory()
    signed_in_owner(login, report)
    url = f"/reports/{report.id}/edit"
    rows = "Item; Plan; Spent\nRoads; 2 798; 2 742\nStreet lights\t1 200\t1 180"  # a pasted row
    client.post(url, data=form_data(csrf(url), budget_execution="Spent as planned.",
                                    budget_table=rows, save="Save draft"))
    stored = db.session.get(Report, report.id).budget_execution
    assert stored.startswith("Spent as planned.\n\n| Item | Plan | Spent |")
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "<th>Item</th>" in page and "<td>Street lights</td>" in page
    assert "<td>1 180</td>" in page and "| Roads" not in page
    editor = client.get(url).get_data(as_text=True)  # the editor shows rows again, not pipes
    assert ">\r\nSpent as planned.</textarea>" in editor
    assert ">\r\nItem; Plan; Spent\nRoads; 2 798; 2 742\nStreet lights; 1 200; 1 180</textarea>" \
        in editor
    cleared = form_data(csrf(url), budget_execution="Spent as planned.", budget_table="",
                        save="Save draft")
    client.post(url, data=cleared)
    assert db.session.get(Report, report.id).budget_execution == "Spent as planned."
    too_wide = client.post(url, data=form_data(csrf(url), budget_table=";" * 12,
                                               save="Save draft"))
    assert "A table can have at most 12 columns." in too_wide.get_data(as_text=True)
