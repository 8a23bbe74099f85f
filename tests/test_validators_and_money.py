from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from towns.money import format_wan, format_yuan
from towns.validators import is_valid_uscc, normalize_phone, validate_phone, validate_uscc

from .factories import credit_code


@pytest.mark.parametrize(
    "code",
    ["91350100M000100Y43", "91110000802100433B", credit_code(1), credit_code(42).lower()],
)
def test_valid_credit_codes(code):
    assert is_valid_uscc(code)
    validate_uscc(code)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y4", "应为18位"),
        ("91350100M000100Y44", "校验位不正确"),
        ("91350100M000100YI3", "不允许的字符"),
        ("", "应为18位"),
    ],
)
def test_invalid_credit_codes_explain_why(code, message):
    with pytest.raises(ValidationError) as excinfo:
        validate_uscc(code)
    assert message in excinfo.value.messages[0]


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("１３８００１３８０００", "13800138000"),
        ("0769-2222 3333", "0769-22223333"),
        (" 13800138000 ", "13800138000"),
    ],
)
def test_phone_normalization(raw, normalized):
    assert normalize_phone(raw) == normalized
    validate_phone(raw)


@pytest.mark.parametrize("bad", ["12345", "2380013800", "138001380001"])
def test_bad_phone(bad):
    with pytest.raises(ValidationError):
        validate_phone(bad)


@pytest.mark.parametrize(
    ("yuan", "shown"),
    [
        (Decimal("800"), "800元"),
        (Decimal("15000"), "1.5万元"),
        (Decimal("5000000"), "500万元"),
        (Decimal("99999999"), "10,000万元"),
        (Decimal("100000000"), "1亿元"),
        (Decimal("250000000"), "2.5亿元"),
        (Decimal("12000000000"), "120亿元"),
        (None, ""),
    ],
)
def test_money_is_shown_in_wan_and_yi(yuan, shown):
    assert format_yuan(yuan) == shown


@pytest.mark.parametrize(
    ("yuan", "shown"),
    [
        (Decimal("800"), "800 yuan"),
        (Decimal("15000"), "15,000 yuan"),
        (Decimal("1500000"), "1.5 million yuan"),
        (Decimal("250000000"), "250 million yuan"),
    ],
)
def test_money_in_english_is_counted_in_millions(yuan, shown):
    with translation.override("en"):
        assert format_yuan(yuan) == shown


def test_money_in_wan_column():
    assert format_wan(Decimal("1234567")) == "123.46"
