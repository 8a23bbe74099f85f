"""Every register page and API list: who may read and write, and a constant number of queries."""

from datetime import date
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from brokers import models as m
from brokers.choices import PocStatus
from brokers.views import REGISTERS
from towns.choices import Role

from ..achievements.demands.factories import DemandFactory
from ..factories import division, industry
from .factories import (
    BrokerFactory,
    CommissionerServiceFactory,
    CooperationProjectFactory,
    DemonstrationTownFactory,
    FundFactory,
    GazelleEnterpriseFactory,
    IncubatedEnterpriseFactory,
    IncubationCarrierFactory,
    IndustrialisationAwardFactory,
    InnovationComplexFactory,
    IntermediaryRatingFactory,
    LoanLossClaimFactory,
    MajorProjectFactory,
    OutstandingIndividualFactory,
    PocCenterFactory,
    ServiceRevenueFactory,
    SubsidisedEventFactory,
    TechContractFactory,
    TownSelectionFactory,
    VentureRoundFactory,
    landed_achievement,
    wan,
)

pytestmark = pytest.mark.django_db

LISTS = [f"brokers:{key}_list" for key in REGISTERS]
FORMS = [f"brokers:{key}_create" for key, r in REGISTERS.items() if r.form is not None]


@pytest.mark.parametrize("url_name", [*LISTS, "brokers:programme_overview"])
@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.CENTER_STAFF, 200),
        (Role.ADMIN, 200),
        (Role.LEADER, 200),
        (Role.LIAISON, 403),
        (Role.EVALUATOR, 403),
        (Role.ENTERPRISE, 403),
    ],
)
def test_who_reads_the_registers(client, users_by_role, url_name, role, status):
    client.force_login(users_by_role[role])
    assert client.get(reverse(url_name)).status_code == status


@pytest.mark.parametrize("url_name", FORMS)
@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.CENTER_STAFF, 200), (Role.ADMIN, 200), (Role.LEADER, 403), (Role.BROKER, 403)],
)
def test_only_the_back_office_writes_the_registers(client, users_by_role, url_name, role, status):
    client.force_login(users_by_role[role])
    assert client.get(reverse(url_name)).status_code == status


def test_anonymous_visitors_are_sent_to_login(client):
    for url_name in [*LISTS, *FORMS, "brokers:broker_me"]:
        response = client.get(reverse(url_name))
        assert response.status_code == 302 and "/accounts/login/" in response.url


def make_rows(key: str, n: int) -> None:
    for _ in range(n):
        if key == "broker":
            BrokerFactory().fields.set([industry("S05"), industry("S01")])
        elif key == "contract":
            contract = TechContractFactory(brokers=[(BrokerFactory(), 100)])
            contract.achievements.add(landed_achievement())
        elif key == "venture":
            VentureRoundFactory()
        elif key == "fund":
            parent = FundFactory(fields=[industry("S05")])
            FundFactory(child=True, parent=parent, fields=[industry("S05"), industry("S01")])
        elif key == "intermediary":
            rating = IntermediaryRatingFactory()
            rating.intermediary.fields.set([industry("S05")])
            rating.intermediary.landed_projects.set([landed_achievement()])
        elif key == "poc":
            PocCenterFactory().fields.set([industry("S05")])
        elif key == "event":
            SubsidisedEventFactory()
        elif key == "outstanding":
            OutstandingIndividualFactory()
        elif key == "major_project":
            MajorProjectFactory()
        elif key == "gazelle":
            GazelleEnterpriseFactory()
        elif key == "cooperation":
            CooperationProjectFactory()
        elif key == "complex":
            InnovationComplexFactory(fields=[industry("S05")])
        elif key == "demo_town":
            DemonstrationTownFactory()
        elif key == "commissioner":
            CommissionerServiceFactory()
        elif key == "commissioner_service":
            CommissionerServiceFactory(
                commissioner__employer="东莞理工学院",
                commissioner__division=division("441900110"),
                served_on=date(2024, 5, 1),
                demand=DemandFactory(),
                solved=True,
            )
        elif key == "carrier":
            make_carrier()
        elif key == "incubated":
            IncubatedEnterpriseFactory(carrier=make_carrier())
        elif key == "town_selection":
            TownSelectionFactory()
        elif key == "industrialisation_award":
            IndustrialisationAwardFactory()
        elif key == "loan_loss":
            LoanLossClaimFactory()
        elif key == "service_revenue":
            ServiceRevenueFactory()


def make_carrier():
    """An incubator with one enterprise that graduated and became a 高新技术企业 in 2024."""
    carrier = IncubationCarrierFactory()
    IncubatedEnterpriseFactory(
        carrier=carrier,
        graduated=True,
        name=f"毕业企业{carrier.pk}",
        entered_on=date(2023, 1, 1),
        high_tech_year=2024,
    )
    return carrier


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def cold_count_queries(client, url) -> int:
    """The queries of a page whose filter bar reads its choices afresh: those choices are cached
    until the tables they read change, and adding rows may or may not touch those tables."""
    cache.clear()
    return count_queries(client, url)


