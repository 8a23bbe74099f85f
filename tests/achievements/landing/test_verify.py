"""Staff verify a landing: the clause, date, place, verifier and credited unit are recorded, the
achievement becomes landed; the contribution flags landmarks; a mistake can be revoked."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from achievements.choices import (
    AchievementKind,
    AchievementStatus,
    CreditBasis,
    EvidenceKind,
    LandingRule,
    LandingState,
    Landmark,
)
from achievements.exceptions import TransitionNotAllowed
from achievements.models import AchievementTransition, Escalation, Landing
from achievements.services.landing import (
    landing_check,
    landing_contribution_record,
    landing_verify,
)
from achievements.services.service import assignment_assign, escalations_refresh
from towns.models import Notification, PolicyValue
from towns.policy import clear_policy_cache

from ...factories import AchievementFactory, division, unit
from ..service.factories import service_case
from .factories import YI, land, record

pytestmark = pytest.mark.django_db


def verify_form(rule, landed_on, where="441900119", **extra):
    return {
        "rule": rule,
        "landed_on": landed_on.isoformat(),
        "division": division(where).pk,
        **extra,
    }


def test_staff_verify_a_landing_and_everything_is_recorded(client, center_staff, liaison, commits):
    case = service_case(kind=AchievementKind.PROJECT, discovering_unit=liaison.unit)
    day = timezone.localdate() - timedelta(days=3)
    with commits():
        record(case, EvidenceKind.TRANSACTION, center_staff, on=day)
    client.force_login(center_staff)
    page = client.get(reverse("achievements:landing_verify", args=[case.pk])).content.decode()
    # The form starts from what the evidence shows, and says where the landing will count.
    assert f'value="{day.isoformat()}"' in page
    assert "将计入<strong>长安镇</strong>" in page
    response = client.post(
        reverse("achievements:landing_verify", args=[case.pk]),
        verify_form(LandingRule.PROJECT_TRANSACTION, day, economic_contribution="1.2亿"),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == AchievementStatus.LANDED
    landing = Landing.objects.get(achievement=case)
    assert (landing.state, landing.rule, landing.landed_on) == (
        LandingState.LANDED,
        LandingRule.PROJECT_TRANSACTION,
        day,
    )
    assert (landing.division.code, landing.credited_unit.code, landing.credit_basis) == (
        "441900119",
        "441900119",
        CreditBasis.LANDING_DIVISION,
    )
    assert landing.verified_by == center_staff and landing.verified_at is not None
    assert (landing.economic_contribution, landing.landmark) == (
        Decimal(120_000_000),
        Landmark.SIGNIFICANT,
    )
    transition = AchievementTransition.objects.filter(achievement=case).last()
    assert (transition.from_status, transition.to_status, transition.actor) == (
        "service",
        "landed",
        center_staff,
    )
    assert transition.reason == "认定落地：项目类（二）：与东莞主体完成交易"
    assert Notification.objects.filter(kind="landing_verified", recipient=liaison).exists()
    card = client.get(reverse("achievements:achievement_detail", args=[case.pk])).content.decode()
    assert "落地在长安镇，计入属地镇街（园区）。" in card
    assert "1亿元以上标杆性成果" in card


def test_a_clause_that_is_not_met_cannot_be_verified(client, center_staff):
    case = service_case(kind=AchievementKind.PROJECT)
    record(case, EvidenceKind.TRANSACTION, center_staff)
    with pytest.raises(Exception, match="所选条款尚未满足：缺少“作价入股东莞企业”证据"):
        landing_verify(
            achievement=case,
            acting_user=center_staff,
            rule=LandingRule.PROJECT_EQUITY,
            landed_on=timezone.localdate(),
            division=division("441900119"),
        )
    with pytest.raises(Exception, match="该条款不适用于项目类成果"):
        landing_verify(
            achievement=case,
            acting_user=center_staff,
            rule=LandingRule.ENTERPRISE,
            landed_on=timezone.localdate(),
            division=division("441900119"),
        )
    assert AchievementStatus(case.status) == AchievementStatus.SERVICE


def test_the_landing_date_is_not_before_the_evidence_nor_after_today(client, center_staff):
    case = service_case(kind=AchievementKind.PROJECT)
    day = timezone.localdate() - timedelta(days=10)
    record(case, EvidenceKind.TEAM_SETTLED, center_staff, on=day)
    client.force_login(center_staff)
    url = reverse("achievements:landing_verify", args=[case.pk])
    early = client.post(url, verify_form(LandingRule.PROJECT_TEAM, day - timedelta(days=1)))
    assert f"落地日期早于证据显示满足标准的日期（{day.isoformat()}）。" in early.content.decode()
    late = client.post(
        url, verify_form(LandingRule.PROJECT_TEAM, timezone.localdate() + timedelta(days=1))
    )
    assert "日期不能晚于今天。" in late.content.decode()
    case.refresh_from_db()
    assert case.status == AchievementStatus.SERVICE
    assert not Landing.objects.filter(state=LandingState.LANDED).exists()


def test_a_landing_is_verified_once(center_staff):
    case = service_case(kind=AchievementKind.PROJECT)
    land(case, center_staff, on=timezone.localdate())
    with pytest.raises(TransitionNotAllowed, match="该成果已于 .* 认定落地。"):
        landing_verify(
            achievement=case,
            acting_user=center_staff,
            rule=LandingRule.PROJECT_TRANSACTION,
            landed_on=timezone.localdate(),
            division=division("441900119"),
        )
    assert Landing.objects.landed().count() == 1


def test_landing_takes_a_stalled_case_off_the_escalation_list(center_staff):
    case = service_case(
        kind=AchievementKind.PROJECT, entered_on=timezone.localdate() - timedelta(days=120)
    )
    escalations_refresh()
    assert Escalation.objects.open().filter(achievement=case).exists()
    land(case, center_staff, on=timezone.localdate())
    escalation = Escalation.objects.get(achievement=case)
    assert escalation.resolved_at is not None
    assert escalation.resolution.startswith("认定落地")


@pytest.mark.parametrize(
    ("amount", "landmark"),
    [
        (YI - Decimal("0.01"), Landmark.NONE),
        (YI, Landmark.SIGNIFICANT),
        (5 * YI - Decimal("0.01"), Landmark.SIGNIFICANT),
        (5 * YI, Landmark.MAJOR),
    ],
)
def test_landmarks_are_flagged_at_1_yi_and_5_yi(center_staff, amount, landmark):
    landing = land(
        service_case(kind=AchievementKind.PROJECT), center_staff, on=timezone.localdate()
    )
    landing = landing_contribution_record(landing=landing, amount=amount, acting_user=center_staff)
    assert landing.landmark == landmark


def test_the_landmark_thresholds_are_the_policy_numbers_of_the_landing_year(center_staff):
    PolicyValue.objects.filter(year=2025, key="landmarks.significant").update(value=2 * YI)
    clear_policy_cache()
    in_2025 = land(service_case(kind=AchievementKind.PROJECT), center_staff, on=date(2025, 5, 1))
    in_2024 = land(service_case(kind=AchievementKind.PROJECT), center_staff, on=date(2024, 5, 1))
    for landing in (in_2025, in_2024):
        landing_contribution_record(landing=landing, amount=YI, acting_user=center_staff)
    in_2025.refresh_from_db()
    in_2024.refresh_from_db()
    assert (in_2025.landmark, in_2024.landmark) == (Landmark.NONE, Landmark.SIGNIFICANT)


def test_the_contribution_is_recorded_on_its_page(client, center_staff):
    landing = land(
        service_case(kind=AchievementKind.PROJECT), center_staff, on=timezone.localdate()
    )
    client.force_login(center_staff)
    url = reverse("achievements:landing_contribution", args=[landing.achievement_id])
    response = client.post(url, {"amount": "5亿", "note": "年销售收入测算"})
    assert response.status_code == 302
    landing.refresh_from_db()
    assert (landing.economic_contribution, landing.landmark, landing.contribution_note) == (
        5 * YI,
        Landmark.MAJOR,
        "年销售收入测算",
    )
    assert landing.contribution_recorded_by == center_staff
    bad = client.post(url, {"amount": "很多"})
    assert "无法识别" in bad.content.decode()


def test_revoking_a_verification_returns_the_case_to_the_service_library(client, center_staff):
    landing = land(
        service_case(kind=AchievementKind.PROJECT), center_staff, on=timezone.localdate()
    )
    client.force_login(center_staff)
    url = reverse("achievements:landing_revoke", args=[landing.achievement_id])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200 and "该字段是必填项。" in refused.content.decode()
    assert Landing.objects.landed().count() == 1
    response = client.post(url, {"reason": "交易合同已解除"})
    assert response.status_code == 302
    landing.refresh_from_db()
    assert landing.achievement.status == AchievementStatus.SERVICE
    assert (landing.state, landing.credited_unit, landing.landed_on) == (
        LandingState.PROPOSED,
        None,
        None,
    )
    assert landing.verification_note == "交易合同已解除"
    assert landing.history.filter(state=LandingState.LANDED).exists()
    assert not Landing.objects.landed().exists()


def test_an_achievement_landed_before_the_portal_recorded_landings_gets_its_record(center_staff):
    """补录核验: landed by a status change elsewhere; evidence and verification keep it landed."""
    case = AchievementFactory(
        kind=AchievementKind.PROJECT, status=AchievementStatus.LANDED, service_route="evaluation"
    )
    landing = land(case, center_staff, on=date(2025, 3, 1), where="441900401")
    case.refresh_from_db()
    assert case.status == AchievementStatus.LANDED
    assert (landing.state, landing.credited_unit) == (LandingState.LANDED, unit("441900401"))
    assert not AchievementTransition.objects.filter(achievement=case).exists()


def test_the_verify_form_previews_the_credited_unit_as_the_division_changes(client, center_staff):
    case = service_case(kind=AchievementKind.PROJECT, discovering_unit=unit("kjj"))
    record(case, EvidenceKind.TEAM_SETTLED, center_staff, on=date(2024, 6, 1))
    client.force_login(center_staff)
    url = reverse("achievements:landing_credit_preview", args=[case.pk])
    in_2024 = client.get(url, {"landed_on": "2024-06-02", "division": division("441900401").pk})
    assert "将计入<strong>东莞市科学技术局</strong> 2024 年落地任务" in in_2024.content.decode()
    assert "发现单位承担当年落地任务" in in_2024.content.decode()
    # 2025 has no quotas loaded: the landing would count where it landed.
    in_2025 = client.get(url, {"landed_on": "2025-06-02", "division": division("441900401").pk})
    assert "将计入<strong>东莞松山湖高新技术产业开发区</strong> 2025 年落地任务" in (
        in_2025.content.decode()
    )
    assert client.get(url, {"landed_on": "不是日期"}).content.decode().strip() == ""


def test_staff_and_leaders_see_landing_progress_on_their_home_pages(client, center_staff, leader):
    case = service_case(kind=AchievementKind.PROJECT)
    record(case, EvidenceKind.TEAM_SETTLED, center_staff)
    landing_check(achievement_id=case.pk)
    client.force_login(center_staff)
    home = client.get(reverse("quotas:home")).content.decode()
    assert (
        'data-testid="landings-awaiting"' in home and 'data-testid="home-landing-progress"' in home
    )
    client.force_login(leader)
    assert (
        'data-testid="home-landing-progress"' in client.get(reverse("quotas:home")).content.decode()
    )


def test_a_landed_case_leaves_the_responsible_persons_work_list(client, center_staff):
    case = service_case(kind=AchievementKind.PROJECT, title="已落地不再跟踪的项目")
    assignment_assign(achievement=case, assignee=center_staff, acting_user=center_staff)
    client.force_login(center_staff)
    assert case.title in client.get(reverse("achievements:service_my_cases")).content.decode()
    land(case, center_staff, on=timezone.localdate())
    assert case.title not in client.get(reverse("achievements:service_my_cases")).content.decode()
