"""REST API v1 routes of the achievements app (mounted under /api/v1/)."""

from rest_framework.routers import DefaultRouter

from .views import landing, service
from .views.demands import DemandViewSet
from .views.discovery import AchievementViewSet

router = DefaultRouter()
router.register("achievements", AchievementViewSet, basename="achievement")
router.register("demands", DemandViewSet, basename="demand")
router.register("service/cases", service.ServiceCaseViewSet, basename="service-case")
router.register("service/follow-ups", service.FollowUpViewSet, basename="service-follow-up")
router.register("service/escalations", service.EscalationViewSet, basename="service-escalation")
router.register("landings", landing.LandingViewSet, basename="landing")

urlpatterns = router.urls
