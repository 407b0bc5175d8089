"""One definition per figure: the contradictions of issue 17, and the "How we count" page.

- "10 due · 4 kept · 30 % kept": the kept tile counted promises not yet due. Kept and broken
  are now counted among the promises due, and kept early is shown apart, on the profile, the
  area pages, the API and the dossier alike.
- "98.2 % of revenue plan" in the PDF against "96.5 % of own-revenue plan" on the profile:
  both now show the own-revenue plan execution under the same name; the total plan
  execution is named as such wherever it appears.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from portal.budgets.categories import sync_categories
from portal.budgets.summaries import refresh_year_summaries
from portal.exports import pdf as pdf_module
from portal.exports.services import prepare, render_dossier
from portal.extensions import db
from portal.figures.definitions import BY_SLUG, FIGURES
from portal.promises.models import PromiseStatus
from portal.reports.timeliness import local_today
from tests.exports.conftest import Record, build_record, pdf_text
from tests.factories import BudgetLineFactory, PromiseFactory


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def stat(html: str, figure: str) -> str:
    """The value of the stat card that shows `figure` (its label links to the definition)."""
    found = re.search(r'<span class="stat-value">([^<]*)</span><span class="stat-label"><a '
                      rf'href="[^"]*#{figure}" data-figure="{figure}">', html)
    assert found, f"no stat card for {figure}"
    return found[1]


@pytest.fixture
def record() -> Record:
    return build_record()


@pytest.fixture
def kept_early(record: Record) -> Record:
    """The record's term (3 promises due: 1 kept, 1 broken, 1 overdue; 1 not yet due) with a
    fifth promise kept a year ahead of its deadline."""
    PromiseFactory(term=record.term, number=5, title="Light the main street",
                   deadline=local_today() + timedelta(days=365),
                   claimed_status=PromiseStatus.KEPT, claimed_progress=100)
    db.session.commit()
    return record


def test_the_kept_tile_counts_only_promises_due(client: FlaskClient, kept_early: Record) -> None:
    term = kept_early.term
    html = client.get(f"/akims/{term.akim_id}").get_data(as_text=True)
    assert stat(html, "promises-due") == "3"
    assert stat(html, "promises-kept") == "1"  # 2 before: the early one counted
    assert stat(html, "promises-broken") == "1"
    assert stat(html, "promises-overdue") == "1"
    assert stat(html, "promises-kept-early") == "1"
    assert "33%</strong> of the promises due by now are kept." in html

    scores = client.get(f"/api/v1/akims/{term.akim_id}").get_json()["scores"]
    assert (scores["promises_due"], scores["promises_kept"], scores["promises_kept_early"],
            scores["promises_broken"], scores["promises_overdue"]) == (3, 1, 1, 1, 1)

    # The district's roll-up table: one row per rural district, kept among the due.
    district = term.rural_district.district
    page = client.get(f"/districts/{district.kato4}").get_data(as_text=True)
    row = re.search(rf">{re.escape(term.rural_district.name_en)}[^<]*</a></th>(.*?)</tr>",
                    page, re.S)
    assert row, "no roll-up row for the rural district"
    cells = re.findall(r'<td class="num">([^<]*)</td>', row[1])
    assert cells == ["5", "3", "1", "1", "1", "33%"]


def test_the_dossier_counts_kept_and_broken_among_the_promises_due(kept_early: Record) -> None:
    item = prepare(kept_early.term.akim_id, "en")
    assert item is not None
    text = squash(pdf_text(pdf_module.write_pdf([render_dossier(item)])))
    assert "33% kept, of the 3 due by now" in text
    assert "1 broken, of the promises due" in text
    assert "1 promise was kept ahead of its deadline; it is in no share" in text
    assert "/how-we-count" in text


def test_the_budget_headline_names_the_same_plan_on_the_profile_and_in_the_pdf(
        client: FlaskClient, record: Record) -> None:
    """Own revenue 8 of 10 million planned (80.0 %); with transfers 58 of 60 (96.7 %)."""
    rural_district = record.term.rural_district
    year = 2026  # the record has 2024 and 2025; this one is the latest closed year of the term
    sync_categories("tests")
    BudgetLineFactory(rural_district=rural_district, year=year, code="land_tax",
                      approved=10_000_000, actual=8_000_000)
    BudgetLineFactory(rural_district=rural_district, year=year, code="subventions",
                      approved=50_000_000, actual=50_000_000)
    refresh_year_summaries()
    db.session.commit()
    html = squash(client.get(f"/akims/{record.term.akim_id}").get_data(as_text=True))
    assert stat(html, "budget-own-plan-execution") == "80.0%"
    item = prepare(record.term.akim_id, "en")
    assert item is not None
    text = squash(pdf_text(pdf_module.write_pdf([render_dossier(item)])))
    assert "80.0% of the own-revenue plan collected" in text
    assert "96.7% of the revenue plan collected" not in text
    rd_page = squash(client.get(f"/rural-districts/{rural_district.kato}").get_data(as_text=True))
    assert stat(rd_page, "budget-plan-execution") == "96.7%"
    assert "of the total revenue plan collected" in rd_page


@pytest.mark.parametrize(("language", "heading", "kept_share"), [
    ("en", "How we count", "Kept share"),
    ("ru", "Как мы считаем", "Доля выполненных"),
    ("kk", "Қалай есептейміз", "Орындалғандар үлесі"),
])
def test_how_we_count_defines_every_figure(client: FlaskClient, language: str, heading: str,
                                           kept_share: str) -> None:
    response = client.get(f"/how-we-count?lang={language}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in html and kept_share in html
    for figure in FIGURES:
        assert f'id="{figure.slug}"' in html
    assert "Cache-Control" in response.headers
    # Reports due: the meetings come from a decree, cited by number; the written report is ours.
    assert "826" in html and "/reports/rules" in html


def test_no_figure_calls_its_rule_law_without_citing_the_act() -> None:
    """A source either says the rule is the portal's own or names the act it comes from."""
    for figure in FIGURES:
        source = str(figure.source or "")
        if "law" in source.lower():
            assert re.search(r"No\. [0-9]", source), (figure.slug, source)


