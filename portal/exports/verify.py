"""Is a dossier still current? Its data fingerprint, read from the PDF or typed, checked
against the facts the portal's data gives today.

"Current" means: the same akim's dossier, judged on the same day as the document (its "data
as of" day), built from today's database, has the same fingerprint. The day is kept fixed so
that a dossier is not called stale merely because a day passed; what a day changes (days
overdue, promises falling due) shows in a newer dossier, which carries its own day.

Which facts changed: the canonical facts of every rendered dossier are kept under their
fingerprint (`store.write_facts`). Recomputing alone could only say *that* the facts differ —
the database keeps no history of ratings, flags or budget figures to rebuild the old ones —
so the stored facts are what a difference is named against. A fingerprint whose facts are
not stored (a typo, or a file from another installation) is "unknown".
"""

from __future__ import annotations

import enum
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from portal.exports import fingerprint as fingerprints
from portal.exports import store
from portal.exports.dossier import dossiers_for_akims
from portal.exports.pdf import collector_paused
from portal.web.safety import whole_number

PDF_MAGIC = b"%PDF-"
# Metadata keys the dossier carries (portal.exports.services.pdf_metadata).
FINGERPRINT_KEY = "/PortalDataFingerprint"
AKIM_KEY = "/PortalAkim"
AS_OF_KEY = "/PortalAsOf"
TYPED = re.compile(r"^[0-9a-f]{12}([0-9a-f]{52})?$")
MAX_CHANGES = 40  # listed; the count says how many there are in all

# Readers see a fact's section; the paths are the facts' own (language-neutral) names.
SECTIONS: dict[str, Any] = {
    "promises": _l("Promise scorecard"), "promise_summary": _l("Promise scorecard"),
    "reports": _l("Reports to residents"), "report_summary": _l("Reports to residents"),
    "budget_series": _l("Budget"), "budget_headline": _l("Budget"),
    "term_years": _l("Budget"),
    "ratings": _l("Residents' ratings"), "flags": _l("Recall-trigger flags"),
}
AKIM_AND_TERM = _l("Akim and term")


class Outcome(enum.StrEnum):
    CURRENT = "current"
    STALE = "stale"
    UNKNOWN = "unknown"  # a fingerprint the portal never issued (or no longer knows)


@dataclass(frozen=True)
class Claim:
    """What a dossier says about itself: its fingerprint, which akim, which day."""

    fingerprint: str
    akim_id: int | None = None
    as_of: date | None = None


@dataclass(frozen=True)
class Change:
    path: str  # e.g. "ratings.count", "promises[no. 3].status"
    before: Any
    after: Any

    @property
    def section(self) -> Any:
        return SECTIONS.get(re.split(r"[.\[]", self.path, maxsplit=1)[0], AKIM_AND_TERM)


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    fingerprint: str
    akim_id: int | None = None
    as_of: date | None = None
    current_fingerprint: str | None = None
    changes: tuple[Change, ...] = ()
    changes_known: bool = True  # False: stale, but the old facts are not kept to compare

    @property
    def short(self) -> str:
        return fingerprints.short(self.fingerprint)

    @property
    def sections(self) -> list[Any]:
        seen: list[Any] = []
        for change in self.changes:
            if str(change.section) not in {str(item) for item in seen}:
                seen.append(change.section)
        return seen


def claim_from_pdf(data: bytes) -> Claim | None:
    """The dossier's claim, or None when the bytes are not a PDF or not a portal dossier."""
    if not data.startswith(PDF_MAGIC):
        return None
    try:
        with collector_paused():
            info: Any = PdfReader(io.BytesIO(data)).metadata or {}
        value = str(info.get(FINGERPRINT_KEY) or "").strip().lower()
        akim = str(info.get(AKIM_KEY) or "")
        as_of = str(info.get(AS_OF_KEY) or "")
    except (PyPdfError, ValueError, TypeError, KeyError, OSError):
        return None
    if not re.fullmatch(r"[0-9a-f]{64}", value):
        return None
    # Anyone can write these keys into a PDF: an akim id the schema cannot hold (a 500 on
    # either database) is no claim about an akim, as an unreadable day is none about a day.
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        day = None
    return Claim(value, whole_number(akim), day)


def normalise_typed(text: str) -> str | None:
    """A typed fingerprint (12 or 64 hex digits, spaces and case ignored), or None."""
    value = re.sub(r"\s+", "", text or "").lower()
    return value if TYPED.match(value) else None


def verify(claim: Claim) -> Verdict:
    stored = store.read_facts(claim.fingerprint)
    old_facts = stored[1] if stored else None
    full = stored[0] if stored else claim.fingerprint
    # The portal's own record of the facts names the akim and the day; the file's metadata,
    # which anyone can edit, stands in only when that record is gone.
    recorded = old_facts or {}
    akim_id = recorded.get("akim_id") or claim.akim_id
    as_of = date.fromisoformat(recorded["as_of"]) if recorded.get("as_of") else claim.as_of
    if akim_id is None or as_of is None or (old_facts is None and len(full) < 64):
        return Verdict(Outcome.UNKNOWN, full)
    found = dossiers_for_akims([int(akim_id)], "en", as_of)
    now = fingerprints.facts(found[0]) if found else {}
    now_fingerprint = fingerprints.fingerprint_of_facts(now) if found else None
    if now_fingerprint == full:
        return Verdict(Outcome.CURRENT, full, int(akim_id), as_of, now_fingerprint)
    changes = tuple(differences(old_facts, now)) if old_facts is not None else ()
    return Verdict(Outcome.STALE, full, int(akim_id), as_of, now_fingerprint, changes,
                   changes_known=old_facts is not None)


def differences(before: Any, after: Any, path: str = "") -> Iterator[Change]:
    """Every leaf that differs, by path; list items of numbered things by their number."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            yield from differences(before.get(key), after.get(key),
                                   f"{path}.{key}" if path else key)
    elif isinstance(before, list) and isinstance(after, list):
        if all(isinstance(item, dict) and "number" in item for item in (*before, *after)):
            old = {item["number"]: item for item in before}
            new = {item["number"]: item for item in after}
            for number in sorted(set(old) | set(new)):
                yield from differences(old.get(number), new.get(number),
                                       f"{path}[no. {number}]")
        elif len(before) == len(after):
            for index, (one, other) in enumerate(zip(before, after, strict=True)):
                yield from differences(one, other, f"{path}[{index + 1}]")
        else:
            yield Change(path, _brief(before), _brief(after))
    elif before != after:
        yield Change(path, _brief(before), _brief(after))


def _brief(value: Any) -> Any:
    """Whole items shown as what they are, not every field."""
    if isinstance(value, list):
        return f"{len(value)} items"
    if isinstance(value, dict):
        return "{…}"
    return value
