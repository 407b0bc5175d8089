"""Fixtures of the reports tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, g


@pytest.fixture(autouse=True)
def _user_loaded_per_request(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test keeps one app context open, and Flask reuses it for the test client's
    requests, so Flask-Login's per-request cache (`g._login_user`) would outlive a request:
    a test that reads a page anonymously and then signs in would stay anonymous. Production
    pushes a fresh app context per request; this does the same for the user cache."""
    original = app.test_client_class.open

    def open_with_fresh_user(self: Any, *args: Any, **kwargs: Any) -> Any:
        g.pop("_login_user", None)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(app.test_client_class, "open", open_with_fresh_user)
    yield
