"""The open-data page (what the last build holds) and the download itself."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template
from werkzeug.wrappers import Response

from portal import storage
from portal.extensions import cache
from portal.opendata import build, tasks
from portal.opendata.tables import all_tables
from portal.permissions import public
from portal.web import caching

blueprint = Blueprint("opendata", __name__)
QUEUED_KEY = "opendata:first-build-queued"
QUEUED_SECONDS = 15 * 60
DOWNLOAD_MAX_AGE = 3600


@blueprint.route("/opendata")
@public
def index() -> str:
    # The page follows the file on disk, which the data version does not track: never cache.
    g.page_cache_key = None
    current = build.current()
    if current is None and cache.add(QUEUED_KEY, True, timeout=QUEUED_SECONDS):
        # A fresh installation: make the first build now rather than wait for the night.
        tasks.build_open_data()
        current = build.current()
    return render_template("opendata/index.html", build=current,
                           stale=build.is_stale(current), file_name=build.FILE_NAME,
                           table_names=[table.name for table in all_tables()])


@blueprint.route(f"/opendata/{build.FILE_NAME}")
@public
def download() -> Response:
    try:
        return caching.shared(storage.send(build.zip_key(), mimetype="application/zip",
                                           download_name=build.FILE_NAME,
                                           max_age=DOWNLOAD_MAX_AGE))
    except storage.NotStored:
        abort(404)
