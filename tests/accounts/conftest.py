"""Helpers for account tests: the mail outbox, links in emails, posting forms with CSRF."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.mail import outbox_messages
from tests.conftest import csrf_from

LINK = re.compile(r"https?://[^\s]+")


class Outbox:
    """The messages written to instance/outbox/ during one test."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @property
    def messages(self) -> list[EmailMessage]:
        return outbox_messages()

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def last(self, address: str) -> EmailMessage:
        found = self.to(address)
        assert found, f"no email to {address}"
        return found[-1]


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def link_path(message: EmailMessage, contains: str) -> str:
    """The path of the first link in the email that contains `contains`."""
    for url in LINK.findall(body(message)):
        if contains in url:
            return "/" + url.split("/", 3)[3]
    raise AssertionError(f"no link with {contains!r} in: {body(message)}")


@pytest.fixture
def outbox(app: Flask) -> Outbox:
    folder = Path(app.config["OUTBOX_FOLDER"])
    shutil.rmtree(folder, ignore_errors=True)
    return Outbox(folder)


@pytest.fixture
def submit(client: FlaskClient) -> Callable[..., Any]:
    """Open a form page, then post `data` with the page's CSRF token (to `to` if given)."""

    def post(page: str, data: dict[str, Any], *, to: str | None = None, prefix: str = "",
             on: FlaskClient | None = None, **kwargs: Any) -> Any:
        target = on or client
        html = target.get(page).get_data(as_text=True)
        field = f"{prefix}-csrf_token" if prefix else "csrf_token"
        return target.post(to or page, data={**data, field: csrf_from(html)}, **kwargs)

    return post
