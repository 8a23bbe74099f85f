"""Invalidation as narrow as the data (kernel/cache.py, kernel/pagecache.py): a write ends the
cached pages and figures that read what it wrote, at once, and leaves the others."""

import random

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from achievements.choices import AchievementStatus
from achievements.selectors.discovery import likely_duplicates
from achievements.services.core import duplicate_scope_keys, library_changed, normalize_title
from achievements.services.demands import demand_update
from achievements.services.discovery import achievement_update
from towns.models import Industry

from ..achievements.demands.factories import DemandFactory
from ..factories import AchievementFactory
from ..quotas.test_dashboard import chart_data

pytestmark = pytest.mark.django_db


def served(client, url) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


def rendered(queries) -> bool:
    return any('FROM "achievements_achievement"' in sql for sql in queries)


@pytest.fixture
def record(liaison):
    return AchievementFactory(
        discovering_unit=liaison.unit,
        title="高导热石墨烯散热膜",
        status=AchievementStatus.SUBMITTED,
    )


@pytest.fixture
def pages(client, center_staff, record):
    """The library's list and a record's page, staff signed in, each kept once."""
    client.force_login(center_staff)
    urls = [
        reverse("achievements:achievement_list"),
        reverse("achievements:achievement_detail", args=[record.pk]),
    ]
    for url in urls:
        client.get(url)  # the first page sets the CSRF cookie
        client.get(url)
    return urls


def test_a_demand_edit_leaves_the_library_pages_kept(client, center_staff, pages, enterprise_user):
    demand = DemandFactory()
    for url in pages:
        client.get(url)
    demand_update(demand, acting_user=center_staff, description="注塑件缩痕，需要改模具方案。")
    for url in pages:
        _page, queries = served(client, url)
        assert not rendered(queries), url


def test_an_achievement_edit_shows_on_the_next_request_of_its_pages(
    client, center_staff, pages, record
):
    achievement_update(record, acting_user=center_staff, data={"title": "柔性石墨烯散热膜"})
    for url in pages:
        page, queries = served(client, url)
        assert rendered(queries) and "柔性石墨烯散热膜" in page, url
    # Kept again until the next write to what they read.
    for url in pages:
        assert not rendered(served(client, url)[1])


def test_a_reference_table_edit_shows_on_the_pages_that_read_it(client, pages, record):
    Industry.objects.filter(pk=record.field_id).update(name="改名后的测试领域")
    page, queries = served(client, pages[1])
    assert rendered(queries) and "改名后的测试领域" in page


def test_the_dashboard_follows_the_library(client, leader):
    url = f"{reverse('quotas:dashboard')}?year={timezone.localdate().year}"
    client.force_login(leader)
    client.get(url)
    before = chart_data(client.get(url).content.decode())["funnel"]["stages"][0]["value"]
    AchievementFactory(discovered_on=timezone.localdate())
    after = chart_data(client.get(url).content.decode())["funnel"]["stages"][0]["value"]
    assert after == before + 1


def test_a_duplicate_scan_is_kept_until_its_own_scope_changes(
    client, center_staff, render_afresh, django_capture_on_commit_callbacks
):
    """The detail page's duplicate scan searches the record's title, holder and field: a record
    saved elsewhere leaves its cached scan, one saved in its scope ends it."""
    first = AchievementFactory(title="一种锂电池正极材料制备方法", holder="东莞理工学院")
    twin = AchievementFactory(title="一种锂电池正极材料的制备方法", holder="东莞理工学院")
    other_field = Industry.objects.exclude(pk=first.field_id).order_by("pk").first()
    elsewhere = AchievementFactory(title="智能仓储机器人调度系统", field=other_field, holder="别处")
    client.force_login(center_staff)
    url = reverse("achievements:achievement_detail", args=[first.pk])
    assert twin.title in client.get(url).content.decode()
    scope = duplicate_scope_keys(first.title_normalized, first.holder, first.field_id)
    kept = cache.get_many(scope)

    with django_capture_on_commit_callbacks(execute=True):
        achievement_update(elsewhere, acting_user=center_staff, data={"summary": "改过的简介。"})
    assert cache.get_many(scope) == kept
    with django_capture_on_commit_callbacks(execute=True):
        achievement_update(
            twin,
            acting_user=center_staff,
            data={"title": "高效光伏逆变器控制方法", "summary": "组串式逆变器的最大功率点跟踪。"},
        )
    assert cache.get_many(scope) != kept
    # A stale scan would still list the twin (under its new title).
    assert "高效光伏逆变器控制方法" not in client.get(url).content.decode()


