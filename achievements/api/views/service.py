"""REST API of the service library: cases, follow-ups (the responsible person may record one)
and escalations; reads start from the same scoped selectors as the pages."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ...choices import AchievementStatus
from ...filters.service import EscalationFilter, FollowUpFilter, ServiceCaseFilter
from ...models import Achievement, FollowUp
from ...selectors import service as selectors
from ...services import service as services
from ..serializers.service import (
    EscalationHandleSerializer,
    EscalationInstructionSerializer,
    EscalationSerializer,
    FollowUpSerializer,
    ServiceCaseSerializer,
)


class ServiceCaseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ServiceCaseSerializer
    filterset_class = ServiceCaseFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no policy lookups
            return Achievement.objects.none()
        return selectors.service_case_list(self.request.user).order_by("-service_entered_at", "-id")


class FollowUpViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter

    def get_queryset(self):
        cases = selectors.service_cases_visible_to(self.request.user)
        return FollowUp.objects.filter(achievement__in=cases.values("pk")).order_by(
            "-period", "-id"
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        case = (
            selectors.service_cases_visible_to(self.request.user)
            .filter(pk=data.pop("achievement").pk)
            .first()
        )
        if case is None:
            raise exceptions.NotFound
        user = self.request.user
        if case.status != AchievementStatus.SERVICE or not user.has_perm(
            "achievements.follow_up_case", case
        ):
            raise exceptions.PermissionDenied
        try:
            serializer.instance = services.follow_up_record(
                achievement=case, acting_user=user, **data
            )
        except ValidationError as error:
            raise exceptions.ValidationError(
                error.message_dict if hasattr(error, "error_dict") else error.messages
            ) from None


class EscalationViewSet(viewsets.ReadOnlyModelViewSet):
    """Escalations; the leaders they were reported to (and staff) record a 批示 (`instruct`)
    and close one as handled (`handle`) through the same services as the pages."""

    serializer_class = EscalationSerializer
    filterset_class = EscalationFilter

    def get_queryset(self):
        return (
            selectors.escalations_visible_to(self.request.user)
            .prefetch_related("instructions")
            .order_by("-escalated_at", "-id")
        )

    def _act(self, request, input_serializer, service):
        escalation = self.get_object()
        if not request.user.has_perm("achievements.act_on_escalation", escalation):
            raise exceptions.PermissionDenied
        data = input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            return service(escalation=escalation, acting_user=request.user, **data.validated_data)
        except ValidationError as error:
            raise exceptions.ValidationError(
                error.message_dict if hasattr(error, "error_dict") else error.messages
            ) from None

    @extend_schema(
        request=EscalationInstructionSerializer,
        responses={201: EscalationInstructionSerializer},
        summary=_("领导批示"),
    )
    @action(detail=True, methods=["post"])
    def instruct(self, request, pk=None):
        instruction = self._act(
            request, EscalationInstructionSerializer, services.escalation_instruct
        )
        return Response(
            EscalationInstructionSerializer(instruction).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=EscalationHandleSerializer, responses=EscalationSerializer, summary=_("办结")
    )
    @action(detail=True, methods=["post"])
    def handle(self, request, pk=None):
        self._act(request, EscalationHandleSerializer, services.escalation_handle)
        return Response(self.get_serializer(self.get_object()).data)
