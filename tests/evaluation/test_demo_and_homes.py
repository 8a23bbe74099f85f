from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from achievements.models import (
    Assignment,
    Escalation,
    FollowUp,
    FollowUpFlag,
    Milestone,
)
from evaluation.choices import BatchStatus
from evaluation.models import Batch, FastTrackReview, Recommendation, Score, Valuation
from towns.models import User

from .factories import give_score, item_of, make_batch, submitted

pytestmark = pytest.mark.django_db

DEMO_MODELS = [
    Batch,
    Score,
    Recommendation,
    FastTrackReview,
    Valuation,
    Assignment,
    Milestone,
    FollowUp,
    FollowUpFlag,
    Escalation,
]


def test_seed_demo_adds_evaluation_and_service_data_once(settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())
    counts = {model: model.objects.count() for model in DEMO_MODELS}
    assert all(counts.values()), counts
    assert set(Batch.objects.values_list("status", flat=True)) == {
        BatchStatus.CONFIRMED,
        BatchStatus.PROPOSED,
        BatchStatus.SCORING,
    }
    assert set(Escalation.objects.values_list("tier", flat=True)) >= {"city_leader"}

    call_command("seed_demo", stdout=StringIO())
    assert {model: model.objects.count() for model in DEMO_MODELS} == counts

    # Every demo role lands on a page that shows something real.
    for username, marker in (
        ("center_chen", 'data-testid="fast-track-due"'),
        ("expert_zhou", "待评"),
        ("leader_city", 'data-testid="leader-escalations"'),
    ):
        client.force_login(User.objects.get(username=username))
        assert marker in client.get(reverse("home")).content.decode(), username


def test_the_evaluator_home_shows_each_batch_with_what_is_left_to_score(
    client, center_staff, evaluator
):
    first, second = submitted(), submitted()
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[first, second])
    give_score(item_of(batch, first), evaluator, 80)
    client.force_login(evaluator)
    page = client.get(reverse("home")).content.decode()
    assert batch.name in page and "待评 1 项" in page and "已评 1 / 2 项" in page
