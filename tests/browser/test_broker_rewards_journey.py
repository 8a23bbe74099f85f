"""Staff register a contract crediting a broker, compute the year's rewards, a second staff
member approves them (four eyes) and downloads the .xlsx; the broker then sees the deal and the
reward."""

from io import BytesIO

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from towns.choices import Role

from ..brokers.factories import BrokerFactory
from ..factories import UserFactory, unit
from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_staff_register_a_contract_compute_rewards_and_download_them(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    UserFactory(role=Role.CENTER_STAFF, unit=unit("center"), username="chen", name="陈思远")
    UserFactory(role=Role.CENTER_STAFF, unit=unit("center"), username="lin", name="林晓彤")
    broker_user = UserFactory(role=Role.BROKER, username="sun", name="孙立新")
    BrokerFactory(user=broker_user, name="孙立新", employer="东莞市科技成果转化服务中心")

    login(page, "chen")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="技术合同").click()
    page.get_by_role("main").get_by_role("link", name="登记").click()
    page.get_by_label("合同名称").fill("固态电池电解质量产工艺技术转让")
    page.get_by_label("合同类型").select_option(label="技术转让")
    page.get_by_label("登记编号").fill("2024441900000888")
    page.get_by_label("登记日期").fill("2024-05-20")
    page.get_by_label("合同成交额").fill("1200")
    page.get_by_label("卖方（受托方）").fill("东莞理工学院")
    page.get_by_label("卖方所在镇街（园区）").select_option(label="东莞松山湖高新技术产业开发区")
    page.get_by_label("买方（委托方）").fill("东莞锂安新能源科技有限公司")
    page.locator("#id_shares-0-broker").select_option(label="孙立新")
    screenshot(page, "brokers-contract-form")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/tech-contracts/*/")
    assert page.get_by_role("heading", name="固态电池电解质量产工艺技术转让").is_visible()
    assert "1,200万元" in page.inner_text("main")
    screenshot(page, "brokers-contract-detail")

    page.goto("/rewards/2024/")
    page.get_by_role("button", name="按规则计算").click()
    lines = page.get_by_test_id("reward-lines")
    assert "孙立新（东莞市科技成果转化服务中心）" in lines.inner_text()
    assert "1,200万元 × 5% = 60万元，超过上限50万元，按上限计" in lines.inner_text()
    assert page.get_by_test_id("reward-total").inner_text() == "50万元"
    # Four eyes: whoever computed the list does not approve it.
    expect(page.get_by_test_id("four-eyes-note")).to_be_visible()
    assert page.get_by_role("button", name="审定").count() == 0

    page.context.clear_cookies()
    login(page, "lin")
    page.goto("/rewards/2024/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="审定").click()
    expect(page.get_by_test_id("reward-status")).to_have_text("已审定")
    assert page.get_by_role("button", name="重新计算").count() == 0
    screenshot(page, "brokers-rewards-2024")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel").click()
    download = download_info.value
    assert download.suggested_filename == "2024年度科技成果转化奖励清单.xlsx"
    rows = list(
        load_workbook(BytesIO(download.path().read_bytes())).active.iter_rows(values_only=True)
    )
    assert rows[1][1:3] == ("技术经纪人促成交易奖励", "孙立新（东莞市科技成果转化服务中心）")
    assert rows[1][5] == 50 and rows[-1][1] == "合计"
    assert page.js_errors == []

    page.context.clear_cookies()
    login(page, "sun")
    assert (
        "固态电池电解质量产工艺技术转让"
        in page.get_by_test_id("broker-profile").locator("..").locator("..").inner_text()
    )
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的经纪人档案").click()
    deals = page.get_by_test_id("broker-deals").inner_text()
    assert "2024441900000888" in deals and "100%" in deals
    assert "技术经纪人促成交易奖励" in page.inner_text("main")
    screenshot(page, "brokers-broker-profile")
    assert page.js_errors == []
