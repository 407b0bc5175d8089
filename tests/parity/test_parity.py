"""Parity: each figure is the same on every surface, in kk, ru and en (issue 17).

Over the national seed (built once, `conftest.national`), at least 20 akims from different
regions, chosen by query: the values of `portal.figures.readers.figures_for_terms` must be
what the profile page (and the budget figures of the rural district's page), the API (JSON and
CSV), the open-data tables and the dossier PDF (its
text as `pdftotext` extracts it) show, each surface formatting them in the reader's language.
The pages of the akims' districts and regions must show the sums over the serving akims
there, and so must the summary that opens a district's bundle of dossiers (its row per akim
and its totals row).

The open data carries rows, not figures: the test counts the figures from those rows with the
definitions of `/how-we-count`, so a row that disagrees with a page fails here.
"""

from __future__ import annotations

import csv
import html as html_module
import io
import re
import shutil
import subprocess
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from flask import Flask
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from portal import clock
from portal.akims.models import Term, TermStatus
from portal.budgets.models import BudgetSpendingLine
from portal.comparisons.documents import comparison_pdf
from portal.exports import bundles
from portal.exports import pdf as pdf_module
from portal.exports.dossier import dossiers_for_scope
from portal.exports.scope import Scope, ScopeLevel
from portal.exports.services import prepare, prepared, render_dossier
from portal.extensions import db
from portal.figures.definitions import BY_SLUG
from portal.figures.readers import TermFigures, figures_for_terms, total
from portal.formats import formal_date
from portal.geo.models import District, Region, RuralDistrict
from portal.modeling import utcnow
from portal.opendata.tables import all_tables
from portal.promises.rules import OPEN_STATUSES
from portal.recall.readers import COUNTED_AS_OPEN
from portal.web.templating import money, number, percent

LANGUAGES = ("kk", "ru", "en")
AKIMS = 20

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils) is not installed")


@dataclass(frozen=True)
class Chosen:
    term_id: int
    akim_id: int
    kato: str  # the rural district
    district_kato: str
    region_kato: str


@pytest.fixture(scope="module")
def world(national: Flask) -> Iterator[tuple[Flask, list[Chosen], dict[int, TermFigures]]]:
    """The chosen akims (the first serving term of each region, then the second of each, until
    there are enough) and the figures of every term."""
    with national.app_context():
        rows = db.session.execute(
            select(Term.id, Term.akim_id, RuralDistrict.kato, District.kato4, Region.kato2)
            .join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
            .join(District, District.id == RuralDistrict.district_id)
            .join(Region, Region.id == District.region_id)
            .where(Term.status == TermStatus.SERVING)
            .order_by(Region.kato2, Term.id)).all()
        by_region: dict[str, list[Chosen]] = defaultdict(list)
        for row in rows:
            by_region[row[4]].append(Chosen(*row))
        chosen: list[Chosen] = []
        rank = 0
        while len(chosen) < AKIMS and any(len(items) > rank for items in by_region.values()):
            chosen += [items[rank] for items in by_region.values() if len(items) > rank]
            rank += 1
        del chosen[max(AKIMS, len(by_region)):]  # every region once, then up to AKIMS
        figures = figures_for_terms(db.session.scalars(select(Term.id)).all())
        yield national, chosen, figures


def _text(html: str) -> str:
    """A page's visible text, tags removed, entities decoded, white space single."""
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", html)))


def _stat(html: str, figure: str) -> str | None:
    found = re.search(r'<span class="stat-value">([^<]*)</span><span class="stat-label"><a '
                      rf'href="[^"]*#{figure}" data-figure="{figure}">', html)
    return html_module.unescape(found[1]) if found else None


def _expected_profile_and_pdf(figures: TermFigures) -> dict[str, str]:
    """What both the profile and the dossier say of a term, in the current language."""
    p, r = figures.promises, figures.reports
    says = {
        "reports": ngettext("%(on_time)d of %(num)d report due was published on time; "
                            "%(late)d late, %(missing)d missing.",
                            "%(on_time)d of %(num)d reports due were published on time; "
                            "%(late)d late, %(missing)d missing.", r.due, on_time=r.on_time,
                            late=r.late, missing=r.missing) if r.due else "",
    }
    if figures.ratings.count:
        says["rating-average"] = _("%(average)s of 5",
                                   average=number(figures.ratings.average_shown, 2))
    if p.total:
        says["promises-kept-share"] = percent(p.kept_share_of_due)
    return says


