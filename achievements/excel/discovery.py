"""The achievement sheet: the import template, the importer and the list export.

The columns (header, model field, required) come from `achievement_import_columns.csv` in the
reference data; this module adds how each cell is read and the Chinese instructions.
"""

import csv
import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kernel.excel import Column, ImportIssue, ImportResult, SheetImporter, SheetSpec, wan
from kernel.limits import LONG_TEXT_MAX_CHARS
from kernel.parsing import (
    ParseError,
    parse_amount,
    parse_date,
    parse_int,
    parse_yes_no,
    split_list,
)
from kernel.validators import (
    long_text_error,
    normalize_phone,
    strip_control_characters,
    validate_phone,
)
from towns.models import Division, Industry, Unit

from ..choices import (
    TRL_STAGES,
    AchievementKind,
    CooperationMode,
    IpType,
    SourceChannel,
)
from ..selectors.discovery import contact_for, existing_titles
from ..services.core import normalize_title

COLUMNS_FILE = "achievement_import_columns.csv"
DATA_SHEET = "成果登记表"
OPTIONS_SHEET = "下拉选项"
HELP_SHEET = "填写说明"
TEMPLATE_ROWS = 1000
MAX_AMOUNT = Decimal("100000000000000")  # 1万亿元: anything larger is a typing error

# CSV field -> model field, where the names differ.
MODEL_FIELDS = {"ip_type": "ip_types", "division": "landing_division", "public": "is_public"}
MAX_LENGTHS = {"title": 200, "holder": 200, "contact_name": 50}
ALIASES = {
    "title": ("名称", "成果名"),
    "summary": ("简介", "成果简介及主要指标"),
    "field": ("领域", "所属产业", "产业领域"),
    "trl": ("TRL", "成熟度", "技术成熟度(TRL)"),
    "ip_type": ("知识产权",),
    "holder": ("成果持有单位", "持有人"),
    "contact_phone": ("电话", "手机", "联系方式"),
    "contact_email": ("邮箱", "Email"),
    "expected_contribution": ("预期综合经济贡献", "预期经济贡献(万元)", "预期经济贡献"),
    "funding_need": ("融资需求", "融资需求金额(万元)"),
    "division": ("拟落地镇街(园区)", "拟落地镇街园区", "落地镇街"),
    "discovered_on": ("发现时间", "登记日期"),
    "public": ("是否公开", "公开展示"),
}
# What the instructions sheet says about each column (the CSV explains them in English).
HELP = {
    "title": "成果的正式名称，不超过200字。同一单位不要重复登记。",
    "summary": "是什么、关键技术指标，以及与现有方案相比的优势。",
    "kind": "从下拉列表选择：企业类 / 平台类 / 项目类（决定日后适用的落地标准）。",
    "field": "从下拉列表选择所属产业领域。",
    "trl": "1–9级，或填阶段名称：实验室（1–3）、小试（4–5）、中试（6–7）、量产（8–9）。",
    "ip_type": "可多选，用顿号“、”分隔，如：发明专利、软件著作权。",
    "ip_count": "整数，如 5。",
    "holder": "成果的权属单位，如高校、院所或企业全称。",
    "contact_name": "成果团队的联系人（个人信息，仅服务中心与本单位可见）。",
    "contact_phone": "11位手机号，或带区号的固定电话，如 0769-22222222。",
    "contact_email": "电子邮箱，如 name@example.com。",
    "expected_contribution": "单位万元，直接填数字即可；也可写 500万、0.5亿、5,000,000元。",
    "funding_need": "同上，单位万元。",
    "cooperation_modes": "可多选，用顿号“、”分隔：转让、许可、作价入股、合作开发、其他。",
    "source_channel": "从下拉列表选择成果来源渠道。",
    "division": "拟落地的镇街（园区），全称或简称均可，如 长安镇 或 长安。",
    "discovered_on": "日期，如 2024-03-05、2024年3月5日、2024年3月（只写月份按1日计）。",
    "public": "填“是”或“否”，空白视为“否”。",
    "notes": "其他需要说明的情况。",
}
KIND_ALIASES = {"企业": "enterprise", "平台": "platform", "项目": "project"}

