from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from achievements.models import (
    Assignment,
    Escalation,
    EscalationInstruction,
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

    # leader_city receives every ≥ 5亿元 stalled case (its industries', and as the default for
    # the others) and has given a 批示; the home lists exactly as many as it counts.
    leader_city = User.objects.get(username="leader_city")
    city = Escalation.objects.open().filter(tier="city_leader")
    assert city.count() >= 1
    assert set(city.filter(recipients=leader_city)) == set(city)
    assert not Escalation.objects.filter(unrouted=True).exists()
    assert EscalationInstruction.objects.filter(author=leader_city).count() == 1
    client.force_login(leader_city)
    home = client.get(reverse("quotas:home")).content.decode()
    panel = home[home.index('data-testid="leader-escalations"') :]
    panel = panel[: panel.index("</table>")]
    assert f"分管市领导 {city.count()} · 市科技局及发现单位领导 0 · 责任人 0" in panel
    assert panel.count("<tr>") - 1 == city.count()

    # Every demo role lands on a page that shows something real.
    for username, marker in (
        ("center_chen", 'data-testid="fast-track-due"'),
        ("expert_zhou", "待评"),
        ("leader_city", 'data-testid="leader-escalations"'),
    ):
        client.force_login(User.objects.get(username=username))
        assert marker in client.get(reverse("quotas:home")).content.decode(), username


def test_the_evaluator_home_shows_each_batch_with_what_is_left_to_score(
    client, center_staff, evaluator
):
    first, second = submitted(), submitted()
    batch = make_batch(staff=center_staff, evaluators=[evaluator], achievements=[first, second])
    give_score(item_of(batch, first), evaluator, 80)
    client.force_login(evaluator)
    page = client.get(reverse("quotas:home")).content.decode()
    assert batch.name in page and "待评 1 项" in page and "已评 1 / 2 项" in page
