import pytest
from django.urls import reverse

from towns.choices import Role

from .factories import TEST_PASSWORD, UserFactory, unit

pytestmark = pytest.mark.django_db


def test_anonymous_home_shows_the_public_showcase(client):
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "成果展示区" in content
    assert reverse("towns:login") in content and reverse("towns:enterprise_register") in content


def test_login_page_is_in_chinese(client):
    response = client.get(reverse("towns:login"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "东莞科技成果转化平台" in content
    assert "用户名" in content and "密码" in content


def test_login_with_the_form_and_land_on_the_role_home(client, liaison):
    response = client.post(
        reverse("towns:login"),
        {"username": liaison.username, "password": TEST_PASSWORD},
        follow=True,
    )
    content = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("quotas:home")
    assert "成果发现任务" in content
    assert "东莞理工学院" in content


def test_wrong_password_is_refused_in_chinese(client, liaison):
    response = client.post(
        reverse("towns:login"), {"username": liaison.username, "password": "nope"}
    )
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_post_and_ends_the_session(client, liaison):
    client.force_login(liaison)
    response = client.post(reverse("towns:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change(client, liaison):
    client.force_login(liaison)
    response = client.post(
        reverse("towns:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Xin-mima-2027!",
            "new_password2": "Xin-mima-2027!",
        },
    )
    assert response.status_code == 302
    liaison.refresh_from_db()
    assert liaison.check_password("Xin-mima-2027!")


def test_password_change_errors_sit_beside_the_field(client, liaison):
    client.force_login(liaison)
    response = client.post(
        reverse("towns:password_change"),
        {"old_password": "wrong", "new_password1": "a", "new_password2": "b"},
    )
    content = response.content.decode()
    assert 'id="field-old_password"' in content
    assert "invalid-feedback" in content
    assert "旧密码不正确" in content


ROLE_HOME_MARKERS = {
    Role.LIAISON: "成果发现任务",
    Role.CENTER_STAFF: "全市工作目标",
    Role.LEADER: "全市工作目标",
    Role.ADMIN: "进入系统管理",
    Role.EVALUATOR: "暂无待办事项",
    Role.ENTERPRISE: "待答复的推荐成果",
    Role.BROKER: "尚未建立技术经纪人档案",
    Role.INVESTOR: "本机构投资意向",
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_has_its_home(client, users_by_role, role):
    user = users_by_role[role]
    client.force_login(user)
    response = client.get(reverse("quotas:home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert ROLE_HOME_MARKERS[role] in content
    assert user.get_role_display() in content


def test_liaison_home_shows_this_years_discovery_target(client):
    town_liaison = UserFactory(role=Role.LIAISON, unit=unit("441900401"))
    client.force_login(town_liaison)
    response = client.get(reverse("quotas:home"))
    progress = response.context["progress"]
    assert (progress.target, progress.discovered) == (50, 0)
    assert "目标 50 项" in response.content.decode()


def test_the_language_switch_turns_the_page_english(client, liaison):
    client.force_login(liaison)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    content = client.get(reverse("quotas:home")).content.decode()
    assert "Dongguan Tech-Achievement Transfer Portal" in content
    assert "Log out" in content
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "退出登录" in client.get(reverse("quotas:home")).content.decode()
