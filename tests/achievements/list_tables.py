"""A list page's table beside its .xlsx export: the columns both show carry the same header in
the same order, and a row the same values (the workbook's money in 万元, the page's in 万元 or
亿元). Columns only one of them has are named by each test."""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

import lxml.html
from openpyxl import load_workbook

from kernel.money import WAN, format_yuan

IN_WAN = "（万元）"


def page_table(response, testid: str) -> tuple[list[str], list[list[str]]]:
    """The header cells and the rows' cells (their text, whitespace collapsed) of a table."""
    assert response.status_code == 200
    tree = lxml.html.fromstring(response.content.decode())
    (table,) = tree.xpath(f'//table[@data-testid="{testid}"]')

    def text(cell) -> str:
        return " ".join(cell.text_content().split())

    headers = [text(th) for th in table.xpath("./thead/tr/th")]
    rows = [[text(td) for td in tr.xpath("./td")] for tr in table.xpath("./tbody/tr")]
    return headers, rows


def export_table(response) -> tuple[list[str], set[str], list[tuple]]:
    """The workbook's headers (less the 万元 unit), the money columns, and its rows."""
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.values)
    headers = [str(header) for header in rows[0]]
    money = {header.removesuffix(IN_WAN) for header in headers if header.endswith(IN_WAN)}
    return [header.removesuffix(IN_WAN) for header in headers], money, rows[1:]


def as_on_page(value, *, money: bool) -> str:
    """How the page writes a workbook value."""
    if value is None or value == "":
        return "—"
    if money:
        return format_yuan(Decimal(str(value)) * WAN)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def assert_page_matches_export(
    page,
    export,
    testid: str,
    *,
    shared: list[str],
    page_only: tuple[str, ...] = (),
    shown_as: dict[str, Callable[[Any], str]] | None = None,
) -> None:
    """The page's headers are `shared` plus `page_only`; the workbook has `shared` in the same
    order; the one row of each agree in the shared columns (a page cell starts with the value:
    a title is followed by its badges). `shown_as` gives the page's text of a workbook value
    where the page writes it its own way (a month as 2026年5月)."""
    headers, rows = page_table(page, testid)
    export_headers, money, export_rows = export_table(export)
    assert [header for header in headers if header not in page_only] == shared
    assert [header for header in export_headers if header in shared] == shared
    assert len(rows) == len(export_rows) == 1
    on_page = dict(zip(headers, rows[0], strict=True))
    in_export = dict(zip(export_headers, export_rows[0], strict=True))
    shown_as = shown_as or {}
    for header in shared:
        value = in_export[header]
        if header in shown_as:
            expected = shown_as[header](value)
        else:
            expected = as_on_page(value, money=header in money)
        assert on_page[header].startswith(expected), (header, on_page[header], value)
