"""The national seed, built once for the parity tests in a SQLite database of its own.

The suite's autouse `_isolated` (a rolled-back transaction on the shared test database) is
replaced here: these tests only read, from their own database, through their own app.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from flask import Flask

from portal import create_app, seed
from portal.extensions import db, limiter
from portal.seed.context import Scale
from tests.conftest import PortalClient, test_config

# The seed's own default: with PARITY_SCALE=demo the tests run on the small demo data
# (for a quick look while changing them; the suite runs them on the national seed).
SCALE = Scale.NATIONAL


@pytest.fixture(autouse=True)
def _isolated() -> Iterator[None]:
    yield


@pytest.fixture(scope="package")
def national(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app on a freshly migrated SQLite database holding the national seed (as of today
    in Almaty). Building it repoints the job queue and the rate limiter; both go back to the
    suite's app afterwards, as `make_app` does."""
    import os

    from portal import jobs
    from portal.geo.reference import load_reference_map

    scale = Scale(os.environ.get("PARITY_SCALE", SCALE.value))
    folder: Path = tmp_path_factory.mktemp("parity")
    limiter_state = limiter._storage, limiter._limiter  # type: ignore[attr-defined]
    built = create_app(test_config(f"sqlite:///{folder / 'national.db'}", folder))
    built.test_client_class = PortalClient
    started, cpu_started = time.perf_counter(), time.process_time()
    with built.app_context():
        flask_migrate.upgrade()
        load_reference_map(actor="tests")
        seed.run(scale, seed=2026)
        db.session.commit()
        db.session.remove()
    built.config["PARITY_SEED_SECONDS"] = time.perf_counter() - started
    built.config["PARITY_SEED_CPU_SECONDS"] = time.process_time() - cpu_started
    built.config["PARITY_SCALE"] = scale.value
    # The CPU time is what the build costs on a quiet machine (one process, one core); the
    # wall time grows with whatever else runs.
    print(f"\nparity: {scale.value} seed built in {built.config['PARITY_SEED_SECONDS']:.1f} s "
          f"({built.config['PARITY_SEED_CPU_SECONDS']:.1f} s of CPU)")
    yield built
    jobs.init_app(app)
    limiter._storage, limiter._limiter = limiter_state  # type: ignore[attr-defined]
    with built.app_context():
        db.engine.dispose()
