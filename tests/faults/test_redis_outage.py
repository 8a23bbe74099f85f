"""With Redis stopped, pages keep serving and writes keep their queued work (transactional
outbox); once Redis is back the relay publishes the work and it runs."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from achievements.models import Demand, Match
from config.celery import app as celery_app
from towns.models import OutboxMessage
from towns.outbox import outbox_relay
from towns.tasks import task_relay_outbox

from ..achievements.demands.conftest import DEMAND_FORM
from ..factories import AchievementFactory, division, industry
from .services import needs_redis

pytestmark = [pytest.mark.services, needs_redis, pytest.mark.django_db]

MATCH_TASK = "achievements.tasks.demands.task_match_demand"


def drain(queue="celery") -> list[tuple[str, dict]]:
    """Take every message off the broker's queue, as a worker would: (task name, kwargs)."""
    taken = []
    with celery_app.connection_for_read() as connection:
        simple = connection.SimpleQueue(queue)
        try:
            while True:
                try:
                    message = simple.get(block=True, timeout=0.5)
                except simple.Empty:
                    break
                _args, kwargs, _embed = message.payload
                taken.append((message.headers["task"], kwargs))
                message.ack()
        finally:
            simple.close()
    return taken


@pytest.fixture
def achievement(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return AchievementFactory(
            title="基于模流分析的注塑工艺参数智能优化系统",
            summary="集成模流仿真与优化算法，自动寻优保压压力与冷却时间，外观不良降低60%。",
            field=industry("T08"),
            landing_division=division("441900119"),
            is_public=True,
        )


def test_the_cache_degrades_to_a_miss_while_redis_is_down(real_broker):
    cache.set("probe", 1)
    assert cache.get("probe") == 1
    real_broker.stop()
    assert cache.get("probe") is None
    assert cache.get("probe", "fallback") == "fallback"
    cache.set("probe", 2)  # dropped, no error
    assert cache.add("other", 1) is False
    assert cache.get_many(["probe", "other"]) == {}
    assert cache.get_or_set("computed", lambda: 42) == 42
    cache.delete("probe")
    real_broker.start()
    cache.set("probe", 3)
    assert cache.get("probe") == 3


def test_redis_down_pages_serve_writes_save_and_work_runs_when_it_is_back(
    client,
    enterprise_user,
    center_staff,
    achievement,
    real_broker,
    django_capture_on_commit_callbacks,
):
    real_broker.stop()

    # Pages keep serving (sessions and data are in the database; the cache is a miss).
    client.force_login(center_staff)
    for name in ("quotas:home", "achievements:achievement_list", "achievements:demand_list"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(f"/api/v1/achievements/{achievement.pk}/").status_code == 200

    # A write that queues work: the demand is saved and so is its matching job.
    client.force_login(enterprise_user)
    form = {**DEMAND_FORM, "field": industry("T08").pk, "division": division("441900119").pk}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("achievements:demand_create"), form)
    assert response.status_code == 302
    assert callbacks, "the job is published after the commit"
    demand = Demand.objects.get()
    pending = OutboxMessage.objects.get(task=MATCH_TASK, kwargs={"demand_id": demand.pk})
    assert pending.sent_at is None
    assert pending.attempts == 1
    assert "111" in pending.last_error or "refused" in pending.last_error.lower()
    assert not Match.objects.filter(demand=demand).exists()
    # The relay, tried again while Redis is still down, keeps it.
    assert outbox_relay() == 0
    pending.refresh_from_db()
    assert (pending.sent_at, pending.attempts) == (None, 2)

    real_broker.start()

    # Beat's relay (every minute) publishes what is pending, exactly once.
    published = task_relay_outbox.apply().get()
    assert published >= 1
    pending.refresh_from_db()
    assert pending.sent_at is not None
    assert task_relay_outbox.apply().get() == 0
    queued = drain()
    assert queued.count((MATCH_TASK, {"demand_id": demand.pk})) == 1

    # The worker runs it: the demand gets its matches.
    for name, kwargs in queued:
        celery_app.tasks[name].apply(kwargs=kwargs).get()
    demand.refresh_from_db()
    assert demand.matched_at is not None
    assert Match.objects.filter(demand=demand, achievement=achievement).exists()


def test_a_rolled_back_write_queues_nothing(real_broker, center_staff):
    from django.db import transaction

    from towns.outbox import outbox_enqueue

    with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012  (the block is the rolled-back transaction under test)
        outbox_enqueue(MATCH_TASK, demand_id=1)
        raise RuntimeError
    assert not OutboxMessage.objects.exists()
