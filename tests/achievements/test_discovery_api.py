"""REST API /api/v1/achievements/: the same filters as the list, each role's rights, the schema."""

from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from achievements.choices import AchievementStatus
from achievements.models import Achievement

from ..factories import api_token, unit
from .factories import LibraryAchievementFactory
from .test_discovery_list import library, make_rows  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
URL = "/api/v1/achievements/"


def payload(**overrides) -> dict:
    data = {
        "title": "高导热氮化铝陶瓷基板",
        "summary": "热导率 230 W/(m·K)，较氧化铝基板提升 8 倍。",
        "kind": "project",
        "field": "S04",
        "trl": 6,
        "ip_types": ["invention_patent"],
        "holder": "东莞理工学院",
        "contact_name": "陈教授",
        "contact_phone": "138 0013 8000",
        "expected_contribution": "50000000.00",
        "cooperation_modes": ["transfer"],
        "landing_division": "441900119",
    }
    data.update(overrides)
    return data


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("q=正极", "battery"),
        ("unit=441900401", "chip"),
        ("field=S04", "platform"),
        ("kind=enterprise", "chip"),
        ("status=service", "platform"),
        ("year=2025", "battery"),
        ("trl=8", "chip"),
        ("division=441900119", "battery"),
        ("cooperation=equity", "chip"),
    ],
)
def test_api_filters_match_the_list_page(staff_client, library, query, key):  # noqa: F811
    assert ids(staff_client.get(f"{URL}?{query}")) == [library[key].pk]


def test_api_ordering(staff_client, library):  # noqa: F811
    response = staff_client.get(URL, {"ordering": "-expected_contribution"})
    assert ids(response)[:2] == [library["chip"].pk, library["battery"].pk]


def test_api_record_shape(staff_client, library):  # noqa: F811
    data = staff_client.get(f"{URL}{library['battery'].pk}/").json()
    assert data["title"] == "钠离子电池正极材料"
    assert (data["field"], data["discovering_unit"], data["landing_division"]) == (
        "S05",
        "dgut",
        "441900119",
    )
    assert (data["trl"], data["trl_stage"], data["status"], data["status_display"]) == (
        5,
        "小试",
        "submitted",
        "发现库",
    )
    assert data["expected_contribution"] == "30000000.00"
    assert data["cooperation_modes"] == ["transfer"]
    assert data["contact_phone"] == "13800138000" and data["contact_masked"] is False


def test_liaison_registers_edits_and_submits_through_the_api(liaison_client, liaison):
    response = liaison_client.post(
        URL, payload(discovering_unit="441900119"), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["status"], data["discovering_unit"], data["contact_phone"]) == (
        "draft",
        "dgut",
        "13800138000",
    )
    achievement = Achievement.objects.get()
    assert achievement.liaison == liaison and achievement.title_normalized == "高导热氮化铝陶瓷基板"

    response = liaison_client.patch(
        f"{URL}{achievement.pk}/", {"trl": 7}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["trl"] == 7

    response = liaison_client.post(f"{URL}{achievement.pk}/submit/")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    response = liaison_client.patch(
        f"{URL}{achievement.pk}/", {"trl": 8}, content_type="application/json"
    )
    assert response.status_code == 403
    response = liaison_client.post(
        f"{URL}{achievement.pk}/withdraw/", {"reason": "暂缓"}, content_type="application/json"
    )
    assert response.json()["status"] == "withdrawn"
    assert achievement.transitions.last().reason == "暂缓"


def test_api_explains_bad_input(liaison_client):
    response = liaison_client.post(
        URL,
        payload(contact_phone="12345", field="ZZZ", trl=12, cooperation_modes=["gift"]),
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert errors["contact_phone"] == [
        "电话号码格式不正确：应为11位手机号，或带区号的固定电话（如 0769-22222222）。"
    ]
    assert set(errors) == {"contact_phone", "field", "trl", "cooperation_modes"}
    assert Achievement.objects.count() == 0


def test_submitting_twice_is_refused(liaison_client):
    record = LibraryAchievementFactory(status=AchievementStatus.DRAFT)
    liaison_client.post(f"{URL}{record.pk}/submit/")
    response = liaison_client.post(f"{URL}{record.pk}/submit/")
    assert response.status_code == 403


def test_staff_must_name_the_unit(staff_client):
    response = staff_client.post(URL, payload(), content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"discovering_unit": ["请选择发现单位。"]}
    response = staff_client.post(
        URL, payload(discovering_unit="441900119"), content_type="application/json"
    )
    assert response.status_code == 201
    assert Achievement.objects.get().discovering_unit == unit("441900119")


@pytest.mark.parametrize("role", ["leader", "evaluator", "enterprise_user", "broker_user"])
def test_roles_without_the_right_cannot_register(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.post(URL, payload(), content_type="application/json")
    assert response.status_code == 403
    assert Achievement.objects.count() == 0


@pytest.mark.parametrize("role", ["evaluator", "enterprise_user", "broker_user"])
def test_roles_outside_the_library_cannot_list_it(client, request, role):
    LibraryAchievementFactory()
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403


def test_token_authentication(client, liaison):
    token = api_token(liaison)
    LibraryAchievementFactory(title="本单位成果")
    response = client.get(URL, HTTP_AUTHORIZATION=f"Token {token}")
    assert [row["title"] for row in response.json()["results"]] == ["本单位成果"]


# session, user, count, the page of achievements, their credits.
API_QUERIES = {"center_staff": 5, "liaison": 5}


@pytest.mark.parametrize("role", list(API_QUERIES))
def test_api_list_query_count_does_not_grow_with_rows(
    client, request, django_assert_num_queries, django_assert_max_num_queries, role
):
    client.force_login(request.getfixturevalue(role))
    make_rows(1)
    client.get(URL)
    # At most: with Redis the session is read from the cache, one query fewer.
    with django_assert_max_num_queries(API_QUERIES[role]) as one:
        client.get(URL, {"ordering": "-trl"})
    expected = len(one)
    make_rows(30)
    with django_assert_num_queries(expected):
        response = client.get(URL, {"ordering": "-trl"})
    assert len(response.json()["results"]) >= 10


def test_schema_is_valid_and_documents_the_filters(client, tmp_path):
    target = tmp_path / "schema.yaml"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(target), stdout=StringIO()
    )
    schema = yaml.safe_load(target.read_text())
    operation = schema["paths"]["/api/v1/achievements/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "unit", "division", "field", "kind", "status", "year", "trl", "page"} <= names
    assert "/api/v1/achievements/{id}/submit/" in schema["paths"]
    assert client.get("/api/docs/").status_code == 200
