"""The demand list shows the columns of its export: the same headers in the same order, and the
same values (achievements.tables.DEMAND_COLUMNS)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from ..list_tables import assert_page_matches_export
from .factories import DemandFactory

pytestmark = pytest.mark.django_db

SHARED = ["需求标题", "企业", "需求类型", "所属领域", "镇街（园区）", "期望解决时间", "状态"]


@pytest.fixture
def demand():
    return DemandFactory(
        title="注塑件表面缩痕",
        budget_min=Decimal(300_000),
        budget_max=Decimal(800_000),
        deadline=date(2027, 6, 30),
    )


def test_staff_see_the_exports_columns(client, center_staff, demand):
    client.force_login(center_staff)
    url = reverse("achievements:demand_list")
    page = client.get(url)
    assert_page_matches_export(
        page,
        client.get(url, {"export": "xlsx"}),
        "demand-table",
        shared=SHARED,
        # the workbook's 预算下限 and 预算上限 as one range; the matches awaiting review
        page_only=("预算", "待审核推荐"),
    )
    assert "30万元–80万元" in page.content.decode()


def test_the_enterprise_sees_them_less_its_own_name(client, demand):
    client.force_login(demand.created_by)
    url = reverse("achievements:demand_list")
    page = client.get(url)
    export = client.get(reverse("achievements:demand_list"), {"export": "xlsx"})
    shared = [header for header in SHARED if header != "企业"]
    assert_page_matches_export(
        page, export, "demand-table", shared=shared, page_only=("预算", "推荐成果")
    )