def _check_profile(client: Any, chosen: Chosen, figures: TermFigures, language: str) -> bool:
    """True when the rural district's page showed the term's budget year and was compared."""
    html = client.get(f"/akims/{chosen.akim_id}?lang={language}").get_data(as_text=True)
    text = _text(html)
    p, b = figures.promises, figures.budget
    where = f"profile of akim {chosen.akim_id} ({language})"
    if p.total:
        for slug, value in (("promises-due", p.due), ("promises-kept", p.kept_due),
                            ("promises-broken", p.broken_due), ("promises-overdue", p.overdue),
                            ("promises-kept-early", p.kept_early)):
            assert _stat(html, slug) == number(value), (where, slug)
        if p.due:
            assert (f"{percent(p.kept_share_of_due)} "
                    f"{_('of the promises due by now are kept.')}") in text, where
    if b is not None:
        assert _stat(html, "own-revenue-share") == percent(b.own_share, 1), where
        assert _stat(html, "budget-own-plan-execution") == percent(b.own_plan_execution, 1), where
    page = client.get(f"/rural-districts/{chosen.kato}?lang={language}").get_data(as_text=True)
    # The rural district's page leads with its latest closed year, the profile with the term's;
    # where they are the same year, they show the same figures.
    if b is not None and _("Revenues in %(year)s", year=b.year) in _text(page):
        for slug, value in (("own-revenue-share", b.own_share),
                            ("budget-plan-execution", b.plan_execution)):
            assert _stat(page, slug) == percent(value, 1), (where, "rural district", slug)
        compared = True
    else:
        compared = False
    says = _expected_profile_and_pdf(figures)
    assert says["reports"] in text, (where, says["reports"])
    if "rating-average" in says:
        assert says["rating-average"] in text, where
    assert html.count('class="flag-item') == figures.open_flags, where
    return compared


def _pdf_text(data: bytes) -> str:
    """A PDF's text, white space single. -raw: the text in the order it is drawn, so a
    figure's value stays beside its label and a table's cells stay in their row."""
    extracted = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"],  # noqa: S607
                               input=data, capture_output=True, check=True).stdout.decode()
    return re.sub(r"\s+", " ", extracted)


def _check_pdf(chosen: Chosen, figures: TermFigures, language: str) -> None:
    item = prepare(chosen.akim_id, language)
    assert item is not None and item.dossier.as_of == figures.as_of
    text = _pdf_text(pdf_module.write_pdf([render_dossier(item)]))
    p, r, b = figures.promises, figures.reports, figures.budget
    where = f"dossier of akim {chosen.akim_id} ({language})"
    facts = [
        f"{percent(p.kept_share_of_due)} {_('kept, of the %(due)s due by now', due=number(p.due))}",
        f"{number(p.broken_due)} {_('broken, of the promises due')}",
        f"{number(p.overdue)} {_('overdue (deadline passed, still open)')}",
        f"{_('%(on_time)s of %(due)s', on_time=number(r.on_time), due=number(r.due))} "
        f"{_('reports due were published on time')}",
        f"{number(r.late)} {_('published late')}",
        f"{number(r.missing)} {_('missing')}",
        f"{figures.open_flags} {_('open recall-trigger flags')}",
    ]
    if b is not None:
        facts += [f"{percent(b.own_share, 1)} {_('own revenue share')}",
                  f"{percent(b.own_plan_execution, 1)} {_('of the own-revenue plan collected')}"]
    if b is not None and b.has_spending:
        facts.append(_spending_row(b))
    if figures.ratings.count:
        average = _("%(average)s of 5", average=number(figures.ratings.average_shown, 2))
        counted = ngettext("average of %(num)d rating", "average of %(num)d ratings",
                           figures.ratings.count)
        facts.append(f"{average} {counted}")
    for fact in facts:
        assert re.sub(r"\s+", " ", fact) in text, (where, fact)


