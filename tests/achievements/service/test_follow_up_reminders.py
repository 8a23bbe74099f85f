"""Staff remind responsible persons to follow their cases up (催办): from a case's page or for many
ticked cases at once, each case through `follow_up_remind`, at most once a day per case, even
when two members of staff press the button at the same moment."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from achievements.choices import RouteStatus
from achievements.models import FollowUpReminder
from towns.choices import Role
from towns.models import Notification

from ...factories import UserFactory, unit
from ..test_discovery_one_title_per_unit import at_the_same_moment, postgresql_only
from .factories import AssignmentFactory, FollowUpFactory, service_case


def assigned_case(*, assignee, by, **kwargs):
    case = service_case(**kwargs)
    AssignmentFactory(
        achievement=case, assignee=assignee, assigned_by=by, started_at=case.service_entered_at
    )
    return case


def texts(response) -> list[str]:
    """The messages of this request; reading them consumes them, so the next request's are its own."""
    storage = get_messages(response.wsgi_request)
    found = [str(m) for m in storage]
    response.client.cookies.pop("messages", None)
    return found


@pytest.mark.django_db
def test_staff_remind_the_ticked_cases_and_each_row_reports(client, center_staff):
    lin = UserFactory(role=Role.CENTER_STAFF, unit=unit("center"), username="lin", name="林")
    first = assigned_case(assignee=lin, by=center_staff, title="案例甲")
    second = assigned_case(assignee=lin, by=center_staff, title="案例乙")
    nobody = service_case(title="案例丙")
    client.force_login(center_staff)
    page = client.get(reverse("achievements:service_case_list")).content.decode()
    assert 'data-testid="bulk-remind"' in page and 'data-check-all="case"' in page

    response = client.post(
        reverse("achievements:service_case_bulk_remind"),
        {"case": [first.pk, second.pk, nobody.pk], "next": "/service/?state=missing_follow_up"},
    )
    assert response["Location"] == "/service/?state=missing_follow_up"
    assert texts(response) == [
        "案例丙：该成果尚未分配包干责任人，请先分配。",
        "已提醒 2 项成果的责任人跟进。",
    ]
    sent = Notification.objects.filter(recipient=lin, kind="follow_up_reminder")
    assert sent.count() == 2
    assert {n.title for n in sent} == {
        f"{center_staff.display_name} 提醒您跟进“案例甲”",
        f"{center_staff.display_name} 提醒您跟进“案例乙”",
    }
    assert all("月度跟踪记录" in n.body for n in sent)

    # The same day again: nothing is sent twice, and staff are told who already reminded.
    again = client.post(reverse("achievements:service_case_bulk_remind"), {"case": [first.pk]})
    assert texts(again) == [
        f"案例甲：今天已由 {center_staff.display_name} 提醒过责任人，明天可再次提醒。"
    ]
    assert FollowUpReminder.objects.count() == 2


@pytest.mark.django_db
def test_a_case_page_reminds_and_shows_the_latest_reminders(client, center_staff, liaison):
    case = assigned_case(assignee=liaison, by=center_staff, discovering_unit=liaison.unit)
    client.force_login(center_staff)
    url = reverse("achievements:service_case_detail", args=[case.pk])
    assert 'data-testid="remind"' in client.get(url).content.decode()
    response = client.post(reverse("achievements:service_case_remind", args=[case.pk]))
    assert response["Location"] == url
    assert texts(response) == ["已提醒责任人跟进。"]
    page = client.get(url).content.decode()
    reminder = FollowUpReminder.objects.get()
    assert (reminder.responsible, reminder.sent_by) == (liaison, center_staff)
    assert f"{reminder.sent_on:%Y-%m-%d}（{center_staff.display_name}）" in page
    # The responsible person reads the reminder and has no button to remind anyone.
    client.force_login(liaison)
    assert Notification.objects.filter(recipient=liaison, kind="follow_up_reminder").exists()
    assert 'data-testid="remind"' not in client.get(url).content.decode()


@pytest.mark.django_db
def test_only_staff_remind_and_only_open_cases(client, center_staff, liaison, leader):
    case = assigned_case(assignee=liaison, by=center_staff, discovering_unit=liaison.unit)
    for user in (liaison, leader):
        client.force_login(user)
        assert (
            client.post(
                reverse("achievements:service_case_bulk_remind"), {"case": [case.pk]}
            ).status_code
            == 403
        )
        assert (
            client.post(reverse("achievements:service_case_remind", args=[case.pk])).status_code
            == 403
        )
    case.status = "landed"
    case.save(update_fields=["status"])
    client.force_login(center_staff)
    response = client.post(reverse("achievements:service_case_bulk_remind"), {"case": [case.pk]})
    assert texts(response) == [
        f"{case.title}：成果当前状态为“已落地”，只有服务库中尚未落地的成果可以办理。"
    ]
    assert texts(client.post(reverse("achievements:service_case_bulk_remind"), {})) == [
        "请至少勾选一项成果。"
    ]
    assert not FollowUpReminder.objects.exists()


@pytest.mark.django_db
def test_the_filter_finds_the_cases_not_followed_up_this_month(client, center_staff):
    followed = service_case(title="本月已跟踪")
    FollowUpFactory(
        achievement=followed,
        period=timezone.localdate().replace(day=1),
        followed_on=timezone.localdate(),
        progress="对接企业",
        next_step="签订意向协议",
        route_status=RouteStatus.choices[0][0],
        recorded_by=center_staff,
    )
    service_case(title="本月未跟踪")
    client.force_login(center_staff)
    page = client.get(reverse("achievements:service_case_list") + "?state=not_followed_this_month")
    body = page.content.decode()
    assert "本月未跟踪" in body and "本月已跟踪" not in body


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_members_of_staff_reminding_at_the_same_moment_send_one_reminder(center_staff):
    other = UserFactory(role=Role.CENTER_STAFF, unit=unit("center"), username="staff_two")
    lin = UserFactory(role=Role.CENTER_STAFF, unit=unit("center"), username="lin")
    case = assigned_case(assignee=lin, by=center_staff)
    clients = []
    for user in (center_staff, other):
        c = Client()
        c.force_login(user)
        clients.append(c)
    responses = at_the_same_moment(
        *[
            lambda c=c: c.post(reverse("achievements:service_case_remind", args=[case.pk]))
            for c in clients
        ]
    )
    assert [r.status_code for r in responses] == [302, 302]
    assert FollowUpReminder.objects.filter(achievement=case).count() == 1
    assert Notification.objects.filter(recipient=lin, kind="follow_up_reminder").count() == 1
