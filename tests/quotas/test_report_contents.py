"""What a report says: each figure of the overview is the length of its section's list and its
label says what it counts; money is a number of 万元 in every workbook; the report page lists
the sections; the Word brief (简报) tells what changed, who is behind quota and the stalled
cases, for the roles that may read reports."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from docx import Document
from openpyxl import load_workbook

from achievements.choices import AchievementStatus, ServiceRoute
from achievements.models import Escalation
from achievements.services.service import escalations_refresh
from evaluation.choices import (
    Decision,
    LandingForm,
    RecommenderKind,
    ReviewStatus,
    ValuationStatus,
)
from evaluation.models import BatchItem, Recommendation
from evaluation.services import recommendation_create
from quotas import views
from quotas.choices import ReportKind
from quotas.models import Report
from quotas.reports import period_report, report_sheets
from quotas.services import report_generate
from quotas.tasks import task_biweekly_reports

from ..achievements.landing.factories import YI, landed_case
from ..achievements.service.factories import aware, service_case
from ..evaluation.factories import (
    FastTrackReviewFactory,
    ValuationFactory,
    make_batch,
    pdf_file,
    submitted,
)
from ..factories import AchievementFactory

pytestmark = pytest.mark.django_db

WAN_FORMAT = '#,##0.00"万元"'
START, END = date(2024, 5, 1), date(2024, 5, 14)
# The overview's figures and the sheet that lists what each counts.
SECTION_OF = {
    "新发现成果（项）": "新发现成果",
    "完成评价（项）": "成果评价",
    "进入服务库（项）": "进入服务库",
    "认定落地（项）": "认定落地",
    "本期报送久推不动（项）": "久推不动报送",
    "期末久推不动成果（项）": "久推不动成果",
}


def workbook(report: Report):
    with report.file.open("rb") as handle:
        return load_workbook(BytesIO(handle.read()))


def overview(book) -> dict:
    return {row[0]: (row[1], row[2]) for row in list(book["概览"].values)[1:]}


def data_rows(sheet) -> list[tuple]:
    """The rows between the header and the totals row."""
    return list(sheet.values)[1:-1]


def recommended(staff, *, on: date, name="松山湖材料实验室"):
    """Recommended directly (重点入库推荐) through the service, dated `on`."""
    achievement = submitted()
    recommendation_create(
        achievement=achievement,
        recommender_kind=RecommenderKind.RESEARCH_INSTITUTE,
        recommender_name=name,
        letter=pdf_file(),
        letter_date=on,
        reason="与东莞产业链高度契合。",
        acting_user=staff,
    )
    type(achievement).objects.filter(pk=achievement.pk).update(service_entered_at=aware(on))
    Recommendation.objects.filter(achievement=achievement).update(created_at=aware(on))
    return achievement


@pytest.fixture
def history(center_staff, evaluator):
    """A fortnight (1–14 May 2024) with something in every section, and things just outside."""
    AchievementFactory(title="本期发现甲", discovered_on=date(2024, 5, 3))
    AchievementFactory(title="本期发现乙", discovered_on=date(2024, 5, 9))
    AchievementFactory(title="上期发现", discovered_on=date(2024, 4, 20))
    service_case(title="评价入选但无批次", entered_on=date(2024, 5, 6))
    service_case(
        title="推荐入库无推荐函",
        entered_on=date(2024, 5, 7),
        route=ServiceRoute.RECOMMENDATION,
        expected_contribution=6 * YI,
    )
    recommended(center_staff, on=date(2024, 5, 8))
    recommended(center_staff, on=date(2024, 5, 20), name="期后推荐单位")
    chosen, rejected = submitted(title="批次入选"), submitted(title="批次未入选")
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[chosen, rejected])
    BatchItem.objects.filter(batch=batch, achievement=rejected).update(
        decision=Decision.NOT_SELECTED, decided_at=aware(date(2024, 5, 9)), reason="需求不足"
    )
    BatchItem.objects.filter(batch=batch, achievement=chosen).update(
        decision=Decision.SELECTED, decided_at=aware(date(2024, 5, 10))
    )
    type(chosen).objects.filter(pk=chosen.pk).update(
        status=AchievementStatus.SERVICE,
        service_route=ServiceRoute.EVALUATION,
        service_entered_at=aware(date(2024, 5, 10)),
    )
    FastTrackReviewFactory(
        achievement=service_case(title="快速评价对象", entered_on=date(2024, 3, 1)),
        status=ReviewStatus.COMPLETED,
        opened_on=date(2024, 5, 4),
        due_on=date(2024, 5, 11),
        reviewer=center_staff,
        completed_by=center_staff,
        completed_at=aware(date(2024, 5, 11)),
        carrier_name="松山湖某园区",
        policy_support_amount=Decimal(500_000),
        carrier_area=Decimal(800),
        landing_form=LandingForm.NEW_COMPANY,
        expected_months=6,
        created_by=center_staff,
    )
    for valued_on in (date(2024, 5, 12), date(2024, 4, 20)):
        ValuationFactory(
            achievement=submitted(title=f"估值对象{valued_on:%m%d}"),
            agency="广东某资产评估公司",
            requested_on=valued_on - timedelta(days=30),
            status=ValuationStatus.COMPLETED,
            report="evaluation/valuations/report.pdf",
            value=Decimal(3_000_000),
            valued_on=valued_on,
            created_by=center_staff,
        )
    landed_case(center_staff, on=date(2024, 5, 13), where="441900401", contribution=2 * YI)
    reported = service_case(title="期内报送的久推不动", entered_on=date(2024, 1, 5))
    later = service_case(title="期后才报送的久推不动", entered_on=date(2024, 1, 5))
    escalations_refresh(today=date(2024, 5, 5))
    Escalation.objects.filter(achievement=reported).update(escalated_at=aware(date(2024, 5, 5)))
    Escalation.objects.filter(achievement=later).update(escalated_at=aware(date(2024, 5, 20)))


# --- Every figure is its list -------------------------------------------------------------------


def test_each_overview_figure_is_the_length_of_its_section(history):
    report = report_generate(kind=ReportKind.CUSTOM, start=START, end=END)
    book = workbook(report)
    figures = overview(book)
    for label, sheet in SECTION_OF.items():
        rows = data_rows(book[sheet])
        assert figures[label][0] == len(rows), label
        assert list(book[sheet].values)[-1][0] == f"合计 {len(rows)} 项"
    assert {label: figures[label][0] for label in SECTION_OF} == {
        "新发现成果（项）": 2,
        "完成评价（项）": 7,
        "进入服务库（项）": 4,
        "认定落地（项）": 1,
        "本期报送久推不动（项）": 1,
        "期末久推不动成果（项）": 2,
    }
    assert report.totals["evaluations"] == 7 and report.totals["stalled_escalated"] == 1


def test_the_evaluations_are_every_entry_and_every_other_evaluation_of_the_period(history):
    book = workbook(report_generate(kind=ReportKind.CUSTOM, start=START, end=END))
    rows = [(row[0], row[2], row[3], row[4]) for row in data_rows(book["成果评价"])]
    titles = {row[0] for row in rows}
    assert ("评价入选但无批次", "常规入库评价", None, "入选服务库") in rows
    assert ("推荐入库无推荐函", "重点入库推荐", None, "直接入选服务库") in rows
    assert ("批次入选", "常规入库评价", "2025年第一批常规入库评价", "入选服务库") in rows
    assert ("批次未入选", "常规入库评价", "2025年第一批常规入库评价", "未入选") in rows
    assert ("快速评价对象", "快速落地评价", "松山湖某园区", "已出具意见") in rows
    assert ("估值对象0512", "公允价值评价", "广东某资产评估公司", "已出具评估报告") in rows
    assert "估值对象0420" not in titles
    valuation = next(row for row in data_rows(book["成果评价"]) if row[0] == "估值对象0512")
    assert valuation[6] == 300
    entries = {row[0] for row in data_rows(book["进入服务库"])}
    assert entries <= titles  # every entry into the service library is an evaluation's outcome
    note = overview(book)["完成评价（项）"][1]
    assert note.startswith(
        "本期完成的各类评价：常规入库评价 3 项（入选服务库 2 项、未入选 1 项），"
        "重点入库推荐直接入选服务库 2 项，快速落地评价出具意见 1 项，公允价值评价出具评估报告 1 项"
    )
    assert overview(book)["进入服务库（项）"][1].startswith(
        "入库日期在本期内：经常规入库评价 2 项、经重点入库推荐 2 项（均计入“完成评价”）"
    )


def test_entries_by_recommendation_count_as_completed_evaluations(center_staff):
    """The demo's fortnight: six entries, three of them 重点推荐, once read 完成评价 0."""
    for n in range(3):
        service_case(
            title=f"推荐{n}", entered_on=date(2024, 5, 2 + n), route=ServiceRoute.RECOMMENDATION
        )
        service_case(title=f"评价{n}", entered_on=date(2024, 5, 6 + n))
    report = report_generate(kind=ReportKind.BIWEEKLY, start=START, end=END)
    assert (report.totals["service_entries"], report.totals["evaluations"]) == (6, 6)
    assert report.totals["evaluations_recommendation"] == 3


