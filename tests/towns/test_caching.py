"""Cached results keyed by generations: lists' counts, the data generation every business write
bumps, and the sidebar worked out once per request."""

import pytest
from django.db import connection
from django.db.models.signals import post_delete
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from achievements.models import Achievement, MatchPosting
from towns.cache import data_generation, follows_data_generation
from towns.models import Industry, Notification, PolicyValue, User

from ..factories import AchievementFactory, unit

pytestmark = pytest.mark.django_db


def counts_achievements(sql: str) -> bool:
    return "COUNT(*)" in sql and 'FROM "achievements_achievement"' in sql


def test_every_business_write_bumps_the_data_generation(center_staff):
    before = data_generation()
    achievement = AchievementFactory()
    assert data_generation() > before
    before = data_generation()
    achievement.delete()
    assert data_generation() > before


def test_what_follows_the_data_generation():
    assert follows_data_generation(Achievement)
    assert follows_data_generation(PolicyValue)
    # Rebuilt in bulk with their own invalidation, or not business data.
    assert not follows_data_generation(MatchPosting)
    assert not follows_data_generation(Notification)
    assert not follows_data_generation(User)
    # No receiver on the matching index: its bulk deletes stay single DELETE statements.
    assert not post_delete.has_listeners(MatchPosting)


def test_the_list_count_is_cached_until_the_data_changes(client, center_staff):
    AchievementFactory.create_batch(3)
    client.force_login(center_staff)
    url = reverse("achievement_list")
    client.get(url)
    with CaptureQueriesContext(connection) as warm:
        response = client.get(url)
    assert response.context["paginator"].count == 3
    assert not any(counts_achievements(q["sql"]) for q in warm.captured_queries)

    AchievementFactory()
    with CaptureQueriesContext(connection) as after_write:
        response = client.get(url)
    assert response.context["paginator"].count == 4
    assert any(counts_achievements(q["sql"]) for q in after_write.captured_queries)


def test_each_scope_and_filter_has_its_own_count(client, liaison, center_staff):
    AchievementFactory.create_batch(2, discovering_unit=liaison.unit)
    other = unit("kjj") if liaison.unit.code != "kjj" else unit("dgut")
    AchievementFactory.create_batch(3, discovering_unit=other)
    client.force_login(center_staff)
    assert client.get(reverse("achievement_list")).context["paginator"].count == 5
    client.force_login(liaison)
    assert client.get(reverse("achievement_list")).context["paginator"].count == 2
    empty = client.get(reverse("achievement_list"), {"q": "没有这样的成果"})
    assert empty.context["paginator"].count == 0


def test_the_sidebar_and_bell_are_worked_out_once_per_request(client, center_staff):
    achievement = AchievementFactory()
    client.force_login(center_staff)
    url = reverse("achievement_detail", args=[achievement.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    bell = [q for q in queries.captured_queries if "towns_notification" in q["sql"]]
    assert len(bell) == 1


def test_the_filter_bar_is_cached_per_user_and_follows_new_choices(client, liaison, center_staff):
    url = reverse("achievement_list")
    client.force_login(center_staff)
    assert 'name="unit"' in client.get(url).content.decode()
    client.get(url)  # served from the cache
    client.force_login(liaison)
    # A liaison's list is their own unit's: no unit filter, whoever rendered the bar before.
    assert 'name="unit"' not in client.get(url).content.decode()

    client.force_login(center_staff)
    Industry.objects.create(code="Z99", name="低空经济测试领域", category="新兴", sort_order=999)
    assert "低空经济测试领域" in client.get(url).content.decode()
