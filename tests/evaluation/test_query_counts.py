"""Every list renders in the same number of queries whatever its length."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluation.services import (
    batch_add_achievements,
    fast_track_review_open,
    recommendation_create,
    valuation_request,
)

from .factories import evaluator_user, give_score, item_of, make_batch, pdf_file, submitted

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    client.get(url)  # warm caches (policy numbers, sessions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def assert_constant(client, url, add_rows):
    few = count_queries(client, url)
    add_rows()
    many = count_queries(client, url)
    assert many == few, f"{url}: {few} queries with one row, {many} with many"


@pytest.mark.usefixtures("render_afresh")
def test_batch_list_and_detail(client, center_staff, evaluator):
    second = evaluator_user("expert_2")
    batch = make_batch(
        staff=center_staff, evaluators=[evaluator, second], achievements=[submitted()]
    )
    give_score(batch.items.get(), evaluator, 80)

    def more():
        for n in range(4):
            extra = make_batch(
                staff=center_staff,
                evaluators=[evaluator],
                name=f"第{n}批",
                achievements=[submitted()],
            )
            give_score(extra.items.get(), evaluator, 70)
        achievements = [submitted() for _ in range(6)]
        batch_add_achievements(batch=batch, achievements=achievements, acting_user=center_staff)
        for achievement in achievements:
            give_score(item_of(batch, achievement), evaluator, 75)
            give_score(item_of(batch, achievement), second, 65)

    client.force_login(center_staff)
    assert_constant(client, reverse("evaluation:batch_list"), lambda: None)
    few_list = count_queries(client, reverse("evaluation:batch_list"))
    few_detail = count_queries(client, reverse("evaluation:batch_detail", args=[batch.pk]))
    client.force_login(evaluator)
    few_eval = count_queries(client, reverse("evaluation:batch_detail", args=[batch.pk]))
    few_home = count_queries(client, reverse("quotas:home"))
    more()
    assert count_queries(client, reverse("evaluation:batch_detail", args=[batch.pk])) == few_eval
    assert count_queries(client, reverse("quotas:home")) == few_home
    client.force_login(center_staff)
    assert count_queries(client, reverse("evaluation:batch_list")) == few_list
    assert count_queries(client, reverse("evaluation:batch_detail", args=[batch.pk])) == few_detail


@pytest.mark.usefixtures("render_afresh")
def test_recommendation_review_and_valuation_lists(client, center_staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()

    def add(n):
        for _ in range(n):
            recommendation_create(
                achievement=submitted(),
                recommender_kind="research_institute",
                recommender_name="松山湖材料实验室",
                letter=pdf_file(),
                letter_date=date(2025, 3, 1),
                reason="推荐",
                acting_user=center_staff,
            )
            fast_track_review_open(
                achievement=submitted(),
                reviewer=center_staff,
                acting_user=center_staff,
                opened_on=today - timedelta(days=6),
            )
            valuation_request(
                achievement=submitted(),
                agency="中联评估",
                requested_on=date(2025, 4, 1),
                acting_user=center_staff,
            )

    add(1)
    client.force_login(center_staff)
    urls = [
        reverse("evaluation:recommendation_list"),
        reverse("evaluation:review_list"),
        reverse("evaluation:valuation_list"),
        reverse("quotas:home"),
        "/api/v1/evaluation/recommendations/",
        "/api/v1/evaluation/reviews/",
        "/api/v1/evaluation/valuations/",
    ]
    few = {url: count_queries(client, url) for url in urls}
    add(5)
    assert {url: count_queries(client, url) for url in urls} == few


def test_score_and_item_api_lists(client, center_staff, evaluator):
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[submitted()])
    give_score(batch.items.get(), evaluator, 80)
    client.force_login(center_staff)
    urls = [
        "/api/v1/evaluation/scores/",
        "/api/v1/evaluation/items/",
        "/api/v1/evaluation/batches/",
    ]
    few = {url: count_queries(client, url) for url in urls}
    for n in range(4):
        extra = make_batch(
            staff=center_staff, evaluators=[evaluator], name=f"批{n}", achievements=[submitted()]
        )
        give_score(extra.items.get(), evaluator, 60)
    assert {url: count_queries(client, url) for url in urls} == few
