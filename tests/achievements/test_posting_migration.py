"""Migration 0011 copies each achievement's field and landing division onto its postings."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from achievements import matching
from achievements.choices import AchievementStatus
from achievements.models import MatchPosting

from ..factories import AchievementFactory, division, industry

BEFORE = [("achievements", "0010_achievement_recent_index")]
AFTER = [("achievements", "0011_posting_field_division")]


@pytest.mark.django_db(transaction=True)
def test_existing_postings_take_their_achievements_field_and_division():
    landed = AchievementFactory(
        title="注塑件缩痕的模流分析",
        status=AchievementStatus.SUBMITTED,
        field=industry("T08"),
        landing_division=division("441900119"),
    )
    nowhere = AchievementFactory(
        title="固态电解质材料", status=AchievementStatus.SUBMITTED, field=industry("S05")
    )
    matching.rebuild_index(matching.vocabulary())
    assert MatchPosting.objects.filter(achievement=landed).exists()

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        executor.loader.build_graph()
        executor.migrate(AFTER)

        places = set(
            MatchPosting.objects.values_list("achievement_id", "field_id", "division_id").distinct()
        )
        assert places == {
            (landed.pk, landed.field_id, landed.landing_division_id),
            (nowhere.pk, nowhere.field_id, None),
        }
    finally:
        # Back to the latest migrations: later tests of this worker need the newer columns.
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
