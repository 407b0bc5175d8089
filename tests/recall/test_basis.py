"""The methodology says, for every rule, its threshold, why it is there and that it is the
portal's own choice; beside them, the legal analogue it is not."""

from __future__ import annotations

from portal.recall.basis import BASIS, ELECTIONS_LAW_113_16
from portal.recall.models import RuleCode


def test_every_rule_has_a_reason_and_none_claims_to_be_law() -> None:
    assert set(BASIS) == set(RuleCode)
    assert all(str(basis.reason) and basis.source is None for basis in BASIS.values())


def test_the_methodology_shows_reasons_the_portals_choice_and_the_analogue(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/recall/methodology?lang=en").get_data(as_text=True)
    assert page.count("Why this line:") == len(RuleCode)
    assert page.count("the portal's own choice, not law") == len(RuleCode)
    assert "A month past the due date" in page  # rule 1's reason
    assert "30 days after its due date" in page  # and its threshold
    assert "No adopted procedure for recalling a rural akim exists." in page
    assert ELECTIONS_LAW_113_16.url in page
    assert "at least a third of the district's voters" in page
    assert "more than half of those voting" in page
    assert "not applied to akims" in page


def test_the_methodology_reads_in_russian_and_kazakh(client) -> None:  # type: ignore[no-untyped-def]
    ru = client.get("/recall/methodology?lang=ru").get_data(as_text=True)
    assert "не является нормой закона" in ru and "113-16" in ru
    kk = client.get("/recall/methodology?lang=kk").get_data(as_text=True)
    assert "заң нормасы емес" in kk and "113-16" in kk


def test_a_reason_for_a_moved_line_says_it_explains_the_default(app, client) -> None:  # type: ignore[no-untyped-def]
    note = "These reasons were given for the default line"
    page = client.get("/recall/methodology?lang=en").get_data(as_text=True)
    assert note not in page  # every line is where its reason puts it
    # The petition share moves to 15 %; switching rule 2 off leaves its line where it was.
    app.config["RECALL_RULES"] = {"petition": {"voter_share": "0.15"},
                                  "promises": {"enabled": False}}
    try:
        page = client.get("/recall/methodology?lang=en").get_data(as_text=True)
    finally:
        app.config.pop("RECALL_RULES")
    assert page.count(note) == 1
    petition = page[page.index('id="rule-petition"'):page.index('id="rule-budget"')]
    assert "reach 15%" in petition and "One voter in ten" in petition and note in petition


def test_the_methodology_counts_reports_as_rule_1_does(client) -> None:  # type: ignore[no-untyped-def]
    # Rule 1 reads `Report.covered_on` (recall/facts.py): an interim report is still missing.
    page = client.get("/recall/methodology?lang=en").get_data(as_text=True)
    assert "reports by their first publication" not in page
    assert "an interim report published before its period ended does not count" in page
