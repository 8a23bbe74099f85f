"""API of investor docking: the same scopes, filters and services as the pages."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from achievements.models import Achievement
from towns.rules import can

from .. import selectors, services
from ..filters import InterestFilter, OpportunityFilter
from ..models import Docking, InvestorInterest
from . import serializers as s


def _refused(error: ValidationError):
    return exceptions.ValidationError(
        error.message_dict if hasattr(error, "error_dict") else error.messages
    )


def _require(user, perm: str, obj=None) -> None:
    if not can(user, perm, obj):
        raise exceptions.PermissionDenied


@extend_schema(tags=["创投对接"])
class OpportunityViewSet(viewsets.ReadOnlyModelViewSet):
    """Service-library achievements awaiting landing, with their evaluation summary."""

    serializer_class = s.OpportunitySerializer
    filterset_class = OpportunityFilter
    ordering = ["-service_entered_at", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Achievement.objects.none()
        _require(self.request.user, "investors.browse_opportunities")
        return selectors.opportunities_for(self.request.user).order_by(*self.ordering)

    def get_serializer(self, *args, **kwargs):
        if args and not getattr(self, "swagger_fake_view", False):
            rows = args[0] if isinstance(args[0], list | tuple) else [args[0]]
            kwargs.setdefault("context", self.get_serializer_context())
            kwargs["context"]["summaries"] = selectors.evaluation_summaries(rows)
        return super().get_serializer(*args, **kwargs)

    @extend_schema(
        request=s.InterestCreateSerializer,
        responses={
            201: s.InterestSerializer,
            200: OpenApiResponse(s.InterestSerializer, description=_("本机构已表达过意向")),
        },
        summary=_("表达投资意向"),
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def interest(self, request, pk=None):
        achievement = self.get_object()
        _require(request.user, "investors.express_interest")
        data = s.InterestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            interest, created = services.interest_express(
                acting_user=request.user, achievement=achievement, **data.validated_data
            )
        except ValidationError as error:
            raise _refused(error) from None
        return Response(
            s.InterestSerializer(interest).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


@extend_schema(tags=["创投对接"])
class InterestViewSet(viewsets.ReadOnlyModelViewSet):
    """Interests: an investor their institution's, staff and leaders all; staff arrange."""

    serializer_class = s.InterestSerializer
    filterset_class = InterestFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InvestorInterest.objects.none()
        _require(self.request.user, "investors.view_interests")
        return selectors.interests_with_details(
            InvestorInterest.objects.visible_to(self.request.user)
        ).order_by("-created_at", "-id")

    @extend_schema(
        request=s.ArrangeSerializer, responses={201: s.DockingSerializer}, summary=_("安排对接")
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def arrange(self, request, pk=None):
        interest = self.get_object()
        _require(request.user, "investors.manage_dockings")
        data = s.ArrangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            docking = services.docking_arrange(
                interest=interest, acting_user=request.user, **data.validated_data
            )
        except ValidationError as error:
            raise _refused(error) from None
        return Response(s.DockingSerializer(docking).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["创投对接"])
class DockingViewSet(viewsets.ReadOnlyModelViewSet):
    """Dockings; staff record the meeting, the investment (a venture round), no deal or the
    cancellation through the same transition function as the pages."""

    serializer_class = s.DockingSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Docking.objects.none()
        _require(self.request.user, "investors.view_interests")
        return selectors.docking_with_details(
            Docking.objects.visible_to(self.request.user)
        ).order_by("-meeting_on", "-id")

    def _act(self, request, input_serializer, service):
        docking = self.get_object()
        _require(request.user, "investors.manage_dockings")
        data = input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            docking = service(docking, acting_user=request.user, **data.validated_data)
        except ValidationError as error:
            raise _refused(error) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=docking.pk)).data)

    @extend_schema(
        request=s.MeetingSerializer, responses=s.DockingSerializer, summary=_("记录对接结果")
    )
    @action(detail=True, methods=["post"])
    def meeting(self, request, pk=None):
        return self._act(request, s.MeetingSerializer, services.docking_record_meeting)

    @extend_schema(
        request=s.InvestmentSerializer, responses=s.DockingSerializer, summary=_("登记投资")
    )
    @action(detail=True, methods=["post"])
    def invest(self, request, pk=None):
        return self._act(request, s.InvestmentSerializer, services.docking_record_investment)

    @extend_schema(
        request=s.ReasonSerializer, responses=s.DockingSerializer, summary=_("未达成投资")
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._act(request, s.ReasonSerializer, services.docking_close)

    @extend_schema(request=s.ReasonSerializer, responses=s.DockingSerializer, summary=_("取消对接"))
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._act(request, s.ReasonSerializer, services.docking_cancel)
