"""Achievements are soft-deleted and restorable: a deleted one disappears from lists, detail
pages, the API, the showcase, matching and counts; restoring brings it all back."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from achievements.models import Achievement, Demand, Match, ShowcaseEntry
from achievements.services.demands import demand_create
from achievements.services.discovery import achievement_restore, achievement_soft_delete

from ..achievements.demands.conftest import DEMAND_FORM
from ..factories import AchievementFactory, division, industry

pytestmark = pytest.mark.django_db


@pytest.fixture
def moulding(django_capture_on_commit_callbacks):
    """A public, discovered achievement, indexed and shown, and a demand that it matches."""
    with django_capture_on_commit_callbacks(execute=True):
        return AchievementFactory(
            title="基于模流分析的注塑工艺参数智能优化系统",
            summary="集成模流仿真与优化算法，自动寻优保压压力与冷却时间，外观不良降低60%。",
            field=industry("T08"),
            landing_division=division("441900119"),
            is_public=True,
        )


@pytest.fixture
def demand(moulding, enterprise_user, django_capture_on_commit_callbacks):
    fields = {key: DEMAND_FORM[key] for key in ("kind", "title", "description", "contact_name")}
    fields.update(
        field=industry("T08"), division=division("441900119"), contact_phone="13800138000"
    )
    with django_capture_on_commit_callbacks(execute=True):
        return demand_create(
            acting_user=enterprise_user, enterprise=enterprise_user.enterprise, **fields
        )


def present_everywhere(client, staff, achievement, demand) -> dict[str, bool]:
    client.force_login(staff)
    listing = client.get(reverse("achievements:achievement_list"))
    api = client.get("/api/v1/achievements/").json()
    found = {
        "list": achievement.title in listing.content.decode(),
        "detail": client.get(
            reverse("achievements:achievement_detail", args=[achievement.pk])
        ).status_code
        == 200,
        "api list": achievement.pk in [row["id"] for row in api["results"]],
        "api detail": client.get(f"/api/v1/achievements/{achievement.pk}/").status_code == 200,
        "count": Achievement.objects.filter(pk=achievement.pk).count() == 1,
        "matching": Match.objects.filter(demand=demand, achievement=achievement).exists(),
        "showcase entry": ShowcaseEntry.objects.public().filter(achievement=achievement).exists(),
    }
    client.logout()
    found["showcase page"] = (
        achievement.title in client.get(reverse("achievements:showcase_list")).content.decode()
    )
    return found


def test_delete_and_restore_through_the_pages(
    client, center_staff, moulding, demand, django_capture_on_commit_callbacks
):
    assert all(present_everywhere(client, center_staff, moulding, demand).values())
    client.force_login(center_staff)
    detail = client.get(
        reverse("achievements:achievement_detail", args=[moulding.pk])
    ).content.decode()
    assert reverse("achievements:achievement_delete", args=[moulding.pk]) in detail

    # A reason is required; nothing changes without one.
    response = client.post(
        reverse("achievements:achievement_delete", args=[moulding.pk]), {"reason": " "}
    )
    assert response.status_code == 302
    assert Achievement.objects.filter(pk=moulding.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("achievements:achievement_delete", args=[moulding.pk]), {"reason": "重复录入"}
        )
    assert response.status_code == 302 and response.url == reverse("achievements:achievement_trash")
    deleted = Achievement.all_objects.get(pk=moulding.pk)
    assert deleted.deleted_by == center_staff and deleted.deletion_reason == "重复录入"
    gone = present_everywhere(client, center_staff, moulding, demand)
    assert not any(gone.values()), gone
    # A new matching run does not bring it back either.
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(center_staff)
        client.post(reverse("achievements:demand_rematch", args=[demand.pk]))
    assert not Match.objects.filter(demand=demand, achievement_id=moulding.pk).exists()

    trash = client.get(reverse("achievements:achievement_trash"))
    assert trash.status_code == 200
    page = trash.content.decode()
    assert moulding.title in page and "重复录入" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("achievements:achievement_restore", args=[moulding.pk]))
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("achievements:demand_rematch", args=[demand.pk]))
    restored = Achievement.objects.get(pk=moulding.pk)
    assert (restored.deleted_at, restored.deleted_by, restored.status) == (
        None,
        None,
        moulding.status,
    )
    assert all(present_everywhere(client, center_staff, moulding, demand).values())
    assert (
        moulding.title not in client.get(reverse("achievements:achievement_trash")).content.decode()
    )


def test_only_the_service_center_and_admins_delete_and_restore(
    client, liaison, leader, enterprise_user, portal_admin, center_staff
):
    achievement = AchievementFactory(discovering_unit=liaison.unit, created_by=liaison)
    delete_url = reverse("achievements:achievement_delete", args=[achievement.pk])
    for user in (liaison, leader):
        client.force_login(user)
        assert client.post(delete_url, {"reason": "x"}).status_code == 403
        assert client.get(reverse("achievements:achievement_trash")).status_code == 403
        assert (
            reverse("achievements:achievement_delete", args=[achievement.pk])
            not in client.get(
                reverse("achievements:achievement_detail", args=[achievement.pk])
            ).content.decode()
        )
    client.force_login(enterprise_user)
    assert client.post(delete_url, {"reason": "x"}).status_code in (403, 404)
    assert Achievement.objects.filter(pk=achievement.pk).exists()

    client.force_login(portal_admin)
    assert client.post(delete_url, {"reason": "测试"}).status_code == 302
    restore_url = reverse("achievements:achievement_restore", args=[achievement.pk])
    for user in (liaison, leader):
        client.force_login(user)
        assert client.post(restore_url).status_code == 403
        # A deleted record is not found, not merely forbidden, for those who cannot restore it.
        detail = reverse("achievements:achievement_detail", args=[achievement.pk])
        assert client.get(detail).status_code == 404
    assert not Achievement.objects.filter(pk=achievement.pk).exists()
    client.logout()
    assert client.get(reverse("achievements:achievement_trash")).status_code == 302
    client.force_login(center_staff)
    assert client.post(restore_url).status_code == 302
    assert Achievement.objects.filter(pk=achievement.pk).exists()


def test_the_service_refuses_twice_and_records_who(center_staff, liaison):
    from django.core.exceptions import PermissionDenied, ValidationError

    achievement = AchievementFactory()
    with pytest.raises(PermissionDenied):
        achievement_soft_delete(achievement, acting_user=liaison, reason="x")
    achievement_soft_delete(achievement, acting_user=center_staff, reason="录错")
    with pytest.raises(ValidationError):
        achievement_soft_delete(achievement, acting_user=center_staff, reason="录错")
    achievement_restore(achievement, acting_user=center_staff)
    with pytest.raises(ValidationError):
        achievement_restore(achievement, acting_user=center_staff)
    reasons = list(
        Achievement.history.filter(id=achievement.pk)
        .order_by("history_date", "history_id")
        .values_list("history_change_reason", "history_user", "deleted_at")
    )
    assert reasons[-2][0] == "删除成果：录错" and reasons[-2][1] == center_staff.pk
    assert reasons[-2][2] is not None
    assert reasons[-1][0] == "恢复已删除的成果" and reasons[-1][2] is None


@pytest.mark.usefixtures("render_afresh")
def test_the_trash_list_has_a_constant_query_count(
    client, center_staff, django_assert_max_num_queries
):
    for _ in range(3):
        achievement_soft_delete(AchievementFactory(), acting_user=center_staff, reason="x")
    client.force_login(center_staff)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("achievements:achievement_trash")).status_code == 200
    for _ in range(10):
        achievement_soft_delete(AchievementFactory(), acting_user=center_staff, reason="x")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("achievements:achievement_trash")).status_code == 200
    assert Demand.objects.count() == 0


def test_a_deleted_landed_achievement_leaves_the_landing_counts(center_staff):
    from datetime import date

    from achievements.models import Landing

    from ..achievements.landing.factories import landed_case

    landed_case(center_staff, on=date(2026, 3, 2))
    landing = Landing.objects.landed().get()
    achievement = landing.achievement
    assert list(Landing.objects.visible_to(center_staff)) == [landing]
    achievement_soft_delete(achievement, acting_user=center_staff, reason="误录")
    assert not Landing.objects.landed().exists()
    assert not Landing.objects.visible_to(center_staff).exists()
    achievement_restore(achievement, acting_user=center_staff)
    assert list(Landing.objects.landed()) == [landing]


def test_a_long_reason_is_kept_whole_and_the_history_row_still_fits(center_staff, moulding):
    reason = "与东莞理工学院登记的同一成果重复，" * 20  # 360 characters
    achievement_soft_delete(moulding, acting_user=center_staff, reason=reason)
    deleted = Achievement.all_objects.get(pk=moulding.pk)
    assert deleted.deletion_reason == reason
    latest = Achievement.history.filter(id=moulding.pk).latest("history_date", "history_id")
    assert len(latest.history_change_reason) <= 100


def test_a_proposal_of_a_deleted_achievement_is_withdrawn_from_the_enterprise(
    client, center_staff, enterprise_user, moulding, demand
):
    from achievements.choices import MatchStatus
    from achievements.models import ContactExchange
    from achievements.services.demands import match_accept, match_propose

    match = Match.objects.get(demand=demand, achievement=moulding)
    match_propose(match, acting_user=center_staff, note="")
    achievement_soft_delete(moulding, acting_user=center_staff, reason="重复登记")

    assert not Match.objects.visible_to(enterprise_user).filter(pk=match.pk).exists()
    client.force_login(enterprise_user)
    response = client.post(reverse("achievements:match_accept", args=[match.pk]))
    assert response.status_code == 404
    with pytest.raises(ValidationError):
        match_accept(Match.objects.get(pk=match.pk), acting_user=enterprise_user)
    assert Match.objects.get(pk=match.pk).status == MatchStatus.PROPOSED
    assert not ContactExchange.objects.exists()
