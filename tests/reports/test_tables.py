"""Tables typed as rows and kept as Markdown at the end of a section (portal.reports.tables)."""

from __future__ import annotations

from portal.reports import tables
from portal.richtext import markdown_to_html


def test_rows_round_trip_through_the_stored_markdown() -> None:
    rows = tables.rows_from_text("Item; Plan\r\nRoads | bridges; 2 798\n\n  Lights\t1 200  \n")
    assert rows == [["Item", "Plan"], ["Roads | bridges", "2 798"], ["Lights", "1 200"]]
    stored = tables.join_table("Spent as planned.\n", rows)
    assert stored == ("Spent as planned.\n\n| Item | Plan |\n| --- | ---: |\n"
                      "| Roads \\| bridges | 2 798 |\n| Lights | 1 200 |")
    assert tables.split_table(stored) == ("Spent as planned.", rows)
    html = markdown_to_html(stored)
    assert "<td>Roads | bridges</td>" in html and "<th>Plan</th>" in html


def test_a_cell_with_a_semicolon_comes_back_tab_separated() -> None:
    rows = [["Item", "Note"], ["Roads", "paved; lit"]]
    text = tables.text_from_rows(tables.split_table(tables.join_table("", rows))[1])
    assert text == "Item; Note\nRoads\tpaved; lit"
    assert tables.rows_from_text(text) == rows


def test_text_without_a_final_table_is_left_alone() -> None:
    text = "| not a table\nbecause no separator"
    assert tables.split_table(text) == (text, [])
    assert tables.split_table("") == ("", [])
    assert tables.join_table("Only words.", []) == "Only words."
    assert tables.problem([["x"] * 13]) == "columns"
    assert tables.problem([["x"]] * 201) == "rows"
