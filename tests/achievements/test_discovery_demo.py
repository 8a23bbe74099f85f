"""The discovery library's part of seed_demo."""

from random import Random

import pytest
from django.db.models import Count

from achievements.choices import AchievementKind, AchievementStatus
from achievements.demo import discovery
from achievements.models import Achievement, AchievementCredit, AchievementFeedback
from towns import demo as towns_demo
from towns.demo import DemoContext

pytestmark = pytest.mark.django_db


def test_demo_library_is_large_varied_chinese_and_idempotent():
    ctx = DemoContext(rng=Random(1))
    towns_demo.seed(ctx)
    discovery.seed(ctx)

    total = Achievement.objects.count()
    assert total >= 600
    statuses = dict(Achievement.objects.values_list("status").annotate(n=Count("id")))
    assert set(statuses) == {
        AchievementStatus.DRAFT,
        AchievementStatus.SUBMITTED,
        AchievementStatus.RETURNED,
        AchievementStatus.WITHDRAWN,
        AchievementStatus.SERVICE,
        AchievementStatus.MERGED,
    }
    assert statuses[AchievementStatus.SUBMITTED] > total / 2
    assert set(Achievement.objects.values_list("kind", flat=True)) == set(AchievementKind.values)
    assert Achievement.objects.values("field").distinct().count() >= 20
    assert Achievement.objects.values("discovering_unit").distinct().count() >= 40
    years = set(Achievement.objects.values_list("discovered_on__year", flat=True))
    assert {2024, 2025, 2026} <= years
    assert AchievementCredit.objects.count() >= 5
    assert AchievementFeedback.objects.filter(kind="send_back").exists()
    assert AchievementFeedback.objects.filter(kind="correction_request", status="open").exists()
    sample = Achievement.objects.order_by("pk").first()
    assert "团队研发的" in sample.summary and sample.title_normalized

    discovery.seed(ctx)
    assert Achievement.objects.count() == total
