"""The "cite this" box of akims, reports, promises and comparisons: one way to write a citation.

A citation names the thing, the day its data is as of (an Almaty day, written as documents
write dates: `portal.formats.formal_date`), its permanent address on PUBLIC_BASE_URL (never
the request's host: pages are cached and shared) and, for a document that has one, the data
fingerprint that `/verify` checks. The template shows it in a read-only text field (select
and copy, without JavaScript) with a copy button (`static/js/cite.js`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from portal.formats import formal_date, full_stop


@dataclass(frozen=True)
class Citation:
    title: str
    as_of: date
    url: str
    fingerprint: str | None = None  # the short form, as printed in the document's footer
    published: bool = False  # `as_of` is the day a document was published, not a data day

    @property
    def text(self) -> str:
        day = formal_date(self.as_of)
        dated = (_("Published %(day)s", day=day) if self.published
                 else _("Data as of %(day)s", day=day))
        parts = [full_stop(self.title), full_stop(dated), self.url]
        if self.fingerprint:
            parts.append(_("Data fingerprint %(code)s", code=self.fingerprint))
        return " ".join(parts)
