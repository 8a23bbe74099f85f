"""Who may read and change a landing (role × action), the landings list and its API (constant
queries), and a registered technology contract used as evidence through the brokers service."""

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from achievements.choices import AchievementKind, EvidenceKind, EvidenceSource, LandingState
from achievements.models import Landing
from achievements.services.service import assignment_assign
from towns.choices import Role

from ...brokers.factories import TechContractFactory
from ...factories import division
from ..service.factories import service_case
from ..service.test_query_counts import count_queries
from .factories import land, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(center_staff, liaison):
    """A project of the liaison's unit in the service library, with a met clause."""
    achievement = service_case(kind=AchievementKind.PROJECT, discovering_unit=liaison.unit)
    evidence = record(achievement, EvidenceKind.TEAM_SETTLED, center_staff)
    achievement.evidence = evidence
    return achievement


def status(client, user, url, method="get"):
    client.force_login(user)
    return getattr(client, method)(url).status_code


@pytest.mark.parametrize(
    ("role", "card", "record_page", "verify_page", "document"),
    [
        (Role.CENTER_STAFF, True, 200, 200, 200),
        (Role.ADMIN, True, 200, 200, 200),
        (Role.LEADER, True, 403, 403, 200),
        (Role.LIAISON, True, 403, 403, 200),
        (Role.EVALUATOR, False, 404, 404, 404),
        (Role.ENTERPRISE, False, 404, 404, 404),
        (Role.BROKER, False, 404, 404, 404),
    ],
)
def test_role_by_action(
    client, users_by_role, case, role, card, record_page, verify_page, document
):
    user = users_by_role[role]
    client.force_login(user)
    detail = client.get(reverse("achievements:achievement_detail", args=[case.pk]))
    assert ('data-testid="landing-card"' in detail.content.decode()) is card
    assert status(
        client, user, reverse("achievements:landing_evidence_create", args=[case.pk, "license"])
    ) == (record_page)
    assert (
        status(client, user, reverse("achievements:landing_verify", args=[case.pk])) == verify_page
    )
    assert (
        status(
            client, user, reverse("achievements:landing_evidence_document", args=[case.evidence.pk])
        )
        == document
    )


def test_a_liaison_of_another_unit_sees_nothing(client, other_liaison, case):
    for url in (
        reverse("achievements:achievement_detail", args=[case.pk]),
        reverse("achievements:landing_evidence_create", args=[case.pk, "license"]),
        reverse("achievements:landing_evidence_document", args=[case.evidence.pk]),
        reverse("achievements:landing_list"),
    ):
        assert status(client, other_liaison, url) == 404, url


