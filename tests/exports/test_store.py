"""Pruning the export cache: what people still read stays, with what goes with it."""

from __future__ import annotations

import os
import time
from pathlib import Path

from portal.exports import store


def _age(path: Path, days: int) -> None:
    moment = time.time() - days * 86400
    os.utime(path, (moment, moment))


def test_pruning_keeps_the_page_count_of_a_dossier_still_read(export_folder: Path) -> None:
    read_daily, forgotten = "a" * 64, "b" * 64
    for fingerprint in (read_daily, forgotten):
        store.write_dossier(fingerprint, b"%PDF-1.7", 3)
        for suffix in ("pdf", "pages"):
            _age(export_folder / "dossiers" / f"{fingerprint}.{suffix}", 30)
    store.write(store.bundle_key("c" * 64, "zip"), b"PK", "application/zip")
    _age(export_folder / "bundles" / f"{'c' * 64}.zip", 30)
    # Read today: a read touches the PDF, not the page count written beside it.
    store.touch(store.dossier_key(read_daily))

    assert store.prune(14) == 3  # the forgotten dossier, its page count, the bundle
    assert store.exists(store.dossier_key(read_daily))
    assert store.dossier_pages(read_daily) == 3  # not parsed from the PDF again
    assert not store.exists(store.dossier_key(forgotten))
    assert store.dossier_pages(forgotten) is None
    assert not store.exists(store.bundle_key("c" * 64, "zip"))
