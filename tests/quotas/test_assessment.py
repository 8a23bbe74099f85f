"""Assessment by 发现数 · 落地数 · 服务数 (seed 004 四(二)), its quarterly 通报, the division map and
the plan targets the dashboard did not track: the same figures as the dashboard, drill-down to
the records, Excel with numbers, and who may read it."""

from datetime import date, timedelta
from io import BytesIO
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from openpyxl import load_workbook

from quotas import assessment, selectors
from quotas.assessment import Level
from quotas.choices import CityMetric
from quotas.division_tiles import TILES
from quotas.reports import scorecard_sheet
from towns.choices import Role
from towns.models import Division

from ..achievements.landing.factories import YI, land
from ..achievements.service.factories import (
    AssignmentFactory,
    FollowUpFactory,
    FollowUpFlagFactory,
    service_case,
)
from ..brokers.factories import IntermediaryFactory, ServiceRevenueFactory
from ..evaluation.factories import submitted
from ..factories import UserFactory, unit
from .test_figures_reconcile import HYPOTHESIS, api, history, in_a_rolled_back_example

pytestmark = pytest.mark.django_db

UNIT_LEVELS = [level for level in Level if level != Level.PERSON]


def workbook(response):
    return load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)


# --- Reconciliation with the dashboard ------------------------------------------------------------


@in_a_rolled_back_example
def check_scorecard_reconciles(*, data, staff, client):
    for year in (2024, 2025, 2026):
        start, end = selectors.year_bounds(year)
        quota_landed = {row.unit.code: row.landed for row in selectors.quota_progress(year)}
        discovered = {row.unit.code: row.discovered for row in selectors.discovery_overview(year)}
        kpis = {k["key"]: k["value"] for k in api(client, "figures-kpis", year=year)["results"]}
        landed_total = served_total = 0
        for level in UNIT_LEVELS:
            card = assessment.scorecard(level, year)
            body = api(client, "figures-scorecard", year=year, level=level.value)
            assert body["totals"] == card.totals
            for row in card.rows:
                # 落地数 is the quota table's (and the dashboard's) landed of the unit.
                assert row.landed == quota_landed.get(row.key, 0), (year, row.key)
                # 发现数 is the discovery-target table's.
                assert row.discovered == discovered.get(row.key, 0), (year, row.key)
            landed_total += card.totals["landed"]
            served_total += card.totals["served"]
        # Every landing is credited to a quota holder or a division: the levels hold them all.
        assert landed_total == kpis[CityMetric.ACHIEVEMENTS_LANDED.value]
        # 服务数: the levels plus the university (not an assessed level) are the report's figure.
        university = (
            selectors.service_entries_between(start, end)
            .filter(discovering_unit__code="dgut")
            .count()
        )
        assert served_total + university == selectors.period_figures(start, end).service


@settings(HYPOTHESIS, max_examples=15)
@given(data=history)
def test_scorecard_totals_are_the_dashboards_whatever_the_history(data, center_staff, client):
    client.force_login(center_staff)
    check_scorecard_reconciles(data, center_staff, client=client)


def test_drill_down_lists_the_records_behind_each_number(client, center_staff):
    changan = unit("441900119")
    for day in (date(2025, 2, 1), date(2025, 3, 1)):
        case = service_case(entered_on=day, discovered_on=day, discovering_unit=changan)
        land(case, center_staff, on=day + timedelta(days=20), where="441900119")
    submitted(discovered_on=date(2025, 4, 1), discovering_unit=changan)
    client.force_login(center_staff)
    card = assessment.scorecard(Level.DIVISION, 2025)
    row = next(r for r in card.rows if r.key == "441900119")
    assert (row.discovered, row.landed, row.served) == (3, 2, 2)
    assert row.rank == 1
    for figure, expected in (("discovered", 3), ("landed", 2), ("served", 2)):
        url = reverse("quotas:assessment_drilldown", args=["division", "441900119"])
        response = client.get(url, {"year": 2025, "figure": figure})
        assert response.status_code == 200
        assert response.context["page_obj"].paginator.count == expected
    page = client.get(reverse("quotas:assessment_scorecard"), {"year": 2025}).content.decode()
    assert 'data-key="441900119"' in page
    assert (
        client.get(reverse("quotas:assessment_drilldown", args=["division", "dgut"])).status_code
        == 404
    )
    assert (
        client.get(reverse("quotas:assessment_drilldown", args=["nobody", "kjj"])).status_code
        == 404
    )


