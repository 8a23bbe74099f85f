"""The read-only figures API: who may read it, what a bad year gets, its schema, its shape."""

from datetime import date

import pytest
import yaml
from django.urls import reverse

from ..achievements.landing.factories import landed_case
from ..factories import unit
from .factories import LandingQuotaFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = (
    "figures-kpis",
    "figures-landing-quotas",
    "figures-discovery-targets",
    "figures-funnel",
)


@pytest.mark.parametrize("name", ENDPOINTS)
def test_the_figures_are_refused_to_roles_that_do_not_read_everything(
    client, name, liaison, evaluator, enterprise_user, broker_user
):
    assert client.get(reverse(name)).status_code in (401, 403)
    for user in (liaison, evaluator, enterprise_user, broker_user):
        client.force_login(user)
        assert client.get(reverse(name), {"year": 2025}).status_code == 403, user.role


@pytest.mark.parametrize("name", ENDPOINTS)
@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("abc", "年度应为四位数字，例如 2026。"),
        ("1999", "年度不能早于 2000 年。"),
        ("2101", "年度不能晚于 2100 年。"),
    ],
)
def test_a_bad_year_is_refused_in_chinese(client, leader, name, year, message):
    client.force_login(leader)
    response = client.get(reverse(name), {"year": year})
    assert response.status_code == 400
    assert response.json() == {"year": [message]}


def test_the_landing_quota_figures_of_a_year(client, leader, center_staff):
    landed_case(center_staff, on=date(2024, 6, 1), where="441900119")  # 长安: quota 6
    landed_case(center_staff, on=date(2024, 7, 1), where="441900103")  # 茶山: no 2024 quota
    LandingQuotaFactory(year=2025, unit=unit("441900103"), quota=2)
    landed_case(center_staff, on=date(2025, 3, 1), where="441900103")
    client.force_login(leader)
    figures = client.get(reverse("figures-landing-quotas"), {"year": 2024}).json()
    rows = {row["unit"]: row for row in figures["results"]}
    assert rows["441900103"] == {
        "unit": "441900103",
        "unit_name": "茶山镇",
        "quota": None,
        "landed": 1,
        "offset_in": 0,
        "offset_out": 1,
        "offset_to": 2025,
        "completed": 0,
        "percent": 0,
        "remaining": None,
        "surplus": 0,
    }
    assert (rows["441900119"]["quota"], rows["441900119"]["completed"]) == (6, 1)
    assert figures["totals"] == {
        "quota": 123,
        "landed": 2,
        "offset_in": 0,
        "offset_out": 1,
        "completed": 1,
        "percent": 1,
        "remaining": 122,
        "surplus": 0,
        "units_met": 0,
        "units_with_quota": 26,
    }
    chashan = client.get(reverse("figures-landing-quotas"), {"year": 2025}).json()["results"]
    assert [
        (r["unit"], r["quota"], r["landed"], r["offset_in"], r["completed"]) for r in chashan
    ] == [("441900103", 2, 1, 1, 2)]
    kpis = {
        k["key"]: k for k in client.get(reverse("figures-kpis"), {"year": 2024}).json()["results"]
    }
    assert kpis["achievements_landed"] == {
        "key": "achievements_landed",
        "label": "当年落地科技成果",
        "value": 2,
        "target": 100,
        "target_year": 2024,
        "comparison": ">=",
        "met": False,
        "unit": "count",
    }
    funnel = client.get(reverse("figures-funnel"), {"year": 2024}).json()["results"]
    assert [(s["key"], s["count"]) for s in funnel] == [
        ("discovered", 3),  # the 2025 landing was discovered on 2024-12-31
        ("evaluated", 2),
        ("service", 2),
        ("landed", 2),
    ]
    targets = client.get(reverse("figures-discovery-targets"), {"year": 2024}).json()["results"]
    dgut = next(row for row in targets if row["unit"] == "dgut")
    assert (dgut["target"], dgut["discovered"]) == (20, 3)


def test_the_figures_are_documented_in_the_openapi_schema(client):
    schema = yaml.safe_load(client.get(reverse("api-schema")).content)
    for path in ("kpis", "landing-quotas", "discovery-targets", "funnel"):
        operation = schema["paths"][f"/api/v1/figures/{path}/"]["get"]
        assert [p["name"] for p in operation["parameters"]] == ["year"]
        assert {"200", "400", "401", "403"} <= set(operation["responses"])
    quota = schema["components"]["schemas"]["LandingQuota"]["properties"]
    assert {"unit", "quota", "landed", "offset_in", "offset_out", "completed", "surplus"} <= set(
        quota
    )
    assert quota["offset_in"]["description"] == "上年抵扣"


@pytest.mark.parametrize("name", ENDPOINTS)
def test_the_figures_keep_their_query_count(
    client, leader, center_staff, name, django_assert_max_num_queries
):
    client.force_login(leader)
    landed_case(center_staff, on=date(2024, 6, 1), where="441900119")
    landed_case(center_staff, on=date(2024, 6, 2), where="441900103")
    with django_assert_max_num_queries(40) as few:
        client.get(reverse(name), {"year": 2024})
    for day, where in ((date(2024, 7, 1), "441900103"), (date(2024, 8, 1), "441900129")):
        landed_case(center_staff, on=day, where=where)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse(name), {"year": 2024})
