"""Every endpoint: the values a client reads match the database, and the shape matches the
OpenAPI document."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.akims.models import Term, TermStatus
from portal.extensions import db
from portal.geo.models import District, RuralDistrict
from tests.api.conftest import KAZAKH_NAME, KAZAKH_PLACE, World, assert_conforms
from tests.factories import UserFactory


def get(client: FlaskClient, url: str, schema: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:500])
    body = response.get_json()
    assert_conforms(body, schema)
    return body


def test_regions_list_every_region_with_counts(client: FlaskClient, world: World) -> None:
    body = get(client, "/api/v1/regions", "RegionList")
    assert body["total"] == 20 and len(body["items"]) == 20
    turkistan = next(item for item in body["items"] if item["kato"] == "61")
    assert turkistan["iso_code"] == "KZ-61"
    assert turkistan["name"]["en"] == "Turkistan Region"
    expected = db.session.scalar(
        select(func.count(RuralDistrict.id)).join(District).where(District.kato4.like("61%")))
    assert turkistan["rural_districts"] == expected >= 1
    assert turkistan["serving_akims"] >= 1


def test_regions_paginate_like_every_list(client: FlaskClient, world: World) -> None:
    first = get(client, "/api/v1/regions?per_page=7", "RegionList")
    third = get(client, "/api/v1/regions?per_page=7&page=3", "RegionList")
    beyond = get(client, "/api/v1/regions?per_page=7&page=9", "RegionList")
    assert (first["page"], first["per_page"], first["total"]) == (1, 7, 20)
    assert len(first["items"]) == 7 and len(third["items"]) == 6 and beyond["items"] == []
    assert {item["kato"] for item in first["items"]}.isdisjoint(
        {item["kato"] for item in third["items"]})


def test_districts_of_a_region(client: FlaskClient, world: World) -> None:
    body = get(client, "/api/v1/regions/61/districts", "DistrictList")
    baidibek = next(item for item in body["items"] if item["kato"] == "6136")
    assert baidibek["rural_districts"] >= 1
    assert [item["kato"] for item in body["items"]] == sorted(item["kato"]
                                                              for item in body["items"])


def test_akims_list_shows_the_spec_fields_with_true_numbers(client: FlaskClient,
                                                            world: World) -> None:
    body = get(client, "/api/v1/akims?per_page=200", "AkimList")
    serving = db.session.scalar(select(func.count()).select_from(Term)
                                .where(Term.status == TermStatus.SERVING))
    assert body["total"] == serving
    item = next(item for item in body["items"] if item["id"] == world.akim.id)
    assert item["name"] == KAZAKH_NAME
    assert item["rural_district"]["kato"] == world.rural_district.kato
    assert item["rural_district"]["name"]["kk"] == KAZAKH_PLACE
    assert item["rural_district"]["region_kato"] == "61"
    assert item["term"] == {"id": world.term.id, "starts_on": world.term.starts_on.isoformat(),
                            "ends_on": world.term.ends_on.isoformat(), "ended_on": None,
                            "status": "serving", "end_reason": None,
                                "synthetic": False}
    scores = item["scores"]
    assert (scores["promises_total"], scores["promises_kept"], scores["promises_due"]) == (3, 1, 2)
    # Published on time, published 3 days late, missing; the draft is not yet due.
    assert (scores["reports_due"], scores["reports_on_time"], scores["reports_late"],
            scores["reports_missing"]) == (3, 1, 1, 1)
    assert scores["rating_avg"] is None and scores["rating_count"] == 0
    assert item["open_flags"] == 0
    assert item["url"].endswith(f"/akims/{world.akim.id}")
    assert world.former_akim.id not in {item["id"] for item in body["items"]}


def test_akims_are_ordered_by_kato_and_filtered(client: FlaskClient, world: World) -> None:
    body = get(client, "/api/v1/akims?per_page=200&status=all", "AkimList")
    keys = [(item["rural_district"]["kato"], item["id"]) for item in body["items"]]
    assert keys == sorted(keys)
    ids = {item["id"] for item in body["items"]}
    assert {world.akim.id, world.former_akim.id, world.other_akim.id} <= ids
    ended = get(client, "/api/v1/akims?status=ended&per_page=200", "AkimList")
    assert {item["term"]["status"] for item in ended["items"]} == {"ended"}
    assert world.former_akim.id in {item["id"] for item in ended["items"]}
    # An akim with a serving and an ended term is listed once, with the serving one.
    assert sum(1 for item in body["items"] if item["id"] == world.akim.id) == 1
    north = get(client, "/api/v1/akims?region=11&per_page=200", "AkimList")
    assert {item["rural_district"]["region_kato"] for item in north["items"]} == {"11"}
    assert world.other_akim.id in {item["id"] for item in north["items"]}
    district = get(client, "/api/v1/akims?district=1156", "AkimList")
    assert {item["rural_district"]["district_kato"] for item in district["items"]} == {"1156"}


def test_akim_name_search_folds_kazakh_letters_and_latin(client: FlaskClient,
                                                         world: World) -> None:
    for query in ("Әбілқайыр", "абилкайыр", "ABILKAIYR", "галымжан"):
        body = get(client, f"/api/v1/akims?q={query}", "AkimList")
        assert [item["id"] for item in body["items"]] == [world.akim.id], query
    assert get(client, "/api/v1/akims?q=nobody-has-this-name", "AkimList")["total"] == 0


def test_akim_detail_adds_promises_reports_terms_and_flags(client: FlaskClient,
                                                           world: World) -> None:
    body = get(client, f"/api/v1/akims/{world.akim.id}", "AkimDetail")
    assert body["term"]["id"] == world.term.id
    assert [promise["id"] for promise in body["promises"]] == world.promise_ids
    kept = body["promises"][0]
    assert (kept["status"], kept["verified_status"], kept["progress"],
            kept["evidence_count"]) == ("kept", "kept", 100, 2)
    assert body["promises"][1]["cost_estimate"] == 12_500_000
    assert body["promises"][2]["overdue"] is True
    lines = {line["id"]: line for line in body["reports"]}
    assert lines[world.published.id]["timeliness"] == "on_time"
    assert lines[world.amended.id]["days_late"] == 3
    assert lines[world.missing.id]["timeliness"] == "missing"
    assert lines[world.missing.id]["url"] is None
    assert lines[world.draft.id]["published"] is False
    assert [item["term"]["id"] for item in body["terms"]] == [world.term.id, world.old_term.id]
    assert body["flags"] == []
    assert body["scores"]["promises_total"] == 3


def test_akim_promises_filter_and_paginate(client: FlaskClient, world: World) -> None:
    url = f"/api/v1/akims/{world.akim.id}/promises"
    body = get(client, url, "PromiseList")
    assert body["total"] == 3
    assert [item["number"] for item in body["items"]] == [1, 2, 3]
    assert get(client, f"{url}?status=in_progress", "PromiseList")["total"] == 1
    assert get(client, f"{url}?category=education", "PromiseList")["total"] == 0
    page = get(client, f"{url}?per_page=2&page=2", "PromiseList")
    assert [item["number"] for item in page["items"]] == [3]
    older = get(client, f"{url}?term_id={world.old_term.id}", "PromiseList")
    assert older["total"] == 0


def test_akim_reports_filter_by_timeliness(client: FlaskClient, world: World) -> None:
    url = f"/api/v1/akims/{world.akim.id}/reports"
    body = get(client, url, "ReportLineList")
    assert body["total"] == 4
    assert [item["period_start"] for item in body["items"]] == sorted(
        item["period_start"] for item in body["items"])
    missing = get(client, f"{url}?timeliness=missing", "ReportLineList")
    assert [item["id"] for item in missing["items"]] == [world.missing.id]


def test_report_is_the_latest_published_version_with_files(client: FlaskClient,
                                                            world: World) -> None:
    body = get(client, f"/api/v1/reports/{world.amended.id}", "Report")
    assert body["current_version"] == 2
    assert body["sections"]["summary"] == "Corrected summary."
    assert body["meeting"]["place"] == "School hall"
    assert [version["number"] for version in body["versions"]] == [1, 2]
    assert body["versions"][1]["reason"] == "Corrected a figure."
    assert [file["name"] for file in body["attachments"]] == ["v1.pdf", "v2.pdf"]
    assert body["timeliness"] == "late" and body["days_late"] == 3
    assert body["rating"] == {"avg": None, "count": 0,
                              "distribution": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}}
    assert body["akim"]["name"] == KAZAKH_NAME
    markdown = get(client, f"/api/v1/reports/{world.published.id}", "Report")
    assert markdown["sections"]["promises_progress"].startswith("- **Street lights**")


def test_drafts_are_not_in_the_api(client: FlaskClient, world: World, login: Any) -> None:
    response = client.get(f"/api/v1/reports/{world.draft.id}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    login(UserFactory.akim_for(world.term))  # not even for its own akim
    assert client.get(f"/api/v1/reports/{world.draft.id}").status_code == 404


def test_budget_of_a_rural_district(client: FlaskClient, world: World) -> None:
    url = f"/api/v1/rural-districts/{world.rural_district.kato}/budget"
    latest = get(client, url, "Budget")
    assert latest["year"] == 2024 and latest["year_selection"] == "latest_closed"
    assert latest["years"] == [2024, 2025]
    assert latest["indicators"]["revenue"] == 2_000_000
    land = next(item for item in latest["categories"] if item["code"] == "land_tax")
    assert land["actual"] == 1_200_000 and land["name"]["en"]
    chosen = get(client, f"{url}?year=2025", "Budget")
    assert chosen["year_selection"] == "requested"
    assert {line["period"] for line in chosen["lines"]} == {"YEAR", "Q1"}
    q1 = [line for line in chosen["lines"] if line["period"] == "Q1"]
    assert {line["actual"] for line in q1} == {300_000, 200_000}  # money: whole tenge
    assert chosen["indicators"]["actual_through"] == 3
    assert chosen["indicators"]["closed"] is False
    response = client.get(f"{url}?year=2019")
    assert response.status_code == 404
    assert "2019" in response.get_json()["error"]["message"]


def test_budget_of_a_rural_district_with_none(client: FlaskClient, world: World) -> None:
    kato = world.old_term.rural_district.kato
    body = get(client, f"/api/v1/rural-districts/{kato}/budget", "Budget")
    assert (body["year"], body["year_selection"], body["lines"]) == (None, "none", [])


def test_flags_list_shows_published_flags_only(client: FlaskClient, world: World) -> None:
    from datetime import UTC, datetime

    from portal.recall.models import FlagStatus, RuleCode
    from tests.factories import FlagFactory

    live = FlagFactory(term=world.term)
    closed = FlagFactory(term=world.term, rule=RuleCode.PROMISES, status=FlagStatus.DISMISSED,
                         decided_at=datetime(2026, 2, 1, tzinfo=UTC),
                         decision_reason="Explained by the district finance office.")
    # Still inside the akim's response window: not public yet.
    FlagFactory(term=world.term, rule=RuleCode.BUDGET, subject="2025", pending=True)
    open_body = get(client, "/api/v1/flags?status=open", "FlagList")
    assert [item["id"] for item in open_body["items"]] == [live.id]
    item = open_body["items"][0]
    assert item["akim_id"] == world.term.akim_id
    assert item["rural_district"]["kato"] == world.term.rural_district.kato
    assert item["rule"]["code"] == "reporting" and item["rule"]["title"]
    assert item["evidence"] == live.evidence
    closed_body = get(client, "/api/v1/flags?status=closed", "FlagList")
    assert [item["id"] for item in closed_body["items"]] == [closed.id]
    assert closed_body["items"][0]["decision"] == "Explained by the district finance office."
    assert get(client, "/api/v1/flags?status=all", "FlagList")["total"] == 2
    detail = get(client, f"/api/v1/akims/{world.term.akim_id}", "AkimDetail")
    assert detail["open_flags"] == 1
    assert {flag["id"] for flag in detail["flags"]} == {live.id, closed.id}


def test_me_is_the_signed_in_user_only(client: FlaskClient, world: World, login: Any) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert_conforms(response.get_json(), "Error")
    user = login(UserFactory.resident_of(world.rural_district, email="reader@example.kz"))
    response = client.get("/api/v1/me")
    body = response.get_json()
    assert_conforms(body, "Me")
    assert body["email"] == "reader@example.kz"
    assert body["roles"] == ["citizen"]
    assert body["resident_verified"] is True
    assert body["rural_district"]["kato"] == world.rural_district.kato
    assert body["akim_id"] is None and user.akim_id is None
    assert "no-store" in response.headers["Cache-Control"]
    assert "ETag" not in response.headers


def test_me_of_an_akim(client: FlaskClient, world: World, login: Any) -> None:
    login(UserFactory.akim_for(world.term))
    body = client.get("/api/v1/me").get_json()
    assert body["akim_id"] == world.akim.id and "akim" in body["roles"]
    assert body["resident_verified"] is False


def test_openapi_document_is_served_with_the_public_server(client: FlaskClient) -> None:
    body = client.get("/api/v1/openapi.json").get_json()
    assert body["openapi"] == "3.1.0"
    assert body["servers"][0]["url"].endswith("/api/v1")
    assert "/akims/{akim_id}" in body["paths"]


def test_ratings_reach_the_report_and_the_akim_list(client: FlaskClient, world: World) -> None:
    from datetime import timedelta

    from portal.feedback.ratings import rate_report

    report = world.published
    today = report.first_published_on + timedelta(days=1)
    for score in (5, 4, 4):
        resident = UserFactory.resident_of(report.term.rural_district)
        rate_report(report.id, resident.id, score, today=today)
    db.session.commit()
    body = get(client, f"/api/v1/reports/{report.id}", "Report")
    assert body["rating"] == {"avg": 4.33, "count": 3,
                              "distribution": {"1": 0, "2": 0, "3": 0, "4": 2, "5": 1}}
    listed = get(client, f"/api/v1/akims/{report.term.akim_id}", "AkimDetail")
    assert listed["scores"]["rating_count"] == 3


def test_a_report_states_its_covered_period_promise_entries_and_meetings(
        client: FlaskClient, world: World) -> None:
    body = get(client, f"/api/v1/reports/{world.amended.id}", "Report")
    assert body["covered_on"] == "2025-02-03" and body["interim"] is False
    entry, = body["promise_entries"]
    assert (entry["promise_id"], entry["claim"], entry["text"]) == (
        world.promise_ids[0], "kept", "The school roof is repaired.")
    assert entry["promise_url"].endswith(f"/promises/{world.promise_ids[0]}")
    meeting, = body["meetings"]  # held on 20 November 2024, within July 2024 – 31 January 2025
    assert meeting["id"] == world.meeting.id and meeting["attendance"] == 64
    assert meeting["api_url"].endswith(f"/api/v1/meetings/{world.meeting.id}")
    lines = get(client, f"/api/v1/akims/{world.akim.id}/reports", "ReportLineList")["items"]
    assert {line["id"]: line["covered_on"] for line in lines}[world.amended.id] == "2025-02-03"
    assert {line["id"]: line["covered_on"] for line in lines}[world.missing.id] is None


def test_meetings_list_filters_and_counts_questions(client: FlaskClient, world: World) -> None:
    body = get(client, "/api/v1/meetings", "MeetingList")
    mine = [item for item in body["items"] if item["term_id"] == world.term.id]
    assert [item["status"] for item in mine] == ["scheduled", "held"]  # latest start first
    held = mine[1]
    assert (held["id"], held["attendance"], held["questions_total"],
            held["questions_open"]) == (world.meeting.id, 64, 2, 1)
    assert held["starts_at"] == "2024-11-20T06:00:00Z"
    assert held["rural_district"]["kato"] == world.rural_district.kato
    assert held["settlement"]["kato"] == world.meeting.settlement.kato
    assert held["url"].endswith(f"/meetings/{world.meeting.id}")
    only_held = get(client, f"/api/v1/meetings?rural_district={world.rural_district.kato}"
                            "&status=held", "MeetingList")
    assert [item["id"] for item in only_held["items"]] == [world.meeting.id]
    assert only_held["total"] == 1
    elsewhere = get(client, "/api/v1/meetings?region=75", "MeetingList")
    assert world.meeting.id not in [item["id"] for item in elsewhere["items"]]
    for url, status in (("/api/v1/meetings?status=maybe", 400),
                        ("/api/v1/meetings?rural_district=12", 400),
                        ("/api/v1/meetings?rural_district=999999999", 404),
                        ("/api/v1/meetings/99999999", 404)):
        response = client.get(url)
        assert response.status_code == status, url
        assert {"code", "message"} <= set(response.get_json()["error"])
    csv = client.get(f"/api/v1/meetings?rural_district={world.rural_district.kato}"
                     "&format=csv").get_data(as_text=True)
    assert csv.splitlines()[0].lstrip("\ufeff").startswith("id,")
    assert "settlement.kato" in csv.splitlines()[0] and str(world.meeting.id) in csv


def test_a_meeting_lists_its_questions_and_their_follow_up(client: FlaskClient,
                                                           world: World) -> None:
    body = get(client, f"/api/v1/meetings/{world.meeting.id}", "MeetingDetail")
    assert [(q["status"], q["closed_on"]) for q in body["questions"]] == [
        ("open", None), ("closed", "2025-01-10")]
    assert body["questions"][1]["evidence"].endswith("https://example.org/bus")
    assert body["questions"][0]["responsible"] == "Deputy akim"
    assert body["video_url"] == "https://example.org/video"
