"""KPI selectors for the leaders' dashboard and the town-programme registers with their targets."""

import csv
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from brokers import selectors
from brokers.choices import InvestmentRound, Programme
from brokers.models import (
    GazelleEnterprise,
    ProgrammeTarget,
)

from ..factories import AchievementFactory, credit_code, division, industry
from .factories import (
    CooperationProjectFactory,
    DemonstrationTownFactory,
    GazelleEnterpriseFactory,
    InnovationComplexFactory,
    MajorProjectFactory,
    TechContractFactory,
    VentureRoundFactory,
    landed_achievement,
    service_achievement,
    wan,
)

pytestmark = pytest.mark.django_db

SEED_000 = Path(settings.BASE_DIR).parent / "shared" / "seeds" / "000_49608b70eaaf8d8d.txt"


def test_registered_contract_amount_of_a_year_sums_its_contracts():
    TechContractFactory(amount=wan(300), registered_on=date(2024, 1, 1))
    TechContractFactory(amount=Decimal("1234567.89"), registered_on=date(2024, 12, 31))
    TechContractFactory(amount=wan(999), registered_on=date(2025, 1, 1))
    assert selectors.tech_contract_amount(2024) == Decimal("4234567.89")
    assert selectors.tech_contract_count(2024) == 2
    assert selectors.tech_contract_amount(2023) == Decimal("0.00")


def venture(achievement, amount, when):
    return VentureRoundFactory(
        achievement=achievement,
        investor="深创投",
        round=InvestmentRound.A,
        amount=amount,
        invested_on=when,
    )


def test_venture_capital_counts_landed_achievements_cumulatively_up_to_the_year():
    landed, other_landed = landed_achievement(), landed_achievement()
    venture(landed, wan(3000), date(2024, 5, 1))
    venture(other_landed, wan(2000), date(2025, 3, 1))
    venture(landed, wan(500), date(2026, 1, 1))
    venture(service_achievement(), wan(8000), date(2024, 6, 1))  # not landed: not counted
    venture(AchievementFactory(), wan(100), date(2024, 6, 1))
    assert selectors.venture_capital_raised_cumulative(2024) == wan(3000)
    assert selectors.venture_capital_raised_cumulative(2025) == wan(5000)
    assert selectors.venture_capital_raised_cumulative(2026) == wan(5500)


def seed_numbers() -> dict[str, tuple]:
    rows = csv.DictReader(
        (settings.REFERENCE_DIR / "programme_targets.csv").open(encoding="utf-8-sig")
    )
    return {row["programme"]: row for row in rows}


def test_programme_targets_are_loaded_from_the_reference_file_citing_the_seed():
    rows = seed_numbers()
    assert set(rows) == set(Programme.values)
    for programme, row in rows.items():
        target = ProgrammeTarget.objects.get(programme=programme, year=int(row["year"]))
        assert target.target == int(row["target"])
        assert row["source"].split("……")[-1] in target.source
    range_target = ProgrammeTarget.objects.get(programme=Programme.DEMONSTRATION_TOWNS)
    assert (range_target.target, range_target.target_max) == (2, 3)
    # The action plan's innovation-complex target comes from city_targets.csv.
    assert (
        ProgrammeTarget.objects.get(programme=Programme.INNOVATION_COMPLEXES, year=2026).target
        == 10
    )


@pytest.mark.skipif(not SEED_000.exists(), reason="no ../shared/seeds beside the repo")
def test_each_cited_sentence_and_its_number_are_in_the_seed():
    text = re.sub(r"\s+", "", SEED_000.read_text(encoding="utf-8"))
    for row in seed_numbers().values():
        sentence = row["source"].split("……")[-1]
        assert sentence in text
        assert row["target"] in sentence


