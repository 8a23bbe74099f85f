"""REST API v1 routes of the achievements app (mounted under /api/v1/)."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

urlpatterns = router.urls
