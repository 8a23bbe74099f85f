"""An evaluator scores a batch, staff confirm the selection and assign a case, the assignee
logs a follow-up — in the browser, with screenshots of each step."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from achievements.models import Assignment, FollowUp
from evaluation.models import Batch
from towns.choices import Role

from ..evaluation.factories import give_score, item_of, make_batch, submitted
from ..factories import UserFactory, unit
from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def sign_out(page):
    page.context.clear_cookies()


def test_evaluator_scores_staff_select_and_assign_the_assignee_follows_up(page):
    staff = UserFactory(role=Role.CENTER_STAFF, unit=unit("center"), username="chen", name="陈思远")
    zhou = UserFactory(role=Role.EVALUATOR, username="zhou", name="周文博", title="教授级高工")
    xu = UserFactory(role=Role.EVALUATOR, username="xu", name="徐静怡")
    li = UserFactory(role=Role.LIAISON, unit=unit("dgut"), username="li", name="李明轩")
    strong = submitted(title="车规级碳化硅功率模块封装技术", liaison=li)
    weak = submitted(title="传统注塑件表面处理工艺", liaison=li)
    batch = make_batch(
        staff=staff, evaluators=[zhou, xu], achievements=[strong, weak], threshold="75"
    )
    give_score(item_of(batch, strong), xu, 88)
    give_score(item_of(batch, weak), xu, 62, haves=["market_demand"])
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. The evaluator sees the batch on their home page and scores both achievements.
    login(page, "zhou")
    assert "待评 2 项" in page.get_by_test_id("evaluator-batches").inner_text()
    page.get_by_role("link", name=batch.name).click()
    page.get_by_test_id("start-scoring").click()
    for title, score, haves in (
        (strong.title, "90", ["有市场需求", "有创新价值", "有经济贡献"]),
        (weak.title, "60", ["有市场需求"]),
    ):
        assert title in page.get_by_test_id("achievement-summary").inner_text()
        for label in ("得分",):
            for box in page.get_by_label(label).all():
                box.fill(score)
        for have in haves:
            page.get_by_label(have).check()
        page.get_by_label("评审意见").fill("技术路线清晰，落地条件具备。")
        if title == strong.title:
            screenshot(page, "evaluation-01-evaluator-scores")
        page.get_by_test_id("save-score").click()
    assert page.url.endswith(f"/evaluation/batches/{batch.pk}/")
    rows = page.get_by_test_id("batch-item").all_inner_texts()
    assert any(strong.title in r and "90.00" in r for r in rows)
    screenshot(page, "evaluation-02-evaluator-done")
    sign_out(page)

    # 2. Staff run the selection, look at the proposal and confirm it.
    login(page, "chen")
    page.goto(f"/evaluation/batches/{batch.pk}/")
    page.get_by_role("button", name="发起遴选").click()
    page.wait_for_selector("[data-testid=proposal]")
    table = page.get_by_test_id("batch-items").inner_text()
    assert re.search(r"1\s+车规级碳化硅功率模块封装技术.*89\.00", table)
    screenshot(page, "evaluation-03-proposed-selection")
    page.get_by_role("link", name="确认入选名单").click()
    reason = page.get_by_test_id("confirm-table").get_by_role("textbox").nth(1)
    assert "综合得分未达到本批次入选分数线" in reason.input_value()
    screenshot(page, "evaluation-04-confirm")
    page.get_by_test_id("confirm-selection").click()
    expect(page.locator(".portal-messages")).to_contain_text("1 项成果进入服务库")
    assert Batch.objects.get().status == "confirmed"

    # 3. Staff assign the case to the liaison of the discovering unit.
    page.goto("/service/")
    page.get_by_role("link", name=strong.title).click()
    page.get_by_test_id("assign").click()
    page.get_by_label("责任人").select_option(label="李明轩（成果联络员 · 东莞理工）")
    page.get_by_label("分配说明").fill("请对接团队，推进落地松山湖")
    page.get_by_test_id("save-assignment").click()
    expect(page.get_by_test_id("current-assignee")).to_have_text("李明轩")
    screenshot(page, "evaluation-05-assigned")
    sign_out(page)

    # 4. The assignee is told, finds the case among their cases and logs the month's follow-up.
    login(page, "li")
    assert page.get_by_test_id("unread-count").inner_text() != ""
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的包干成果").click()
    page.get_by_role("link", name=strong.title).click()
    page.get_by_test_id("add-follow-up").click()
    page.get_by_label("落地路径状态").select_option(label="对接洽谈中")
    page.get_by_label("本月有实质性进展").check()
    page.get_by_label("进展情况").fill("与两家松山湖企业完成技术对接，企业提出联合中试需求。")
    page.get_by_label("下一步计划").fill("组织企业赴实验室考察。")
    screenshot(page, "evaluation-06-follow-up-form")
    page.get_by_test_id("save-follow-up").click()
    expect(page.get_by_test_id("follow-up").first).to_contain_text("与两家松山湖企业完成技术对接")
    record = page.get_by_test_id("follow-up").first.inner_text()
    assert "与两家松山湖企业完成技术对接" in record and "有实质性进展" in record
    screenshot(page, "evaluation-07-case-with-follow-up")

    follow_up = FollowUp.objects.get()
    assert (follow_up.recorded_by, follow_up.period) == (li, timezone.localdate().replace(day=1))
    assert Assignment.objects.current().get().assignee == li
    assert page.js_errors == []
