from datetime import date

import pytest
from django.urls import reverse

from achievements.models import Assignment, FollowUp, FollowUpFlag
from achievements.services.service import assignment_assign
from achievements.tasks.service import task_flag_missing_follow_ups
from towns.choices import Role
from towns.models import Notification

from ...factories import UserFactory, next_year, unit
from .factories import FollowUpFactory, service_case

pytestmark = pytest.mark.django_db


def follow_up_data(followed_on, **changes):
    return {
        "followed_on": followed_on.isoformat(),
        "route_status": "matching",
        "progress": "与松山湖两家企业完成技术对接，对方提出中试需求。",
        "next_step": "组织双方实地考察。",
        "blockers": "",
        **changes,
    }


def test_the_assignee_logs_a_monthly_follow_up(client, center_staff, liaison):
    case = service_case(entered_on=date(2025, 3, 3))
    assignment_assign(achievement=case, assignee=liaison, acting_user=center_staff)
    client.force_login(liaison)
    response = client.post(
        reverse("achievements:service_follow_up_create", args=[case.pk]),
        follow_up_data(date(2025, 3, 20), has_progress="on"),
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    assert (follow_up.period, follow_up.followed_on, follow_up.recorded_by) == (
        date(2025, 3, 1),
        date(2025, 3, 20),
        liaison,
    )
    assert follow_up.has_progress is True
    page = client.get(reverse("achievements:service_case_detail", args=[case.pk])).content.decode()
    assert "2025年3月" in page and "与松山湖两家企业完成技术对接" in page


def test_one_record_per_case_per_month(client, center_staff):
    case = service_case(entered_on=date(2025, 3, 3))
    client.force_login(center_staff)
    client.post(
        reverse("achievements:service_follow_up_create", args=[case.pk]),
        follow_up_data(date(2025, 4, 2)),
    )
    response = client.post(
        reverse("achievements:service_follow_up_create", args=[case.pk]),
        follow_up_data(date(2025, 4, 28)),
    )
    assert "2025年4月 已有跟踪记录，请修改该记录。" in response.content.decode()
    assert FollowUp.objects.count() == 1


def test_a_follow_up_in_the_future_or_before_entry_is_refused(client, center_staff):
    case = service_case(entered_on=date(2025, 3, 3))
    client.force_login(center_staff)
    response = client.post(
        reverse("achievements:service_follow_up_create", args=[case.pk]),
        follow_up_data(date(2025, 2, 27)),
    )
    assert "跟踪日期早于成果进入服务库的月份。" in response.content.decode()
    response = client.post(
        reverse("achievements:service_follow_up_create", args=[case.pk]),
        follow_up_data(date.fromisoformat(next_year())),
    )
    assert "跟踪日期不能晚于今天。" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_edit_keeps_the_month(client, center_staff):
    case = service_case(entered_on=date(2025, 3, 3))
    client.force_login(center_staff)
    client.post(
        reverse("achievements:service_follow_up_create", args=[case.pk]),
        follow_up_data(date(2025, 4, 2)),
    )
    follow_up = FollowUp.objects.get()
    client.post(
        reverse("achievements:service_follow_up_edit", args=[case.pk, follow_up.pk]),
        follow_up_data(date(2025, 6, 1), progress="已签署意向协议。", route_status="contracting"),
    )
    follow_up.refresh_from_db()
    assert (follow_up.period, follow_up.progress, follow_up.route_status) == (
        date(2025, 4, 1),
        "已签署意向协议。",
        "contracting",
    )


@pytest.mark.parametrize("who", ["unit_liaison", "leader", "other_staff_of_unit"])
def test_only_the_responsible_person_or_staff_log_follow_ups(client, center_staff, leader, who):
    case = service_case(entered_on=date(2025, 3, 3))
    assignee = UserFactory(role=Role.LIAISON, unit=unit("dgut"), username="assignee")
    assignment_assign(achievement=case, assignee=assignee, acting_user=center_staff)
    people = {
        "unit_liaison": UserFactory(role=Role.LIAISON, unit=unit("dgut"), username="colleague"),
        "leader": leader,
        "other_staff_of_unit": UserFactory(role=Role.LIAISON, unit=unit("dgut"), username="l2"),
    }
    client.force_login(people[who])
    response = client.post(
        reverse("achievements:service_follow_up_create", args=[case.pk]),
        follow_up_data(date(2025, 4, 2)),
    )
    assert response.status_code == 403
    assert not FollowUp.objects.exists()


def test_on_the_first_cases_without_last_months_follow_up_are_flagged_and_the_person_told(
    center_staff, liaison, commits
):
    silent = service_case(title="没有跟踪的成果", entered_on=date(2025, 3, 3))
    followed = service_case(title="已跟踪的成果", entered_on=date(2025, 3, 3))
    new = service_case(title="本月新入库", entered_on=date(2025, 5, 1))
    assignment_assign(achievement=silent, assignee=liaison, acting_user=center_staff)
    FollowUpFactory(
        achievement=followed,
        period=date(2025, 4, 1),
        followed_on=date(2025, 4, 15),
        progress="对接中",
        next_step="继续",
        route_status="matching",
        recorded_by=center_staff,
    )
    with commits():
        flagged = task_flag_missing_follow_ups.delay(today="2025-05-01").get()
    assert flagged == 1
    flag = FollowUpFlag.objects.get()
    assert (flag.achievement, flag.period, flag.responsible) == (silent, date(2025, 4, 1), liaison)
    notice = Notification.objects.get(kind="follow_up_overdue")
    assert (notice.recipient, notice.title) == (
        liaison,
        "“没有跟踪的成果”缺少 2025年4月 的月度跟踪记录",
    )
    assert new.follow_up_flags.count() == 0

    # A re-run on the same day (or a retry) flags nothing twice and tells nobody again.
    with commits():
        assert task_flag_missing_follow_ups.delay(today="2025-05-01").get() == 0
    assert FollowUpFlag.objects.count() == 1
    assert Notification.objects.filter(kind="follow_up_overdue").count() == 1


def test_a_late_follow_up_clears_the_flag(client, center_staff, liaison, commits):
    case = service_case(entered_on=date(2025, 3, 3))
    assignment_assign(achievement=case, assignee=liaison, acting_user=center_staff)
    task_flag_missing_follow_ups.delay(today="2025-05-01")
    client.force_login(liaison)
    page = client.get(reverse("achievements:service_case_detail", args=[case.pk])).content.decode()
    assert "缺少 2025年4月 的月度跟踪记录" in page
    client.post(
        reverse("achievements:service_follow_up_create", args=[case.pk]),
        follow_up_data(date(2025, 4, 30)),
    )
    assert FollowUpFlag.objects.get().resolved_at is not None
    page = client.get(reverse("achievements:service_case_detail", args=[case.pk])).content.decode()
    assert "缺少 2025年4月 的月度跟踪记录" not in page


def test_the_flag_job_is_scheduled_on_the_first_of_each_month(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["achievements-flag-missing-follow-ups"]
    assert entry["task"] == "achievements.tasks.service.task_flag_missing_follow_ups"
    assert entry["schedule"].day_of_month == {1}


def test_the_staff_dashboard_counts_unassigned_and_unfollowed_cases(client, center_staff):
    service_case(entered_on=date(2025, 3, 3))
    assigned = service_case(entered_on=date(2025, 3, 3))
    assignment_assign(achievement=assigned, assignee=center_staff, acting_user=center_staff)
    task_flag_missing_follow_ups.delay(today="2025-05-01")
    client.force_login(center_staff)
    page = client.get(reverse("quotas:home")).content.decode()
    attention = page[page.index('data-testid="service-attention"') :]
    assert '待分配责任人</span><span class="badge text-bg-danger">1</span>' in attention
    assert '逾期未跟踪</span><span class="badge text-bg-danger">2</span>' in attention
    assert Assignment.objects.count() == 1
