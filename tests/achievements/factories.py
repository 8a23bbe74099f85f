"""Factories and sheet builders for the achievements tests."""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from achievements.choices import FeedbackKind
from achievements.models import AchievementAttachment, AchievementCredit, AchievementFeedback
from achievements.models.discovery import AttachmentKind
from achievements.services.core import normalize_title
from towns.choices import Role

from ..factories import AchievementFactory, UserFactory, unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


class LibraryAchievementFactory(AchievementFactory):
    """An achievement as the services save it (with its normalised title)."""

    title_normalized = factory.LazyAttribute(lambda o: normalize_title(o.title))


class AchievementCreditFactory(factory.django.DjangoModelFactory):
    """A unit credited as co-discoverer of an achievement (长安 by default)."""

    class Meta:
        model = AchievementCredit

    achievement = factory.SubFactory(LibraryAchievementFactory)
    unit = factory.LazyFunction(lambda: unit("441900119"))
    created_by = factory.SubFactory(UserFactory, role=Role.CENTER_STAFF)


class AchievementFeedbackFactory(factory.django.DjangoModelFactory):
    """An open correction request on an achievement."""

    class Meta:
        model = AchievementFeedback

    achievement = factory.SubFactory(LibraryAchievementFactory)
    kind = FeedbackKind.CORRECTION_REQUEST
    message = "请更正"
    author = factory.SubFactory(
        UserFactory, role=Role.LIAISON, unit=factory.SelfAttribute("..achievement.discovering_unit")
    )


# The template's headers, in the order of achievement_import_columns.csv.
HEADERS = [
    "成果名称",
    "成果简介",
    "成果类型",
    "所属领域",
    "技术成熟度",
    "知识产权类型",
    "知识产权数量",
    "持有单位",
    "联系人",
    "联系电话",
    "电子邮箱",
    "预期综合经济贡献（万元）",
    "融资需求（万元）",
    "合作方式",
    "成果来源",
    "拟落地镇街",
    "发现日期",
    "是否公开展示",
    "备注",
]


def sheet_row(**values) -> list:
    """A valid row; override cells by header name."""
    row = {
        "成果名称": "高导热氮化铝陶瓷基板制备技术",
        "成果简介": "热导率达到 230 W/(m·K)，较氧化铝基板提升 8 倍，已完成中试。",
        "成果类型": "项目类",
        "所属领域": "新材料",
        "技术成熟度": "6",
        "知识产权类型": "发明专利、实用新型专利",
        "知识产权数量": 5,
        "持有单位": "东莞理工学院",
        "联系人": "陈教授",
        "联系电话": "13800138000",
        "电子邮箱": "chen@example.cn",
        "预期综合经济贡献（万元）": "500万",
        "融资需求（万元）": 200,
        "合作方式": "转让、合作开发",
        "成果来源": "重点实验室",
        "拟落地镇街": "长安",
        "发现日期": "2024年3月",
        "是否公开展示": "是",
        "备注": "",
    }
    # Headers with full-width brackets cannot be keyword names: 贡献 and 融资 stand for them.
    short = {"贡献": "预期综合经济贡献（万元）", "融资": "融资需求（万元）"}
    row.update({short.get(name, name): value for name, value in values.items()})
    return [row[h] for h in HEADERS]


def xlsx_bytes(rows, *, headers=HEADERS, merged_title=None, sheet_title=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if sheet_title:
        sheet.title = sheet_title
    if merged_title:
        sheet.append([merged_title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    if headers is not None:
        sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_upload(rows, name="成果登记表.xlsx", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows, **kwargs), content_type=XLSX)


class AchievementAttachmentFactory(factory.django.DjangoModelFactory):
    """A PDF already stored for a record (the upload itself is tested through the page)."""

    class Meta:
        model = AchievementAttachment

    achievement = factory.SubFactory(AchievementFactory)
    file = "attachments/report.pdf"
    original_name = "检测报告.pdf"
    kind = AttachmentKind.values[0]
    size = 1024
    uploaded_by = factory.SubFactory(UserFactory, role=Role.CENTER_STAFF, unit=None)
