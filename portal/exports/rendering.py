"""Rendering many dossiers: cached ones are reused, the rest rendered in this process or, for
larger batches, in a small pool of worker processes (one per core, two on this machine).

WeasyPrint lays out in pure Python, so one process uses one core; a pool is the only way to
use the second. Workers are spawned (never forked: the job worker has threads and database
connections) and each builds the app once; they get prepared plain data, never touch the
database, and write each PDF into the dossier cache in the storage, so the parent only reads.
"""

from __future__ import annotations

import gc
import io
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from flask import Flask, current_app
from pypdf import PdfReader

from portal.exports import services, store
from portal.exports.pdf import collector_paused

# Below this many dossiers to render, starting workers (about two seconds) does not pay.
POOL_THRESHOLD = 12
# Settings a worker needs to render exactly like the parent.
# Everything production insists on goes along (a worker built without Redis or a mail
# server refused to start there, and the bundle failed with it).
_WORKER_SETTINGS = ("PORTAL_ENV", "SECRET_KEY", "IIN_HMAC_KEY", "AUDIT_HMAC_KEY", "PUBLIC_BASE_URL",
                    "STORAGE_URL", "REDIS_URL", "MAIL_SERVER", "PORTAL_MACHINES",
                    "EXPORT_RENDER_LEASE_SECONDS", "EXPORT_RENDER_WAIT_SECONDS",
                    "BABEL_DEFAULT_LOCALE", "BABEL_DEFAULT_TIMEZONE", "LANGUAGES",
                    "SQLALCHEMY_DATABASE_URI")

_worker_app: Flask | None = None


def process_count(to_render: int) -> int:
    configured = current_app.config.get("EXPORT_RENDER_PROCESSES")
    processes = int(configured) if configured else min(2, os.cpu_count() or 1)
    threshold = int(current_app.config.get("EXPORT_POOL_THRESHOLD") or POOL_THRESHOLD)
    return processes if processes > 1 and to_render >= threshold else 1


def page_count(fingerprint: str) -> int:
    """From the note written beside the dossier; parsed from the PDF (and noted) if missing."""
    pages = store.dossier_pages(fingerprint)
    if pages is None:
        with collector_paused():
            pages = len(PdfReader(io.BytesIO(store.read(store.dossier_key(fingerprint)))).pages)
        store.write_pages(fingerprint, pages)
    return pages


def render_all(items: Sequence[services.PreparedDossier],
               should_stop: Callable[[], bool]) -> Iterator[tuple[int, str, int]]:
    """(index, storage key, pages) for each dossier, in order, as each is ready. Stops early (and
    shuts the pool down) when `should_stop()` turns true between dossiers."""
    missing = [index for index, item in enumerate(items)
               if not store.exists(store.dossier_key(item.rendition))]
    processes = process_count(len(missing))
    if processes == 1:
        for index, item in enumerate(items):
            if should_stop():
                return
            path, _fresh = services.dossier_pdf(item)
            yield index, path, page_count(item.rendition)
        return
    with ProcessPoolExecutor(max_workers=processes, mp_context=get_context("spawn"),
                             initializer=_start_worker, initargs=(worker_settings(),)) as pool:
        futures: dict[int, Future[tuple[str, int]]] = {
            index: pool.submit(_render_in_worker, items[index]) for index in missing}
        try:
            for index, item in enumerate(items):
                if should_stop():
                    return
                future = futures.get(index)
                if future is not None:
                    _fingerprint, pages = future.result()
                    path = store.dossier_key(item.rendition)
                else:
                    path = store.dossier_key(item.rendition)
                    store.touch(path)
                    pages = page_count(item.rendition)
                yield index, path, pages
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _start_worker(settings: dict[str, Any]) -> None:
    global _worker_app  # one app per worker process, built once
    from portal import create_app

    _worker_app = create_app(worker_config(settings))
    _worker_app.app_context().push()
    # Everything imported so far lives as long as the worker: keep it out of collections.
    gc.collect()
    gc.freeze()


def worker_settings() -> dict[str, Any]:
    """What a rendering worker is given of this app's configuration."""
    return {key: current_app.config.get(key) for key in _WORKER_SETTINGS}


def worker_config(settings: dict[str, Any]) -> dict[str, Any]:
    """A rendering worker's app: the parent's settings; it only renders, so a job it might
    queue runs at once (it queues none)."""
    return {**settings, "JOBS_IMMEDIATE": True}


def _render_in_worker(item: services.PreparedDossier) -> tuple[str, int]:
    services.dossier_pdf(item)
    return item.rendition, page_count(item.rendition)