def test_a_liaison_is_assessed_on_own_records_and_follow_ups(client, center_staff):
    person = UserFactory(role=Role.CENTER_STAFF, username="center_wang")
    day = date(2025, 3, 3)
    mine = service_case(entered_on=day, discovered_on=day, created_by=person)
    AssignmentFactory(
        achievement=mine,
        assignee=person,
        assigned_by=center_staff,
        started_at=timezone.make_aware(timezone.datetime(2025, 3, 4)),
    )
    FollowUpFactory(
        achievement=mine,
        period=date(2025, 4, 1),
        followed_on=date(2025, 4, 10),
        progress="进展",
        next_step="下一步",
        route_status="matching",
        recorded_by=person,
    )
    FollowUpFlagFactory(achievement=mine, period=date(2025, 5, 1), responsible=person)
    land(mine, center_staff, on=date(2025, 6, 1), where="441900119")
    card = assessment.scorecard(Level.PERSON, 2025)
    row = next(r for r in card.rows if r.key == "center_wang")
    assert (row.discovered, row.landed, row.served) == (1, 1, 1)
    assert (row.follow_ups, row.missed, row.on_time_percent) == (1, 1, 50)
    client.force_login(center_staff)
    response = client.get(
        reverse("quotas:assessment_drilldown", args=["person", "center_wang"]),
        {"year": 2025, "figure": "landed"},
    )
    assert [r.achievement_id for r in response.context["records"]] == [mine.pk]
    body = api(client, "figures-scorecard", year=2025, level="person")
    assert next(r for r in body["results"] if r["key"] == "center_wang")["on_time_percent"] == 50


def test_each_scorecard_sheet_has_a_header_per_value(center_staff):
    person = UserFactory(role=Role.CENTER_STAFF, username="center_li")
    mine = service_case(entered_on=date(2025, 3, 3), discovered_on=date(2025, 3, 3))
    FollowUpFlagFactory(achievement=mine, period=date(2025, 5, 1), responsible=person)
    for level in Level:
        sheet = scorecard_sheet(assessment.scorecard(level, 2025))
        rows = list(sheet.rows)
        assert rows, level
        width = len(sheet.headers)
        assert width == (8 if level == Level.PERSON else 5)
        assert {len(row) for row in rows} == {width} and len(sheet.totals or []) == width
        assert len(sheet.widths) == width
    headers = scorecard_sheet(assessment.scorecard(Level.PERSON, 2025)).headers
    assert headers[-3:] == ["跟踪记录", "逾期未跟踪（月）", "按时跟踪率"]


def test_the_export_holds_every_level_with_counts_as_numbers(client, center_staff):
    # 2024: 市科技局 holds a quota, so a landing of its find counts for it (the credit rule).
    case = service_case(entered_on=date(2024, 2, 1), discovering_unit=unit("kjj"))
    land(case, center_staff, on=date(2024, 3, 1), where="441900113")
    client.force_login(center_staff)
    response = client.get(reverse("quotas:assessment_scorecard"), {"year": 2024, "export": "xlsx"})
    book = workbook(response)
    assert [s.title for s in book.worksheets] == [str(level.label) for level in Level]
    bureaus = list(book.worksheets[0].values)
    kjj = next(r for r in bureaus if r[1] == str(unit("kjj")))
    assert kjj[0] == 1 and kjj[3] == 1 and isinstance(kjj[3], int)
    assert bureaus[-1][3] == 1  # the totals row


def test_the_quarterly_bulletin_names_leading_and_lagging_units(client, leader):
    day = date(2025, 5, 10)
    service_case(entered_on=day, discovered_on=day, discovering_unit=unit("441900119"))
    client.force_login(leader)
    response = client.get(reverse("quotas:assessment_bulletin"), {"year": 2025, "quarter": 2})
    assert response.status_code == 200
    divisions = next(item for item in response.context["levels"] if item.level == "division")
    assert [row.key for row in divisions.leading] == ["441900119"]
    assert divisions.lagging and "441900119" not in [row.key for row in divisions.lagging]
    sheet = workbook(
        client.get(
            reverse("quotas:assessment_bulletin"), {"year": 2025, "quarter": 2, "export": "xlsx"}
        )
    ).worksheets[0]
    rows = list(sheet.values)
    assert any(r[1] == "成绩突出" and r[2] == str(unit("441900119")) for r in rows)


def divisions_card_rows(year):
    start, end = assessment.quarter_bounds(year, 2)
    return assessment.scorecard_between(Level.DIVISION, start, end, year=year).rows


def test_the_bulletin_names_every_idle_unit_and_says_when_the_quarter_is_not_over(client, leader):
    client.force_login(leader)
    url = reverse("quotas:assessment_bulletin")
    response = client.get(url, {"year": 2025, "quarter": 2})
    divisions = next(item for item in response.context["levels"] if item.level == "division")
    # Nothing happened in the quarter: every division is named, not the first three.
    assert len(divisions.lagging) == len(divisions_card_rows(2025)) > 3
    page = response.content.decode()
    assert all(row.name in page for row in divisions.lagging)
    assert f"（共 {len(divisions.lagging)} 个）" in page
    assert 'data-testid="bulletin-interim"' not in page  # 2025 Q2 is over

    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    running = client.get(url, {"year": today.year, "quarter": quarter})
    _, end = assessment.quarter_bounds(today.year, quarter)
    if today < end:
        assert "本季度尚未结束" in running.content.decode()
        export = client.get(url, {"year": today.year, "quarter": quarter, "export": "xlsx"})
        assert f"截至{today:%m月%d日}" in unquote(export["Content-Disposition"])


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.CENTER_STAFF, 200),
        (Role.LEADER, 200),
        (Role.ADMIN, 200),
        (Role.LIAISON, 403),
        (Role.ENTERPRISE, 403),
        (Role.BROKER, 403),
    ],
)
def test_who_reads_the_assessment_and_the_map(client, users_by_role, role, status):
    client.force_login(users_by_role[role])
    for name in (
        "quotas:assessment_scorecard",
        "quotas:assessment_bulletin",
        "quotas:division_map",
        "quotas:plan_targets",
    ):
        assert client.get(reverse(name)).status_code == status, name
    api_status = 200 if status == 200 else 403
    assert client.get(reverse("figures-scorecard")).status_code == api_status


