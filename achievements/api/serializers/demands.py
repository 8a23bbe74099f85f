"""Serializers of the demands API."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from kernel.validators import normalize_phone, validate_phone
from towns.models import Division, Industry

from ... import matching
from ...matching.people import explanation_text as people_explanation_text
from ...models import Demand, Match
from ...services import demands as services
from ...validators import validate_budget_range


class DemandSerializer(serializers.ModelSerializer):
    field = serializers.SlugRelatedField(slug_field="code", queryset=Industry.objects.all())
    division = serializers.SlugRelatedField(slug_field="code", queryset=Division.objects.all())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = Demand
        fields = [
            "id",
            *services.DEMAND_FIELDS,
            "status",
            "enterprise",
            "enterprise_name",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "enterprise", "created_at", "updated_at"]

    def validate_contact_phone(self, value):
        phone = normalize_phone(value)
        try:
            validate_phone(phone)
        except DjangoValidationError as error:
            raise ValidationError(error.messages) from error
        return phone

    def validate(self, attrs):
        low = attrs.get("budget_min", getattr(self.instance, "budget_min", None))
        high = attrs.get("budget_max", getattr(self.instance, "budget_max", None))
        try:
            validate_budget_range(low, high)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
        return attrs


class MatchSerializer(serializers.ModelSerializer):
    achievement = serializers.IntegerField(source="achievement_id", read_only=True)
    title = serializers.CharField(source="achievement.title", read_only=True)
    explanation = serializers.SerializerMethodField()
    reasons = serializers.JSONField(source="explanation", read_only=True)
    concepts = serializers.SerializerMethodField()

    class Meta:
        model = Match
        fields = ["achievement", "title", "score", "status", "explanation", "reasons", "concepts"]

    def get_explanation(self, match) -> str:
        return matching.explanation_text(match.explanation)

    def get_concepts(self, match) -> list[str]:
        """The concepts of the concept graph that fired for this match."""
        return matching.concepts_fired(match.explanation)


class DemandMatchesSerializer(serializers.Serializer):
    demand = serializers.IntegerField()
    computed_at = serializers.DateTimeField(
        allow_null=True, help_text="when the demand's suggestions were last computed"
    )
    results = MatchSerializer(many=True)


class PersonContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    masked = serializers.BooleanField()


class PersonSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="expert, broker or team")
    name = serializers.CharField()
    affiliation = serializers.CharField(allow_blank=True)
    score = serializers.FloatField()
    detail = serializers.CharField(allow_blank=True)
    explanation = serializers.SerializerMethodField()
    reasons = serializers.JSONField(source="explanation")
    contact = PersonContactSerializer()

    def get_explanation(self, person) -> str:
        return people_explanation_text(person.explanation)


class PeopleGroupSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    people = PersonSerializer(many=True)


class DemandPeopleSerializer(serializers.Serializer):
    demand = serializers.IntegerField()
    computed_at = serializers.DateTimeField(allow_null=True)
    groups = PeopleGroupSerializer(many=True)
