"""The landings list shows the columns of its export: the same headers in the same order, and
the same values (achievements.tables.LANDING_COLUMNS)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from achievements.choices import AchievementKind
from towns.models import Division

from ..list_tables import assert_page_matches_export
from ..service.factories import service_case
from .factories import YI, land

pytestmark = pytest.mark.django_db


def test_the_landings_list_shows_its_exports_columns(client, center_staff):
    case = service_case(kind=AchievementKind.PROJECT, title="车规级碳化硅模块")
    land(case, center_staff, on=timezone.localdate(), where="441900401", contribution=2 * YI)
    client.force_login(center_staff)
    url = reverse("achievements:landing_list")
    page = client.get(url)
    assert_page_matches_export(
        page,
        client.get(url, {"export": "xlsx"}),
        "landing-table",
        shared=[
            "成果名称",
            "落地状态",
            "认定条款",
            "落地日期",
            "落地镇街（园区）",
            "计入单位",
            "综合经济贡献",
        ],
        # The page names the division by its short name (松山湖), the workbook in full.
        shown_as={"落地镇街（园区）": lambda name: Division.objects.get(name=name).short_name},
    )
