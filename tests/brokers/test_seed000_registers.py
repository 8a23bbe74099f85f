"""Seed 000 registers: 科技特派员 and their service records, the incubation chain 众创空间 → 孵化器 →
加速器, the selection and recognition of 科技创新示范镇, the two money rules of seed 000 on the
yearly reward list, and the plan targets loaded from their reference file."""

import csv
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from brokers import models as m
from brokers import services
from brokers.choices import PlanMetric, RewardRule, SelectionStage
from brokers.exceptions import ActionRefused
from brokers.rewards import compute_rewards
from towns.policy import policy_value

from ..achievements.demands.factories import DemandFactory
from ..factories import credit_code, division, industry
from .factories import (
    CommissionerServiceFactory,
    GazelleEnterpriseFactory,
    IncubatedEnterpriseFactory,
    IncubationCarrierFactory,
    IndustrialisationAwardFactory,
    LoanLossClaimFactory,
    TechCommissionerFactory,
    TownSelectionFactory,
    wan,
)

pytestmark = pytest.mark.django_db


def commissioner(name, code, *, dispatched="2024-03-01", ended=None):
    return TechCommissionerFactory(
        name=name,
        employer="华南理工大学",
        division=division(code),
        dispatched_on=dispatched,
        ended_on=ended,
    )


def service(person, *, demand=None, solved=False, on="2024-05-01"):
    return CommissionerServiceFactory(
        commissioner=person,
        enterprise="东莞市某科技有限公司",
        served_on=on,
        problem="良率低",
        result="已改进",
        demand=demand,
        solved=solved,
    )


def test_commissioners_are_counted_per_town_with_their_services_and_demands(client, leader):
    huang = commissioner("黄工", "441900119")
    commissioner("林工", "441900119")
    commissioner("陈工", "441900110")
    commissioner("旧人", "441900110", dispatched="2022-01-01", ended="2023-06-30")
    demand = DemandFactory()
    service(huang, demand=demand, solved=True)
    service(huang, demand=demand, solved=True, on="2024-06-01")  # the same demand: once
    service(huang)
    client.force_login(leader)
    response = client.get(reverse("brokers:commissioner_list"))
    assert response.status_code == 200
    by_division = {row["division__code"]: row["n"] for row in response.context["by_division"]}
    assert by_division == {"441900119": 2, "441900110": 1}  # 旧人 left before this year
    api = client.get("/api/v1/tech-commissioners/").json()["results"]
    row = next(r for r in api if r["name"] == "黄工")
    assert (row["service_count"], row["demands_solved"]) == (3, 1)
    services_page = client.get(
        reverse("brokers:commissioner_service_list"), {"with_demand": "true"}
    )
    assert len(services_page.context["object_list"]) == 2


def test_staff_register_a_service_record_through_the_form(client, center_staff):
    person = commissioner("黄工", "441900119")
    demand = DemandFactory()
    client.force_login(center_staff)
    response = client.post(
        reverse("brokers:commissioner_service_create"),
        {
            "commissioner": person.pk,
            "enterprise": "东莞市长安精工有限公司",
            "served_on": "2025-03-02",
            "problem": "主轴热变形",
            "result": "温度补偿",
            "demand": demand.pk,
            "solved": "on",
        },
    )
    assert response.status_code == 302
    record = m.CommissionerService.objects.get()
    assert (record.demand, record.solved, record.created_by) == (demand, True, center_staff)


def carrier(name, kind, level="provincial", capacity=10, occupied=5):
    return IncubationCarrierFactory(
        name=name,
        kind=kind,
        level=level,
        division=division("441900401"),
        operator="松山湖控股",
        recognised_year=2023,
        capacity=capacity,
        occupied=occupied,
    )


def incubate(place, n, *, graduated=False, high_tech=None):
    return IncubatedEnterpriseFactory(
        carrier=place,
        name=f"企业{n}",
        credit_code=credit_code(n),
        entered_on=date(2023, 1, 1),
        graduated=graduated,
        high_tech_year=high_tech,
    )


def test_the_incubation_chain_counts_graduates_high_tech_and_gazelles(client, leader):
    space = carrier("众创空间甲", "maker_space", level="national", capacity=40, occupied=30)
    incubator = carrier("孵化器乙", "incubator")
    carrier("加速器丙", "accelerator", level="municipal")
    incubate(space, 1)
    incubate(space, 2, graduated=True, high_tech=2024)
    incubate(incubator, 3, graduated=True)
    # 企业3 is in the gazelle register under the same credit code: it became a 瞪羚 enterprise.
    GazelleEnterpriseFactory(
        name="企业3",
        credit_code=credit_code(3),
        division=division("441900401"),
        field=industry("S05"),
        year=2025,
    )
    client.force_login(leader)
    response = client.get(reverse("brokers:carrier_list"))
    chain = {stage.kind: stage for stage in response.context["chain"]}
    assert [stage.label for stage in response.context["chain"]] == ["众创空间", "孵化器", "加速器"]
    maker = chain["maker_space"]
    assert (maker.carriers, maker.incubating, maker.graduated, maker.high_tech) == (1, 1, 1, 1)
    assert maker.by_level == {"国家级": 1}
    assert (chain["incubator"].graduated, chain["incubator"].gazelles) == (1, 1)
    rows = {r["name"]: r for r in client.get("/api/v1/incubation-carriers/").json()["results"]}
    assert rows["众创空间甲"]["occupancy_percent"] == 75
    assert rows["孵化器乙"]["gazelles"] == 1
    gazelles = client.get("/api/v1/incubated-enterprises/").json()["results"]
    assert {g["name"]: g["is_gazelle"] for g in gazelles} == {
        "企业1": False,
        "企业2": False,
        "企业3": True,
    }


