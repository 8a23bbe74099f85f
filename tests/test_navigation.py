import pytest
from django.urls import reverse

from kernel.hooks import navigation_for
from towns.choices import Role

pytestmark = pytest.mark.django_db


def nav_urls(user) -> set[str]:
    return {item.url_name for _, items in navigation_for(user) for item in items}


@pytest.mark.parametrize("role", list(Role))
def test_everyone_signed_in_sees_home_and_notifications(users_by_role, role):
    assert {"quotas:home", "towns:notification_list"} <= nav_urls(users_by_role[role])


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_only_admins_see_system_administration(client, users_by_role, role):
    user = users_by_role[role]
    assert "admin:index" not in nav_urls(user)
    client.force_login(user)
    assert "系统管理" not in client.get(reverse("quotas:home")).content.decode()
    # Even a user flagged is_staff by mistake does not get into the admin without the role.
    user.is_staff = True
    user.save()
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_admin_reaches_the_chinese_admin(client, portal_admin):
    assert "admin:index" in nav_urls(portal_admin)
    client.force_login(portal_admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "东莞科技成果转化平台 · 系统管理" in content
    assert "镇街（园区）" in content


def test_the_sidebar_marks_the_current_page(client, liaison):
    client.force_login(liaison)
    content = client.get(reverse("towns:notification_list")).content.decode()
    assert 'class="nav-link active"' in content