def _spending_row(b: Any) -> str:
    """The headline year's row of the dossier's spending table: year (starred when its
    spending actuals do not cover the year), plan, actual, plan executed, per resident."""
    star = "*" if b.spending_through and not b.spending_closed else ""
    return " ".join([f"{b.year}{star}", money(b.spending_plan) if b.spending_plan else "—",
                     money(b.spending) if b.spending_through else "—",
                     percent(b.spending_plan_execution, 1), money(b.spending_per_resident)])


def _check_spending(client: Any, chosen: Chosen, figures: TermFigures, language: str) -> bool:
    """Spending per resident and the spending plan executed of the term's budget year: the
    same on the rural district's budget page and in its budget API (the dossier's row is
    among `_check_pdf`'s facts). True when the year has spending and was compared."""
    b = figures.budget
    if b is None or not b.has_spending:
        return False
    where = f"spending of {chosen.kato} in {b.year} ({language})"
    page = client.get(f"/rural-districts/{chosen.kato}/budget?year={b.year}&lang={language}"
                      ).get_data(as_text=True)
    assert _stat(page, "spending-per-resident") == money(b.spending_per_resident), where
    assert _stat(page, "spending-plan-execution") == percent(b.spending_plan_execution, 1), \
        where
    body = client.get(f"/api/v1/rural-districts/{chosen.kato}/budget?year={b.year}"
                      f"&lang={language}").get_json()
    shown = body["indicators"]
    assert shown["spending_per_resident"] == b.spending_per_resident, where
    assert shown["spending_plan_execution"] == (
        float(b.spending_plan_execution) if b.spending_plan_execution is not None else None), \
        where
    return True


def _bundle_cells(figures: TermFigures) -> list[str]:
    """A bundle summary row's cells from the promise count on (the totals row has the same)."""
    p, r = figures.promises, figures.reports
    return [number(p.total), number(p.due), percent(p.kept_share_of_due), number(p.broken_due),
            number(p.overdue), _("%(on_time)s of %(due)s", on_time=number(r.on_time),
                                  due=number(r.due)), number(r.missing)]


def _check_bundle(kato4: str, chosen: list[Chosen], figures: dict[int, TermFigures],
                  area: TermFigures, language: str) -> None:
    """The summary that opens the district's bundle (the ZIP's 000-summary.pdf, the combined
    PDF's first pages): a row per serving akim and the totals over them."""
    scope = Scope(ScopeLevel.DISTRICT, kato4)
    items = prepared(dossiers_for_scope(scope, language))
    summary = bundles.summary_of(scope, items, language, [None] * len(items))
    data, _pages = bundles.render_summary(summary, "0" * 64, utcnow(), combined=False)
    text = _pdf_text(data)
    where = f"bundle summary of district {kato4} ({language})"
    assert summary.as_of == area.as_of, where
    by_akim = {item.dossier.akim_id: item.dossier for item in items}
    for item in chosen:
        figure, dossier = figures[item.term_id], by_akim[item.akim_id]
        b = figure.budget
        cells = [formal_date(dossier.term.starts_on), *_bundle_cells(figure)]
        cells.append(f"{percent(b.own_share, 1)} ({b.year})" if b is not None else "—")
        if figure.ratings.count:
            cells.append(f"{number(figure.ratings.average_shown, 2)} "
                         f"({number(figure.ratings.count)})")
        else:
            cells.append("—")
        cells.append(number(figure.open_flags))
        row = re.sub(r"\s+", " ", " ".join(cells))
        assert row in text, (where, item.akim_id, row)
    totals = re.sub(r"\s+", " ", " ".join([_("All akims in this bundle"),
                                            *_bundle_cells(area)]))
    assert totals in text, (where, totals)


def _league_cell(html: str, akim_id: int, column: str) -> str:
    """The value a league table shows in `column` of the akim's row."""
    row = re.search(rf'name="akim" value="{akim_id}".*?</tr>', html, re.S)
    assert row, akim_id
    found = re.search(rf'data-column="{column}"><span class="figure-value">([^<]*)</span>',
                      row[0])
    if found:
        return html_module.unescape(found[1])
    cell = re.search(rf'data-column="{column}">(.*?)</td>', row[0], re.S)
    assert cell, (akim_id, column)
    return _text(cell[1]).strip()