def selection(code="441900119", *, strong=True, complete=True):
    return TownSelectionFactory(
        division=division(code),
        year=2025,
        innovation_strong_town=strong,
        leading_industries="智能终端",
        support_role="科技创新支撑智能终端产业",
        industry_profile="产业链完整",
        mechanism=True,
        **({} if complete else {"mechanism_investment": ""}),
    )


def test_recognition_needs_an_innovation_strong_town_and_the_whole_mechanism(center_staff):
    for candidate, reason in (
        (selection("441900119", strong=False), "创新强镇"),
        (selection("441900110", complete=False), "五个一"),
    ):
        with pytest.raises(ActionRefused, match=reason):
            services.town_selection_decide(
                selection=candidate, stage=SelectionStage.RECOGNISED, acting_user=center_staff
            )
        candidate.refresh_from_db()
        assert candidate.stage == SelectionStage.NOMINATED
    assert not m.DemonstrationTown.objects.exists()


def test_a_recognised_town_enters_the_demonstration_register_once(client, center_staff, leader):
    chosen = selection()
    client.force_login(leader)
    url = reverse("brokers:town_selection_detail", args=[chosen.pk])
    page = client.get(url).content.decode()
    assert "科技招商" in page and "selection-decide" not in page
    assert client.post(url, {"stage": "recognised"}).status_code == 403
    client.force_login(center_staff)
    response = client.post(url, {"stage": "recognised", "note": "符合条件"})
    assert response.status_code == 302
    chosen.refresh_from_db()
    assert (chosen.stage, chosen.decided_by, chosen.decision_note) == (
        SelectionStage.RECOGNISED,
        center_staff,
        "符合条件",
    )
    town = m.DemonstrationTown.objects.get()
    assert (town.division, town.year, town.highlights) == (
        chosen.division,
        2025,
        chosen.support_role,
    )
    assert chosen.history.first().history_change_reason == "符合条件"
    with pytest.raises(ActionRefused, match="不能再作认定"):
        services.town_selection_decide(
            selection=chosen, stage=SelectionStage.NOT_RECOGNISED, acting_user=center_staff
        )


def test_a_decided_selection_file_is_no_longer_edited(client, center_staff):
    """The file is the record of what the town was recognised on: after the decision the edit
    page sends back to the detail with the reason, and a save (page or service) is refused."""
    chosen = selection()
    services.town_selection_decide(
        selection=chosen, stage=SelectionStage.RECOGNISED, acting_user=center_staff
    )
    client.force_login(center_staff)
    edit = reverse("brokers:town_selection_update", args=[chosen.pk])
    detail = reverse("brokers:town_selection_detail", args=[chosen.pk])
    response = client.get(edit, follow=True)
    assert response.redirect_chain == [(detail, 302)]
    assert "遴选材料不能再修改" in response.content.decode()
    chosen.refresh_from_db()
    chosen.leading_industries = "改写后的主导产业"
    with pytest.raises(ActionRefused, match="遴选材料不能再修改"):
        services.register_entry_save(instance=chosen, acting_user=center_staff)
    chosen.refresh_from_db()
    assert chosen.leading_industries == "智能终端"
    # Before the decision the file is still edited as any register entry.
    other = selection("441900110")
    assert client.get(reverse("brokers:town_selection_update", args=[other.pk])).status_code == 200


