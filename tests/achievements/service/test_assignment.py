import calendar

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from achievements.models import Assignment
from towns.choices import Role
from towns.models import Notification

from ...factories import UserFactory, unit
from .factories import service_case

pytestmark = pytest.mark.django_db


def assign(client, case, user, note=""):
    return client.post(
        reverse("achievements:service_case_assign", args=[case.pk]),
        {"assignee": user.pk, "note": note},
    )


def test_staff_assign_a_case_and_the_assignee_is_notified(client, center_staff, liaison):
    case = service_case(title="固态电池中试项目")
    client.force_login(center_staff)
    response = assign(client, case, liaison, note="请对接东莞理工团队")
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.assignee, assignment.assigned_by, assignment.ended_at) == (
        liaison,
        center_staff,
        None,
    )
    notice = Notification.objects.get(recipient=liaison)
    assert (notice.kind, notice.title, notice.body) == (
        "service_assigned",
        "您已成为“固态电池中试项目”的包干责任人",
        "请对接东莞理工团队",
    )
    assert notice.url == reverse("achievements:service_case_detail", args=[case.pk])


def test_reassign_ends_the_previous_assignment_and_keeps_the_history(
    client, center_staff, other_staff, liaison
):
    case = service_case(title="柔性传感器")
    client.force_login(center_staff)
    assign(client, case, liaison)
    assign(client, case, other_staff)
    rows = list(Assignment.objects.filter(achievement=case).order_by("started_at", "pk"))
    assert [r.assignee for r in rows] == [liaison, other_staff]
    assert rows[0].ended_at == rows[1].started_at
    assert rows[1].ended_at is None
    assert Assignment.objects.current().filter(achievement=case).count() == 1
    told = Notification.objects.get(recipient=liaison, kind="service_reassigned")
    assert told.title == f"“柔性传感器”已改由 {other_staff.display_name} 负责"
    page = client.get(reverse("achievements:service_case_detail", args=[case.pk])).content.decode()
    assert page.count("至今") == 1 and liaison.display_name in page


def test_the_database_allows_only_one_current_responsible_person(center_staff, liaison):
    case = service_case()
    now = timezone.now()
    Assignment.objects.create(
        achievement=case, assignee=liaison, assigned_by=center_staff, started_at=now
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            achievement=case, assignee=center_staff, assigned_by=center_staff, started_at=now
        )


def test_the_same_person_again_is_refused(client, center_staff, liaison):
    case = service_case()
    client.force_login(center_staff)
    assign(client, case, liaison)
    response = assign(client, case, liaison)
    assert f"{liaison.display_name} 已是当前责任人。" in response.content.decode()
    assert Assignment.objects.count() == 1


def test_only_staff_or_a_liaison_of_the_discovering_unit_can_be_responsible(
    client, center_staff, other_liaison, leader
):
    case = service_case()
    client.force_login(center_staff)
    for person in (other_liaison, leader):
        response = assign(client, case, person)
        assert response.status_code == 200
        assert "选择一个有效的选项" in response.content.decode()
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("role", ["liaison", "leader"])
def test_only_staff_assign(client, users_by_role, role, center_staff):
    case = service_case()
    client.force_login(users_by_role[role])
    assert (
        client.get(reverse("achievements:service_case_assign", args=[case.pk])).status_code == 403
    )
    assert assign(client, case, center_staff).status_code == 403
    assert not Assignment.objects.exists()


def test_a_case_not_in_the_service_library_cannot_be_assigned(client, center_staff):
    from ...factories import AchievementFactory

    achievement = AchievementFactory(status="submitted")
    client.force_login(center_staff)
    assert assign(client, achievement, center_staff).status_code == 404


def test_my_cases_lists_the_persons_cases_with_the_next_follow_up_due(
    client, center_staff, liaison
):
    mine = service_case(title="我的成果")
    service_case(title="别人的成果")
    client.force_login(center_staff)
    assign(client, mine, liaison)
    client.force_login(liaison)
    page = client.get(reverse("achievements:service_my_cases")).content.decode()
    assert "我的成果" in page and "别人的成果" not in page
    today = timezone.localdate()
    last_day = calendar.monthrange(today.year, today.month)[1]
    assert f"{today.month}月{last_day}日前" in page


def test_a_liaison_of_the_unit_sees_the_case_but_another_units_liaison_does_not(
    client, liaison, other_liaison, evaluator, enterprise_user
):
    case = service_case()
    client.force_login(liaison)
    assert (
        client.get(reverse("achievements:service_case_detail", args=[case.pk])).status_code == 200
    )
    for outsider in (other_liaison, evaluator, enterprise_user):
        client.force_login(outsider)
        assert (
            client.get(reverse("achievements:service_case_detail", args=[case.pk])).status_code
            == 404
        )


def test_assigning_staff_of_another_unit_role_is_refused_by_the_service(center_staff):
    from django.core.exceptions import ValidationError

    from achievements.services.service import assignment_assign

    broker = UserFactory(role=Role.BROKER, username="b1")
    liaison_elsewhere = UserFactory(role=Role.LIAISON, unit=unit("gxj"), username="l_gxj")
    case = service_case()
    for person in (broker, liaison_elsewhere):
        with pytest.raises(ValidationError) as error:
            assignment_assign(achievement=case, assignee=person, acting_user=center_staff)
        assert error.value.message_dict == {
            "assignee": ["责任人应为服务中心工作人员或发现单位的成果联络员。"]
        }


def test_the_assignment_is_mailed_when_email_is_configured(
    client, center_staff, liaison, settings, mailoutbox
):
    settings.NOTIFICATION_EMAIL_ENABLED = True
    case = service_case(title="边缘AI推理加速卡")
    client.force_login(center_staff)
    assign(client, case, liaison)
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([liaison.email], "【东莞科技成果转化平台】您已成为“边缘AI推理加速卡”的包干责任人")
    ]
