"""Row scopes (kernel/cache.py): a page about one record or one demand keeps its copy while other
records or demands are written, and ends with any write that touches its own rows, or whose rows
nobody named."""

import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from achievements.choices import AchievementStatus
from achievements.models import Achievement, AchievementAttachment
from achievements.services.demands import matches_recompute
from achievements.services.discovery import (
    achievement_correction_request,
    achievement_merge,
    achievement_update,
)

from ..achievements.demands.factories import DemandFactory, MatchFactory
from ..achievements.factories import AchievementAttachmentFactory, AchievementCreditFactory
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


MASKED_TOKEN = re.compile(r"[A-Za-z0-9]{64}")


def served_and_fresh(client, url) -> tuple[str, str]:
    """The page as served (its copy, if it kept one) and as rendered afresh (a forced reload),
    the CSRF tokens (masked anew at each rendering) blanked."""
    served = client.get(url).content.decode()
    fresh = client.get(url, HTTP_CACHE_CONTROL="no-cache").content.decode()
    return MASKED_TOKEN.sub("T", served), MASKED_TOKEN.sub("T", fresh)


def test_a_records_page_shows_nothing_of_another_record_that_its_copy_would_miss(
    client, center_staff, liaison, django_capture_on_commit_callbacks
):
    """The rule a page cached under a row scope lives by: of the scope's tables it shows only
    its own record's rows, or rows whose writes end it some other way. Two records' pages are
    watched — one with a likely duplicate beside it, one merged into another record — while
    the other records are written in every table of the scope; after each write, the page as
    served equals the page rendered afresh."""
    client.force_login(center_staff)
    common = {
        "discovering_unit": liaison.unit,
        "holder": "东莞理工学院",
        "field": industry("S05"),
        "status": AchievementStatus.SUBMITTED,
    }
    watched = AchievementFactory(title="高导热石墨烯散热膜制备工艺", **common)
    neighbour = AchievementFactory(title="高导热石墨烯散热膜规模化制备", **common)
    kept = AchievementFactory(title="柔性石墨烯加热片", **{**common, "holder": "松山湖材料实验室"})
    merged = AchievementFactory(title="柔性石墨烯加热片（重复登记）", **common)
    achievement_merge(merged, into=kept, acting_user=center_staff, reason="重复登记")
    urls = [reverse("achievements:achievement_detail", args=[r.pk]) for r in (watched, merged)]
    assert "高导热石墨烯散热膜规模化制备" in client.get(urls[0]).content.decode()
    assert "柔性石墨烯加热片" in client.get(urls[1]).content.decode()

    writes = {
        "the likely duplicate retitled": lambda: achievement_update(
            Achievement.objects.get(pk=neighbour.pk),
            acting_user=center_staff,
            data={"title": "高导热石墨烯散热膜连续化制备"},
        ),
        "the record merged into retitled": lambda: achievement_update(
            Achievement.objects.get(pk=kept.pk),
            acting_user=center_staff,
            data={"title": "柔性石墨烯电加热片"},
        ),
        "an attachment of another record": lambda: AchievementAttachmentFactory(
            achievement=neighbour, uploaded_by=center_staff
        ),
        "a correction asked on another record": lambda: achievement_correction_request(
            Achievement.objects.get(pk=neighbour.pk), acting_user=liaison, message="单位名称有误"
        ),
        "a credit of another record": lambda: AchievementCreditFactory(achievement=kept),
    }
    for url in urls:
        served_and_fresh(client, url)  # each page kept
    for name, write in writes.items():
        with django_capture_on_commit_callbacks(execute=True):
            write()
        for url in urls:
            served, fresh = served_and_fresh(client, url)
            assert served == fresh, f"{url} kept a stale copy after {name}"
