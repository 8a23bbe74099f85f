"""REST API v1 routes of the brokers app (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("brokers", views.BrokerViewSet, basename="broker")
router.register("tech-contracts", views.TechContractViewSet, basename="tech-contract")
router.register("venture-rounds", views.VentureRoundViewSet, basename="venture-round")
router.register("funds", views.FundViewSet, basename="fund")
router.register("intermediaries", views.IntermediaryViewSet, basename="intermediary")
router.register("poc-centers", views.PocCenterViewSet, basename="poc-center")
router.register("reward-lists", views.RewardListViewSet, basename="reward-list")

urlpatterns = router.urls
