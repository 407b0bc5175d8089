"""Differences between versions: word by word, escaped before they are marked."""

from __future__ import annotations

import random
import time
from datetime import date

from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.extensions import db
from portal.reports import services
from portal.reports.diffing import Budget, Opcode, compare, diff_html, opcodes, tokens
from tests.factories import ReportFactory
from tests.factories.reports import FILLED


def test_changed_words_are_marked_and_the_rest_kept() -> None:
    html, inserted, deleted = diff_html("We opened a playground.", "We opened two playgrounds.")
    assert str(html) == "We opened <del>a</del><ins>two</ins> <del>playground</del>" \
                        "<ins>playgrounds</ins>."
    assert (inserted, deleted) == (2, 2)


def test_text_from_a_report_cannot_open_tags() -> None:
    html, _, _ = diff_html("Safe", 'Safe <img src=x onerror="alert(1)"> & </del><script>')
    text = str(html)
    assert "<img" not in text and "<script>" not in text and "</del><script>" not in text
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in text
    assert text.count("<ins>") == 1 and text.count("</ins>") == 1


def test_compare_lists_only_changed_fields_in_page_order() -> None:
    before = {"summary": "Same", "meeting_attendance": 120, "meeting_held_on": date(2025, 6, 20),
              "next_plans": "Road"}
    after = {**before, "meeting_attendance": 135, "next_plans": "Road and bridge"}
    changes = compare(before, after)
    assert [change.field for change in changes] == ["meeting_attendance", "next_plans"]
    assert "<del>120</del><ins>135</ins>" in str(changes[0].html)


# ------------------------------------------------------------------------ bounded cost
# difflib's SequenceMatcher took tens of seconds on these (issue 24, finding 1).

def _rebuilt(old: list[str], new: list[str], steps: list[Opcode]) -> tuple[str, str]:
    before, after = [], []
    a_at = b_at = 0
    for tag, a_start, a_end, b_start, b_end in steps:
        assert (a_start, b_start) == (a_at, b_at)  # contiguous, in order
        assert tag != "equal" or old[a_start:a_end] == new[b_start:b_end]
        before.extend(old[a_start:a_end])
        after.extend(new[b_start:b_end])
        a_at, b_at = a_end, b_end
    assert (a_at, b_at) == (len(old), len(new))
    return "".join(before), "".join(after)


def test_few_distinct_words_are_compared_in_well_under_a_second() -> None:
    for before, after in [("a " * 1100, "b " * 1100), ("a " * 50_000, "b " * 50_000),
                          ("a b " * 25_000, "b a " * 25_000),
                          (" ".join(map(str, range(20_000))),
                           " ".join(map(str, range(20_000, 0, -1))))]:
        started = time.perf_counter()
        html, inserted, deleted = diff_html(before, after)
        assert time.perf_counter() - started < 1.0
        assert inserted and deleted
        assert len(str(html)) < 3 * (len(before) + len(after))


def test_an_edited_hundred_kilobyte_text_keeps_its_word_by_word_marks() -> None:
    rng = random.Random(24)
    vocabulary = [f"w{n}" for n in range(3000)]
    words = [rng.choice(vocabulary) for _ in range(15_000)]
    before = " ".join(words)
    assert len(before) > 80_000
    for place in range(100, 15_000, 1000):
        words[place] = "changed"
    started = time.perf_counter()
    html, inserted, deleted = diff_html(before, " ".join(words))
    assert time.perf_counter() - started < 1.0
    assert (inserted, deleted) == (15, 15)
    assert str(html).count("<ins>changed</ins>") == 15


def test_a_spent_budget_marks_the_rest_as_replaced_whole_and_still_true() -> None:
    old, new = tokens("one two three four"), tokens("one 2 three 4")
    assert opcodes(old, new, Budget(0)) == [("equal", 0, 2, 0, 2), ("replace", 2, 7, 2, 7)]
    assert _rebuilt(old, new, opcodes(old, new, Budget(0))) == ("".join(old), "".join(new))


@given(st.text(alphabet="ab \n.", max_size=60), st.text(alphabet="ab \n.", max_size=60),
       st.integers(min_value=0, max_value=400))
@settings(max_examples=300, deadline=None)
def test_any_budget_gives_runs_that_rebuild_both_texts(before: str, after: str,
                                                       units: int) -> None:
    old, new = tokens(before), tokens(after)
    for budget in (Budget(units), Budget()):
        steps = opcodes(old, new, budget)
        assert _rebuilt(old, new, steps) == (before, after)
        tags = [step[0] for step in steps]
        assert all("equal" in pair for pair in zip(tags, tags[1:], strict=False))


def test_the_changes_page_of_a_pathological_correction_answers_within_a_second(
        client: FlaskClient) -> None:
    report = ReportFactory(published=True, summary="a " * 1100)
    services.amend(report, {**FILLED, "summary": "b " * 1100}, "Every a became a b.", "tests")
    db.session.commit()
    started = time.perf_counter()
    response = client.get(f"/reports/{report.id}/versions/2/changes")
    assert time.perf_counter() - started < 1.0
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<del>a a a" in page and "<ins>b b b" in page and "1100 words added" in page


def test_the_changes_page_of_a_hundred_kilobyte_correction_answers_within_a_second(
        client: FlaskClient) -> None:
    from portal.reports.models import ReportChanges

    rng = random.Random(100)
    vocabulary = [f"word{n}" for n in range(2000)]

    def section() -> list[str]:
        return [rng.choice(vocabulary) for _ in range(6500)]

    summary, plans = section(), section()
    report = ReportFactory(published=True, summary=" ".join(summary)[:50_000],
                           next_plans=" ".join(plans)[:50_000])
    for place in range(50, 5000, 500):
        summary[place] = plans[place] = "corrected"
    version = services.amend(report, {**FILLED, "summary": " ".join(summary)[:50_000],
                                      "next_plans": " ".join(plans)[:50_000]},
                             "Ten figures corrected in each section.", "tests")
    db.session.commit()
    assert len(version.summary) + len(version.next_plans) > 95_000
    for stored in (True, False):
        if not stored:  # the worker has not marked it yet: the page compares on the spot
            db.session.delete(db.session.get(ReportChanges, version.id))
            db.session.commit()
        started = time.perf_counter()
        response = client.get(f"/reports/{report.id}/versions/2/changes")
        assert time.perf_counter() - started < 1.0, stored
        page = response.get_data(as_text=True)
        assert page.count("<ins>corrected</ins>") == 20, stored
