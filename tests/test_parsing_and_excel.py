"""The shared parsers and the Excel reader/writer every importer and export uses."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from kernel.excel import Column, SheetImporter, SheetSpec, WorkbookRejected, write_workbook
from kernel.parsing import ParseError, parse_amount, parse_date, parse_int, parse_yes_no, split_list


@pytest.mark.parametrize(
    ("raw", "yuan"),
    [
        ("500万", "5000000"),
        ("500万元", "5000000"),
        ("0.5亿", "50000000"),
        ("0.5亿元", "50000000"),
        ("5,000,000", "5000000"),
        ("5,000,000元", "5000000"),
        ("５００万", "5000000"),
        ("　500 万 ", "5000000"),
        ("￥300万", "3000000"),
        ("1.5", "15000"),
        (500, "5000000"),
        (12.5, "125000"),
        ("800元", "800"),
    ],
)
def test_amounts_in_every_format_officials_write(raw, yuan):
    assert parse_amount(raw) == Decimal(yuan)


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_blank_amount_is_none(raw):
    assert parse_amount(raw) is None


@pytest.mark.parametrize(
    ("raw", "message"), [("约五百万", "无法识别"), ("-3万", "负数"), ("5万美元", "无法识别")]
)
def test_bad_amounts_are_explained(raw, message):
    with pytest.raises(ParseError, match=message):
        parse_amount(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (datetime(2024, 3, 5, 0, 0), date(2024, 3, 5)),  # noqa: DTZ001  (as an Excel cell holds it)
        (date(2024, 3, 5), date(2024, 3, 5)),
        (45356, date(2024, 3, 5)),
        ("2024-03-05", date(2024, 3, 5)),
        ("2024/3/5", date(2024, 3, 5)),
        ("2024.3.5", date(2024, 3, 5)),
        ("2024年3月5日", date(2024, 3, 5)),
        ("2024年3月", date(2024, 3, 1)),
        ("2024-03", date(2024, 3, 1)),
        ("２０２４－０３－０５", date(2024, 3, 5)),
        ("20240305", date(2024, 3, 5)),
    ],
)
def test_dates_in_every_format(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"), [("2024-02-30", "不存在"), ("去年三月", "无法识别"), ("2024-13", "不存在")]
)
def test_bad_dates_are_explained(raw, message):
    with pytest.raises(ParseError, match=message):
        parse_date(raw)


def test_small_parsers():
    assert parse_int("１２") == 12
    assert parse_int(3.0) == 3
    with pytest.raises(ParseError):
        parse_int("十二")
    assert split_list("发明专利、软件著作权；其他, 许可") == [
        "发明专利",
        "软件著作权",
        "其他",
        "许可",
    ]
    assert parse_yes_no("是") is True and parse_yes_no("") is False
    with pytest.raises(ParseError):
        parse_yes_no("也许")


class PeopleImporter(SheetImporter):
    columns = [
        Column("姓名", "name", required=True),
        Column("金额（万元）", "amount", parse=parse_amount),
        Column("日期", "when", parse=parse_date),
    ]

    def clean_row(self, data, add_issue):
        if data["name"] == "重复":
            add_issue("姓名", "与第2行重复")


def xlsx(rows, *, merged_title=None) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    if merged_title:
        sheet.append([merged_title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("data.xlsx", buffer.getvalue())


def test_real_world_sheet_is_read():
    upload = xlsx(
        [
            [" 姓 名 * ", "金额（万元）", "多余的列", "日期"],
            ["张三", "500万", "忽略", "2024年3月"],
            [None, None, None, None],
            ["李四", "5,000,000", None, 45356],
            ["", "  ", "", ""],
        ],
        merged_title="2024年东莞市科技成果登记表",
    )
    result = PeopleImporter().parse(upload)
    assert result.issues == []
    assert [(r.number, r.data) for r in result.rows] == [
        (3, {"name": "张三", "amount": Decimal("5000000.00"), "when": date(2024, 3, 1)}),
        (5, {"name": "李四", "amount": Decimal("5000000.00"), "when": date(2024, 3, 5)}),
    ]


def test_every_problem_is_listed_by_row_and_column():
    upload = xlsx(
        [
            ["姓名", "金额（万元）", "日期"],
            ["", "abc", "2024-02-30"],
            ["重复", "1", "2024-01-01"],
            ["好", "2", "2024-01-01"],
        ]
    )
    result = PeopleImporter().parse(upload)
    problems = [(i.row, i.column, i.message) for i in result.issues]
    assert problems == [
        (2, "姓名", "必填项为空"),
        (
            2,
            "金额（万元）",
            "金额“abc”无法识别：请填写数字，可带单位，如 500万、0.5亿、5,000,000元",
        ),
        (2, "日期", "日期“2024-02-30”不存在"),
        (3, "姓名", "与第2行重复"),
    ]
    assert [r.number for r in result.valid_rows] == [4]


def test_missing_required_header_is_refused():
    with pytest.raises(WorkbookRejected, match="缺少必填列：姓名"):
        PeopleImporter().parse(xlsx([["金额（万元）"], ["1"]]))


def test_sheet_without_data_rows_is_refused():
    with pytest.raises(WorkbookRejected, match="没有数据行"):
        PeopleImporter().parse(xlsx([["姓名", "金额（万元）"]]))


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "文件是空的"),
        ("name,amount\n张三,5\n".encode(), "不是 Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 Excel"),
        (zip_bytes({"word/document.xml": b"<w/>"}), "可能是 Word"),
        (b"PK\x03\x04" + b"garbage" * 10, "已损坏"),
        (zip_bytes({"xl/workbook.xml": b"<broken"}), "已损坏"),
        (zip_bytes({"xl/workbook.xml": b"<x/>", "xl/big.xml": b"0" * (60 * 2**20)}), "解压后过大"),
        (b"%PDF-1.7 fake", "不是 Excel"),
    ],
)
def test_bad_files_are_refused_with_a_reason(content, message):
    with pytest.raises(WorkbookRejected, match=message):
        PeopleImporter().parse(SimpleUploadedFile("x.xlsx", content))


def test_oversized_file_is_refused():
    upload = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"0" * (10 * 2**20 + 1))
    with pytest.raises(WorkbookRejected, match="超过 10 MB"):
        PeopleImporter().parse(upload)


def test_export_neutralises_formulas_and_freezes_the_header(tmp_path):
    target = tmp_path / "out.xlsx"
    write_workbook(
        [
            SheetSpec(
                title="成果",
                headers=["名称", "金额"],
                rows=[["=cmd|' /C calc'!A0", 5], ["@SUM(1)", 6], ["正常", 7]],
                totals=["合计", 18],
            )
        ],
        target,
    )
    sheet = load_workbook(target).active
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == ["名称", "金额"]
    assert sheet["A2"].value == "'=cmd|' /C calc'!A0"
    assert sheet["A2"].data_type == "s"
    assert sheet["A3"].value == "'@SUM(1)"
    assert [c.value for c in sheet[5]] == ["合计", 18]
