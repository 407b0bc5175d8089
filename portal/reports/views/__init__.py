"""The reports blueprint: public pages, the akim's editor, roll-ups and the akim dashboard."""

from __future__ import annotations

from typing import cast

from flask import Blueprint, Flask
from flask.blueprints import BlueprintSetupState

from portal.reports import templating
from portal.reports.timeliness import local_today

blueprint = Blueprint("reports", __name__)


@blueprint.record_once
def _register_filters(state: BlueprintSetupState) -> None:
    templating.register(cast(Flask, state.app))


@blueprint.context_processor
def _today() -> dict[str, object]:
    """Due dates are counted on the Almaty calendar."""
    return {"today": local_today()}


# The route modules register on `blueprint` when imported.
from portal.reports.views import areas, editor, entries, public  # noqa: E402, F401

__all__ = ["blueprint"]
