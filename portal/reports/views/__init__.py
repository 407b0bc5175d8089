"""The reports blueprint: public pages, the akim's editor, roll-ups and the akim dashboard."""

from __future__ import annotations

from typing import cast

from flask import Blueprint, Flask
from flask.blueprints import BlueprintSetupState

from portal.config import ConfigError
from portal.reports import templating
from portal.reports.policy import PolicyError, ReportingPolicy
from portal.reports.timeliness import local_today

blueprint = Blueprint("reports", __name__)


@blueprint.record_once
def _register_filters(state: BlueprintSetupState) -> None:
    templating.register(cast(Flask, state.app))


@blueprint.record_once
def _check_policy(state: BlueprintSetupState) -> None:
    """A REPORTING_POLICY that cannot be used stops the app at start, with the reason, rather
    than failing every page that schedules reports with a 500."""
    try:
        ReportingPolicy.from_config(state.app.config.get("REPORTING_POLICY"))
    except (PolicyError, KeyError, TypeError, AttributeError) as error:
        raise ConfigError(f"REPORTING_POLICY is not usable: {error}") from error


@blueprint.context_processor
def _today() -> dict[str, object]:
    """Due dates are counted on the Almaty calendar."""
    return {"today": local_today()}


# The route modules register on `blueprint` when imported.
from portal.reports.views import areas, editor, entries, public  # noqa: E402, F401

__all__ = ["blueprint"]