def _check_league_and_comparison(client: Any, kato4: str, chosen: list[Chosen],
                                 figures: dict[int, TermFigures], language: str) -> None:
    """Issue 22: the district's league table, the comparison of its chosen akims (four at
    most) and that comparison's PDF show each akim's figures as the profile does."""
    where = f"league table of district {kato4} ({language})"
    html = client.get(f"/league?district={kato4}&sort=missing&lang={language}").get_data(
        as_text=True)
    for item in chosen:
        f = figures[item.term_id]
        p, r, b = f.promises, f.reports, f.budget
        expected = {
            "kept": percent(p.kept_share_of_due), "broken": percent(p.broken_share_of_due),
            "on_time": percent(r.on_time_share), "missing": number(r.missing),
            "rating": number(f.ratings.average_shown, 2) if f.ratings.count else "—",
            "own_revenue": percent(b.own_share, 1) if b is not None else _("no figures"),
            "flags": number(f.open_flags),
        }
        for column, value in expected.items():
            assert _league_cell(html, item.akim_id, column) == value, (where, item.akim_id,
                                                                       column)
    group = chosen[:4]
    query = "&".join(f"akim={item.akim_id}" for item in group)
    page = client.get(f"/compare?{query}&lang={language}").get_data(as_text=True)
    where = f"comparison in district {kato4} ({language})"
    for item in group:
        f = figures[item.term_id]
        p, b = f.promises, f.budget
        shown = {"promises-due": number(p.due), "promises-kept": number(p.kept_due),
                 "promises-broken": number(p.broken_due), "promises-overdue": number(p.overdue),
                 "promises-kept-early": number(p.kept_early),
                 "promises-kept-share": percent(p.kept_share_of_due),
                 "reports-missing": number(f.reports.missing),
                 "open-flags": number(f.open_flags)}
        if b is not None:
            shown["own-revenue-share"] = percent(b.own_share, 1)
            shown["budget-own-plan-execution"] = percent(b.own_plan_execution, 1)
            shown["spending-per-resident"] = money(b.spending_per_resident)
            shown["spending-plan-execution"] = percent(b.spending_plan_execution, 1)
        for slug, value in shown.items():
            cell = re.search(rf'data-figure="{slug}" data-akim="{item.akim_id}"><span '
                             r'class="figure-value">([^<]*)</span>', page)
            assert cell and html_module.unescape(cell[1]) == value, (where, item.akim_id, slug)
    # The PDF route's own function (the route adds only the staff check).
    document = comparison_pdf([item.akim_id for item in group], 0, language)
    assert document is not None, where
    text = _pdf_text(document.pdf)
    for slug in ("promises-due", "promises-kept", "reports-missing", "open-flags"):
        title = str(BY_SLUG[slug].title)
        values = [number(figures[item.term_id].values()[slug]) for item in group]
        row = re.sub(r"\s+", " ", " ".join([title, *values]))
        assert row in text, (where, "PDF", row)


def _check_api(client: Any, chosen: Chosen, figures: TermFigures, language: str) -> None:
    body = client.get(f"/api/v1/akims/{chosen.akim_id}?lang={language}").get_json()
    assert body["term"]["id"] == chosen.term_id
    assert body["scores"] | {"open_flags": body["open_flags"]} == _api_values(figures)


def _api_values(figures: TermFigures) -> dict[str, Any]:
    p, r, ratings = figures.promises, figures.reports, figures.ratings
    return {
        "promises_total": p.total, "promises_due": p.due, "promises_kept": p.kept_due,
        "promises_kept_early": p.kept_early, "promises_broken": p.broken_due,
        "promises_overdue": p.overdue, "reports_due": r.due, "reports_on_time": r.on_time,
        "reports_late": r.late, "reports_missing": r.missing,
        "rating_avg": float(ratings.average_shown) if ratings.average_shown is not None
        else None, "rating_count": ratings.count, "open_flags": figures.open_flags,
    }


