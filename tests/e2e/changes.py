"""Changes one akim's record in the served app's database, as an editor in another process
would: `python -m tests.e2e.changes AKIM_ID LANGUAGE...`. Prints, as JSON, the rendition id
(the cached PDF's name) of the akim's dossier in each language after the change. Run with the
served app's environment (DATABASE_URL, REDIS_URL, PORTAL_INSTANCE_PATH, PUBLIC_BASE_URL).
"""

from __future__ import annotations

import json
import sys

import sqlalchemy as sa

from portal import create_app
from portal.akims.models import Term, TermStatus
from portal.exports import services
from portal.extensions import db
from portal.promises.models import Promise


def change_promise(akim_id: int) -> None:
    promise = db.session.scalars(
        sa.select(Promise).join(Term, Term.id == Promise.term_id)
        .where(Term.akim_id == akim_id, Term.status == TermStatus.SERVING)
        .order_by(Promise.number)).first()
    if promise is None:
        raise SystemExit(f"akim {akim_id} has no promise to change")
    promise.title = f"{promise.title} (e2e)"
    db.session.commit()


if __name__ == "__main__":
    app = create_app()
    with app.app_context():
        akim = int(sys.argv[1])
        change_promise(akim)
        found = {language: services.prepare(akim, language) for language in sys.argv[2:]}
        print(json.dumps({language: item.rendition for language, item in found.items()
                          if item is not None}))