def test_scorecard_queries_do_not_grow_with_the_rows(
    client, center_staff, django_assert_max_num_queries
):
    client.force_login(center_staff)
    url = reverse("quotas:assessment_scorecard")
    for level in Level:
        with django_assert_max_num_queries(20):
            assert client.get(url, {"level": level.value}).status_code == 200
    for n in range(5):
        case = service_case(entered_on=date(2025, 2, 1 + n), discovering_unit=unit("kjj"))
        land(case, center_staff, on=date(2025, 3, 1 + n), where="441900113")
    for level in Level:
        with django_assert_max_num_queries(20):
            assert client.get(url, {"level": level.value, "year": 2025}).status_code == 200


# --- The division map -----------------------------------------------------------------------------


def test_every_division_has_its_own_tile():
    codes = set(Division.objects.values_list("code", flat=True))
    assert set(TILES) == codes and len(codes) == 36
    assert len(set(TILES.values())) == len(TILES)


def test_the_map_colours_each_division_by_the_dashboards_completion(client, leader, center_staff):
    case = service_case(entered_on=date(2024, 2, 1), discovering_unit=unit("dgut"))
    land(case, center_staff, on=date(2024, 3, 1), where="441900113")  # 大朗: quota 1 in 2024
    client.force_login(leader)
    response = client.get(reverse("quotas:division_map"), {"year": 2024})
    tiles = {tile.division.code: tile for tile in response.context["tiles"]}
    rows = {row.unit.code: row for row in selectors.quota_progress(2024)}
    assert len(tiles) == 36
    assert (tiles["441900113"].percent, tiles["441900113"].completed) == (100, 1)
    assert tiles["441900119"].percent == rows["441900119"].percent == 0
    assert tiles["441900103"].percent is None  # 茶山 holds no 2024 quota
    data = response.context["map_data"]["tiles"]
    dalang = next(t for t in data if t["name"] == "大朗")
    assert dalang["url"] == reverse("quotas:dashboard_unit", args=["441900113"]) + "?year=2024"
    body = api(client, "figures-division-map", year=2024)
    assert {r["division"]: r["percent"] for r in body["results"]}["441900113"] == 100
    assert 'src="/static/vendor/echarts/echarts.min.js"' in response.content.decode()


# --- Plan targets the dashboard did not track -----------------------------------------------------


def test_plan_targets_show_growth_new_above_scale_and_the_landmark_lists(
    client, leader, center_staff
):
    for year, revenue in ((2023, 100), (2024, 110), (2025, 125)):
        ServiceRevenueFactory(
            year=year, revenue=revenue * 10**8, source="统计局", created_by=center_staff
        )
    for name, first in (("甲机构", 2023), ("乙机构", 2024), ("丙机构", 2025), ("丁机构", None)):
        IntermediaryFactory(
            name=name,
            division=Division.objects.get(code="441900119"),
            first_above_scale_year=first,
            created_by=center_staff,
        )
    big = service_case(entered_on=date(2024, 2, 1), discovering_unit=unit("kjj"))
    land(big, center_staff, on=date(2024, 5, 1), where="441900113", contribution=5 * YI)
    other = service_case(entered_on=date(2025, 2, 1), discovering_unit=unit("kjj"))
    land(other, center_staff, on=date(2025, 5, 1), where="441900113", contribution=YI)
    client.force_login(leader)
    context = client.get(reverse("quotas:plan_targets"), {"year": 2025}).context
    revenue = context["revenue"]
    # Base 2023 (the year before the plan): (125 / 100)^(1/2) − 1 = 11.8 %.
    assert (revenue.base_year, str(revenue.cagr), revenue.met) == (2023, "11.8", True)
    assert [str(y.growth) for y in revenue.years] == ["None", "10.0", "13.6"]
    assert [i.name for i in context["intermediaries"]] == ["乙机构", "丙机构"]
    assert context["intermediary_target"].target == 20
    significant, major = selectors.landmark_counts(date(2025, 12, 31))
    assert (context["significant"], context["major"]) == (significant, major) == (2, 1)
    assert len(context["significant_list"]) == significant
    assert [x.achievement_id for x in context["major_list"]] == [big.pk]
    assert context["major_target"].target == 3