def test_an_edit_of_a_records_text_leaves_the_field_scans(
    center_staff, django_capture_on_commit_callbacks
):
    """The field's scan compares titles only: another holder's record of the same field, its
    summary edited, leaves the scans of that field; its holder's scan (which compares
    summaries) ends; a new title ends the field's too."""
    title = "固态电解质薄膜沉积工艺"
    neighbour = AchievementFactory(
        title=title, title_normalized=normalize_title(title), holder="松山湖材料实验室"
    )
    field_key = duplicate_scope_keys("", "", neighbour.field_id)[1]
    holder_key = duplicate_scope_keys("", neighbour.holder, None)[1]
    kept = {field_key: 1, holder_key: 1}
    cache.set_many(kept, None)

    with django_capture_on_commit_callbacks(execute=True):
        achievement_update(neighbour, acting_user=center_staff, data={"summary": "改过的简介。"})
    now = cache.get_many([field_key, holder_key])
    assert now.get(field_key) == kept.get(field_key)
    assert now.get(holder_key) != kept.get(holder_key)

    with django_capture_on_commit_callbacks(execute=True):
        achievement_update(
            neighbour, acting_user=center_staff, data={"title": "钠离子电池负极材料"}
        )
    assert cache.get(field_key) != kept.get(field_key)


HOLDER = "东莞理工学院"
SUMMARIES = (
    "采用化学气相沉积在铜箔上生长石墨烯，经转移与叠层制成散热膜，面内导热系数高。",
    "伺服电机振动抑制算法，基于陷波滤波与自适应增益，适用于高速贴片机。",
    "锂电池正极材料的共沉淀制备方法，颗粒均匀，循环寿命长。",
    "注塑模具随形冷却水路设计与金属增材制造，缩短成型周期。",
)


def holder_record(title: str, summary: str):
    return AchievementFactory(
        title=title, title_normalized=normalize_title(title), holder=HOLDER, summary=summary
    )


def scan(user, subject):
    return [
        (c.pk, c.reason, c.score)
        for c in likely_duplicates(
            user=user,
            title=subject.title,
            holder=subject.holder,
            field_id=subject.field_id,
            summary=subject.summary,
            exclude_pk=subject.pk,
        )
    ]


def test_a_holder_scan_rescores_only_the_records_whose_text_was_edited(
    center_staff, django_capture_on_commit_callbacks
):
    """A summary edited to read like the subject's makes that record a likely duplicate at the
    next look, found by rescoring that one record, not by comparing the holder's summaries."""
    subject = holder_record("石墨烯散热膜", SUMMARIES[0])
    others = [
        holder_record(title, summary)
        for title, summary in (("伺服控制器", SUMMARIES[1]), ("正极材料", SUMMARIES[2]))
    ]
    assert scan(center_staff, subject) == []

    with django_capture_on_commit_callbacks(execute=True):
        achievement_update(others[1], acting_user=center_staff, data={"summary": SUMMARIES[0]})
    with CaptureQueriesContext(connection) as queries:
        found = scan(center_staff, subject)
    assert [(pk, reason) for pk, reason, _score in found] == [
        (others[1].pk, "同一持有单位，简介相近")
    ]
    holder_reads = [q["sql"] for q in queries.captured_queries if '"holder" =' in q["sql"]]
    assert holder_reads and all(f"IN ({others[1].pk})" in sql for sql in holder_reads)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_rescored_holder_scan_equals_a_full_scan(
    seed, center_staff, django_capture_on_commit_callbacks
):
    """Random runs of summary edits (and now and then a title edit, which no log covers):
    after each, the scan brought up to date equals the scan made afresh."""
    rng = random.Random(seed)
    records = [
        holder_record(
            f"{rng.choice(['石墨烯', '伺服', '正极', '模具'])}成果{n}", rng.choice(SUMMARIES)
        )
        for n in range(8)
    ]
    subject = records[0]
    scan(center_staff, subject)
    for _step in range(6):
        for record in rng.sample(records[1:], rng.randint(1, 3)):
            record.refresh_from_db()
            data = {"summary": rng.choice(SUMMARIES) + rng.choice(["", "（修订）"])}
            if rng.random() < 0.15:
                data["title"] = f"石墨烯散热膜{rng.randint(1, 9)}"
            with django_capture_on_commit_callbacks(execute=True):
                achievement_update(record, acting_user=center_staff, data=data)
        brought_up_to_date = scan(center_staff, subject)
        library_changed()  # every scan is made afresh
        assert brought_up_to_date == scan(center_staff, subject)
