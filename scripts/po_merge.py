"""A git merge driver for gettext catalogues: the union of both sides' messages.

Two branches that each add strings touch neighbouring lines of a sorted catalogue, so a
line-based merge conflicts where nothing disagrees. This driver merges message by message:
a message added on either side is kept, one removed on either side is dropped, and a
translation changed on one side wins over the unchanged one. When both sides changed the
same translation differently, ours is kept and the message is named on stderr.

Enable it in a clone (the attribute is in .gitattributes):

    git config merge.po.driver ".venv/bin/python scripts/po_merge.py %O %A %B"

Then run `flask --app portal translate update` as after any change of strings.
"""

from __future__ import annotations

import sys
from io import BytesIO
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po


def _read(path: str) -> Catalog:
    with open(path, "rb") as handle:
        data = handle.read()
    if not data.strip():
        return Catalog()
    return read_po(BytesIO(data), abort_invalid=False)


def _key(message: Message) -> tuple[Any, str | None]:
    return message.id, message.context


def _state(message: Message | None) -> tuple[Any, bool] | None:
    if message is None:
        return None
    return message.string, message.fuzzy


def merge(base: Catalog, ours: Catalog, theirs: Catalog) -> Catalog:
    base_by_key = {_key(m): m for m in base if m.id}
    ours_by_key = {_key(m): m for m in ours if m.id}
    theirs_by_key = {_key(m): m for m in theirs if m.id}
    result = Catalog(locale=ours.locale, header_comment=ours.header_comment,
                     project=ours.project, version=ours.version,
                     fuzzy=ours.fuzzy)
    result.mime_headers = ours.mime_headers
    for key in sorted(set(ours_by_key) | set(theirs_by_key), key=lambda k: (str(k[0]), k[1] or "")):
        mine, other, old = ours_by_key.get(key), theirs_by_key.get(key), base_by_key.get(key)
        if old is not None and (mine is None or other is None):
            continue  # removed on one side
        if mine is None or other is None:
            chosen = mine or other
        elif _state(mine) == _state(old) and _state(other) != _state(old):
            chosen = other
        else:
            if _state(mine) not in (_state(other), _state(old)) and _state(other) != _state(old):
                print(f"po_merge: both sides translate {key[0]!r} differently; kept ours",
                      file=sys.stderr)
            chosen = mine
        if chosen is not None:
            result[chosen.id] = chosen
    return result


def main(base_path: str, ours_path: str, theirs_path: str) -> int:
    merged = merge(_read(base_path), _read(ours_path), _read(theirs_path))
    buffer = BytesIO()
    write_po(buffer, merged, omit_header=False, sort_output=True, width=76,
             ignore_obsolete=True)
    with open(ours_path, "wb") as handle:
        handle.write(buffer.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
