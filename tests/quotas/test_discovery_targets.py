"""Discovery targets per unit per year: the numbers of the plan, progress, the staff overview."""

import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from achievements.choices import AchievementStatus, FeedbackKind
from quotas.models import DiscoveryTarget
from towns.choices import UnitKind
from towns.models import Unit

from ..achievements.factories import (
    AchievementCreditFactory,
    AchievementFeedbackFactory,
    LibraryAchievementFactory,
)
from ..factories import unit

pytestmark = pytest.mark.django_db

PLAN_YEARS = [2024, 2025, 2026]


@pytest.mark.parametrize("year", PLAN_YEARS)
def test_targets_are_those_of_the_action_plan(year):
    targets = {t.unit.code: t.target for t in DiscoveryTarget.objects.filter(year=year)}
    assert targets["kjj"] == 500
    assert (targets["fgj"], targets["gxj"]) == (50, 50)
    assert (targets["tcj"], targets["rsj"], targets["dongshi"], targets["kejin"]) == (
        30,
        30,
        30,
        30,
    )
    assert targets["441900401"] == 50  # 高新区 (松山湖)
    towns = Unit.objects.filter(kind=UnitKind.DIVISION).exclude(code="441900401")
    assert {targets[u.code] for u in towns} == {10}
    research = Unit.objects.filter(
        kind__in=[UnitKind.UNIVERSITY, UnitKind.LAB, UnitKind.FACILITY, UnitKind.RND_INSTITUTE]
    )
    assert research.count() == 14
    assert {targets[u.code] for u in research} == {20}
    # Bureaus the plan gives no target have none.
    assert "zsj" not in targets and "center" not in targets


def test_overview_counts_discoveries_of_the_year_and_merge_credits(client, center_staff):
    year = timezone.localdate().year
    dgut = unit("dgut")
    for _ in range(3):
        LibraryAchievementFactory(discovering_unit=dgut)
    LibraryAchievementFactory(discovering_unit=dgut, status=AchievementStatus.DRAFT)
    LibraryAchievementFactory(discovering_unit=dgut, discovered_on=date(year - 1, 5, 1))
    credited = LibraryAchievementFactory(discovering_unit=unit("kjj"))
    AchievementCreditFactory(achievement=credited, unit=unit("441900119"), created_by=center_staff)

    client.force_login(center_staff)
    response = client.get(reverse("quotas:discovery_targets"), {"year": year})
    rows = {r.unit.code: r for r in response.context["rows"]}
    assert (rows["dgut"].target, rows["dgut"].discovered, rows["dgut"].remaining) == (20, 3, 17)
    assert (rows["441900119"].discovered, rows["kjj"].discovered) == (1, 1)
    assert rows["dgut"].percent == 15
    content = response.content.decode()
    assert "东莞理工学院" in content and f"{year}年成果发现任务进度" in content
    last_year = client.get(reverse("quotas:discovery_targets"), {"year": year - 1}).context["rows"]
    assert {r.unit.code: r.discovered for r in last_year}["dgut"] == 1


