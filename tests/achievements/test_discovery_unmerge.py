"""Duplicates that never group strangers, and merges that staff can undo.

The duplicates page groups records only by a title that can identify an achievement and says why
they match; a merge is written down and `achievement_unmerge` undoes exactly what it changed.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from achievements.choices import AchievementStatus, FeedbackKind, FeedbackStatus
from achievements.models import (
    Achievement,
    AchievementCredit,
    AchievementFeedback,
    AchievementMerge,
)
from quotas.selectors import discovery_progress
from towns.models import Notification

from ..factories import AchievementFactory, unit
from .factories import LibraryAchievementFactory
from .test_discovery_workflow import form_data

pytestmark = pytest.mark.django_db

TITLE = "高导热氮化铝陶瓷基板"


def groups_on(client) -> str:
    response = client.get(reverse("achievements:achievement_duplicates"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def pair(liaison, other_liaison):
    kept = LibraryAchievementFactory(title=TITLE, discovering_unit=liaison.unit, liaison=liaison)
    duplicate = LibraryAchievementFactory(
        title=f"{TITLE}！", discovering_unit=other_liaison.unit, liaison=other_liaison
    )
    return kept, duplicate


def merge(client, duplicate, kept, reason="高校与镇街重复登记"):
    response = client.post(
        reverse("achievements:achievement_merge", args=[duplicate.pk]),
        {"into": kept.pk, "reason": reason},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def unmerge(client, duplicate, reason="并非同一成果：技术路线不同"):
    return client.post(
        reverse("achievements:achievement_unmerge", args=[duplicate.pk]), {"reason": reason}
    )


def flash(client, response) -> str:
    return client.get(response["Location"]).content.decode()


# --- The duplicates page ------------------------------------------------------------------------


def test_records_without_a_usable_title_are_never_grouped(client, center_staff, pair):
    # The demo's old records: no normalised title at all, in many units.
    for code in ("dgut", "kjj", "441900119", "gbu"):
        AchievementFactory(title="——", discovering_unit=unit(code))
    # Too short, all digits, or a placeholder after normalisation.
    for code in ("dgut", "kjj"):
        LibraryAchievementFactory(title="测试", discovering_unit=unit(code))
        LibraryAchievementFactory(title="2024-001", discovering_unit=unit(code))
        LibraryAchievementFactory(title="科技成果。", discovering_unit=unit(code))
    client.force_login(center_staff)
    content = groups_on(client)
    assert content.count('data-testid="duplicate-group"') == 1
    assert content.count(TITLE) >= 3
    for title in ("——", "测试", "2024-001", "科技成果。"):
        assert f">{title}</a>" not in content


def test_a_short_title_is_not_a_likely_duplicate_of_another_holders_record(liaison_client):
    LibraryAchievementFactory(title="测试", holder="华南理工大学", discovering_unit=unit("kjj"))
    response = liaison_client.post(
        reverse("achievements:achievement_create"), form_data(title="测 试")
    )
    assert response.status_code == 302


def test_each_group_says_why_its_records_match(client, center_staff, pair, other_liaison):
    kept, duplicate = pair
    same_unit = LibraryAchievementFactory(
        title="钠离子电池正极材料", discovering_unit=unit("kjj"), holder="中山大学"
    )
    LibraryAchievementFactory(
        title="钠离子电池 正极材料",
        discovering_unit=unit("kjj"),
        holder="松山湖材料实验室",
        legacy_duplicate=True,
    )
    client.force_login(center_staff)
    content = groups_on(client)
    assert content.count('data-testid="duplicate-reasons"') == 2
    assert (
        f"匹配依据：名称相同：去除空格、标点和大小写差异后均为“{TITLE}”；持有单位相同：东莞理工学院<"
        in content
    )
    assert (
        "匹配依据：名称相同：去除空格、标点和大小写差异后均为“钠离子电池正极材料”；同一发现单位重复登记<"
        in content
    )
    assert (
        f"{reverse('achievements:achievement_merge', args=[duplicate.pk])}?into={kept.pk}"
        in content
    )
    assert same_unit.title in content


def test_only_staff_open_the_duplicates_page(client, liaison, leader, center_staff):
    for user in (liaison, leader):
        client.force_login(user)
        assert client.get(reverse("achievements:achievement_duplicates")).status_code == 403
    client.force_login(center_staff)
    assert client.get(reverse("achievements:achievement_duplicates")).status_code == 200


@pytest.mark.usefixtures("render_afresh")
def test_the_duplicates_page_reads_the_same_number_of_queries_for_more_groups(
    client, center_staff, pair
):
    kept, duplicate = pair
    LibraryAchievementFactory(title=TITLE, discovering_unit=unit("kjj"))
    client.force_login(center_staff)
    merge(client, duplicate, kept)
    with CaptureQueriesContext(connection) as one:
        assert groups_on(client).count('data-testid="duplicate-group"') == 1
    for n in range(3):
        title = f"工业视觉检测模组{n}号"
        a = LibraryAchievementFactory(title=title, discovering_unit=unit("kjj"))
        b = LibraryAchievementFactory(title=title, discovering_unit=unit("gbu"))
        LibraryAchievementFactory(title=title, discovering_unit=unit("dgut"))
        merge(client, b, a)
    with CaptureQueriesContext(connection) as more:
        content = groups_on(client)
    assert content.count('data-testid="duplicate-group"') == 4
    assert content.count(reverse("achievements:achievement_unmerge", args=[duplicate.pk])) == 1
    assert content.count("/unmerge/") == 4
    assert len(more) == len(one)


# --- Undoing a merge ----------------------------------------------------------------------------


def test_staff_undo_a_merge_and_both_records_credits_and_history_come_back(
    client, center_staff, pair, other_liaison
):
    kept, duplicate = pair
    client.force_login(center_staff)
    merge(client, duplicate, kept)
    history_before = duplicate.history.count()
    assert AchievementCredit.objects.filter(achievement=kept).count() == 1
    page = client.get(
        reverse("achievements:achievement_detail", args=[duplicate.pk])
    ).content.decode()
    assert 'data-testid="unmerge-form"' in page and "确定撤销合并吗？" in page
    assert "高校与镇街重复登记" in page  # who merged it, when and why

    response = unmerge(client, duplicate)
    assert response["Location"] == reverse("achievements:achievement_detail", args=[duplicate.pk])
    assert "已撤销合并：两条成果各自恢复，合并时添加的共同发现单位已移除。" in flash(
        client, response
    )

    duplicate.refresh_from_db()
    kept.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (AchievementStatus.SUBMITTED, None)
    assert kept.status == AchievementStatus.SUBMITTED
    assert not AchievementCredit.objects.exists()
    # The history keeps the merge and its undoing, with who and why.
    steps = list(duplicate.transitions.values_list("from_status", "to_status", "actor", "reason"))
    assert steps[-2:] == [
        ("submitted", "merged", center_staff.pk, "高校与镇街重复登记"),
        (
            "merged",
            "submitted",
            center_staff.pk,
            f"撤销合并（原并入 #{kept.pk}）：并非同一成果：技术路线不同",
        ),
    ]
    assert duplicate.history.count() == history_before + 1
    assert duplicate.history.first().history_user == center_staff
    credit_history = AchievementCredit.history.order_by("history_id")
    assert [h.history_type for h in credit_history] == ["+", "-"]
    assert credit_history.last().history_user == center_staff
    record = AchievementMerge.objects.get()
    assert (record.unmerged_by, record.unmerge_reason) == (
        center_staff,
        "并非同一成果：技术路线不同",
    )
    assert record.unmerged_at is not None

    # Both units are told; each counts its own record again; the pair is a group again.
    assert Notification.objects.filter(kind="achievement_unmerged").count() == 2
    year = timezone.localdate().year
    assert discovery_progress(kept.discovering_unit, year).discovered == 1
    assert discovery_progress(other_liaison.unit, year).discovered == 1
    kept_page = client.get(
        reverse("achievements:achievement_detail", args=[kept.pk])
    ).content.decode()
    assert "共同发现" not in kept_page
    assert (
        f"{reverse('achievements:achievement_merge', args=[duplicate.pk])}?into={kept.pk}"
        in groups_on(client)
    )


def test_undoing_a_merge_reopens_the_send_back_it_closed(client, center_staff, pair):
    kept, duplicate = pair
    client.force_login(center_staff)
    client.post(
        reverse("achievements:achievement_send_back", args=[duplicate.pk]),
        {"reasons": ["incomplete"], "message": "请补充知识产权编号。"},
    )
    duplicate.refresh_from_db()
    assert duplicate.status == AchievementStatus.RETURNED
    merge(client, duplicate, kept)
    feedback = AchievementFeedback.objects.get(achievement=duplicate)
    assert feedback.status == FeedbackStatus.RESOLVED

    unmerge(client, duplicate)
    duplicate.refresh_from_db()
    feedback.refresh_from_db()
    assert duplicate.status == AchievementStatus.RETURNED
    assert (feedback.kind, feedback.status, feedback.resolved_by, feedback.resolution_note) == (
        FeedbackKind.SEND_BACK,
        FeedbackStatus.OPEN,
        None,
        "",
    )


def test_merges_are_undone_in_reverse_order(client, center_staff, pair):
    kept, duplicate = pair
    first = LibraryAchievementFactory(title=TITLE, discovering_unit=unit("kjj"))
    client.force_login(center_staff)
    merge(client, first, duplicate)  # 市科技局's record into 长安镇's
    merge(client, duplicate, kept)  # then 长安镇's into 东莞理工学院's: first moves along
    first.refresh_from_db()
    assert first.merged_into == kept
    assert set(
        AchievementCredit.objects.filter(achievement=kept).values_list("unit__code", flat=True)
    ) == {
        "441900119",
        "kjj",
    }

    response = unmerge(client, first)
    assert (
        f"本成果所并入的成果 #{duplicate.pk} 已再次并入成果 #{kept.pk}，请先撤销那次合并。"
        in flash(client, response)
    )
    first.refresh_from_db()
    assert first.status == AchievementStatus.MERGED

    unmerge(client, duplicate)
    first.refresh_from_db()
    assert first.merged_into == duplicate
    assert not AchievementCredit.objects.filter(achievement=kept).exists()
    assert list(
        AchievementCredit.objects.filter(achievement=duplicate).values_list("unit__code", flat=True)
    ) == ["kjj"]

    unmerge(client, first)
    first.refresh_from_db()
    assert (first.status, first.merged_into) == (AchievementStatus.SUBMITTED, None)
    assert not AchievementCredit.objects.exists()


def test_undo_is_refused_when_the_unit_registered_the_title_again(
    client, center_staff, pair, other_liaison
):
    kept, duplicate = pair
    client.force_login(center_staff)
    merge(client, duplicate, kept)
    client.force_login(other_liaison)
    again = client.post(
        reverse("achievements:achievement_create"),
        form_data(title=TITLE, confirm_not_duplicate="on"),
    )
    assert again.status_code == 302
    registered = Achievement.objects.latest("pk")

    client.force_login(center_staff)
    response = unmerge(client, duplicate)
    assert (
        f"本单位已有同名成果（编号 {registered.pk}），撤销合并后将重复登记；请先处理那条成果。"
        in flash(client, response)
    )
    duplicate.refresh_from_db()
    assert duplicate.status == AchievementStatus.MERGED
    assert AchievementCredit.objects.count() == 1
    assert AchievementMerge.objects.get().unmerged_at is None


def test_undo_needs_a_reason(client, center_staff, pair):
    kept, duplicate = pair
    client.force_login(center_staff)
    merge(client, duplicate, kept)
    response = unmerge(client, duplicate, reason="  ")
    assert "请填写撤销合并的原因。" in flash(client, response)
    duplicate.refresh_from_db()
    assert duplicate.status == AchievementStatus.MERGED


def test_only_staff_may_undo_a_merge(client, center_staff, pair, liaison, other_liaison, leader):
    kept, duplicate = pair
    client.force_login(center_staff)
    merge(client, duplicate, kept)
    url = reverse("achievements:achievement_detail", args=[duplicate.pk])
    # The duplicate's own liaison and a leader see it, without the undo; another unit's liaison
    # does not see it at all.
    for user, status in ((other_liaison, 403), (leader, 403), (liaison, 404)):
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == (200 if status == 403 else 404)
        assert 'data-testid="unmerge-form"' not in page.content.decode()
        assert unmerge(client, duplicate).status_code == status
    duplicate.refresh_from_db()
    assert duplicate.status == AchievementStatus.MERGED
    assert AchievementCredit.objects.count() == 1
    assert AchievementMerge.objects.get().unmerged_at is None


def test_a_record_that_is_not_merged_cannot_be_unmerged(client, center_staff, pair):
    kept, duplicate = pair
    client.force_login(center_staff)
    assert unmerge(client, duplicate).status_code == 403
    merge(client, duplicate, kept)
    unmerge(client, duplicate)
    assert unmerge(client, duplicate).status_code == 403
    assert AchievementMerge.objects.get().unmerged_by == center_staff