@pytest.mark.parametrize("key", list(REGISTERS))
@pytest.mark.usefixtures("render_afresh")
def test_each_list_and_its_export_use_a_constant_number_of_queries(client, center_staff, key):
    client.force_login(center_staff)
    url = reverse(f"brokers:{key}_list")
    make_rows(key, 1)
    one = cold_count_queries(client, url)
    one_export = cold_count_queries(client, url + "?export=xlsx")
    make_rows(key, 2)
    assert cold_count_queries(client, url) == one
    assert cold_count_queries(client, url + "?export=xlsx") == one_export


API_LISTS = [
    "brokers",
    "tech-contracts",
    "venture-rounds",
    "funds",
    "intermediaries",
    "poc-centers",
]
API_KEYS = {
    "funds": "fund",
    "brokers": "broker",
    "tech-contracts": "contract",
    "venture-rounds": "venture",
    "intermediaries": "intermediary",
    "poc-centers": "poc",
}


@pytest.mark.parametrize("endpoint", API_LISTS)
def test_api_lists_are_scoped_paginated_and_constant_in_queries(client, center_staff, endpoint):
    client.force_login(center_staff)
    url = f"/api/v1/{endpoint}/"
    make_rows(API_KEYS[endpoint], 1)
    one = count_queries(client, url)
    make_rows(API_KEYS[endpoint], 2)
    assert count_queries(client, url) == one
    assert client.get(url).json()["count"] == (6 if endpoint == "funds" else 3)


def test_api_scoping_for_brokers_and_others(client, broker, liaison, leader):
    mine = TechContractFactory(brokers=[(broker, 100)])
    TechContractFactory(brokers=[(BrokerFactory(), 100)])
    client.force_login(broker.user)
    assert [c["id"] for c in client.get("/api/v1/tech-contracts/").json()["results"]] == [mine.pk]
    assert [b["id"] for b in client.get("/api/v1/brokers/").json()["results"]] == [broker.pk]
    assert client.get("/api/v1/venture-rounds/").status_code == 403
    client.force_login(liaison)
    assert client.get("/api/v1/tech-contracts/").json()["count"] == 0
    assert client.get("/api/v1/poc-centers/").status_code == 403
    client.force_login(leader)
    assert client.get("/api/v1/tech-contracts/", {"year": 2024}).json()["count"] == 2


def test_the_openapi_schema_is_valid():
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=StringIO())


def test_staff_rate_an_intermediary_and_run_a_poc_center_in_the_browser(client, center_staff):
    client.force_login(center_staff)
    rating = IntermediaryRatingFactory()
    intermediary = rating.intermediary
    response = client.post(
        reverse("brokers:intermediary_detail", args=[intermediary.pk]),
        {
            "year": 2025,
            "rating": "good",
            "score": "88",
            "demonstration": "on",
            "proposed_amount": "60",
        },
    )
    assert response.status_code == 302
    assert intermediary.ratings.get(year=2025).proposed_amount == wan(60)

    center = PocCenterFactory()
    url = reverse("brokers:poc_detail", args=[center.pk])
    client.post(url, {"action": "recognise", "year": 2022, "support": "100"})
    center.refresh_from_db()
    assert (center.status, center.recognised_year, center.recognised_by) == (
        PocStatus.RECOGNISED,
        2022,
        center_staff,
    )
    achievement = landed_achievement()
    client.post(
        url,
        {"action": "project", "achievement": achievement.pk, "year": 2023, "contribution": "800"},
    )
    refused = client.post(url, {"action": "evaluate", "year": 2023, "rating": "good"})
    assert "不是该中心的评估年度" in refused.content.decode()
    client.post(url, {"action": "evaluate", "year": 2024, "rating": "excellent"})
    assert center.evaluations.get().rating == "excellent"
    assert center.projects.get().contribution == wan(800)
    page = client.get(url).content.decode()
    assert "800万元" in page and "优秀" in page


def test_seed_demo_fills_the_registers_and_runs_twice(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    counts = {
        model: model.objects.count()
        for model in (
            m.Broker,
            m.TechContract,
            m.VentureRound,
            m.Intermediary,
            m.IntermediaryRating,
            m.PocCenter,
            m.PocProject,
            m.PocEvaluation,
            m.SubsidisedEvent,
            m.OutstandingIndividual,
            m.RewardList,
            m.RewardLine,
            m.MajorProject,
            m.GazelleEnterprise,
            m.CooperationProject,
            m.InnovationComplex,
            m.DemonstrationTown,
        )
    }
    assert all(counts.values()), counts
    assert m.Broker.objects.get(user__username="broker_sun").status == "in_library"
    assert m.RewardList.objects.get(year=2024).status == "approved"
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    assert {model: model.objects.count() for model in counts} == counts
