"""REST API of landings (read-only): the same scoped list and FilterSet as the landings page."""

from django.db.models import F
from rest_framework import viewsets

from ...filters.landing import LandingFilter
from ...selectors import landing as selectors
from ..serializers.landing import LandingSerializer


class LandingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LandingSerializer
    filterset_class = LandingFilter

    def get_queryset(self):
        landings = selectors.landings_with_evidence(selectors.landing_list(self.request.user))
        return landings.order_by(F("landed_on").desc(nulls_last=True), "-id")
