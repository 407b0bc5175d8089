"""Rendered files under EXPORT_FOLDER: dossiers keyed by fingerprint, bundles, and pruning.

A file's name is its fingerprint, so a file that exists is the right one: the same data gives
the same name. Files are written to a temporary name and renamed, so a reader never sees half
a PDF, and two processes rendering the same dossier at once both end with a whole file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

from flask import current_app

DOSSIERS = "dossiers"
BUNDLES = "bundles"


def folder(kind: str) -> Path:
    path = Path(current_app.config["EXPORT_FOLDER"]) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def dossier_path(fingerprint: str) -> Path:
    return folder(DOSSIERS) / f"{fingerprint}.pdf"


def pages_path(fingerprint: str) -> Path:
    """A dossier's page count beside it: reading it from the PDF means parsing the PDF."""
    return folder(DOSSIERS) / f"{fingerprint}.pages"


def write_dossier(fingerprint: str, content: bytes, pages: int) -> Path:
    path = dossier_path(fingerprint)
    write_atomic(path, content)
    write_atomic(pages_path(fingerprint), str(pages).encode())
    return path


def dossier_pages(fingerprint: str) -> int | None:
    try:
        return int(pages_path(fingerprint).read_text())
    except (OSError, ValueError):
        return None


def bundle_path(fingerprint: str, suffix: str) -> Path:
    return folder(BUNDLES) / f"{fingerprint}.{suffix}"


def write_atomic(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def touch(path: Path) -> None:
    """Mark a cached file as used, so pruning keeps what people still ask for."""
    with contextlib.suppress(OSError):  # pruned meanwhile: the caller copes
        os.utime(path)


def remove_superseded_dossier(name: str, unused_for: float) -> bool:
    """Delete a dossier file replaced by a newer rendering of the same akim and language,
    unless someone used it in the last `unused_for` seconds (a reader or a bundle still
    reading it). True if it was deleted."""
    path = folder(DOSSIERS) / Path(name).name
    try:
        if time.time() - path.stat().st_mtime < unused_for:
            return False
    except OSError:
        return False
    path.unlink(missing_ok=True)
    path.with_suffix(".pages").unlink(missing_ok=True)
    return True


def prune(max_age_days: int, now: float | None = None) -> int:
    """Delete cached dossiers and bundles unused for `max_age_days`; returns how many."""
    cutoff = (now or time.time()) - max_age_days * 86400
    removed = 0
    for kind in (DOSSIERS, BUNDLES):
        for path in folder(kind).iterdir():
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
    return removed
