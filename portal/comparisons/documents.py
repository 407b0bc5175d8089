"""The comparison as a PDF, in the dossier's style (`templates/pdf/compare.html`).

Its footer's data fingerprint is one over the data fingerprints of the compared akims'
dossiers, in the order shown, and the day; the document lists each dossier's own
fingerprint, which `/verify` (and `flask export verify`) can check one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from portal.api.serialize import public_url
from portal.comparisons import side_by_side
from portal.exports import fingerprint as fingerprints
from portal.exports.dossier import dossiers_for_akims
from portal.exports.pdf import render_pdf
from portal.exports.services import prepared
from portal.figures.definitions import COMPARISON_RULE
from portal.modeling import utcnow

TEMPLATE = "compare.html"


@dataclass(frozen=True)
class ComparisonDocument:
    pdf: bytes
    file_name: str
    fingerprint: str  # full hex digest
    dossier_fingerprints: dict[int, str]  # akim id → its dossier's data fingerprint


def comparison_pdf(akim_ids: Sequence[int], left_out: int,
                   language: str) -> ComparisonDocument | None:
    """None when none of the ids names an akim with a term."""
    found = side_by_side.comparison(akim_ids, left_out)
    if not found.items:
        return None
    dossiers = prepared(dossiers_for_akims(found.akim_ids, language, found.as_of))
    by_akim = {item.dossier.akim_id: item.fingerprint for item in dossiers}
    combined = fingerprints.combine([by_akim[akim_id] for akim_id in found.akim_ids],
                                    "comparison", found.as_of.isoformat())
    pdf = render_pdf(TEMPLATE, {
        "comparison": found, "dossier_fingerprints": by_akim,
        "fingerprint_short": fingerprints.short(combined),
        "short": fingerprints.short,
        "generated_at": utcnow(),
        # Markup: the layout joins the footer's lines with the (safe) title, which would
        # escape the address's "&" into "&amp;" in the PDF's text. Digits, "&" and "=" only.
        "public_url": Markup(public_url("comparisons.compare",  # noqa: S704
                                        akim=found.akim_ids)),
        "verify_url": public_url("exports.verify_page"),
        "figure_text": side_by_side.figure_text, "rule": COMPARISON_RULE,
        "synthetic": any(item.term.synthetic for item in found.items),
    }, language)
    codes = "-".join(item.term.rural_district.kato for item in found.items)
    return ComparisonDocument(
        pdf=pdf, file_name=f"comparison-{codes}-{found.as_of.isoformat()}-{language}.pdf",
        fingerprint=combined, dossier_fingerprints=by_akim)
