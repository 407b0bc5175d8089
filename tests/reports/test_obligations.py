"""Reporting obligations as effective-dated rules, and interim reports that stay owed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from portal.config import ConfigError
from portal.reports import services
from portal.reports.models import MeetingObligation, Timeliness
from portal.reports.policy import (
    DECREE_826,
    DECREE_826_AMENDED,
    DEFAULT_POLICY,
    MEETING_POLICY,
    ReportingPolicy,
    meetings_owed_by_term,
)
from portal.reports.readers import summaries_for_terms, timelines_for_terms
from portal.reports.timeliness import classify, meeting_obligations
from tests.factories import ReportFactory, TermFactory
from tests.factories.reports import FILLED

TERM = (date(2022, 3, 3), date(2026, 3, 2), None)


def _meeting_periods() -> list[tuple[date, date]]:
    return [(p.period_start, p.period_end) for p in meetings_owed_by_term(*TERM)]


def test_in_2023_a_rural_akim_owes_a_meeting_every_quarter_under_decree_826() -> None:
    quarters = [p for p in meetings_owed_by_term(*TERM) if p.period_start.year == 2023]
    assert [(p.period_start, p.period_end) for p in quarters] == [
        (date(2023, 1, 1), date(2023, 3, 31)), (date(2023, 4, 1), date(2023, 6, 30)),
        (date(2023, 7, 1), date(2023, 9, 30)), (date(2023, 10, 1), date(2023, 12, 31)),
    ]
    assert all(p.version is not None and p.version.source is DECREE_826 for p in quarters)
    # A meeting in May does not discharge the third quarter.
    third = quarters[2]
    [(_, status)] = meeting_obligations([third], [date(2023, 5, 15)], date(2024, 1, 10))
    assert status is MeetingObligation.MISSED


def test_from_2024_one_meeting_a_half_year_is_enough_under_the_amendment() -> None:
    halves = [p for p in meetings_owed_by_term(*TERM) if p.period_start.year == 2024]
    assert [(p.period_start, p.period_end) for p in halves] == [
        (date(2024, 1, 1), date(2024, 6, 30)), (date(2024, 7, 1), date(2024, 12, 31)),
    ]
    assert all(p.version is not None and p.version.source is DECREE_826_AMENDED
               for p in halves)
    statuses = meeting_obligations(halves, [date(2024, 3, 12)], date(2024, 9, 1))
    assert [status for _, status in statuses] == [MeetingObligation.HELD,
                                                  MeetingObligation.OPEN]


def test_the_rule_changes_on_1_january_2024() -> None:
    periods = [p for p in meetings_owed_by_term(*TERM)
               if date(2023, 10, 1) <= p.period_start <= date(2024, 1, 1)]
    assert [(p.period_start, p.period_end) for p in periods] == [
        (date(2023, 10, 1), date(2023, 12, 31)), (date(2024, 1, 1), date(2024, 6, 30))]
    assert MEETING_POLICY.version_on(date(2023, 12, 31)).source is DECREE_826  # type: ignore[union-attr]
    assert MEETING_POLICY.version_on(date(2024, 1, 1)).source is DECREE_826_AMENDED  # type: ignore[union-attr]
    # A meeting on 31 December 2023 is the last quarter's, not the new half-year's.
    statuses = meeting_obligations(periods, [date(2023, 12, 31)], date(2024, 7, 5))
    assert [status for _, status in statuses] == [MeetingObligation.HELD,
                                                  MeetingObligation.MISSED]
    statuses = meeting_obligations(periods, [date(2024, 1, 1)], date(2024, 7, 5))
    assert [status for _, status in statuses] == [MeetingObligation.MISSED,
                                                  MeetingObligation.HELD]


def test_the_decree_starts_on_3_march_2022_and_its_first_weeks_join_the_next_quarter() -> None:
    assert meetings_owed_by_term(date(2021, 1, 1), date(2022, 3, 2), None) == []
    assert _meeting_periods()[0] == (date(2022, 3, 3), date(2022, 6, 30))


def test_the_written_report_schedule_is_portal_configuration_with_no_source() -> None:
    policy = ReportingPolicy.from_config(DEFAULT_POLICY)
    assert [version.source for version in policy.versions] == [None]
    assert all(version.source is not None and version.source.url.startswith(
        "https://adilet.zan.kz/") for version in MEETING_POLICY.versions)


def test_a_configured_schedule_can_change_on_a_date_and_each_period_keeps_its_rule() -> None:
    policy = ReportingPolicy.from_config({"versions": [
        {"from": "2020-01-01", "periods": [{"starts": "01-01", "due": "07-31"},
                                           {"starts": "07-01", "due": "01-31"}]},
        {"from": "2025-01-01", "periods": [{"starts": "01-01", "due": "02-15"}]},
    ]})
    periods = policy.calendar_periods(date(2024, 1, 1), date(2025, 12, 31))
    assert [(p.period_start, p.period_end, p.due_on) for p in periods] == [
        (date(2024, 1, 1), date(2024, 6, 30), date(2024, 7, 31)),
        (date(2024, 7, 1), date(2024, 12, 31), date(2025, 1, 31)),
        (date(2025, 1, 1), date(2025, 12, 31), date(2026, 2, 15)),
    ]


def test_an_interim_report_is_not_on_time_and_stays_owed() -> None:
    assert classify(date(2025, 7, 31), None, date(2025, 7, 1), interim=True) \
        is Timeliness.INTERIM
    assert classify(date(2025, 7, 31), None, date(2025, 8, 1), interim=True) \
        is Timeliness.MISSING


def test_publishing_before_the_period_ends_is_interim_until_a_whole_period_version() -> None:
    report = ReportFactory(submitted=True)  # January–June 2025, due 31 July
    services.publish(report, "tests", now=datetime(2025, 6, 25, 6, tzinfo=UTC))
    assert report.first_published_on == date(2025, 6, 25)
    assert report.covered_on is None and report.days_late is None and report.is_interim
    [line] = timelines_for_terms([report.term_id], date(2025, 7, 5))[report.term_id]
    assert line.timeliness is Timeliness.INTERIM
    summary = summaries_for_terms([report.term_id], date(2025, 7, 5))[report.term_id]
    assert (summary.on_time, summary.upcoming) == (0, 1)
    # Past the due date with only the interim version: missing, like no report at all.
    summary = summaries_for_terms([report.term_id], date(2025, 8, 2))[report.term_id]
    assert (summary.on_time, summary.missing) == (0, 1)
    # A correction published on the period's last day is still interim ...
    services.amend(report, {**FILLED, "meeting_attendance": 130}, "More residents came.",
                   "tests", now=datetime(2025, 6, 30, 6, tzinfo=UTC))
    assert report.covered_on is None
    # ... the first one after it covers the whole period, on time before 31 July.
    services.amend(report, {**FILLED, "summary": "The whole half-year."},
                   "The report on the whole half-year.", "tests",
                   now=datetime(2025, 7, 20, 6, tzinfo=UTC))
    assert report.covered_on == date(2025, 7, 20) and report.days_late == 0
    [line] = timelines_for_terms([report.term_id], date(2025, 8, 2))[report.term_id]
    assert line.timeliness is Timeliness.ON_TIME
    # Later corrections do not move the day it was covered.
    services.amend(report, {**FILLED, "summary": "Typo fixed."}, "A typo in the summary.",
                   "tests", now=datetime(2025, 9, 1, 6, tzinfo=UTC))
    assert report.covered_on == date(2025, 7, 20)


def test_a_whole_period_version_after_the_due_date_is_late() -> None:
    report = ReportFactory(submitted=True)
    services.publish(report, "tests", now=datetime(2025, 6, 1, 6, tzinfo=UTC))
    services.amend(report, {**FILLED, "summary": "The whole half-year."},
                   "The report on the whole half-year.", "tests",
                   now=datetime(2025, 8, 10, 6, tzinfo=UTC))
    assert report.covered_on == date(2025, 8, 10) and report.days_late == 10


def test_the_rules_page_cites_the_decree_and_calls_the_written_schedule_configuration(
        client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/reports/rules?lang=en").get_data(as_text=True)
    assert "https://adilet.zan.kz/rus/docs/U2200000826" in page
    assert "No. 826 of March 3, 2022" in page and "No. 826 of November 20, 2023" in page
    assert "At least one meeting each quarter" in page
    assert "At least one meeting each half-year" in page
    assert "partly confirmed" in page
    assert "portal configuration" in page and "not law" in page
    assert "Interim is not on time." in page


def test_no_page_says_the_written_schedule_is_law(client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/reports/", "/reports/rules", "/recall/methodology"):
        page = client.get(path + "?lang=en").get_data(as_text=True)
        assert "owes residents a report for each half-year" not in page
        assert "2022 decree" not in page


def test_the_akim_page_marks_the_meeting_rule_as_partly_confirmed(client) -> None:  # type: ignore[no-untyped-def]
    # The akim page judges periods held or missed by Decree No. 826, whose meeting frequency
    # rests partly on press reports: it says so beside each source, linking to the rules page.
    term = TermFactory(elected_on=date(2022, 3, 27), starts_on=date(2022, 3, 30),
                       ends_on=date(2032, 3, 30))
    page = client.get(f"/akims/{term.akim_id}?lang=en").get_data(as_text=True)
    assert "No. 826 of November 20, 2023" in page
    assert '<a class="badge badge-warn" href="/reports/rules">partly confirmed</a>' in page


def test_the_rules_page_marks_the_meeting_rule_in_force_today(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/reports/rules?lang=en").get_data(as_text=True)
    assert page.count('<tr class="current">') == 1  # the amended decree, in force since 2024
    current = page[page.index('<tr class="current">'):]
    current = current[:current.index("</tr>")]
    assert "in force" in current and "No. 826 of November 20, 2023" in current


def test_an_unusable_reporting_policy_or_rule_set_stops_the_app_at_start(make_app) -> None:  # type: ignore[no-untyped-def]
    # Before, the app started and every page that scheduled reports, or read the recall
    # rules, answered 500.
    with pytest.raises(ConfigError, match="REPORTING_POLICY is not usable: .*at least one"):
        make_app(REPORTING_POLICY={"versions": [{"from": "2026-01-01", "periods": []}]})
    with pytest.raises(ConfigError, match="RECALL_RULES is not usable: petition.voter_share"):
        make_app(RECALL_RULES={"petition": {"voter_share": "abc"}})
    make_app(REPORTING_POLICY={"periods": [{"starts": "01-01", "due": "07-31"}]},
             RECALL_RULES={"petition": {"voter_share": "0.15"}})  # usable ones start
