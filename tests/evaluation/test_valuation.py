from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluation.choices import ValuationStatus
from evaluation.models import Valuation
from evaluation.services import valuation_request
from towns.models import Notification

from ..factories import next_year
from .factories import pdf_file, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def request_valuation(staff, achievement=None):
    return valuation_request(
        achievement=achievement or submitted(),
        agency="广东中联资产评估有限公司",
        requested_on=date(2025, 4, 1),
        acting_user=staff,
    )


def test_staff_commission_a_valuation_from_a_named_agency(client, center_staff):
    achievement = submitted(title="工业软件著作权包")
    client.force_login(center_staff)
    response = client.post(
        reverse("evaluation:valuation_create"),
        {
            "achievement": achievement.pk,
            "agency": "广东中联资产评估有限公司",
            "requested_on": "2025-04-01",
            "request_note": "拟许可给东莞企业，需评估许可费基准。",
        },
    )
    valuation = Valuation.objects.get()
    assert response["Location"] == reverse("evaluation:valuation_detail", args=[valuation.pk])
    assert (valuation.agency, valuation.status, valuation.requested_on, valuation.created_by) == (
        "广东中联资产评估有限公司",
        ValuationStatus.REQUESTED,
        date(2025, 4, 1),
        center_staff,
    )


def test_a_valuation_goes_from_requested_to_in_progress_to_completed(client, center_staff, liaison):
    valuation = request_valuation(center_staff, submitted(liaison=liaison))
    url = reverse("evaluation:valuation_detail", args=[valuation.pk])
    client.force_login(center_staff)
    client.post(url, {"action": "start"})
    valuation.refresh_from_db()
    assert valuation.status == ValuationStatus.IN_PROGRESS

    missing = client.post(url, {"action": "complete", "value": "", "valued_on": "2025-05-06"})
    assert missing.content.decode().count("该字段是必填项。") == 2  # report and value
    response = client.post(
        url,
        {
            "action": "complete",
            "report": pdf_file("report.pdf"),
            "value": "1.25亿",
            "valued_on": "2025-05-06",
        },
    )
    assert response.status_code == 302
    valuation.refresh_from_db()
    assert (valuation.status, valuation.value, valuation.valued_on) == (
        ValuationStatus.COMPLETED,
        Decimal("125000000.00"),
        date(2025, 5, 6),
    )
    page = client.get(url).content.decode()
    assert "1.25亿元" in page and "2025-05-06" in page
    report = client.get(reverse("evaluation:valuation_report", args=[valuation.pk]))
    assert report["Content-Type"] == "application/pdf"
    assert Notification.objects.get(recipient=liaison).kind == "valuation_completed"

    # A completed valuation takes no more changes.
    assert client.post(url, {"action": "cancel", "cancel_reason": "x"}).status_code == 403


def test_cancel_needs_a_reason(client, center_staff):
    valuation = request_valuation(center_staff)
    url = reverse("evaluation:valuation_detail", args=[valuation.pk])
    client.force_login(center_staff)
    response = client.post(url, {"action": "cancel", "cancel_reason": ""})
    assert "该字段是必填项。" in response.content.decode()
    client.post(url, {"action": "cancel", "cancel_reason": "交易双方终止洽谈"})
    valuation.refresh_from_db()
    assert (valuation.status, valuation.cancel_reason) == (
        ValuationStatus.CANCELLED,
        "交易双方终止洽谈",
    )


def test_a_negative_or_future_value_is_refused(client, center_staff):
    valuation = request_valuation(center_staff)
    client.force_login(center_staff)
    response = client.post(
        reverse("evaluation:valuation_detail", args=[valuation.pk]),
        {"action": "complete", "report": pdf_file(), "value": "0", "valued_on": next_year()},
    )
    content = response.content.decode()
    assert "评估价值应大于 0。" in content and "评估基准日不能晚于今天。" in content


def test_a_draft_cannot_be_valued(center_staff):
    from ..factories import AchievementFactory

    with pytest.raises(ValidationError) as error:
        request_valuation(center_staff, AchievementFactory(status="draft"))
    assert error.value.messages == ["只有发现库或服务库中的成果可以委托公允价值评价。"]


def test_starting_twice_is_refused(center_staff):
    from evaluation.services import valuation_start

    valuation = request_valuation(center_staff)
    valuation_start(valuation=valuation, acting_user=center_staff)
    with pytest.raises(ValidationError) as error:
        valuation_start(valuation=valuation, acting_user=center_staff)
    assert error.value.messages == ["当前状态为“评估中”，不能标记为评估中。"]