_FULLWIDTH_ALNUM = str.maketrans(
    {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF5B) if chr(c - 0xFEE0).isalnum()}
    | {"\u3000": " ", "\xa0": " "}
)


_BLANKS = re.compile(r"[ \t]+")
_SPACES = re.compile(r"\s+")


def clean_free_text(value, *, multiline: bool = False) -> str:
    """Free text keeps Chinese punctuation; full-width letters and digits and odd spaces fold."""
    # Control characters (calamine decodes _x001B_, _x0000_ …) go as they do from every form.
    text = strip_control_characters(str(value), multiline=True).translate(_FULLWIDTH_ALNUM)
    if multiline:
        lines = [_BLANKS.sub(" ", line).strip() for line in text.splitlines()]
        return "\n".join(lines).strip()
    return _SPACES.sub(" ", text).strip()


def clean_long_text(value) -> str:
    """A long text cell, held to the same limit as the form's field."""
    text = clean_free_text(value, multiline=True)
    if len(text) > LONG_TEXT_MAX_CHARS:
        raise ParseError(long_text_error(text).messages[0])
    return text


def _choice_lookup(choices, extra: dict[str, str] | None = None) -> dict[str, str]:
    table = {str(label): value for value, label in choices.choices}
    table.update({value: value for value in choices.values})
    table.update(extra or {})
    return table


def parse_trl(value) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool):
        level = int(value)
        if level == value and 1 <= level <= 9:
            return level
        raise ParseError(_("技术成熟度应为1–9级，当前为“%(value)s”") % {"value": value})
    text = clean_free_text(value).upper().replace(" ", "")
    match = re.match(r"^(?:TRL)?(\d+)", text)
    if match:
        level = int(match[1])
        if 1 <= level <= 9:
            return level
        raise ParseError(_("技术成熟度应为1–9级，当前为“%(value)s”") % {"value": value})
    for levels, name in TRL_STAGES:
        if str(name) in text:
            return levels.start
    raise ParseError(
        _("技术成熟度“%(value)s”无法识别：请填1–9，或 实验室 / 小试 / 中试 / 量产")
        % {"value": value}
    )


def _trl_options() -> list[str]:
    return [f"{level}（{name}）" for levels, name in TRL_STAGES for level in levels]


@cache
def column_specs() -> tuple[tuple[str, str, bool], ...]:
    """(header, field, required) of each column, from the reference CSV."""
    # The last column is free English text with unquoted commas: read the first three only.
    path = settings.REFERENCE_DIR / COLUMNS_FILE
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = [name.strip() for name in rows[0][:3]]
    if header != ["column", "field", "required"]:
        raise ImproperlyConfigured(f"{path}: unexpected header {rows[0]!r}")
    return tuple(
        (row[0].strip(), row[1].strip(), row[2].strip() == "yes") for row in rows[1:] if row
    )


