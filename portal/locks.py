"""Leases: a lock on a name, held by one process of any machine at a time, that ends by itself.

A lease is taken without waiting (`acquire` answers at once: taken or not), released by its
holder, and otherwise expires after its time to live, so a holder that died (killed, out of
memory, its machine gone) blocks nobody for longer than that. Leases live in Redis when the
app has it (`REDIS_URL`: every machine sees them; production always has it), else in small
files under the instance folder (every process of one machine: gunicorn's workers and the job
worker), like the worker heartbeat (`portal.heartbeat`).

In Redis a lease is a key set only if absent, with the time to live, holding a random token;
it is deleted only by the holder of that token (one script, so an expired lease taken over by
someone else is never deleted by its late first holder). In a file the same three facts (free,
or held by a token until a time) are read and written under `fcntl.flock`, held only for that
read and write: the kernel drops it if the process dies in between, so no file stays locked.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from portal.extensions import redis_client

log = logging.getLogger(__name__)

REDIS_PREFIX = "portal:lease:"
FOLDER = "leases"
# Names become Redis keys and file names: keep them to characters safe for both.
NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,199}")
# Deletes the key only while it still holds the releasing holder's token.
_RELEASE = ("if redis.call('get', KEYS[1]) == ARGV[1] then "
            "return redis.call('del', KEYS[1]) else return 0 end")


class LeaseUnavailable(RuntimeError):
    """The lease store (Redis, or the instance folder) could not be asked."""


@dataclass(frozen=True)
class Lease:
    name: str
    token: str


def acquire(name: str, ttl_seconds: float) -> Lease | None:
    """Take the lease on `name` for `ttl_seconds` if nobody holds it; None if somebody does."""
    if not NAME.fullmatch(name):
        raise ValueError(f"not a lease name: {name!r}")
    token = secrets.token_hex(16)
    client = redis_client()
    try:
        if client is not None:
            taken = client.set(REDIS_PREFIX + name, token, nx=True,
                               px=max(1, round(ttl_seconds * 1000)))
        else:
            taken = _acquire_file(_path(name), token, ttl_seconds)
    except Exception as error:  # redis.RedisError or OSError: the store is down or full
        raise LeaseUnavailable(f"lease {name}: {error}") from error
    return Lease(name, token) if taken else None


def release(lease: Lease) -> None:
    """End the lease if this holder still has it (after its expiry someone else may)."""
    client = redis_client()
    try:
        if client is not None:
            client.eval(_RELEASE, 1, REDIS_PREFIX + lease.name, lease.token)
        else:
            _release_file(_path(lease.name), lease.token)
    except Exception:  # it expires anyway: a failed release costs a wait, never a failure
        log.warning("could not release the lease %s; it expires by itself", lease.name,
                    exc_info=True)


# --------------------------------------------------------------------------- files

def _path(name: str) -> Path:
    return Path(current_app.instance_path) / FOLDER / f"{name}.lease"


@contextmanager
def _locked(path: Path, create: bool) -> Iterator[int | None]:
    """The file at `path`, opened and flocked; None when, once locked, it is no longer the
    file at `path` (its holder released it and deleted it meanwhile: open it again)."""
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | (os.O_CREAT if create else 0), 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            same = os.stat(path).st_ino == os.fstat(descriptor).st_ino
        except FileNotFoundError:
            same = False
        yield descriptor if same else None
    finally:
        os.close(descriptor)  # closing drops the flock


def _read(descriptor: int) -> tuple[str, float] | None:
    """(token, expires at) of a lease file, None when it holds none."""
    os.lseek(descriptor, 0, os.SEEK_SET)
    token, _, expires = os.read(descriptor, 200).decode(errors="replace").partition(" ")
    try:
        return token, float(expires)
    except ValueError:
        return None


def _acquire_file(path: Path, token: str, ttl_seconds: float) -> bool:
    while True:
        with _locked(path, create=True) as descriptor:
            if descriptor is None:
                continue
            held = _read(descriptor)
            if held is not None and held[1] > time.time():
                return False
            os.ftruncate(descriptor, 0)
            os.lseek(descriptor, 0, os.SEEK_SET)
            os.write(descriptor, f"{token} {time.time() + ttl_seconds}".encode())
            return True


def _release_file(path: Path, token: str) -> None:
    try:
        with _locked(path, create=False) as descriptor:
            if descriptor is not None and (held := _read(descriptor)) and held[0] == token:
                path.unlink()  # while flocked: whoever waits on this file opens a new one
    except FileNotFoundError:
        return  # released (and deleted) already
