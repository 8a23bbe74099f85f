"""Browser journeys of the demand window: an enterprise registers; an enterprise posts a demand,
staff propose a matched achievement, the enterprise accepts it."""

import pytest
from playwright.sync_api import expect

from achievements.models import ContactExchange, Demand
from towns.choices import EnterpriseStatus, Role
from towns.models import Enterprise

from ..factories import (
    AchievementFactory,
    EnterpriseFactory,
    UserFactory,
    credit_code,
    division,
    industry,
    unit,
)
from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def logout(page):
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/accounts/login/")


def test_an_enterprise_posts_a_demand_staff_propose_and_it_accepts(page):
    AchievementFactory(
        title="金属3D打印随形冷却水路模具技术",
        summary="贴合型腔轮廓的冷却流道，冷却时间缩短30%，改善厚壁塑件收缩不均与局部凹陷。",
        field=industry("T08"),
        landing_division=division("441900119"),
        contact_name="林研究员",
        contact_phone="13922223333",
    )
    AchievementFactory(
        title="基于模流分析的注塑工艺参数智能优化系统",
        summary="自动寻优保压压力与冷却时间，凹陷、熔接线等外观不良降低60%。",
        field=industry("T08"),
    )
    AchievementFactory(title="高性能硫化物固态电解质材料", field=industry("S05"))
    company = EnterpriseFactory(name="东莞市精诚注塑科技有限公司")
    UserFactory(role=Role.ENTERPRISE, enterprise=company, username="jingcheng", name="赵经理")
    UserFactory(role=Role.CENTER_STAFF, unit=unit("center"), username="chen", name="陈思远")

    # The enterprise describes its problem in its own words.
    login(page, "jingcheng")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="发布需求").click()
    page.get_by_label("需求类型").select_option(label="技术需求")
    page.get_by_label("需求标题").fill("注塑件表面缩痕，良品率上不去")
    page.get_by_label("需求描述").fill(
        "我们给家电品牌做空调面板，壁厚不均的地方表面老是凹下去一块，客户投诉外观不良。"
    )
    page.get_by_label("所属领域").select_option(label="模具")
    page.get_by_label("所在镇街（园区）").select_option(label="长安镇")
    page.get_by_label("预算上限").fill("80")
    page.get_by_label("联系人").fill("赵经理")
    page.get_by_label("联系电话").fill("0769-22881234")
    screenshot(page, "demand-form")
    page.get_by_role("button", name="发布需求").click()
    page.wait_for_url("**/demands/*/")
    assert "服务中心正在为您筛选成果" in page.inner_text("main")
    demand = Demand.objects.get()
    logout(page)

    # Staff see the ranked achievements with the reasons, and propose the best one.
    login(page, "chen")
    page.goto(f"/demands/{demand.pk}/")
    suggestions = page.get_by_test_id("suggested-matches")
    assert "金属3D打印随形冷却水路模具技术" in suggestions.inner_text()
    assert "高性能硫化物固态电解质材料" not in suggestions.inner_text()
    cooling = demand.matches.get(achievement__title="金属3D打印随形冷却水路模具技术")
    item = page.get_by_test_id(f"match-{cooling.achievement_id}")
    explanation = item.get_by_test_id("explanation").inner_text()
    assert "缩痕" in explanation and "注塑成型缺陷" in explanation
    screenshot(page, "staff-review-matches")
    item.get_by_role("button", name="推荐给企业").click()
    item.get_by_label("推荐说明").fill("随形冷却可消除厚壁处凹陷，建议约团队交流。")
    item.get_by_role("button", name="确认推荐").click()
    # Eager Celery runs the relearning and re-ranking the proposal queues inside this request:
    # on a loaded CI machine that took longer than the default 15 s once.
    expect(page.locator("main")).to_contain_text("已推荐给企业", timeout=60_000)
    logout(page)

    # The enterprise accepts; contacts are exchanged.
    login(page, "jingcheng")
    assert page.get_by_test_id("proposal-count").inner_text() == "1"
    page.goto(f"/demands/{demand.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="接受对接").click()
    exchange = page.get_by_test_id("contact-exchange")
    expect(exchange).to_contain_text("13922223333")
    assert "林研究员" in exchange.inner_text() and "13922223333" in exchange.inner_text()
    assert "已对接" in page.inner_text("main")
    page.evaluate("window.scrollTo(0, 0)")  # the redirect lands on the match's anchor
    screenshot(page, "enterprise-accepted-match")
    assert ContactExchange.objects.get().match.achievement_id == cooling.achievement_id
    assert page.js_errors == []


def test_a_company_registers_itself_and_waits_for_approval(page):
    good = credit_code(4242)
    wrong = good[:-1] + ("1" if good[-1] != "1" else "2")
    page.goto("/")
    page.get_by_role("link", name="企业注册").first.click()
    page.get_by_label("企业名称").fill("东莞市新锐精密模具有限公司")
    page.get_by_label("统一社会信用代码").fill(wrong)
    page.get_by_label("所在镇街（园区）").select_option(label="长安镇")
    page.get_by_label("联系人").fill("钱工")
    page.get_by_label("联系电话").fill("13800001111")
    page.get_by_label("登录用户名").fill("xinrui")
    page.get_by_label("密码", exact=True).fill("Xinrui-mould-2026")
    page.get_by_label("确认密码").fill("Xinrui-mould-2026")
    page.get_by_role("button", name="提交注册").click()
    # A wrong check digit is caught beside the field; nothing is created.
    error = page.locator("#field-credit_code .invalid-feedback").inner_text()
    assert error == "统一社会信用代码校验位不正确，请核对后重新输入。"
    assert not Enterprise.objects.exists()
    screenshot(page, "enterprise-registration-error")

    page.get_by_label("统一社会信用代码").fill(good)
    page.get_by_label("密码", exact=True).fill("Xinrui-mould-2026")
    page.get_by_label("确认密码").fill("Xinrui-mould-2026")
    page.get_by_role("button", name="提交注册").click()
    page.wait_for_url(lambda url: url.endswith("/"))
    assert "您的企业注册正在审核中" in page.get_by_test_id("enterprise-pending").inner_text()
    screenshot(page, "enterprise-registered-pending")
    enterprise = Enterprise.objects.get()
    assert (enterprise.status, enterprise.credit_code) == (EnterpriseStatus.PENDING, good)
    assert page.js_errors == []
