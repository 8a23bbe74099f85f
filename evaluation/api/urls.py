"""REST API v1 routes of the evaluation app (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("evaluation/batches", views.BatchViewSet, basename="evaluation-batch")
router.register("evaluation/items", views.BatchItemViewSet, basename="evaluation-item")
router.register("evaluation/scores", views.ScoreViewSet, basename="evaluation-score")
router.register(
    "evaluation/recommendations", views.RecommendationViewSet, basename="evaluation-recommendation"
)
router.register("evaluation/reviews", views.FastTrackReviewViewSet, basename="evaluation-review")
router.register("evaluation/valuations", views.ValuationViewSet, basename="evaluation-valuation")

urlpatterns = router.urls
