"""Excel in: the template, upload → preview of every problem → confirm, and the command."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from achievements.choices import AchievementStatus
from achievements.excel.discovery import column_specs
from achievements.models import Achievement, AchievementImport, AchievementTransition

from ..factories import next_year, unit
from .factories import HEADERS, XLSX, LibraryAchievementFactory, sheet_row, xlsx_bytes, xlsx_upload

pytestmark = pytest.mark.django_db


def upload(client, file, **data):
    return client.post(
        reverse("achievements:achievement_import"), {"file": file, "submit": "1", **data}
    )


def preview_of(client, response):
    assert response.status_code == 302, response.content.decode()[:3000]
    return client.get(response["Location"])


# --- The template -------------------------------------------------------------------------------


def test_template_has_chinese_headers_drop_downs_and_instructions(liaison_client):
    response = liaison_client.get(reverse("achievements:achievement_import_template"))
    assert response["Content-Type"] == XLSX
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["成果登记表", "下拉选项", "填写说明"]
    sheet = workbook["成果登记表"]
    assert [c.value for c in sheet[1]] == [header for header, _f, _r in column_specs()]
    assert workbook["下拉选项"].sheet_state == "hidden"

    validations = {}
    for validation in sheet.data_validations.dataValidation:
        first_cell = str(validation.sqref).split(":")[0]  # e.g. "C2"
        column = sheet[first_cell.rstrip("0123456789") + "1"].value
        validations[column] = validation
    for header in ("成果类型", "所属领域", "技术成熟度", "合作方式"):
        assert validations[header].type == "list"
        assert "下拉选项" in validations[header].formula1
    options = workbook["下拉选项"]
    values = {
        options.cell(1, c).value: [options.cell(r, c).value for r in range(2, 25)]
        for c in range(1, 9)
    }
    assert values["成果类型"][:3] == ["企业类", "平台类", "项目类"]
    assert "新材料" in values["所属领域"] and "6（中试）" in values["技术成熟度"]

    help_text = " ".join(str(c.value) for row in workbook["填写说明"].iter_rows() for c in row)
    assert "填写说明" in help_text and "必填" in help_text and "单位万元" in help_text
    for header in HEADERS:
        assert header in help_text


def test_the_filled_in_template_imports(liaison_client):
    workbook = load_workbook(
        io.BytesIO(
            b"".join(
                liaison_client.get(
                    reverse("achievements:achievement_import_template")
                ).streaming_content
            )
        )
    )
    sheet = workbook["成果登记表"]
    sheet.append(sheet_row(技术成熟度="6（中试）", 所属领域="半导体及集成电路"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(liaison_client, SimpleUploadedFile("模板.xlsx", buffer.getvalue()))
    batch = AchievementImport.objects.get()
    assert (batch.row_count, batch.valid_count, batch.issues) == (1, 1, [])
    liaison_client.post(reverse("achievements:achievement_import_confirm", args=[batch.pk]))
    achievement = Achievement.objects.get()
    assert (achievement.trl, achievement.field.code) == (6, "S03")
    assert response.status_code == 302


# --- Real-world sheets --------------------------------------------------------------------------


def test_real_world_sheet_imports_every_format(liaison_client, liaison):
    headers = [
        "序号",
        *[f" {h} " if h != "成果名称" else "成果 名称*" for h in HEADERS],
        "审核意见",
    ]
    rows = [
        [
            1,
            *sheet_row(
                成果名称="全角数字成果ＡＢ１２",
                贡献="５００万",
                发现日期=datetime(2024, 3, 5),  # noqa: DTZ001  (an Excel cell has no time zone)
            ),
            "忽略",
        ],
        [None] * len(headers),
        [
            2,
            *sheet_row(
                成果名称="亿元成果",
                贡献="0.5亿",
                发现日期="2024-03",
                成果类型="企业",
                技术成熟度="中试",
                所属领域="6G",
                拟落地镇街="松山湖",
            ),
            "",
        ],
        [
            3,
            *sheet_row(
                成果名称="千分位成果",
                贡献="5,000,000",
                发现日期=45356,
                技术成熟度="TRL 5",
                联系电话="０７６９－２２２２２２２２",
            ),
            "",
        ],
        [
            4,
            *sheet_row(
                成果名称="万元成果", 贡献="500万元", 融资="", 发现日期="2024年3月", 是否公开展示=""
            ),
            "",
        ],
        [""] * len(headers),
    ]
    file = xlsx_upload(rows, headers=headers, merged_title="2024年东莞理工学院科技成果登记表")
    page = preview_of(liaison_client, upload(liaison_client, file))
    batch = AchievementImport.objects.get()
    assert batch.issues == []
    assert (batch.row_count, batch.valid_count) == (4, 4)
    assert "确认导入 4 项成果" in page.content.decode()

    response = liaison_client.post(
        reverse("achievements:achievement_import_confirm", args=[batch.pk])
    )
    assert response.status_code == 302
    records = {a.title: a for a in Achievement.objects.all()}
    assert set(records) == {"全角数字成果AB12", "亿元成果", "千分位成果", "万元成果"}
    assert {a.expected_contribution for a in records.values()} == {
        Decimal("5000000.00"),
        Decimal("50000000.00"),
    }
    assert records["全角数字成果AB12"].expected_contribution == Decimal("5000000.00")
    assert records["亿元成果"].expected_contribution == Decimal("50000000.00")
    assert records["千分位成果"].expected_contribution == Decimal("5000000.00")
    assert records["万元成果"].expected_contribution == Decimal("5000000.00")
    assert records["全角数字成果AB12"].discovered_on == date(2024, 3, 5)
    assert records["亿元成果"].discovered_on == date(2024, 3, 1)
    assert records["千分位成果"].discovered_on == date(2024, 3, 5)
    assert records["万元成果"].discovered_on == date(2024, 3, 1)
    assert (records["亿元成果"].kind, records["亿元成果"].trl, records["亿元成果"].field.code) == (
        "enterprise",
        6,
        "F01",
    )
    assert records["亿元成果"].landing_division.name == "东莞松山湖高新技术产业开发区"
    assert records["千分位成果"].trl == 5
    assert records["千分位成果"].contact_phone == "0769-22222222"
    assert records["万元成果"].funding_need is None and records["万元成果"].is_public is False
    first = records["全角数字成果AB12"]
    assert first.ip_types == ["invention_patent", "utility_model"]
    assert first.cooperation_modes == ["transfer", "joint_development"]
    assert first.source_channel == "key_lab" and first.is_public is True
    assert first.status == AchievementStatus.SUBMITTED and first.liaison == liaison
    assert first.title_normalized == "全角数字成果ab12"
    assert AchievementTransition.objects.filter(to_status="submitted").count() == 4
    created = first.history.get()
    assert created.history_change_reason == "Excel 导入：成果登记表.xlsx"
    # Copied inside the database: every tracked value, who and when, as a save would record.
    assert (created.history_type, created.history_user) == ("+", liaison)
    assert abs((created.history_date - first.created_at).total_seconds()) < 60
    for field in type(created).tracked_fields:
        assert getattr(created, field.attname) == getattr(first, field.attname), field.name
    assert Achievement.history.count() == 4


def test_preview_lists_every_problem_by_row_column_and_reason(liaison_client):
    rows = [
        sheet_row(成果名称="好成果一"),
        sheet_row(成果名称="", 成果类型="合作类"),
        sheet_row(成果名称="好成果二", 贡献="约五百万", 发现日期="2024-02-30"),
        sheet_row(成果名称="好成果一"),
        sheet_row(成果名称="好成果三"),
    ]
    page = preview_of(liaison_client, upload(liaison_client, xlsx_upload(rows)))
    batch = AchievementImport.objects.get()
    assert batch.issues == [
        [3, "成果名称", "必填项为空"],
        [3, "成果类型", "成果类型“合作类”不在可选范围内：企业类、平台类、项目类"],
        [
            4,
            "预期综合经济贡献（万元）",
            "金额“约五百万”无法识别：请填写数字，可带单位，如 500万、0.5亿、5,000,000元",
        ],
        [4, "发现日期", "日期“2024-02-30”不存在"],
        [5, "成果名称", "与第 2 行的成果名称重复"],
    ]
    content = page.content.decode()
    assert "发现 5 个问题" in content
    assert (
        '<td class="num">4</td><td class="text-nowrap">发现日期</td><td>日期“2024-02-30”不存在</td>'
        in content
    )
    assert Achievement.objects.count() == 0

    liaison_client.post(reverse("achievements:achievement_import_confirm", args=[batch.pk]))
    assert sorted(Achievement.objects.values_list("title", flat=True)) == ["好成果一", "好成果三"]
    problems = liaison_client.get(
        reverse("achievements:achievement_import_problems", args=[batch.pk])
    )
    sheet = load_workbook(io.BytesIO(b"".join(problems.streaming_content))).active
    assert [c.value for c in sheet[1]] == ["行号", "列", "问题"]
    assert sheet.max_row == 6


def test_uploading_the_corrected_sheet_again_imports_only_the_fixed_rows(liaison_client):
    rows = [sheet_row(成果名称="成果甲"), sheet_row(成果名称="成果乙", 所属领域="量子玄学")]
    upload(liaison_client, xlsx_upload(rows))
    liaison_client.post(
        reverse(
            "achievements:achievement_import_confirm", args=[AchievementImport.objects.get().pk]
        )
    )
    assert Achievement.objects.count() == 1

    rows[1] = sheet_row(成果名称="成果乙")
    upload(liaison_client, xlsx_upload(rows))
    batch = AchievementImport.objects.latest("pk")
    mine = Achievement.objects.get().pk
    assert batch.issues == [[2, "成果名称", f"本单位已登记同名成果（编号 {mine}），本行不再导入"]]
    liaison_client.post(reverse("achievements:achievement_import_confirm", args=[batch.pk]))
    assert sorted(Achievement.objects.values_list("title", flat=True)) == ["成果乙", "成果甲"]


def test_same_title_from_another_unit_is_imported_with_a_warning(liaison_client):
    LibraryAchievementFactory(title="成果甲", discovering_unit=unit("441900119"))
    page = preview_of(
        liaison_client, upload(liaison_client, xlsx_upload([sheet_row(成果名称="成果甲")]))
    )
    batch = AchievementImport.objects.get()
    assert batch.valid_count == 1
    assert batch.warnings == [[2, "成果名称", "长安已登记同名成果，导入后服务中心将核对是否重复"]]
    assert "提示（仍会导入）" in page.content.decode()


def test_confirming_twice_imports_once(liaison_client):
    upload(liaison_client, xlsx_upload([sheet_row()]))
    batch = AchievementImport.objects.get()
    url = reverse("achievements:achievement_import_confirm", args=[batch.pk])
    liaison_client.post(url)
    response = liaison_client.post(url, follow=True)
    assert "该文件已导入或已取消，请勿重复操作。" in response.content.decode()
    assert Achievement.objects.count() == 1
    batch.refresh_from_db()
    assert (batch.status, batch.imported_count) == ("imported", 1)


def test_imported_as_drafts_when_asked(liaison_client):
    liaison_client.post(
        reverse("achievements:achievement_import"),
        {"file": xlsx_upload([sheet_row()]), "submit": "0"},
    )
    liaison_client.post(
        reverse(
            "achievements:achievement_import_confirm", args=[AchievementImport.objects.get().pk]
        )
    )
    assert Achievement.objects.get().status == AchievementStatus.DRAFT


def test_cancel_imports_nothing(liaison_client):
    upload(liaison_client, xlsx_upload([sheet_row()]))
    batch = AchievementImport.objects.get()
    liaison_client.post(reverse("achievements:achievement_import_cancel", args=[batch.pk]))
    response = liaison_client.post(
        reverse("achievements:achievement_import_confirm", args=[batch.pk])
    )
    assert response.status_code == 302
    assert Achievement.objects.count() == 0


def test_staff_import_for_a_unit_they_choose(staff_client, center_staff):
    response = staff_client.post(
        reverse("achievements:achievement_import"),
        {"file": xlsx_upload([sheet_row()]), "submit": "1"},
    )
    assert "该字段是必填项。" in response.content.decode()
    assert AchievementImport.objects.count() == 0
    upload(staff_client, xlsx_upload([sheet_row()]), unit=unit("441900119").pk)
    staff_client.post(
        reverse(
            "achievements:achievement_import_confirm", args=[AchievementImport.objects.get().pk]
        )
    )
    achievement = Achievement.objects.get()
    assert (achievement.discovering_unit.code, achievement.liaison, achievement.created_by) == (
        "441900119",
        None,
        center_staff,
    )


def test_someone_elses_import_is_not_found(client, liaison, other_liaison):
    client.force_login(liaison)
    upload(client, xlsx_upload([sheet_row()]))
    batch = AchievementImport.objects.get()
    client.force_login(other_liaison)
    assert (
        client.get(reverse("achievements:achievement_import_preview", args=[batch.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("achievements:achievement_import_confirm", args=[batch.pk])).status_code
        == 404
    )


# --- Malformed uploads: a clear message, nothing saved -------------------------------------------


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


FILE_CASES = [
    (
        "csv.xlsx",
        "成果名称,成果简介\n甲,乙\n".encode(),
        "文件不是 Excel（.xlsx）格式。请下载模板填写后上传。",
    ),
    (
        "old.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
        "这是旧版 Excel（.xls）或其他 Office 文件",
    ),
    (
        "word.xlsx",
        zip_bytes({"word/document.xml": b"<w:document/>"}),
        "文件不是 Excel（.xlsx）工作簿（可能是 Word 等其他文件）。",
    ),
    ("broken.xlsx", b"PK\x03\x04" + b"garbage" * 50, "文件已损坏，无法读取。请重新保存后上传。"),
    (
        "bomb.xlsx",
        zip_bytes({"xl/workbook.xml": b"<x/>", "xl/big.xml": b"0" * (60 * 2**20)}),
        "文件解压后过大",
    ),
    ("big.xlsx", b"PK\x03\x04" + b"0" * (10 * 2**20 + 1), "超过 10 MB 的上限"),
    ("empty.xlsx", b"", "文件是空的，请选择填写好的 .xlsx 文件。"),
    ("scan.xlsx", b"%PDF-1.7 scanned sheet", "文件不是 Excel（.xlsx）格式。"),
    ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "文件不是 Excel（.xlsx）格式。"),
    (
        "damaged.xlsx",
        zip_bytes({"xl/workbook.xml": b"<broken"}),
        "文件已损坏或不是有效的 Excel 工作簿，无法读取。",
    ),
    (
        "no-title.xlsx",
        xlsx_bytes([sheet_row()[1:]], headers=HEADERS[1:]),
        "缺少必填列：成果名称。请使用平台提供的模板。",
    ),
    (
        "no-header.xlsx",
        xlsx_bytes([["甲", "乙", "丙"], ["1", "2", "3"]], headers=None),
        "找不到表头行。请使用平台提供的模板，表头应为：成果名称、成果简介、成果类型、所属领域、持有单位",
    ),
    ("header-only.xlsx", xlsx_bytes([]), "表格中没有数据行：请在表头下方逐行填写。"),
]


@pytest.mark.parametrize(("name", "content", "message"), FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_unreadable_files_are_refused_with_a_clear_message(liaison_client, name, content, message):
    response = upload(liaison_client, SimpleUploadedFile(name, content))
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'id="field-file"' in page and "invalid-feedback" in page
    assert AchievementImport.objects.count() == 0
    assert Achievement.objects.count() == 0


ROW_CASES = [
    ({"成果类型": "合作类"}, "成果类型", "成果类型“合作类”不在可选范围内：企业类、平台类、项目类"),
    (
        {"所属领域": "量子玄学"},
        "所属领域",
        "所属领域“量子玄学”不在产业领域目录中，请从下拉列表选择",
    ),
    (
        {"贡献": "约五百万"},
        "预期综合经济贡献（万元）",
        "金额“约五百万”无法识别：请填写数字，可带单位，如 500万、0.5亿、5,000,000元",
    ),
    ({"融资": "-3万"}, "融资需求（万元）", "金额不能为负数"),
    (
        {"贡献": "5万美元"},
        "预期综合经济贡献（万元）",
        "金额“5万美元”无法识别：请填写数字，可带单位，如 500万、0.5亿、5,000,000元",
    ),
    ({"发现日期": "2024-02-30"}, "发现日期", "日期“2024-02-30”不存在"),
    (
        {"发现日期": "去年三月"},
        "发现日期",
        "日期“去年三月”无法识别：请使用 2024-03-05、2024年3月5日 或 2024年3月 等格式",
    ),
    ({"发现日期": next_year()}, "发现日期", f"发现日期“{next_year()}”晚于今天"),
    ({"技术成熟度": "12"}, "技术成熟度", "技术成熟度应为1–9级，当前为“12”"),
    (
        {"联系电话": "12345"},
        "联系电话",
        "电话号码格式不正确：应为11位手机号，或带区号的固定电话（如 0769-22222222）。",
    ),
    ({"电子邮箱": "chen@"}, "电子邮箱", "电子邮箱“chen@”格式不正确"),
    ({"成果名称": "长" * 201}, "成果名称", "内容过长：最多 200 个字，当前 201 个字"),
    ({"成果简介": ""}, "成果简介", "必填项为空"),
    (
        {"拟落地镇街": "火星镇"},
        "拟落地镇街",
        "镇街（园区）“火星镇”不存在，请填写东莞的镇街或园区名称，如 长安镇",
    ),
    (
        {"合作方式": "转让、捐赠"},
        "合作方式",
        "合作方式“捐赠”不在可选范围内：转让、许可、作价入股、合作开发、其他",
    ),
    ({"知识产权数量": "五项"}, "知识产权数量", "“五项”不是整数"),
    ({"是否公开展示": "也许"}, "是否公开展示", "请填写“是”或“否”，当前为“也许”"),
]


@pytest.mark.parametrize(("cells", "column", "message"), ROW_CASES, ids=[c[1] for c in ROW_CASES])
def test_a_bad_cell_is_named_by_row_column_and_reason_and_nothing_is_saved(
    liaison_client, cells, column, message
):
    page = preview_of(liaison_client, upload(liaison_client, xlsx_upload([sheet_row(**cells)])))
    batch = AchievementImport.objects.get()
    assert batch.issues == [[2, column, message]]
    assert batch.valid_count == 0
    assert message in page.content.decode()
    assert "没有可以导入的行" in page.content.decode()

    response = liaison_client.post(
        reverse("achievements:achievement_import_confirm", args=[batch.pk]), follow=True
    )
    assert "没有可以导入的行，请按问题清单修改文件后重新上传。" in response.content.decode()
    assert Achievement.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == "previewed"


# --- The command line ---------------------------------------------------------------------------


@pytest.fixture
def sheet_file(tmp_path):
    def write(rows, **kwargs):
        path = tmp_path / "成果.xlsx"
        path.write_bytes(xlsx_bytes(rows, **kwargs))
        return str(path)

    return write


def test_command_imports_valid_rows_and_lists_problems(sheet_file, liaison):
    path = sheet_file([sheet_row(成果名称="甲"), sheet_row(成果名称="乙", 技术成熟度="十")])
    out = StringIO()
    call_command("import_achievements", path, "--unit", "dgut", stdout=out)
    text = out.getvalue()
    assert "读取 2 行，有效 1 行。" in text
    assert "第 3 行 · 技术成熟度：技术成熟度“十”无法识别" in text
    assert "已导入 1 项成果到“东莞理工学院”（已提交至发现库），跳过 1 行。" in text
    achievement = Achievement.objects.get()
    assert (achievement.title, achievement.created_by) == ("甲", liaison)


def test_command_dry_run_and_strict_save_nothing(sheet_file, liaison):
    path = sheet_file([sheet_row(成果名称="甲"), sheet_row(成果名称="乙", 成果类型="未知")])
    out = StringIO()
    call_command("import_achievements", path, "--unit", "dgut", "--dry-run", stdout=out)
    assert "仅检查，未导入任何数据；可导入 1 行。" in out.getvalue()
    call_command("import_achievements", path, "--unit", "dgut", "--strict", stdout=out)
    assert "存在问题（--strict），未导入任何数据" in out.getvalue()
    assert Achievement.objects.count() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "nope"], "单位代码“nope”不存在。"),
        (["--unit", "gbu"], "“大湾区大学”没有成果联络员，请用 --user 指定操作人。"),
        (["--unit", "dgut", "--user", "ghost"], "用户“ghost”不存在或已停用。"),
    ],
)
def test_command_refuses_bad_arguments(sheet_file, liaison, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_achievements", sheet_file([sheet_row()]), *args, stdout=StringIO())


def test_command_refuses_unreadable_files(tmp_path, liaison):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="文件不是 Excel（.xlsx）格式"):
        call_command("import_achievements", str(path), "--unit", "dgut", stdout=StringIO())
    assert Achievement.objects.count() == 0


def test_command_for_a_unit_as_staff(sheet_file, center_staff):
    call_command(
        "import_achievements",
        sheet_file([sheet_row()]),
        "--unit",
        "441900119",
        "--user",
        center_staff.username,
        "--draft",
        stdout=StringIO(),
    )
    achievement = Achievement.objects.get()
    assert (achievement.discovering_unit.code, achievement.status) == ("441900119", "draft")


def test_the_list_counts_imported_rows_at_once(liaison_client):
    """The list's total is cached until the data changes; a bulk import (no post_save) must
    make it stale too."""
    assert (
        liaison_client.get(reverse("achievements:achievement_list")).context["paginator"].count == 0
    )
    rows = [sheet_row(成果名称=f"氮化铝陶瓷基板第{n}代制备技术") for n in range(3)]
    upload(liaison_client, xlsx_upload(rows))
    liaison_client.post(
        reverse(
            "achievements:achievement_import_confirm", args=[AchievementImport.objects.get().pk]
        )
    )
    assert (
        liaison_client.get(reverse("achievements:achievement_list")).context["paginator"].count == 3
    )


def test_imported_cells_lose_control_characters_and_long_texts_keep_the_forms_limit(
    sheet_file, liaison
):
    """Excel escapes such as _x001B_ and _x0000_ decode to control characters: they are left
    out as every form leaves them out (a NUL would break PostgreSQL, an ESC the Word brief),
    and a summary longer than the form allows is a row problem, not a record no form can save."""
    path = sheet_file(
        [
            sheet_row(成果名称="染色配方_x001B_[31m自动修正_x0000_系统"),
            sheet_row(成果名称="超长简介", 成果简介="很" * 5001),
        ]
    )
    out = StringIO()
    call_command("import_achievements", path, "--unit", "dgut", stdout=out)
    assert "第 3 行 · 成果简介：内容过长：最多 5000 个字符，当前为 5001 个字符。" in out.getvalue()
    assert list(Achievement.objects.values_list("title", flat=True)) == ["染色配方[31m自动修正系统"]