def _check_csv(client: Any, district_kato: str, chosen: list[Chosen],
               figures: dict[int, TermFigures], language: str) -> None:
    response = client.get(f"/api/v1/akims?district={district_kato}&format=csv&per_page=100"
                          f"&lang={language}")
    assert response.status_code == 200
    body = response.get_data(as_text=True).lstrip("\ufeff")  # the BOM spreadsheets want
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(body))}
    for item in chosen:
        row = rows[str(item.akim_id)]
        for name, value in _api_values(figures[item.term_id]).items():
            column = name if name == "open_flags" else f"scores.{name}"
            shown = "" if value is None else str(value)
            assert row[column] == shown, (item.akim_id, language, column)


def _open_data(as_of: date) -> dict[str, dict[int, dict[str, Any]]]:
    """Per term: the figures counted from the open-data tables' rows."""
    tables = {table.name: table for table in all_tables()}

    def rows(name: str) -> Iterator[dict[str, Any]]:
        names = [column.name for column in tables[name].columns]
        for row in tables[name].rows():
            yield dict(zip(names, row, strict=True))

    promises: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows("promises"):
        tally, status = promises[row["term_id"]], str(getattr(row["status"], "value",
                                                               row["status"]))
        due = row["deadline"] <= as_of
        tally["promises-due"] += due
        tally["promises-kept"] += due and status == "kept"
        tally["promises-broken"] += due and status == "broken"
        tally["promises-kept-early"] += (not due) and status == "kept"
        tally["promises-overdue"] += row["deadline"] < as_of and status in {
            item.value for item in OPEN_STATUSES}
    reports: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows("reports"):
        status = str(getattr(row["timeliness"], "value", row["timeliness"]))
        slug = {"on_time": "reports-on-time", "late": "reports-late",
                "missing": "reports-missing"}.get(status)
        if slug:
            reports[row["term_id"]][slug] += 1
            reports[row["term_id"]]["reports-due"] += 1
    ratings = {row["term_id"]: (row["rating_count"], row["rating_sum"])
               for row in rows("term_ratings")}
    open_flags: dict[int, int] = defaultdict(int)
    counted = {status.value for status in COUNTED_AS_OPEN}
    for row in rows("flags"):
        if row["cleared_on"] is None and str(getattr(row["status"], "value",
                                                     row["status"])) in counted:
            open_flags[row["term_id"]] += 1
    indicators = {(row["rural_district_kato"], row["year"]): row
                  for row in rows("budget_indicators")}
    published = {row["term_id"]: row for row in rows("term_figures")}
    return {"promises": promises, "reports": reports, "ratings": ratings,  # type: ignore[dict-item]
            "open_flags": open_flags, "indicators": indicators,  # type: ignore[dict-item]
            "term_figures": published}  # type: ignore[dict-item]


def _check_open_data(found: dict[str, Any], chosen: Chosen, figures: TermFigures) -> None:
    values = figures.values()
    where = f"open data of term {chosen.term_id}"
    published = found["term_figures"][chosen.term_id]
    assert published["as_of"] == figures.as_of, where
    for slug, value in values.items():
        assert published[slug.replace("-", "_")] == value, (where, "term_figures", slug)
    for slug, count in {**found["promises"][chosen.term_id],
                        **found["reports"][chosen.term_id]}.items():
        assert values[slug] == count, (where, slug)
    for slug in ("promises-due", "promises-kept", "reports-due", "reports-missing"):
        assert values[slug] == found["promises" if slug.startswith("p") else "reports"][
            chosen.term_id].get(slug, 0), (where, slug)
    count, scores = found["ratings"].get(chosen.term_id, (0, 0))
    assert count == values["rating-count"], where
    average = (Decimal(scores) / Decimal(count)).quantize(Decimal("0.01"), ROUND_HALF_UP) \
        if count else None
    assert average == values["rating-average"], where
    assert found["open_flags"].get(chosen.term_id, 0) == values["open-flags"], where
    if figures.budget is not None:
        row = found["indicators"][(chosen.kato, figures.budget.year)]
        for column, slug in (("own_plan_execution", "budget-own-plan-execution"),
                             ("plan_execution", "budget-plan-execution"),
                             ("own_share", "own-revenue-share")):
            assert row[column] == values[slug], (where, slug)


