"""The case list, my cases and the escalation list show the columns of their exports: the same
headers in the same order, and the same values (achievements.tables)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from achievements.services.service import assignment_assign, follow_up_record
from achievements.tasks.service import task_escalate_stalled_cases

from ..list_tables import assert_page_matches_export
from .factories import service_case

pytestmark = pytest.mark.django_db

CASE_COLUMNS = [
    "成果名称",
    "发现单位",
    "包干责任人",
    "预期综合经济贡献",
    "报送层级",
    "最近跟踪月份",
    "最近进展日期",
]


def page_and_export(client, url):
    return client.get(url), client.get(url, {"export": "xlsx"})


@pytest.fixture
def stalled(center_staff, commits):
    """A case assigned to the staff member, without progress for 120 days, and escalated."""
    case = service_case(
        title="车规级碳化硅功率模块",
        entered_on=timezone.localdate() - timedelta(days=120),
        expected_contribution=Decimal(250_000_000),  # reported to the bureau
    )
    assignment_assign(achievement=case, assignee=center_staff, acting_user=center_staff)
    with commits():
        task_escalate_stalled_cases.delay().get()
    return case


def test_the_case_list_shows_its_exports_columns(client, center_staff, stalled):
    client.force_login(center_staff)
    page, export = page_and_export(client, reverse("achievements:service_case_list"))
    assert 'data-testid="bulk-case"' in page.content.decode()
    assert_page_matches_export(
        page,
        export,
        "case-table",
        shared=CASE_COLUMNS,
        page_only=("", "下次跟踪"),  # the bulk-assign checkbox; when the next follow-up is due
        shown_as={"最近跟踪月份": lambda month: month or "尚无"},
    )


def test_my_cases_show_the_case_lists_columns_less_the_responsible_person(
    client, center_staff, stalled
):
    """My cases has no export of its own: its columns are the case list's."""
    follow_up_record(
        achievement=stalled,
        acting_user=center_staff,
        followed_on=timezone.localdate(),
        progress="样品已送检。",
        next_step="等待检测报告",
        route_status="paused",
        has_progress=False,
    )
    client.force_login(center_staff)
    page = client.get(reverse("achievements:service_my_cases"))
    export = client.get(reverse("achievements:service_case_list"), {"export": "xlsx"})
    month = timezone.localdate()
    assert_page_matches_export(
        page,
        export,
        "case-table",
        shared=[column for column in CASE_COLUMNS if column != "包干责任人"],
        page_only=("下次跟踪",),
        shown_as={"最近跟踪月份": lambda _: f"{month.year}年{month.month}月"},
    )


def test_the_escalation_list_shows_its_exports_columns(client, leader, stalled):
    client.force_login(leader)
    page, export = page_and_export(client, reverse("achievements:service_escalation_list"))
    assert_page_matches_export(
        page,
        export,
        "escalation-table",
        shared=[
            "成果名称",
            "报送层级",
            "预期综合经济贡献",
            "责任人",
            "最近进展日期",
            "无进展天数",
            "报送对象",
            "状态",
        ],
        page_only=("最近跟踪情况",),  # the workbook's 最近跟踪进展 and 困难与问题 in one cell
    )
