"""Serializers of the landing API."""

from rest_framework import serializers

from ...models import Landing, LandingEvidence
from ...services.landing import EVIDENCE_FIELDS


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
