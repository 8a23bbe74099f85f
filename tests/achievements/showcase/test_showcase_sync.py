"""Syncing the showcase is an upsert: run twice it changes nothing, run twice at once (two
overlapping sweeps) it still leaves one entry and no error."""

import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from achievements.models import Achievement, ShowcaseEntry
from achievements.services.showcase import showcase_generation, showcase_sync_achievement

from ...factories import AchievementFactory


def public_achievement(**fields) -> Achievement:
    """A discovered, public achievement whose entry is not written yet (no task has run)."""
    achievement = AchievementFactory(is_public=False, **fields)
    Achievement.objects.filter(pk=achievement.pk).update(is_public=True)
    return achievement


@pytest.mark.django_db
def test_syncing_twice_leaves_one_unchanged_entry(django_capture_on_commit_callbacks):
    achievement = public_achievement(title="高性能硫化物固态电解质材料")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rebuild_match_index", stdout=io.StringIO())
    entry = ShowcaseEntry.objects.get(achievement=achievement)
    generation = showcase_generation()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rebuild_match_index", stdout=io.StringIO())
    again = ShowcaseEntry.objects.get(achievement=achievement)
    assert (again.pk, again.key, again.title, again.published_at) == (
        entry.pk,
        f"A{achievement.pk}",
        "高性能硫化物固态电解质材料",
        entry.published_at,
    )
    assert ShowcaseEntry.objects.count() == 1
    # Nothing changed, so the cached public pages stay valid.
    assert showcase_generation() == generation


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_two_overlapping_syncs_leave_one_entry_and_no_error():
    achievement = public_achievement(title="旧标题")
    first_inserted = threading.Event()
    errors = []

    def first_sweep():
        try:
            with transaction.atomic():  # a sweep whose insert is not committed yet
                showcase_sync_achievement(achievement_id=achievement.pk)
                first_inserted.set()
                time.sleep(1.5)  # the second sweep now waits on the same row
        except Exception as error:  # reported below, with the other thread's
            errors.append(error)
        finally:
            first_inserted.set()
            connections.close_all()

    def second_sweep():
        try:
            assert first_inserted.wait(30)
            Achievement.objects.filter(pk=achievement.pk).update(title="新标题")
            # Finds no committed entry, inserts, waits for the first sweep's commit.
            showcase_sync_achievement(achievement_id=achievement.pk)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first_sweep), threading.Thread(target=second_sweep)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    entries = list(ShowcaseEntry.objects.filter(achievement=achievement))
    assert [(e.key, e.title) for e in entries] == [(f"A{achievement.pk}", "新标题")]
