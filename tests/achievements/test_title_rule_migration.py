"""Migration 0012 runs on a library that already breaks the new rule: records without a
normalised title get one, a unit's existing same-titled records are kept apart as legacy
duplicates (the constraint is created, nothing is lost), and old merges can be undone."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from achievements.models import Achievement, AchievementMerge
from towns.choices import Role

from ..factories import UserFactory, industry, unit

BEFORE = [("achievements", "0011_posting_field_division")]
AFTER = [("achievements", "0012_unmerge_and_one_title_per_unit")]


@pytest.mark.django_db(transaction=True)
def test_existing_duplicates_and_merges_survive_the_migration():
    staff = UserFactory(role=Role.CENTER_STAFF, unit=unit("center"))
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        OldAchievement = old.get_model("achievements", "Achievement")
        Transition = old.get_model("achievements", "AchievementTransition")
        Credit = old.get_model("achievements", "AchievementCredit")
        common = {
            "summary": "热导率 230 W/(m·K)。",
            "kind": "project",
            "field_id": industry("S05").pk,
            "holder": "东莞理工学院",
            "created_by_id": staff.pk,
            "status": "submitted",
        }
        dgut, town = unit("dgut").pk, unit("441900119").pk
        # Three records of one unit under one title, one of them without a normalised title.
        first = OldAchievement.objects.create(
            title="高导热氮化铝陶瓷基板", title_normalized="", discovering_unit_id=dgut, **common
        )
        second = OldAchievement.objects.create(
            title="高导热 氮化铝陶瓷基板",
            title_normalized="高导热氮化铝陶瓷基板",
            discovering_unit_id=dgut,
            **common,
        )
        third = OldAchievement.objects.create(
            title="高导热氮化铝陶瓷基板！",
            title_normalized="高导热氮化铝陶瓷基板",
            discovering_unit_id=dgut,
            **common,
        )
        # A merge made before merge records existed.
        merged = OldAchievement.objects.create(
            title="高导热氮化铝陶瓷基板",
            title_normalized="高导热氮化铝陶瓷基板",
            discovering_unit_id=town,
            **{**common, "status": "merged"},
            merged_into_id=first.pk,
        )
        Transition.objects.create(
            achievement_id=merged.pk,
            from_status="returned",
            to_status="merged",
            actor_id=staff.pk,
            reason="同一成果",
        )
        credit = Credit.objects.create(
            achievement_id=first.pk, unit_id=town, merged_from_id=merged.pk, created_by_id=staff.pk
        )

        executor.loader.build_graph()
        executor.migrate(AFTER)
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    rows = Achievement.objects.order_by("pk").values_list(
        "pk", "title_normalized", "legacy_duplicate"
    )
    assert list(rows) == [
        (first.pk, "高导热氮化铝陶瓷基板", False),
        (second.pk, "高导热氮化铝陶瓷基板", True),
        (third.pk, "高导热氮化铝陶瓷基板", True),
        (merged.pk, "高导热氮化铝陶瓷基板", False),
    ]
    record = AchievementMerge.objects.get()
    assert (
        record.duplicate_id,
        record.kept_id,
        record.previous_status,
        record.merged_by_id,
        record.reason,
        record.added_credits,
    ) == (merged.pk, first.pk, "returned", staff.pk, "同一成果", [credit.pk])
