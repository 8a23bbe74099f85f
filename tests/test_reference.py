import filecmp
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from achievements.choices import (
    TRL_STAGES,
    AchievementKind,
    CooperationMode,
    IpType,
    SourceChannel,
)
from quotas.models import CityTarget, DiscoveryTarget, LandingQuota
from towns.models import Division, Industry, PolicyValue, Unit
from towns.policy import policy_value

pytestmark = pytest.mark.django_db

SHARED_REFERENCE = settings.BASE_DIR.parent / "shared" / "reference"


def load_policy() -> dict:
    return json.loads((settings.REFERENCE_DIR / "policy.json").read_text(encoding="utf-8"))


def test_every_division_is_loaded_with_its_kind():
    assert Division.objects.count() == 36
    assert Division.objects.filter(kind="street").count() == 4
    assert Division.objects.filter(kind="town").count() == 28
    assert Division.objects.filter(kind="park").count() == 4
    songshanhu = Division.objects.get(code="441900401")
    assert (songshanhu.short_name, songshanhu.kind) == ("松山湖", "park")
    assert Division.objects.get(short_name="滨海湾新区").code == "441900404"
    dongcheng = Division.objects.get(name="东城街道")
    assert (dongcheng.code, dongcheng.kind, dongcheng.area) == ("441900003", "street", "城区片区")


def test_every_unit_is_loaded_and_each_division_is_a_unit():
    assert Unit.objects.count() == 61
    assert Unit.objects.filter(kind="division").count() == 36
    assert set(Unit.objects.filter(kind="division").values_list("code", flat=True)) == set(
        Division.objects.values_list("code", flat=True)
    )
    kjj = Unit.objects.get(code="kjj")
    assert (kjj.short_name, kjj.kind, kjj.default_discovery_target) == ("市科技局", "bureau", 500)
    assert Unit.objects.get(code="dongshi").short_name == "东实集团"
    assert Unit.objects.get(code="center").kind == "service_center"
    assert Unit.objects.get(code="dgut").default_discovery_target == 20
    assert Unit.objects.get(code="slab").division.short_name == "松山湖"
    assert Unit.objects.get(code="441900401").default_discovery_target == 50
    assert Unit.objects.get(code="441900119").default_discovery_target == 10


def test_industry_taxonomy():
    assert Industry.objects.count() == 22
    assert Industry.objects.filter(category="strategic_emerging").count() == 9
    assert Industry.objects.get(code="S07").name == "人工智能"
    assert Industry.objects.get(code="T08").name == "模具"


def test_quotas_targets_and_city_targets():
    quotas_2024 = LandingQuota.objects.filter(year=2024)
    assert quotas_2024.count() == 26
    assert sum(q.quota for q in quotas_2024) == 123
    assert quotas_2024.get(unit__code="kjj").quota == 60
    assert quotas_2024.get(unit__code="441900401").quota == 13
    assert "新材料" in quotas_2024.get(unit__code="kjj").landmark_requirement
    assert (
        CityTarget.objects.get(year=2026, metric="achievements_discovered_cumulative").target
        == 1000
    )
    assert CityTarget.objects.get(year=2025, metric="tech_contract_amount").target == Decimal(
        "26000000000"
    )
    assert DiscoveryTarget.objects.get(year=2025, unit__code="kjj").target == 500
    assert DiscoveryTarget.objects.filter(year=2024).count() == 57


def test_policy_numbers_come_from_policy_json_and_fall_back_by_year():
    assert policy_value("incentives.broker_commission_cap", year=2024) == Decimal("500000")
    assert policy_value("incentives.broker_commission_rate", year=2025) == Decimal("0.05")
    assert policy_value("landing.platform.service_revenue_min", year=2024) == Decimal("100000")
    assert policy_value("landing.project.local_revenue_min", year=2024) == Decimal("1000000")
    assert policy_value("escalation.city_leader_min", year=2024) == Decimal("500000000")
    assert policy_value("escalation.bureau_leaders_min", year=2024) == Decimal("100000000")
    assert policy_value("evaluation.fast_track_due_days", year=2026) == 7

    PolicyValue.objects.filter(year=2026, key="incentives.broker_commission_cap").update(
        value=Decimal("600000")
    )
    PolicyValue.objects.get(year=2026, key="incentives.broker_commission_cap").save()
    # A later year without its own row uses the latest earlier one.
    assert policy_value("incentives.broker_commission_cap", year=2027) == Decimal("600000")
    assert policy_value("incentives.broker_commission_cap", year=2025) == Decimal("500000")
    # An earlier year than any loaded uses the earliest.
    assert policy_value("incentives.broker_commission_cap", year=2020) == Decimal("500000")


def test_load_reference_twice_leaves_the_same_rows():
    before = {
        model: sorted(model.objects.values_list("pk", flat=True))
        for model in (
            Division,
            Unit,
            Industry,
            PolicyValue,
            LandingQuota,
            CityTarget,
            DiscoveryTarget,
        )
    }
    out = StringIO()
    call_command("load_reference", stdout=out)
    call_command("load_reference", stdout=out)
    after = {model: sorted(model.objects.values_list("pk", flat=True)) for model in before}
    assert after == before
    assert "参考数据已加载" in out.getvalue()


def test_admin_edits_survive_a_reload():
    target = DiscoveryTarget.objects.get(year=2026, unit__code="441900110")
    target.target = 50
    target.innovation_strong_town = True
    target.save()
    call_command("load_reference", stdout=StringIO())
    target.refresh_from_db()
    assert (target.target, target.innovation_strong_town) == (50, True)


def test_choices_match_policy_json():
    policy = load_policy()
    assert [c.label for c in AchievementKind] == [k["name"] for k in policy["achievement_kinds"]]
    assert [c.value for c in AchievementKind] == [k["code"] for k in policy["achievement_kinds"]]
    assert [c.label for c in CooperationMode] == policy["cooperation_modes"]
    assert [c.label for c in SourceChannel] == policy["source_channels"]
    assert [c.label for c in IpType] == policy["ip_types"]
    assert [(levels.start, levels.stop - 1, str(name)) for levels, name in TRL_STAGES] == [
        (s["trl"][0], s["trl"][1], s["name"]) for s in policy["trl_stages"]
    ]


@pytest.mark.skipif(not SHARED_REFERENCE.exists(), reason="no ../shared/reference beside the repo")
def test_shipped_reference_files_equal_the_shared_ones():
    shipped = Path(settings.REFERENCE_DIR)
    names = sorted(p.name for p in SHARED_REFERENCE.iterdir() if p.is_file())
    match, mismatch, errors = filecmp.cmpfiles(SHARED_REFERENCE, shipped, names, shallow=False)
    assert (mismatch, errors) == ([], [])
