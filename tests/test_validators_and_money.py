from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from achievements.choices import AchievementKind
from achievements.models import Achievement
from kernel import limits
from kernel.money import format_wan, format_yuan
from kernel.validators import (
    is_valid_uscc,
    normalize_phone,
    validate_phone,
    validate_uscc,
)

from .achievements.landing.factories import land
from .achievements.service.factories import service_case
from .achievements.test_discovery_api import payload as api_payload
from .achievements.test_discovery_workflow import form_data
from .factories import TEST_PASSWORD, credit_code


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


# --- Limits on what is typed (issue 16: 11, 12; the numbers in kernel/limits.py) ------------------

LATEST = limits.latest_date().isoformat()
DATE_MESSAGE = f"日期应在 1949-01-01 至 {LATEST} 之间。"
AMOUNT_MESSAGE = "金额过大：单项金额不能超过 1,000亿元，请核对单位（万元 / 元）。"


@pytest.mark.django_db
def test_an_over_long_summary_is_refused_by_the_form_and_the_api(client, liaison):
    client.force_login(liaison)
    page = client.post(reverse("achievements:achievement_create"), form_data(summary="长" * 5001))
    assert page.context["form"].errors["summary"] == [
        "内容过长：最多 5000 个字符，当前为 5001 个字符。"
    ]
    api = client.post(
        "/api/v1/achievements/", api_payload(summary="长" * 5001), content_type="application/json"
    )
    assert api.json() == {"summary": ["内容过长：最多 5000 个字符，当前为 5001 个字符。"]}
    # A million characters (3 MB) is refused from its size before it is read; in a multipart
    # body (no file in it) as soon as 2 MB of it were read.
    huge = form_data(summary="长" * 1_000_000)
    as_sent = client.post(
        reverse("achievements:achievement_create"),
        urlencode(huge, doseq=True),
        content_type="application/x-www-form-urlencoded",
    )
    assert as_sent.status_code == 413
    as_multipart = client.post(reverse("achievements:achievement_create"), huge)
    assert as_multipart.status_code == 400 and "超过大小上限" in as_multipart.content.decode()
    assert not Achievement.objects.exists()
    assert (
        client.post(
            reverse("achievements:achievement_create"), form_data(summary="长" * 5000)
        ).status_code
        == 302
    )


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["0001-01-01", "1948-12-31", "9999-12-31"])
def test_a_date_out_of_range_is_refused_by_the_form_and_the_api(client, liaison, day):
    client.force_login(liaison)
    page = client.post(reverse("achievements:achievement_create"), form_data(discovered_on=day))
    assert page.context["form"].errors["discovered_on"] == [DATE_MESSAGE]
    api = client.post(
        "/api/v1/achievements/", api_payload(discovered_on=day), content_type="application/json"
    )
    assert api.json() == {"discovered_on": [DATE_MESSAGE]}
    assert not Achievement.objects.exists()


@pytest.mark.django_db
def test_a_deadline_beyond_ten_years_is_refused(client, enterprise_user):
    client.force_login(enterprise_user)
    demand = {
        "kind": "technology",
        "title": "注塑件缩痕",
        "description": "缩痕明显。",
        "field": "S04",
        "division": "441900119",
        "contact_name": "赵工",
        "contact_phone": "13800138000",
    }
    response = client.post(
        "/api/v1/demands/", {**demand, "deadline": "9999-12-31"}, content_type="application/json"
    )
    assert response.json() == {"deadline": [DATE_MESSAGE]}
    response = client.post(
        "/api/v1/demands/", {**demand, "deadline": LATEST}, content_type="application/json"
    )
    assert response.status_code == 201


@pytest.mark.django_db
def test_an_absurd_amount_is_refused_on_the_contribution_page_and_by_the_api(
    client, center_staff, liaison
):
    landing = land(service_case(kind=AchievementKind.PROJECT), center_staff, on=date(2026, 3, 5))
    client.force_login(center_staff)
    url = reverse("achievements:landing_contribution", args=[landing.achievement_id])
    page = client.post(url, {"amount": "2000000000000元"})
    assert page.context["form"].errors["amount"] == [AMOUNT_MESSAGE]
    assert client.post(url, {"amount": "1000亿"}).status_code == 302
    landing.refresh_from_db()
    assert landing.economic_contribution == limits.MAX_AMOUNT_YUAN
    client.force_login(liaison)
    api = client.post(
        "/api/v1/achievements/",
        api_payload(expected_contribution="2000000000000.00"),
        content_type="application/json",
    )
    assert api.json() == {"expected_contribution": [AMOUNT_MESSAGE]}


@pytest.mark.django_db
def test_a_too_short_password_is_explained_in_chinese(client, liaison):
    client.force_login(liaison)
    response = client.post(
        reverse("towns:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "Xy-7", "new_password2": "Xy-7"},
    )
    assert response.context["form"].errors["new_password2"] == ["密码太短，至少需要 8 个字符。"]
    assert "你的密码必须包含至少 8 个字符。" in response.content.decode()
