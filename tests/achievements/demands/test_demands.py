"""Enterprises post demands and see and change only their own; staff and leaders read all."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from achievements.choices import DemandStatus
from achievements.models import Demand, DemandTransition
from towns.choices import EnterpriseStatus, Role
from towns.models import Notification

from .factories import DemandFactory, enterprise_account

pytestmark = pytest.mark.django_db


def test_an_approved_enterprise_posts_a_demand_and_staff_are_told(
    client, enterprise_user, center_staff, demand_form
):
    client.force_login(enterprise_user)
    response = client.post(reverse("achievements:demand_create"), demand_form)
    demand = Demand.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("achievements:demand_detail", args=[demand.pk])
    assert (demand.enterprise, demand.created_by) == (enterprise_user.enterprise, enterprise_user)
    assert (demand.status, demand.kind) == (DemandStatus.OPEN, "technology")
    assert (demand.budget_min, demand.budget_max) == (Decimal("200000"), Decimal("800000"))
    note = Notification.objects.get(recipient=center_staff)
    assert note.title == "新的企业需求：注塑件表面缩痕"
    assert note.url == reverse("achievements:demand_detail", args=[demand.pk])


def test_the_demand_form_starts_from_the_enterprise_profile(client, enterprise_user):
    enterprise = enterprise_user.enterprise
    enterprise.contact_phone = "0769-22334455"
    enterprise.save()
    client.force_login(enterprise_user)
    form = client.get(reverse("achievements:demand_create")).context["form"]
    assert form.initial["division"] == enterprise.division_id
    assert form.initial["contact_phone"] == "0769-22334455"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"budget_min": "80", "budget_max": "20"}, "budget_max", "预算上限不能低于下限。"),
        ({"contact_phone": "12345"}, "contact_phone", "电话号码格式不正确"),
        ({"deadline": "2020-01-01"}, "deadline", "期望解决时间不能早于今天。"),
        ({"title": ""}, "title", "该字段是必填项。"),
        ({"budget_max": "很多"}, "budget_max", "金额"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_nothing_is_saved(
    client, enterprise_user, demand_form, changes, field, message
):
    client.force_login(enterprise_user)
    response = client.post(reverse("achievements:demand_create"), {**demand_form, **changes})
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors), errors
    assert f'id="field-{field}"' in response.content.decode()
    assert Demand.objects.count() == 0


def test_a_pending_enterprise_cannot_post_yet(client, demand_form):
    pending = enterprise_account("ent_pending", status=EnterpriseStatus.PENDING)
    client.force_login(pending)
    assert client.get(reverse("achievements:demand_create")).status_code == 403
    assert client.post(reverse("achievements:demand_create"), demand_form).status_code == 403
    assert Demand.objects.count() == 0


def test_an_enterprise_sees_only_its_own_demands(client, enterprise_user, other_enterprise_user):
    mine = DemandFactory(created_by=enterprise_user, title="我们自己的需求")
    theirs = DemandFactory(created_by=other_enterprise_user, title="别人家的需求")
    client.force_login(enterprise_user)
    listing = client.get(reverse("achievements:demand_list")).content.decode()
    assert "我们自己的需求" in listing and "别人家的需求" not in listing
    assert client.get(reverse("achievements:demand_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("achievements:demand_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("achievements:demand_update", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("achievements:demand_close", args=[theirs.pk])).status_code == 404
    api = client.get("/api/v1/demands/").json()
    assert [row["id"] for row in api["results"]] == [mine.pk]
    assert client.get(f"/api/v1/demands/{theirs.pk}/").status_code == 404
    assert (
        client.patch(
            f"/api/v1/demands/{theirs.pk}/", {"title": "改掉"}, content_type="application/json"
        ).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.title == "别人家的需求"


def test_an_enterprise_edits_its_open_demand_but_not_a_closed_one(
    client, enterprise_user, demand_form
):
    demand = DemandFactory(created_by=enterprise_user)
    client.force_login(enterprise_user)
    response = client.post(
        reverse("achievements:demand_update", args=[demand.pk]),
        {**demand_form, "title": "改了标题"},
    )
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.title == "改了标题"

    client.post(reverse("achievements:demand_close", args=[demand.pk]), {"reason": "已自行解决"})
    demand.refresh_from_db()
    assert demand.status == DemandStatus.CLOSED
    step = DemandTransition.objects.get(demand=demand)
    assert (step.from_status, step.to_status, step.actor, step.reason) == (
        "open",
        "closed",
        enterprise_user,
        "已自行解决",
    )
    assert client.get(reverse("achievements:demand_update", args=[demand.pk])).status_code == 403
    assert client.post(reverse("achievements:demand_close", args=[demand.pk])).status_code == 403


# role → (sees the list, opens another enterprise's demand, may close it)
ROLE_MATRIX = {
    Role.CENTER_STAFF: (200, 200, True),
    Role.ADMIN: (200, 200, True),
    Role.LEADER: (200, 200, False),
    Role.ENTERPRISE: (200, 404, False),
    Role.LIAISON: (403, 403, False),
    Role.EVALUATOR: (403, 403, False),
    Role.BROKER: (403, 403, False),
    Role.INVESTOR: (403, 403, False),
}


@pytest.mark.parametrize("role", list(Role))
def test_who_sees_and_closes_demands(client, users_by_role, role):
    demand = DemandFactory(title="别家企业的需求")
    client.force_login(users_by_role[role])
    sees_list, opens, closes = ROLE_MATRIX[role]
    assert client.get(reverse("achievements:demand_list")).status_code == sees_list
    assert client.get(reverse("achievements:demand_detail", args=[demand.pk])).status_code == opens
    client.post(reverse("achievements:demand_close", args=[demand.pk]))
    demand.refresh_from_db()
    assert (demand.status == DemandStatus.CLOSED) is closes


def test_anonymous_users_are_sent_to_login(client):
    demand = DemandFactory()
    for url in (
        reverse("achievements:demand_list"),
        reverse("achievements:demand_detail", args=[demand.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("towns:login") in response["Location"]
    assert client.get("/api/v1/demands/").status_code in (401, 403)


@pytest.mark.usefixtures("render_afresh")
def test_the_demand_list_costs_the_same_queries_for_one_or_many(
    client, center_staff, django_assert_num_queries, django_assert_max_num_queries
):
    DemandFactory()
    client.force_login(center_staff)
    client.get(
        reverse("achievements:demand_list")
    )  # warm caches (policy, session, the list's count)
    with django_assert_max_num_queries(7) as one:
        client.get(reverse("achievements:demand_list"))
    expected = len(one)
    for _ in range(6):
        DemandFactory()
    client.get(reverse("achievements:demand_list"))  # the new rows made the cached count stale
    with django_assert_num_queries(expected):
        response = client.get(reverse("achievements:demand_list"))
    assert len(response.context["page_obj"].object_list) == 7


def test_the_demand_api_list_costs_the_same_queries_for_one_or_many(
    client, center_staff, django_assert_num_queries, django_assert_max_num_queries
):
    DemandFactory()
    client.force_login(center_staff)
    client.get("/api/v1/demands/")
    with django_assert_max_num_queries(4) as one:
        client.get("/api/v1/demands/")
    expected = len(one)
    for _ in range(6):
        DemandFactory()
    with django_assert_num_queries(expected):
        assert client.get("/api/v1/demands/").json()["count"] == 7


def test_staff_export_the_filtered_demands_to_excel(client, center_staff):
    DemandFactory(title="注塑缩痕")
    DemandFactory(title="电池鼓包")
    client.force_login(center_staff)
    response = client.get(reverse("achievements:demand_list"), {"q": "缩痕", "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    titles = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["注塑缩痕"]


def test_the_demand_export_writes_budgets_as_numbers_of_wan(client, center_staff):
    DemandFactory(title="注塑缩痕", budget_min=Decimal(300_000), budget_max=Decimal(800_000))
    client.force_login(center_staff)
    response = client.get(reverse("achievements:demand_list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    headers = [cell.value for cell in sheet[1]]
    low, high = sheet.cell(row=2, column=6), sheet.cell(row=2, column=7)
    assert headers[5:7] == ["预算下限（万元）", "预算上限（万元）"]
    assert (low.value, high.value, low.number_format) == (30, 80, '#,##0.00"万元"')
