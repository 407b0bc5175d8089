"""Differences between versions: word by word, escaped before they are marked."""

from __future__ import annotations

from datetime import date

from portal.reports.diffing import compare, diff_html


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
