"""The reporting policy: which reports a term owes, and when each is due."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.reports.policy import (
    DEFAULT_POLICY,
    DuePeriod,
    PolicyError,
    ReportingPolicy,
    owed_by_term,
    schedule_for_term,
)

POLICY = ReportingPolicy.from_config(DEFAULT_POLICY)


def periods(starts: date, last: date) -> list[tuple[date, date, date]]:
    return [(p.period_start, p.period_end, p.due_on) for p in schedule_for_term(POLICY, starts,
                                                                                 last)]


def test_a_full_year_owes_two_reports_due_31_july_and_31_january() -> None:
    assert periods(date(2024, 1, 1), date(2027, 12, 31))[:2] == [
        (date(2024, 1, 1), date(2024, 6, 30), date(2024, 7, 31)),
        (date(2024, 7, 1), date(2024, 12, 31), date(2025, 1, 31)),
    ]


def test_january_to_june_ends_30_june_in_leap_and_common_years() -> None:
    for year in (2023, 2024, 2028, 2100):
        first = schedule_for_term(POLICY, date(year, 1, 1), date(year + 2, 1, 1))[0]
        assert first.period_end == date(year, 6, 30)
        assert first.due_on == date(year, 7, 31)
        assert first.days == (182 if year % 4 == 0 and year != 2100 else 181)


def test_a_term_starting_on_29_february_reports_from_that_day() -> None:
    first, second = schedule_for_term(POLICY, date(2024, 2, 29), date(2028, 2, 28))[:2]
    assert first == DuePeriod(date(2024, 2, 29), date(2024, 6, 30), date(2024, 7, 31))
    assert second.period_start == date(2024, 7, 1)


def test_a_term_starting_mid_period_reports_on_the_part_it_served() -> None:
    first = schedule_for_term(POLICY, date(2021, 7, 28), date(2025, 7, 28))[0]
    assert first == DuePeriod(date(2021, 7, 28), date(2021, 12, 31), date(2022, 1, 31))


def test_a_few_weeks_at_the_start_join_the_next_period() -> None:
    # 7–30 June is 24 days: nobody writes a report about that, it joins July–December.
    first = schedule_for_term(POLICY, date(2023, 6, 7), date(2027, 6, 7))[0]
    assert first == DuePeriod(date(2023, 6, 7), date(2023, 12, 31), date(2024, 1, 31))


def test_the_final_report_is_due_by_the_last_day_in_office() -> None:
    final = schedule_for_term(POLICY, date(2021, 7, 28), date(2025, 7, 28))[-1]
    # 1–28 July 2025 joins January–June, and is due on 28 July rather than 31 July.
    assert final == DuePeriod(date(2025, 1, 1), date(2025, 7, 28), date(2025, 7, 28))
    longer = schedule_for_term(POLICY, date(2021, 8, 20), date(2025, 8, 20))[-1]
    assert longer == DuePeriod(date(2025, 7, 1), date(2025, 8, 20), date(2025, 8, 20))


def test_a_four_year_term_owes_eight_reports() -> None:
    assert len(schedule_for_term(POLICY, date(2021, 7, 28), date(2025, 7, 28))) == 8


def test_reports_not_yet_due_lapse_when_a_term_ends_early() -> None:
    # Resigned on 10 July 2024: January–June 2024 was due on 31 July, after the end.
    owed = owed_by_term(POLICY, date(2021, 7, 28), date(2025, 7, 28), date(2024, 7, 10))
    assert owed[-1].period_start == date(2023, 7, 1)
    assert all(period.due_on <= date(2024, 7, 10) for period in owed)
    # Ending on the scheduled day loses nothing.
    assert owed_by_term(POLICY, date(2021, 7, 28), date(2025, 7, 28), date(2025, 7, 28)) == \
        schedule_for_term(POLICY, date(2021, 7, 28), date(2025, 7, 28))


def test_a_quarterly_policy_from_configuration() -> None:
    quarterly = ReportingPolicy.from_config({
        "periods": [{"starts": "01-01", "due": "04-15"}, {"starts": "04-01", "due": "07-15"},
                    {"starts": "07-01", "due": "10-15"}, {"starts": "10-01", "due": "01-15"}],
        "min_days": 0,
    })
    result = schedule_for_term(quarterly, date(2024, 2, 29), date(2024, 12, 31))
    assert [(p.period_start, p.period_end, p.due_on) for p in result] == [
        (date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 15)),
        (date(2024, 4, 1), date(2024, 6, 30), date(2024, 7, 15)),
        (date(2024, 7, 1), date(2024, 9, 30), date(2024, 10, 15)),
        (date(2024, 10, 1), date(2024, 12, 31), date(2024, 12, 31)),  # capped: the last day
    ]


@pytest.mark.parametrize("config, message", [
    ({"periods": []}, "at least one period"),
    ({"periods": [{"starts": "01-01", "due": "02-29"}]}, "common year"),
    ({"periods": [{"starts": "02-01", "due": "07-31"}]}, "start on 01-01"),
    ({"periods": [{"starts": "01-01", "due": "07-31"}, {"starts": "01-01", "due": "01-31"}]},
     "distinct"),
    ({"periods": [{"starts": "13-01", "due": "07-31"}]}, "MM-DD"),
])
def test_a_broken_policy_is_refused_with_a_reason(config: dict, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        ReportingPolicy.from_config(config)


@settings(max_examples=300, deadline=None)
@given(start=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
       length=st.integers(min_value=0, max_value=1_600))
def test_periods_tile_the_term_and_fall_due_in_office(start: date, length: int) -> None:
    last = start + timedelta(days=length)
    result = schedule_for_term(POLICY, start, last)
    assert result, "every term owes at least one report"
    assert result[0].period_start == start and result[-1].period_end == last
    for before, after in zip(result, result[1:], strict=False):
        assert after.period_start == before.period_end + timedelta(days=1)
    for period in result:
        assert period.period_end < period.due_on or period.due_on == last
        assert period.due_on <= last or period is not result[-1]
    assert result[-1].due_on <= last


def test_the_history_of_a_year_gives_each_version_its_own_periods() -> None:
    # The written schedule moves to quarters on 1 July 2026: the first half-year is the old
    # version's, the two quarters after it the new one's, and 2027 has none of the old.
    policy = ReportingPolicy.from_config({"versions": [
        {"from": "2020-01-01", "periods": [{"starts": "01-01", "due": "07-31"},
                                           {"starts": "07-01", "due": "01-31"}]},
        {"from": "2026-07-01", "periods": [{"starts": m, "due": "end"}
                                           for m in ("01-01", "04-01", "07-01", "10-01")]},
    ]})
    (old, old_until, old_periods), (new, new_until, new_periods) = policy.history_in_year(2026)
    assert old_until == date(2026, 6, 30) and new_until is None
    assert [(p.period_start, p.period_end, p.due_on) for p in old_periods] == [
        (date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 31))]
    assert [(p.period_start, p.period_end) for p in new_periods] == [
        (date(2026, 7, 1), date(2026, 9, 30)), (date(2026, 10, 1), date(2026, 12, 31))]
    assert policy.history_in_year(2027)[0][2] == []
