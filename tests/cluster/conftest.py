"""The two-machine rehearsal and the crash tests share one cluster per run (harness.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests.cluster.harness import Cluster, cluster

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(autouse=True)
def _isolated() -> None:
    """The tests talk to the served machines and read their database directly: no in-process
    app, no rolled-back transaction (this replaces the suite's autouse fixture)."""


@pytest.fixture(scope="package")
def portal_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not os.environ.get("TEST_REDIS_URL"):
        message = "TEST_REDIS_URL is not set: the cluster needs a shared Redis"
        if IN_CI:
            pytest.fail(message + "; in CI it must run")
        pytest.skip(message)
    with cluster(tmp_path_factory.mktemp("cluster")) as built:
        yield built


@pytest.fixture(scope="package")
def cluster_db(portal_cluster: Cluster) -> Iterator[sa.Engine]:
    engine = sa.create_engine(portal_cluster.env["DATABASE_URL"])
    yield engine
    engine.dispose()
