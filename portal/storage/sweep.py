"""The sweep: remove stored files that no row references (a transaction that wrote its file
and then never committed because its process died), and temporaries a killed writer left.

Each area that rows reference registers how to tell which keys are still referenced; a key is
judged by the owner of the longest prefix it falls under (budget imports under
`uploads/budget-imports/` by their job rows, not by `uploads/`'s StoredFile rows). Only
objects older than the grace period are considered, so a file whose row is about to commit
is never touched; the grace period must be longer than any transaction (default 6 hours).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice

from portal.storage.base import ObjectInfo, Store
from portal.storage.local import LocalStore

log = logging.getLogger(__name__)

DEFAULT_GRACE = timedelta(hours=6)
BATCH = 500

# prefix → function(keys) returning the subset still referenced by a row
_owners: dict[str, Callable[[list[str]], set[str]]] = {}


def configured_grace() -> timedelta:
    """STORAGE_SWEEP_GRACE_HOURS of the current app (6 hours unless set): the nightly task
    and `flask storage sweep` use the same one."""
    from flask import current_app

    hours = current_app.config.get("STORAGE_SWEEP_GRACE_HOURS")
    return DEFAULT_GRACE if hours in (None, "") else timedelta(hours=float(hours))


def register(prefix: str, referenced: Callable[[list[str]], set[str]]) -> None:
    """Declare that rows reference keys under `prefix`; `referenced(keys)` says which."""
    _owners[prefix] = referenced


@dataclass(frozen=True)
class SweepResult:
    checked: int
    orphans: list[str]
    partials: int
    dry_run: bool


def _batches(items: Iterable[ObjectInfo], size: int) -> Iterator[list[ObjectInfo]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def sweep(store: Store, grace: timedelta = DEFAULT_GRACE, now: datetime | None = None,
          dry_run: bool = False) -> SweepResult:
    cutoff = (now or datetime.now(UTC)) - grace
    checked = 0
    orphans: list[str] = []
    for prefix, referenced in sorted(_owners.items()):
        # Keys under a longer registered prefix belong to that prefix's owner.
        inner = tuple(other for other in _owners if other != prefix and other.startswith(prefix))
        old = (info for info in store.list(prefix)
               if info.modified < cutoff and not info.key.startswith(inner))
        for batch in _batches(old, BATCH):
            checked += len(batch)
            keys = [info.key for info in batch]
            kept = referenced(keys)
            orphans.extend(key for key in keys if key not in kept)
    if not dry_run:
        for key in orphans:
            store.delete(key)
            log.info("storage sweep removed orphan %s", key)
    partials = 0
    if isinstance(store, LocalStore):
        for path in store.partials(cutoff):
            partials += 1
            if not dry_run:
                path.unlink(missing_ok=True)
    return SweepResult(checked, orphans, partials, dry_run)