def test_the_responsible_liaison_collects_evidence_but_does_not_verify(
    client, center_staff, liaison, case
):
    assignment_assign(achievement=case, assignee=liaison, acting_user=center_staff)
    assert (
        status(
            client,
            liaison,
            reverse("achievements:landing_evidence_create", args=[case.pk, "license"]),
        )
        == 200
    )
    page = client.get(reverse("achievements:achievement_detail", args=[case.pk])).content.decode()
    assert 'data-testid="add-evidence"' in page
    assert 'data-testid="verify-landing"' not in page
    assert (
        status(client, liaison, reverse("achievements:landing_verify", args=[case.pk]), "post")
        == 403
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, case):
    response = client.get(reverse("achievements:landing_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_verified_landing_takes_no_more_evidence(client, center_staff, case):
    land(case, center_staff, on=timezone.localdate())
    client.force_login(center_staff)
    page = client.get(reverse("achievements:achievement_detail", args=[case.pk])).content.decode()
    assert 'data-testid="add-evidence"' not in page
    response = client.post(
        reverse("achievements:landing_evidence_delete", args=[case.pk, case.evidence.pk]),
        follow=True,
    )
    assert "不能再修改落地证据" in response.content.decode()
    assert case.landing_evidence.count() == 2


# --- The landings list and API ------------------------------------------------------------------


@pytest.mark.usefixtures("render_afresh")
def test_the_landings_list_and_api_keep_their_query_count(client, center_staff):
    today = timezone.localdate()
    land(service_case(kind=AchievementKind.PROJECT), center_staff, on=today)
    urls = [
        reverse("achievements:landing_list"),
        reverse("achievements:landing_list") + "?state=landed",
        "/api/v1/landings/",
    ]
    client.force_login(center_staff)
    few = {url: count_queries(client, url) for url in urls}
    for n, where in enumerate(["441900401", "441900003", "441900115", "441900111", "441900104"]):
        kind = [AchievementKind.PROJECT, AchievementKind.PLATFORM, AchievementKind.ENTERPRISE][
            n % 3
        ]
        land(service_case(kind=kind), center_staff, on=today, where=where)
    record(service_case(kind=AchievementKind.PROJECT), EvidenceKind.LICENSE, center_staff)
    assert {url: count_queries(client, url) for url in urls} == few


def test_the_list_filters_and_exports(client, center_staff, leader):
    today = timezone.localdate()
    kept = land(
        service_case(kind=AchievementKind.PROJECT, title="车规级碳化硅模块"),
        center_staff,
        on=today,
        where="441900401",
    )
    land(
        service_case(kind=AchievementKind.PROJECT, title="智能仓储调度算法"), center_staff, on=today
    )
    client.force_login(leader)
    page = client.get(
        reverse("achievements:landing_list"), {"division": "441900401"}
    ).content.decode()
    assert "车规级碳化硅模块" in page and "智能仓储调度算法" not in page
    api = client.get("/api/v1/landings/", {"credited_unit": "441900401"}).json()
    assert [row["title"] for row in api["results"]] == ["车规级碳化硅模块"]
    assert api["results"][0]["credited_unit"] == "441900401"
    assert api["results"][0]["evidence"][0]["kind"] == "transaction"
    response = client.get(
        reverse("achievements:landing_list"), {"export": "xlsx", "division": "441900401"}
    )
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[0][:5] == ("成果名称", "成果类型", "所属领域", "发现单位", "落地状态")
    assert rows[1][0] == "车规级碳化硅模块" and rows[1][8] == "松山湖"
    assert kept.state == LandingState.LANDED


# --- A registered contract as evidence (brokers → achievements landing service) ----------------


def test_staff_use_a_contract_with_a_dongguan_party_as_evidence(client, center_staff):
    case = service_case(kind=AchievementKind.PROJECT)
    contract = TechContractFactory(
        seller_division=None,
        buyer_name="东莞精诚注塑科技有限公司",
        buyer_division=division("441900119"),
    )
    contract.achievements.add(case)
    client.force_login(center_staff)
    page = client.get(reverse("achievements:achievement_detail", args=[case.pk])).content.decode()
    assert 'data-testid="use-contract"' in page
    url = reverse("brokers:contract_landing_evidence", args=[contract.pk, case.pk])
    assert client.post(url).status_code == 302
    evidence = case.landing_evidence.get()
    assert (evidence.kind, evidence.source, evidence.source_reference) == (
        EvidenceKind.TRANSACTION,
        EvidenceSource.TECH_CONTRACT,
        contract.registration_number,
    )
    assert (evidence.entity_name, evidence.division.code, evidence.amount) == (
        "东莞精诚注塑科技有限公司",
        "441900119",
        contract.amount,
    )
    assert Landing.objects.get(achievement=case).met_rules == ["project_transaction"]
    again = client.post(url, follow=True).content.decode()
    assert "已作为该成果的落地证据" in again
    assert case.landing_evidence.count() == 1


def test_a_contract_without_a_dongguan_party_is_no_evidence(client, center_staff, leader):
    case = service_case(kind=AchievementKind.PROJECT)
    outside = TechContractFactory(seller_division=None, buyer_division=None)
    outside.achievements.add(case)
    client.force_login(center_staff)
    assert (
        client.post(
            reverse("brokers:contract_landing_evidence", args=[outside.pk, case.pk])
        ).status_code
        == 404
    )
    local = TechContractFactory()
    local.achievements.add(case)
    client.force_login(leader)
    assert (
        client.post(
            reverse("brokers:contract_landing_evidence", args=[local.pk, case.pk])
        ).status_code
        == 403
    )
    assert not case.landing_evidence.exists()