def test_stalled_cases_are_reported_as_they_stood_at_the_end_of_the_period(history):
    book = workbook(report_generate(kind=ReportKind.CUSTOM, start=START, end=END))
    stalled = {row[0]: row[6] for row in data_rows(book["久推不动成果"])}
    assert stalled == {"期内报送的久推不动": "是", "期后才报送的久推不动": "否"}
    assert [row[0] for row in data_rows(book["久推不动报送"])] == ["期内报送的久推不动"]
    assert overview(book)["期末久推不动成果（项）"][1].startswith(
        "截至期末无实质性进展超过 90 天的服务库成果，其中期末已报送 1 项"
    )


# --- Numbers Excel can sum ------------------------------------------------------------------------


def test_money_is_a_number_of_wan_with_the_wan_format_and_ratios_are_percentages(history):
    book = workbook(report_generate(kind=ReportKind.CUSTOM, start=START, end=END))
    entries = book["进入服务库"]
    row = next(r for r in entries.iter_rows(min_row=2) if r[0].value == "推荐入库无推荐函")
    assert (row[5].value, row[5].number_format) == (60000, WAN_FORMAT)
    landing_total = list(book["认定落地"].iter_rows())[-1][10]
    assert (landing_total.value, landing_total.number_format) == (20000, WAN_FORMAT)
    quota = book["2024年落地任务进度"]
    ssh = next(r for r in quota.iter_rows(min_row=2) if r[0].value.startswith("东莞松山湖"))
    # 任务, 已落地, 上年抵扣, 转抵以后年度, 完成数 — the landing-quota page's columns.
    assert [cell.value for cell in ssh[1:6]] == [13, 1, 0, 0, 1]
    assert (
        ssh[6].number_format == "0%" and float(ssh[6].value) == 0.08
    )  # 8%, as the dashboard rounds it