class AchievementImporter(SheetImporter):
    """Reads a sheet of achievements for one unit. Never writes (see services.discovery)."""

    sheet_name = DATA_SHEET

    def __init__(self, *, unit: Unit):
        self.unit = unit
        self.today = timezone.localdate()
        self.industries = self._industry_lookup()
        self.divisions = self._division_lookup()
        parsers = self._parsers()
        self.columns = [
            Column(
                header,
                name,
                required=required,
                parse=parsers.get(name, self._text(name)),
                aliases=ALIASES.get(name, ()),
                help=HELP.get(name, ""),
            )
            for header, name, required in column_specs()
        ]

    # --- lookups ----------------------------------------------------------------------------

    @staticmethod
    def _industry_lookup() -> dict[str, Industry]:
        table: dict[str, Industry] = {}
        for industry in Industry.objects.all():
            name = clean_free_text(industry.name).replace("(", "（").replace(")", "）")
            table[name] = industry
            table[industry.code.upper()] = industry
            # Short forms: 半导体及集成电路 → 半导体; 下一代移动通信（6G） → 6G.
            table.setdefault(name.split("及")[0], industry)
            inside = re.search(r"（(.+)）", name)
            if inside:
                table.setdefault(inside[1].upper(), industry)
                table.setdefault(name[: inside.start()], industry)
        return table

    @staticmethod
    def _division_lookup() -> dict[str, Division]:
        table: dict[str, Division] = {}
        for division in Division.objects.all():
            table[division.name] = division
            table[division.short_name] = division
            table[division.code] = division
        return table

    # --- cell parsers -----------------------------------------------------------------------

    def _parsers(self) -> dict[str, Callable[[Any], Any]]:
        return {
            "summary": clean_long_text,
            "notes": clean_long_text,
            "kind": self._choice(AchievementKind, _("成果类型"), KIND_ALIASES),
            "field": self._field,
            "trl": parse_trl,
            "ip_type": self._choices(IpType, _("知识产权类型")),
            "ip_count": parse_int,
            "contact_phone": self._phone,
            "contact_email": self._email,
            "expected_contribution": self._amount,
            "funding_need": self._amount,
            "cooperation_modes": self._choices(CooperationMode, _("合作方式")),
            "source_channel": self._choice(SourceChannel, _("成果来源")),
            "division": self._division,
            "discovered_on": self._date,
            "public": parse_yes_no,
        }

    @staticmethod
    def _text(name: str) -> Callable[[Any], str]:
        limit = MAX_LENGTHS.get(name)

        def parse(value) -> str:
            text = clean_free_text(value)
            if limit and len(text) > limit:
                raise ParseError(
                    _("内容过长：最多 %(limit)d 个字，当前 %(n)d 个字")
                    % {"limit": limit, "n": len(text)}
                )
            return text

        return parse

    @staticmethod
    def _choice(choices, what: str, extra=None) -> Callable[[Any], str]:
        table = _choice_lookup(choices, extra)
        allowed = "、".join(str(label) for label in choices.labels)

        def parse(value) -> str:
            text = clean_free_text(value).replace(" ", "")
            if text not in table:
                raise ParseError(
                    _("%(what)s“%(value)s”不在可选范围内：%(allowed)s")
                    % {"what": what, "value": value, "allowed": allowed}
                )
            return table[text]

        return parse

    @classmethod
    def _choices(cls, choices, what: str) -> Callable[[Any], list[str]]:
        one = cls._choice(choices, what)

        def parse(value) -> list[str]:
            codes = []
            for part in split_list(value):
                code = one(part)
                if code not in codes:
                    codes.append(code)
            return codes

        return parse

    def _field(self, value) -> Industry:
        text = clean_free_text(value).replace(" ", "").replace("(", "（").replace(")", "）")
        found = self.industries.get(text) or self.industries.get(text.upper())
        if found is None:
            matches = {
                i.pk: i for name, i in self.industries.items() if len(text) >= 2 and text in name
            }
            if len(matches) == 1:
                found = next(iter(matches.values()))
        if found is None:
            raise ParseError(
                _("所属领域“%(value)s”不在产业领域目录中，请从下拉列表选择") % {"value": value}
            )
        return found

    def _division(self, value) -> Division:
        text = clean_free_text(value).replace(" ", "")
        found = self.divisions.get(text)
        if found is None:
            raise ParseError(
                _("镇街（园区）“%(value)s”不存在，请填写东莞的镇街或园区名称，如 长安镇")
                % {"value": value}
            )
        return found

    @staticmethod
    def _phone(value) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(int(value))
        phone = normalize_phone(str(value))
        try:
            validate_phone(phone)
        except ValidationError as exc:
            raise ParseError(exc.messages[0]) from exc
        return phone

    @staticmethod
    def _email(value) -> str:
        text = clean_free_text(value)
        try:
            if len(text) > 254:
                raise ValidationError("too long")
            validate_email(text)
        except ValidationError as exc:
            raise ParseError(_("电子邮箱“%(value)s”格式不正确") % {"value": value}) from exc
        return text

    @staticmethod
    def _amount(value) -> Decimal | None:
        amount = parse_amount(value)
        if amount is not None and amount >= MAX_AMOUNT:
            raise ParseError(
                _("金额“%(value)s”过大，请检查单位（默认单位为万元）") % {"value": value}
            )
        return amount

    def _date(self, value) -> date | None:
        found = parse_date(value)
        if found and found > self.today:
            raise ParseError(_("发现日期“%(value)s”晚于今天") % {"value": value})
        if found and found.year < 2000:
            raise ParseError(_("发现日期“%(value)s”过早，请检查") % {"value": value})
        return found

    # --- rows -------------------------------------------------------------------------------

    def clean_row(self, data, add_issue) -> None:
        for csv_name, model_name in MODEL_FIELDS.items():
            if csv_name in data:
                data[model_name] = data.pop(csv_name)
        for name in ("ip_types", "cooperation_modes"):
            data[name] = data.get(name) or []
        data["is_public"] = bool(data.get("is_public"))
        data["ip_count"] = data.get("ip_count") or 0
        for name in (
            "summary",
            "notes",
            "holder",
            "contact_name",
            "contact_phone",
            "contact_email",
        ):
            data[name] = data.get(name) or ""

    def _header(self, name: str) -> str:
        return next(c.header for c in self.columns if c.field == name)

    def parse(self, uploaded) -> ImportResult:
        result = super().parse(uploaded)
        self.warnings: list[tuple[int, str, str]] = []
        self._check_duplicates_in_file(result)
        self._check_against_library(result)
        result.issues.sort(key=lambda issue: issue.row)
        return result

    def _check_duplicates_in_file(self, result: ImportResult) -> None:
        header = self._header("title")
        first_row: dict[str, int] = {}
        for row in result.rows:
            title = normalize_title(row.data.get("title") or "")
            if not title:
                continue
            first = first_row.setdefault(title, row.number)
            if first != row.number:
                row.ok = False
                result.issues.append(
                    ImportIssue(
                        row.number, header, _("与第 %(row)d 行的成果名称重复") % {"row": first}
                    )
                )

    def _check_against_library(self, result: ImportResult) -> None:
        """A title this unit already registered is skipped (so a corrected sheet can simply be
        uploaded again); the same title from another unit is imported with a warning."""
        header = self._header("title")
        titles = {row.number: normalize_title(row.data.get("title") or "") for row in result.rows}
        known = existing_titles(self.unit, titles.values())
        units = {}
        for row in result.rows:
            matches = known.get(titles[row.number], [])
            own = [pk for pk, unit_id in matches if unit_id == self.unit.pk]
            if own and row.ok:
                row.ok = False
                result.issues.append(
                    ImportIssue(
                        row.number,
                        header,
                        _("本单位已登记同名成果（编号 %(pk)d），本行不再导入") % {"pk": own[0]},
                    )
                )
            elif matches and row.ok:
                unit_ids = [unit_id for _pk, unit_id in matches if unit_id != self.unit.pk]
                if not units and unit_ids:
                    units.update(Unit.objects.in_bulk(_all_units(known)))
                names = "、".join(str(units[u]) for u in dict.fromkeys(unit_ids) if u in units)
                self.warnings.append(
                    (
                        row.number,
                        header,
                        _("%(units)s已登记同名成果，导入后服务中心将核对是否重复")
                        % {"units": names},
                    )
                )


