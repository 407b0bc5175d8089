"""Entry point of the job worker: `huey_consumer portal.worker.huey`.

Builds the app once (same configuration as the web processes) and imports every task module so
the consumer knows them.
"""

from portal import create_app
from portal.jobs import huey

app = create_app()

__all__ = ["app", "huey"]
