"""Serializers of the discovery API."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kernel.validators import normalize_phone, validate_phone
from towns.models import Division, Industry, Unit

from ...choices import CooperationMode, IpType
from ...models import Achievement
from ...selectors.discovery import RECORD_FIELDS, contact_for
from ...validators import validate_discovered_on


class AchievementSerializer(serializers.ModelSerializer):
    field = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Industry.objects.all(),
        help_text=gettext_lazy("产业领域代码，如 S04"),
    )
    discovering_unit = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        help_text=gettext_lazy("发现单位代码；联络员登记时固定为本单位，服务中心登记时必填。"),
    )
    landing_division = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Division.objects.all(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("拟落地镇街（园区）的统计用区划代码"),
    )
    ip_types = serializers.ListField(
        child=serializers.ChoiceField(choices=IpType.choices), required=False
    )
    cooperation_modes = serializers.ListField(
        child=serializers.ChoiceField(choices=CooperationMode.choices), required=False
    )
    trl_stage = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    credited_units = serializers.SerializerMethodField()
    contact_masked = serializers.SerializerMethodField()

    class Meta:
        model = Achievement
        fields = [
            "id",
            *RECORD_FIELDS,
            "trl_stage",
            "discovering_unit",
            "credited_units",
            "status",
            "status_display",
            "merged_into",
            "submitted_at",
            "created_at",
            "updated_at",
            "contact_masked",
        ]
        read_only_fields = ["status", "merged_into", "submitted_at", "created_at", "updated_at"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_credited_units(self, obj) -> list[str]:
        credits = getattr(obj, "credit_list", None)
        if credits is None:
            credits = list(obj.credits.select_related("unit"))
        return [credit.unit.code for credit in credits]

    def get_contact_masked(self, obj) -> bool:
        return self._contact(obj).masked

    def _contact(self, obj):
        return contact_for(obj, self.context["request"].user)

    def to_representation(self, obj):
        data = super().to_representation(obj)
        contact = self._contact(obj)
        data.update(
            contact_name=contact.name, contact_phone=contact.phone, contact_email=contact.email
        )
        return data

    def validate_contact_phone(self, value: str) -> str:
        phone = normalize_phone(value)
        if phone:
            try:
                validate_phone(phone)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.messages) from exc
        return phone

    def validate_discovered_on(self, value):
        try:
            validate_discovered_on(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
