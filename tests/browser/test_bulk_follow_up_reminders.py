"""Staff filter the service library to the cases not yet followed up this month, tick the whole
page with one box and remind every responsible person at once — in the browser."""

import pytest
from playwright.sync_api import expect

from achievements.models import FollowUpReminder
from towns.choices import Role
from towns.models import Notification

from ..achievements.service.factories import AssignmentFactory, service_case
from ..factories import UserFactory, unit
from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_staff_remind_a_whole_page_of_cases_with_one_question(page):
    staff = UserFactory(role=Role.CENTER_STAFF, unit=unit("center"), username="chen", name="陈思远")
    lin = UserFactory(role=Role.CENTER_STAFF, unit=unit("center"), username="lin", name="林晓")
    cases = [service_case(title=f"待跟踪成果{i}") for i in range(3)]
    for case in cases:
        AssignmentFactory(
            achievement=case, assignee=lin, assigned_by=staff, started_at=case.service_entered_at
        )

    login(page, "chen")
    page.goto("/service/?state=not_followed_this_month")
    page.get_by_test_id("bulk-all").check()
    expect(page.get_by_test_id("bulk-case").first).to_be_checked()
    questions: list[str] = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    # The assignee is left empty: the reminder button does not need it.
    page.get_by_test_id("bulk-remind").click()
    expect(page.get_by_text("已提醒 3 项成果的责任人跟进。")).to_be_visible()
    assert questions == ["确定提醒勾选成果的包干责任人跟进吗？每项成果每天最多提醒一次。"]
    assert FollowUpReminder.objects.count() == 3
    assert Notification.objects.filter(recipient=lin, kind="follow_up_reminder").count() == 3
    screenshot(page, "service-bulk-remind")
