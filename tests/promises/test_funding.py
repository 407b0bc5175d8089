"""A promise linked to the functional group of the budget that pays for it: set by the akim
through the real form, shown with the group's plan and actual on the promise's page, listed
under its group on the budget page, and given in the API and the open data."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.budgets.categories import sync_functions
from portal.budgets.models import BudgetFunction
from portal.budgets.services import import_budget_file
from portal.budgets.validation import SPENDING_COLUMNS
from portal.extensions import db
from portal.opendata.tables.promises import PROMISES
from portal.promises.models import Promise, PromiseAmendment
from tests.api.conftest import assert_conforms
from tests.budgets.conftest import csv_bytes
from tests.factories import PromiseFactory, TermFactory, UserFactory
from tests.promises.helpers import akim_user, days_from_today, term_around_today

NBSP = "\u00a0"
PAGE_BUDGET = 10


@pytest.fixture(autouse=True)
def _functions() -> None:
    sync_functions("tests")


def _import_spending(kato: str, *rows: tuple[Any, ...]) -> None:
    data = csv_bytes(*[(kato, *row) for row in rows], header=SPENDING_COLUMNS)
    outcome = import_budget_file(data, "spending.csv", "tests")
    assert outcome.succeeded, outcome.errors
    db.session.commit()


def _edit_form(promise: Promise, csrf_token: str, **overrides: str) -> dict[str, str]:
    data = {"csrf_token": csrf_token, "title": promise.title,
            "description": promise.description, "language": promise.language,
            "category": promise.category.value, "deadline": promise.deadline.isoformat(),
            "cost_estimate": str(promise.cost_estimate or ""),
            "funding_source": "rural_district_budget", "budget_function": "",
            "reason": "The money comes from the street lighting line."}
    data.update(overrides)
    return data


@pytest.fixture
def linked(client: FlaskClient, login: Any, csrf: Any) -> tuple[Promise, int]:
    """A registered programme's promise that its akim links to group 07 through the form;
    group 07 has figures for the term's first year (closed) and the next (first quarter)."""
    term = term_around_today()
    first = term.starts_on.year
    promise = PromiseFactory(term=term, deadline=days_from_today(400), title="Light every street")
    _import_spending(term.rural_district.kato,
                     (first, "YEAR", "07", 3_000_000, None, 2_400_000),
                     (first + 1, "YEAR", "07", 4_000_000, 4_500_000, None),
                     (first + 1, "Q1", "07", None, None, 1_000_000),
                     (first, "YEAR", "01", 9_000_000, None, 9_000_000))
    login(akim_user(term))
    url = f"/promises/{promise.id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert '<option value="07">07 Housing and communal services</option>' in form
    response = client.post(url, data=_edit_form(promise, csrf(url), budget_function="07"))
    assert response.status_code == 302, response.get_data(as_text=True)
    return promise, first


def test_the_akim_links_a_promise_and_the_promise_page_shows_the_groups_money(
        client: FlaskClient, linked: tuple[Promise, int], count_queries: Any) -> None:
    promise, first = linked
    db.session.expire_all()
    stored = db.session.get(Promise, promise.id)
    assert stored is not None and stored.budget_function is not None
    assert stored.budget_function.code == "07"
    with count_queries() as queries:
        response = client.get(f"/promises/{promise.id}")
    assert len(queries) <= PAGE_BUDGET, "\n".join(queries)
    html = response.get_data(as_text=True)
    assert "Paid from: functional group 07 “Housing and communal services”" in html
    assert "not this promise's alone" in html.replace("&#39;", "'")
    # The closed year: plan (the approved one, nothing adjusted), actual, share spent.
    assert f"3,000,000{NBSP}₸" in html and f"2,400,000{NBSP}₸" in html and "80.0%" in html
    # The next year: the adjusted plan, and an actual of the first quarter only, said so.
    assert f"4,500,000{NBSP}₸" in html and f"1,000,000{NBSP}₸" in html
    assert f"{first + 1}*" in html
    assert "Spending actuals for January – March only" in html.replace("\u2009", " ")
    assert f"9,000,000{NBSP}₸" not in html  # another group's money
    kato = stored.term.rural_district.kato
    assert f'href="/rural-districts/{kato}/budget?year={first + 1}#spending-heading"' in html
    # The change is a public amendment (the programme is registered) and is audited.
    amendment = db.session.scalar(select(PromiseAmendment)
                                  .where(PromiseAmendment.promise_id == promise.id))
    assert amendment is not None
    assert amendment.changes["budget_function"][0] is None
    assert amendment.changes["budget_function"][1]["code"] == "07"
    assert "Paid from (functional group of the budget): <del>—</del> → " \
           "<ins>07 Housing and communal services</ins>" in html
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "promise.amend")
                              .order_by(AuditEvent.id.desc()))
    assert event is not None and event.after == {"budget_function": "07",
                                                 "funding_source": "rural_district_budget"}


