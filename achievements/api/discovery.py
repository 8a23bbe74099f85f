"""REST API of the discovery library: /api/v1/achievements/ (same filters as the list page)."""

import rules
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from kernel.drf import as_drf
from kernel.validators import normalize_phone, validate_phone
from towns.models import Division, Industry, Unit

from ..choices import CooperationMode, IpType
from ..filters.discovery import AchievementFilter
from ..models import Achievement
from ..selectors.discovery import RECORD_FIELDS, contact_for, library_for
from ..services import discovery as services
from ..validators import validate_discovered_on


class NullsLastOrderingFilter(OrderingFilter):
    """Blank values sort last in both directions, on SQLite and PostgreSQL alike."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        return queryset.order_by(
            *[
                F(name[1:]).desc(nulls_last=True)
                if name.startswith("-")
                else F(name).asc(nulls_last=True)
                for name in ordering
            ]
        )


class CanReadLibrary(permissions.BasePermission):
    message = gettext_lazy("您的角色无权查看成果发现库。")

    def has_permission(self, request, view) -> bool:
        return rules.has_perm("achievements.view_library", request.user)


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


@extend_schema(tags=["成果发现库"])
class AchievementViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """科技成果（成果发现库）：列表、详情、登记、修改、提交、撤回。

    列表筛选参数与网页列表相同（q、unit、division、field、kind、status、year、trl、
    cooperation、source）。每个角色只看到 `visible_to` 允许的记录；个人联系方式仅服务中心和
    发现单位可见，其他角色看到的是脱敏后的值。
    """

    serializer_class = AchievementSerializer
    permission_classes = [permissions.IsAuthenticated, CanReadLibrary]
    filter_backends = [DjangoFilterBackend, NullsLastOrderingFilter]
    filterset_class = AchievementFilter
    ordering_fields = [
        "created_at",
        "submitted_at",
        "discovered_on",
        "expected_contribution",
        "trl",
        "title",
    ]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return library_for(self.request.user)

    def _save(self, call):
        try:
            return call()
        except DjangoValidationError as exc:
            raise as_drf(exc) from exc

    def create(self, request, *args, **kwargs):
        # The role is checked before the body, as on the registration page.
        if not rules.has_perm("achievements.add_achievement", request.user):
            raise exceptions.PermissionDenied(_("您的角色不能登记成果。"))
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        unit = data.pop("discovering_unit", None)
        serializer.instance = self._save(
            lambda: services.achievement_create(acting_user=self.request.user, unit=unit, data=data)
        )

    def perform_update(self, serializer):
        achievement = serializer.instance
        self._save(
            lambda: services.achievement_update(
                achievement, acting_user=self.request.user, data=dict(serializer.validated_data)
            )
        )
        serializer.instance = self.get_queryset().get(pk=achievement.pk)

    def _transition(self, request, call):
        achievement = self.get_object()
        self._save(lambda: call(achievement))
        fresh = self.get_queryset().get(pk=achievement.pk)
        return Response(self.get_serializer(fresh).data)

    @extend_schema(request=None, responses=AchievementSerializer, summary=_("提交至成果发现库"))
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(
            request, lambda a: services.achievement_submit(a, acting_user=request.user)
        )

    @extend_schema(request=WithdrawSerializer, responses=AchievementSerializer, summary=_("撤回"))
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        body = WithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reason = body.validated_data.get("reason", "")
        return self._transition(
            request,
            lambda a: services.achievement_withdraw(a, acting_user=request.user, reason=reason),
        )
