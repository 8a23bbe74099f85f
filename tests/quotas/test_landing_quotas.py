"""Landing quotas: the 2024 annex and its landmark requirements, the one credit rule, the
offset (抵扣) of divisions without a quota, surpluses, and staff editing a year's quotas."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from openpyxl import load_workbook

from achievements.choices import AchievementKind, CreditBasis
from achievements.models import Landing
from quotas import selectors
from quotas.models import LandingQuota, LandmarkRequirement
from quotas.reference import parse_landmark_requirement
from quotas.services import landing_quotas_copy
from towns.models import Industry

from ..achievements.landing.factories import YI, landed_case
from ..factories import unit
from .factories import LandingQuotaFactory

pytestmark = pytest.mark.django_db

ANNEX_2024 = [
    ("kjj", 60),
    ("441900401", 13),
    ("441900404", 3),
    ("441900119", 6),
    ("441900003", 4),
    ("441900115", 3),
    ("441900111", 3),
    ("441900104", 3),
    ("441900118", 3),
    ("441900122", 3),
    ("441900107", 2),
    ("441900116", 2),
    ("441900110", 2),
    ("441900005", 2),
    ("441900102", 2),
    ("441900127", 2),
    ("441900113", 1),
    ("441900109", 1),
    ("441900123", 1),
    ("441900121", 1),
    ("441900106", 1),
    ("441900004", 1),
    ("441900101", 1),
    ("441900114", 1),
    ("441900117", 1),
    ("441900128", 1),
]


def progress_of(code: str, year: int):
    return next(row for row in selectors.quota_progress(year) if row.unit.code == code)


# --- The 2024 annex -----------------------------------------------------------------------------


def test_the_2024_annex_is_loaded_in_its_order_and_sums_to_123():
    rows = [(q.unit.code, q.quota) for q in LandingQuota.objects.filter(year=2024)]
    assert rows == ANNEX_2024
    assert sum(quota for _code, quota in rows) == 123


def test_the_landmark_requirements_are_read_from_the_annex_text():
    kjj = LandmarkRequirement.objects.filter(quota__year=2024, quota__unit__code="kjj")
    assert [(r.field.name, r.count, r.min_contribution) for r in kjj] == [
        ("新材料", 1, YI),
        ("生物医药及高端医疗器械", 1, YI),
        ("人工智能", 1, YI),
    ]
    ssh = LandmarkRequirement.objects.get(quota__year=2024, quota__unit__code="441900401")
    assert (ssh.field, ssh.count, ssh.min_contribution) == (None, 1, YI)
    assert LandmarkRequirement.objects.count() == 4


def test_an_unreadable_landmark_text_is_a_loud_error():
    industries = list(Industry.objects.all())
    assert parse_landmark_requirement("", industries) == []
    [two] = parse_landmark_requirement(
        "人工智能领域各落地两个不少于5亿元综合经济贡献的标杆性成果", industries
    )
    assert (two.field.code, two.count, two.min_contribution) == ("S07", 2, 5 * YI)
    with pytest.raises(ImproperlyConfigured, match="cannot read"):
        parse_landmark_requirement("争取落地若干标杆性成果", industries)
    with pytest.raises(ImproperlyConfigured, match="no single industry"):
        parse_landmark_requirement(
            "量子领域各落地一个不少于1亿元综合经济贡献的标杆性成果", industries
        )


# --- The credit rule ----------------------------------------------------------------------------


def test_a_landing_of_an_achievement_of_a_quota_holding_bureau_counts_for_the_bureau(center_staff):
    landing = landed_case(
        center_staff,
        on=date(2024, 9, 1),
        where="441900401",
        discovering_unit=unit("kjj"),
        kind=AchievementKind.PROJECT,
    )
    assert (landing.credited_unit.code, landing.credit_basis) == (
        "kjj",
        CreditBasis.DISCOVERING_UNIT_QUOTA,
    )
    assert progress_of("kjj", 2024).landed == 1
    assert progress_of("441900401", 2024).landed == 0


def test_without_a_quota_that_year_the_bureau_landing_counts_where_it_landed(center_staff):
    landing = landed_case(
        center_staff, on=date(2025, 3, 1), where="441900401", discovering_unit=unit("kjj")
    )
    assert not LandingQuota.objects.filter(year=2025).exists()
    assert (landing.credited_unit.code, landing.credit_basis) == (
        "441900401",
        CreditBasis.LANDING_DIVISION,
    )


@pytest.mark.parametrize("discoverer", ["dgut", "gxj", "441900119", "441900401"])
def test_other_landings_count_for_the_division_where_they_landed(center_staff, discoverer):
    landing = landed_case(
        center_staff, on=date(2024, 9, 1), where="441900003", discovering_unit=unit(discoverer)
    )
    assert (landing.credited_unit.code, landing.credit_basis) == (
        "441900003",
        CreditBasis.LANDING_DIVISION,
    )


def test_the_credited_unit_and_its_reason_show_on_the_landing(client, center_staff):
    landing = landed_case(
        center_staff, on=date(2024, 9, 1), where="441900003", discovering_unit=unit("kjj")
    )
    client.force_login(center_staff)
    page = client.get(
        reverse("achievements:achievement_detail", args=[landing.achievement_id])
    ).content.decode()
    assert "发现单位市科技局承担2024年落地任务，计入该单位。" in page
    assert "发现单位承担当年落地任务" in page


# --- Offsets and surpluses ----------------------------------------------------------------------


def test_a_division_without_a_quota_offsets_its_next_year_quota(center_staff, portal_admin):
    for day in (date(2024, 4, 1), date(2024, 10, 1)):
        landed_case(center_staff, on=day, where="441900103")  # 茶山: no 2024 quota
    chashan_2024 = progress_of("441900103", 2024)
    assert (chashan_2024.quota, chashan_2024.landed, chashan_2024.offset_out) == (None, 2, 2)
    assert (chashan_2024.offset_to, chashan_2024.completed) == (2025, 0)
    landing_quotas_copy(from_year=2024, to_year=2025, acting_user=portal_admin)
    LandingQuotaFactory(year=2025, unit=unit("441900103"), quota=3)
    landed_case(center_staff, on=date(2025, 5, 1), where="441900103")
    landed_case(center_staff, on=date(2025, 6, 1), where="441900103")
    chashan = progress_of("441900103", 2025)
    assert (chashan.quota, chashan.offset_in, chashan.landed, chashan.completed) == (3, 2, 2, 4)
    assert (chashan.met, chashan.surplus, chashan.remaining, chashan.percent) == (True, 1, 0, 100)
    # The offset is used up by the year that had a quota.
    LandingQuotaFactory(year=2026, unit=unit("441900103"), quota=3)
    assert progress_of("441900103", 2026).offset_in == 0


def test_landings_carry_on_until_a_year_with_a_quota(center_staff, portal_admin):
    landed_case(center_staff, on=date(2024, 6, 1), where="441900129")  # 高埗
    landing_quotas_copy(from_year=2024, to_year=2025, acting_user=portal_admin)
    landed_case(center_staff, on=date(2025, 6, 1), where="441900129")
    gaobu_2025 = progress_of("441900129", 2025)
    # Each year's landings leave once, from the year they landed in; none is completed twice.
    assert (gaobu_2025.landed, gaobu_2025.offset_in, gaobu_2025.offset_out) == (1, 0, 1)
    assert (gaobu_2025.offset_to, gaobu_2025.completed) == (2026, 0)
    LandingQuotaFactory(year=2026, unit=unit("441900129"), quota=1)
    gaobu = progress_of("441900129", 2026)
    assert (gaobu.offset_in, gaobu.landed, gaobu.completed, gaobu.met) == (2, 0, 2, True)
    assert progress_of("441900129", 2024).offset_to == 2026


def test_a_year_without_a_quota_table_offsets_nothing(center_staff):
    """No quotas were set for 2025: its landings count in 2025, there is nothing to offset."""
    landed_case(center_staff, on=date(2025, 6, 1), where="441900129")
    LandingQuotaFactory(year=2026, unit=unit("441900129"), quota=1)
    gaobu_2025 = progress_of("441900129", 2025)
    assert (gaobu_2025.landed, gaobu_2025.offset_out, gaobu_2025.completed) == (1, 0, 1)
    assert progress_of("441900129", 2026).offset_in == 0


def test_a_division_with_a_quota_carries_nothing_and_shows_its_surplus(center_staff):
    for month in (3, 4, 5):
        landed_case(center_staff, on=date(2024, month, 1), where="441900113")  # 大朗: quota 1
    dalang = progress_of("441900113", 2024)
    assert (dalang.completed, dalang.surplus, dalang.offset_out) == (3, 2, 0)
    LandingQuotaFactory(year=2025, unit=unit("441900113"), quota=1)
    assert progress_of("441900113", 2025).offset_in == 0


def test_a_revoked_landing_counts_nowhere(client, center_staff):
    landing = landed_case(center_staff, on=date(2024, 6, 1), where="441900113")
    client.force_login(center_staff)
    client.post(
        reverse("achievements:landing_revoke", args=[landing.achievement_id]), {"reason": "误认定"}
    )
    assert progress_of("441900113", 2024).landed == 0
    assert not Landing.objects.landed().exists()


def test_field_landmarks_count_landings_of_the_field_with_enough_contribution(center_staff):
    def kjj_landing(field, contribution):
        return landed_case(
            center_staff,
            on=date(2024, 11, 1),
            where="441900401",
            discovering_unit=unit("kjj"),
            field=Industry.objects.get(code=field),
            contribution=contribution,
        )

    kjj_landing("S04", YI)
    kjj_landing("S06", YI - Decimal("0.01"))
    kjj_landing("S01", 3 * YI)
    landmarks = {
        item.requirement.field.code: item.achieved for item in progress_of("kjj", 2024).landmarks
    }
    assert landmarks == {"S04": 1, "S06": 0, "S07": 0}
    assert progress_of("kjj", 2024).landmarks_met is False


# --- The annex table page and editing ----------------------------------------------------------


def test_the_annex_table_shows_each_unit_progress_beside_its_quota(client, leader, center_staff):
    landed_case(center_staff, on=date(2024, 6, 1), where="441900119")
    landed_case(center_staff, on=date(2024, 7, 1), where="441900108")  # 谢岗: no quota
    client.force_login(leader)
    page = client.get(reverse("quotas:landing_quotas"), {"year": 2024}).content.decode()
    assert page.index('data-unit="kjj"') < page.index('data-unit="441900401"')
    assert page.index('data-unit="441900404"') < page.index('data-unit="441900119"')
    assert 'data-testid="quota-sum">123' in page
    assert "1 项抵扣2025年落地任务" in page
    response = client.get(reverse("quotas:landing_quotas"), {"year": 2024, "export": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:6] == (
        "单位",
        "落地任务（项）",
        "落地数（项）",
        "上年抵扣（项）",
        "转抵以后年度（项）",
        "完成数（项）",
    )
    changan = next(row for row in rows if row[0] == "长安镇")
    assert changan[1:6] == (6, 1, 0, 0, 1)
    xiegang = next(row for row in rows if row[0] == "谢岗镇")
    assert xiegang[1:6] == ("无任务", 1, 0, 1, 0)
    assert rows[-1][:6] == ("合计", 123, 2, 0, 1, 1)
    assert sheet.freeze_panes == "A2"


def test_staff_start_a_year_from_the_last_and_edit_it(client, center_staff, leader):
    client.force_login(leader)
    assert client.get(reverse("quotas:landing_quotas_edit"), {"year": 2025}).status_code == 403
    client.force_login(center_staff)
    page = client.get(reverse("quotas:landing_quotas_edit"), {"year": 2025}).content.decode()
    assert 'data-testid="copy-quotas"' in page
    client.post(
        reverse("quotas:landing_quotas_edit") + "?year=2025", {"year": 2025, "copy_from": 2024}
    )
    assert LandingQuota.objects.filter(year=2025).count() == 26
    assert LandmarkRequirement.objects.filter(quota__year=2025).count() == 4
    form = {"year": 2025}
    for quota in LandingQuota.objects.filter(year=2025):
        form[f"quota_{quota.unit_id}"] = quota.quota
        form[f"direction_{quota.unit_id}"] = quota.direction
    form[f"quota_{unit('441900103').pk}"] = 2  # 茶山 gets a quota
    form[f"quota_{unit('441900128').pk}"] = ""  # 中堂 has none this year
    form[f"quota_{unit('441900119').pk}"] = -1
    refused = client.post(reverse("quotas:landing_quotas_edit") + "?year=2025", form)
    assert refused.status_code == 200 and "确保该值大于或等于0" in refused.content.decode()
    form[f"quota_{unit('441900119').pk}"] = 8
    client.post(reverse("quotas:landing_quotas_edit") + "?year=2025", form)
    quotas = dict(LandingQuota.objects.filter(year=2025).values_list("unit__code", "quota"))
    assert (quotas["441900103"], quotas["441900119"], "441900128" in quotas) == (2, 8, False)
    assert sum(quotas.values()) == 123 - 1 + 2 + 2
    assert (
        LandingQuota.objects.get(year=2025, unit__code="441900119").history.first().history_user
        == center_staff
    )
    with pytest.raises(Exception, match="已有落地任务"):
        landing_quotas_copy(from_year=2024, to_year=2025, acting_user=center_staff)
