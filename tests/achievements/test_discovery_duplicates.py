"""Duplicates: warned about before saving; staff merge two records keeping both units' credit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from achievements.choices import AchievementStatus
from achievements.models import Achievement, AchievementCredit
from quotas.selectors import discovery_progress
from towns.models import Notification

from ..factories import industry, unit
from .factories import LibraryAchievementFactory
from .test_discovery_workflow import form_data

pytestmark = pytest.mark.django_db


def test_same_title_written_differently_is_warned_about_before_saving(liaison_client):
    LibraryAchievementFactory(
        title="硫化物固态电解质规模化制备技术", discovering_unit=unit("441900119")
    )
    response = liaison_client.post(
        reverse("achievements:achievement_create"),
        form_data(title=" 硫化物固态电解质 规模化制备技术！"),
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="duplicate-warning"' in content
    assert "成果名称相同" in content and "长安" in content
    assert Achievement.objects.count() == 1

    response = liaison_client.post(
        reverse("achievements:achievement_create"),
        form_data(title=" 硫化物固态电解质 规模化制备技术！", confirm_not_duplicate="on"),
    )
    assert response.status_code == 302
    assert Achievement.objects.count() == 2


def test_similar_title_of_the_same_holder_is_a_likely_duplicate(liaison_client):
    LibraryAchievementFactory(
        title="硫化物固态电解质规模化制备工艺", holder="东莞理工学院", field=industry("T01")
    )
    response = liaison_client.post(
        reverse("achievements:achievement_create"),
        form_data(title="硫化物固态电解质规模化制备技术"),
    )
    assert "同一持有单位，名称相近" in response.content.decode()


def test_similar_title_in_the_same_field_is_a_likely_duplicate(liaison_client):
    LibraryAchievementFactory(
        title="硫化物固态电解质规模化制备技术研究", holder="华南理工大学", field=industry("S05")
    )
    response = liaison_client.post(
        reverse("achievements:achievement_create"),
        form_data(title="硫化物固态电解质规模化制备技术"),
    )
    assert "同一领域，名称相近" in response.content.decode()


def test_unrelated_titles_save_without_a_warning(liaison_client):
    LibraryAchievementFactory(title="工业质检视觉大模型", field=industry("S05"))
    response = liaison_client.post(reverse("achievements:achievement_create"), form_data())
    assert response.status_code == 302


def test_another_units_drafts_are_never_named(liaison_client):
    LibraryAchievementFactory(
        title="硫化物固态电解质规模化制备技术",
        status=AchievementStatus.DRAFT,
        discovering_unit=unit("441900119"),
    )
    response = liaison_client.post(reverse("achievements:achievement_create"), form_data())
    assert response.status_code == 302


def test_the_live_hint_warns_while_typing(liaison_client):
    record = LibraryAchievementFactory(title="钠离子电池正极材料", discovering_unit=unit("kjj"))
    url = reverse("achievements:achievement_duplicate_hint")
    response = liaison_client.get(url, {"title": "钠离子电池 正极材料"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert 'data-testid="duplicate-hint"' in content
    assert "钠离子电池正极材料" in content and "市科技局" in content
    # Visible only to its own unit and staff: named but not linked.
    assert reverse("achievements:achievement_detail", args=[record.pk]) not in content
    response = liaison_client.get(url, {"title": "钠离子电池正极材料", "exclude": record.pk})
    assert response.content.decode().strip() == ""


@pytest.fixture
def pair(liaison, other_liaison):
    kept = LibraryAchievementFactory(
        title="高导热氮化铝陶瓷基板", discovering_unit=liaison.unit, liaison=liaison
    )
    duplicate = LibraryAchievementFactory(
        title="高导热氮化铝陶瓷基板", discovering_unit=other_liaison.unit, liaison=other_liaison
    )
    return kept, duplicate


def test_staff_merge_keeps_both_units_credit_visible(client, center_staff, pair, other_liaison):
    kept, duplicate = pair
    client.force_login(center_staff)
    page = client.get(
        reverse("achievements:achievement_merge", args=[duplicate.pk]), {"into": kept.pk}
    )
    assert "保留的成果" in page.content.decode()

    response = client.post(
        reverse("achievements:achievement_merge", args=[duplicate.pk]),
        {"into": kept.pk, "reason": "高校与镇街重复登记"},
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (AchievementStatus.MERGED, kept)
    assert duplicate.transitions.last().reason == "高校与镇街重复登记"
    credit = AchievementCredit.objects.get()
    assert (credit.achievement, credit.unit, credit.merged_from) == (
        kept,
        other_liaison.unit,
        duplicate,
    )

    detail = client.get(reverse("achievements:achievement_detail", args=[kept.pk])).content.decode()
    assert "东莞理工学院" in detail and "长安镇" in detail and "共同发现" in detail
    # Both units' liaisons are told, and both still count the achievement.
    assert Notification.objects.filter(kind="achievement_merged").count() == 2
    year = timezone.localdate().year
    assert discovery_progress(kept.discovering_unit, year).discovered == 1
    assert discovery_progress(other_liaison.unit, year).discovered == 1


def test_the_credited_units_liaison_sees_the_kept_record(client, center_staff, pair, other_liaison):
    kept, duplicate = pair
    client.force_login(center_staff)
    client.post(reverse("achievements:achievement_merge", args=[duplicate.pk]), {"into": kept.pk})
    client.force_login(other_liaison)
    content = client.get(
        reverse("achievements:achievement_detail", args=[duplicate.pk])
    ).content.decode()
    assert "已并入" in content
    kept_page = client.get(reverse("achievements:achievement_detail", args=[kept.pk]))
    assert kept_page.status_code == 200
    # The kept record's contact data belongs to the other unit.
    assert "已脱敏" in kept_page.content.decode()
    listing = client.get(reverse("achievements:achievement_list")).content.decode()
    assert "共同发现·长安" in listing


def test_merge_refuses_bad_targets(client, center_staff, pair):
    kept, duplicate = pair
    draft = LibraryAchievementFactory(title="草稿", status=AchievementStatus.DRAFT)
    client.force_login(center_staff)
    url = reverse("achievements:achievement_merge", args=[duplicate.pk])

    response = client.post(url, {"into": duplicate.pk})
    assert "不能将成果与自身合并。" in response.content.decode()
    response = client.post(url, {"into": draft.pk})
    assert "保留的成果须在发现库或服务库中（当前为“草稿”）。" in response.content.decode()
    response = client.post(url, {"into": 999999})
    assert "找不到编号为 999999 的成果。" in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.status == AchievementStatus.SUBMITTED
    assert not AchievementCredit.objects.exists()


def test_merging_a_merged_record_again_is_refused(client, center_staff, pair):
    kept, duplicate = pair
    client.force_login(center_staff)
    client.post(reverse("achievements:achievement_merge", args=[duplicate.pk]), {"into": kept.pk})
    response = client.post(
        reverse("achievements:achievement_merge", args=[duplicate.pk]), {"into": kept.pk}
    )
    assert response.status_code == 403
    assert AchievementCredit.objects.count() == 1


def test_duplicates_page_groups_records_of_the_same_title(client, center_staff, pair):
    kept, duplicate = pair
    LibraryAchievementFactory(title="无关成果")
    client.force_login(center_staff)
    content = client.get(reverse("achievements:achievement_duplicates")).content.decode()
    assert content.count("高导热氮化铝陶瓷基板") >= 3
    assert "无关成果" not in content
    assert (
        f"{reverse('achievements:achievement_merge', args=[duplicate.pk])}?into={kept.pk}"
        in content
    )


def test_staff_see_likely_duplicates_on_the_detail_page(client, center_staff, pair):
    kept, duplicate = pair
    client.force_login(center_staff)
    content = client.get(
        reverse("achievements:achievement_detail", args=[kept.pk])
    ).content.decode()
    assert 'data-testid="card-duplicates"' in content
    assert (
        f"{reverse('achievements:achievement_merge', args=[kept.pk])}?into={duplicate.pk}"
        in content
    )


@pytest.mark.usefixtures("render_afresh")
def test_the_duplicate_scan_is_kept_until_the_library_changes(
    client, center_staff, pair, django_capture_on_commit_callbacks
):
    kept, duplicate = pair
    client.force_login(center_staff)
    url = reverse("achievements:achievement_detail", args=[kept.pk])
    first = client.get(url).content.decode()
    assert f"?into={duplicate.pk}" in first

    # A record registered since is found on the next view, not after the cache expires.
    with django_capture_on_commit_callbacks(execute=True):
        later = LibraryAchievementFactory(
            title="高导热氮化铝陶瓷基板", discovering_unit=unit("kjj")
        )
    with CaptureQueriesContext(connection) as scanned:
        assert f"?into={later.pk}" in client.get(url).content.decode()

    # Unchanged library: the same page without the scan's reads.
    with CaptureQueriesContext(connection) as cached:
        assert f"?into={later.pk}" in client.get(url).content.decode()
    assert len(cached) <= len(scanned) - 2
