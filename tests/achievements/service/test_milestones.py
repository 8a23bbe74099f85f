from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from achievements.models import Escalation, Milestone, MilestoneTemplate
from achievements.services.service import assignment_assign
from achievements.tasks.service import task_escalate_stalled_cases

from .factories import service_case

pytestmark = pytest.mark.django_db


def test_default_templates_are_loaded_with_the_reference_data():
    template = MilestoneTemplate.objects.get(code="enterprise-landing")
    assert [(s.title, s.offset_days) for s in template.steps.all()] == [
        ("对接洽谈，明确落地意向", 14),
        ("确定落地镇街（园区）与载体", 30),
        ("完成工商注册或迁入", 60),
        ("入驻载体并启动运营", 90),
        ("实现实缴税收", 180),
    ]


def test_a_milestone_plan_from_a_template_gets_due_dates_from_the_start(client, center_staff):
    case = service_case()
    template = MilestoneTemplate.objects.get(code="project-transfer")
    client.force_login(center_staff)
    response = client.post(
        reverse("achievements:service_milestone_plan", args=[case.pk]),
        {"template": template.pk, "start_on": "2025-01-20"},
    )
    assert response.status_code == 302
    assert list(case.milestones.values_list("order", "title", "due_on")) == [
        (1, "完成技术对接与尽职调查", date(2025, 2, 10)),
        (2, "完成公允价值评价或协商定价", date(2025, 3, 6)),
        (3, "签署许可、转让或入股协议", date(2025, 4, 5)),
        (4, "完成技术合同登记", date(2025, 4, 20)),
        (5, "实现产品化或取得营收", date(2025, 7, 19)),
    ]
    again = client.post(
        reverse("achievements:service_milestone_plan", args=[case.pk]),
        {"template": template.pk, "start_on": "2025-02-01"},
    )
    assert "该成果已有里程碑计划。" in again.content.decode()
    assert case.milestones.count() == 5


def test_completing_a_milestone_counts_as_progress(client, center_staff, liaison, commits):
    case = service_case(entered_on=timezone.localdate() - timedelta(days=120))
    assignment_assign(achievement=case, assignee=liaison, acting_user=center_staff)
    with commits():
        task_escalate_stalled_cases.delay()
    assert Escalation.objects.open().count() == 1
    template = MilestoneTemplate.objects.get(code="enterprise-landing")
    client.force_login(liaison)
    client.post(
        reverse("achievements:service_milestone_plan", args=[case.pk]),
        {"template": template.pk, "start_on": (timezone.localdate() - timedelta(days=100))},
    )
    first = Milestone.objects.get(achievement=case, order=1)
    client.post(reverse("achievements:service_milestone_done", args=[case.pk, first.pk]))
    first.refresh_from_db()
    assert (first.done_on, first.done_by) == (timezone.localdate(), liaison)
    assert Escalation.objects.open().count() == 0
    page = client.get(reverse("achievements:service_case_detail", args=[case.pk])).content.decode()
    assert "逾期" in page  # the second step was due 70 days ago
    again = client.post(
        reverse("achievements:service_milestone_done", args=[case.pk, first.pk]), follow=True
    )
    assert f"该节点已于 {first.done_on} 完成。" in again.content.decode()


def test_leaders_read_the_plan_but_do_not_change_it(client, leader, center_staff):
    case = service_case()
    assert (
        client.get(reverse("achievements:service_milestone_plan", args=[case.pk])).status_code
        == 302
    )
    client.force_login(leader)
    assert (
        client.get(reverse("achievements:service_milestone_plan", args=[case.pk])).status_code
        == 403
    )
    assert (
        client.get(reverse("achievements:service_case_detail", args=[case.pk])).status_code == 200
    )
