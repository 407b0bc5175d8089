"""Residents' registers: an administrator uploads IIN + KATO rows; people are matched by hash.

The file is read in memory and never stored: it is a list of personal numbers. Every row is
checked first; one bad row and nothing is written, and the answer names each bad row and why
(never the IIN itself). Entries are kept as keyed hashes, so a resident who signs up later is
verified the moment they ask.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import insert, select
from werkzeug.datastructures import FileStorage

from portal import audit
from portal.accounts import iin as iin_numbers
from portal.accounts.models import ResidentRegisterEntry, ResidentRegisterImport, User
from portal.accounts.services import iin_digest
from portal.accounts.verification import verify_from_register
from portal.extensions import db
from portal.geo.models import RuralDistrict

MAX_BYTES = 8 * 1024 * 1024  # about 300,000 rows
MAX_ROWS = 300_000
MAX_PROBLEMS_SHOWN = 50
CHUNK = 500
HEADER_WORDS = frozenset({"iin", "иин", "жсн", "kato", "като", "катo"})


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str


class RegisterFileError(ValueError):
    """The file cannot be imported; `problems` names each bad row."""

    def __init__(self, message: str, problems: list[RowProblem] | None = None,
                 more: int = 0) -> None:
        super().__init__(message)
        self.problems = problems or []
        self.more = more


@dataclass(frozen=True)
class RegisterRow:
    line: int
    iin_hmac: str
    rural_district_id: int


@dataclass
class ImportReport:
    rows: int = 0
    entries_added: int = 0
    entries_updated: int = 0
    accounts_matched: int = 0
    accounts_verified: int = 0
    already_verified: int = 0
    district_mismatches: int = 0
    verified_user_ids: list[int] = field(default_factory=list)


def read_upload(upload: FileStorage) -> bytes:
    """The uploaded bytes, refusing files past MAX_BYTES without reading them whole."""
    data = upload.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise RegisterFileError(_("The file is too large: at most %(mb)d MB per upload.",
                                  mb=MAX_BYTES // (1024 * 1024)))
    if not data.strip():
        raise RegisterFileError(_("The file is empty."))
    return bytes(data)


def parse(data: bytes) -> list[RegisterRow]:
    """Check every row. Returns them all, or raises RegisterFileError listing the bad ones."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RegisterFileError(_("Save the file as CSV in UTF-8 encoding and upload it again.")
                                ) from error
    raw_rows = list(_cells(text))
    if len(raw_rows) > MAX_ROWS:
        raise RegisterFileError(_("The file has more than %(max)d rows; split it.", max=MAX_ROWS))
    katos = {cells[1].strip() for _, cells in raw_rows if len(cells) >= 2}
    district_ids = _rural_district_ids(katos)
    problems: list[RowProblem] = []
    rows: list[RegisterRow] = []
    seen: dict[str, tuple[int, int]] = {}  # iin hash -> (line, rural district id)
    for line, cells in raw_rows:
        problem, row = _check_row(line, cells, district_ids, seen)
        if problem:
            problems.append(RowProblem(line, problem))
        elif row is not None:
            rows.append(row)
    if problems:
        raise RegisterFileError(
            ngettext("Nothing was imported: %(num)d row needs correcting.",
                     "Nothing was imported: %(num)d rows need correcting.", len(problems)),
            problems[:MAX_PROBLEMS_SHOWN], max(0, len(problems) - MAX_PROBLEMS_SHOWN),
        )
    if not rows:
        raise RegisterFileError(_("The file has no rows of IIN and KATO code."))
    return rows


def _cells(text: str) -> Iterator[tuple[int, list[str]]]:
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    if "\t" in sample and sample.count("\t") > sample.count(delimiter):
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    first = True
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if first and cells[0].strip().lower() in HEADER_WORDS:
            first = False
            continue
        first = False
        yield line, cells