def test_every_export_writes_money_as_numbers_too(client, center_staff):
    landed_case(center_staff, on=date(2024, 5, 13), where="441900401", contribution=Decimal(123456))
    client.force_login(center_staff)
    response = client.get(reverse("achievements:landing_list"), {"export": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    cell = sheet.cell(row=2, column=11)
    assert (cell.value, cell.number_format) == (pytest.approx(12.3456), WAN_FORMAT)


# --- The report page ------------------------------------------------------------------------------


def test_the_report_page_lists_every_section(client, leader, history, monkeypatch):
    monkeypatch.setattr(views, "REPORT_SECTION_PREVIEW", 3)
    report = report_generate(kind=ReportKind.CUSTOM, start=START, end=END)
    client.force_login(leader)
    page = client.get(reverse("quotas:report_detail", args=[report.pk])).content.decode()
    assert page.count('data-testid="report-section"') == 7
    assert page.count('data-testid="report-figure"') == 8
    assert "期内报送的久推不动" in page and "推荐入库无推荐函" in page
    assert "60,000" in page  # 6亿元 in 万元, as the workbook's column says
    assert "查看全部 7 项" in page and 'href="?section=2"' in page  # 成果评价, 3 of 7 shown
    assert 'data-testid="download-brief"' in page
    whole = client.get(reverse("quotas:report_detail", args=[report.pk]), {"section": 2})
    assert whole.context["section"]["title"] == "成果评价"
    assert len(whole.context["page_obj"].object_list) == 7
    assert "合计 7 项" in whole.content.decode()


def test_each_sheet_has_a_header_per_value_and_the_page_shows_every_header(client, leader, history):
    sheets = report_sheets(period_report(START, END))
    assert [sheet.title for sheet in sheets][1:4] == ["新发现成果", "成果评价", "进入服务库"]
    for sheet in sheets:
        width = len(sheet.headers)
        assert sheet.rows, sheet.title  # the history has something in every section
        assert {len(row) for row in sheet.rows} == {width}, sheet.title
        assert len(sheet.widths) == width, sheet.title
        assert sheet.totals is None or len(sheet.totals) == width, sheet.title
    report = report_generate(kind=ReportKind.CUSTOM, start=START, end=END)
    client.force_login(leader)
    page = client.get(reverse("quotas:report_detail", args=[report.pk])).content.decode()
    for sheet in sheets:
        for header in sheet.headers:
            assert f">{escape(header)}</th>" in page, (sheet.title, header)


def test_the_report_page_reads_no_more_for_more_rows(client, leader, center_staff):
    small = report_generate(kind=ReportKind.CUSTOM, start=START, end=END)
    for n in range(30):
        AchievementFactory(title=f"批量发现{n}", discovered_on=date(2024, 5, 3))
    large = report_generate(kind=ReportKind.CUSTOM, start=START, end=date(2024, 5, 15))
    client.force_login(leader)
    client.get(reverse("quotas:report_detail", args=[small.pk]))
    counts = []
    for report in (small, large):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("quotas:report_detail", args=[report.pk])).content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 7  # session, user, report, the menu's counters
    assert "批量发现9" in page and "批量发现10" not in page  # ten rows, then “查看全部 30 项”
    assert "查看全部 30 项" in page


# --- The Word brief -------------------------------------------------------------------------------


def brief_text(response) -> str:
    document = Document(BytesIO(b"".join(response.streaming_content)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def test_the_brief_names_the_change_the_lagging_units_and_the_stalled_cases(
    client, leader, center_staff
):
    landed_case(center_staff, on=date(2024, 12, 3), where="441900401")  # the previous fortnight
    landed_case(center_staff, on=date(2024, 12, 20), where="441900401")
    landed_case(center_staff, on=date(2024, 12, 21), where="441900401")
    stalled = service_case(title="三年无进展的中试线", entered_on=date(2024, 6, 1))
    escalations_refresh(today=date(2024, 12, 20))
    Escalation.objects.filter(achievement=stalled).update(escalated_at=aware(date(2024, 12, 20)))
    report = report_generate(
        kind=ReportKind.BIWEEKLY, start=date(2024, 12, 16), end=date(2024, 12, 29)
    )
    client.force_login(leader)
    response = client.get(reverse("quotas:report_brief", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert (
        "%EF%BC%88%E7%AE%80%E6%8A%A5%EF%BC%89.docx" in response["Content-Disposition"]
    )  # （简报）
    text = brief_text(response)
    assert report.title in text
    assert "报送时间：2024年12月30日（星期一）12:00前" in text
    assert "认定落地 2 项（比上期增加 1 项）" in text
    # Two days before the year ends, every unit short of its quota is behind; the furthest first.
    assert "按时间进度，26 个单位落后：东莞市科学技术局（完成 0/60 项）、" in text
    assert "等，请督促加快推进。" in text
    assert "截至期末，久推不动成果 1 项（与上期持平），其中已报送 1 项；本期新报送 1 项。" in text
    assert "三年无进展的中试线（" in text and "211 天无进展" in text


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("liaison", 403),
        ("evaluator", 403),
        ("enterprise_user", 403),
        ("broker_user", 403),
        ("leader", 200),
        ("center_staff", 200),
        ("portal_admin", 200),
    ],
)
def test_only_report_readers_download_the_brief(client, request, role, status):
    report = report_generate(kind=ReportKind.BIWEEKLY, start=START, end=END)
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("quotas:report_brief", args=[report.pk])).status_code == status


def test_the_brief_is_not_for_anonymous_visitors(client):
    report = report_generate(kind=ReportKind.BIWEEKLY, start=START, end=END)
    response = client.get(reverse("quotas:report_brief", args=[report.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_scheduled_run_stores_the_lists_and_the_brief_with_each_report(
    commits, settings, center_staff
):
    settings.BIWEEKLY_REPORT_ANCHOR = date(2024, 1, 1)
    settings.REPORT_CATCH_UP_LIMIT = 6
    landing = landed_case(center_staff, on=date(2024, 1, 20))
    with commits():
        assert task_biweekly_reports.delay(today="2024-01-29").get() == 2
    for report in Report.objects.all():
        assert report.brief.name.endswith(".docx") and report.file.name.endswith(".xlsx")
        assert [section["title"] for section in report.sections][:2] == ["概览", "新发现成果"]
    second = Report.objects.get(period_start=date(2024, 1, 15))
    assert second.sections[4]["title"] == "认定落地"
    assert [row[0] for row in second.sections[4]["rows"]] == [landing.achievement.title]
    assert second.totals["landings"] == 1
