"""REST API v1 routes of the achievements app (mounted under /api/v1/)."""

from rest_framework.routers import DefaultRouter

from .demands import DemandViewSet

router = DefaultRouter()
router.register("demands", DemandViewSet, basename="demand")

urlpatterns = router.urls
