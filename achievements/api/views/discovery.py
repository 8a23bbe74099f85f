"""REST API of the discovery library: /api/v1/achievements/ (same filters as the list page)."""

import rules
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from kernel.drf import as_drf

from ...filters.discovery import AchievementFilter
from ...selectors.discovery import library_for
from ...services import discovery as services
from ..serializers.discovery import AchievementSerializer, WithdrawSerializer


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
