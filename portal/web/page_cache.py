"""A cache of whole public pages for anonymous readers, invalidated whenever public data changes.

A page is stored under (data version, language, encoding, path with query), compressed for
that encoding when it is stored, so a hit costs no compression. The data version changes
after every commit that touched a public table — from a web request, a CLI command or a job —
so a cached page is never older than the data it shows. The version lives in Redis when
REDIS_URL is set (shared by every machine), otherwise in a small file under instance/ (shared
by every process of one machine). Only anonymous GETs of `@public` views are cached, and only
when the response carries no session (no CSRF token, no flash): nothing personal is stored.
Nothing of the request other than these goes into a page: the Host header and
X-Forwarded-* never do (absolute addresses come from PUBLIC_BASE_URL), so nobody can plant
another site's address in a page that others will be served.
"""

from __future__ import annotations

import logging
import secrets
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, request, session
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.http import generate_etag

from portal import clock
from portal.extensions import cache, redis_client
from portal.permissions import ACCESS_ATTRIBUTE
from portal.web import compression

log = logging.getLogger(__name__)

VERSION_KEY = "portal:data-version"
PAGE_TIMEOUT = 600  # seconds; the version makes pages stale-proof, this bounds memory
BROWSER_MAX_AGE = 60
# Tables whose changes no anonymous page shows.
PRIVATE_TABLES = frozenset({
    "audit_event", "account_token", "user_account", "user_role", "verification_request",
    "resident_register_import", "resident_register_entry", "report_text_stash", "stored_file",
    "budget_import", "export_job", "site_meta", "dossier_demand", "dossier_rebuild",
    "follow", "notification_event", "notification", "notification_settings",
    "notification_preference", "undeliverable_address",
})
UNCACHED_ENDPOINTS = frozenset({"web.healthz", "web.readyz", "web.ping", "static"})
# Headers a cached answer must keep (CSV downloads, paginated API lists).
KEPT_HEADERS = ("Content-Disposition", "Link", "X-Total-Count")
PROCESS_STARTED = datetime.now(UTC).replace(microsecond=0)
CACHEABLE_TYPES = ("text/html", "application/json", "text/csv", "image/svg+xml",
                   "application/atom+xml")


# --------------------------------------------------------------------------- data version

def _version_file() -> Path:
    return Path(current_app.instance_path) / "data-version"


def data_version() -> str:
    client = redis_client()
    if client is not None:
        value = client.get(VERSION_KEY)
        return value.decode() if value else "0"
    try:
        return str(_version_file().stat().st_mtime_ns)
    except FileNotFoundError:
        return "0"


def data_changed_at(version: str | None = None) -> datetime | None:
    """When the public data last changed (the version's time), or None if never recorded.
    `version`: one already read in this request, saving a second look-up."""
    version = data_version() if version is None else version
    # Redis versions are "<nanoseconds>-<random>", files are their mtime in nanoseconds.
    head = version.split("-", 1)[0]
    if version == "0" or not head.isdigit():
        return None
    return datetime.fromtimestamp(int(head) / 1e9, UTC)


def bump_data_version() -> None:
    client = redis_client()
    if client is not None:
        client.set(VERSION_KEY, f"{time.time_ns()}-{secrets.token_hex(8)}")
        return
    path = _version_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(secrets.token_hex(8))  # a new write is a new mtime


def _touches_public_data(session: Session) -> bool:
    return bool(session.info.get("portal_public_change"))


def _mark_flush(session: Session, _context: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if getattr(obj, "__tablename__", None) not in PRIVATE_TABLES:
            session.info["portal_public_change"] = True
            return


def _mark_statement(state: Any) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) not in PRIVATE_TABLES:
        state.session.info["portal_public_change"] = True


def _after_commit(session: Session) -> None:
    if _touches_public_data(session):
        session.info.pop("portal_public_change", None)
        try:
            bump_data_version()
        except Exception:  # noqa: BLE001 - a cache outage must never fail a saved change
            log.exception("could not bump the data version; cached pages may be stale")


def _after_rollback(session: Session) -> None:
    session.info.pop("portal_public_change", None)


def listen_for_changes() -> None:
    """Session events for every session, app and CLI alike (registered once per process)."""
    if event.contains(Session, "after_flush", _mark_flush):
        return
    event.listen(Session, "after_flush", _mark_flush)
    event.listen(Session, "do_orm_execute", _mark_statement)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_soft_rollback", lambda s, _t: _after_rollback(s))


# --------------------------------------------------------------------------- page cache

def _cacheable_request() -> bool:
    if request.method not in ("GET", "HEAD") or request.endpoint in UNCACHED_ENDPOINTS:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    access = getattr(view, ACCESS_ATTRIBUTE, None)
    if not access or access[0] != "public":
        return False
    # Anyone with a session (signed in, a pending flash, a form token) gets a live page.
    return not session


def _key(version: str, encoding: str | None) -> str:
    from flask_babel import get_locale

    return f"page:{version}:{get_locale()}:{encoding or 'identity'}:{request.full_path}"


def serve_from_cache() -> Response | None:
    if not _cacheable_request():
        return None
    # Read once per request (a Redis round trip with REDIS_URL): the key and Last-Modified.
    g.page_cache_version = data_version()
    key = _key(g.page_cache_version,
               compression.negotiate(request.headers.get("Accept-Encoding")))
    g.page_cache_key = key
    hit = cache.get(key)
    if hit is None or len(hit) != 6:  # absent, or stored by an older release
        return None
    body, status, mimetype, kept, encoding, etag = hit
    response = Response(body, status=status, mimetype=mimetype)
    for name, value in kept:
        response.headers[name] = value
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.headers["X-Page-Cache"] = "hit"
    g.page_cache_key = None  # already stored
    return _conditional(response, etag)


def store_in_cache(response: Response) -> Response:
    key = g.get("page_cache_key")
    if not key or response.status_code != 200 or response.direct_passthrough:
        return response
    if response.mimetype not in CACHEABLE_TYPES or "csrf_token" in g or session:
        return response
    kept = tuple((name, response.headers[name]) for name in KEPT_HEADERS
                 if name in response.headers)
    # Compressed once, here, for the encoding in the key; every hit sends these bytes.
    body, encoding = compression.encode_body(
        response.get_data(), response.mimetype, request.headers.get("Accept-Encoding"))
    etag = generate_etag(body)
    cache.set(key, (body, response.status_code, response.mimetype, kept, encoding, etag),
              timeout=PAGE_TIMEOUT)
    compression.set_encoded(response, body, encoding)
    response.headers["X-Page-Cache"] = "miss"
    return _conditional(response, etag)


def _conditional(response: Response, etag: str) -> Response:
    response.headers["Cache-Control"] = f"public, max-age={BROWSER_MAX_AGE}"
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    compression.add_vary(response)
    response.set_etag(etag)
    modified = last_modified(g.get("page_cache_version"))
    if modified is not None:
        response.last_modified = modified
    response.make_conditional(request)  # turns into a 304 in place when the ETag matches
    return response


def last_modified(version: str | None = None) -> datetime | None:
    """An honest upper bound of when a public page last changed: the latest of the last data
    change, the start of this process (new code may render differently) and the start of
    today in Almaty (pages show what is due or overdue as of today). None when the data
    version has no time."""
    changed = data_changed_at(version)
    if changed is None:
        return None
    midnight = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    return max(changed, PROCESS_STARTED, midnight.astimezone(UTC)).replace(microsecond=0)


def register(app: Flask) -> None:
    listen_for_changes()
    app.before_request(serve_from_cache)
    app.after_request(store_in_cache)
