"""REST API of the demand window: demands (list, retrieve, create, update) and their matches."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from kernel.drf import as_drf
from kernel.pagecache import PageScope, cached_page

from ...filters.demands import DemandFilter
from ...matching.people import MAX_PEOPLE_PER_KIND, PEOPLE_PER_KIND
from ...models import Match
from ...selectors.demands import demands_for
from ...selectors.people import demand_people
from ...services import demands as services
from ..serializers.demands import DemandMatchesSerializer, DemandPeopleSerializer, DemandSerializer

MAX_MATCHES = services.MATCHES_KEPT


class DemandViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Enterprise demands. An enterprise sees and changes only its own; staff see all."""

    serializer_class = DemandSerializer
    filterset_class = DemandFilter
    ordering_fields = ["created_at", "deadline"]
    ordering = ["-created_at"]

    def get_queryset(self):
        return demands_for(self.request.user).order_by("-created_at", "-pk")

    def create(self, request, *args, **kwargs):
        # The role is checked before the body: a liaison posting an empty demand hears "403",
        # not what the form lacks.
        if not request.user.has_perm("achievements.add_demand"):
            raise PermissionDenied
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        user = self.request.user
        if not user.has_perm("achievements.add_demand"):
            raise PermissionDenied
        try:
            serializer.instance = services.demand_create(
                acting_user=user, enterprise=user.enterprise, **serializer.validated_data
            )
        except DjangoValidationError as error:
            raise as_drf(error) from error

    def perform_update(self, serializer):
        demand = serializer.instance
        if not self.request.user.has_perm("achievements.change_demand", demand):
            raise PermissionDenied
        try:
            serializer.instance = services.demand_update(
                demand, acting_user=self.request.user, **serializer.validated_data
            )
        except DjangoValidationError as error:
            raise as_drf(error) from error

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "limit",
                OpenApiTypes.INT,
                description=f"how many matches, best first (1–{MAX_MATCHES}, default 10)",
            )
        ],
        responses=DemandMatchesSerializer,
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    @cached_page(scope=PageScope("demand"))
    def matches(self, request, pk=None):
        """The ranked achievements of a demand, with scores and explanations.

        Staff see every ranked achievement; an enterprise sees those staff proposed to it.
        """
        demand = self.get_object()
        try:
            limit = int(request.query_params.get("limit", 10))
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_MATCHES:
            raise ValidationError({"limit": f"limit 应为 1 到 {MAX_MATCHES} 之间的整数。"})
        matches = (
            Match.objects.visible_to(request.user)
            .filter(demand=demand)
            .select_related("achievement")
            .ranked()[:limit]
        )
        return Response(
            DemandMatchesSerializer(
                {"demand": demand.pk, "computed_at": demand.matched_at, "results": matches}
            ).data
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "limit",
                OpenApiTypes.INT,
                description=(
                    f"how many people of each kind, best first "
                    f"(1–{MAX_PEOPLE_PER_KIND}, default {PEOPLE_PER_KIND})"
                ),
            )
        ],
        responses=DemandPeopleSerializer,
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    @cached_page
    def people(self, request, pk=None):
        """People who can help with a demand: experts, brokers and achievement teams, each with
        why (shared words, concepts, field). They answer talent demands (人才需求), which get
        no achievement suggestions; any demand may be asked. Staff only; contacts as each
        kind's own rule allows."""
        demand = self.get_object()
        if not request.user.has_perm("achievements.review_matches"):
            raise PermissionDenied
        try:
            limit = int(request.query_params.get("limit", PEOPLE_PER_KIND))
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_PEOPLE_PER_KIND:
            raise ValidationError({"limit": f"limit 应为 1 到 {MAX_PEOPLE_PER_KIND} 之间的整数。"})
        groups = demand_people(demand, request.user, per_kind=limit)
        return Response(
            DemandPeopleSerializer(
                {"demand": demand.pk, "computed_at": demand.matched_at, "groups": groups}
            ).data
        )
