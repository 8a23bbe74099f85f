"""Cached results keyed by generations: lists' counts, the data generation every business write
bumps, and the sidebar worked out once per request."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from achievements.models import Achievement, MatchPosting
from kernel.cache import (
    bump_tables,
    cached_over_data,
    current_generations,
    data_generation,
    follows_data_generation,
    table_key,
    written_table,
)
from towns.models import Industry, Notification, PolicyValue, User

from ..factories import AchievementFactory, unit

pytestmark = pytest.mark.django_db


def counts_achievements(sql: str) -> bool:
    return "COUNT(*)" in sql and 'FROM "achievements_achievement"' in sql


def test_every_business_write_bumps_the_data_generation(center_staff):
    before = data_generation()
    achievement = AchievementFactory()
    assert data_generation() != before
    before = data_generation()
    achievement.delete()
    assert data_generation() != before


def test_what_follows_the_data_generation():
    assert follows_data_generation(Achievement)
    assert follows_data_generation(PolicyValue)
    assert follows_data_generation(Notification)
    assert follows_data_generation(User)
    # Derived and rebuilt in bulk, or bookkeeping no page shows.
    assert not follows_data_generation(MatchPosting)
    assert not follows_data_generation(Session)
    # No receiver on the matching index: its bulk deletes stay single DELETE statements.
    assert not post_delete.has_listeners(MatchPosting)


def test_writes_without_signals_bump_the_data_generation(center_staff):
    """`QuerySet.update`, `bulk_create` and raw SQL send no post_save; the connection sees them."""
    achievement = AchievementFactory()
    before = data_generation()
    Achievement.objects.filter(pk=achievement.pk).update(title="改过的标题")
    assert data_generation() != before
    before = data_generation()
    Industry.objects.bulk_create([Industry(code="ZZ9", name="测试产业", category="future")])
    assert data_generation() != before
    before = data_generation()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE towns_user SET title = %s WHERE id = %s", ["主任", center_staff.pk])
    assert data_generation() != before


def test_reads_and_untracked_writes_leave_the_data_generation_alone(center_staff):
    AchievementFactory()
    before = data_generation()
    list(Achievement.objects.all())
    MatchPosting.objects.all().delete()
    Session.objects.create(session_key="x" * 32, session_data="", expire_date=timezone.now())
    assert data_generation() == before


def test_a_transaction_bumps_once_on_commit_and_reads_apart_until_then(
    django_capture_on_commit_callbacks,
):
    key = table_key("achievements_achievement")
    committed = current_generations([key])[key]
    shared = data_generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        AchievementFactory()
        first = data_generation()
        AchievementFactory()
        # Its own generation, changing with each write; the shared one waits for the commit.
        assert data_generation() not in (first, shared)
        assert cache.get(key) == committed
    # One bump for the transaction, whatever the number of its writes.
    assert sum(type(c).__name__ == "_CommitBump" for c in callbacks) == 1
    assert cache.get(key) != committed


def test_a_rolled_back_transaction_leaves_nothing_cached_for_others():
    committed = data_generation()
    with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012  (the block is the rolled-back transaction under test)
        AchievementFactory()
        inside = data_generation()
        raise RuntimeError
    assert data_generation() == committed != inside


@pytest.mark.parametrize(
    ("sql", "table"),
    [
        (
            'INSERT INTO "achievements_achievement" ("title") VALUES (%s)',
            "achievements_achievement",
        ),
        ('  update "towns_user" SET "x" = 1', "towns_user"),
        ('DELETE FROM "django_session" WHERE 1', "django_session"),
        ("INSERT OR IGNORE INTO towns_unit VALUES (1)", "towns_unit"),
        ('SELECT * FROM "towns_user"', None),
        ("WITH x AS (SELECT 1) SELECT * FROM x", None),
        ('/* note */ UPDATE "towns_unit" SET "x" = 1', "towns_unit"),
        ("-- why\nDELETE FROM towns_unit", "towns_unit"),
        ('TRUNCATE TABLE "achievements_achievement"', "achievements_achievement"),
        ("WITH gone AS (DELETE FROM towns_unit RETURNING id) SELECT count(*) FROM gone", ""),
        ('SAVEPOINT "s1_x1"', None),
        ("VACUUM ANALYZE", ""),  # unknown: taken for a write of an untold table
    ],
)
def test_written_table_names_the_table_a_statement_writes(sql, table):
    assert written_table(sql) == table


def test_the_list_count_is_cached_until_the_data_changes(client, center_staff):
    AchievementFactory.create_batch(3)
    client.force_login(center_staff)
    url = reverse("achievements:achievement_list")
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
    assert client.get(reverse("achievements:achievement_list")).context["paginator"].count == 5
    client.force_login(liaison)
    assert client.get(reverse("achievements:achievement_list")).context["paginator"].count == 2
    empty = client.get(reverse("achievements:achievement_list"), {"q": "没有这样的成果"})
    assert empty.context["paginator"].count == 0


def test_the_sidebar_and_bell_are_worked_out_once_per_request(client, center_staff):
    achievement = AchievementFactory()
    client.force_login(center_staff)
    url = reverse("achievements:achievement_detail", args=[achievement.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    bell = [q for q in queries.captured_queries if "towns_notification" in q["sql"]]
    assert len(bell) == 1


def test_the_filter_bar_is_cached_per_user_and_follows_new_choices(client, liaison, center_staff):
    url = reverse("achievements:achievement_list")
    client.force_login(center_staff)
    assert 'name="unit"' in client.get(url).content.decode()
    client.get(url)  # served from the cache
    client.force_login(liaison)
    # A liaison's list is their own unit's: no unit filter, whoever rendered the bar before.
    assert 'name="unit"' not in client.get(url).content.decode()

    client.force_login(center_staff)
    Industry.objects.create(code="Z99", name="低空经济测试领域", category="新兴", sort_order=999)
    assert "低空经济测试领域" in client.get(url).content.decode()


def test_a_lost_counter_starts_again_above_every_earlier_generation():
    """Evicted, or Redis away during a bump: the generation must never return to a number
    results are still cached under."""
    key = table_key("achievements_achievement")
    seen = current_generations([key])[key]
    cache.delete(key)
    assert current_generations([key])[key] > seen
    seen = current_generations([key])[key]
    cache.delete(key)
    bump_tables({"achievements_achievement"})
    assert current_generations([key])[key] > seen


def test_a_rolled_back_savepoint_changes_the_transactions_own_generation():
    AchievementFactory()
    with transaction.atomic():
        AchievementFactory()
        inside = data_generation()
        transaction.set_rollback(True)
    # What was cached inside the savepoint is not this transaction's data any more.
    assert data_generation() != inside


def test_a_write_that_changes_no_row_bumps_nothing(center_staff):
    before = data_generation()
    Achievement.objects.filter(pk=-1).update(title="无此成果")
    assert data_generation() == before


def test_signing_in_ends_no_cached_page(client, center_staff):
    """Officials sign in all morning: `last_login` is shown nowhere, so a sign-in must not empty
    everyone's page cache. Any other change of the account does."""
    center_staff.set_password("Sign-in-2026")
    center_staff.save()
    before = data_generation()
    response = client.post(
        reverse("towns:login"), {"username": center_staff.username, "password": "Sign-in-2026"}
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session
    assert data_generation() == before
    center_staff.title = "科长"
    center_staff.save()
    assert data_generation() != before


def test_a_write_ends_only_the_results_that_read_its_table(center_staff):
    """Invalidation as narrow as the data: a result cached over the achievements stays when a
    demand is written, and ends when an achievement is."""
    AchievementFactory()
    calls = []

    def count():
        calls.append(1)
        return Achievement.objects.count()

    assert cached_over_data("t:achievements", count, 60) == 1
    Industry.objects.filter(pk=-1).update(name="无")  # changes no row
    PolicyValue.objects.create(key="test.narrow", year=2026, value=1)
    with CaptureQueriesContext(connection) as reads:
        assert cached_over_data("t:achievements", count, 60) == 1
    assert len(calls) == 1 and len(reads) == 0
    AchievementFactory()
    assert cached_over_data("t:achievements", count, 60) == 2
    assert len(calls) == 2


def test_a_table_unnamed_by_a_write_counts_as_every_table(center_staff):
    before = data_generation("achievements_demand")
    bump_tables({""})
    assert data_generation("achievements_demand") != before
