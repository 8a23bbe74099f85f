"""Learning from the center's decisions: recompute the ranking's learned weights."""

from django.db import transaction
from django.utils import timezone

from ..matching import DemandQuery, learning
from ..matching.ranking import judged_features
from ..models import Achievement, Demand, MatchLearning
from ..selectors.judgments import Judgment, match_judgments


def judgments_features(judgments: list[Judgment]) -> list[learning.Judged]:
    """The ranking features of each judgment's match (a few queries per judged demand)."""
    by_demand: dict[int, list[Judgment]] = {}
    for judgment in judgments:
        by_demand.setdefault(judgment.demand_id, []).append(judgment)
    profiles = dict(
        Demand.objects.filter(pk__in=list(by_demand))
        .exclude(match_profile={})
        .values_list("pk", "match_profile")
    )
    fields = dict(
        Achievement.all_objects.filter(pk__in={j.achievement_id for j in judgments}).values_list(
            "pk", "field_id"
        )
    )
    features: list[learning.Judged] = []
    for demand_id, found in sorted(by_demand.items()):
        if demand_id not in profiles:
            continue
        query = DemandQuery.from_json(profiles[demand_id])
        # A match judged twice (proposed, then answered) counts twice.
        features += judged_features(
            query,
            [
                (j.achievement_id, fields[j.achievement_id], j.positive)
                for j in found
                if j.achievement_id in fields
            ],
        )
    return features


def match_learning_recompute() -> learning.Adjustments:
    """Learn the weights from every judgment and store them (idempotent: the same judgments
    give the same row)."""
    adjustments = learning.learn(judgments_features(match_judgments()))
    with transaction.atomic():
        MatchLearning.objects.update_or_create(
            key="matching",
            defaults={
                "weights": adjustments.as_json(),
                "judgments": adjustments.judgments,
                "computed_at": timezone.now(),
            },
        )
    return adjustments
