"""Political parties that nominate akims, by code; names are translated for display."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

PARTY_NAMES = {
    "amanat": _l("AMANAT party"),
    "auyl": _l("Auyl People's Democratic Patriotic Party"),
    "aq_jol": _l("Ak Zhol Democratic Party"),
    "respublica": _l("Respublica party"),
    "peoples": _l("People's Party of Kazakhstan"),
    "national_social_democratic": _l("National Social Democratic Party"),
}


def party_name(code: str | None) -> str:
    if code is None:
        return str(_l("Self-nominated"))
    return str(PARTY_NAMES.get(code, code))
