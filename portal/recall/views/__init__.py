"""The recall blueprint: flags (public pages, the akim's response, staff review and dashboard),
the methodology, petitions and the administrators' rules page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask import Blueprint
from flask.blueprints import BlueprintSetupState
from markupsafe import Markup

from portal.config import ConfigError
from portal.recall.ruleset import RuleConfigError, RuleSet
from portal.richtext import plain_text_with_links

blueprint = Blueprint("recall", __name__)


@blueprint.record_once
def _check_rules(state: BlueprintSetupState) -> None:
    """RECALL_RULES that cannot be used stop the app at start, with the setting named, rather
    than failing the methodology, flag and profile pages with a 500."""
    try:
        RuleSet.from_json(state.app.config.get("RECALL_RULES"))
    except (RuleConfigError, TypeError, AttributeError) as error:
        raise ConfigError(f"RECALL_RULES is not usable: {error}") from error


@blueprint.app_template_filter("decimal")
def as_decimal(value: object) -> Decimal | None:
    """Evidence keeps exact numbers as strings ("0.2500"); templates format them as numbers."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@blueprint.app_template_filter("isodate")
def iso_date(value: object) -> date | None:
    """Evidence keeps dates as ISO strings; templates format them as dates."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


@blueprint.app_template_filter("recall_text")
def recall_text(value: str | None) -> Markup:
    """Responses, reasons and petition texts: plain text with links, escaped."""
    return plain_text_with_links(value)


# The route modules register on `blueprint` when imported.
from portal.recall.views import (  # noqa: E402, F401
    admin,
    flags,
    petitioning,
    public,
    staff,
)

__all__ = ["blueprint"]