def test_programme_progress_counts_entries_up_to_the_year_against_the_target_in_force():
    for year in (2023, 2023, 2024):
        MajorProjectFactory(
            name=f"项目{year}",
            lead_enterprise="企业",
            division=division("441900119"),
            field=industry("S05"),
            year=year,
        )
    MajorProjectFactory(
        name="松山湖项目",
        lead_enterprise="企业",
        division=division("441900401"),
        field=industry("S05"),
        year=2023,
    )
    GazelleEnterpriseFactory(
        name="瞪羚",
        credit_code=credit_code(1),
        division=division("441900119"),
        field=industry("S05"),
        year=2024,
    )
    CooperationProjectFactory(
        title="产学研",
        enterprise="企业",
        institution="东莞理工学院",
        division=division("441900119"),
        signed_on=date(2025, 2, 1),
    )
    InnovationComplexFactory(
        name="综合体", division=division("441900119"), operator="运营", year=2024
    )
    DemonstrationTownFactory(division=division("441900119"), year=2025)

    progress = {p.programme: p for p in selectors.programme_progress(2024)}
    assert {k: p.actual for k, p in progress.items()} == {
        "major_projects": 4,
        "gazelles": 1,
        "cooperation_projects": 0,
        "innovation_complexes": 1,
        "demonstration_towns": 0,
    }
    # 2024: the 2023 milestones have passed; the 2025 ones are next.
    assert progress["major_projects"].target.year == 2023
    assert progress["major_projects"].target_text == "不少于100项"
    assert progress["innovation_complexes"].target.year == 2025
    assert progress["demonstration_towns"].target_text == "2—3个"
    assert progress["major_projects"].met is False
    later = {p.programme: p for p in selectors.programme_progress(2026)}
    assert later["innovation_complexes"].target.target == 10
    assert later["demonstration_towns"].actual == 1
    assert selectors.programme_by_division(Programme.MAJOR_PROJECTS, 2024) == [
        {"division__code": "441900119", "division__name": "长安镇", "n": 3},
        {"division__code": "441900401", "division__name": "东莞松山湖高新技术产业开发区", "n": 1},
    ]


def test_leader_home_shows_the_transfer_kpis_equal_to_the_selectors(client, leader):
    from django.utils import timezone

    year = timezone.localdate().year
    TechContractFactory(amount=wan(1500), registered_on=date(year, 1, 5))
    venture(landed_achievement(), wan(2500), date(year, 2, 1))
    client.force_login(leader)
    response = client.get(reverse("quotas:home"))
    kpis = response.context["kpis"]
    assert kpis.tech_contract_amount == selectors.tech_contract_amount(year) == wan(1500)
    assert kpis.venture_capital_cumulative == wan(2500)
    content = response.content.decode()
    assert 'data-testid="transfer-kpis"' in content
    assert "1,500万元" in content and "2,500万元" in content


def test_programme_overview_and_register_pages(client, center_staff, leader):
    client.force_login(leader)
    overview = client.get(reverse("brokers:programme_overview")).content.decode()
    for label in Programme.labels:
        assert str(label) in overview
    assert "市重大科技项目库中镇街入库项目达到100项" in overview
    # Leaders read, staff register.
    assert client.get(reverse("brokers:gazelle_create")).status_code == 403
    client.force_login(center_staff)
    response = client.post(
        reverse("brokers:gazelle_create"),
        {
            "name": "东莞市精诚注塑科技有限公司",
            "credit_code": credit_code(7),
            "division": division("441900119").pk,
            "field": industry("S05").pk,
            "year": 2024,
        },
    )
    assert response.url == reverse("brokers:gazelle_list")
    assert GazelleEnterprise.objects.get().created_by == center_staff
    page = client.get(reverse("brokers:gazelle_list")).content.decode()
    assert "东莞市精诚注塑科技有限公司" in page and "长安镇" in page
    bad = client.post(
        reverse("brokers:gazelle_create"),
        {"name": "X", "credit_code": "123", "division": "", "field": "", "year": ""},
    )
    assert bad.status_code == 200 and GazelleEnterprise.objects.count() == 1