def test_the_budget_page_lists_the_promise_under_its_group(
        client: FlaskClient, linked: tuple[Promise, int], count_queries: Any) -> None:
    promise, first = linked
    kato = promise.term.rural_district.kato
    with count_queries() as queries:
        response = client.get(f"/rural-districts/{kato}/budget?year={first}")
    assert response.status_code == 200
    assert len(queries) <= PAGE_BUDGET, "\n".join(queries)
    html = response.get_data(as_text=True)
    section = html[html.index('id="paid-promises"'):]
    assert "Promises paid from these groups" in section
    assert '<span class="code">07</span> Housing and communal services' in section
    assert f'<a href="/promises/{promise.id}">Light every street</a>' in section
    assert '<span class="code">01</span>' not in section  # no promise is paid from it
    # In Russian the group keeps its official name.
    russian = client.get(f"/rural-districts/{kato}/budget?year={first}&lang=ru")
    assert "Жилищно-коммунальное хозяйство" in russian.get_data(as_text=True)


def test_the_budget_page_reads_every_groups_promises_in_one_query(
        client: FlaskClient, count_queries: Any) -> None:
    term = term_around_today()
    first = term.starts_on.year
    _import_spending(term.rural_district.kato, (first, "YEAR", "07", 3_000_000, None, None),
                     (first + 1, "YEAR", "07", 3_000_000, None, None))
    by_code = {group.code: group for group in db.session.scalars(select(BudgetFunction))}
    PromiseFactory(term=term, deadline=days_from_today(400), budget_function=by_code["07"])
    url = f"/rural-districts/{term.rural_district.kato}/budget?year={first}"
    with count_queries() as few:
        client.get(url)
    for code in ("01", "04", "07", "12", "12", "08"):
        PromiseFactory(term=term, deadline=days_from_today(400), budget_function=by_code[code])
    with count_queries() as many:
        html = client.get(url).get_data(as_text=True)
    assert len(many) == len(few), "\n".join(many)
    assert html.count('<ul class="paid-promise-list">') == 5
    # A promise whose deadline came before the year is not listed under it.
    PromiseFactory(term=term, deadline=term.starts_on, title="Done the first week",
                   budget_function=by_code["07"])
    assert "Done the first week" in client.get(url).get_data(as_text=True)
    next_year = client.get(url.replace(f"year={first}", f"year={first + 1}"))
    assert f"Spending by function, {first + 1}" in next_year.get_data(as_text=True)
    assert "Done the first week" not in next_year.get_data(as_text=True)


def test_a_group_without_figures_says_so(client: FlaskClient) -> None:
    term = term_around_today()
    group = db.session.scalar(select(BudgetFunction).where(BudgetFunction.code == "04"))
    promise = PromiseFactory(term=term, deadline=days_from_today(400), budget_function=group)
    html = client.get(f"/promises/{promise.id}").get_data(as_text=True)
    assert "Paid from: functional group 04 “Education”" in html
    assert (f"No spending figures imported for this group for {term.starts_on.year}–"
            f"{promise.deadline.year}.") in html


def test_an_unknown_group_is_refused_beside_the_field(client: FlaskClient, login: Any,
                                                      csrf: Any) -> None:
    promise = PromiseFactory(term=term_around_today(), deadline=days_from_today(100))
    login(akim_user(promise.term))
    url = f"/promises/{promise.id}/edit"
    response = client.post(url, data=_edit_form(promise, csrf(url), budget_function="99",
                                                title="Typed title stays"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    marker = 'id="budget_function-error"'
    assert marker in html, "no error beside the functional group"
    start = html.index(marker)
    assert "Choose a functional group of the budget from the list." in html[
        start:html.index("</p>", start)]
    assert 'value="Typed title stays"' in html
    db.session.expire_all()
    stored = db.session.get(Promise, promise.id)
    assert stored is not None and stored.budget_function_id is None and stored.title != \
        "Typed title stays"


@pytest.mark.parametrize("who", ["anonymous", "other_akim", "resident", "moderator"])
def test_only_who_may_edit_the_promise_may_link_it(client: FlaskClient, login: Any, csrf: Any,
                                                   who: str) -> None:
    promise = PromiseFactory(term=term_around_today(), deadline=days_from_today(100))
    token = csrf()
    if who == "other_akim":
        login(akim_user(TermFactory()))
    elif who == "resident":
        login(UserFactory.resident_of(promise.term.rural_district))
    elif who == "moderator":
        login(UserFactory(moderator=True))
    response = client.post(f"/promises/{promise.id}/edit",
                           data=_edit_form(promise, token, budget_function="07"))
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
    db.session.expire_all()
    stored = db.session.get(Promise, promise.id)
    assert stored is not None and stored.budget_function_id is None


def test_the_api_and_the_open_data_give_the_groups_code(client: FlaskClient,
                                                        linked: tuple[Promise, int]) -> None:
    promise, _first = linked
    other = PromiseFactory(term=promise.term, deadline=days_from_today(200))
    body = client.get(f"/api/v1/akims/{promise.term.akim_id}/promises").get_json()
    assert_conforms(body, "PromiseList")
    codes = {item["id"]: item["budget_function"] for item in body["items"]}
    assert codes == {promise.id: "07", other.id: None}
    detail = client.get(f"/api/v1/akims/{promise.term.akim_id}").get_json()
    assert_conforms(detail, "AkimDetail")
    assert {item["id"]: item["budget_function"] for item in detail["promises"]} == codes
    table = next(table for table in PROMISES if table.name == "promises")
    column = [item.name for item in table.columns].index("budget_function")
    rows = {row[0]: row[column] for row in table.rows()}
    assert rows[promise.id] == "07" and rows[other.id] is None
