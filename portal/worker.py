"""Entry point of the job worker: `huey_consumer portal.worker.huey`.

Builds the app once (same configuration as the web processes); building it imports every task
module (`portal.jobs.TASK_MODULES`), so the consumer knows them all.
"""

from portal import create_app
from portal.jobs import huey

app = create_app()

__all__ = ["app", "huey"]
