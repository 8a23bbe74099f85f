"""Loaded into the test's Celery worker (`--include tests.faults.worker_hooks`), never into the
portal: records each run of the task under test and, the first time, hangs after the task's
body has committed but before the message is acknowledged, so the test can kill the process
at the worst moment."""

import os
import time
from pathlib import Path

from celery.signals import task_postrun, worker_ready

from quotas.tasks import _catch_up_when_the_worker_starts

STATE = os.environ.get("PORTAL_FAULTS_STATE", "")
HANG_TASK = os.environ.get("PORTAL_FAULTS_HANG_TASK", "")

# The test worker shares the test's database: it must not make the reports a real worker makes.
worker_ready.disconnect(_catch_up_when_the_worker_starts)


@task_postrun.connect
def _record_and_hang_once(sender=None, task_id=None, **kwargs):
    if not STATE or sender is None or sender.name != HANG_TASK:
        return
    state = Path(STATE)
    with (state / "runs").open("a") as runs:
        runs.write(f"{os.getpid()} {task_id}\n")
    hung = state / "hung"
    if not hung.exists():
        hung.write_text(str(os.getpid()))
        time.sleep(120)
