"""Rendered files in the storage: dossiers keyed by fingerprint, bundles, and pruning.

A file's name is its fingerprint, so a file that exists is the right one: the same data gives
the same name. The storage writes whole objects only (`portal.storage`), so a reader never
sees half a PDF, and two processes rendering the same dossier at once both end with a whole
file. Every machine reads the same files when the storage is shared (S3 in production).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from portal import storage

DOSSIERS = "dossiers"
BUNDLES = "bundles"
# The canonical facts of every dossier rendered, under the first digits of their fingerprint,
# so `verify` can name what changed since. A few kilobytes each; never pruned by age (a
# dossier handed out years ago can still be checked).
FACTS = "facts"


def key(kind: str, name: str) -> str:
    return f"{storage.EXPORTS}/{kind}/{name}"


def dossier_key(fingerprint: str) -> str:
    return key(DOSSIERS, f"{fingerprint}.pdf")


def pages_key(fingerprint: str) -> str:
    """A dossier's page count beside it: reading it from the PDF means parsing the PDF."""
    return key(DOSSIERS, f"{fingerprint}.pages")


def bundle_key(fingerprint: str, suffix: str) -> str:
    return key(BUNDLES, f"{fingerprint}.{suffix}")


def exists(stored_key: str) -> bool:
    return storage.current().exists(stored_key)


def read(stored_key: str) -> bytes:
    return storage.current().read(stored_key)


def write(stored_key: str, content: bytes, content_type: str = "application/pdf") -> int:
    """Store a whole file; returns its size."""
    return storage.current().put(stored_key, content, content_type).size


def write_dossier(fingerprint: str, content: bytes, pages: int) -> str:
    write(dossier_key(fingerprint), content)
    write_pages(fingerprint, pages)
    return dossier_key(fingerprint)


def facts_key(fingerprint: str) -> str:
    return key(FACTS, f"{fingerprint[:FACTS_PREFIX]}.json")


FACTS_PREFIX = 12  # what the footer prints, so a typed code finds its facts


def write_facts(fingerprint: str, facts: dict[str, Any]) -> None:
    stored_key = facts_key(fingerprint)
    if not exists(stored_key):
        body = {"fingerprint": fingerprint, "facts": facts}
        write(stored_key, json.dumps(body, ensure_ascii=False, sort_keys=True).encode(),
              "application/json")


def read_facts(fingerprint: str) -> tuple[str, dict[str, Any]] | None:
    """(full fingerprint, facts) stored for a fingerprint or its first 12 digits; None."""
    try:
        body = json.loads(read(facts_key(fingerprint)))
    except (storage.NotStored, ValueError):
        return None
    if not str(body.get("fingerprint", "")).startswith(fingerprint.lower()):
        return None
    return str(body["fingerprint"]), dict(body["facts"])


def write_pages(fingerprint: str, pages: int) -> None:
    write(pages_key(fingerprint), str(pages).encode(), "text/plain")


def dossier_pages(fingerprint: str) -> int | None:
    try:
        return int(read(pages_key(fingerprint)))
    except (storage.NotStored, ValueError):
        return None


def touch(stored_key: str) -> None:
    """Mark a cached file as used, so pruning keeps what people still ask for."""
    storage.current().touch(stored_key)


def remove_superseded_dossier(stored_key: str, unused_for: timedelta) -> bool:
    """Delete a dossier replaced by a newer rendering of the same akim and language (and its
    page count), unless someone used it within `unused_for` (a reader or a bundle still
    reading it). True if it was deleted."""
    store = storage.current()
    info = store.stat(stored_key)
    if info is None or datetime.now(UTC) - info.modified < unused_for:
        return False
    store.delete(stored_key)
    if stored_key.endswith(".pdf"):
        store.delete(stored_key.removesuffix(".pdf") + ".pages")
    return True


def prune(max_age_days: int, now: datetime | None = None) -> int:
    """Delete cached dossiers and bundles unused for `max_age_days`; returns how many files.
    A page count goes with its PDF: reads touch the PDF only, so judged by its own age the
    count of a dossier read every day was deleted and the PDF parsed again to rebuild it."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=max_age_days)
    store = storage.current()
    removed = 0
    for kind in (DOSSIERS, BUNDLES):
        listed = list(store.list(key(kind, "")))
        kept = {info.key for info in listed if info.modified >= cutoff}
        for info in listed:
            judged = info.key
            if judged.endswith(".pages"):
                judged = judged.removesuffix(".pages") + ".pdf"
            if judged not in kept:
                store.delete(info.key)
                removed += 1
    return removed
