"""Validators for Chinese identifiers used across the portal, and for the limits every input is
held to (kernel/limits.py)."""

import re
from datetime import date
from decimal import Decimal

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import limits
from .money import format_yuan

# GB 32100-2015: the unified social credit code (统一社会信用代码) has 18 characters from this
# alphabet (no I, O, S, V, Z); the last one is a check character over the first seventeen.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def uscc_check_character(first_seventeen: str) -> str:
    pairs = zip(first_seventeen, USCC_WEIGHTS, strict=True)
    total = sum(USCC_ALPHABET.index(ch) * weight for ch, weight in pairs)
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def is_valid_uscc(value: str) -> bool:
    code = normalize_uscc(value)
    if not _USCC_SHAPE.match(code):
        return False
    return uscc_check_character(code[:17]) == code[17]


def validate_uscc(value: str) -> None:
    code = normalize_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位，当前为%(n)d位。"), params={"n": len(code)}
        )
    if not _USCC_SHAPE.match(code):
        raise ValidationError(_("统一社会信用代码含有不允许的字符（不使用 I、O、S、V、Z）。"))
    if uscc_check_character(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确，请核对后重新输入。"))


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def normalize_phone(value: str) -> str:
    """Full-width digits and stray spaces are common in sheets from officials."""
    text = to_halfwidth(value or "").strip()
    return re.sub(r"[\s()（）]", "", text)


def validate_phone(value: str) -> None:
    phone = normalize_phone(value)
    if not (_MOBILE.match(phone) or _LANDLINE.match(phone)):
        raise ValidationError(
            _("电话号码格式不正确：应为11位手机号，或带区号的固定电话（如 0769-22222222）。")
        )


# Full-width ASCII (U+FF01–U+FF5E) to half-width, and the ideographic space to a space.
_HALFWIDTH = str.maketrans(
    {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
)


def to_halfwidth(value: str) -> str:
    """Fold full-width ASCII (digits, letters, punctuation) and the ideographic space."""
    return value.translate(_HALFWIDTH)


# --- Limits every input is held to ---------------------------------------------------------------

# C0 control characters and DEL (ESC sequences, NUL, vertical tab from Word…) and the C1 range:
# invisible, and illegal in the XML of an .xlsx or .docx. Tab and line breaks stay in long text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_CONTROL = re.compile(r"[\t\n\r]")


def strip_control_characters(value: str, *, multiline: bool = False) -> str:
    """Text without control characters; in a one-line text, tabs and line breaks become spaces."""
    text = _CONTROL.sub("", value)
    return text if multiline else _LINE_CONTROL.sub(" ", text)


def long_text_error(value: str, *, limit: int = limits.LONG_TEXT_MAX_CHARS) -> ValidationError:
    return ValidationError(
        _("内容过长：最多 %(limit)d 个字符，当前为 %(n)d 个字符。"),
        code="max_length",
        params={"limit": limit, "n": len(value)},
    )


def validate_date_range(value: date) -> None:
    """Between limits.EARLIEST_DATE and limits.latest_date() (today + MAX_YEARS_AHEAD years)."""
    if value is None:
        return
    latest = limits.latest_date()
    if value < limits.EARLIEST_DATE or value > latest:
        raise ValidationError(
            _("日期应在 %(earliest)s 至 %(latest)s 之间。"),
            code="date_out_of_range",
            params={
                "earliest": limits.EARLIEST_DATE.isoformat(),
                "latest": latest.isoformat(),
            },
        )


def validate_amount(value: Decimal) -> None:
    """An amount in yuan, at most limits.MAX_AMOUNT_YUAN (model fields of money read this)."""
    if value is not None and abs(value) > limits.MAX_AMOUNT_YUAN:
        raise ValidationError(
            _("金额过大：单项金额不能超过 %(limit)s，请核对单位（万元 / 元）。"),
            code="amount_too_large",
            params={"limit": format_yuan(limits.MAX_AMOUNT_YUAN)},
        )


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its error in Chinese: Django 5.2 changed that message's msgid ("…at least
    %d characters") and its zh_Hans catalog has only the old one ("…at least %(min_length)d
    characters"), so the Chinese pages showed it in English. (Its help text still matches.)"""

    def get_error_message(self):
        return _("密码太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
