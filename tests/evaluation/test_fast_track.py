from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from evaluation.choices import ReviewStatus
from evaluation.models import FastTrackReview
from evaluation.services import fast_track_review_open
from evaluation.tasks import task_remind_fast_track_reviews
from towns.models import Notification, PolicyValue
from towns.policy import clear_policy_cache

from .factories import submitted

pytestmark = pytest.mark.django_db

RESULT = {
    "policy_suggestion": "适用产业化项目资助，建议按设备投入的30%给予支持。",
    "policy_support_amount": "300",
    "carrier_suggestion": "松山湖生物医药产业园B栋，首年租金减半。",
    "carrier_name": "松山湖生物医药产业园",
    "carrier_area": "1200",
    "landing_form": "new_company",
    "form_suggestion": "团队以技术作价入股新设公司，东莞企业现金出资。",
    "expected_investment": "0.2亿",
    "expected_months": "6",
}


def open_review(staff, *, opened_on=None, achievement=None):
    return fast_track_review_open(
        achievement=achievement or submitted(),
        reviewer=staff,
        acting_user=staff,
        opened_on=opened_on,
    )


@pytest.mark.parametrize(
    ("opened_on", "due_on"),
    [
        (date(2025, 1, 28), date(2025, 2, 4)),  # across a month end
        (date(2024, 2, 25), date(2024, 3, 3)),  # across a leap-year February
        (date(2025, 12, 29), date(2026, 1, 5)),  # across the year end
    ],
)
def test_the_review_is_due_seven_calendar_days_later(center_staff, opened_on, due_on):
    assert open_review(center_staff, opened_on=opened_on).due_on == due_on


def test_the_seven_days_come_from_the_policy_table(center_staff):
    PolicyValue.objects.update_or_create(
        year=2025, key="evaluation.fast_track_due_days", defaults={"value": 10}
    )
    clear_policy_cache()
    assert open_review(center_staff, opened_on=date(2025, 1, 28)).due_on == date(2025, 2, 7)


def test_staff_open_a_review_from_the_page(client, center_staff):
    achievement = submitted(title="钠离子电池正极材料")
    client.force_login(center_staff)
    response = client.post(
        reverse("evaluation:review_create"),
        {"achievement": achievement.pk, "reviewer": center_staff.pk, "request_note": "拟落户寮步"},
    )
    review = FastTrackReview.objects.get()
    assert response["Location"] == reverse("evaluation:review_detail", args=[review.pk])
    today = timezone.localdate()
    assert (review.opened_on, review.due_on, review.status) == (
        today,
        today + timedelta(days=7),
        ReviewStatus.OPEN,
    )
    notice = Notification.objects.get(kind="fast_track_assigned")
    assert notice.title == f"请在 {review.due_on:%Y-%m-%d} 前完成“钠离子电池正极材料”的快速落地评价"


def test_only_one_open_review_per_achievement(center_staff):
    achievement = submitted()
    open_review(center_staff, achievement=achievement)
    with pytest.raises(ValidationError) as error:
        open_review(center_staff, achievement=achievement)
    assert error.value.messages == ["该成果已有进行中的快速落地评价。"]


def test_the_result_is_concrete_and_quantified(client, center_staff, liaison):
    review = open_review(center_staff, achievement=submitted(liaison=liaison))
    client.force_login(center_staff)
    incomplete = {**RESULT, "policy_support_amount": "", "carrier_area": "", "landing_form": ""}
    response = client.post(reverse("evaluation:review_detail", args=[review.pk]), incomplete)
    assert response.content.decode().count("该字段是必填项。") == 3
    review.refresh_from_db()
    assert review.status == ReviewStatus.OPEN

    response = client.post(reverse("evaluation:review_detail", args=[review.pk]), RESULT)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.COMPLETED
    assert (
        review.policy_support_amount,
        review.carrier_area,
        review.expected_investment,
        review.expected_months,
        review.completed_by,
    ) == (Decimal("3000000.00"), Decimal("1200.00"), Decimal("20000000.00"), 6, center_staff)
    page = client.get(reverse("evaluation:review_detail", args=[review.pk])).content.decode()
    assert "300万元" in page and "1200 平方米" in page and "预计 6 个月落地" in page
    assert Notification.objects.get(recipient=liaison).kind == "fast_track_completed"

    again = client.post(reverse("evaluation:review_detail", args=[review.pk]), RESULT)
    assert again.status_code == 403


def test_due_soon_and_overdue_reviews_show_on_the_staff_dashboard(client, center_staff):
    today = timezone.localdate()
    overdue = open_review(center_staff, opened_on=today - timedelta(days=9))
    soon = open_review(center_staff, opened_on=today - timedelta(days=5))
    later = open_review(center_staff, opened_on=today - timedelta(days=1))
    client.force_login(center_staff)
    page = client.get(reverse("quotas:home")).content.decode()
    panel = page[page.index('data-testid="fast-track-due"') :]
    assert overdue.achievement.title in panel and "已逾期 2 天" in panel
    assert soon.achievement.title in panel and "2 天后到期" in panel
    assert later.achievement.title not in panel


def test_reminders_go_out_daily_and_once_a_day(center_staff, commits):
    today = timezone.localdate()
    overdue = open_review(center_staff, opened_on=today - timedelta(days=8))
    open_review(center_staff, opened_on=today - timedelta(days=6))
    open_review(center_staff, opened_on=today)
    with commits():
        assert task_remind_fast_track_reviews.delay().get() == 2
        assert task_remind_fast_track_reviews.delay().get() == 0
    titles = sorted(
        Notification.objects.filter(kind__startswith="fast_track_")
        .exclude(kind="fast_track_assigned")
        .values_list("kind", "title")
    )
    assert titles == [
        (
            "fast_track_due",
            f"快速落地评价将于 {today + timedelta(days=1):%Y-%m-%d} 到期："
            f"{FastTrackReview.objects.get(opened_on=today - timedelta(days=6)).achievement.title}",
        ),
        ("fast_track_overdue", f"快速落地评价已逾期 1 天：{overdue.achievement.title}"),
    ]
    tomorrow = (today + timedelta(days=1)).isoformat()
    with commits():
        assert task_remind_fast_track_reviews.delay(today=tomorrow).get() == 2


def test_the_reminder_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["evaluation-remind-fast-track-reviews"]
    assert entry["task"] == "evaluation.tasks.task_remind_fast_track_reviews"
    assert entry["schedule"].hour == {8} and len(entry["schedule"].day_of_month) == 31


@pytest.mark.parametrize("role", ["liaison", "leader", "evaluator"])
def test_only_staff_open_or_complete_reviews(client, users_by_role, role, center_staff):
    review = open_review(center_staff, achievement=submitted())
    client.force_login(users_by_role[role])
    assert client.get(reverse("evaluation:review_create")).status_code == 403
    response = client.post(reverse("evaluation:review_detail", args=[review.pk]), RESULT)
    assert response.status_code == (404 if role == "evaluator" else 403)