def test_a_second_decision_gets_the_reason_not_a_bare_403(client, center_staff):
    chosen = selection()
    client.force_login(center_staff)
    url = reverse("brokers:town_selection_detail", args=[chosen.pk])
    assert client.post(url, {"stage": "recognised", "note": "符合条件"}).status_code == 302
    # A colleague's tab still shows the form and decides again.
    response = client.post(url, {"stage": "not_recognised"}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "不能再作认定" in response.content.decode()
    chosen.refresh_from_db()
    assert chosen.stage == SelectionStage.RECOGNISED


def test_the_api_decides_through_the_same_service(client, center_staff, leader):
    candidate = selection(strong=False)
    url = f"/api/v1/town-selections/{candidate.pk}/decide/"
    client.force_login(leader)
    assert client.post(url, {"stage": "recognised"}).status_code == 403
    client.force_login(center_staff)
    refused = client.post(url, {"stage": "recognised"})
    assert refused.status_code == 400 and "创新强镇" in refused.content.decode()
    done = client.post(url, {"stage": "not_recognised", "note": "不属创新强镇"})
    assert done.status_code == 200 and done.json()["stage"] == "not_recognised"


# --- The two money rules of seed 000 --------------------------------------------------------------


def test_policy_numbers_of_the_two_rules_come_from_the_reference():
    assert policy_value("incentives.industrialisation_award_cap", year=2024) == wan(500)
    assert policy_value("incentives.bank_loss_compensation_max_rate", year=2024) == Decimal("0.8")


def test_industrialisation_award_is_capped_at_five_million(center_staff):
    for name, proposed in (("项目甲", 600), ("项目乙", 300)):
        IndustrialisationAwardFactory(
            project__name=name,
            project__lead_enterprise=f"{name}公司",
            project__division=division("441900119"),
            project__field=industry("S05"),
            project__year=2023,
            project__created_by=center_staff,
            year=2024,
            performance="产业化绩效突出",
            proposed_amount=wan(proposed),
            created_by=center_staff,
        )
    lines = {
        line.beneficiary: line
        for line in compute_rewards(2024)
        if line.rule == RewardRule.INDUSTRIALISATION_AWARD
    }
    over = lines["项目甲公司（项目甲）"]
    assert over.amount == wan(500)
    assert over.basis == "产业化绩效突出，拟奖励600万元，超过上限500万元，按上限计"
    assert lines["项目乙公司（项目乙）"].amount == wan(300)
    assert not [
        line for line in compute_rewards(2025) if line.rule == RewardRule.INDUSTRIALISATION_AWARD
    ]


def test_kebaodai_compensation_is_the_loss_times_the_rate_at_most_eighty_percent(center_staff):
    for enterprise, rate in (("甲", None), ("乙", Decimal(60)), ("丙", Decimal(90))):
        LoanLossClaimFactory(
            bank="东莞银行",
            enterprise=enterprise,
            loan_amount=wan(500),
            loss_amount=wan(100),
            year=2024,
            requested_rate=rate,
            created_by=center_staff,
        )
    lines = {
        line.beneficiary: line
        for line in compute_rewards(2024)
        if line.rule == RewardRule.LOAN_LOSS_COMPENSATION
    }
    assert lines["东莞银行（甲）"].amount == wan(80)
    assert lines["东莞银行（甲）"].basis == "100万元 × 80% = 80万元（未约定比例，按最高比例80%）"
    assert lines["东莞银行（乙）"].amount == wan(60)
    assert lines["东莞银行（丙）"].amount == wan(80)
    assert "超过最高比例" in lines["东莞银行（丙）"].basis


def test_the_reward_list_shows_the_new_rules_and_their_parameters(client, center_staff):
    LoanLossClaimFactory(
        bank="东莞银行",
        enterprise="甲",
        loan_amount=wan(500),
        loss_amount=wan(100),
        year=2024,
        created_by=center_staff,
    )
    client.force_login(center_staff)
    client.post(reverse("brokers:reward_compute", args=[2024]))
    page = client.get(reverse("brokers:reward_list", args=[2024])).content.decode()
    assert "“科保贷”银行损失补偿" in page and "“科保贷”损失补偿最高比例" in page
    assert "产业化绩效奖励上限" in page
    assert m.RewardList.objects.get(year=2024).total == wan(80)


# --- Plan targets and the revenue figures ----------------------------------------------------------


def test_plan_targets_are_loaded_from_the_reference_file_citing_the_seed():
    with (django_settings.REFERENCE_DIR / "plan_targets.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    seed = next((django_settings.BASE_DIR.parent / "shared" / "seeds").glob("004_*.txt"), None)
    for row in rows:
        target = m.PlanTarget.objects.get(metric=row["metric"], year=int(row["year"]))
        assert target.target == Decimal(row["target"])
        assert row["source"].split("……")[-1] in target.source
        if seed is not None:
            text = seed.read_text(encoding="utf-8")
            for part in row["source"].split("……"):
                assert part in text, part
    assert {r["metric"] for r in rows} == set(PlanMetric.values)


def test_staff_enter_the_yearly_revenue_and_the_growth_is_computed(client, center_staff):
    client.force_login(center_staff)
    for year, amount in ((2023, "1.8亿"), (2024, "2亿")):
        response = client.post(
            reverse("brokers:service_revenue_create"),
            {"year": year, "revenue": amount, "source": "市统计局"},
        )
        assert response.status_code == 302
    page = client.get(reverse("brokers:service_revenue_list"))
    revenue = page.context["revenue"]
    assert (revenue.base_year, str(revenue.cagr), revenue.met) == (2023, "11.1", True)
    duplicate = client.post(
        reverse("brokers:service_revenue_create"),
        {"year": 2024, "revenue": "3亿", "source": "重复"},
    )
    assert duplicate.status_code == 200 and m.ServiceRevenue.objects.count() == 2
