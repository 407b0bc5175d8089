"""Rate limits for the account endpoints: by IP address and by the account a form names.

Limits are configuration (`RATELIMIT_*`); the storage is memory by default and Redis when
REDIS_URL is set, so several app machines share one count. Keys never hold an email: the
per-account key is an HMAC of it under the secret key.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request
from werkzeug.wrappers import Response

DEFAULTS = {
    "RATELIMIT_LOGIN": "10 per minute;50 per hour",
    "RATELIMIT_LOGIN_ACCOUNT": "5 per minute;30 per hour",
    "RATELIMIT_REGISTER": "5 per hour",
    "RATELIMIT_PASSWORD_RESET": "5 per 10 minutes;20 per day",
    "RATELIMIT_PASSWORD_RESET_ACCOUNT": "3 per hour;6 per day",
    "RATELIMIT_TOKEN": "20 per hour",
    "RATELIMIT_PASSWORD_CHANGE": "5 per 10 minutes",
}


def limit(name: str) -> str:
    return str(current_app.config.get(name) or DEFAULTS[name])


def login_limit() -> str:
    return limit("RATELIMIT_LOGIN")


def login_account_limit() -> str:
    return limit("RATELIMIT_LOGIN_ACCOUNT")


def register_limit() -> str:
    return limit("RATELIMIT_REGISTER")


def reset_limit() -> str:
    return limit("RATELIMIT_PASSWORD_RESET")


def reset_account_limit() -> str:
    return limit("RATELIMIT_PASSWORD_RESET_ACCOUNT")


def token_limit() -> str:
    return limit("RATELIMIT_TOKEN")


def password_change_limit() -> str:
    return limit("RATELIMIT_PASSWORD_CHANGE")


def _email_key(prefix: str) -> str:
    email = request.form.get("email", "").strip().lower()
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return f"{prefix}:" + hmac.new(secret, email.encode(), hashlib.sha256).hexdigest()[:32]


def login_account_key() -> str:
    return _email_key("login-account")


def reset_account_key() -> str:
    return _email_key("reset-account")


def signed_in_user_key() -> str:
    from flask_login import current_user

    user_id = getattr(current_user, "id", None)
    return f"user:{user_id}" if user_id is not None else f"ip:{request.remote_addr}"


def failed_attempt(response: Response) -> bool:
    """Count only failures: a successful sign-in redirects; a refused one shows the form."""
    return response.status_code != 302
