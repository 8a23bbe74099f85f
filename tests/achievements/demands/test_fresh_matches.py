"""Fresh matches: every write that creates or changes achievements in bulk queues ONE task after
its commit; the task indexes them, syncs the showcase, refreshes the open demands' suggestions
(their 计算于 moves) and tells the staff member following a demand what new fits it — without
the 15-minute sweep, and nothing twice when it runs again."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from achievements.choices import AchievementStatus
from achievements.models import Achievement, AchievementImport, Demand, Match, ShowcaseEntry
from achievements.services.changes import NOTIFICATION_KIND
from achievements.services.core import achievement_change_status
from achievements.services.discovery import (
    achievement_merge,
    achievement_restore,
    achievement_soft_delete,
    achievement_unmerge,
)
from achievements.tasks.demands import task_achievements_changed
from towns.models import Notification, OutboxMessage

from ...factories import AchievementFactory, division, industry, unit
from ..factories import sheet_row, xlsx_upload

pytestmark = pytest.mark.django_db

TASK = task_achievements_changed.name
LONG_AGO = timezone.now() - timedelta(days=3)
CERAMIC_DEMAND = {
    "kind": "technology",
    "title": "功率模块陶瓷基板散热不够",
    "description": "我们做IGBT功率模块，现在用氧化铝陶瓷基板，热导率不够，模块温度过高，想找氮化铝陶瓷基板的技术。",
    "budget_min": "",
    "budget_max": "",
    "deadline": "",
    "contact_name": "赵经理",
    "contact_phone": "0769-22881234",
    "contact_email": "",
}
CERAMIC = {
    "title": "高导热氮化铝陶瓷基板制备技术",
    "summary": "氮化铝陶瓷基板热导率达到 230 W/(m·K)，较氧化铝陶瓷基板提升 8 倍，用于功率模块散热。",
}


@pytest.fixture
def demand(client, enterprise_user, django_capture_on_commit_callbacks):
    """An open demand, posted through the page, ranked when nothing fits it yet."""
    client.force_login(enterprise_user)
    form = {**CERAMIC_DEMAND, "field": industry("S04").pk, "division": division("441900119").pk}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("achievements:demand_create"), form).status_code == 302
    client.logout()
    demand = Demand.objects.get()
    assert not demand.matches.exists()
    # Its suggestions were computed long ago: the page must not keep saying so.
    Demand.objects.filter(pk=demand.pk).update(matched_at=LONG_AGO)
    return demand


@pytest.fixture
def followed(client, demand, center_staff, django_capture_on_commit_callbacks):
    client.force_login(center_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("achievements:demand_follow", args=[demand.pk]))
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.followed_by == center_staff
    client.logout()
    return demand


def api_matches(client, user, demand) -> dict:
    client.force_login(user)
    response = client.get(f"/api/v1/demands/{demand.pk}/matches/", {"limit": 20})
    assert response.status_code == 200
    return response.json()


def suggested_ids(demand) -> set[int]:
    return set(demand.matches.filter(status="suggested").values_list("achievement_id", flat=True))


def bell(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=NOTIFICATION_KIND))


def tasks_queued(since: int = 0) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(task=TASK, pk__gt=since).order_by("pk"))


def last_message_id() -> int:
    return OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def import_sheet(client, liaison, rows, capture):
    client.force_login(liaison)
    response = client.post(
        reverse("achievements:achievement_import"), {"file": xlsx_upload(rows), "submit": "1"}
    )
    assert response.status_code == 302
    batch = AchievementImport.objects.latest("pk")
    with capture(execute=True):
        response = client.post(reverse("achievements:achievement_import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.imported_count == len(rows)
    return list(Achievement.objects.filter(title__in=[row[0] for row in rows]))


def test_an_import_is_in_the_demands_suggestions_without_the_sweep(
    client, liaison, center_staff, followed, django_capture_on_commit_callbacks
):
    before = last_message_id()
    rows = [
        sheet_row(成果名称=CERAMIC["title"], 成果简介=CERAMIC["summary"]),
        sheet_row(
            成果名称="城市污水厌氧氨氧化脱氮工艺",
            成果简介="厌氧氨氧化菌群驯化，脱氮能耗降低60%。",
            所属领域="化工",
        ),
        sheet_row(
            成果名称="茶园病虫害绿色防控技术",
            成果简介="以生物农药与诱捕器替代化学农药。",
            所属领域="食品饮料",
        ),
    ]
    imported = import_sheet(client, liaison, rows, django_capture_on_commit_callbacks)
    ceramic = next(a for a in imported if a.title == CERAMIC["title"])

    # One task for the whole sheet, carrying every record.
    [message] = tasks_queued(before)
    assert message.kwargs == {"achievement_ids": sorted(a.pk for a in imported)}
    assert message.sent_at is not None

    # The demand's suggestions hold the new record, and say when they were computed.
    body = api_matches(client, center_staff, followed)
    assert [row["achievement"] for row in body["results"]] == [ceramic.pk]
    computed = followed.__class__.objects.get(pk=followed.pk).matched_at
    assert computed > LONG_AGO + timedelta(days=2)
    assert body["computed_at"] == computed.astimezone(timezone.get_current_timezone()).isoformat()
    page = client.get(reverse("achievements:demand_detail", args=[followed.pk])).content.decode()
    assert f"计算于 {timezone.localtime(computed):%Y-%m-%d %H:%M}" in page
    assert CERAMIC["title"] in page
    # In the showcase too (the sheet's rows are public).
    assert ShowcaseEntry.objects.filter(achievement=ceramic).exists()

    # The follower hears of it once, naming the record.
    [notice] = bell(center_staff)
    assert "功率模块陶瓷基板散热不够" in notice.title and "1 项" in notice.title
    assert CERAMIC["title"] in notice.body
    assert notice.url == reverse("achievements:demand_detail", args=[followed.pk])

    # Run again (a redelivered message): nothing is created twice, no second notification.
    matches = list(Match.objects.values_list("demand_id", "achievement_id", "status"))
    task_achievements_changed.apply(kwargs=message.kwargs).get()
    assert list(Match.objects.values_list("demand_id", "achievement_id", "status")) == matches
    assert len(bell(center_staff)) == 1
    assert ShowcaseEntry.objects.filter(achievement=ceramic).count() == 1


def test_one_notification_per_demand_per_batch_listing_the_new_records(
    client, liaison, center_staff, followed, django_capture_on_commit_callbacks
):
    rows = [
        sheet_row(成果名称=CERAMIC["title"], 成果简介=CERAMIC["summary"]),
        sheet_row(
            成果名称="氮化铝陶瓷基板激光金属化工艺",
            成果简介="在氮化铝陶瓷基板上激光活化镀铜，热导率高，适合功率模块散热。",
        ),
    ]
    import_sheet(client, liaison, rows, django_capture_on_commit_callbacks)
    assert len(suggested_ids(followed)) == 2
    [notice] = bell(center_staff)
    assert "2 项" in notice.title
    assert all(row[0] in notice.body for row in rows)


def test_without_a_follower_the_staff_who_last_reviewed_the_demand_is_told(
    client, liaison, center_staff, demand, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = AchievementFactory(**CERAMIC, field=industry("S04"))
    match = Match.objects.get(demand=demand, achievement=first)
    client.force_login(center_staff)
    client.post(reverse("achievements:match_reject", args=[match.pk]), {"reason": "已在合作"})
    rows = [
        sheet_row(
            成果名称="氮化铝陶瓷基板激光金属化工艺",
            成果简介="在氮化铝陶瓷基板上激光活化镀铜，热导率高，适合功率模块散热。",
        )
    ]
    import_sheet(client, liaison, rows, django_capture_on_commit_callbacks)
    [notice] = bell(center_staff)
    assert rows[0][0] in notice.body


def test_a_demand_already_in_docking_still_tells_its_follower(
    client, liaison, center_staff, enterprise_user, followed, django_capture_on_commit_callbacks
):
    """已对接 (matched) demands keep taking suggestions; their follower hears of them too."""
    with django_capture_on_commit_callbacks(execute=True):
        first = AchievementFactory(**CERAMIC, field=industry("S04"))
    match = Match.objects.get(demand=followed, achievement=first)
    client.force_login(center_staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("achievements:match_propose", args=[match.pk]), {"note": "可对接"})
    client.force_login(enterprise_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("achievements:match_accept", args=[match.pk]))
    followed.refresh_from_db()
    assert followed.status == "matched"
    Notification.objects.filter(recipient=center_staff).delete()
    rows = [
        sheet_row(
            成果名称="氮化铝陶瓷基板激光金属化工艺",
            成果简介="在氮化铝陶瓷基板上激光活化镀铜，热导率高，适合功率模块散热。",
        )
    ]
    import_sheet(client, liaison, rows, django_capture_on_commit_callbacks)
    [notice] = bell(center_staff)
    assert rows[0][0] in notice.body


def test_delete_and_restore_refresh_the_suggestions_at_once(
    center_staff, followed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ceramic = AchievementFactory(**CERAMIC, field=industry("S04"))
    assert suggested_ids(followed) == {ceramic.pk}
    assert len(bell(center_staff)) == 1
    Demand.objects.filter(pk=followed.pk).update(matched_at=LONG_AGO)

    before = last_message_id()
    with django_capture_on_commit_callbacks(execute=True):
        achievement_soft_delete(ceramic, acting_user=center_staff, reason="登记有误")
    assert len(tasks_queued(before)) == 1
    assert suggested_ids(followed) == set()
    followed.refresh_from_db()
    assert followed.matched_at > LONG_AGO + timedelta(days=2)

    Demand.objects.filter(pk=followed.pk).update(matched_at=LONG_AGO)
    before = last_message_id()
    with django_capture_on_commit_callbacks(execute=True):
        achievement_restore(Achievement.all_objects.get(pk=ceramic.pk), acting_user=center_staff)
    assert len(tasks_queued(before)) == 1
    assert suggested_ids(followed) == {ceramic.pk}
    followed.refresh_from_db()
    assert followed.matched_at > LONG_AGO + timedelta(days=2)
    # Suggested anew after the restore: the follower is told again.
    assert len(bell(center_staff)) == 2


def test_merge_and_unmerge_refresh_the_suggestions_with_one_task_each(
    center_staff, followed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        kept = AchievementFactory(**CERAMIC, field=industry("S04"), discovering_unit=unit("dgut"))
        duplicate = AchievementFactory(
            **CERAMIC, field=industry("S04"), discovering_unit=unit("kjj")
        )
    assert suggested_ids(followed) == {kept.pk, duplicate.pk}

    before = last_message_id()
    with django_capture_on_commit_callbacks(execute=True):
        achievement_merge(duplicate, into=kept, acting_user=center_staff, reason="重复")
    [message] = tasks_queued(before)
    assert duplicate.pk in message.kwargs["achievement_ids"]
    assert suggested_ids(followed) == {kept.pk}

    before = last_message_id()
    with django_capture_on_commit_callbacks(execute=True):
        achievement_unmerge(
            Achievement.all_objects.get(pk=duplicate.pk), acting_user=center_staff, reason="误判"
        )
    assert len(tasks_queued(before)) == 1
    assert suggested_ids(followed) == {kept.pk, duplicate.pk}


def test_a_bulk_status_change_queues_one_task_for_all_its_records(
    center_staff, followed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        drafts = [
            AchievementFactory(
                title=f"{CERAMIC['title']}（{n}）",
                summary=CERAMIC["summary"],
                field=industry("S04"),
                status=AchievementStatus.DRAFT,
            )
            for n in range(3)
        ]
    assert suggested_ids(followed) == set()
    before = last_message_id()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for draft in drafts:
            achievement_change_status(
                draft,
                to=AchievementStatus.SUBMITTED,
                allowed_from=[AchievementStatus.DRAFT],
                acting_user=center_staff,
            )
    [message] = tasks_queued(before)
    assert message.kwargs == {"achievement_ids": sorted(d.pk for d in drafts)}
    assert suggested_ids(followed) == {d.pk for d in drafts}
    [notice] = bell(center_staff)
    assert "3 项" in notice.title


def test_a_rolled_back_savepoint_leaves_its_records_out_of_the_task(
    center_staff, django_capture_on_commit_callbacks
):
    before = last_message_id()
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        with transaction.atomic():
            gone = AchievementFactory()
            transaction.set_rollback(True)
        kept = AchievementFactory()
    [message] = tasks_queued(before)
    assert message.kwargs == {"achievement_ids": [kept.pk]}
    assert list(Achievement.all_objects.values_list("title", flat=True)) == [kept.title]
    assert gone.title != kept.title


def test_follow_and_unfollow(client, center_staff, demand, django_capture_on_commit_callbacks):
    client.force_login(center_staff)
    url = reverse("achievements:demand_follow", args=[demand.pk])
    client.post(url)
    page = client.get(reverse("achievements:demand_detail", args=[demand.pk])).content.decode()
    assert f"跟进人：{center_staff.display_name}" in page and "取消跟进" in page
    client.post(url, {"follow": "0"})
    demand.refresh_from_db()
    assert demand.followed_by is None
