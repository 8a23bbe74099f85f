"""Deployment hardening seen from each role: the Content Security Policy on every role's main
page with no inline script in it, personal data masked for the roles that must not see it, the
admin for admins only, and login throttling on the API's token endpoint too.
(check --deploy under production settings, the login page's lockout and template scans:
test_security; secure cookies and HSTS in production: test_settings.)"""

import re

import pytest
from django.urls import reverse

from towns.choices import Role

from .brokers.factories import BrokerFactory
from .evaluation.factories import make_batch
from .factories import TEST_PASSWORD, AchievementFactory, UserFactory, unit

pytestmark = pytest.mark.django_db

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def inline_scripts(html: str) -> list[str]:
    """<script> tags that carry code in the page: neither src= nor a JSON data block."""
    return [
        attrs
        for attrs in SCRIPT_TAG.findall(html)
        if "src=" not in attrs and "application/json" not in attrs
    ]


@pytest.mark.parametrize("role", [None, *Role])
def test_each_roles_main_page_has_the_policy_and_no_inline_script(client, users_by_role, role):
    if role is not None:
        client.force_login(users_by_role[role])
    pages = (
        [reverse("quotas:home")]
        if role
        else [reverse("towns:login"), reverse("achievements:showcase_list")]
    )
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
        html = response.content.decode()
        assert "<script" in html  # the page does load its scripts, from files
        assert inline_scripts(html) == [], (role, url)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 302),
        (Role.LIAISON, 302),
        (Role.CENTER_STAFF, 302),
        (Role.EVALUATOR, 302),
        (Role.LEADER, 302),
        (Role.ENTERPRISE, 302),
        (Role.BROKER, 302),
        (Role.ADMIN, 200),
    ],
)
def test_the_admin_is_only_for_admins(client, users_by_role, role, status):
    if role is not None:
        user = users_by_role[role]
        user.is_staff = True  # even a staff flag set by mistake does not open it
        user.save(update_fields=["is_staff"])
        client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == status
    if status == 302:
        assert "/admin/login/" in response["Location"]
        assert client.get("/admin/towns/user/").status_code == 302


PHONE, MASKED_PHONE = "13800138000", "138****8000"
EMAIL, MASKED_EMAIL = "chen@example.cn", "c***@example.cn"


@pytest.fixture
def record(liaison, center_staff, evaluator):
    achievement = AchievementFactory(
        discovering_unit=unit("dgut"),
        created_by=liaison,
        contact_name="陈教授",
        contact_phone=PHONE,
        contact_email=EMAIL,
    )
    make_batch(staff=center_staff, evaluators=[evaluator], achievements=[achievement])
    return achievement


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (Role.LIAISON, "full"),  # of the discovering unit
        (Role.CENTER_STAFF, "full"),
        (Role.ADMIN, "full"),
        (Role.LEADER, "masked"),
        (Role.EVALUATOR, "masked"),  # of the record's batch
    ],
)
def test_achievement_contacts_are_masked_for_roles_that_must_not_see_them(
    client, users_by_role, record, role, sees
):
    client.force_login(users_by_role[role])
    page = client.get(reverse("achievements:achievement_detail", args=[record.pk])).content.decode()
    api = client.get(f"/api/v1/achievements/{record.pk}/")
    if sees == "full":
        assert PHONE in page and EMAIL in page
        if api.status_code == 200:
            assert (api.json()["contact_phone"], api.json()["contact_email"]) == (PHONE, EMAIL)
    else:
        assert PHONE not in page and EMAIL not in page
        assert MASKED_PHONE in page and MASKED_EMAIL in page
        if api.status_code == 200:
            body = api.json()
            assert (body["contact_phone"], body["contact_masked"]) == (MASKED_PHONE, True)
    assert api.status_code in (200, 403)


def test_other_liaisons_and_outsiders_do_not_see_the_record_at_all(
    client, other_liaison, enterprise_user, broker_user, record
):
    for user in (other_liaison, enterprise_user, broker_user):
        client.force_login(user)
        page = client.get(reverse("achievements:achievement_detail", args=[record.pk]))
        assert page.status_code == 404 and PHONE.encode() not in page.content


@pytest.mark.parametrize(
    ("who", "sees_contact"),
    [("self", True), (Role.CENTER_STAFF, True), (Role.ADMIN, True), (Role.LEADER, False)],
)
def test_a_brokers_phone_and_email_only_for_the_back_office_and_the_broker(
    client, users_by_role, broker_user, who, sees_contact, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    broker = BrokerFactory(user=broker_user, phone="13912345678", email="sun@example.cn")
    client.force_login(broker_user if who == "self" else users_by_role[who])
    html = client.get(reverse("brokers:broker_detail", args=[broker.pk])).content.decode()
    assert ("13912345678" in html) is sees_contact
    assert ("sun@example.cn" in html) is sees_contact
    api = client.get(f"/api/v1/brokers/{broker.pk}/")
    assert "13912345678" not in api.content.decode()


def test_the_api_token_endpoint_is_throttled_like_the_login_page(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory(username="token_user", role=Role.BROKER)
    url = reverse("api-token")
    for _ in range(3):
        assert client.post(url, {"username": user.username, "password": "wrong"}).status_code == 400
    # Locked out: even the right password gets no token (the answer does not reveal the lock).
    response = client.post(url, {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "token" not in response.json()
    page = client.post(
        reverse("towns:login"), {"username": user.username, "password": TEST_PASSWORD}
    )
    assert page.status_code == 429 and "账号暂时锁定" in page.content.decode()
    other = UserFactory(username="token_user_b", role=Role.BROKER)
    fresh = client.post(url, {"username": other.username, "password": TEST_PASSWORD})
    assert fresh.status_code == 200 and fresh.json()["token"]
