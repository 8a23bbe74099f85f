"""The service case page shows the achievement's contacts by the one contact rule
(`achievements.view_contact`), as the achievement page, the API and the export do."""

import pytest
from django.urls import reverse

from .factories import service_case

pytestmark = pytest.mark.django_db


def case_page(client, user, case) -> str:
    client.force_login(user)
    response = client.get(reverse("achievements:service_case_detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_leader_of_the_discovering_unit_sees_masked_contacts_on_the_case_page(
    client, unit_leader
):
    case = service_case(title="固态电池中试项目")
    assert unit_leader.unit_id == case.discovering_unit_id
    content = case_page(client, unit_leader, case)
    assert "13800138000" not in content and "chen@example.cn" not in content
    assert "陈**" in content and "138****8000" in content and "c***@example.cn" in content
    assert "已脱敏" in content
    # The achievement page masks them for the same user: one rule, one answer.
    detail = client.get(reverse("achievements:achievement_detail", args=[case.pk])).content.decode()
    assert "138****8000" in detail and "13800138000" not in detail


def test_staff_and_the_owning_liaison_see_full_contacts_on_the_case_page(
    client, center_staff, liaison
):
    case = service_case(title="固态电池中试项目")
    for user in (center_staff, liaison):
        content = case_page(client, user, case)
        assert "陈教授 13800138000 chen@example.cn" in content
        assert "已脱敏" not in content
