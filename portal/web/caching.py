"""Cache-Control by one rule: a response not the same for everyone is `private, no-store`.

Issue 24, finding 14: a draft's files went out with `public, max-age=3600`, so a shared cache
(or the next user of a library computer) could keep what only the akim may read. Now:

- A view whose response every visitor would get byte for byte (versioned assets, published
  files, the open-data ZIP) says so with `shared(response, max_age)`; that is the only way a
  response to a signed-in user stays cacheable.
- After every request, any other response is marked `private, no-store` when it comes from a
  route that is not `@public`, when it was made for a signed-in user (the view looked at
  who is signed in: a draft shown to its akim by a public route, a personal page), or when
  it wrote to the browser's session (a form token, a flash, a token taken from a link).
- Anonymous readers of `@public` routes keep what the view or the page cache set.
"""

from __future__ import annotations

from typing import TypeVar

from flask import Flask, current_app, g, request, session
from werkzeug.wrappers import Response

from portal.permissions import ACCESS_ATTRIBUTE

R = TypeVar("R", bound=Response)

PRIVATE = "private, no-store"
_SHARED = "_portal_shared"


def shared(response: R, max_age: int | None = None) -> R:
    """Mark `response` as the same for every visitor; with `max_age`, cacheable that long."""
    if max_age is not None:
        response.headers["Cache-Control"] = f"public, max-age={max_age}"
    setattr(response, _SHARED, True)
    return response


def is_shared(response: Response) -> bool:
    return bool(getattr(response, _SHARED, False))


def _public_route() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    access = getattr(view, ACCESS_ATTRIBUTE, None)
    return access is not None and access[0] == "public"


def _for_signed_in_user() -> bool:
    # Only a user the request already loaded: a response that never asked who is signed in
    # cannot depend on it (and asking here would cost a query on every asset).
    user = g.get("_login_user")
    return bool(user is not None and user.is_authenticated)


def apply(response: Response) -> Response:
    if is_shared(response):
        return response
    if not _public_route() or _for_signed_in_user() or session.modified:
        response.headers["Cache-Control"] = PRIVATE
        response.headers.pop("Expires", None)
    return response


def register(app: Flask) -> None:
    app.after_request(apply)
