"""The recall blueprint: flags (public pages, the akim's response, staff review and dashboard),
the methodology, petitions and the administrators' rules page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask import Blueprint
from markupsafe import Markup

from portal.richtext import plain_text_with_links

blueprint = Blueprint("recall", __name__)


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
