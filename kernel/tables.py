"""One description of a table's columns drives its page and its .xlsx export.

A `Col` says what a column shows (its label and how to read the value from a row), what kind
of value it is (money in yuan, a count, a percentage, a date, a status) and how wide it is in
Excel. The page renders `Col.html` (or the column's own cell template, for a link or a
progress bar) under `Col.label`; the export writes `Col.export` under `Col.export_label`, so a
page and its workbook cannot disagree on a column's name, order or value.

A column the workbook has and the page folds into another cell (a record's field under its
title) says `page=False`; a column only the page has (a count of matches, a budget range the
workbook splits into two numbers) says `xlsx=False`. `page_columns` gives a page its columns,
`table_sheet` writes the workbook's.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .excel import SheetSpec, percent, wan
from .money import format_yuan


@dataclass(frozen=True)
class Col:
    label: str | Promise
    value: Callable[[Any], Any]
    kind: str = "text"  # text | money | number | percent | date | status
    width: int = 16
    field: str = "status"  # the choice field a status column's badge is coloured by
    unit: str | Promise = ""  # a count's unit, named in the export's header: 已发现（项）
    cell: str = ""  # the template of the page's cell, given `row`; "" shows `html`
    css_class: str = ""  # the page's classes of the column's cells, instead of the kind's
    page: bool = True  # shown on the page (False: only in the export)
    xlsx: bool = True  # written to the export (False: only on the page)

    @property
    def export_label(self) -> str:
        if self.kind == "money":
            return _("%(label)s（万元）") % {"label": self.label}
        if self.unit:
            return _("%(label)s（%(unit)s）") % {"label": self.label, "unit": self.unit}
        return str(self.label)

    def html(self, obj) -> str:
        value = self.value(obj)
        if value is None or value == "":
            return "—"
        if self.kind == "money":
            return format_yuan(value)
        if self.kind == "percent":
            return f"{value}%"
        if isinstance(value, date):
            return value.isoformat()
        return str(value)

    def export(self, obj):
        value = self.value(obj)
        if self.kind == "money":
            return wan(value)
        if self.kind == "percent":
            return None if value is None else percent(value, 100)
        if isinstance(value, str | int | Decimal | date) or value is None:
            return value
        return str(value)

    @property
    def css(self) -> str:
        if self.css_class:
            return self.css_class
        if self.kind in ("money", "number", "percent"):
            return "num"
        return "text-nowrap" if self.kind in ("date", "status") or self.width <= 12 else ""

    @property
    def head_css(self) -> str:
        """The header's classes: aligned as its cells, but free to wrap (a long English label
        would otherwise widen a narrow column)."""
        return "num" if "num" in self.css.split() else ""


def page_columns(columns: Iterable[Col], *, without: Iterable[Col] = ()) -> list[Col]:
    """The columns a page shows: those not only in the export, less the ones this reader is not
    shown (`without`: the very `Col` objects, such as the responsible person on one's own cases)."""
    hidden = list(without)
    return [c for c in columns if c.page and not any(c is h for h in hidden)]


def table_sheet(
    title: str,
    columns: Sequence[Col],
    rows: Iterable[Any],
    *,
    totals: Sequence[Any] | None = None,
) -> SheetSpec:
    """The .xlsx sheet of a table: the page's columns, in the page's order (less the page-only
    ones, with the export-only ones)."""
    columns = [column for column in columns if column.xlsx]
    return SheetSpec(
        title=str(title),
        headers=[column.export_label for column in columns],
        rows=([column.export(row) for column in columns] for row in rows),
        widths=[column.width for column in columns],
        totals=totals,
    )