def test_overview_filters_by_unit_kind_and_exports(client, leader):
    client.force_login(leader)
    response = client.get(reverse("quotas:discovery_targets"), {"kind": "university", "year": 2026})
    assert {r.unit.kind for r in response.context["rows"]} == {"university"}
    export = client.get(
        reverse("quotas:discovery_targets"), {"kind": "university", "year": 2026, "export": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert [c.value for c in sheet[1]][:4] == ["单位", "单位类型", "年度目标（项）", "已发现（项）"]
    totals = [c.value for c in sheet[sheet.max_row]]
    assert totals[0] == "合计" and totals[2] == 20 * (sheet.max_row - 2)


def test_the_page_and_its_export_have_one_column_spec(client, center_staff):
    """Same columns in the same order, and the completion rate a percentage Excel can compute
    with (it was the text "15%")."""
    year = timezone.localdate().year
    for _ in range(3):
        LibraryAchievementFactory(discovering_unit=unit("dgut"))
    client.force_login(center_staff)
    page = client.get(reverse("quotas:discovery_targets"), {"year": year})
    headers = [str(column.label) for column in page.context["columns"]]
    for label in headers:
        assert f">{label}</th>" in page.content.decode()
    export = client.get(reverse("quotas:discovery_targets"), {"year": year, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert [c.value.split("（")[0] for c in sheet[1]] == headers
    dgut = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "东莞理工学院")
    rate = dgut[headers.index("完成率")]
    assert rate.value == pytest.approx(0.15) and rate.number_format.endswith("%")
    # One sum for the page's cards and the file's total row.
    total = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "合计")
    totals = page.context["totals"]
    assert total[headers.index("年度目标")].value == totals.target
    assert total[headers.index("已发现")].value == totals.discovered >= 3


@pytest.mark.parametrize(
    ("role", "status"),
    [("liaison", 403), ("evaluator", 403), ("enterprise_user", 403), ("leader", 200)],
)
def test_who_sees_the_overview(client, request, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("quotas:discovery_targets")).status_code == status


def test_staff_edit_a_years_targets_and_history_keeps_the_change(client, center_staff, leader):
    changan = unit("441900119")
    url = reverse("quotas:discovery_targets_edit")
    client.force_login(leader)
    assert client.get(url).status_code == 403

    client.force_login(center_staff)
    page = client.get(url, {"year": 2027})
    form = page.context["form"]
    data = {"year": 2027}
    for name, field in form.fields.items():
        initial = field.initial
        if name.startswith("target_") and initial is not None:
            data[name] = initial
    data[f"target_{changan.pk}"] = 50
    data[f"strong_{changan.pk}"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302
    row = DiscoveryTarget.objects.get(year=2027, unit=changan)
    assert (row.target, row.innovation_strong_town) == (50, True)
    assert row.history.latest().history_user == center_staff
    assert (
        DiscoveryTarget.objects.filter(year=2027).count()
        == DiscoveryTarget.objects.filter(year=2026).count()
    )
    # Another year is untouched.
    assert DiscoveryTarget.objects.get(year=2026, unit=changan).target == 10


def test_a_negative_target_is_refused_beside_the_field(client, center_staff):
    client.force_login(center_staff)
    dgut = unit("dgut")
    response = client.post(
        reverse("quotas:discovery_targets_edit"), {"year": 2026, f"target_{dgut.pk}": -5}
    )
    assert response.status_code == 200
    assert "确保该值大于或等于0。" in response.content.decode()
    assert DiscoveryTarget.objects.get(year=2026, unit=dgut).target == 20


def test_liaison_home_shows_progress_and_what_needs_doing(client, liaison):
    LibraryAchievementFactory(discovering_unit=liaison.unit)
    LibraryAchievementFactory(discovering_unit=liaison.unit, status=AchievementStatus.RETURNED)
    LibraryAchievementFactory(discovering_unit=liaison.unit, status=AchievementStatus.DRAFT)
    client.force_login(liaison)
    response = client.get(reverse("quotas:home"))
    content = response.content.decode()
    progress = response.context["progress"]
    assert (progress.target, progress.discovered) == (20, 1)
    assert "距年度目标还差 19 项。" in content
    assert response.context["counts"] == {"submitted": 1, "returned": 1, "draft": 1}
    assert 'data-testid="returned-alert"' in content


def test_center_staff_home_shows_the_work_queue(client, center_staff, liaison):
    record = LibraryAchievementFactory()
    AchievementFeedbackFactory(
        achievement=record, kind=FeedbackKind.CORRECTION_REQUEST, message="改", author=liaison
    )
    LibraryAchievementFactory(title=record.title, discovering_unit=unit("kjj"))
    client.force_login(center_staff)
    response = client.get(reverse("quotas:home"))
    assert (response.context["open_corrections"], response.context["duplicate_groups"]) == (1, 1)
    assert reverse("quotas:discovery_targets") in response.content.decode()
