"""Staff record the evidence of a landing and verify it; a leader sees the unit's quota progress
change on the dashboard — in the browser, with screenshots of each step."""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from achievements.choices import AchievementKind, LandingState
from achievements.models import Landing
from quotas.services import landing_quotas_copy
from towns.choices import Role

from ..achievements.landing.factories import PDF
from ..achievements.service.factories import service_case
from ..factories import UserFactory, unit
from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def sign_out(page):
    page.context.clear_cookies()


def changan_progress(page) -> str:
    """The 长安 row of the dashboard's ranking (the chart's accessible table)."""
    return page.locator('[data-testid="quota-ranking"] tr[data-unit="441900119"]').inner_text()


def test_staff_verify_a_landing_and_the_leader_sees_the_progress(page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    staff = UserFactory(role=Role.CENTER_STAFF, unit=unit("center"), username="chen", name="陈思远")
    UserFactory(role=Role.LEADER, unit=unit("kjj"), username="zheng", name="郑国平")
    year = timezone.localdate().year
    landing_quotas_copy(from_year=2024, to_year=year, acting_user=staff)
    case = service_case(
        kind=AchievementKind.PROJECT,
        title="注塑成型工艺智能优化系统",
        discovering_unit=unit("dgut"),
        discovered_on=timezone.localdate() - timezone.timedelta(days=90),
    )
    contract = Path(tmp_path) / "技术转让合同.pdf"
    contract.write_bytes(PDF)
    today = timezone.localdate().isoformat()

    # 1. The leader reads 长安's progress on the dashboard: nothing landed yet.
    login(page, "zheng")
    page.goto("/dashboard/")
    page.wait_for_selector('[data-chart="quota"][data-ready="1"]')
    assert re.search(r"长安\s+0\s+6\s+0%", changan_progress(page))
    screenshot(page, "landing-01-dashboard-before")
    sign_out(page)

    # 2. Staff record the transaction with a Dongguan company, with the contract.
    login(page, "chen")
    page.goto(f"/achievements/{case.pk}/")
    card = page.get_by_test_id("landing-card")
    card.get_by_test_id("add-evidence").click()
    card.get_by_role("link", name="与东莞主体交易").click()
    page.get_by_label("东莞交易方").fill("东莞精诚注塑科技有限公司")
    page.get_by_label("交易方所在镇街（园区）").select_option(label="长安镇")
    page.get_by_label("交易金额").fill("300")
    page.get_by_label("合同编号或技术合同登记号").fill("20264419000123")
    page.get_by_label("交易日期").fill(today)
    page.get_by_label("交易合同").set_input_files(str(contract))
    screenshot(page, "landing-02-evidence-form")
    page.get_by_test_id("save-evidence").click()
    card = page.get_by_test_id("landing-card")
    assert "符合标准，待核验" in card.get_by_test_id("landing-state").inner_text()
    met = card.locator('[data-rule="project_transaction"]')
    assert met.get_attribute("data-met") == "1"
    assert "300万元" in card.get_by_test_id("evidence-list").inner_text()
    screenshot(page, "landing-03-proposed")

    # 3. Staff verify: the form says where the landing will count.
    card.get_by_test_id("verify-landing").click()
    assert "将计入长安镇" in page.get_by_test_id("credit-preview").inner_text()
    page.get_by_label("综合经济贡献").fill("1.2亿")
    page.get_by_label("核验意见").fill("已核对合同原件及付款凭证。")
    screenshot(page, "landing-04-verify")
    page.get_by_test_id("confirm-landing").click()
    expect(page.locator(".portal-messages")).to_contain_text("已认定落地，计入长安镇。")
    verified = page.get_by_test_id("landing-verified").inner_text()
    assert "长安镇" in verified and "1亿元以上标杆性成果" in verified
    screenshot(page, "landing-05-landed")
    landing = Landing.objects.get(achievement=case)
    assert (landing.state, landing.credited_unit.code) == (LandingState.LANDED, "441900119")
    sign_out(page)

    # 4. The leader sees 长安 move on the dashboard and opens its landings.
    login(page, "zheng")
    page.goto("/dashboard/")
    page.wait_for_selector('[data-chart="quota"][data-ready="1"]')
    assert re.search(r"长安\s+1\s+6\s+17%", changan_progress(page))
    assert "完成数合计 1 / " in page.get_by_test_id("quota-total").inner_text()
    screenshot(page, "landing-06-dashboard-after")
    page.goto(f"/targets/landing/?year={year}")
    row = page.locator('tr[data-unit="441900119"]')
    assert row.get_by_test_id("quota-landed").inner_text() == "1"
    row.get_by_role("link", name="长安镇").click()
    assert "注塑成型工艺智能优化系统" in page.get_by_test_id("unit-landings").inner_text()
    screenshot(page, "landing-07-unit-drill-down")
    assert page.js_errors == []
