"""A worker process killed in the middle of a task: the message was not acknowledged (acks_late),
so it is delivered again (reject_on_worker_lost) and the task, being idempotent, is redone
without duplicates."""

import os
import signal
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from achievements.models import Demand, Match
from achievements.services.demands import demand_create, matches_recompute
from config.celery import app as celery_app

from ..achievements.demands.conftest import DEMAND_FORM
from ..factories import AchievementFactory, division, industry
from .services import needs_redis, wait_until

pytestmark = [pytest.mark.services, needs_redis, pytest.mark.django_db(transaction=True)]

MATCH_TASK = "achievements.tasks.demands.task_match_demand"


def test_the_portal_acknowledges_late_and_requeues_a_lost_workers_task():
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1


class SharedDatabase:
    """The test database, reachable from the worker process.

    PostgreSQL: the worker connects to the test database itself. SQLite's test database lives
    in this process's memory: it is copied to a file for the worker and copied back afterwards.
    """

    def __init__(self, tmp_path):
        self.sqlite = connection.vendor == "sqlite"
        self.file = tmp_path / "worker.sqlite3"

    def url(self) -> str:
        if self.sqlite:
            with sqlite3.connect(self.file) as target:
                connection.ensure_connection()
                connection.connection.backup(target)
            return f"sqlite:///{self.file}"
        s = connection.settings_dict
        auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"

    def collect(self) -> None:
        if self.sqlite:
            connection.close()
            connection.ensure_connection()
            with sqlite3.connect(self.file) as source:
                source.backup(connection.connection)


@pytest.fixture
def worker(redis_server, tmp_path):
    processes = []

    def start(database_url: str, state) -> subprocess.Popen:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST_", "DATABASE_URL", "REDIS_URL"))
        }
        env.update(
            DATABASE_URL=database_url,
            REDIS_URL=redis_server.url,
            DJANGO_SETTINGS_MODULE="config.settings",
            PYTHONPATH=str(settings.BASE_DIR),
            PORTAL_FAULTS_STATE=str(state),
            PORTAL_FAULTS_HANG_TASK=MATCH_TASK,
        )
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=WARNING",
                "--include=tests.faults.worker_hooks",
                f"--hostname=faults-{os.getpid()}@%h",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=(tmp_path / "worker.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def test_a_worker_killed_mid_task_redoes_it_without_duplicates(
    real_broker, worker, tmp_path, enterprise_user
):
    achievement = AchievementFactory(
        title="基于模流分析的注塑工艺参数智能优化系统",
        summary="集成模流仿真与优化算法，自动寻优保压压力与冷却时间，外观不良降低60%。",
        field=industry("T08"),
        landing_division=division("441900119"),
        is_public=True,
    )
    # Index the achievement inline; the demand's matching job goes to the real broker.
    celery_app.tasks["achievements.tasks.demands.task_achievement_changed"].apply(
        kwargs={"achievement_id": achievement.pk}
    ).get()
    form = {key: DEMAND_FORM[key] for key in ("kind", "title", "description", "contact_name")}
    form.update(field=industry("T08"), division=division("441900119"), contact_phone="13800138000")
    demand = demand_create(
        acting_user=enterprise_user, enterprise=enterprise_user.enterprise, **form
    )
    assert not Match.objects.filter(demand=demand).exists()

    state = tmp_path / "state"
    state.mkdir()
    database = SharedDatabase(tmp_path)
    process = worker(database.url(), state)

    # The first run commits its matches, then hangs before the acknowledgement: kill it there.
    hung = wait_until(lambda: (state / "hung").exists(), timeout=40, what="the task to run")
    assert hung
    child = int((state / "hung").read_text())
    os.kill(child, signal.SIGKILL)

    # The message is delivered again to a fresh process, which runs the task to the end.
    runs = wait_until(
        lambda: (
            (state / "runs").exists()
            and len(lines := (state / "runs").read_text().split("\n")[:-1]) >= 2
            and lines
        ),
        timeout=40,
        what="the task to be redone",
    )
    assert process.poll() is None, "the worker itself survives the loss of its pool process"
    pids = {line.split()[0] for line in runs}
    task_ids = {line.split()[1] for line in runs}
    assert len(runs) == 2 and len(pids) == 2 and len(task_ids) == 1
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)

    database.collect()
    demand = Demand.objects.get(pk=demand.pk)
    assert demand.matched_at is not None, (tmp_path / "worker.log").read_text()
    matched = list(Match.objects.filter(demand=demand).values_list("achievement_id", flat=True))
    assert achievement.pk in matched
    assert len(matched) == len(set(matched)), "no match twice"
    # And once more (as any further redelivery would): nothing changes.
    matches_recompute(demand_id=demand.pk)
    assert sorted(
        Match.objects.filter(demand=demand).values_list("achievement_id", flat=True)
    ) == sorted(matched)
