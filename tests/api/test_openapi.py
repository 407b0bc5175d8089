"""The OpenAPI document: a valid OpenAPI 3.1 description, covering exactly the routes that
exist, and matched by the real answers (see also test_schemathesis.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator

from portal.api import openapi
from tests.api.conftest import World, schema_errors

CONVERTER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
NOT_IN_THE_API = {"/api/v1/docs"}  # the human-readable page about it


def documented_routes(app: Flask) -> set[str]:
    return {CONVERTER.sub(r"{\1}", rule.rule).removeprefix("/api/v1")
            for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/api/v1") and rule.rule not in NOT_IN_THE_API}


def test_every_route_is_documented_and_nothing_else(app: Flask) -> None:
    assert documented_routes(app) == set(openapi.document()["paths"])


def test_the_document_is_valid_openapi_31() -> None:
    definitions = pytest.importorskip("schemathesis.specs.openapi.definitions")
    validator = Draft202012Validator(definitions.OPENAPI_31)
    problems = [f"{list(error.absolute_path)}: {error.message}"
                for error in validator.iter_errors(openapi.document())]
    assert not problems, problems[:10]


@pytest.mark.parametrize("name", sorted(openapi.document()["components"]["schemas"]))
def test_every_schema_is_valid_json_schema(name: str) -> None:
    Draft202012Validator.check_schema(openapi.schema(name))


def test_examples_in_the_document_conform_to_their_schemas() -> None:
    for name, schema in openapi.document()["components"]["schemas"].items():
        for example in schema.get("examples", []):
            assert not schema_errors(example, name), name


def test_every_operation_documents_its_errors_with_the_error_schema() -> None:
    for path, methods in openapi.document()["paths"].items():
        for operation in methods.values():
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, (path, status)


def _concrete(path: str, world: World) -> str:
    return (path.replace("{kato}", world.rural_district.kato if "rural" in path else "61")
            .replace("{akim_id}", str(world.akim.id))
            .replace("{report_id}", str(world.amended.id))
            .replace("{meeting_id}", str(world.meeting.id)))


def test_every_endpoint_answers_as_documented(client: FlaskClient, world: World,
                                              login: Any) -> None:
    """Real answers for every path (and every documented error status we can provoke)."""
    document = openapi.document()
    for path, methods in document["paths"].items():
        operation = methods["get"]
        if operation.get("security"):
            from tests.factories import UserFactory

            login(UserFactory.resident_of(world.rural_district))
        response = client.get("/api/v1" + _concrete(path, world))
        status = str(response.status_code)
        assert status in operation["responses"], (path, status)
        content = operation["responses"][status]["content"]
        schema = content[response.mimetype]["schema"]
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            assert not schema_errors(response.get_json(), name), path
        if "text/csv" in content:
            csv = client.get("/api/v1" + _concrete(path, world) + "?format=csv")
            assert csv.mimetype == "text/csv"
