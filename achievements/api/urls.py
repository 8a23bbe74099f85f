"""REST API v1 routes of the achievements app (mounted under /api/v1/)."""

from rest_framework.routers import DefaultRouter

from .discovery import AchievementViewSet

router = DefaultRouter()
router.register("achievements", AchievementViewSet, basename="achievement")

urlpatterns = router.urls
