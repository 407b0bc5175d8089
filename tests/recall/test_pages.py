"""Recall pages: the profile section, methodology, dashboard, rules page, my flags; query
budgets; the readers the API and PDFs reuse; the CLI and the job."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.akims.models import TermEndReason
from portal.extensions import db
from portal.labels import label
from portal.recall import readers
from portal.recall.models import (
    Flag,
    FlagStatus,
    PetitionStatus,
    RecallEvaluation,
    RuleCode,
    RuleSetVersion,
    Severity,
)
from portal.recall.tasks import evaluate_daily
from tests.factories import FlagFactory, TermFactory, UserFactory
from tests.recall.helpers import budget_year, petition, report

PAGE_BUDGET = 10


# --------------------------------------------------------------------------- readers

def test_readers_return_plain_values_in_one_query(count_queries: Any) -> None:
    term = TermFactory()
    live = FlagFactory(term=term)
    FlagFactory(term=term, rule=RuleCode.BUDGET, subject="2025", severity=Severity.WARNING,
                status=FlagStatus.DISMISSED, decided_at=datetime(2026, 2, 1, tzinfo=UTC),
                decision_reason="Explained by a drought year.")
    FlagFactory(term=term, rule=RuleCode.PROMISES, status=FlagStatus.CLEARED,
                cleared_on=date(2026, 2, 1), clear_reason="condition_ended")
    FlagFactory(term=term, rule=RuleCode.PETITION, pending=True)
    other = TermFactory()
    ids = [term.id, other.id]
    with count_queries() as queries:
        counts = readers.open_flag_counts_for_terms(ids)
    assert len(queries) == 1
    # Open: public, not cleared, not dismissed. The pending one is not public yet.
    assert counts == {term.id: 1, other.id: 0}
    with count_queries() as queries:
        rows = readers.flags_for_terms(ids)
    assert len(queries) == 1
    assert [row.rule for row in rows[term.id]] == [RuleCode.REPORTING, RuleCode.BUDGET,
                                                   RuleCode.PROMISES]
    assert rows[other.id] == []
    values = rows[term.id][0].as_dict()
    assert values["id"] == live.id and values["rule"] == "reporting"
    assert values["rule_number"] == 1 and values["status"] == "open"
    assert values["evidence"]["missing_count"] == 1
    assert values["first_raised_on"] == "2026-01-10"
    everything = readers.flags_for_terms(ids, public_only=False)
    assert len(everything[term.id]) == 4


def test_public_flags_for_the_api_filter_by_status_rule_and_region() -> None:
    FlagFactory()
    FlagFactory(rule=RuleCode.PROMISES, status=FlagStatus.AKIM_RESPONDED,
                response="Funding was not allocated.", responded_at=datetime.now(UTC))
    FlagFactory(pending=True)
    assert readers.public_flags().total == 2
    assert [row.rule for row in readers.public_flags(status=FlagStatus.OPEN).items] == [
        RuleCode.REPORTING]
    assert readers.public_flags(rule=RuleCode.PROMISES).items[0].response == (
        "Funding was not allocated.")
    assert readers.public_flags(region_kato2="61").total == 2  # factories use district 6136
    assert readers.public_flags(region_kato2="11").total == 0


def test_labels_of_different_vocabularies_do_not_collide(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert label(FlagStatus.DISMISSED) == "Dismissed on review"
        assert label(TermEndReason.INELIGIBLE) != label(FlagStatus.DISMISSED)
        assert label(PetitionStatus.OPEN) == "Collecting signatures"
        assert label(FlagStatus.OPEN) == "Open"


# --------------------------------------------------------------------------- profile

def test_the_profile_shows_public_flags_and_the_petition_in_one_query(
        client: FlaskClient, count_queries: Any) -> None:
    term = TermFactory()
    flag = FlagFactory(term=term)
    pending = FlagFactory(term=term, rule=RuleCode.PROMISES, pending=True)
    item = petition(term, signatures=3)
    from portal.akims.views import _recall_section

    assert term.id and term.akim_id  # loaded before counting
    with count_queries() as queries:
        section = _recall_section(term)
    assert len(queries) == 1
    assert [row.id for row in section.flags] == [flag.id]
    assert section.petition is not None and section.petition.signature_count == 3
    with count_queries() as queries:
        page = client.get(f"/akims/{term.akim_id}").get_data(as_text=True)
    assert len(queries) <= PAGE_BUDGET, "\n".join(queries)
    assert f"/flags/{flag.id}" in page and f"/flags/{pending.id}" not in page
    assert f"/petitions/{item.id}" in page and "3 signatures" in page
    assert "never a legal decision" in page


def test_the_profile_invites_a_resident_to_sign(client: FlaskClient, login: Any) -> None:
    term = TermFactory()
    petition(term, signatures=1)
    assert "Read the petition and sign" not in client.get(
        f"/akims/{term.akim_id}").get_data(as_text=True)
    login(UserFactory.resident_of(term.rural_district))
    assert "Read the petition and sign" in client.get(
        f"/akims/{term.akim_id}").get_data(as_text=True)


# --------------------------------------------------------------------------- pages

def test_the_methodology_states_the_current_thresholds(app: Flask,
                                                      client: FlaskClient) -> None:
    page = client.get("/recall/methodology").get_data(as_text=True)
    assert "more than 30 days after its due date" in page
    assert "at least 50% of the promises whose deadline has come" in page
    assert "fewer than 25% of them" in page
    assert "average below 2.5" in page and "at least 20 ratings or 1%" in page
    assert "reach 10% of the rural district" in page
    assert "below 70% of the plan" in page
    assert "after 10 days" in page
    app.config["RECALL_RULES"] = {"reporting": {"days_past_due": 45},
                                  "petition": {"voter_share": "0.15"}}
    try:
        page = client.get("/recall/methodology").get_data(as_text=True)
    finally:
        app.config.pop("RECALL_RULES")
    assert "more than 45 days" in page and "reach 15%" in page
    # Every page links to it from the footer.
    assert 'href="/recall/methodology"' in client.get("/").get_data(as_text=True)


def test_the_flag_page_shows_evidence_with_links_within_budget(
        client: FlaskClient, count_queries: Any) -> None:
    term = TermFactory()
    flag = FlagFactory(term=term, rule=RuleCode.BUDGET, subject="2025",
                       severity=Severity.WARNING, evidence={
                           "as_of": "2026-03-01", "fiscal_year": 2025, "plan_own": 50_000_000,
                           "actual_own": 30_000_000, "execution": "0.6000",
                           "own_execution_below": "0.7"})
    with count_queries() as queries:
        page = client.get(f"/flags/{flag.id}").get_data(as_text=True)
    assert len(queries) <= PAGE_BUDGET
    assert "Rule 5: Own-revenue budget" in page and "fiscal year 2025" in page
    assert "60.0%" in page
    assert f"/rural-districts/{term.rural_district.kato}/budget?year=2025" in page
    assert client.get("/flags/999999").status_code == 404


def test_the_staff_dashboard_filters_and_sorts_within_budget(
        client: FlaskClient, login: Any, count_queries: Any) -> None:
    old = FlagFactory(first_raised_on=date(2025, 10, 1), rule=RuleCode.PROMISES)
    warning = FlagFactory(first_raised_on=date(2025, 9, 1), rule=RuleCode.BUDGET,
                          subject="2025", severity=Severity.WARNING)
    new = FlagFactory(first_raised_on=date(2026, 2, 1), pending=True)
    FlagFactory(status=FlagStatus.CLEARED, cleared_on=date(2026, 2, 1),
                clear_reason="condition_ended")
    login(UserFactory(staff=True))
    with count_queries() as queries:
        page = client.get("/staff/flags").get_data(as_text=True)
    assert len(queries) <= PAGE_BUDGET, "\n".join(queries)
    assert "3 flags" in page  # the cleared one needs no attention
    order = [page.index(f"/flags/{flag.id}\"") for flag in (old, new, warning)]
    assert order == sorted(order)  # triggers first, oldest first; then the warning
    assert "not public yet" in page
    page = client.get("/staff/flags?sort=newest&severity=trigger").get_data(as_text=True)
    assert page.index(f"/flags/{new.id}\"") < page.index(f"/flags/{old.id}\"")
    assert f"/flags/{warning.id}\"" not in page
    page = client.get("/staff/flags?rule=budget&status=all").get_data(as_text=True)
    assert "1 flag" in page
    page = client.get("/staff/flags?region=11").get_data(as_text=True)
    assert "0 flags" in page
    # Nonsense in the address falls back to the defaults.
    assert client.get("/staff/flags?rule=x&status=y&sort=z&region=zz").status_code == 200


def test_the_akim_sees_their_flags_to_answer(client: FlaskClient, login: Any) -> None:
    flag = FlagFactory(pending=True)
    FlagFactory()  # someone else's
    login(UserFactory.akim_for(flag.term))
    page = client.get("/akim/flags").get_data(as_text=True)
    assert page.count("/flags/") >= 1 and f"/flags/{flag.id}/respond" in page
    assert page.count("/respond") == 1


def test_the_admin_saves_a_new_rules_version(client: FlaskClient, login: Any,
                                             csrf: Any) -> None:
    login(UserFactory(admin=True))
    page = client.get("/admin/recall/rules").get_data(as_text=True)
    assert 'value="30"' in page and 'value="50.00"' in page
    data = {"csrf_token": csrf("/admin/recall/rules"), "note": "Parliament's new guidance.",
            "response_window_days": "14"}
    for code, values in {
        "reporting": {"days_past_due": "45", "missed_in_term": "2"},
        "promises": {"from_term_share": "50", "broken_share_at_least": "50",
                     "kept_share_below": "25", "min_due": "3"},
        "satisfaction": {"average_below": "2.5", "reports": "2", "min_ratings": "20",
                         "min_ratings_voter_share": "1"},
        "petition": {"voter_share": "12.5", "duration_days": "60"},
        "budget": {"own_execution_below": "70"},
    }.items():
        data[f"{code}_enabled"] = "y"
        data[f"{code}_severity"] = "warning" if code == "budget" else "trigger"
        data.update({f"{code}_{name}": value for name, value in values.items()})
    response = client.post("/admin/recall/rules", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    version = db.session.scalars(select(RuleSetVersion).order_by(
        RuleSetVersion.number.desc())).first()
    assert version is not None and version.number == 2
    assert version.thresholds["petition"] == {"enabled": True, "severity": "trigger",
                                              "voter_share": "0.125", "duration_days": 60}
    assert version.thresholds["promises"]["min_due"] == 3
    assert version.thresholds["response_window_days"] == 14
    # A bad number is refused beside its field; nothing is saved.
    data["petition_voter_share"] = "500"
    response = client.post("/admin/recall/rules", data=data)
    assert response.status_code == 400
    assert db.session.scalar(select(RuleSetVersion.number).order_by(
        RuleSetVersion.number.desc())) == 2


# --------------------------------------------------------------------------- CLI, job

def test_the_cli_evaluates_and_previews(app: Flask) -> None:
    term = TermFactory()
    report(term, date(2026, 1, 15))
    runner = app.test_cli_runner()
    preview = runner.invoke(args=["recall", "evaluate", "--as-of", "2026-03-01", "--dry-run"])
    assert preview.exit_code == 0, preview.output
    assert "rule 1 (reporting): 1" in preview.output and "nothing was changed" in preview.output
    assert db.session.scalar(select(Flag.id)) is None
    result = runner.invoke(args=["recall", "evaluate", "--as-of", "2026-03-01"])
    assert result.exit_code == 0, result.output
    assert "1 raised, 0 confirmed, 0 cleared" in result.output
    again = runner.invoke(args=["recall", "evaluate", "--as-of", "2026-03-01"])
    assert "0 raised, 1 confirmed, 0 cleared" in again.output
    past = runner.invoke(args=["recall", "evaluate", "--as-of", "2026-01-01"])
    assert past.exit_code != 0 and "forward in time" in past.output


def test_the_daily_job_evaluates_today_and_closes_expired_petitions() -> None:
    term = TermFactory()
    budget_year(term, 2025, 100_000_000, 10_000_000)
    old = petition(term, opened=date.today() - timedelta(days=200))
    evaluate_daily()
    run = db.session.scalar(select(RecallEvaluation))
    assert run is not None and run.actor_label == "job"
    db.session.expire_all()
    assert db.session.get(type(old), old.id).status is PetitionStatus.CLOSED  # type: ignore[union-attr]


def test_petition_pages_within_budget(client: FlaskClient, login: Any,
                                      count_queries: Any) -> None:
    term = TermFactory()
    item = petition(term, signatures=4)
    resident = login(UserFactory.resident_of(term.rural_district))
    for url in (f"/petitions/{item.id}", f"/terms/{term.id}/petitions",
                f"/terms/{term.id}/petitions/new"):
        with count_queries() as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        assert len(queries) <= PAGE_BUDGET, f"{url}: {len(queries)}\n" + "\n".join(queries)
    page = client.get(f"/petitions/{item.id}").get_data(as_text=True)
    assert "4 of 260 signatures needed (2%)" in page and "Sign the petition" in page
    assert '<progress id="petition-progress" max="260" value="4"' in page
    assert resident.id
