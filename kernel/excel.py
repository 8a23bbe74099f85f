"""Excel in and out, shared by every importer and export of the portal.

Reading: `check_upload` refuses what is not a sane .xlsx (wrong type, too large, a zip that
decompresses to something huge) and `read_rows` a damaged file, with a message in Chinese;
calamine reads the cells. `SheetImporter` finds the header row (below a merged title row, with
stray spaces and `*` markers), ignores extra columns and blank rows, parses every cell and
reports every problem by row, column and reason.
Nothing is written until the whole sheet is clean — the importer's caller saves in one
transaction.

Writing: `xlsx_response` streams rows through openpyxl's write-only mode (constant memory),
with Chinese headers, a frozen header row, and text that Excel would run as a formula
neutralised. Money is written as a number of 万元 with a 万元 number format (`wan(yuan)`), and
ratios as percentages (`percent(ratio)`), so that Excel can sum and sort them.
"""

import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice
from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from .limits import MAX_WORKBOOK_BYTES as MAX_UPLOAD_BYTES
from .money import WAN
from .parsing import ParseError, clean_text, is_blank
from .uploads import rename_for_kind
from .validators import strip_control_characters
from .wording import list_separator

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_DATA_ROWS = 50_000
HEADER_SEARCH_ROWS = 10

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class WorkbookRejected(Exception):
    """The file as a whole cannot be read; the message says why, in Chinese."""


