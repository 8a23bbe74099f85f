"""Parsers for what officials really type: amounts in 万/亿, dates in Chinese, full-width digits.

Used by forms and by every Excel importer, so that a value means the same wherever it is typed.
"""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .money import WAN, YI
from .validators import (
    strip_control_characters,
    to_halfwidth,
    validate_amount,
    validate_date_range,
)

_UNIT_FACTORS = {
    "亿元": YI,
    "亿": YI,
    "万元": WAN,
    "万": WAN,
    "元": Decimal(1),
}
_AMOUNT = re.compile(
    r"^(?P<sign>[-+]?)\s*(?:¥|￥|RMB|CNY)?\s*(?P<number>\d+(?:\.\d+)?|\.\d+)\s*(?P<unit>亿元|亿|万元|万|元)?$",
    re.IGNORECASE,
)


class ParseError(ValueError):
    """A value that cannot be read; the message is for the person who typed it (Chinese)."""


_SPACES = re.compile(r"\s+")


def clean_text(value) -> str:
    """Full-width to half-width, ideographic spaces folded, control characters left out, trimmed."""
    if value is None:
        return ""
    return _SPACES.sub(" ", strip_control_characters(to_halfwidth(str(value)))).strip()


def is_blank(value) -> bool:
    """`clean_text(value) == ""`, without building the cleaned text (an import asks it of every
    cell)."""
    return value is None or (isinstance(value, str) and not value.strip())


def parse_amount(value, *, default_unit: Decimal = WAN) -> Decimal | None:
    """Yuan from `500万`, `0.5亿`, `5,000,000元`, `500万元`, or a plain number in `default_unit`.

    A number written with thousands separators and no unit (`5,000,000`) is read as yuan: that is
    how people write yuan, never 万元. Blank gives None. Negative amounts are refused.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ParseError(_("金额格式不正确"))
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value)) * default_unit
    else:
        raw = clean_text(value).replace(" ", "")
        grouped_in_thousands = bool(
            re.fullmatch(r"[-+]?(?:¥|￥)?\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw)
        )
        text = raw.replace(",", "")
        if not text:
            return None
        match = _AMOUNT.match(text)
        if not match:
            raise ParseError(
                _("金额“%(value)s”无法识别：请填写数字，可带单位，如 500万、0.5亿、5,000,000元")
                % {"value": value}
            )
        try:
            number = Decimal(match["number"])
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
            raise ParseError(_("金额格式不正确")) from exc
        if match["unit"]:
            factor = _UNIT_FACTORS[match["unit"]]
        else:
            factor = Decimal(1) if grouped_in_thousands else default_unit
        amount = number * factor
        if match["sign"] == "-":
            amount = -amount
    if amount < 0:
        raise ParseError(_("金额不能为负数"))
    _within_limits(validate_amount, amount)
    return amount.quantize(Decimal("0.01"))


def _within_limits(validator, value) -> None:
    try:
        validator(value)
    except ValidationError as exc:
        raise ParseError(exc.messages[0]) from None


_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_PATTERNS = [
    # 2024-03-05, 2024/3/5, 2024.3.5
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})$"),
    # 2024年3月5日 (日 optional)
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?$"),
    # 2024年3月, 2024-03, 2024/3 — month only means the 1st
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月?$"),
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})$"),
    # 20240305
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
]


def parse_date(value) -> date | None:
    """A date from an Excel date, an Excel serial number, `2024-03-05`, `2024/3/5`,
    `2024年3月5日`, `2024年3月` or `2024-03` (a month alone means its first day), within the
    range of kernel/limits.py."""
    day = _read_date(value)
    _within_limits(validate_date_range, day)
    return day


def _read_date(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's serial-number range
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise ParseError(_("日期“%(value)s”超出范围") % {"value": value})
    text = clean_text(value).replace(" ", "")
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = match.groupdict()
            try:
                return date(int(parts["y"]), int(parts["m"]), int(parts.get("d") or 1))
            except ValueError as exc:
                raise ParseError(_("日期“%(value)s”不存在") % {"value": value}) from exc
    raise ParseError(
        _("日期“%(value)s”无法识别：请使用 2024-03-05、2024年3月5日 或 2024年3月 等格式")
        % {"value": value}
    )


def parse_int(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = clean_text(value).replace(",", "")
    if not text:
        return None
    if not re.fullmatch(r"\d+", text):
        raise ParseError(_("“%(value)s”不是整数") % {"value": value})
    return int(text)


# The largest id a database integer column holds; a bigger "id" in a URL names nothing.
MAX_ID = 2**31 - 1


def parse_id(value) -> int | None:
    """A record id from a query string, or None for anything else (², 1e3, 10**30)."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdecimal() or int(text) > MAX_ID:
        return None
    return int(text)


_LIST_SEPARATORS = re.compile(r"[、,，;；/\n]+")


def split_list(value) -> list[str]:
    """`发明专利、软件著作权` / `转让,许可` → a list; blanks dropped."""
    text = clean_text(value)
    return [part.strip() for part in _LIST_SEPARATORS.split(text) if part.strip()]


_YES = {"是", "y", "yes", "true", "1", "公开", "√"}
_NO = {"否", "n", "no", "false", "0", "不公开", "×", ""}


def parse_yes_no(value) -> bool:
    text = clean_text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ParseError(_("请填写“是”或“否”，当前为“%(value)s”") % {"value": value})
