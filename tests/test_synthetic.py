"""Fictional data says so: every row a seed writes to a table of fictional data is marked
`synthetic`, and rows people add are not (docs/development.md, "Fictional data")."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Table, false, func, select

from portal import seed
from portal.extensions import db
from portal.seed.context import Scale
from tests.factories import AkimFactory, TermFactory, UserFactory

AS_OF = date(2026, 11, 1)

# Tables a seed may write that hold no fictional record of their own: the real map and its
# history, reference data and settings, logs, and rows derived from marked rows (they take
# the mark of what they sum up or point at: a tally from its ratings, a flag from its term).
NOT_FICTIONAL = frozenset({
    "region", "district", "rural_district", "settlement", "place_name", "place_change",
    "budget_category", "budget_function", "recall_rule_version", "site_meta", "audit_event",
    "report_rating_tally", "term_rating_tally", "budget_year_summary", "budget_district_year",
    "recall_evaluation", "recall_flag", "user_role", "promise_settlement",
    "search_entry",  # derived from promises and reports, which carry the mark
})


def _count(table: Table, *where: object) -> int:
    return int(db.session.scalar(select(func.count()).select_from(table).where(*where)) or 0)


def test_every_row_the_demo_seed_writes_is_marked() -> None:
    seed.run(Scale.DEMO, seed=2026, as_of=AS_OF)
    checked = []
    for table in db.metadata.sorted_tables:
        if table.name in NOT_FICTIONAL or not _count(table):
            continue
        assert "synthetic" in table.c, (
            f"the seed writes fictional rows to {table.name}, which has no synthetic column: "
            "give its model the portal.modeling.Synthetic mixin (docs/development.md)")
        unmarked = _count(table, table.c.synthetic == false())
        assert unmarked == 0, f"{table.name}: {unmarked} seeded rows are not marked synthetic"
        checked.append(table.name)
    assert {"akim", "term", "promise", "report", "budget_line", "budget_spending_line",
            "budget_decision", "rating", "comment", "recall_petition",
            "user_account"} <= set(checked)


def test_rows_people_add_are_not_synthetic() -> None:
    term = TermFactory(akim=AkimFactory())
    user = UserFactory()
    db.session.refresh(term)
    assert (term.synthetic, term.akim.synthetic, user.synthetic) == (False, False, False)
