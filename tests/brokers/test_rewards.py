"""The yearly reward rules, each on and over its cap, the share split, the yearly count limits,
approval and its freeze, the page and the .xlsx export."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from brokers import services
from brokers.choices import BrokerStatus, PocStatus, Rating, RewardListStatus, RewardRule
from brokers.exceptions import ActionRefused
from brokers.models import PocProject, RewardList, RewardSettings
from brokers.rewards import compute_rewards
from towns.models import PolicyValue

from .factories import (
    BrokerFactory,
    IntermediaryFactory,
    IntermediaryRatingFactory,
    OutstandingIndividualFactory,
    PocCenterFactory,
    PocEvaluationFactory,
    PocProjectFactory,
    SubsidisedEventFactory,
    TechContractFactory,
    landed_achievement,
    service_achievement,
    staff_user,
    wan,
)

pytestmark = pytest.mark.django_db


def lines(year, rule):
    return [line for line in compute_rewards(year) if line.rule == rule]


def amounts(year, rule):
    return {line.beneficiary: line.amount for line in lines(year, rule)}


# --- Broker commission ---------------------------------------------------------------------------


def test_broker_gets_five_percent_of_the_year_s_facilitated_amount():
    broker = BrokerFactory(name="孙立新", employer="服务中心")
    TechContractFactory(amount=wan(300), brokers=[(broker, 100)])
    TechContractFactory(amount=wan(500), brokers=[(broker, 100)])
    # Another year's contract does not count.
    TechContractFactory(amount=wan(900), registered_on=date(2023, 12, 31), brokers=[(broker, 100)])
    [line] = lines(2024, RewardRule.BROKER_COMMISSION)
    assert line.amount == wan(40)  # 5 % of 800万
    assert line.basis == "800万元 × 5% = 40万元"
    assert ("按份额计促成交易额", "800万元") in line.inputs


def test_broker_commission_at_the_cap_and_over_it():
    at_cap, over_cap = BrokerFactory(name="甲"), BrokerFactory(name="乙")
    TechContractFactory(amount=wan(1000), brokers=[(at_cap, 100)])
    TechContractFactory(amount=wan(1200), brokers=[(over_cap, 100)])
    result = {line.broker_id: line for line in lines(2024, RewardRule.BROKER_COMMISSION)}
    assert result[at_cap.pk].amount == wan(50)
    assert "超过上限" not in result[at_cap.pk].basis
    assert result[over_cap.pk].amount == wan(50)
    assert result[over_cap.pk].basis == "1,200万元 × 5% = 60万元，超过上限50万元，按上限计"


def test_the_amount_is_split_by_share_between_brokers():
    first, second = BrokerFactory(name="甲"), BrokerFactory(name="乙")
    TechContractFactory(amount=wan(400), brokers=[(first, 60), (second, 40)])
    result = {line.broker_id: line.amount for line in lines(2024, RewardRule.BROKER_COMMISSION)}
    assert result == {first.pk: wan(12), second.pk: wan(8)}  # 5 % of 240万 and of 160万


def test_brokers_outside_the_library_earn_nothing():
    pending = BrokerFactory(status=BrokerStatus.PENDING, reviewed_by=None, reviewed_at=None)
    TechContractFactory(amount=wan(100), brokers=[(pending, 100)])
    assert lines(2024, RewardRule.BROKER_COMMISSION) == []


def test_rates_and_caps_are_read_per_year_from_the_policy_table():
    broker = BrokerFactory()
    TechContractFactory(amount=wan(100), registered_on=date(2025, 3, 1), brokers=[(broker, 100)])
    PolicyValue.objects.filter(year=2025, key="incentives.broker_commission_rate").update(
        value=Decimal("0.08")
    )
    from towns.policy import clear_policy_cache

    clear_policy_cache()
    [line] = lines(2025, RewardRule.BROKER_COMMISSION)
    assert line.amount == wan(8)
    assert line.basis == "100万元 × 8% = 8万元"


# --- Outstanding individuals ---------------------------------------------------------------------


def test_outstanding_individuals_capped_and_limited_to_ten_a_year():
    for index in range(12):
        OutstandingIndividualFactory(
            name=f"候选{index:02d}", score=Decimal(99 - index), proposed_amount=wan(15)
        )
    OutstandingIndividualFactory(name="超上限", score=Decimal(100), proposed_amount=wan(30))
    OutstandingIndividualFactory(name="另一年", year=2025, score=Decimal(100))
    result = lines(2024, RewardRule.OUTSTANDING_INDIVIDUAL)
    assert len(result) == 13
    awarded = [line for line in result if line.amount > 0]
    assert len(awarded) == 10
    assert result[0].beneficiary.startswith("超上限")
    assert result[0].amount == wan(20)  # capped at 20万
    assert result[1].amount == wan(15)
    assert [line.amount for line in result[10:]] == [Decimal("0.00")] * 3
    assert "超出每年不超过10名的限额" in result[10].basis


# --- Intermediaries ------------------------------------------------------------------------------


def test_first_above_scale_intermediary_gets_the_one_off_award_in_that_year_only():
    IntermediaryFactory(name="上规机构", first_above_scale_year=2024)
    IntermediaryFactory(name="去年上规", first_above_scale_year=2023)
    assert amounts(2024, RewardRule.INTERMEDIARY_ABOVE_SCALE) == {"上规机构": wan(10)}
    assert amounts(2025, RewardRule.INTERMEDIARY_ABOVE_SCALE) == {}


def test_demonstration_intermediaries_by_performance_capped_and_at_most_ten():
    for index in range(11):
        IntermediaryRatingFactory(
            intermediary__name=f"机构{index:02d}",
            score=Decimal(95 - index),
            proposed_amount=wan(80),
        )
    IntermediaryRatingFactory(
        intermediary__name="冠军", score=Decimal(99), proposed_amount=wan(150)
    )
    IntermediaryRatingFactory(
        intermediary__name="未推荐", demonstration=False, proposed_amount=None
    )
    result = lines(2024, RewardRule.DEMONSTRATION_INTERMEDIARY)
    assert result[0].beneficiary == "冠军" and result[0].amount == wan(100)
    assert [line.amount for line in result[1:10]] == [wan(80)] * 9
    assert [line.amount for line in result[10:]] == [Decimal("0.00")] * 2
    assert "未推荐" not in {line.beneficiary for line in result}


# --- Events --------------------------------------------------------------------------------------


def test_event_subsidy_is_half_the_spend_capped_at_three_million():
    SubsidisedEventFactory(organiser="协会甲", name="论坛", total_spend=wan(120))
    SubsidisedEventFactory(organiser="协会乙", name="大赛", total_spend=wan(600))
    SubsidisedEventFactory(organiser="协会丙", name="展会", total_spend=wan(800))
    assert amounts(2024, RewardRule.EVENT_SUBSIDY) == {
        "协会甲（论坛）": wan(60),
        "协会乙（大赛）": wan(300),  # exactly on the cap
        "协会丙（展会）": wan(300),  # 400万 capped
    }


# --- Proof-of-concept centers --------------------------------------------------------------------


def recognise(center, year, support=None):
    return services.poc_center_recognise(
        center=center, year=year, support=support or wan(100), acting_user=staff_user()
    )


def test_poc_recognition_one_off_capped():
    recognise(PocCenterFactory(name="甲中心"), 2024, support=wan(80))
    recognise(PocCenterFactory(name="乙中心"), 2024, support=wan(150))
    assert amounts(2024, RewardRule.POC_RECOGNITION) == {"甲中心": wan(80), "乙中心": wan(100)}


def test_no_more_than_five_centers_are_recognised_a_year():
    for _ in range(5):
        recognise(PocCenterFactory(), 2024)
    sixth = PocCenterFactory()
    with pytest.raises(ActionRefused, match="达到每年不超过5家的限额"):
        recognise(sixth, 2024)
    sixth.refresh_from_db()
    assert sixth.status == PocStatus.BUILDING
    recognise(sixth, 2025)  # the next year has room
    # Should the count be lowered after recognitions, the rule still pays only the first ones.
    PolicyValue.objects.filter(year=2024, key="incentives.poc_center_max_per_year").update(value=3)
    from towns.policy import clear_policy_cache

    clear_policy_cache()
    paid = [line.amount for line in lines(2024, RewardRule.POC_RECOGNITION)]
    assert paid == [wan(100)] * 3 + [Decimal("0.00")] * 2


@pytest.fixture
def evaluated_center():
    staff = staff_user()
    center = recognise(PocCenterFactory(name="储能中心"), 2022)
    landed = landed_achievement()
    also_landed = landed_achievement()
    for achievement, year, amount in ((landed, 2023, 300), (also_landed, 2024, 500)):
        services.poc_project_add(
            center=center,
            achievement=achievement,
            year=year,
            contribution=wan(amount),
            acting_user=staff,
        )
    # A contribution from before the review period does not count.
    PocProjectFactory(
        center=center, achievement=landed, year=2022, contribution=wan(9000), created_by=staff
    )
    return center


def test_poc_performance_half_of_the_period_contribution_when_rated_good(evaluated_center):
    services.poc_evaluation_record(
        center=evaluated_center, year=2024, rating=Rating.GOOD, acting_user=staff_user()
    )
    [line] = lines(2024, RewardRule.POC_PERFORMANCE)
    assert line.amount == wan(400)  # 50 % of 800万 (2023–2024)
    assert ("评估期", "2023–2024") in line.inputs


def test_poc_performance_capped_at_five_million(evaluated_center):
    PocProject.objects.filter(center=evaluated_center, year=2024).update(contribution=wan(20000))
    services.poc_evaluation_record(
        center=evaluated_center, year=2024, rating=Rating.EXCELLENT, acting_user=staff_user()
    )
    [line] = lines(2024, RewardRule.POC_PERFORMANCE)
    assert line.amount == wan(500)
    assert "超过上限500万元" in line.basis


def test_poc_rated_below_good_gets_nothing(evaluated_center):
    services.poc_evaluation_record(
        center=evaluated_center, year=2024, rating=Rating.PASS, acting_user=staff_user()
    )
    [line] = lines(2024, RewardRule.POC_PERFORMANCE)
    assert line.amount == 0
    assert "未达良好以上" in line.basis


def test_poc_evaluations_only_in_review_years(evaluated_center):
    with pytest.raises(ActionRefused, match="不是该中心的评估年度"):
        services.poc_evaluation_record(
            center=evaluated_center, year=2023, rating=Rating.GOOD, acting_user=staff_user()
        )
    # Even a row written behind the service's back pays nothing outside the review year.
    PocEvaluationFactory(center=evaluated_center, year=2025, rating=Rating.GOOD)
    assert lines(2025, RewardRule.POC_PERFORMANCE) == []


def test_only_landed_achievements_can_be_linked_to_a_center():
    center = recognise(PocCenterFactory(), 2024)
    with pytest.raises(ActionRefused, match="只能关联已落地的成果"):
        services.poc_project_add(
            center=center,
            achievement=service_achievement(),
            year=2024,
            contribution=wan(10),
            acting_user=staff_user(),
        )


# --- The list: compute, approve, freeze, page, export ----------------------------------------------


@pytest.fixture
def rewarded_year():
    broker = BrokerFactory(name="孙立新", employer="服务中心")
    TechContractFactory(amount=wan(1200), brokers=[(broker, 100)])
    SubsidisedEventFactory(organiser="协会", name="论坛", total_spend=wan(100))
    return broker


def test_staff_compute_and_approve_the_list_with_who_and_when(client, center_staff, rewarded_year):
    client.force_login(center_staff)
    response = client.post(reverse("brokers:reward_compute", args=[2024]))
    assert response.status_code == 302
    rewards = RewardList.objects.get(year=2024)
    assert (rewards.status, rewards.total, rewards.computed_by) == (
        RewardListStatus.DRAFT,
        wan(100),  # 50万 broker (capped) + 50万 event
        center_staff,
    )
    assert [(line.position, line.rule) for line in rewards.lines.all()] == [
        (1, RewardRule.BROKER_COMMISSION),
        (2, RewardRule.EVENT_SUBSIDY),
    ]
    second = staff_user()
    client.force_login(second)
    client.post(reverse("brokers:reward_approve", args=[2024]))
    rewards.refresh_from_db()
    assert rewards.status == RewardListStatus.APPROVED
    assert rewards.approved_by == second and rewards.approved_at is not None
    assert rewards.history.first().history_user == second


def test_recomputing_replaces_a_draft_but_an_approved_list_is_refused(center_staff, rewarded_year):
    first = services.reward_list_compute(year=2024, acting_user=center_staff)
    TechContractFactory(amount=wan(10), registered_on=date(2024, 8, 1))
    SubsidisedEventFactory(organiser="协会二", name="展会", total_spend=wan(20))
    second = services.reward_list_compute(year=2024, acting_user=center_staff)
    assert second.pk == first.pk and second.total == wan(110)
    assert second.lines.count() == 3
    services.reward_list_approve(reward_list=second, acting_user=staff_user())
    with pytest.raises(ActionRefused, match="已于.*审定，不能重新计算"):
        services.reward_list_compute(year=2024, acting_user=center_staff)
    with pytest.raises(ActionRefused, match="已审定"):
        services.reward_list_approve(reward_list=second, acting_user=staff_user())
    assert RewardList.objects.get(year=2024).total == wan(110)


def test_approval_notifies_rewarded_brokers(center_staff, broker_user):
    broker = BrokerFactory(user=broker_user)
    TechContractFactory(amount=wan(100), brokers=[(broker, 100)])
    rewards = services.reward_list_compute(year=2024, acting_user=center_staff)
    services.reward_list_approve(reward_list=rewards, acting_user=staff_user())
    [notification] = broker_user.notifications.all()
    assert notification.title == "2024年度奖励清单已审定：您的奖励合计5万元"


def test_the_page_shows_rule_inputs_and_amount_on_each_line(client, center_staff, rewarded_year):
    services.reward_list_compute(year=2024, acting_user=center_staff)
    client.force_login(center_staff)
    content = client.get(reverse("brokers:reward_list", args=[2024])).content.decode()
    assert "技术经纪人促成交易奖励" in content
    assert "按份额计促成交易额：1,200万元" in content
    assert "1,200万元 × 5% = 60万元，超过上限50万元，按上限计" in content
    assert "100万元" in content  # the total


def test_export_xlsx_has_every_line_and_the_total(client, center_staff, rewarded_year):
    services.reward_list_compute(year=2024, acting_user=center_staff)
    client.force_login(center_staff)
    response = client.get(reverse("brokers:reward_list", args=[2024]), {"export": "xlsx"})
    assert response.status_code == 200
    assert "2024" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("序号", "奖励类别", "奖励对象", "计算依据", "计算说明", "奖励金额（万元）")
    assert rows[1][1:3] == ("技术经纪人促成交易奖励", "孙立新（服务中心）")
    assert rows[1][5] == 50
    assert rows[2][5] == 50
    assert rows[3][1] == "合计" and rows[3][5] == 100


def test_leaders_read_the_list_but_cannot_compute_or_approve(client, leader, center_staff):
    services.reward_list_compute(year=2024, acting_user=center_staff)
    client.force_login(leader)
    page = client.get(reverse("brokers:reward_list", args=[2024]))
    assert page.status_code == 200
    assert "审定" not in page.content.decode().split("</h1>")[1].split("奖励总额")[0]
    assert client.post(reverse("brokers:reward_compute", args=[2024])).status_code == 403
    assert client.post(reverse("brokers:reward_approve", args=[2024])).status_code == 403
    assert RewardList.objects.get(year=2024).status == RewardListStatus.DRAFT


@pytest.mark.parametrize("role", ["liaison", "evaluator", "enterprise", "broker"])
def test_other_roles_cannot_see_rewards(client, users_by_role, role):
    client.force_login(users_by_role[role])
    assert client.get(reverse("brokers:reward_list", args=[2024])).status_code == 403
    assert client.post(reverse("brokers:reward_compute", args=[2024])).status_code == 403


def test_the_api_approves_through_the_same_service(client, center_staff, leader, rewarded_year):
    rewards = services.reward_list_compute(year=2024, acting_user=center_staff)
    client.force_login(leader)
    url = f"/api/v1/reward-lists/{rewards.pk}/approve/"
    assert client.post(url).status_code == 403
    client.force_login(staff_user())
    response = client.post(url)
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert client.post(url).status_code == 400


# --- Four eyes: whoever computed the list may not approve it ------------------------------------


def test_the_person_who_computed_the_list_cannot_approve_it(client, center_staff, rewarded_year):
    client.force_login(center_staff)
    client.post(reverse("brokers:reward_compute", args=[2024]))
    page = client.get(reverse("brokers:reward_list", args=[2024])).content.decode()
    assert "四眼原则：清单由您计算，须由另一位工作人员审定。" in page
    assert reverse("brokers:reward_approve", args=[2024]) not in page
    response = client.post(reverse("brokers:reward_approve", args=[2024]), follow=True)
    assert "四眼原则：奖励清单由您计算，须由另一位工作人员审定。" in response.content.decode()
    rewards = RewardList.objects.get(year=2024)
    api = client.post(f"/api/v1/reward-lists/{rewards.pk}/approve/")
    assert (api.status_code, api.json()) == (
        400,
        ["四眼原则：奖励清单由您计算，须由另一位工作人员审定。"],
    )
    rewards.refresh_from_db()
    assert (rewards.status, rewards.approved_by) == (RewardListStatus.DRAFT, None)


def test_recomputing_makes_the_recomputing_person_the_one_who_may_not_approve(
    center_staff, rewarded_year
):
    second = staff_user()
    services.reward_list_compute(year=2024, acting_user=center_staff)
    rewards = services.reward_list_compute(year=2024, acting_user=second)
    with pytest.raises(ActionRefused, match="四眼原则"):
        services.reward_list_approve(reward_list=rewards, acting_user=second)
    approved = services.reward_list_approve(reward_list=rewards, acting_user=center_staff)
    assert (approved.status, approved.approved_by) == (RewardListStatus.APPROVED, center_staff)


def test_only_an_admin_switches_four_eyes_off_in_the_django_admin(
    client, center_staff, portal_admin, rewarded_year
):
    # The migration makes the one row (a transactional test's flush may have removed it).
    RewardSettings.objects.get_or_create(pk=1)
    settings_url = reverse("admin:brokers_rewardsettings_change", args=[1])
    client.force_login(center_staff)
    assert client.get(settings_url).status_code == 302  # to the admin login: not for staff
    client.force_login(portal_admin)
    assert client.get(settings_url).status_code == 200
    response = client.post(settings_url, {})  # the box unticked: four eyes off
    assert response.status_code == 302
    client.force_login(center_staff)
    client.post(reverse("brokers:reward_compute", args=[2024]))
    client.post(reverse("brokers:reward_approve", args=[2024]))
    rewards = RewardList.objects.get(year=2024)
    assert (rewards.status, rewards.approved_by) == (RewardListStatus.APPROVED, center_staff)


def test_the_page_shows_the_year_s_policy_numbers(client, center_staff):
    PolicyValue.objects.filter(year=2025, key="incentives.event_subsidy_cap").update(value=wan(400))
    from towns.policy import clear_policy_cache

    clear_policy_cache()
    client.force_login(center_staff)
    content = client.get(reverse("brokers:reward_list", args=[2025])).content.decode()
    assert "技术经纪人奖励比例：</span>5%" in content
    assert "活动资助上限：</span>400万元" in content
    assert "优秀个人每年名额：</span>10" in content


def test_english_readers_see_the_reward_notes_in_english(client, center_staff, rewarded_year):
    """Computed by a Chinese reader, read in English: the note and the inputs follow the reader."""
    services.reward_list_compute(year=2024, acting_user=center_staff)
    client.force_login(center_staff)
    url = reverse("brokers:reward_list", args=[2024])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    note = "12 million yuan × 5% = 600,000 yuan, above the cap of 500,000 yuan; the cap applies"
    assert note in english
    assert "按上限计" not in english
    assert "促成技术合同" not in english
    assert "Facilitated technology contracts" in english
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "1,200万元 × 5% = 60万元，超过上限50万元，按上限计" in chinese
    assert "促成技术合同：1份" in chinese


def test_rows_stored_before_notes_keep_their_text(client, center_staff, rewarded_year):
    rewards = services.reward_list_compute(year=2024, acting_user=center_staff)
    rewards.lines.update(basis_note={}, basis="旧的计算说明", inputs=[["旧依据", "1份"]])
    client.force_login(center_staff)
    url = reverse("brokers:reward_list", args=[2024])
    content = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "旧的计算说明" in content
    assert "旧依据" in content
