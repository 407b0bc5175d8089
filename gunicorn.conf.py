"""gunicorn's settings for every way the portal is served: gunicorn reads this file from the
directory it starts in, and `scripts/serve.sh`, the deployment's command (docs/deployment.md),
`make bench` and the cluster tests all start it from the repository's root. Command-line
options (workers, bind, logs) stay where they are; this holds what a flag cannot say."""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    """Once the app is loaded in a worker, move every object it holds (some 220,000: the
    modules of Flask, SQLAlchemy, WeasyPrint, Babel and ours) out of the garbage collector's
    sight. A full collection walks every object it tracks: 110-160 ms on this app, once every
    few hundred requests, and a request that triggers it waits that long, with the requests
    queued behind it (issue 22's tail latencies). Frozen objects are still freed as soon as
    nothing refers to them; only a reference cycle among them would stay, and the collection
    just before the freeze leaves none. Measured in docs/performance.md."""
    gc.collect()
    gc.freeze()
