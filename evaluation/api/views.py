"""REST API v1 of the evaluation app: each viewset starts from `visible_to(user)`."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import selectors, services
from ..filters import (
    BatchFilter,
    BatchItemFilter,
    FastTrackReviewFilter,
    RecommendationFilter,
    ScoreFilter,
    ValuationFilter,
)
from ..models import BatchItem
from .serializers import (
    BatchItemSerializer,
    BatchSerializer,
    FastTrackReviewSerializer,
    RecommendationSerializer,
    ScoreSerializer,
    ValuationSerializer,
)


class BatchViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = BatchSerializer
    filterset_class = BatchFilter
    ordering_fields = ["year", "created_at"]

    def get_queryset(self):
        return selectors.batch_list(self.request.user).prefetch_related("evaluators")

    @extend_schema(request=None, responses=BatchSerializer)
    @action(detail=True, methods=["post"])
    def select(self, request, pk=None):
        """Start the selection task (staff); the batch shows 遴选计算中 until it finishes."""
        batch = self.get_object()
        if not request.user.has_perm("evaluation.manage_batch", batch):
            raise exceptions.PermissionDenied
        try:
            batch = services.batch_request_selection(batch=batch, acting_user=request.user)
        except ValidationError as error:
            raise exceptions.ValidationError(error.messages) from None
        batch.refresh_from_db()
        return Response(BatchSerializer(batch).data)


class BatchItemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = BatchItemSerializer
    filterset_class = BatchItemFilter
    ordering_fields = ["rank", "mean_total"]

    def get_queryset(self):
        return BatchItem.objects.visible_to(self.request.user).select_related("achievement")


class ScoreViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ScoreSerializer
    filterset_class = ScoreFilter

    def get_queryset(self):
        return selectors.score_list(self.request.user).select_related("evaluator")


class RecommendationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RecommendationSerializer
    filterset_class = RecommendationFilter

    def get_queryset(self):
        return selectors.recommendation_list(self.request.user)


class FastTrackReviewViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FastTrackReviewSerializer
    filterset_class = FastTrackReviewFilter
    ordering_fields = ["due_on", "opened_on"]

    def get_queryset(self):
        return selectors.review_list(self.request.user)


class ValuationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ValuationSerializer
    filterset_class = ValuationFilter
    ordering_fields = ["requested_on", "value"]

    def get_queryset(self):
        return selectors.valuation_list(self.request.user)
