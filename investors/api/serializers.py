from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from achievements.models import Achievement
from brokers.choices import InvestmentRound
from brokers.models import Fund
from kernel.limits import MAX_AMOUNT_YUAN

from ..models import Docking, InvestorInterest


class CriterionResultSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    mean = serializers.DecimalField(max_digits=5, decimal_places=1)


class ThreeHaveSerializer(serializers.Serializer):
    item = serializers.CharField()
    held = serializers.BooleanField()


class EvaluationSummarySerializer(serializers.Serializer):
    """What an investor may know of the evaluation: never an evaluator's own scores."""

    route = serializers.CharField()
    recommender_kind = serializers.CharField()
    batch = serializers.CharField()
    decision = serializers.CharField()
    scorer_count = serializers.IntegerField()
    mean_total = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    criteria = serializers.SerializerMethodField()
    three_have = serializers.SerializerMethodField()
    meets_three_have = serializers.BooleanField(allow_null=True)
    valuation = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    valued_on = serializers.DateField(allow_null=True)
    valuation_agency = serializers.CharField()
    valuation_hidden = serializers.BooleanField()

    @extend_schema_field(CriterionResultSerializer(many=True))
    def get_criteria(self, summary):
        rows = [{"criterion": str(label), "mean": value} for label, value in summary.criteria]
        return CriterionResultSerializer(rows, many=True).data

    @extend_schema_field(ThreeHaveSerializer(many=True))
    def get_three_have(self, summary):
        rows = [{"item": str(label), "held": held} for label, held in summary.three_have]
        return ThreeHaveSerializer(rows, many=True).data


class OpportunitySerializer(serializers.ModelSerializer):
    field = serializers.CharField(source="field.name")
    stage = serializers.CharField(source="trl_stage")
    landing_division = serializers.CharField(
        source="landing_division.name", default=None, allow_null=True
    )
    evaluation = serializers.SerializerMethodField()

    class Meta:
        model = Achievement
        fields = [
            "id",
            "title",
            "summary",
            "kind",
            "field",
            "trl",
            "stage",
            "holder",
            "funding_need",
            "landing_division",
            "service_entered_at",
            "evaluation",
        ]

    @extend_schema_field(EvaluationSummarySerializer)
    def get_evaluation(self, achievement):
        return EvaluationSummarySerializer(self.context["summaries"][achievement.pk]).data


class InterestCreateSerializer(serializers.Serializer):
    intended_amount = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_AMOUNT_YUAN,
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class InterestSerializer(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="institution.name")
    achievement_title = serializers.CharField(source="achievement.title")
    docking = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = InvestorInterest
        fields = [
            "id",
            "institution",
            "institution_name",
            "achievement",
            "achievement_title",
            "intended_amount",
            "note",
            "created_at",
            "docking",
        ]


class DockingSerializer(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="interest.institution.name")
    achievement = serializers.IntegerField(source="interest.achievement_id")
    achievement_title = serializers.CharField(source="interest.achievement.title")

    class Meta:
        model = Docking
        fields = [
            "id",
            "interest",
            "institution_name",
            "achievement",
            "achievement_title",
            "status",
            "meeting_on",
            "place",
            "participants",
            "outcome",
            "venture_round",
        ]


class ArrangeSerializer(serializers.Serializer):
    meeting_on = serializers.DateField()
    place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    participants = serializers.CharField(max_length=1000)


class MeetingSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    participants = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    outcome = serializers.CharField(max_length=2000)


class InvestmentSerializer(serializers.Serializer):
    round = serializers.ChoiceField(choices=InvestmentRound.choices)
    amount = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=Decimal("0.01"), max_value=MAX_AMOUNT_YUAN
    )
    invested_on = serializers.DateField()
    fund = serializers.PrimaryKeyRelatedField(
        queryset=Fund.objects.all(), required=False, allow_null=True
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)
