"""Row scopes (kernel/cache.py): a page about one record or one demand keeps its copy while other
records or demands are written, and ends with any write that touches its own rows, or whose rows
nobody named."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from achievements.choices import AchievementStatus
from achievements.models import Achievement, AchievementAttachment
from achievements.services.demands import matches_recompute
from achievements.services.discovery import achievement_update

from ..achievements.demands.factories import DemandFactory, MatchFactory
from ..achievements.factories import AchievementAttachmentFactory
from ..factories import AchievementFactory, industry

pytestmark = pytest.mark.django_db


def rendered(client, url) -> bool:
    """Whether the page was rendered (it read the data) rather than served from its copy."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return any("achievements_" in q["sql"] for q in queries.captured_queries)


@pytest.fixture
def two_pages(client, center_staff, liaison):
    """Two records' pages, each kept (staff signed in). Of other holders and fields: neither is
    in the other's duplicate scan, which a write to a record of the same field ends."""
    client.force_login(center_staff)
    records = [
        AchievementFactory(
            discovering_unit=liaison.unit,
            title=title,
            holder=holder,
            field=industry(field),
            status=AchievementStatus.SUBMITTED,
        )
        for title, holder, field in (
            ("高导热石墨烯散热膜", "东莞理工学院", "S05"),
            ("伺服电机振动抑制算法", "松山湖材料实验室", "S01"),
        )
    ]
    urls = [reverse("achievements:achievement_detail", args=[r.pk]) for r in records]
    for url in urls:
        client.get(url)
        client.get(url)
        assert not rendered(client, url)
    return records, urls


def test_editing_a_record_ends_its_own_page_and_no_other(client, center_staff, two_pages):
    (edited, other), (edited_url, other_url) = two_pages
    achievement_update(edited, acting_user=center_staff, data={"summary": "新的摘要：导热系数提升"})
    assert "新的摘要：导热系数提升" in client.get(edited_url).content.decode()
    assert not rendered(client, other_url)


def test_a_write_that_names_no_rows_ends_every_page(client, two_pages):
    (edited, other), (_, other_url) = two_pages
    Achievement.objects.filter(pk=edited.pk).update(summary="批量改写")
    assert rendered(client, other_url)


def test_a_record_merged_into_another_ends_the_page_it_was_merged_into(client, two_pages):
    (kept, duplicate), (kept_url, duplicate_url) = two_pages
    duplicate.merged_into = kept
    duplicate.save(update_fields=["merged_into"])
    assert rendered(client, kept_url)
    assert rendered(client, duplicate_url)


def test_a_row_moved_to_another_record_ends_both_pages(client, two_pages, center_staff):
    (first, second), (first_url, second_url) = two_pages
    attachment = AchievementAttachmentFactory(achievement=first, uploaded_by=center_staff)
    assert rendered(client, first_url)
    assert not rendered(client, second_url)
    moved = AchievementAttachment.objects.get(pk=attachment.pk)
    moved.achievement = second
    moved.save()
    assert rendered(client, first_url)
    assert rendered(client, second_url)


def test_a_failed_save_leaves_no_row_scope_behind(client, two_pages):
    (first, second), (_, second_url) = two_pages
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic():
            Achievement.objects.get(pk=first.pk).save(force_insert=True)
        # Were the failed save's scope (the first record) still current, this bulk write would
        # be taken for the first record's and the second page would be served stale.
        Achievement.objects.filter(pk=second.pk).update(summary="改写后的摘要")
    assert "改写后的摘要" in client.get(second_url).content.decode()


def test_ranking_one_demand_again_keeps_the_other_demands_matches(client, center_staff):
    fits = AchievementFactory(
        title="注塑件翘曲变形控制工艺", summary="注塑 翘曲 变形 模具温度", status="submitted"
    )
    demands = [
        DemandFactory(title="注塑件翘曲变形严重", description="注塑件翘曲变形，模具温度不稳"),
        DemandFactory(title="注塑件缩水翘曲", description="注塑件缩水、翘曲"),
    ]
    for demand in demands:
        MatchFactory(demand=demand, achievement=fits, score=0.5)
    client.force_login(center_staff)
    urls = [f"/api/v1/demands/{d.pk}/matches/" for d in demands]
    for url in urls:
        client.get(url)
        assert not rendered(client, url)
    matches_recompute(demand_id=demands[0].pk)
    assert rendered(client, urls[0])
    assert not rendered(client, urls[1])