def _check_area(client: Any, url: str, area: TermFigures, reports_url: str,
                record: TermFigures, language: str) -> None:
    """An area's page shows the sums over its serving akims' promises; its reports page the
    sums over the record of every term there."""
    html = client.get(f"{url}?lang={language}").get_data(as_text=True)
    p = area.promises
    for slug, value in (("promises-due", p.due), ("promises-kept", p.kept_due),
                        ("promises-broken", p.broken_due), ("promises-overdue", p.overdue),
                        ("promises-kept-early", p.kept_early)):
        assert _stat(html, slug) == number(value), (url, language, slug)
    html = client.get(f"{reports_url}?lang={language}").get_data(as_text=True)
    r = record.reports
    assert _stat(html, "reports-due") == number(r.due), (reports_url, language)
    assert _stat(html, "reports-on-time") == percent(r.on_time_share), (reports_url, language)
    assert _stat(html, "reports-late") == number(r.late), (reports_url, language)
    assert _stat(html, "reports-missing") == number(r.missing), (reports_url, language)


def test_every_figure_is_the_same_on_every_surface(world: Any) -> None:
    national, chosen, figures = world
    started = time.perf_counter()
    if national.config["PARITY_SCALE"] == "national":
        assert len(chosen) >= AKIMS
        assert len({item.region_kato for item in chosen}) >= 14  # the regions with villages
    client = national.test_client()
    with national.app_context():
        as_of = clock.today()
        found = _open_data(as_of)
        seeded_spending = db.session.scalar(select(BudgetSpendingLine.id).limit(1)) is not None
        for item in chosen:
            _check_open_data(found, item, figures[item.term_id])
        terms = db.session.execute(
            select(Term.id, Term.status, District.kato4, Region.kato2)
            .join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
            .join(District, District.id == RuralDistrict.district_id)
            .join(Region, Region.id == District.region_id)).all()
    # Promise roll-ups count the serving terms of an area; report pages every term's record.
    serving: dict[str, list[TermFigures]] = defaultdict(list)
    every: dict[str, list[TermFigures]] = defaultdict(list)
    for term_id, status, district_kato, region_kato in terms:
        for area in (district_kato, region_kato):
            every[area].append(figures[term_id])
            if status is TermStatus.SERVING:
                serving[area].append(figures[term_id])
    budget_pages = spending_pages = 0
    for language in LANGUAGES:
        with national.test_request_context(f"/?lang={language}"):
            for item in chosen:
                budget_pages += _check_profile(client, item, figures[item.term_id], language)
                spending_pages += _check_spending(client, item, figures[item.term_id],
                                                  language)
                _check_api(client, item, figures[item.term_id], language)
                _check_pdf(item, figures[item.term_id], language)
            districts = sorted({item.district_kato for item in chosen})
            for kato4 in districts:
                _check_csv(client, kato4, [item for item in chosen
                                           if item.district_kato == kato4], figures, language)
                _check_area(client, f"/districts/{kato4}", total(serving[kato4], as_of),
                            f"/districts/{kato4}/reports", total(every[kato4], as_of),
                            language)
                _check_bundle(kato4, [item for item in chosen if item.district_kato == kato4],
                              figures, total(serving[kato4], as_of), language)
                _check_league_and_comparison(
                    client, kato4, [item for item in chosen if item.district_kato == kato4],
                    figures, language)
            for kato2 in sorted({item.region_kato for item in chosen}):
                _check_area(client, f"/regions/{kato2}", total(serving[kato2], as_of),
                            f"/regions/{kato2}/reports", total(every[kato2], as_of), language)
    assert budget_pages, "no rural district page showed its akim's budget year"
    if seeded_spending:  # the seed has spending since issue 23; compare it where it has
        assert spending_pages, "no akim's budget year had spending to compare"
    print(f"\nparity: {len(chosen)} akims in {len({c.district_kato for c in chosen})} "
          f"districts ({budget_pages} budget pages, {spending_pages} spending years "
          f"compared); seed "
          f"{national.config['PARITY_SEED_SECONDS']:.1f} s, checks "
          f"{time.perf_counter() - started:.1f} s")
