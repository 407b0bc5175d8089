"""Fixtures for the promise tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, g, request_started


@pytest.fixture(autouse=True)
def _fresh_g_per_request(app: Flask) -> Iterator[None]:
    """Each test request starts with an empty `g`, as a real request would.

    The suite keeps one app context open per test, and Flask reuses it for the test client's
    requests, so `g` (where Flask-Login caches the signed-in user) would otherwise carry the
    first request's user into the next ones, and signing in as someone else mid-test would
    not take effect.
    """

    def clear(_sender: Any, **_extra: Any) -> None:
        for name in list(vars(g)):
            delattr(g, name)

    request_started.connect(clear, app)
    yield
    request_started.disconnect(clear, app)
