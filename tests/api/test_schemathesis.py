"""A property-based run over the whole API (schemathesis): for generated requests, valid and
invalid, no 500 and no answer outside the document (status, content type, schema).

Each operation gets a bounded number of examples in both generation modes, derandomized so a
CI run is reproducible; locally `API_FUZZ_EXAMPLES=500` explores further.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

import pytest
import schemathesis
from flask import Flask, g, has_app_context
from hypothesis import HealthCheck, given, settings, strategies

from portal.api import openapi
from portal.extensions import db
from tests.api.conftest import World

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "25"))
SCHEMA = schemathesis.openapi.from_dict(openapi.document())
POSITIVE, NEGATIVE = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE
# Invalid requests can only be made where there are parameters to get wrong.
RUNS = [(path, method, mode) for path, methods in openapi.document()["paths"].items()
        for method, operation in methods.items()
        for mode in ((POSITIVE, NEGATIVE) if operation.get("parameters") else (POSITIVE,))]


def fresh_requests(app: Flask) -> Callable[[dict[str, Any], Any], Iterable[bytes]]:
    """The app as WSGI, with each request starting clean (as PortalClient does)."""

    def wsgi(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        # schemathesis announces gzip as `requests` does, but its WSGI transport hands the
        # body over undecoded; compression is tested in tests/web/test_compression.py.
        environ.pop("HTTP_ACCEPT_ENCODING", None)
        db.session.expire_all()
        if has_app_context():
            for name in list(g):
                g.pop(name)
        return app(environ, start_response)

    return wsgi


@pytest.mark.parametrize(("path", "method", "mode"), RUNS,
                         ids=[f"{method.upper()} {path} {mode.value}"
                              for path, method, mode in RUNS])
def test_generated_requests_get_documented_answers(app: Flask, world: World, path: str,
                                                   method: str,
                                                   mode: schemathesis.GenerationMode) -> None:
    operation = SCHEMA[path][method.upper()]
    wsgi = fresh_requests(app)
    known = {"akim_id": world.akim.id, "report_id": world.amended.id}

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode), aim=strategies.booleans())
    def run(case: Any, aim: bool) -> None:
        # Valid requests aim at a real akim or report half the time, so that generated
        # filters and pages meet real data rather than only 404s.
        for name, value in known.items():
            if aim and mode is POSITIVE and name in (case.path_parameters or {}):
                case.path_parameters[name] = value
        response = case.call(app=wsgi)
        assert response.status_code < 500, (case.as_curl_command(), response.text[:500])
        case.validate_response(response)

    run()