def _all_units(known: dict[str, list[tuple]]) -> set[int]:
    return {unit_id for matches in known.values() for _pk, unit_id in matches}


# --- The template -------------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="0B4EA2")
_REQUIRED_FILL = PatternFill("solid", fgColor="C0392B")
_WIDTHS = {"title": 30, "summary": 50, "holder": 26, "notes": 30, "field": 22}


def template_workbook() -> Workbook:
    """The blank sheet liaison officers fill in: Chinese headers, drop-downs, instructions."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    options = workbook.create_sheet(OPTIONS_SHEET)
    options.sheet_state = "hidden"
    help_sheet = workbook.create_sheet(HELP_SHEET)

    lists = {
        "kind": [str(label) for label in AchievementKind.labels],
        "field": list(Industry.objects.values_list("name", flat=True)),
        "trl": _trl_options(),
        "ip_type": [str(label) for label in IpType.labels],
        "cooperation_modes": [str(label) for label in CooperationMode.labels],
        "source_channel": [str(label) for label in SourceChannel.labels],
        "division": list(Division.objects.values_list("name", flat=True)),
        "public": ["是", "否"],
    }
    # Multi-valued columns accept a list typed by hand: Excel only warns about them.
    multi = {"ip_type", "cooperation_modes"}

    specs = column_specs()
    for index, (header, name, required) in enumerate(specs, start=1):
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL if required else _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _WIDTHS.get(name, 16)
        if name in lists:
            option_index = list(lists).index(name) + 1
            option_column = get_column_letter(option_index)
            options.cell(row=1, column=option_index, value=header)
            for row, value in enumerate(lists[name], start=2):
                options.cell(row=row, column=option_index, value=value)
            source = f"'{OPTIONS_SHEET}'!${option_column}$2:${option_column}${len(lists[name]) + 1}"
            validation = DataValidation(
                type="list",
                formula1=f"={source}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning" if name in multi else "stop",
                errorTitle=_("请从下拉列表选择"),
                error=HELP.get(name, ""),
                promptTitle=header,
                prompt=HELP.get(name, "")[:250],
                showInputMessage=True,
            )
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "B2"
    sheet.row_dimensions[1].height = 30

    help_sheet.column_dimensions["A"].width = 26
    help_sheet.column_dimensions["B"].width = 10
    help_sheet.column_dimensions["C"].width = 80
    help_sheet.append([_("东莞市科技成果登记表 · 填写说明")])
    help_sheet["A1"].font = Font(bold=True, size=14)
    for line in (
        _("1. 请在“成果登记表”工作表中逐行填写，一行一项成果；表头请勿修改，红色表头为必填项。"),
        _(
            "2. 金额默认单位为万元，也可写 500万、0.5亿、5,000,000元；日期可写 2024-03-05 或 2024年3月。"
        ),
        _("3. 可多选的列（知识产权类型、合作方式）请用顿号“、”分隔多个选项。"),
        _("4. 上传后系统会逐行检查并列出全部问题（行号、列名、原因），确认后才导入有效数据。"),
        _("5. 本单位已登记过的同名成果不会重复导入；文件须为 .xlsx 格式，不超过 10 MB。"),
    ):
        help_sheet.append([line])
    help_sheet.append([])
    help_sheet.append([_("列名"), _("是否必填"), _("填写说明")])
    for cell in help_sheet[help_sheet.max_row]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for header, name, required in specs:
        help_sheet.append([header, _("必填") if required else _("选填"), HELP.get(name, "")])
    for row in help_sheet.iter_rows(min_row=9):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    return workbook


# --- The list export ----------------------------------------------------------------------------

EXPORT_HEADERS = [
    "编号",
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
    "发现单位",
    "共同发现单位",
    "拟落地镇街",
    "发现日期",
    "状态",
    "提交时间",
    "是否公开展示",
]
EXPORT_WIDTHS = [
    8,
    30,
    40,
    10,
    18,
    14,
    20,
    10,
    24,
    10,
    14,
    22,
    14,
    12,
    18,
    14,
    16,
    16,
    12,
    12,
    10,
    18,
    10,
]


def _labels(choices, codes: Iterable[str]) -> str:
    lookup = dict(choices.choices)
    return "、".join(str(lookup.get(code, code)) for code in codes or [])


def export_rows(queryset, user) -> Iterable[list]:
    """One row per record, contact data masked as the user must see it; streamed in chunks."""
    for a in queryset.iterator(chunk_size=1000):
        contact = contact_for(a, user)
        credits = getattr(a, "credit_list", None)
        yield [
            a.pk,
            a.title,
            a.summary,
            a.get_kind_display(),
            str(a.field),
            a.get_trl_display() if a.trl else "",
            _labels(IpType, a.ip_types),
            a.ip_count,
            a.holder,
            contact.name,
            contact.phone,
            contact.email,
            wan(a.expected_contribution),
            wan(a.funding_need),
            _labels(CooperationMode, a.cooperation_modes),
            a.get_source_channel_display(),
            str(a.discovering_unit),
            "、".join(str(c.unit) for c in credits) if credits else "",
            str(a.landing_division or ""),
            a.discovered_on,
            a.get_status_display(),
            timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M") if a.submitted_at else "",
            "是" if a.is_public else "否",
        ]


def export_sheet(queryset, user) -> SheetSpec:
    return SheetSpec(
        title="科技成果",
        headers=EXPORT_HEADERS,
        rows=export_rows(queryset, user),
        widths=EXPORT_WIDTHS,
    )
