"""Enterprises register themselves with their unified social credit code; staff approve them."""

import pytest
from django.urls import reverse

from towns.choices import EnterpriseStatus, Role
from towns.models import Enterprise, Notification, User

from ..factories import EnterpriseFactory, credit_code, division, industry

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(db):
    return {
        "name": "东莞市新锐精密模具有限公司",
        "credit_code": credit_code(4242).lower(),
        "division": division("441900119").pk,
        "industry": industry("T08").pk,
        "address": "长安镇锦厦路1号",
        "contact_name": "钱工",
        "contact_phone": "１３８００００１１１１",
        "email": "qian@example.cn",
        "username": "xinrui",
        "password1": "Xinrui-mould-2026",
        "password2": "Xinrui-mould-2026",
    }


def test_a_company_registers_signs_in_and_waits_for_review(client, form, center_staff):
    response = client.post(reverse("towns:enterprise_register"), form)
    assert response.status_code == 302 and response["Location"] == reverse("quotas:home")
    enterprise = Enterprise.objects.get()
    assert (enterprise.credit_code, enterprise.status, enterprise.contact_phone) == (
        credit_code(4242),
        EnterpriseStatus.PENDING,
        "13800001111",
    )
    user = User.objects.get(username="xinrui")
    assert (user.role, user.enterprise, user.check_password("Xinrui-mould-2026")) == (
        Role.ENTERPRISE,
        enterprise,
        True,
    )
    home = client.get(reverse("quotas:home")).content.decode()
    assert "您的企业注册正在审核中" in home
    assert client.get(reverse("achievements:demand_create")).status_code == 403
    note = Notification.objects.get(recipient=center_staff)
    assert note.title == "新企业注册待审核：东莞市新锐精密模具有限公司"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"credit_code": "91441900MA4UX7K2"},
            "credit_code",
            "统一社会信用代码应为18位，当前为16位。",
        ),
        ({"credit_code": credit_code(4242)[:-1] + "Z"}, "credit_code", "不允许的字符"),
        ({"credit_code": "wrong"}, "credit_code", "应为18位"),
        ({"contact_phone": "12345"}, "contact_phone", "电话号码格式不正确"),
        ({"password2": "different-2026"}, "password2", "两次输入的密码不一致。"),
        ({"password1": "password123", "password2": "password123"}, "password1", "这个密码太常见了"),
        ({"username": "a b"}, "username", "用户名应为3–30位字母、数字或下划线。"),
    ],
)
def test_bad_registrations_are_refused_beside_the_field(client, form, changes, field, message):
    response = client.post(reverse("towns:enterprise_register"), {**form, **changes})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert f'id="field-{field}"' in response.content.decode()
    assert not Enterprise.objects.exists() and not User.objects.filter(username="xinrui").exists()


def test_a_wrong_check_digit_is_caught(client, form):
    good = credit_code(4242)
    wrong = good[:-1] + ("1" if good[-1] != "1" else "2")
    response = client.post(reverse("towns:enterprise_register"), {**form, "credit_code": wrong})
    assert response.context["form"].errors["credit_code"] == [
        "统一社会信用代码校验位不正确，请核对后重新输入。"
    ]


def test_a_credit_code_registers_once(client, form):
    EnterpriseFactory(credit_code=credit_code(4242))
    response = client.post(reverse("towns:enterprise_register"), form)
    assert "该统一社会信用代码已注册" in response.context["form"].errors["credit_code"][0]


def test_staff_approve_and_the_enterprise_is_told(client, center_staff, form):
    client.post(reverse("towns:enterprise_register"), form)
    client.logout()
    enterprise = Enterprise.objects.get()
    client.force_login(center_staff)
    listing = client.get(reverse("towns:enterprise_review_list"))
    assert [e.pk for e in listing.context["page_obj"]] == [enterprise.pk]
    client.post(reverse("towns:enterprise_review", args=[enterprise.pk]), {"decision": "approve"})
    enterprise.refresh_from_db()
    assert (enterprise.status, enterprise.reviewed_by) == (EnterpriseStatus.APPROVED, center_staff)
    told = Notification.objects.get(recipient__username="xinrui")
    assert told.title == "企业注册审核已通过"
    # Reviewed once only.
    response = client.post(
        reverse("towns:enterprise_review", args=[enterprise.pk]),
        {"decision": "reject", "note": "x"},
        follow=True,
    )
    assert "该企业已审核（已通过），不能重复审核。" in response.content.decode()


def test_a_rejection_needs_a_reason(client, center_staff, form):
    client.post(reverse("towns:enterprise_register"), form)
    enterprise = Enterprise.objects.get()
    client.force_login(center_staff)
    client.post(reverse("towns:enterprise_review", args=[enterprise.pk]), {"decision": "reject"})
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.PENDING
    client.post(
        reverse("towns:enterprise_review", args=[enterprise.pk]),
        {"decision": "reject", "note": "营业执照信息与名称不符"},
    )
    enterprise.refresh_from_db()
    assert (enterprise.status, enterprise.review_note) == (
        EnterpriseStatus.REJECTED,
        "营业执照信息与名称不符",
    )


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.CENTER_STAFF, Role.ADMIN)])
def test_only_staff_review_registrations(client, users_by_role, role):
    pending = EnterpriseFactory(status=EnterpriseStatus.PENDING)
    client.force_login(users_by_role[role])
    assert client.get(reverse("towns:enterprise_review_list")).status_code == 403
    assert (
        client.post(
            reverse("towns:enterprise_review", args=[pending.pk]), {"decision": "approve"}
        ).status_code
        == 403
    )
    pending.refresh_from_db()
    assert pending.status == EnterpriseStatus.PENDING


def test_signed_in_users_do_not_register_again(client, enterprise_user):
    client.force_login(enterprise_user)
    assert client.get(reverse("towns:enterprise_register"))["Location"] == reverse("quotas:home")
