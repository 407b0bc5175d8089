"""Language choice: ?lang=, then the stored cookie, then the profile, then Accept-Language."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, has_request_context, request
from flask_login import current_user

LANG_COOKIE = "lang"
ONE_YEAR = 365 * 24 * 3600


def languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    if not has_request_context():  # CLI commands and jobs: the state language unless set
        config = current_app.config
        return str(config.get("OFFLINE_LOCALE") or config["BABEL_DEFAULT_LOCALE"])
    supported = languages()
    asked = request.args.get("lang")
    if asked in supported:
        g.lang_from_query = asked
        return asked
    stored = request.cookies.get(LANG_COOKIE)
    if stored in supported:
        return stored
    if current_user and current_user.is_authenticated and current_user.locale in supported:
        return str(current_user.locale)
    best = request.accept_languages.best_match(supported)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return str(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def remember_choice(response: Response) -> Response:
    """Store a language picked with ?lang= so the next pages keep it."""
    chosen = g.get("lang_from_query")
    if chosen and request.cookies.get(LANG_COOKIE) != chosen:
        response.set_cookie(
            LANG_COOKIE, chosen, max_age=ONE_YEAR, samesite="Lax", httponly=True,
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
    return response


def register(app: Flask) -> None:
    app.after_request(remember_choice)
