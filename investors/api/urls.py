"""REST API v1 routes of investor docking (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register(
    "investors/opportunities", views.OpportunityViewSet, basename="investor-opportunity"
)
router.register("investors/interests", views.InterestViewSet, basename="investor-interest")
router.register("investors/dockings", views.DockingViewSet, basename="investor-docking")

urlpatterns = router.urls
