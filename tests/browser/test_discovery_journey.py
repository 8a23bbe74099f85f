"""Browser journeys of the discovery library (headless chromium, 1366 px, zh-CN)."""

import pytest
from playwright.sync_api import expect

from achievements.choices import AchievementStatus
from achievements.models import Achievement
from towns.choices import Role

from ..achievements.factories import LibraryAchievementFactory, sheet_row, xlsx_bytes
from ..factories import UserFactory, unit
from .conftest import login, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def officer(db):
    return UserFactory(role=Role.LIAISON, unit=unit("dgut"), username="li_dgut", name="李明轩")


def test_liaison_registers_submits_and_finds_it_in_the_list(page, officer):
    login(page, "li_dgut")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="登记成果").click()
    page.get_by_label("成果名称").fill("高导热氮化铝陶瓷基板制备技术")
    page.get_by_label("成果类型").select_option(label="项目类")
    page.get_by_label("成果简介").fill(
        "热导率达到 230 W/(m·K)，较氧化铝基板提升 8 倍，已完成中试。"
    )
    page.get_by_label("所属领域").select_option(label="新材料")
    page.get_by_label("技术成熟度").select_option(value="6")
    page.get_by_label("持有单位").fill("东莞理工学院")
    page.get_by_label("发明专利").check()
    page.get_by_label("联系人", exact=True).fill("陈教授")
    page.get_by_label("联系电话").fill("13800138000")
    page.get_by_label("预期综合经济贡献（万元）").fill("0.5亿")
    page.get_by_label("转让").check()
    page.get_by_label("拟落地镇街（园区）").select_option(label="长安镇")
    screenshot(page, "discovery-register-form")
    page.get_by_test_id("save-achievement").click()

    page.wait_for_url("**/achievements/*/")
    assert "已保存为草稿" in page.inner_text("main")
    assert "草稿" in page.get_by_test_id("card-status").inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("submit-achievement").click()
    expect(page.locator("main")).to_contain_text("已提交至成果发现库。")
    assert "发现库" in page.get_by_test_id("card-status").inner_text()
    assert "5,000万元" in page.get_by_test_id("card-overview").inner_text()
    assert "提交至成果发现库" in page.get_by_test_id("card-transitions").inner_text()
    screenshot(page, "discovery-detail")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="成果发现库").click()
    row = page.get_by_test_id("achievement-table").get_by_role("row").nth(1)
    assert "高导热氮化铝陶瓷基板制备技术" in row.inner_text()
    assert "发现库" in row.inner_text()
    assert page.js_errors == []
    screenshot(page, "discovery-list")
    achievement = Achievement.objects.get()
    assert (achievement.status, achievement.liaison) == (AchievementStatus.SUBMITTED, officer)


def test_duplicate_hint_appears_while_typing_the_title(page, officer):
    LibraryAchievementFactory(title="钠离子电池正极材料", discovering_unit=unit("441900119"))
    login(page, "li_dgut")
    page.goto("/achievements/new/")
    page.get_by_label("成果名称").fill("钠离子电池 正极材料")
    page.get_by_label("成果名称").press("Tab")
    hint = page.get_by_test_id("duplicate-hint")
    hint.wait_for()
    assert "钠离子电池正极材料" in hint.inner_text() and "长安" in hint.inner_text()
    assert page.js_errors == []
    screenshot(page, "discovery-duplicate-hint")


def test_excel_upload_shows_every_problem_before_importing(page, officer, tmp_path):
    path = tmp_path / "东莞理工学院成果登记表.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [
                sheet_row(成果名称="石墨烯导热膜"),
                sheet_row(成果名称="钙钛矿叠层太阳电池", 贡献="约五百万"),
                sheet_row(成果名称="硅碳负极材料", 所属领域="量子玄学", 发现日期="2024-02-30"),
                sheet_row(成果名称="高纯溅射靶材", 贡献="0.5亿", 发现日期="2024年3月"),
            ],
            merged_title="2024年东莞理工学院科技成果登记表",
        )
    )
    login(page, "li_dgut")
    page.goto("/achievements/import/")
    page.get_by_label("Excel 文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url("**/achievements/import/*/")
    issues = page.get_by_test_id("import-issues").inner_text()
    assert "发现 3 个问题" in issues
    assert "金额“约五百万”无法识别" in issues and "日期“2024-02-30”不存在" in issues
    assert page.get_by_test_id("valid-count").inner_text() == "2"
    screenshot(page, "discovery-import-preview")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("confirm-import").click()
    page.wait_for_url("**/achievements/?*")
    assert "已导入 2 项成果" in page.inner_text("main")
    assert sorted(Achievement.objects.values_list("title", flat=True)) == [
        "石墨烯导热膜",
        "高纯溅射靶材",
    ]
    assert page.js_errors == []


def test_staff_overview_of_discovery_targets(page):
    UserFactory(role=Role.CENTER_STAFF, unit=unit("center"), username="chen_staff", name="陈思远")
    for code in ("dgut", "dgut", "kjj", "441900119"):
        LibraryAchievementFactory(discovering_unit=unit(code))
    login(page, "chen_staff")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="发现任务进度").click()
    table = page.get_by_test_id("targets-table")
    assert "东莞理工学院" in table.inner_text()
    assert page.js_errors == []
    # The progress bars got their width from portal.js (no inline styles under the CSP).
    width = page.evaluate(
        "getComputedStyle(document.querySelector("
        "'[data-testid=targets-table] .progress-bar:not([data-width=\"0\"])')).width"
    )
    assert width != "0px"
    screenshot(page, "discovery-targets-overview")