def test_every_figure_link_on_the_pages_has_a_definition(client: FlaskClient,
                                                         kept_early: Record) -> None:
    term = kept_early.term
    district = term.rural_district.district
    linked: set[str] = set()
    for url in (f"/akims/{term.akim_id}", f"/districts/{district.kato4}",
                f"/regions/{district.region.kato2}", "/"):
        html = client.get(url).get_data(as_text=True)
        linked |= set(re.findall(r'href="/how-we-count#([\w-]+)"', html))
    assert linked and linked <= set(BY_SLUG)
    assert {"promises-due", "promises-kept", "promises-kept-share",
            "promises-kept-early"} <= linked


def test_a_dismissed_flag_is_not_listed_as_open_where_it_is_not_counted(
        client: FlaskClient, record: Record) -> None:
    """Found by the parity test on the national seed: the profile listed a dismissed flag whose
    condition still held among the open ones, while the API and the dossier counted none."""
    from datetime import UTC, datetime

    from portal.recall.models import FlagStatus
    from tests.factories import FlagFactory

    FlagFactory(term=record.term, status=FlagStatus.DISMISSED,
                decided_at=datetime(2026, 2, 1, tzinfo=UTC), decision_reason="Published late.")
    db.session.commit()
    html = client.get(f"/akims/{record.term.akim_id}").get_data(as_text=True)
    assert html.count('class="flag-item') == 0
    assert "1 earlier flag, now closed" in html
    assert client.get(f"/api/v1/akims/{record.term.akim_id}").get_json()["open_flags"] == 0


# Each figure's own readers: only portal.figures calls them for a surface.
FIGURE_READERS = ("summaries_for_terms", "rating_summaries_for_terms",
                  "open_flag_counts_for_terms", "open_questions_for_terms",
                  "budget_summaries_for_terms", "summary_statement", "rating_statement",
                  "open_flag_statement", "open_questions_statement")
SURFACES = ("portal/akims", "portal/api", "portal/exports", "portal/opendata",
            "portal/notifications", "portal/web", "portal/geo", "portal/comparisons")


def test_surfaces_read_term_figures_from_portal_figures_only() -> None:
    """The profile, the API (JSON and CSV), open data, the dossier and bundle, mail and the
    area pages take a term's figures from `figures_for_terms`; a surface that calls a
    domain's counting reader itself counts a second time, and may count differently."""
    root = Path(__file__).resolve().parent.parent
    calls = re.compile(r"\b(" + "|".join(FIGURE_READERS) + r")\(")
    found = [f"{path.relative_to(root)}: {match[1]}"
             for folder in SURFACES for path in sorted((root / folder).rglob("*.py"))
             for match in calls.finditer(path.read_text(encoding="utf-8"))]
    assert found == []
