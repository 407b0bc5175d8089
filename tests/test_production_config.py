"""`PORTAL_ENV=production` refuses to start half-configured, naming what is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from portal.config import ConfigError, production_problems
from tests.conftest import production_settings


def problems(**overrides: Any) -> str:
    return "\n".join(production_problems(production_settings(**overrides)))


def test_a_complete_production_configuration_starts(make_app: Any) -> None:
    app = make_app(**production_settings())
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(("setting", "value", "named"), [
    ("REDIS_URL", None, "REDIS_URL is not set"),
    ("REDIS_URL", "", "REDIS_URL is not set"),
    ("PUBLIC_BASE_URL", None, "PUBLIC_BASE_URL is not set"),
    ("PUBLIC_BASE_URL", "http://127.0.0.1:5000", "PUBLIC_BASE_URL is not set"),
    ("PUBLIC_BASE_URL", "http://localhost:8000", "PUBLIC_BASE_URL is not set"),
    ("MAIL_SERVER", None, "MAIL_SERVER is not set"),
])
def test_each_missing_piece_is_named(make_app: Any, setting: str, value: Any,
                                     named: str) -> None:
    assert named in problems(**{setting: value})
    with pytest.raises(ConfigError, match=named):
        make_app(**production_settings(**{setting: value}))


def test_every_missing_piece_is_named_at_once() -> None:
    text = problems(REDIS_URL=None, PUBLIC_BASE_URL=None, MAIL_SERVER=None)
    assert all(name in text for name in ("REDIS_URL", "PUBLIC_BASE_URL", "MAIL_SERVER"))


@pytest.mark.parametrize(("machines", "url", "refused"), [
    (1, None, False),
    (1, "file:///srv/portal-files", False),
    (2, None, True),
    (2, "file:///srv/portal-files", True),
    (3, "file:///mnt/shared-files?shared=1", False),
    (2, "s3://portal-files/prod?endpoint=https://storage.example", False),
    (1, "ftp://files.example/portal", True),  # a store the portal cannot use at all
])
def test_local_storage_is_refused_when_several_machines_serve(machines: int, url: str | None,
                                                              refused: bool) -> None:
    text = problems(PORTAL_MACHINES=machines, STORAGE_URL=url)
    assert ("STORAGE_URL" in text) is refused
    if refused and url and url.startswith("ftp"):
        assert "STORAGE_URL must start with file:// or s3://, not 'ftp'" in text
    elif refused:
        assert f"PORTAL_MACHINES={machines}" in text


def test_development_and_tests_need_none_of_it(make_app: Any) -> None:
    app = make_app(PORTAL_ENV="development", REDIS_URL=None, MAIL_SERVER=None,
                   PORTAL_MACHINES=4)
    assert app.config["PORTAL_ENV"] == "development"


def test_the_command_line_refuses_to_start_and_says_why(tmp_path: Path) -> None:
    """As an operator sees it: the process exits at once with the variables named."""
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("PORTAL_", "REDIS_", "MAIL_", "STORAGE_", "PUBLIC_"))}
    environment.update(PORTAL_ENV="production", PORTAL_INSTANCE_PATH=str(tmp_path),
                       SECRET_KEY="s" * 40, IIN_HMAC_KEY="i" * 40, AUDIT_HMAC_KEY="a" * 40,
                       PUBLIC_BASE_URL="https://akim-portal.example", PORTAL_MACHINES="2",
                       DATABASE_URL=f"sqlite:///{tmp_path / 'portal.db'}")
    flask = str(Path(sys.executable).with_name("flask"))
    result = subprocess.run([flask, "--app", "portal", "db", "current"],  # noqa: S603
                            env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "REDIS_URL is not set" in result.stderr
    assert "MAIL_SERVER is not set" in result.stderr
    assert "STORAGE_URL is unset (the instance folder) but PORTAL_MACHINES=2" in result.stderr
    assert "PUBLIC_BASE_URL" not in result.stderr
