"""Error pages for people and JSON errors for the API; nothing reaches a user as a bare 500."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.extensions import db
from portal.storage import StorageError
from portal.transactions import is_transient

log = logging.getLogger(__name__)


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood. Please check what you entered."),
        401: _("Please sign in to continue."),
        403: _("You do not have permission to do this."),
        404: _("We could not find that page. It may have moved, or the address may be wrong."),
        405: _("This address does not accept that kind of request."),
        413: _("The file is too large. Files may be at most 10 MB."),
        429: _("Too many attempts. Please wait a little and try again."),
        500: _("Something went wrong on our side. It has been logged; please try again later."),
        503: _("The service is temporarily unavailable. Please try again later."),
    }


def _titles() -> dict[int, str]:
    return {
        400: _("Bad request"),
        401: _("Sign-in required"),
        403: _("Access denied"),
        404: _("Page not found"),
        405: _("Method not allowed"),
        413: _("File too large"),
        429: _("Too many requests"),
        500: _("Server error"),
        503: _("Service unavailable"),
    }


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str | None = None, code: str | None = None,
                   next_step: tuple[str, str] | None = None) -> Response:
    """A JSON error under /api/, an error page elsewhere; `message` is shown to the user,
    `next_step` (url, label) is the link to what they can do instead."""
    message = message or _messages().get(status, _messages()[500])
    if wants_json():
        body = {"error": {"code": code or _codes().get(status, "error"), "message": message}}
        response = jsonify(body)
    else:
        title = _titles().get(status, _titles()[500])
        response = make_response(
            render_template("errors/error.html", status=status, title=title, message=message,
                            next_step=next_step)
        )
    response.status_code = status
    return response


def _codes() -> dict[int, str]:
    return {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
            405: "method_not_allowed", 413: "too_large", 429: "rate_limited", 500: "server_error",
            503: "unavailable"}


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Response:
        return error_response(
            400, _("Your form expired or was sent from elsewhere. Please go back, reload the "
                   "page and try again; what you typed is still in the form."), "csrf"
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        if status >= 500 and status != 503:
            return error_response(500)
        # A view may attach a message meant for the user (see `abort_with`); a refusal by
        # `portal.permissions.deny` may say why and what to do instead.
        message = getattr(error, "portal_message", None)
        refusal = getattr(error, "portal_refusal", None)
        next_step = None
        if refusal is not None:
            message = refusal.message
            if refusal.next_url:
                next_step = (refusal.next_url, refusal.next_label or refusal.next_url)
        response = error_response(status, message, next_step=next_step)
        for header in ("Allow", "Retry-After"):
            value = error.get_response().headers.get(header)
            if value:
                response.headers[header] = value
        return response

    @app.errorhandler(StorageError)
    def storage_unavailable(error: StorageError) -> Response:
        """The file store did not answer: the service is unavailable, not broken."""
        log.error("storage failed on %s %s: %s", request.method, request.path, error)
        response = error_response(503)
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Response:
        if isinstance(error, HTTPException):
            return http_error(error)
        # The page below reads the database (the signed-in user, the menus): a failed
        # transaction would fail it again and the reader would get the server's bare 500.
        db.session.rollback()
        if isinstance(error, DBAPIError) and is_transient(error):
            log.warning("database busy on %s %s: %s", request.method, request.path, error)
            response = error_response(503)
            response.headers["Retry-After"] = "5"
            return response
        log.exception("unhandled error on %s %s", request.method, request.path)
        try:
            return error_response(InternalServerError.code)
        except Exception:
            log.exception("the error page failed on %s %s", request.method, request.path)
            return Response(_messages()[500], status=500, mimetype="text/plain")


def abort_with(status: int, message: str) -> None:
    """Abort with a status and a message for the user, rendered by the handlers above."""
    from werkzeug.exceptions import default_exceptions

    error = default_exceptions[status]()
    error.portal_message = message  # type: ignore[attr-defined]
    raise error
