"""Escalations reach the right leader (the industry's 分管市领导, else the admin-set default, else a
visible problem), and those leaders record a 批示 and close the case as handled (已办结)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from achievements.choices import EscalationOutcome, EscalationTier
from achievements.models import (
    Escalation,
    EscalationInstruction,
    EscalationSettings,
)
from achievements.services.service import assignment_assign
from achievements.tasks.service import task_escalate_stalled_cases
from towns.choices import Role
from towns.models import Notification

from ...factories import UserFactory, industry, unit
from .factories import CommitClient, IndustryLeaderFactory, service_case

pytestmark = pytest.mark.django_db

YI = Decimal(100_000_000)


@pytest.fixture
def client():
    return CommitClient()


@pytest.fixture
def owner(db):
    return UserFactory(role=Role.CENTER_STAFF, unit=unit("center"), username="owner", name="包干人")


@pytest.fixture
def vice_mayor(db):
    return UserFactory(role=Role.LEADER, username="vice_mayor", name="分管副市长")


@pytest.fixture
def default_leader(db):
    return UserFactory(role=Role.LEADER, username="default_mayor", name="常务副市长")


def stalled(owner, *, contribution=6 * YI, code="S05", title="六亿元项目"):
    case = service_case(
        entered_on=timezone.localdate() - timedelta(days=100),
        expected_contribution=contribution,
        field=industry(code),
        title=title,
    )
    assignment_assign(achievement=case, assignee=owner, acting_user=owner)
    return case


def escalate(commits):
    with commits():
        return task_escalate_stalled_cases.delay().get()


def recipients(case):
    escalation = Escalation.objects.get(achievement=case)
    return sorted(escalation.recipients.values_list("username", flat=True))


def set_default_in_admin(client, admin, leader):
    """The admin sets the default city leader on the Django admin's settings page."""
    client.force_login(admin)
    response = client.post(
        reverse("admin:achievements_escalationsettings_add"),
        {"default_city_leader": leader.pk if leader else ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


# --- Routing ----------------------------------------------------------------------------------


def test_the_industry_leader_receives_a_5yi_case_even_with_a_default_set(
    client, portal_admin, owner, vice_mayor, default_leader, leader, commits
):
    IndustryLeaderFactory(industry=industry("S05"), leader=vice_mayor)
    set_default_in_admin(client, portal_admin, default_leader)
    case = stalled(owner, code="S05")
    escalate(commits)
    assert recipients(case) == ["owner", "vice_mayor"]
    assert Escalation.objects.get(achievement=case).unrouted is False


def test_without_an_industry_leader_the_admin_set_default_receives_it_never_the_bureau(
    client, portal_admin, owner, vice_mayor, default_leader, leader, commits
):
    IndustryLeaderFactory(industry=industry("S05"), leader=vice_mayor)
    set_default_in_admin(client, portal_admin, default_leader)
    assert EscalationSettings.objects.get().default_city_leader == default_leader
    case = stalled(owner, code="T05")
    escalate(commits)
    assert recipients(case) == ["default_mayor", "owner"]
    notice = Notification.objects.get(recipient=default_leader, kind="service_escalated")
    assert notice.url == reverse(
        "achievements:service_escalation_detail", args=[Escalation.objects.get(achievement=case).pk]
    )
    assert not Notification.objects.filter(recipient=leader).exists()


def test_without_any_city_leader_the_case_is_shown_as_a_problem_and_admins_are_told(
    client, portal_admin, owner, center_staff, leader, commits
):
    case = stalled(owner, code="T05", title="造纸六亿元项目")
    escalate(commits)
    escalation = Escalation.objects.get(achievement=case)
    assert (escalation.tier, escalation.unrouted) == (EscalationTier.CITY_LEADER, True)
    # Not silently the bureau: only the responsible person has it.
    assert recipients(case) == ["owner"]
    assert not Notification.objects.filter(recipient=leader).exists()
    told = Notification.objects.get(recipient=portal_admin, kind="escalation_unrouted")
    assert told.title == "未能报送：“造纸六亿元项目”所属产业领域未设置分管市领导"
    assert told.url == reverse("admin:achievements_escalationsettings_changelist")

    client.force_login(center_staff)
    home = client.get(reverse("quotas:home")).content.decode()
    problem = home[home.index('data-testid="unrouted-escalations"') :]
    assert "未能报送：未设置分管市领导" in problem[:400]
    assert '<span class="badge text-bg-danger">1</span>' in problem[:400]
    listed = client.get(
        reverse("achievements:service_escalation_list"), {"unrouted": "true"}
    ).content.decode()
    assert listed.count('data-testid="escalation-row"') == 1
    assert "造纸六亿元项目" in listed and "未能报送：未设置分管市领导" in listed
    page = client.get(
        reverse("achievements:service_escalation_detail", args=[escalation.pk])
    ).content.decode()
    assert 'data-testid="escalation-unrouted"' in page


def test_setting_the_default_later_reports_the_waiting_cases_to_that_leader(
    client, portal_admin, owner, default_leader, commits
):
    case = stalled(owner, code="T05")
    escalate(commits)
    assert Escalation.objects.get(achievement=case).unrouted is True
    set_default_in_admin(client, portal_admin, default_leader)
    escalation = Escalation.objects.get(achievement=case)
    assert escalation.unrouted is False
    assert recipients(case) == ["default_mayor", "owner"]
    assert (
        Notification.objects.filter(recipient=default_leader, kind="service_escalated").count() == 1
    )
    # The daily job finds nothing left to route nor to escalate.
    assert escalate(commits) == 0
    assert Notification.objects.filter(recipient=default_leader).count() == 1


def test_naming_the_industry_leader_in_the_admin_reports_the_waiting_case_to_them(
    client, portal_admin, owner, vice_mayor, commits
):
    case = stalled(owner, code="T05")
    escalate(commits)
    client.force_login(portal_admin)
    response = client.post(
        reverse("admin:achievements_industryleader_add"),
        {"industry": industry("T05").pk, "leader": vice_mayor.pk},
    )
    assert response.status_code == 302
    assert recipients(case) == ["owner", "vice_mayor"]
    assert Escalation.objects.get(achievement=case).unrouted is False


def test_the_default_leader_setting_is_one_row_in_the_admin(client, portal_admin, default_leader):
    set_default_in_admin(client, portal_admin, default_leader)
    assert client.get(reverse("admin:achievements_escalationsettings_add")).status_code == 403
    assert EscalationSettings.objects.count() == 1


# --- Leader home --------------------------------------------------------------------------------


def test_the_leader_home_count_equals_its_list(
    client, portal_admin, owner, vice_mayor, default_leader, commits
):
    IndustryLeaderFactory(industry=industry("S05"), leader=vice_mayor)
    set_default_in_admin(client, portal_admin, default_leader)
    mine = [stalled(owner, code="T05", title=f"造纸项目{i}") for i in range(3)]
    others = [stalled(owner, code="S05", title=f"智能装备项目{i}") for i in range(2)]
    escalate(commits)
    client.force_login(default_leader)
    page = client.get(reverse("quotas:home")).content.decode()
    panel = page[page.index('data-testid="leader-escalations"') :]
    panel = panel[: panel.index("</table>")]
    assert "报送给您、未解除：分管市领导 3 · 市科技局及发现单位领导 0 · 责任人 0" in panel
    assert "共 3 项" in panel
    assert panel.count("<tr>") - 1 == 3
    assert all(case.title in panel for case in mine)
    assert not any(case.title in panel for case in others)
    listed = client.get(
        reverse("achievements:service_escalation_list"), {"mine": "true"}
    ).content.decode()
    assert listed.count('data-testid="escalation-row"') == 3


def test_a_leader_without_escalations_sees_zero_and_an_empty_list(client, leader, owner, commits):
    stalled(owner, code="T05")
    escalate(commits)
    client.force_login(leader)
    page = client.get(reverse("quotas:home")).content.decode()
    panel = page[page.index('data-testid="leader-escalations"') :]
    assert "报送给您、未解除：分管市领导 0 · 市科技局及发现单位领导 0 · 责任人 0" in panel
    assert "目前没有报送给您的久推不动成果。" in panel


# --- 批示 and 办结 --------------------------------------------------------------------------------


@pytest.fixture
def reported(owner, vice_mayor, commits):
    """A ≥ 5亿元 case reported to `vice_mayor`, in charge of its industry."""
    IndustryLeaderFactory(industry=industry("S05"), leader=vice_mayor)
    case = stalled(owner, code="S05")
    escalate(commits)
    return Escalation.objects.get(achievement=case)


def test_the_leader_records_an_instruction_and_the_responsible_person_is_told(
    client, reported, vice_mayor, owner
):
    client.force_login(vice_mayor)
    url = reverse("achievements:service_escalation_detail", args=[reported.pk])
    assert 'data-testid="instruct-form"' in client.get(url).content.decode()
    response = client.post(
        reverse("achievements:service_escalation_instruct", args=[reported.pk]),
        {"text": "请市科技局两周内召开协调会。"},
    )
    assert response.status_code == 302 and response["Location"] == url
    instruction = EscalationInstruction.objects.get()
    assert (instruction.escalation, instruction.author, instruction.text) == (
        reported,
        vice_mayor,
        "请市科技局两周内召开协调会。",
    )
    assert instruction.history.get().history_user == vice_mayor
    notice = Notification.objects.get(recipient=owner, kind="escalation_instructed")
    assert notice.title == "分管副市长 对“六亿元项目”作出批示"
    assert notice.body == "请市科技局两周内召开协调会。"
    assert notice.url == url
    page = client.get(url).content.decode()
    assert "请市科技局两周内召开协调会。" in page
    # Still open: a 批示 does not close the escalation.
    assert Escalation.objects.get(pk=reported.pk).is_open


def test_an_empty_instruction_is_refused_beside_its_field(client, reported, vice_mayor):
    client.force_login(vice_mayor)
    response = client.post(
        reverse("achievements:service_escalation_instruct", args=[reported.pk]), {"text": "   "}
    )
    assert response.status_code == 200
    form = response.context["instruct_form"]
    assert form.errors == {"text": ["请填写批示内容。"]}
    assert not EscalationInstruction.objects.exists()
    assert not Notification.objects.filter(kind="escalation_instructed").exists()


def test_the_leader_closes_it_as_handled_and_it_leaves_their_home(
    client, reported, vice_mayor, owner
):
    client.force_login(vice_mayor)
    response = client.post(
        reverse("achievements:service_escalation_handle", args=[reported.pk]),
        {"resolution": "已协调镇街解决场地问题，转入正常跟踪。"},
    )
    assert response.status_code == 302
    escalation = Escalation.objects.get(pk=reported.pk)
    assert escalation.resolved_at is not None
    assert (escalation.outcome, escalation.resolved_by, escalation.resolution) == (
        EscalationOutcome.HANDLED,
        vice_mayor,
        "已协调镇街解决场地问题，转入正常跟踪。",
    )
    latest = escalation.history.latest()
    assert (latest.history_user, latest.outcome) == (vice_mayor, EscalationOutcome.HANDLED)
    notice = Notification.objects.get(recipient=owner, kind="escalation_handled")
    assert notice.title == "“六亿元项目”的久推不动报送已由 分管副市长 办结"
    home = client.get(reverse("quotas:home")).content.decode()
    assert "目前没有报送给您的久推不动成果。" in home
    page = client.get(
        reverse("achievements:service_escalation_detail", args=[reported.pk])
    ).content.decode()
    assert "已办结" in page and 'data-testid="handle-form"' not in page

    again = client.post(
        reverse("achievements:service_escalation_handle", args=[reported.pk]),
        {"resolution": "再次办结"},
    )
    assert again.status_code == 200
    assert "不能再办理" in str(again.context["handle_form"].non_field_errors())
    assert Notification.objects.filter(kind="escalation_handled").count() == 1


def test_a_handled_escalation_is_not_raised_again_by_the_next_daily_run(
    client, reported, vice_mayor, commits
):
    client.force_login(vice_mayor)
    client.post(
        reverse("achievements:service_escalation_handle", args=[reported.pk]),
        {"resolution": "已协调解决。"},
    )
    assert escalate(commits) == 0
    assert Escalation.objects.filter(achievement=reported.achievement).count() == 1


def test_handling_needs_a_reason(client, reported, vice_mayor):
    client.force_login(vice_mayor)
    response = client.post(
        reverse("achievements:service_escalation_handle", args=[reported.pk]), {}
    )
    assert response.context["handle_form"].errors == {"resolution": ["请填写办结说明。"]}
    assert Escalation.objects.get(pk=reported.pk).is_open


def test_staff_may_record_an_instruction_on_behalf_of_a_leader(client, reported, center_staff):
    client.force_login(center_staff)
    response = client.post(
        reverse("achievements:service_escalation_instruct", args=[reported.pk]),
        {"text": "按市领导电话批示办理"},
    )
    assert response.status_code == 302
    assert EscalationInstruction.objects.get().author == center_staff


@pytest.mark.parametrize(
    "action", ["achievements:service_escalation_instruct", "achievements:service_escalation_handle"]
)
def test_a_leader_it_was_not_reported_to_may_read_it_but_not_act(
    client, reported, leader, liaison, enterprise_user, action
):
    data = {"text": "越权批示", "resolution": "越权办结"}
    client.force_login(leader)
    page = client.get(reverse("achievements:service_escalation_detail", args=[reported.pk]))
    assert page.status_code == 200
    assert 'data-testid="instruct-form"' not in page.content.decode()
    assert client.post(reverse(action, args=[reported.pk]), data).status_code == 403
    client.force_login(enterprise_user)
    assert client.post(reverse(action, args=[reported.pk]), data).status_code == 404
    assert not EscalationInstruction.objects.exists()
    assert Escalation.objects.get(pk=reported.pk).is_open


# --- API ----------------------------------------------------------------------------------------


def test_the_api_records_an_instruction_and_closes_the_escalation(
    client, reported, vice_mayor, leader, owner
):
    base = f"/api/v1/service/escalations/{reported.pk}"
    client.force_login(leader)
    assert client.post(f"{base}/instruct/", {"text": "越权"}).status_code == 403
    client.force_login(vice_mayor)
    created = client.post(f"{base}/instruct/", {"text": "抓紧推进"})
    assert created.status_code == 201
    assert (created.json()["text"], created.json()["author"]) == ("抓紧推进", vice_mayor.pk)
    refused = client.post(f"{base}/handle/", {"resolution": ""})
    assert refused.status_code == 400 and "resolution" in refused.json()
    handled = client.post(f"{base}/handle/", {"resolution": "已解决"})
    assert handled.status_code == 200
    body = handled.json()
    assert (body["outcome"], body["resolved_by"], body["resolution"]) == (
        "handled",
        vice_mayor.pk,
        "已解决",
    )
    assert [i["text"] for i in body["instructions"]] == ["抓紧推进"]
    assert (
        Notification.objects.filter(recipient=owner)
        .filter(kind__in=["escalation_instructed", "escalation_handled"])
        .count()
        == 2
    )
    again = client.post(f"{base}/instruct/", {"text": "再批"})
    assert again.status_code == 400
