"""Hostile input: script in every free-text field comes back escaped, spreadsheet formulas come
back as text, SQL-looking searches are only text, unreadable and over-long input is refused in
Chinese. (File type by content and the import's broken-file messages: test_uploads_and_forms and
achievements/test_discovery_import.)"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from achievements.models import Achievement
from towns.services import notification_send

from .achievements.demands.factories import DemandFactory
from .achievements.service.factories import service_case
from .achievements.test_discovery_api import payload as api_payload
from .achievements.test_discovery_workflow import form_data
from .factories import AchievementFactory, unit

pytestmark = pytest.mark.django_db

XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;"
SHORT_XSS = "<script>alert(2)</script>"  # for the 50-character name fields


def assert_escaped(html: str) -> None:
    assert "<script>alert(" not in html
    assert SHORT_XSS not in html
    assert "<img src=x onerror" not in html
    assert ESCAPED in html


@pytest.fixture
def hostile_achievement(liaison, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return AchievementFactory(
            title=f"固态电池{XSS}",
            summary=f"简介{XSS}",
            holder=f"单位{XSS}",
            contact_name=f"陈{SHORT_XSS}",
            team=f"团队{XSS}",
            notes=f"备注{XSS}",
            discovering_unit=unit("dgut"),
            created_by=liaison,
            is_public=True,
        )


def test_achievement_free_text_is_escaped_on_every_page(
    client, center_staff, liaison, hostile_achievement
):
    client.force_login(center_staff)
    detail = client.get(reverse("achievements:achievement_detail", args=[hostile_achievement.pk]))
    html = detail.content.decode()
    assert_escaped(html)
    for text in ("简介", "单位", "团队", "备注"):
        assert f"{text}{ESCAPED}" in html, text
    assert_escaped(client.get(reverse("achievements:achievement_list")).content.decode())
    client.logout()
    entry = hostile_achievement.showcase_entry
    assert_escaped(client.get(entry.get_absolute_url()).content.decode())


def test_demand_free_text_is_escaped(client, center_staff):
    demand = DemandFactory(
        title=f"缩痕{XSS}", description=f"描述{XSS}", contact_name=f"赵{SHORT_XSS}"
    )
    client.force_login(center_staff)
    html = client.get(reverse("achievements:demand_detail", args=[demand.pk])).content.decode()
    assert_escaped(html)
    assert f"描述{ESCAPED}" in html
    client.force_login(demand.created_by)
    assert_escaped(client.get(reverse("achievements:demand_list")).content.decode())


def test_notifications_are_escaped_in_the_bell_and_the_list(client, liaison):
    notification_send(recipients=[liaison], kind="info", title=f"通知{XSS}", body=f"正文{XSS}")
    client.force_login(liaison)
    assert_escaped(client.get(reverse("towns:notification_list")).content.decode())
    home = client.get(reverse("quotas:home")).content.decode()
    assert "<script>alert(" not in home and "<img src=x onerror" not in home


FORMULAS = ["=cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)"]


def formula_cells(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content))
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (
                    isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@"))
                ):
                    found.append(f"{sheet.title}!{cell.coordinate}={cell.value!r}")
    return found


def cell_texts(content: bytes) -> set:
    return {
        cell.value
        for sheet in load_workbook(io.BytesIO(content)).worksheets
        for row in sheet.iter_rows()
        for cell in row
    }


@pytest.mark.parametrize(
    "url_name",
    [
        "achievements:achievement_list",
        "achievements:service_case_list",
        "achievements:demand_list",
    ],
)
def test_every_export_writes_formulas_as_text(client, center_staff, url_name):
    for formula in FORMULAS:
        AchievementFactory(
            title=f"{formula}", holder=formula, contact_name=formula, summary=formula
        )
        service_case(title=formula, holder=formula)
        DemandFactory(title=formula, contact_name=formula)
    client.force_login(center_staff)
    response = client.get(reverse(url_name), {"export": "xlsx"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert formula_cells(content) == []
    assert cell_texts(content) & {f"'{f}" for f in FORMULAS}, (
        "the hostile rows are in the export, as text"
    )


@pytest.mark.parametrize(
    "q", ["' OR '1'='1", "1; DROP TABLE achievements_achievement; --", '" UNION SELECT 1--', "%_\\"]
)
def test_sql_looking_searches_are_only_text(client, center_staff, q):
    AchievementFactory(title="高导热氮化铝陶瓷基板")
    client.force_login(center_staff)
    for name in (
        "achievements:achievement_list",
        "achievements:demand_list",
        "achievements:service_case_list",
        "achievements:showcase_list",
    ):
        response = client.get(reverse(name), {"q": q})
        assert response.status_code == 200, name
    api = client.get("/api/v1/achievements/", {"q": q})
    assert api.status_code == 200
    assert api.json()["count"] == 0
    assert Achievement.objects.filter(title="高导热氮化铝陶瓷基板").exists()


def test_an_over_long_title_is_refused_with_a_message_and_nothing_saved(client, liaison):
    client.force_login(liaison)
    before = Achievement.objects.count()
    response = client.post(
        reverse("achievements:achievement_create"), {"title": "长" * 1000, "summary": "x"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["title"]
    assert any("超过" in e for e in errors), errors
    assert Achievement.objects.count() == before


def test_an_over_long_demand_is_refused_by_the_api(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.post(
        "/api/v1/demands/",
        {"kind": "technology", "title": "长" * 1000, "description": "描" * 20000},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert "超过 120 个字符" in body["title"][0]


@pytest.mark.parametrize(
    ("url_name", "field"),
    [("brokers:contract_import", "file"), ("achievements:external_import", "file")],
)
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04" + b"garbage" * 50, "已损坏"),
        (b"MZ\x90\x00 an exe renamed", "不是 Excel"),
        (b"", "空"),
    ],
)
def test_every_excel_import_refuses_broken_files_in_chinese(
    client, center_staff, url_name, field, content, message, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(center_staff)
    upload = SimpleUploadedFile("合同.xlsx", content)
    response = client.post(reverse(url_name), {field: upload})
    assert message in response.content.decode()


@pytest.mark.parametrize("digits", ["²", "①", "٣", "9" * 30])
def test_unicode_digits_in_id_parameters_are_not_server_errors(
    client, center_staff, portal_admin, digits
):
    """`"²".isdigit()` is true but `int("²")` fails: ids are read with `isdecimal`."""
    client.force_login(center_staff)
    hint = client.get(
        reverse("achievements:achievement_duplicate_hint"),
        {"title": "钠离子电池正极材料", "field": digits, "exclude": digits},
    )
    assert hint.status_code == 200
    assert client.get(reverse("quotas:dashboard"), {"year": digits}).status_code == 200
    client.force_login(portal_admin)
    assert client.get(reverse("towns:audit_trail"), {"object": digits}).status_code == 200


# --- Control characters, nested JSON, NUL in the address (issue 16: 1, 7, 8) ---------------------


def test_control_characters_are_left_out_of_what_the_form_saves(client, liaison):
    client.force_login(liaison)
    response = client.post(
        reverse("achievements:achievement_create"),
        form_data(
            title="\x1b[31m固态\x0b电池\x1b[0m",
            summary="第一行\r\n\t第二行\x00\x1b",
            holder="东莞\t理工学院\x07",
            notes="备注\x7f",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = Achievement.objects.latest("pk")
    assert (saved.title, saved.summary, saved.holder, saved.notes) == (
        "[31m固态电池[0m",
        "第一行\r\n\t第二行",
        "东莞 理工学院",
        "备注",
    )


def test_control_characters_are_left_out_of_what_the_api_saves(client, liaison):
    client.force_login(liaison)
    response = client.post(
        "/api/v1/achievements/",
        api_payload(title="\x1b[31m固态电池", summary="第一行\n第二行\x1b\x00", team="\x01"),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["title"], data["summary"], data["team"]) == ("[31m固态电池", "第一行\n第二行", "")


@pytest.mark.parametrize(
    "url_name",
    ["achievements:achievement_list", "achievements:service_case_list", "achievements:demand_list"],
)
def test_a_control_character_already_stored_does_not_break_the_exports(
    client, center_staff, url_name
):
    hostile = "\x1b[31m红色标题\x1b[0m\x0c"
    AchievementFactory(title=hostile, summary=hostile, discovering_unit=unit("dgut"))
    service_case(title=hostile, holder=hostile)
    DemandFactory(title=hostile, contact_name=hostile)
    client.force_login(center_staff)
    response = client.get(reverse(url_name), {"export": "xlsx"})
    assert response.status_code == 200
    assert "[31m红色标题[0m" in cell_texts(b"".join(response.streaming_content))


def test_the_liaison_export_survives_a_control_character_too(client, liaison):
    AchievementFactory(title="\x1b[31m红色", discovering_unit=unit("dgut"), created_by=liaison)
    client.force_login(liaison)
    response = client.get(reverse("achievements:achievement_list"), {"export": "xlsx"})
    assert response.status_code == 200
    assert "[31m红色" in cell_texts(b"".join(response.streaming_content))


@pytest.mark.parametrize("url", ["/api/v1/auth/token/", "/api/v1/achievements/"])
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[" * 5000 + "]" * 5000, "JSON 嵌套超过 20 层，已拒绝。"),
        ('{"a":' * 21 + "1" + "}" * 21, "JSON 嵌套超过 20 层，已拒绝。"),
        ("[" * 5000, "JSON 嵌套过深，已拒绝。"),  # never closed: the parser finds it too deep
    ],
)
def test_deeply_nested_json_is_refused(client, liaison, url, body, message):
    client.force_login(liaison)
    response = client.post(url, body, content_type="application/json")
    assert (response.status_code, response.json()) == (400, {"detail": message})
    # Brackets inside strings are text, not nesting: the view reads the body and answers.
    brackets_in_text = {"username": "[" * 5000, "title": "{" * 5000}
    response = client.post(url, brackets_in_text, content_type="application/json")
    assert response.status_code == 400 and "detail" not in response.json()


def test_a_nul_byte_in_the_address_is_not_found(client, center_staff):
    """PostgreSQL refuses NUL in a query: `/dashboard/units/%00/` was a 500 there."""
    client.force_login(center_staff)
    assert client.get("/dashboard/units/%00/").status_code == 404
    api = client.get("/api/v1/achievements/1%00/")
    assert (api.status_code, api.json()) == (404, {"detail": "未找到。"})
    assert (
        client.get(reverse("achievements:achievement_list"), {"q": "电池\x00"}).status_code == 400
    )
    assert client.get(reverse("achievements:achievement_list"), {"q": "电池"}).status_code == 200


def test_a_control_character_already_stored_does_not_stop_the_word_brief(db):
    """A stalled case titled before input was cleaned: the report and its 简报 are still made."""
    from datetime import timedelta

    from django.utils import timezone
    from docx import Document

    from quotas.choices import ReportKind
    from quotas.services import report_generate

    today = timezone.localdate()
    case = service_case(entered_on=today - timedelta(days=120), title="久推项目")
    Achievement.objects.filter(pk=case.pk).update(title="\x1b[31m久推项目\x07")
    report = report_generate(kind=ReportKind.CUSTOM, start=today - timedelta(days=13), end=today)
    text = "\n".join(p.text for p in Document(report.brief.open("rb")).paragraphs)
    assert "[31m久推项目（" in text
