"""Malformed input over every route, derived from the URL map: never a 500.

Each route is reached as a persona the role matrix says gets through (`tests/test_role_matrix.py`
has a row for every route, with the objects of its world): ids past a 32-bit and a 64-bit
column give 404; every field of the forms a route reads (found by making the route's own
request once and noting the forms it built), every query parameter of the API (from its
OpenAPI document) and the query parameters pages read get a NUL, a 100 kB string, an
impossible date and a number past any integer column. One request per route per case.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import IntegerConverter, Rule
from wtforms import Field

from portal.api import openapi
from portal.web.forms import Form
from tests.conftest import csrf_from
from tests.test_role_matrix import LOGIN, ROWS, Row, World, build_world, everyone, undone

# Personas tried first: the broadest reach, so an object check does not stop the request
# before the input is read.
PREFERRED = ("admin", "akim_a", "citizen_a", "moderator", "staff", "akim_b", "citizen_b",
             "anonymous")
REFUSED = (LOGIN, 403, 404)
BIG_IDS = (2**31, 2**63)
CASES = {
    "nul": "a\x00b",
    "long": "x" * 100_000,
    "bad date": "2026-02-31",
    # Digits past any integer column: int() takes them, both databases refuse them (a 500).
    "huge number": "99999999999999999999",
}
# Query parameters the pages read outside forms (request.args.get in the views).
PAGE_ARGUMENTS = ("q", "page", "year", "status", "akim_q", "next", "lang", "restore", "reason")
# Routes whose POST the role matrix leaves out (it covers each endpoint once).
EXTRA_ROWS = [
    Row("sign in", "POST", lambda w: "/login", everyone(200),
        lambda w: {"email": "citizen-a@example.kz", "password": "not the password"}),
    Row("reset without a token", "POST", lambda w: "/password/reset", everyone(400),
        lambda w: {"password": "several unrelated words"}),
]


@dataclass
class Route:
    rule: Rule
    row: Row
    persona: str
    args: dict[str, Any]


def _reaching(row: Row) -> str | None:
    return next((persona for persona in PREFERRED if row.expect[persona] not in REFUSED), None)


def _routes(app: Flask, world: World) -> dict[tuple[str, str], Route]:
    """For each (endpoint, method): the first role-matrix row some persona gets through."""
    adapter = app.url_map.bind("localhost")
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    found: dict[tuple[str, str], Route] = {}
    for row in [*ROWS, *EXTRA_ROWS]:
        persona = _reaching(row)
        if persona is None:
            continue
        endpoint, args = adapter.match(row.url(world).split("?")[0], method=row.method)
        found.setdefault((endpoint, row.method), Route(rules[endpoint], row, persona, args))
    return found


class Clients:
    """One test client per persona, signed in again before each request (a request may have
    signed it out), with the CSRF token of its session."""

    def __init__(self, app: Flask, world: World, login: Any) -> None:
        self.app, self.world, self.login = app, world, login
        self.known: dict[str, tuple[FlaskClient, str, Any]] = {}

    def __call__(self, persona: str) -> tuple[FlaskClient, str]:
        if persona not in self.known:
            client = self.app.test_client()
            self._sign_in(client, persona)
            token = csrf_from(client.get("/login").get_data(as_text=True))
            with client.session_transaction() as session:
                self.known[persona] = (client, token, session["csrf_token"])
        client, token, raw = self.known[persona]
        with client.session_transaction() as session:
            session.clear()
            session["csrf_token"] = raw
        self._sign_in(client, persona)
        return client, token

    def _sign_in(self, client: FlaskClient, persona: str) -> None:
        if persona != "anonymous":
            self.login(self.world.users[persona], on=client)


def _send(clients: Clients, route: Route, url: str, data: dict[str, Any]) -> int:
    client, token = clients(route.persona)
    with undone():
        if route.row.method == "GET":
            path, _, query = url.partition("?")
            response = client.get(path, query_string={**dict(parse_qsl(query)), **data})
        else:
            data = {name: token if name.endswith("csrf_token") else value
                    for name, value in data.items()}
            data.setdefault("csrf_token", token)
            response = client.post(url, data=data, content_type="multipart/form-data"
                                   if route.row.multipart else None)
        response.close()
    return response.status_code


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def forms_built(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Form]]:
    """The forms a request builds (every form derives from `Form`)."""
    built: list[Form] = []
    original = Form.__init__

    def recording(self: Form, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        built.append(self)

    monkeypatch.setattr(Form, "__init__", recording)
    yield built


def test_every_route_is_reached_by_someone(app: Flask, world: World) -> None:
    routes = _routes(app, world)
    missing = sorted(f"{method} {rule.rule}" for rule in app.url_map.iter_rules()
                     if rule.endpoint != "static" for method in rule.methods or ()
                     if method in ("GET", "POST") and (rule.endpoint, method) not in routes)
    assert not missing, "routes no persona of the role matrix gets through:\n" + "\n".join(
        missing)


def test_ids_past_the_columns_are_not_found(app: Flask, world: World, login: Any) -> None:
    """2^31 is past PostgreSQL's integer, 2^63 past SQLite's: a 404, never the database's
    overflow as a 500."""
    adapter = app.url_map.bind("localhost")
    clients = Clients(app, world, login)
    problems, requests = [], 0
    for (endpoint, _method), route in _routes(app, world).items():
        ids = [name for name, converter in route.rule._converters.items()
               if isinstance(converter, IntegerConverter)]
        for big in BIG_IDS if ids else ():
            url = adapter.build(endpoint, {**route.args, **dict.fromkeys(ids, big)})
            status = _send(clients, route, url, route.row.data(world))
            requests += 1
            if status != 404:
                problems.append(f"{route.row.method} {url} as {route.persona}: {status}")
    assert requests > 100  # the sweep reached the routes with ids
    assert not problems, "\n".join(problems)


def _api_parameters(rule: Rule) -> list[str]:
    document = openapi.document()
    path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
    operation = document["paths"].get(path, {}).get("get", {})
    return [parameter["name"] for parameter in operation.get("parameters", [])
            if parameter.get("in") == "query"]


def test_malformed_text_is_never_a_server_error(app: Flask, world: World, login: Any,
                                                forms_built: list[Form]) -> None:
    clients = Clients(app, world, login)
    problems, requests = [], 0
    for (_endpoint, method), route in _routes(app, world).items():
        url = route.row.url(world)
        forms_built.clear()
        _send(clients, route, url, route.row.data(world))  # which forms it reads
        fields: set[str] = {field.name for form in forms_built for field in form
                            if _typed(field)}
        if route.rule.rule.startswith("/api/"):
            fields.update(_api_parameters(route.rule))
        elif method == "GET":
            fields.update(PAGE_ARGUMENTS)
        for case, value in CASES.items() if fields else ():
            data = {**route.row.data(world), **dict.fromkeys(fields, value)}
            status = _send(clients, route, url, data)
            requests += 1
            if status >= 500:
                problems.append(f"{case}: {method} {url} as {route.persona}: {status}")
    assert requests > 300
    assert not problems, "\n".join(problems)


def _typed(field: Field) -> bool:
    return not field.name.endswith("csrf_token")


def test_every_form_derives_from_the_checking_base(app: Flask) -> None:
    """A form outside `Form` would skip the control-character check."""
    from flask_wtf import FlaskForm

    def subclasses(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    outside = [f"{cls.__module__}.{cls.__qualname__}" for cls in subclasses(FlaskForm)
               if cls.__module__.startswith("portal.") and not issubclass(cls, Form)]
    assert not outside, outside


def test_a_nul_in_a_form_is_refused_beside_the_field(client: FlaskClient, csrf: Any,
                                                      login: Any) -> None:
    """Not only no 500: the person is told what is wrong, next to what they typed."""
    response = client.post("/login", data={"email": "aigerim\x00@example.kz",
                                           "password": "steppe wind", "csrf_token": csrf()})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    error = re.search(r'id="email-error"[^>]*>(.*?)</p>', html, re.S)
    assert error and "control character (such as a NUL byte)" in error.group(1)


def test_multi_line_text_keeps_tabs_and_line_ends(app: Flask,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from wtforms import StringField, TextAreaField

    class Sample(Form):
        line = StringField()
        text = TextAreaField()

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    with app.test_request_context(method="POST", data={"line": "a\tb", "text": "a\tb\r\nc\x0bd"}):
        form = Sample()
        assert not form.validate()
        assert form.line.errors and form.text.errors
    with app.test_request_context(method="POST", data={"line": "a b", "text": "a\tb\r\nc"}):
        assert Sample().validate()
