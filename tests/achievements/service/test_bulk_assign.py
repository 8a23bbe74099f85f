"""Staff give many service-library cases to one responsible person at once; each case through
the same `assignment_assign` as on its own page, each with its own result."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from achievements.models import Assignment
from towns.choices import Role
from towns.models import Notification

from ...factories import AchievementFactory, UserFactory, unit
from .factories import AssignmentFactory, service_case

pytestmark = pytest.mark.django_db


def test_staff_assign_several_cases_and_each_row_reports(client, center_staff):
    lin = UserFactory(role=Role.CENTER_STAFF, unit=unit("center"), username="lin", name="林")
    first, second = service_case(title="案例甲"), service_case(title="案例乙")
    already = service_case(title="案例丙")
    AssignmentFactory(
        achievement=already,
        assignee=lin,
        assigned_by=center_staff,
        started_at=already.service_entered_at,
    )
    not_in_service = AchievementFactory(status="submitted", title="发现库成果")
    client.force_login(center_staff)
    page = client.get(reverse("achievements:service_case_list")).content.decode()
    assert 'form="bulk-assign"' in page and f'value="{first.pk}"' in page

    response = client.post(
        reverse("achievements:service_case_bulk_assign"),
        {
            "case": [first.pk, second.pk, already.pk, not_in_service.pk],
            "assignee": lin.pk,
            "note": "统一跟进",
            "next": "/service/?sort=newest",
        },
    )
    assert response["Location"] == "/service/?sort=newest"
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["案例丙：林 已是当前责任人。", "已将 2 项成果分配给 林。"]
    current = dict(
        Assignment.objects.filter(ended_at__isnull=True).values_list(
            "achievement_id", "assignee_id"
        )
    )
    assert current == {first.pk: lin.pk, second.pk: lin.pk, already.pk: lin.pk}
    assert Notification.objects.filter(recipient=lin, kind="service_assigned").count() == 2


def test_only_staff_assign_in_bulk_and_only_to_staff(client, center_staff, liaison, leader):
    case = service_case(discovering_unit=liaison.unit)
    for user in (liaison, leader):
        client.force_login(user)
        response = client.post(
            reverse("achievements:service_case_bulk_assign"),
            {"case": [case.pk], "assignee": center_staff.pk},
        )
        assert response.status_code == 403
    client.force_login(center_staff)
    response = client.post(
        reverse("achievements:service_case_bulk_assign"),
        {"case": [case.pk], "assignee": liaison.pk},
    )
    assert not Assignment.objects.exists()
    assert "选择一个有效的选项" in str(list(get_messages(response.wsgi_request))[0])
