"""Read serializers of the evaluation API; every write goes through a service."""

from rest_framework import serializers

from ..models import (
    REVIEW_RESULT_FIELDS,
    Batch,
    BatchItem,
    FastTrackReview,
    Recommendation,
    Score,
    Valuation,
)
from ..services import RESULT_FIELDS


class AchievementRefMixin(serializers.Serializer):
    achievement_title = serializers.CharField(source="achievement.title", read_only=True)


class BatchSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    evaluators = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Batch
        fields = [
            "id",
            "year",
            "name",
            "institution",
            "threshold",
            "status",
            "status_display",
            "evaluators",
            "selection_computed_at",
            "confirmed_at",
        ]


class BatchItemSerializer(AchievementRefMixin, serializers.ModelSerializer):
    class Meta:
        model = BatchItem
        fields = [
            "id",
            "batch",
            "achievement",
            "achievement_title",
            *RESULT_FIELDS,
            "decision",
            "reason",
            "decided_at",
        ]


class ScoreSerializer(serializers.ModelSerializer):
    evaluator_name = serializers.CharField(source="evaluator.display_name", read_only=True)

    class Meta:
        model = Score
        fields = [
            "id",
            "item",
            "evaluator",
            "evaluator_name",
            "tech_content",
            "economic_benefit",
            "conversion_efficiency",
            "total",
            "market_demand",
            "innovation_value",
            "economic_contribution",
            "comment",
            "updated_at",
        ]


class RecommendationSerializer(AchievementRefMixin, serializers.ModelSerializer):
    class Meta:
        model = Recommendation
        fields = [
            "id",
            "achievement",
            "achievement_title",
            "recommender_kind",
            "recommender_name",
            "letter_date",
            "reason",
            "created_at",
        ]


class FastTrackReviewSerializer(AchievementRefMixin, serializers.ModelSerializer):
    class Meta:
        model = FastTrackReview
        fields = [
            "id",
            "achievement",
            "achievement_title",
            "status",
            "opened_on",
            "due_on",
            "reviewer",
            *REVIEW_RESULT_FIELDS,
            "completed_at",
        ]


class ValuationSerializer(AchievementRefMixin, serializers.ModelSerializer):
    class Meta:
        model = Valuation
        fields = [
            "id",
            "achievement",
            "achievement_title",
            "agency",
            "requested_on",
            "status",
            "value",
            "valued_on",
            "cancel_reason",
        ]
