"""REST API of landings (read-only): the same scoped list and FilterSet as the landings page."""

from django.db.models import F
from rest_framework import serializers, viewsets

from ..filters.landing import LandingFilter
from ..models import Landing, LandingEvidence
from ..selectors import landing as selectors
from ..services.landing import EVIDENCE_FIELDS


class LandingEvidenceSerializer(serializers.ModelSerializer):
    division = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = LandingEvidence
        fields = [
            "id",
            "kind",
            *(name for name in EVIDENCE_FIELDS if name != "note"),
            "source",
            "source_reference",
            "recorded_at",
        ]


class LandingSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="achievement.title", read_only=True)
    kind = serializers.CharField(source="achievement.kind", read_only=True)
    discovering_unit = serializers.CharField(
        source="achievement.discovering_unit.code", read_only=True
    )
    division = serializers.SlugRelatedField(slug_field="code", read_only=True)
    credited_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    evidence = LandingEvidenceSerializer(
        source="achievement.landing_evidence", many=True, read_only=True
    )

    class Meta:
        model = Landing
        fields = [
            "id",
            "achievement",
            "title",
            "kind",
            "discovering_unit",
            "state",
            "met_rules",
            "missing",
            "checked_at",
            "rule",
            "landed_on",
            "division",
            "credited_unit",
            "credit_basis",
            "verified_at",
            "economic_contribution",
            "landmark",
            "evidence",
        ]


class LandingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LandingSerializer
    filterset_class = LandingFilter

    def get_queryset(self):
        landings = selectors.landings_with_evidence(selectors.landing_list(self.request.user))
        return landings.order_by(F("landed_on").desc(nulls_last=True), "-id")
