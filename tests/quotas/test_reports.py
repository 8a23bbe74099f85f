"""Reports: 每两周一报 on every other Monday from the anchor, the quarterly report, reports on
demand; stored once per period (a re-run replaces), caught up after a missed run, announced
to leaders once, downloadable as a formatted workbook, and agreeing with the dashboard."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from achievements.services.service import escalations_refresh
from quotas import selectors
from quotas.choices import CityMetric, ReportKind
from quotas.models import Report
from quotas.reports import biweekly_periods, quarterly_periods
from quotas.services import landing_quotas_copy, report_generate
from quotas.tasks import task_biweekly_reports, task_quarterly_reports
from towns.models import Notification

from ..achievements.landing.factories import YI, landed_case
from ..achievements.service.factories import service_case
from ..factories import AchievementFactory, unit

pytestmark = pytest.mark.django_db

ANCHOR = date(2024, 1, 1)  # a Monday


@pytest.fixture(autouse=True)
def _anchor(settings):
    settings.BIWEEKLY_REPORT_ANCHOR = ANCHOR
    settings.REPORT_CATCH_UP_LIMIT = 6


def run_biweekly(commits, today: date) -> int:
    with commits():
        return task_biweekly_reports.delay(today=today.isoformat()).get()


def workbook(report: Report):
    with report.file.open("rb") as handle:
        return load_workbook(BytesIO(handle.read()))


# --- Periods and the schedule -------------------------------------------------------------------


def test_the_fortnights_start_at_the_anchor_and_end_the_sunday_before_a_report_monday():
    assert biweekly_periods(date(2024, 1, 14), anchor=ANCHOR) == []
    assert biweekly_periods(date(2024, 1, 15), anchor=ANCHOR) == [
        (date(2024, 1, 1), date(2024, 1, 14))
    ]
    periods = biweekly_periods(date(2024, 2, 11), anchor=ANCHOR)
    assert periods == [
        (date(2024, 1, 1), date(2024, 1, 14)),
        (date(2024, 1, 15), date(2024, 1, 28)),
    ]
    assert all(start.weekday() == 0 and (end - start).days == 13 for start, end in periods)


def test_quarters_are_reported_once_they_have_ended():
    assert quarterly_periods(date(2024, 3, 31), anchor=ANCHOR) == []
    assert quarterly_periods(date(2024, 10, 1), anchor=ANCHOR) == [
        (date(2024, 1, 1), date(2024, 3, 31)),
        (date(2024, 4, 1), date(2024, 6, 30)),
        (date(2024, 7, 1), date(2024, 9, 30)),
    ]


def test_the_beat_runs_on_mondays_at_nine_and_on_the_first_day_of_each_quarter():
    schedule = settings.CELERY_BEAT_SCHEDULE
    biweekly = schedule["quotas-biweekly-report"]
    assert biweekly["task"] == "quotas.tasks.task_biweekly_reports"
    assert biweekly["schedule"] == crontab(day_of_week="mon", hour=9, minute=0)
    quarterly = schedule["quotas-quarterly-report"]
    assert quarterly["schedule"] == crontab(
        day_of_month=1, month_of_year="1,4,7,10", hour=9, minute=0
    )
    assert schedule["achievements-check-open-landings"]["task"] == (
        "achievements.tasks.landing.task_check_open_landings"
    )
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"


# --- Scheduled runs -----------------------------------------------------------------------------


def test_a_report_monday_makes_the_fortnight_report_and_announces_it(commits, leader, center_staff):
    landed_case(center_staff, on=date(2024, 3, 5))
    assert run_biweekly(commits, date(2024, 3, 11)) == 5  # the first five fortnights
    report = Report.objects.get(period_end=date(2024, 3, 10))
    assert report.period_start == date(2024, 2, 26)
    assert report.title == "科技成果转化工作进展（每两周一报，2024年2月26日至2024年3月10日）"
    assert report.generated_by is None and report.totals["landings"] == 1
    notice = Notification.objects.get(
        recipient=leader, url=reverse("quotas:report_detail", args=[report.pk])
    )
    assert notice.title == report.title
    assert notice.body == "新发现 0 项，认定落地 1 项，久推不动 0 项。"


def test_the_monday_between_report_mondays_makes_nothing(commits):
    run_biweekly(commits, date(2024, 3, 11))
    assert run_biweekly(commits, date(2024, 3, 18)) == 0
    assert Report.objects.count() == 5


def test_a_missed_run_is_made_when_the_worker_returns(commits):
    run_biweekly(commits, date(2024, 3, 11))
    # The worker was down on 25 March, 8 April and 22 April; it returns on 24 April.
    assert run_biweekly(commits, date(2024, 4, 24)) == 3
    ends = sorted(Report.objects.values_list("period_end", flat=True))
    assert ends[-3:] == [date(2024, 3, 24), date(2024, 4, 7), date(2024, 4, 21)]
    assert run_biweekly(commits, date(2024, 4, 24)) == 0


def test_catching_up_looks_back_over_the_configured_number_of_periods(commits, settings):
    settings.REPORT_CATCH_UP_LIMIT = 2
    assert run_biweekly(commits, date(2024, 6, 3)) == 2
    assert sorted(Report.objects.values_list("period_end", flat=True)) == [
        date(2024, 5, 19),
        date(2024, 6, 2),
    ]
    assert run_biweekly(commits, date(2024, 6, 3)) == 0


def test_the_quarterly_report_for_the_city_government(commits, leader):
    with commits():
        assert task_quarterly_reports.delay(today="2024-07-01").get() == 2
    report = Report.objects.get(kind=ReportKind.QUARTERLY, period_start=date(2024, 4, 1))
    assert (report.period_end, report.title) == (
        date(2024, 6, 30),
        "2024年第二季度科技成果转化工作报告",
    )
    assert Notification.objects.filter(recipient=leader, kind="report_quarterly").count() == 2


# --- Re-runs replace ------------------------------------------------------------------------------


def test_generating_a_period_again_replaces_the_report(commits, leader, center_staff):
    with commits():
        first = report_generate(
            kind=ReportKind.BIWEEKLY, start=date(2024, 2, 26), end=date(2024, 3, 10)
        )
    old_name = first.file.name
    landed_case(center_staff, on=date(2024, 3, 5))
    with commits():
        again = report_generate(
            kind=ReportKind.BIWEEKLY,
            start=date(2024, 2, 26),
            end=date(2024, 3, 10),
            acting_user=center_staff,
        )
    assert again.pk == first.pk and Report.objects.count() == 1
    assert (again.generation_count, again.generated_by, again.totals["landings"]) == (
        2,
        center_staff,
        1,
    )
    assert old_name != again.file.name and not first.file.storage.exists(old_name)
    assert again.file.storage.exists(again.file.name)
    assert Notification.objects.filter(recipient=leader).count() == 1


def test_staff_re_run_a_report_from_its_page_and_leaders_may_not(client, center_staff, leader):
    report = report_generate(
        kind=ReportKind.BIWEEKLY, start=date(2024, 2, 26), end=date(2024, 3, 10)
    )
    url = reverse("quotas:report_regenerate", args=[report.pk])
    client.force_login(leader)
    assert client.post(url).status_code == 403
    client.force_login(center_staff)
    assert client.post(url).status_code == 302
    report.refresh_from_db()
    assert report.generation_count == 2 and Report.objects.count() == 1


# --- On demand ------------------------------------------------------------------------------------


def test_a_leader_has_a_report_made_for_any_date_range(client, leader, center_staff):
    landed_case(center_staff, on=date(2024, 5, 20))
    client.force_login(leader)
    response = client.post(
        reverse("quotas:report_list"), {"start": "2024-05-01", "end": "2024-05-31"}
    )
    report = Report.objects.get(kind=ReportKind.CUSTOM)
    assert response["Location"] == reverse("quotas:report_detail", args=[report.pk])
    assert report.title == "科技成果转化工作专项报告（2024年5月1日至2024年5月31日）"
    assert report.generated_by == leader
    page = client.get(response["Location"]).content.decode()
    assert "认定落地" in page and 'data-testid="download-report"' in page
    client.post(reverse("quotas:report_list"), {"start": "2024-05-01", "end": "2024-05-31"})
    assert Report.objects.filter(kind=ReportKind.CUSTOM).count() == 1


def test_a_bad_range_is_explained_beside_its_field(client, leader):
    client.force_login(leader)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    for data, message in (
        ({"start": "2024-05-31", "end": "2024-05-01"}, "截止日期不能早于起始日期。"),
        ({"start": "2024-05-01", "end": tomorrow}, "截止日期不能晚于今天。"),
        ({"start": "2023-01-01", "end": "2024-05-01"}, "报告期间不能超过一年。"),
        ({"start": "", "end": "2024-05-01"}, "该字段是必填项。"),
    ):
        response = client.post(reverse("quotas:report_list"), data)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Report.objects.exists()


def test_reports_are_for_staff_and_leaders_only(client, liaison, leader):
    report = report_generate(
        kind=ReportKind.BIWEEKLY, start=date(2024, 2, 26), end=date(2024, 3, 10)
    )
    client.force_login(liaison)
    for url in (
        reverse("quotas:report_list"),
        reverse("quotas:report_detail", args=[report.pk]),
        reverse("quotas:report_download", args=[report.pk]),
    ):
        assert client.get(url).status_code == 403
    client.force_login(leader)
    response = client.get(reverse("quotas:report_download", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "xlsx" in response["Content-Disposition"]


# --- The workbook and its agreement with the dashboard -------------------------------------------


def test_the_workbook_has_one_sheet_per_section_with_chinese_headers_and_totals(
    center_staff, portal_admin
):
    landed_case(center_staff, on=date(2024, 5, 20), where="441900401", contribution=2 * YI)
    service_case(entered_on=date(2024, 5, 10), discovered_on=date(2024, 5, 2))
    report = report_generate(kind=ReportKind.CUSTOM, start=date(2024, 5, 1), end=date(2024, 5, 31))
    book = workbook(report)
    assert book.sheetnames == [
        "概览",
        "新发现成果",
        "成果评价",
        "进入服务库",
        "认定落地",
        "2024年落地任务进度",
        "久推不动报送",
        "久推不动成果",
    ]
    assert all(sheet.freeze_panes == "A2" for sheet in book.worksheets)
    landings = list(book["认定落地"].values)
    assert landings[0][:3] == ("成果名称", "成果类型", "所属领域")
    # 2亿元 as a number of 万元 that Excel can sum, shown as “20,000.00万元”.
    assert landings[-1][0] == "合计 1 项" and landings[-1][10] == 20000
    assert book["认定落地"].cell(row=3, column=11).number_format == '#,##0.00"万元"'
    assert list(book["进入服务库"].values)[-1][0] == "合计 1 项"
    quota = list(book["2024年落地任务进度"].values)
    ssh = next(row for row in quota if row[0] == "东莞松山湖高新技术产业开发区")
    assert ssh[1:6] == (13, 1, 0, 0, 1)  # quota, landed, offset in, offset out, completed
    assert "不限领域 1个（不少于1亿元）：1/1" in ssh[10]
    assert quota[-1][:2] == ("合计", 123)
    assert list(book["概览"].values)[4][:2] == ("认定落地（项）", 1)


def test_the_report_of_a_year_has_the_totals_of_the_dashboard(center_staff, portal_admin):
    landing_quotas_copy(from_year=2024, to_year=2025, acting_user=portal_admin)
    for n, (day, where) in enumerate(
        [
            (date(2024, 3, 3), "441900401"),
            (date(2024, 11, 3), "441900108"),
            (date(2025, 2, 3), "441900108"),
            (date(2025, 4, 9), "441900119"),
            (date(2025, 7, 9), "441900401"),
            (date(2025, 12, 30), "441900003"),
        ]
    ):
        landed_case(
            center_staff,
            on=day,
            where=where,
            contribution=YI * n,
            discovering_unit=unit("kjj" if n % 3 == 0 else "dgut"),
        )
    for month in (1, 5, 9):
        AchievementFactory(discovered_on=date(2025, month, 9))
    service_case(entered_on=timezone.localdate() - timedelta(days=200))
    escalations_refresh()
    report = report_generate(kind=ReportKind.CUSTOM, start=date(2025, 1, 1), end=date(2025, 12, 31))
    totals = report.totals
    kpis = {kpi.metric: kpi.actual for kpi in selectors.city_kpis(2025)}
    quota = selectors.quota_totals(selectors.quota_progress(2025))
    trend = selectors.monthly_trend(2025)
    assert totals["landings"] == kpis[CityMetric.ACHIEVEMENTS_LANDED] == 4
    # 谢岗 holds no quota in 2024 nor 2025: both its landings offset a later year, completed there.
    assert (quota.landed, quota.offset_in, quota.offset_out) == (4, 0, 1)
    assert totals["quota_completed"] == quota.completed == 3
    assert totals["quota_total"] == quota.quota == 123
    assert totals["quota_units_met"] == quota.units_met
    assert totals["discoveries"] == sum(m.discovered for m in trend)
    assert totals["service_entries"] == sum(m.service for m in trend)
    book = workbook(report)
    dashboard_rows = {
        row.unit.name: (row.quota, row.landed, row.offset_in, row.offset_out, row.completed)
        for row in selectors.quota_progress(2025)
    }
    sheet_rows = {
        row[0]: (row[1] if row[1] != "无任务" else None, *row[2:6])
        for row in list(book["2025年落地任务进度"].values)[1:-1]
    }
    assert sheet_rows == dashboard_rows
