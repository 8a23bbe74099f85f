"""The landing check: a Celery task queued after every change of evidence, and nightly."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from achievements.choices import AchievementKind, EvidenceKind, LandingRule, LandingState
from achievements.models import Landing
from achievements.services.landing import landing_evidence_delete, landing_evidence_update
from achievements.services.service import assignment_assign
from achievements.tasks.landing import task_check_open_landings, task_landing_check
from towns.models import Notification, PolicyValue
from towns.policy import clear_policy_cache

from ...factories import AchievementFactory
from ..service.factories import service_case
from .factories import WAN, evidence_data, pdf, record

pytestmark = pytest.mark.django_db


def post_evidence(client, case, kind, **overrides):
    data = evidence_data(kind, **overrides)
    data = {
        name: (value.pk if hasattr(value, "pk") else value)
        for name, value in data.items()
        if value is not None
    }
    data["occurred_on"] = data["occurred_on"].isoformat()
    if "amount" in data:
        data["amount"] = f"{data['amount']}元"
    return client.post(reverse("achievements:landing_evidence_create", args=[case.pk, kind]), data)


def test_evidence_recorded_on_the_page_is_checked_and_proposed_to_the_assignee(
    client, center_staff, liaison
):
    case = service_case(kind=AchievementKind.PROJECT, discovering_unit=liaison.unit)
    assignment_assign(achievement=case, assignee=liaison, acting_user=center_staff)
    client.force_login(center_staff)
    response = post_evidence(client, case, EvidenceKind.EQUITY, document=pdf("出资协议.pdf"))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/achievements/{case.pk}/#landing")
    landing = Landing.objects.get(achievement=case)
    assert landing.state == LandingState.PROPOSED
    assert landing.met_rules == [LandingRule.PROJECT_EQUITY]
    assert landing.proposed_at is not None
    notice = Notification.objects.get(kind="landing_proposed")
    assert notice.recipient == liaison
    assert notice.title == f"“{case.title}”已满足落地标准，请核验认定"
    evidence = case.landing_evidence.get()
    assert (evidence.amount, evidence.recorded_by, evidence.document_name) == (
        800 * WAN,
        center_staff,
        "出资协议.pdf",
    )


def test_the_check_records_what_is_missing(center_staff, commits):
    case = service_case(kind=AchievementKind.PLATFORM)
    with commits():
        record(case, EvidenceKind.OPERATING_ENTITY, center_staff)
    landing = Landing.objects.get(achievement=case)
    assert landing.state == LandingState.COLLECTING
    assert landing.met_rules == []
    assert landing.missing == [
        {"rule": "platform_revenue", "items": ["缺少“平台服务收入”证据"]},
        {"rule": "platform_approval", "items": ["缺少“主管部门立项或资质认定”证据"]},
    ]


def test_running_the_check_again_changes_nothing_and_announces_nothing(center_staff, commits):
    case = service_case(kind=AchievementKind.PROJECT)
    with commits():
        record(case, EvidenceKind.TEAM_SETTLED, center_staff)
    landing = Landing.objects.get(achievement=case)
    history = landing.history.count()
    for _ in range(3):
        with commits():
            assert task_landing_check.delay(achievement_id=case.pk).get() == LandingState.PROPOSED
    assert Landing.objects.count() == 1
    assert landing.history.count() == history
    assert Notification.objects.filter(kind="landing_proposed").count() == 1


def test_changing_or_removing_evidence_is_checked_again(center_staff, commits):
    case = service_case(kind=AchievementKind.PROJECT)
    with commits():
        evidence = record(case, EvidenceKind.LOCAL_REVENUE, center_staff, amount=Decimal(999_999))
    assert Landing.objects.get(achievement=case).state == LandingState.COLLECTING
    with commits():
        landing_evidence_update(
            evidence=evidence, data={"amount": Decimal(1_000_000)}, acting_user=center_staff
        )
    assert Landing.objects.get(achievement=case).state == LandingState.PROPOSED
    with commits():
        landing_evidence_delete(evidence=evidence, acting_user=center_staff)
    landing = Landing.objects.get(achievement=case)
    assert (landing.state, landing.met_rules) == (LandingState.COLLECTING, [])


def test_the_nightly_check_follows_a_changed_threshold(center_staff, commits):
    case = service_case(kind=AchievementKind.PLATFORM)
    with commits():
        record(case, EvidenceKind.OPERATING_ENTITY, center_staff)
        record(case, EvidenceKind.SERVICE_REVENUE, center_staff, amount=12 * WAN)
    assert Landing.objects.get(achievement=case).state == LandingState.PROPOSED
    PolicyValue.objects.filter(
        year=timezone.localdate().year, key="landing.platform.service_revenue_min"
    ).update(value=15 * WAN)
    clear_policy_cache()
    with commits():
        assert task_check_open_landings.delay().get() == 1
    landing = Landing.objects.get(achievement=case)
    assert landing.state == LandingState.COLLECTING
    assert landing.missing[0]["items"] == ["平台服务收入：服务收入120,000元，未达到15万元"]


def test_evidence_dated_after_today_is_refused(client, center_staff):
    case = service_case(kind=AchievementKind.PROJECT)
    client.force_login(center_staff)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = post_evidence(client, case, EvidenceKind.TEAM_SETTLED, on=tomorrow)
    assert response.status_code == 200
    assert "日期不能晚于今天。" in response.content.decode()
    assert not case.landing_evidence.exists()


def test_a_document_is_checked_by_its_content(client, center_staff):
    case = service_case(kind=AchievementKind.PROJECT)
    client.force_login(center_staff)
    fake = SimpleUploadedFile("合同.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = post_evidence(client, case, EvidenceKind.TEAM_SETTLED, document=fake)
    assert response.status_code == 200
    assert "文件内容不是允许的类型" in response.content.decode()


def test_an_achievement_outside_the_service_library_takes_no_evidence(client, center_staff):
    case = AchievementFactory(kind=AchievementKind.PROJECT)
    client.force_login(center_staff)
    response = post_evidence(client, case, EvidenceKind.TEAM_SETTLED)
    assert response.status_code == 403
    assert not case.landing_evidence.exists()