def _check_row(line: int, cells: list[str], district_ids: dict[str, int],
               seen: dict[str, tuple[int, int]]) -> tuple[str | None, RegisterRow | None]:
    cells = [cell.strip() for cell in cells]
    while len(cells) > 2 and not cells[-1]:
        cells.pop()
    if len(cells) != 2:
        return _("Expected two columns, IIN and KATO code; found %(n)d.", n=len(cells)), None
    try:
        iin = iin_numbers.validate(cells[0])
    except iin_numbers.InvalidIIN as error:
        return str(error), None
    kato = cells[1]
    if not (kato.isdigit() and len(kato) == 9):
        return _("A KATO code has exactly 9 digits."), None
    rural_district_id = district_ids.get(kato)
    if rural_district_id is None:
        return _("No rural district has the KATO code %(kato)s.", kato=kato), None
    digest = iin_digest(iin)
    earlier = seen.get(digest)
    if earlier is not None:
        if earlier[1] != rural_district_id:
            return _("The same IIN is on row %(line)d with another KATO code.",
                     line=earlier[0]), None
        return None, None  # an exact repeat: harmless, counted once
    seen[digest] = (line, rural_district_id)
    return None, RegisterRow(line, digest, rural_district_id)


def _rural_district_ids(katos: set[str]) -> dict[str, int]:
    valid = sorted(code for code in katos if code.isdigit() and len(code) == 9)
    found: dict[str, int] = {}
    for start in range(0, len(valid), CHUNK):
        chunk = valid[start:start + CHUNK]
        for kato, rural_district_id in db.session.execute(
            select(RuralDistrict.kato, RuralDistrict.id).where(RuralDistrict.kato.in_(chunk))
        ):
            found[kato] = rural_district_id
    return found


def import_rows(rows: list[RegisterRow], actor: User) -> ImportReport:
    """Store the register entries and verify matching accounts of the same rural district."""
    report = ImportReport(rows=len(rows))
    record = ResidentRegisterImport(imported_by_id=actor.id, rows=len(rows), entries_added=0,
                                    entries_updated=0, accounts_matched=0, accounts_verified=0,
                                    district_mismatches=0)
    db.session.add(record)
    db.session.flush()
    by_digest = {row.iin_hmac: row.rural_district_id for row in rows}
    digests = list(by_digest)
    new_entries: list[dict[str, object]] = []
    for start in range(0, len(digests), CHUNK):
        chunk = digests[start:start + CHUNK]
        existing = {entry.iin_hmac: entry for entry in db.session.scalars(
            select(ResidentRegisterEntry).where(ResidentRegisterEntry.iin_hmac.in_(chunk)))}
        for digest in chunk:
            entry = existing.get(digest)
            if entry is None:
                new_entries.append({"iin_hmac": digest, "rural_district_id": by_digest[digest],
                                    "import_id": record.id})
            elif entry.rural_district_id != by_digest[digest]:
                entry.rural_district_id = by_digest[digest]
                entry.import_id = record.id
                report.entries_updated += 1
        _match_accounts(chunk, by_digest, actor, report)
    for start in range(0, len(new_entries), CHUNK):
        db.session.execute(insert(ResidentRegisterEntry), new_entries[start:start + CHUNK])
    report.entries_added = len(new_entries)
    record.entries_added = report.entries_added
    record.entries_updated = report.entries_updated
    record.accounts_matched = report.accounts_matched
    record.accounts_verified = report.accounts_verified
    record.district_mismatches = report.district_mismatches
    db.session.flush()
    audit.record(actor, "residents_register.import", record, None, {
        "rows": report.rows, "entries_added": report.entries_added,
        "entries_updated": report.entries_updated, "accounts_matched": report.accounts_matched,
        "accounts_verified": report.accounts_verified,
        "district_mismatches": report.district_mismatches,
    })
    return report


def _match_accounts(chunk: list[str], by_digest: dict[str, int], actor: User,
                    report: ImportReport) -> None:
    users = db.session.scalars(select(User).where(User.iin_hmac.in_(chunk))).all()
    for user in users:
        assert user.iin_hmac is not None  # noqa: S101 - selected by it
        report.accounts_matched += 1
        if user.rural_district_id != by_digest[user.iin_hmac]:
            report.district_mismatches += 1  # declared elsewhere: the register does not verify
        elif user.resident_verified_at is not None:
            report.already_verified += 1
        elif user.is_active:
            verify_from_register(user, actor)
            report.accounts_verified += 1
            report.verified_user_ids.append(user.id)


def recent_imports(limit: int = 10) -> list[ResidentRegisterImport]:
    from sqlalchemy.orm import joinedload

    return list(db.session.scalars(
        select(ResidentRegisterImport).options(joinedload(ResidentRegisterImport.imported_by))
        .order_by(ResidentRegisterImport.imported_at.desc(), ResidentRegisterImport.id.desc())
        .limit(limit)
    ))