def check_upload(uploaded) -> None:
    """Refuse, with a reason in Chinese, what is not a sane .xlsx: empty, too large, another
    kind of file, not a workbook, or a zip that decompresses far beyond its size."""
    size = getattr(uploaded, "size", None)
    if size is None:
        uploaded.seek(0, 2)
        size = uploaded.tell()
    if size == 0:
        raise WorkbookRejected(_("文件是空的，请选择填写好的 .xlsx 文件。"))
    if size > MAX_UPLOAD_BYTES:
        raise WorkbookRejected(
            _("文件大小为 %(size).1f MB，超过 10 MB 的上限。请删除多余内容或分批上传。")
            % {"size": size / 1024 / 1024}
        )
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(_OLE_MAGIC):
        raise WorkbookRejected(
            _("这是旧版 Excel（.xls）或其他 Office 文件。请在 Excel 中“另存为” .xlsx 格式后上传。")
        )
    if not head.startswith(_ZIP_MAGIC):
        raise WorkbookRejected(_("文件不是 Excel（.xlsx）格式。请下载模板填写后上传。"))
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                raise WorkbookRejected(
                    _("文件不是 Excel（.xlsx）工作簿（可能是 Word 等其他文件）。")
                )
            total = sum(info.file_size for info in archive.infolist())
            if total > MAX_UNCOMPRESSED_BYTES or total > size * MAX_COMPRESSION_RATIO:
                raise WorkbookRejected(
                    _("文件解压后过大（%(mb)d MB），疑似异常文件，已拒绝。")
                    % {"mb": total // 2**20}
                )
    except zipfile.BadZipFile as exc:
        raise WorkbookRejected(_("文件已损坏，无法读取。请重新保存后上传。")) from exc
    uploaded.seek(0)
    rename_for_kind(uploaded, "xlsx")


def _cell(value):
    """calamine's values as openpyxl reads them: an empty cell is None and a whole number an int
    (a phone number typed as a number stays 13800138000, not 13800138000.0)."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_rows(uploaded, sheet_name: str | None = None) -> Iterator[tuple]:
    """The rows of the sheet `sheet_name` (or the first one) of an upload that `check_upload`
    passed, as tuples of cell values. Read by calamine (Rust): ten times faster than openpyxl
    on a 10,000-row sheet, which is most of the time an import takes."""
    try:
        workbook = CalamineWorkbook.from_filelike(uploaded)
        names = workbook.sheet_names
        sheet = names and workbook.get_sheet_by_name(
            sheet_name if sheet_name in names else names[0]
        )
    except Exception as exc:  # calamine raises several kinds for damaged files
        raise WorkbookRejected(_("文件已损坏或不是有效的 Excel 工作簿，无法读取。")) from exc
    if not sheet:
        raise WorkbookRejected(_("工作簿中没有工作表。"))
    for row in sheet.iter_rows():
        yield tuple(_cell(value) for value in row)


def normalize_header(value) -> str:
    """`成果 名称*`, ` 成果名称 `, `成果名称\n（必填）` → `成果名称`."""
    text = clean_text(value)
    text = re.sub(r"[（(]\s*必填\s*[)）]", "", text)
    return re.sub(r"[\s*＊:：]", "", text)


@dataclass(frozen=True)
class Column:
    """One column of an import sheet: its header (and aliases), field, and cell parser."""

    header: str
    field: str
    required: bool = False
    parse: Callable[[Any], Any] = clean_text
    aliases: tuple[str, ...] = ()
    help: str = ""

    def matches(self, header: str) -> bool:
        names = {normalize_header(self.header), *map(normalize_header, self.aliases)}
        return normalize_header(header) in names


@dataclass
class ImportIssue:
    row: int
    column: str
    message: str


@dataclass
class ImportRow:
    number: int  # the row number as Excel shows it
    data: dict[str, Any]
    ok: bool = True


@dataclass
class ImportResult:
    rows: list[ImportRow] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)

    @property
    def valid_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.ok]

    @property
    def has_problems(self) -> bool:
        return bool(self.issues)


class SheetImporter:
    """Parse the first sheet (or `sheet_name`) into rows of cleaned values and a list of issues.

    Subclasses list `columns` and may override `clean_row` for lookups and cross-field rules;
    they never write: saving is the caller's job, in one transaction, after the user confirmed.
    """

    columns: Sequence[Column] = ()
    sheet_name: str | None = None

    def parse(self, uploaded) -> ImportResult:
        check_upload(uploaded)
        rows = read_rows(uploaded, self.sheet_name)
        head = list(islice(rows, HEADER_SEARCH_ROWS))
        header_row_number, mapping = self._find_header(head)
        result = ImportResult()
        data_rows = chain(head[header_row_number:], rows)
        for offset, values in enumerate(data_rows, start=header_row_number + 1):
            if all(is_blank(v) for v in values):
                continue
            if len(result.rows) >= MAX_DATA_ROWS:
                raise WorkbookRejected(_("数据超过 %(n)d 行，请分批上传。") % {"n": MAX_DATA_ROWS})
            result.rows.append(self._parse_row(offset, values, mapping, result))
        if not result.rows:
            raise WorkbookRejected(_("表格中没有数据行：请在表头下方逐行填写。"))
        return result

    def _find_header(self, head: list[tuple]) -> tuple[int, dict[int, Column]]:
        """The row among the first few that names the most known columns (1-based number)."""
        best: tuple[int, dict[int, Column]] = (0, {})
        for number, values in enumerate(head, start=1):
            mapping = {}
            for index, value in enumerate(values):
                column = next((c for c in self.columns if c.matches(value or "")), None)
                if column and column not in mapping.values():
                    mapping[index] = column
            if len(mapping) > len(best[1]):
                best = (number, mapping)
        number, mapping = best
        missing = [c.header for c in self.columns if c.required and c not in mapping.values()]
        if not mapping:
            raise WorkbookRejected(
                _("找不到表头行。请使用平台提供的模板，表头应为：%(headers)s")
                % {"headers": list_separator().join(c.header for c in self.columns if c.required)}
            )
        if missing:
            raise WorkbookRejected(
                _("缺少必填列：%(headers)s。请使用平台提供的模板。")
                % {"headers": list_separator().join(missing)}
            )
        return number, mapping

    def _parse_row(self, number, values, mapping, result: ImportResult) -> ImportRow:
        row = ImportRow(number=number, data={})

        def add_issue(column: str, message: str) -> None:
            row.ok = False
            result.issues.append(ImportIssue(row=number, column=column, message=str(message)))

        for index, column in mapping.items():
            raw = values[index] if index < len(values) else None
            if is_blank(raw):
                row.data[column.field] = None
                if column.required:
                    add_issue(column.header, _("必填项为空"))
                continue
            try:
                row.data[column.field] = column.parse(raw)
            except ParseError as exc:
                row.data[column.field] = None
                add_issue(column.header, str(exc))
        for column in self.columns:
            row.data.setdefault(column.field, None)
        self.clean_row(row.data, add_issue)
        return row

    def clean_row(self, data: dict[str, Any], add_issue: Callable[[str, str], None]) -> None:
        """Lookups and cross-field checks; report with `add_issue(column header, message)`."""


# --- Writing ------------------------------------------------------------------------------------

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    """Text that Excel would treat as a formula (`=cmd|…`) is stored as plain text; control
    characters, which the sheet's XML cannot hold (one stored before input was cleaned made every
    export a 500), are left out."""
    if isinstance(value, str):
        value = strip_control_characters(value, multiline=True)
        if value.startswith(_FORMULA_TRIGGERS):
            return "'" + value
    return value


# Every amount of money in every workbook: a number of 万元, shown as 1,234.50万元.
WAN_FORMAT = '#,##0.00"万元"'
PERCENT_FORMAT = "0%"


@dataclass(frozen=True)
class Formatted:
    """A number written with an Excel number format (the value stays a number)."""

    value: int | float | Decimal
    number_format: str


def wan(yuan) -> Formatted | None:
    """An amount in yuan as the number of 万元 it is, with the 万元 format; None stays empty."""
    if yuan is None or yuan == "":
        return None
    return Formatted(Decimal(yuan) / WAN, WAN_FORMAT)


def percent(part, whole) -> Formatted | None:
    """part / whole as a percentage cell; empty when there is no whole."""
    if not whole:
        return None
    return Formatted(Decimal(part) / Decimal(whole), PERCENT_FORMAT)


@dataclass
class SheetSpec:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()
    totals: Sequence[Any] | None = None


_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="0B4EA2")
_TOTAL_FONT = Font(bold=True)


def _write_cell(sheet, value, font: Font | None = None):
    """A plain value as it is (the fast path), or a cell with its number format or font."""
    if isinstance(value, Formatted):
        cell = WriteOnlyCell(sheet, value=value.value)
        cell.number_format = value.number_format
    elif font is None:
        return neutralize(value)
    else:
        cell = WriteOnlyCell(sheet, value=neutralize(value))
    if font is not None:
        cell.font = font
    return cell


def write_workbook(sheets: Sequence[SheetSpec], target) -> None:
    """Write sheets in write-only mode (rows are streamed; memory stays flat)."""
    workbook = Workbook(write_only=True)
    for spec in sheets:
        sheet = workbook.create_sheet(title=spec.title[:31])
        sheet.freeze_panes = "A2"
        for index in range(len(spec.headers)):
            width = spec.widths[index] if index < len(spec.widths) else 16
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        header_cells = []
        for header in spec.headers:
            cell = WriteOnlyCell(sheet, value=str(header))
            cell.font = _HEADER_FONT
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in spec.rows:
            sheet.append([_write_cell(sheet, value) for value in row])
        if spec.totals is not None:
            sheet.append([_write_cell(sheet, value, _TOTAL_FONT) for value in spec.totals])
    workbook.save(target)


def xlsx_response(filename: str, sheets: Sequence[SheetSpec]) -> FileResponse:
    """An .xlsx download built in a temporary file (constant memory for any number of rows)."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_workbook(sheets, handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename if filename.endswith(".xlsx") else f"{filename}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
