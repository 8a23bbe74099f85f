"""Read-only API of the registers (the same scoping and FilterSets as the pages), plus the
reward list's approve action, which calls the same service as the page."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from achievements.models import Achievement
from towns.models import IncubatedEnterprise, IncubationCarrier, TechCommissioner

from .. import filters, selectors, services
from .. import models as m
from . import serializers


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """Every list starts from `visible_to(user)`; registers need the staff/leader read right."""

    perm = "brokers.view_registers"
    model = None
    select_related: tuple = ()
    prefetch_related: tuple = ()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return self.model.objects.none()
        if self.perm and not self.request.user.has_perm(self.perm):
            raise PermissionDenied
        queryset = self.model.objects.visible_to(self.request.user)
        return queryset.select_related(*self.select_related).prefetch_related(
            *self.prefetch_related
        )


class BrokerViewSet(ScopedViewSet):
    perm = ""  # a broker reads their own record
    model = m.Broker
    serializer_class = serializers.BrokerSerializer
    filterset_class = filters.BrokerFilter
    select_related = ("certificate_level", "training_base")
    prefetch_related = ("fields",)
    ordering = ["name", "id"]


class TechContractViewSet(ScopedViewSet):
    perm = ""  # a broker reads the contracts credited to them
    model = m.TechContract
    serializer_class = serializers.TechContractSerializer
    filterset_class = filters.TechContractFilter
    ordering = ["-registered_on", "-id"]

    def get_queryset(self):
        return selectors.contracts_with_details(super().get_queryset())


class VentureRoundViewSet(ScopedViewSet):
    model = m.VentureRound
    serializer_class = serializers.VentureRoundSerializer
    filterset_class = filters.VentureRoundFilter
    select_related = ("achievement", "fund")
    ordering = ["-invested_on", "-id"]


class FundViewSet(ScopedViewSet):
    model = m.Fund
    serializer_class = serializers.FundSerializer
    filterset_class = filters.FundFilter
    select_related = ("parent", "partner_division")
    prefetch_related = ("fields", Prefetch("children", m.Fund.objects.only("id", "parent_id")))
    ordering = ["level", "name", "id"]


class IntermediaryViewSet(ScopedViewSet):
    model = m.Intermediary
    serializer_class = serializers.IntermediarySerializer
    filterset_class = filters.IntermediaryFilter
    select_related = ("division",)
    prefetch_related = ("fields", Prefetch("landed_projects", Achievement.objects.only("id")))
    ordering = ["name"]


class PocCenterViewSet(ScopedViewSet):
    model = m.PocCenter
    serializer_class = serializers.PocCenterSerializer
    filterset_class = filters.PocCenterFilter
    select_related = ("division",)
    prefetch_related = ("fields",)
    ordering = ["name"]


class RewardListViewSet(ScopedViewSet):
    model = m.RewardList
    serializer_class = serializers.RewardListSerializer
    prefetch_related = ("lines",)
    filterset_fields = ["year", "status"]
    ordering = ["-year"]

    @extend_schema(request=None, responses=serializers.RewardListSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        reward_list = self.get_object()
        if not request.user.has_perm("brokers.approve_rewards"):
            raise PermissionDenied
        try:
            reward_list = services.reward_list_approve(
                reward_list=reward_list, acting_user=request.user
            )
        except ValidationError as exc:
            raise drf_serializers.ValidationError(exc.messages) from exc
        return Response(self.get_serializer(reward_list).data)


# --- Seed 000 registers --------------------------------------------------------------------------


class TechCommissionerViewSet(ScopedViewSet):
    model = TechCommissioner
    serializer_class = serializers.TechCommissionerSerializer
    filterset_class = filters.TechCommissionerFilter
    ordering = ["division__code", "name", "id"]

    def get_queryset(self):
        return selectors.commissioners_with_counts(super().get_queryset())


class CommissionerServiceViewSet(ScopedViewSet):
    model = m.CommissionerService
    serializer_class = serializers.CommissionerServiceSerializer
    filterset_class = filters.CommissionerServiceFilter
    select_related = ("commissioner__division",)
    ordering = ["-served_on", "-id"]


class IncubationCarrierViewSet(ScopedViewSet):
    model = IncubationCarrier
    serializer_class = serializers.IncubationCarrierSerializer
    filterset_class = filters.IncubationCarrierFilter
    ordering = ["kind", "name"]

    def get_queryset(self):
        return selectors.carriers_with_counts(super().get_queryset())


class IncubatedEnterpriseViewSet(ScopedViewSet):
    model = IncubatedEnterprise
    serializer_class = serializers.IncubatedEnterpriseSerializer
    filterset_class = filters.IncubatedEnterpriseFilter
    ordering = ["carrier__name", "-entered_on", "id"]

    def get_queryset(self):
        return selectors.incubated_with_gazelle(super().get_queryset())


class TownSelectionViewSet(ScopedViewSet):
    model = m.TownSelection
    serializer_class = serializers.TownSelectionSerializer
    filterset_class = filters.TownSelectionFilter
    select_related = ("division",)
    ordering = ["-year", "division__code"]

    @extend_schema(
        request=serializers.TownSelectionDecisionSerializer,
        responses=serializers.TownSelectionSerializer,
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        selection = self.get_object()
        if not request.user.has_perm("brokers.manage_registers"):
            raise PermissionDenied
        decision = serializers.TownSelectionDecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        try:
            selection = services.town_selection_decide(
                selection=selection, acting_user=request.user, **decision.validated_data
            )
        except ValidationError as exc:
            raise drf_serializers.ValidationError(exc.messages) from exc
        return Response(self.get_serializer(selection).data)


class IndustrialisationAwardViewSet(ScopedViewSet):
    model = m.IndustrialisationAward
    serializer_class = serializers.IndustrialisationAwardSerializer
    filterset_class = filters.IndustrialisationAwardFilter
    select_related = ("project",)
    ordering = ["-year", "id"]


class LoanLossClaimViewSet(ScopedViewSet):
    model = m.LoanLossClaim
    serializer_class = serializers.LoanLossClaimSerializer
    filterset_class = filters.LoanLossClaimFilter
    ordering = ["-year", "id"]


class ServiceRevenueViewSet(ScopedViewSet):
    model = m.ServiceRevenue
    serializer_class = serializers.ServiceRevenueSerializer
    filterset_class = filters.ServiceRevenueFilter
    ordering = ["year"]
