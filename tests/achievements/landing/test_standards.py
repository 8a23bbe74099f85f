"""The landing standards (三.一机制.3 二), clause by clause, on and off their boundaries."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from achievements.choices import AchievementKind, EvidenceKind, EvidenceSource, LandingRule
from achievements.selectors.landing import RULES, check_achievement, evidence_kinds_for
from achievements.services.landing import landing_evidence_record
from towns.models import PolicyValue
from towns.policy import clear_policy_cache

from ..service.factories import service_case
from .factories import WAN, evidence_data, record

pytestmark = pytest.mark.django_db


def met(achievement) -> list[str]:
    return check_achievement(achievement).met_rules


def missing(achievement, rule) -> list[str]:
    return list(check_achievement(achievement).result(rule).missing)


# --- Enterprise: registered in / moved to Dongguan AND paid-in tax > 0 ------------------------


def test_an_enterprise_lands_with_its_registration_and_paid_in_tax(center_staff):
    case = service_case(kind=AchievementKind.ENTERPRISE)
    record(case, EvidenceKind.ENTERPRISE_REGISTRATION, center_staff)
    assert met(case) == []
    assert missing(case, LandingRule.ENTERPRISE) == ["缺少“实缴税收”证据"]
    record(case, EvidenceKind.TAX_PAID, center_staff)
    assert met(case) == [LandingRule.ENTERPRISE]


@pytest.mark.parametrize(("tax", "lands"), [(Decimal("0"), False), (Decimal("0.01"), True)])
def test_paid_in_tax_must_be_more_than_zero(center_staff, tax, lands):
    case = service_case(kind=AchievementKind.ENTERPRISE)
    record(case, EvidenceKind.ENTERPRISE_REGISTRATION, center_staff)
    record(case, EvidenceKind.TAX_PAID, center_staff, amount=tax)
    assert (met(case) == [LandingRule.ENTERPRISE]) is lands
    if not lands:
        assert missing(case, LandingRule.ENTERPRISE) == ["实缴税收：实缴税额应大于零"]


def test_tax_alone_without_a_registration_in_dongguan_is_not_landed(center_staff):
    case = service_case(kind=AchievementKind.ENTERPRISE)
    record(case, EvidenceKind.TAX_PAID, center_staff)
    assert missing(case, LandingRule.ENTERPRISE) == ["缺少“在莞新注册或迁入”证据"]


def test_the_credit_code_is_checked_by_its_check_digit(staff_client, center_staff):
    case = service_case(kind=AchievementKind.ENTERPRISE)
    url = reverse("achievements:landing_evidence_create", args=[case.pk, "enterprise_registration"])
    data = evidence_data(EvidenceKind.ENTERPRISE_REGISTRATION)
    good = data["credit_code"]
    data |= {
        "division": data["division"].pk,
        "occurred_on": data["occurred_on"].isoformat(),
        "credit_code": good[:-1] + ("A" if good[-1] != "A" else "B"),
    }
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "统一社会信用代码校验位不正确" in response.content.decode()
    assert not case.landing_evidence.exists()


# --- Platform: an operating entity AND (service revenue ≥ 10万元 OR an approval) ---------------


@pytest.mark.parametrize(
    ("revenue", "lands"),
    [(Decimal(99_999), False), (Decimal(100_000), True), (Decimal("99999.99"), False)],
)
def test_platform_service_revenue_is_measured_against_10_wan(center_staff, revenue, lands):
    case = service_case(kind=AchievementKind.PLATFORM)
    record(case, EvidenceKind.OPERATING_ENTITY, center_staff)
    record(case, EvidenceKind.SERVICE_REVENUE, center_staff, amount=revenue)
    assert (LandingRule.PLATFORM_REVENUE in met(case)) is lands
    if not lands:
        [problem] = missing(case, LandingRule.PLATFORM_REVENUE)
        assert problem.startswith("平台服务收入：服务收入99,999")
        assert problem.endswith("元，未达到10万元")


def test_a_platform_with_an_approval_lands_and_the_approval_needs_its_document(center_staff):
    case = service_case(kind=AchievementKind.PLATFORM)
    record(case, EvidenceKind.OPERATING_ENTITY, center_staff)
    record(case, EvidenceKind.AUTHORITY_APPROVAL, center_staff, document=None)
    assert met(case) == []
    assert missing(case, LandingRule.PLATFORM_APPROVAL) == [
        "主管部门立项或资质认定：未上传立项批复或资质证书"
    ]
    record(case, EvidenceKind.AUTHORITY_APPROVAL, center_staff)
    assert met(case) == [LandingRule.PLATFORM_APPROVAL]


def test_a_platform_without_an_operating_entity_in_dongguan_is_not_landed(center_staff):
    case = service_case(kind=AchievementKind.PLATFORM)
    record(case, EvidenceKind.SERVICE_REVENUE, center_staff, amount=50 * WAN)
    record(case, EvidenceKind.AUTHORITY_APPROVAL, center_staff)
    assert met(case) == []
    assert missing(case, LandingRule.PLATFORM_REVENUE) == ["缺少“在莞运营主体”证据"]


# --- Project: any one of the five clauses ------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "rule"),
    [
        (EvidenceKind.LICENSE, LandingRule.PROJECT_LICENSE),
        (EvidenceKind.TRANSACTION, LandingRule.PROJECT_TRANSACTION),
        (EvidenceKind.EQUITY, LandingRule.PROJECT_EQUITY),
        (EvidenceKind.LOCAL_REVENUE, LandingRule.PROJECT_LOCAL_REVENUE),
        (EvidenceKind.TEAM_SETTLED, LandingRule.PROJECT_TEAM),
    ],
)
def test_each_project_clause_alone_lands_a_project(center_staff, kind, rule):
    case = service_case(kind=AchievementKind.PROJECT)
    assert met(case) == []
    record(case, kind, center_staff)
    assert met(case) == [rule]


@pytest.mark.parametrize(
    ("revenue", "lands"), [(Decimal(999_999), False), (Decimal(1_000_000), True)]
)
def test_local_revenue_is_measured_against_100_wan(center_staff, revenue, lands):
    case = service_case(kind=AchievementKind.PROJECT)
    record(case, EvidenceKind.LOCAL_REVENUE, center_staff, amount=revenue)
    assert (met(case) == [LandingRule.PROJECT_LOCAL_REVENUE]) is lands
    if not lands:
        assert missing(case, LandingRule.PROJECT_LOCAL_REVENUE) == [
            "在莞实现部分营收：营业收入999,999元，未达到100万元"
        ]


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"document": None}, "与东莞主体交易：未上传交易合同"),
        ({"amount": Decimal(0)}, "与东莞主体交易：交易金额应大于零"),
    ],
)
def test_a_transaction_needs_an_amount_and_its_contract(center_staff, overrides, problem):
    case = service_case(kind=AchievementKind.PROJECT)
    record(case, EvidenceKind.TRANSACTION, center_staff, **overrides)
    assert missing(case, LandingRule.PROJECT_TRANSACTION) == [problem]


def test_a_registered_contract_needs_no_scan_beside_it(center_staff):
    case = service_case(kind=AchievementKind.PROJECT)
    landing_evidence_record(
        achievement=case,
        kind=EvidenceKind.TRANSACTION,
        data=evidence_data(EvidenceKind.TRANSACTION, document=None),
        acting_user=center_staff,
        source=EvidenceSource.TECH_CONTRACT,
        source_reference="20264419000001",
    )
    assert met(case) == [LandingRule.PROJECT_TRANSACTION]


def test_a_team_of_nobody_has_not_settled(center_staff):
    case = service_case(kind=AchievementKind.PROJECT)
    record(case, EvidenceKind.TEAM_SETTLED, center_staff, team_size=0)
    assert missing(case, LandingRule.PROJECT_TEAM) == ["团队落户东莞：落户人数应至少为1人"]


def test_evidence_of_another_kind_of_achievement_is_refused(center_staff):
    case = service_case(kind=AchievementKind.PROJECT)
    with pytest.raises(Exception, match="不是项目类成果的落地证据"):
        record(case, EvidenceKind.TAX_PAID, center_staff)


# --- Thresholds are policy numbers of the evidence's year --------------------------------------


def test_the_thresholds_are_the_policy_numbers_of_the_evidence_year(center_staff):
    PolicyValue.objects.update_or_create(
        year=2025, key="landing.project.local_revenue_min", defaults={"value": 2_000_000}
    )
    clear_policy_cache()
    in_2025 = service_case(kind=AchievementKind.PROJECT)
    record(
        in_2025,
        EvidenceKind.LOCAL_REVENUE,
        center_staff,
        amount=Decimal(1_500_000),
        on=date(2025, 6, 30),
    )
    in_2024 = service_case(kind=AchievementKind.PROJECT)
    record(
        in_2024,
        EvidenceKind.LOCAL_REVENUE,
        center_staff,
        amount=Decimal(1_500_000),
        on=date(2024, 6, 30),
    )
    assert met(in_2025) == []
    assert met(in_2024) == [LandingRule.PROJECT_LOCAL_REVENUE]


def test_the_rules_follow_the_landing_standards_of_policy_json():
    path = settings.BASE_DIR / "towns" / "reference_data" / "policy.json"
    standards = json.loads(path.read_text(encoding="utf-8"))["landing_standards"]
    assert len(RULES[AchievementKind.ENTERPRISE]) == 1
    assert len(RULES[AchievementKind.ENTERPRISE][0].requires) == len(
        standards["enterprise"]["requires"]
    )
    assert len(RULES[AchievementKind.PLATFORM]) == len(standards["platform"]["any_of"])
    assert all(
        spec.requires[0] == EvidenceKind.OPERATING_ENTITY
        for spec in RULES[AchievementKind.PLATFORM]
    )
    assert len(RULES[AchievementKind.PROJECT]) == len(standards["project"]["any_of"])
    assert evidence_kinds_for(AchievementKind.PROJECT) == [
        EvidenceKind.LICENSE,
        EvidenceKind.TRANSACTION,
        EvidenceKind.EQUITY,
        EvidenceKind.LOCAL_REVENUE,
        EvidenceKind.TEAM_SETTLED,
    ]
