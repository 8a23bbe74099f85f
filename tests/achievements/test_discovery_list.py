"""The discovery library list: filters, search in Chinese, sorting, pagination, export, queries."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from achievements.choices import AchievementStatus

from ..factories import division, industry, unit
from .factories import AchievementCreditFactory, LibraryAchievementFactory

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [a.title for a in response.context["page_obj"].object_list]


@pytest.fixture
def library(liaison):
    """Four records that differ in every filtered attribute."""
    return {
        "battery": LibraryAchievementFactory(
            title="钠离子电池正极材料",
            summary="层状氧化物正极，循环寿命 4000 次。",
            field=industry("S05"),
            kind="project",
            trl=5,
            discovered_on=date(2025, 6, 1),
            landing_division=division("441900119"),
            expected_contribution=Decimal("30000000"),
            cooperation_modes=["transfer"],
            source_channel="key_lab",
        ),
        "chip": LibraryAchievementFactory(
            title="车规级 MCU 芯片",
            summary="满足 AEC-Q100 Grade 1，国产化替代。",
            holder="广东粤芯微电子有限公司",
            field=industry("S03"),
            kind="enterprise",
            trl=8,
            discovered_on=date(2026, 2, 1),
            discovering_unit=unit("441900401"),
            expected_contribution=Decimal("500000000"),
            cooperation_modes=["equity"],
            source_channel="talent_team",
        ),
        "platform": LibraryAchievementFactory(
            title="中试验证平台",
            summary="面向新材料企业的公共中试线，年服务能力 200 批次。",
            field=industry("S04"),
            kind="platform",
            trl=7,
            status=AchievementStatus.SERVICE,
            service_route="recommendation",
            discovered_on=date(2026, 5, 1),
            landing_division=division("441900401"),
        ),
        "draft": LibraryAchievementFactory(
            title="草稿成果",
            status=AchievementStatus.DRAFT,
            discovered_on=None,
            trl=None,
            field=industry("X01"),
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=正极", ["钠离子电池正极材料"]),
        ("q=国产化替代", ["车规级 MCU 芯片"]),
        ("q=粤芯", ["车规级 MCU 芯片"]),
        ("q=中试 新材料", ["中试验证平台"]),
        ("q=mcu", ["车规级 MCU 芯片"]),
        ("unit=441900401", ["车规级 MCU 芯片"]),
        ("division=441900119", ["钠离子电池正极材料"]),
        ("field=S04", ["中试验证平台"]),
        ("kind=enterprise", ["车规级 MCU 芯片"]),
        ("status=service", ["中试验证平台"]),
        ("status=draft", ["草稿成果"]),
        ("year=2025", ["钠离子电池正极材料"]),
        ("trl=8", ["车规级 MCU 芯片"]),
        ("cooperation=equity", ["车规级 MCU 芯片"]),
        ("source=key_lab", ["钠离子电池正极材料"]),
        ("year=2026&kind=platform", ["中试验证平台"]),
    ],
)
def test_each_filter_of_the_library(staff_client, library, query, expected):
    response = staff_client.get(f"{reverse('achievements:achievement_list')}?{query}")
    assert titles(response) == expected


def test_sorting(staff_client, library):
    url = reverse("achievements:achievement_list")
    by_contribution = titles(staff_client.get(url, {"sort": "contribution"}))
    assert by_contribution[:2] == ["车规级 MCU 芯片", "钠离子电池正极材料"]
    assert titles(staff_client.get(url, {"sort": "trl"}))[:3] == [
        "车规级 MCU 芯片",
        "中试验证平台",
        "钠离子电池正极材料",
    ]
    assert titles(staff_client.get(url, {"sort": "discovered"}))[:3] == [
        "中试验证平台",
        "车规级 MCU 芯片",
        "钠离子电池正极材料",
    ]
    assert titles(staff_client.get(url, {"sort": "new"}))[0] == "草稿成果"
    assert titles(staff_client.get(url, {"sort": "bogus"})) == titles(staff_client.get(url))


def test_a_liaison_has_no_unit_filter_and_sees_their_unit(liaison_client, library):
    response = liaison_client.get(reverse("achievements:achievement_list"))
    assert "unit" not in response.context["filterset"].form.fields
    assert sorted(titles(response)) == ["中试验证平台", "草稿成果", "钠离子电池正极材料"]
    # A unit filter in the URL cannot widen the scope.
    response = liaison_client.get(reverse("achievements:achievement_list"), {"unit": "441900401"})
    assert "车规级 MCU 芯片" not in titles(response)


def test_merged_duplicates_are_listed_only_when_asked_for(staff_client, library, center_staff):
    merged = LibraryAchievementFactory(
        title="重复登记", status=AchievementStatus.MERGED, merged_into=library["battery"]
    )
    assert "重复登记" not in titles(staff_client.get(reverse("achievements:achievement_list")))
    response = staff_client.get(reverse("achievements:achievement_list"), {"status": "merged"})
    assert titles(response) == [merged.title]


def test_pagination_keeps_the_filters(staff_client):
    for n in range(25):
        LibraryAchievementFactory(title=f"成果{n:02d}", field=industry("S04"))
    response = staff_client.get(
        reverse("achievements:achievement_list"), {"field": "S04", "page": 2}
    )
    content = response.content.decode()
    assert len(titles(response)) == 5
    assert "共 25 条，显示第 21–25 条" in content
    assert "?field=S04&amp;page=1" in content


def test_empty_result_says_so(staff_client):
    content = staff_client.get(
        reverse("achievements:achievement_list"), {"q": "不存在的成果"}
    ).content.decode()
    assert "没有符合条件的成果" in content


def test_export_of_the_filtered_list(staff_client, library):
    response = staff_client.get(
        reverse("achievements:achievement_list"), {"field": "S05", "export": "xlsx"}
    )
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [c.value for c in sheet[1]]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert header[:5] == ["编号", "成果名称", "成果简介", "成果类型", "所属领域"]
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["成果名称"] == "钠离子电池正极材料"
    assert row["预期综合经济贡献（万元）"] == 3000
    assert row["技术成熟度"] == "TRL 5 · 小试"
    assert row["合作方式"] == "转让"
    assert row["联系电话"] == "13800138000"
    assert row["拟落地镇街"] == "长安镇"
    assert row["发现日期"].date() == date(2025, 6, 1)


def test_export_names_credited_units(staff_client, library, center_staff):
    AchievementCreditFactory(
        achievement=library["battery"], unit=unit("441900119"), created_by=center_staff
    )
    response = staff_client.get(
        reverse("achievements:achievement_list"), {"field": "S05", "export": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [c.value for c in sheet[1]]
    assert sheet[2][header.index("共同发现单位")].value == "长安"


def make_rows(count: int) -> None:
    units = [unit("dgut"), unit("441900119"), unit("kjj")]
    for n in range(count):
        record = LibraryAchievementFactory(
            discovering_unit=units[n % 3],
            landing_division=division("441900119"),
            cooperation_modes=["transfer"],
        )
        if n % 2:
            AchievementCreditFactory(
                achievement=record, unit=unit("gxj"), created_by=record.created_by
            )


# session, user, division filter lookup, count, unread bell, (unit choices for staff), user's
# unit, division choices, industry choices, the page of achievements, their credits.
LIST_QUERIES = {"center_staff": 11, "leader": 11, "liaison": 10}


@pytest.mark.parametrize("role", list(LIST_QUERIES))
@pytest.mark.usefixtures("render_afresh")
def test_list_query_count_does_not_grow_with_rows(
    client, request, django_assert_num_queries, django_assert_max_num_queries, role
):
    client.force_login(request.getfixturevalue(role))
    url = reverse("achievements:achievement_list")
    params = {"sort": "contribution", "q": "电解质", "division": "441900119"}
    make_rows(1)
    client.get(url)  # the session's first touch is not part of the page
    # At most: with Redis the session is read from the cache, one query fewer.
    with django_assert_max_num_queries(LIST_QUERIES[role]) as one:
        client.get(url, params)
    expected = len(one)
    make_rows(30)
    # Not more (the filter bar's choices, whose tables the rows did not touch, stay cached).
    with django_assert_max_num_queries(expected):
        response = client.get(url, params)
    assert len(response.context["page_obj"].object_list) >= 10


def test_yes_no_filters_offer_all_not_unknown(client, center_staff):
    client.force_login(center_staff)
    page = client.get(reverse("achievements:achievement_list")).content.decode()
    select = page[
        page.index('name="correction"') : page.index("</select>", page.index('name="correction"'))
    ]
    assert "全部" in select and "未知" not in select
    assert (
        client.get(reverse("achievements:achievement_list"), {"correction": "true"}).status_code
        == 200
    )
