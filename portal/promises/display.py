"""Jinja filters for promise pages: status tones, user text, and amended values in words."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup

from portal.modeling import current_language
from portal.promises.models import FundingSource, PromiseCategory, PromiseStatus
from portal.richtext import plain_text_with_links
from portal.web.templating import day, money

TONES = {
    PromiseStatus.KEPT: "ok",
    PromiseStatus.BROKEN: "bad",
    PromiseStatus.STALLED: "warn",
    PromiseStatus.PARTIALLY_KEPT: "warn",
    PromiseStatus.WITHDRAWN: "warn",
}
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def tone(status: PromiseStatus | str | None) -> str:
    """A badge colour for a status: ok, warn, bad or neutral."""
    if status is None:
        return "neutral"
    return TONES.get(PromiseStatus(status), "neutral")


def user_text(text: str | None) -> Markup:
    """Text an akim, a verifier or a resident wrote: escaped, links made clickable."""
    return plain_text_with_links(text)


def field_label(name: str) -> str:
    from portal.promises.labels import FIELD_LABELS

    text = FIELD_LABELS.get(name)
    return str(text) if text is not None else name


def change_value(value: Any, field: str) -> str:
    """A value from an amendment's record (plain JSON) as a reader would say it."""
    if value is None or value == "" or value == []:
        return "—"
    if field == "category":
        return _label(PromiseCategory(value))
    if field == "funding_source":
        return _label(FundingSource(value))
    if field == "deadline":
        return day(date.fromisoformat(value))
    if field == "cost_estimate":
        return money(int(value))
    if field == "inherited":
        return _("yes") if value else _("no")
    if field == "language":
        return LANGUAGE_NAMES.get(value, str(value))
    if field == "budget_function":
        if isinstance(value, dict):
            name = value.get(current_language()) or value.get("kk") or ""
            return f"{value.get('code', '')} {name}".strip()
        return str(value)
    if field == "settlements":
        if isinstance(value, dict):
            return value.get(current_language()) or value.get("kk") or "—"
        return "—"
    text = str(value)
    return text if len(text) <= 300 else text[:300] + "…"


def _label(value: Any) -> str:
    from portal.labels import label

    return label(value)
