"""Who may see and do what in the discovery library: one role × action table."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from achievements.choices import AchievementStatus
from towns.choices import Role

from ..factories import unit
from .factories import LibraryAchievementFactory

pytestmark = pytest.mark.django_db

ANON = "anonymous"
OTHER = "other_liaison"
ROLES = [ANON, Role.LIAISON, OTHER, *[r for r in Role if r not in (Role.LIAISON, Role.INVESTOR)]]


@pytest.fixture
def login_as(client, users_by_role, other_liaison):
    def login(role):
        if role == ANON:
            return client
        user = other_liaison if role == OTHER else users_by_role[role]
        client.force_login(user)
        return client

    return login


def status_of(client, method, url) -> int:
    response = getattr(client, method)(url)
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return 302
    return response.status_code


# (action, record status, method, url name) -> expected status code per role, in ROLES order:
# anonymous, liaison of the unit, liaison of another unit, center staff, evaluator, leader,
# enterprise, broker, admin.
MATRIX = {
    ("list", None, "get", "achievements:achievement_list"): [
        302,
        200,
        200,
        200,
        403,
        200,
        403,
        403,
        200,
    ],
    ("register", None, "get", "achievements:achievement_create"): [
        302,
        200,
        200,
        200,
        403,
        403,
        403,
        403,
        200,
    ],
    ("import", None, "get", "achievements:achievement_import"): [
        302,
        200,
        200,
        200,
        403,
        403,
        403,
        403,
        200,
    ],
    ("duplicates", None, "get", "achievements:achievement_duplicates"): [
        302,
        403,
        403,
        200,
        403,
        403,
        403,
        403,
        200,
    ],
    ("detail", "draft", "get", "achievements:achievement_detail"): [
        302,
        200,
        404,
        200,
        404,
        404,
        404,
        404,
        200,
    ],
    ("edit", "draft", "get", "achievements:achievement_edit"): [
        302,
        200,
        404,
        200,
        404,
        404,
        404,
        404,
        200,
    ],
    ("detail", "submitted", "get", "achievements:achievement_detail"): [
        302,
        200,
        404,
        200,
        404,
        200,
        404,
        404,
        200,
    ],
    ("edit", "submitted", "get", "achievements:achievement_edit"): [
        302,
        403,
        404,
        200,
        404,
        403,
        404,
        404,
        200,
    ],
    ("send back", "submitted", "get", "achievements:achievement_send_back"): [
        302,
        403,
        404,
        200,
        404,
        403,
        404,
        404,
        200,
    ],
    ("correction", "submitted", "get", "achievements:achievement_correction_request"): [
        302,
        200,
        404,
        403,
        404,
        403,
        404,
        404,
        403,
    ],
    ("merge", "submitted", "get", "achievements:achievement_merge"): [
        302,
        403,
        404,
        200,
        404,
        403,
        404,
        404,
        200,
    ],
    ("withdraw", "submitted", "post", "achievements:achievement_withdraw"): [
        302,
        302,
        404,
        403,
        404,
        403,
        404,
        404,
        403,
    ],
    ("submit", "draft", "post", "achievements:achievement_submit"): [
        302,
        302,
        404,
        302,
        404,
        404,
        404,
        404,
        302,
    ],
}
# The investor meets the discovery library as the broker does: none of it is theirs.
for row in MATRIX.values():
    row.append(row[ROLES.index(Role.BROKER)])
ROLES.append(Role.INVESTOR)

CASES = [
    pytest.param(key, role, expected[index], id=f"{key[0]}-{key[1] or ''}-{role}")
    for key, expected in MATRIX.items()
    for index, role in enumerate(ROLES)
]


def test_the_matrix_names_every_role():
    assert len(ROLES) == 10
    assert all(len(row) == len(ROLES) for row in MATRIX.values())


@pytest.mark.parametrize(("key", "role", "expected"), CASES)
def test_role_action_matrix(login_as, liaison, key, role, expected):
    _action, status, method, name = key
    if status is None:
        url = reverse(name)
    else:
        record = LibraryAchievementFactory(
            status=status, discovering_unit=liaison.unit, liaison=liaison
        )
        url = reverse(name, args=[record.pk])
    client = login_as(role)
    assert status_of(client, method, url) == expected


def test_liaison_sees_only_their_units_records(client, liaison, other_liaison):
    mine = LibraryAchievementFactory(title="本单位成果", status=AchievementStatus.DRAFT)
    theirs_draft = LibraryAchievementFactory(
        title="长安镇草稿", status=AchievementStatus.DRAFT, discovering_unit=unit("441900119")
    )
    theirs = LibraryAchievementFactory(title="长安镇已提交成果", discovering_unit=unit("441900119"))
    client.force_login(liaison)

    content = client.get(reverse("achievements:achievement_list")).content.decode()
    assert "本单位成果" in content
    assert "长安镇草稿" not in content and "长安镇已提交成果" not in content
    api = client.get("/api/v1/achievements/").json()
    assert [row["id"] for row in api["results"]] == [mine.pk]
    for record in (theirs_draft, theirs):
        assert client.get(f"/api/v1/achievements/{record.pk}/").status_code == 404
        assert (
            client.get(reverse("achievements:achievement_detail", args=[record.pk])).status_code
            == 404
        )
        response = client.patch(
            f"/api/v1/achievements/{record.pk}/", {"title": "改"}, content_type="application/json"
        )
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "长安镇已提交成果"


def test_anonymous_users_get_nothing(client):
    record = LibraryAchievementFactory()
    assert client.get("/api/v1/achievements/").status_code in (401, 403)
    assert client.get(f"/api/v1/achievements/{record.pk}/").status_code in (401, 403)
    assert client.post("/api/v1/achievements/", {}).status_code in (401, 403)
    for name in ("achievements:achievement_detail", "achievements:achievement_edit"):
        response = client.get(reverse(name, args=[record.pk]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.get(reverse("achievements:achievement_list") + "?export=xlsx")
    assert response.status_code == 302


def test_contact_data_is_masked_for_leaders_everywhere(client, leader, liaison):
    record = LibraryAchievementFactory(
        contact_name="陈建华", contact_phone="13800138000", contact_email="chen@example.cn"
    )
    client.force_login(leader)
    detail = client.get(
        reverse("achievements:achievement_detail", args=[record.pk])
    ).content.decode()
    assert "13800138000" not in detail and "chen@example.cn" not in detail
    assert "138****8000" in detail and "陈**" in detail and "c***@example.cn" in detail
    assert "已脱敏" in detail

    api = client.get(f"/api/v1/achievements/{record.pk}/").json()
    assert (api["contact_name"], api["contact_phone"], api["contact_masked"]) == (
        "陈**",
        "138****8000",
        True,
    )
    export = client.get(reverse("achievements:achievement_list") + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[header.index("联系电话")] == "138****8000"

    client.force_login(liaison)
    detail = client.get(
        reverse("achievements:achievement_detail", args=[record.pk])
    ).content.decode()
    assert "13800138000" in detail and "已脱敏" not in detail


def test_contact_changes_in_history_stay_hidden_from_leaders(client, center_staff, leader):
    record = LibraryAchievementFactory(contact_phone="13800138000")
    record.contact_phone = "13900139000"
    record.save()
    client.force_login(leader)
    content = client.get(
        reverse("achievements:achievement_detail", args=[record.pk])
    ).content.decode()
    assert "13900139000" not in content and "13800138000" not in content
    assert "***</del>" in content
    client.force_login(center_staff)
    content = client.get(
        reverse("achievements:achievement_detail", args=[record.pk])
    ).content.decode()
    assert "13800138000</del>" in content
